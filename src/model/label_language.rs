//! The language of the map's labels (View → Labels, `--labels`): English, Urdu, Chinese, or
//! English with the local name under it. The UI itself stays English.
//!
//! A label shows the name its data has in the language chosen, and the English name where the
//! data has none (never an invented translation). Chinese is shown in the Simplified
//! characters used in the PRC: Natural Earth mixes in Traditional forms (拉合爾, 奎達), which are
//! converted (fast2s, OpenCC's table).

use serde::{Deserialize, Serialize};

/// The labels' language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LabelLanguage {
    /// English names (OpenStreetMap's Latin ones); names only in another script left out.
    #[default]
    English,
    /// Urdu names where the data has them, else English.
    Urdu,
    /// Chinese (Simplified) names where the data has them, else English.
    Chinese,
    /// The English name, and under it the local (Urdu) one where the data has it.
    EnglishAndLocal,
}

impl LabelLanguage {
    /// Every choice, in menu order.
    pub const ALL: [Self; 4] = [
        Self::English,
        Self::Urdu,
        Self::Chinese,
        Self::EnglishAndLocal,
    ];

    /// The name in the menu, in its own language.
    pub fn menu_label(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::Urdu => "اردو",
            Self::Chinese => "中文",
            Self::EnglishAndLocal => "English + local",
        }
    }

    /// The code `--labels` takes.
    pub fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::Urdu => "ur",
            Self::Chinese => "zh",
            Self::EnglishAndLocal => "en+local",
        }
    }

    /// The choice a code names (`en`, `ur`, `zh`, `en+local`).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Whether names written only in a non-Latin script are shown.
    pub fn shows_local_script(self) -> bool {
        self != Self::English
    }

    /// The text of a label whose data names it `en` in English, `ur` in Urdu and `zh` in
    /// Chinese; two lines for English and local.
    pub fn text(self, en: &str, ur: Option<&str>, zh: Option<&str>) -> String {
        fn given(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        match self {
            Self::English => en.to_string(),
            Self::Urdu => given(ur).unwrap_or(en).to_string(),
            Self::Chinese => given(zh).map_or_else(|| en.to_string(), simplified),
            Self::EnglishAndLocal => match given(ur) {
                Some(local) if local != en => format!("{en}\n{local}"),
                _ => en.to_string(),
            },
        }
    }
}

/// A title's Urdu and Chinese forms, where its data gives them (a layer's title, a legend
/// class); the English one is held beside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalNames {
    /// In Urdu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ur: Option<String>,
    /// In Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

impl LocalNames {
    /// The text shown for `en` in `language` (see [`LabelLanguage::text`]).
    pub fn text(&self, language: LabelLanguage, en: &str) -> String {
        language.text(en, self.ur.as_deref(), self.zh.as_deref())
    }
}

/// Chinese text in Simplified characters (Traditional forms converted; others kept).
pub fn simplified(text: &str) -> String {
    fast2s::convert(text)
}

/// Whether every letter of `text` is Latin (ASCII or the Latin supplements and extensions
/// transliterations use: "Shīnḏanḏ", "Bahāwalpur"); a text of no letters ("2025") is.
pub fn is_latin(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).all(
        |c| matches!(c as u32, 0x41..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_shows_its_name_or_else_english() {
        let (en, ur, zh) = ("Balochistan", Some("بلوچستان"), Some("俾路支省"));
        assert_eq!(LabelLanguage::English.text(en, ur, zh), "Balochistan");
        assert_eq!(LabelLanguage::Urdu.text(en, ur, zh), "بلوچستان");
        assert_eq!(LabelLanguage::Chinese.text(en, ur, zh), "俾路支省");
        assert_eq!(
            LabelLanguage::EnglishAndLocal.text(en, ur, zh),
            "Balochistan\nبلوچستان"
        );
        // No Urdu in the data: English, not an invented name.
        assert_eq!(LabelLanguage::Urdu.text("Sost", None, Some(" ")), "Sost");
        assert_eq!(
            LabelLanguage::EnglishAndLocal.text("Sost", None, None),
            "Sost"
        );
    }

    #[test]
    fn chinese_is_shown_in_simplified_characters() {
        // Natural Earth's Lahore, Quetta and Multan.
        assert_eq!(
            LabelLanguage::Chinese.text("Lahore", None, Some("拉合爾")),
            "拉合尔"
        );
        assert_eq!(simplified("奎達"), "奎达");
        assert_eq!(simplified("木爾坦"), "木尔坦");
        assert_eq!(simplified("伊斯兰堡"), "伊斯兰堡", "already Simplified");
    }

    #[test]
    fn codes_round_trip_and_scripts_are_told_apart() {
        for l in LabelLanguage::ALL {
            assert_eq!(LabelLanguage::from_code(l.code()), Some(l));
        }
        assert_eq!(
            LabelLanguage::from_code("EN+LOCAL"),
            Some(LabelLanguage::EnglishAndLocal)
        );
        assert_eq!(LabelLanguage::from_code("fr"), None);
        assert!(is_latin("Shīnḏanḏ"));
        assert!(is_latin("G-9 Exit"));
        assert!(!is_latin("گوادر"));
        assert!(!is_latin("ای-8"));
        assert!(is_latin("2025"), "no letter in another script");
    }
}
