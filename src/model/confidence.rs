//! How sure a feature's position and figures are: the A/B/C grades of the map content.

use std::fmt;

/// Confidence grade carried by every feature in `maps/` (`confidence` property).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// Coordinate and figures printed on the cited source.
    A,
    /// A town-centre point (GeoNames), not the facility itself.
    B,
    /// An estimate, typically 5–15 km off.
    C,
}

impl Confidence {
    /// Parse the `confidence` property (`"A"`, `"B"`, `"C"`, case-insensitive; a trailing note
    /// such as `"B (town)"` is allowed).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().chars().next()?.to_ascii_uppercase() {
            'A' => Some(Self::A),
            'B' => Some(Self::B),
            'C' => Some(Self::C),
            _ => None,
        }
    }

    /// The grade spelled out for the inspector.
    pub fn describe(self) -> &'static str {
        match self {
            Self::A => "A — position and figures as printed on the source",
            Self::B => "B — town-centre point (GeoNames), not the site itself",
            Self::C => "C — estimated position, ±5–15 km",
        }
    }

    /// Whether a position with this grade is an estimate that must never read as a survey.
    pub fn is_estimate(self) -> bool {
        self == Self::C
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        };
        f.write_str(letter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_grades_and_spells_them_out() {
        assert_eq!(Confidence::parse("A"), Some(Confidence::A));
        assert_eq!(Confidence::parse(" b (town)"), Some(Confidence::B));
        assert_eq!(Confidence::parse("C"), Some(Confidence::C));
        assert_eq!(Confidence::parse("x"), None);
        assert_eq!(Confidence::parse(""), None);
        assert!(Confidence::C.describe().contains("estimated"));
        assert!(Confidence::C.is_estimate() && !Confidence::A.is_estimate());
    }
}
