//! Right-to-left text in the order egui draws it.
//!
//! egui 0.37 shapes each run of one font with harfrust, which draws an Arabic-script run right
//! to left and joined; but it lays the runs out left to right in the order of the text, so
//! "گوادر پورٹ" (two words, the space in the Latin font) would come out with its words
//! swapped, and an Urdu name before a number would put the number after it. [`visual`] runs
//! the Unicode bidi algorithm (UAX #9, unicode-bidi) over the text and hands egui the runs in
//! visual order: in a right-to-left run the words and the spaces between them reversed, each
//! word left in reading order for the shaper to draw right to left itself; mirrored brackets
//! swapped. Left-to-right text is returned as it is, untouched.
//!
//! For single lines: labels, names, values. A wrapped paragraph of right-to-left text would
//! need the reordering per line after wrapping (its lines would otherwise be read bottom up).

use std::borrow::Cow;

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// Whether `c` is read right to left (Hebrew, Arabic letters).
fn is_rtl_letter(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// Part of a right-to-left word: its letters, the marks on them, and the joiners.
fn is_in_rtl_word(c: char) -> bool {
    is_rtl_letter(c)
        || matches!(bidi_class(c), BidiClass::NSM)
        || c == '\u{200C}'
        || c == '\u{200D}'
}

/// The bracket a right-to-left run shows for `c`.
fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        other => other,
    }
}

/// `text` as egui must be given it to show it in the bidi algorithm's visual order (see the
/// module's doc); text with no right-to-left letter comes back borrowed.
pub fn visual(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_rtl_letter) {
        return Cow::Borrowed(text);
    }
    let info = BidiInfo::new(text, None);
    let mut out = String::with_capacity(text.len());
    for (i, para) in info.paragraphs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = para.range.start..para.range.end;
        let (levels, runs) = info.visual_runs(para, line);
        for run in runs {
            let piece = text[run.clone()].trim_end_matches(['\n', '\r']);
            if levels[run.start].is_ltr() {
                out.push_str(piece);
                continue;
            }
            // Right to left: words (kept in reading order) and what lies between them,
            // reversed.
            let mut segments: Vec<String> = Vec::new();
            for c in piece.chars() {
                match segments.last_mut() {
                    Some(word)
                        if is_in_rtl_word(c) && word.chars().last().is_some_and(is_in_rtl_word) =>
                    {
                        word.push(c);
                    }
                    _ => segments.push(mirrored(c).to_string()),
                }
            }
            for s in segments.iter().rev() {
                out.push_str(s);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_to_right_text_is_untouched() {
        assert!(matches!(visual("Gwadar Port 2025"), Cow::Borrowed(_)));
        assert!(matches!(visual("巴基斯坦"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_urdu_phrase_has_its_words_in_reading_order_from_the_right() {
        // گوادر پورٹ: "Gwadar Port"; drawn from the right, the first word is the rightmost,
        // so egui, which lays runs out from the left, gets the second word first.
        assert_eq!(visual("گوادر پورٹ"), "پورٹ گوادر");
        // A single word is left to the shaper.
        assert_eq!(visual("پاکستان"), "پاکستان");
    }

    #[test]
    fn numbers_and_latin_keep_their_own_order_inside_right_to_left_text() {
        // An Urdu sentence with a year: the year stays 2025, left of the word it follows.
        assert_eq!(visual("گوادر 2025"), "2025 گوادر");
        // A Latin name, then an Urdu one and a year (a left-to-right paragraph): a number
        // after Arabic letters is an Arabic number (rule W2), so it belongs to the
        // right-to-left run and shows left of the word, as a browser or Pango shows it.
        assert_eq!(visual("Gwadar گوادر 2025"), "Gwadar 2025 گوادر");
        assert_eq!(visual("Gwadar port گوادر"), "Gwadar port گوادر");
        // Brackets in a right-to-left run face the other way.
        assert_eq!(visual("(گوادر)"), "(گوادر)");
    }
}
