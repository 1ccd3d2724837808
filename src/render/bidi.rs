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
//! [`visual`] is for single lines: labels, names, values. A paragraph with right-to-left text
//! is broken into lines first, in reading order, and each line reordered on its own
//! ([`visual_lines`]): reordered whole and then wrapped, its lines would read bottom up.

use std::borrow::Cow;

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// Whether `c` is read right to left (Hebrew, Arabic letters).
pub fn is_rtl_letter(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// Part of a right-to-left word: its letters, the marks on them, the joiners, and the
/// script's own punctuation ("،" "؛" "؟" "۔"), which only the Arabic-script font has, so egui
/// shapes it in one run with the letters beside it (and the shaper draws that run right to
/// left: it must be handed in reading order, like the letters).
fn is_in_rtl_word(c: char) -> bool {
    is_rtl_letter(c)
        || matches!(bidi_class(c), BidiClass::NSM)
        || c == '\u{200C}'
        || c == '\u{200D}'
        || matches!(c, '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{06D4}')
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

/// Whether `text` is a right-to-left paragraph: its first strong letter is (UAX #9, P2–P3), so
/// its lines are set flush right.
pub fn is_rtl_paragraph(text: &str) -> bool {
    unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl
}

/// `text` broken into lines no wider than `max_width` (as `width_of` measures a line), each in
/// visual order, joined by newlines; text with no right-to-left letter comes back as it is
/// (egui wraps it itself). A word wider than the width gets a line of its own.
pub fn visual_lines(text: &str, max_width: f32, width_of: impl Fn(&str) -> f32) -> Cow<'_, str> {
    if !text.chars().any(is_rtl_letter) {
        return Cow::Borrowed(text);
    }
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let longer = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && width_of(&visual(&longer)) > max_width {
                lines.push(visual(&line).into_owned());
                line = word.to_string();
            } else {
                line = longer;
            }
        }
        lines.push(visual(&line).into_owned());
    }
    Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_to_left_paragraph_is_broken_in_reading_order_then_each_line_reordered() {
        // Three words, two to a line (a letter is one unit wide; the limit takes two words).
        let width = |s: &str| s.chars().count() as f32;
        let text = "گوادر پورٹ اور خنجراب";
        let lines = visual_lines(text, 10.0, width);
        // The first line holds the first two words read, drawn right to left.
        assert_eq!(lines, "پورٹ گوادر\nخنجراب اور");
        assert!(matches!(
            visual_lines("Gwadar Port and Khunjerab", 10.0, width),
            Cow::Borrowed(_)
        ));
        assert!(is_rtl_paragraph(text) && is_rtl_paragraph("2025 گوادر"));
        assert!(!is_rtl_paragraph("Gwadar گوادر"));
    }

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
        // The Urdu comma goes with the word before it, shaped in one run with it.
        assert_eq!(visual("ہسپتال، گوادر"), "گوادر ہسپتال،");
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
