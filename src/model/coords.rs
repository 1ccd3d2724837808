//! Writing a position for people: decimal degrees or degrees–minutes–seconds, with the
//! hemisphere as a letter (N/S, E/W) rather than a sign.

use super::view::LonLat;

/// `25.1264° N  62.3225° E` (four decimals: about 11 m).
pub fn format_decimal(p: LonLat) -> String {
    let (lat, ns) = hemisphere(p.lat, 'N', 'S');
    let (lon, ew) = hemisphere(p.lon, 'E', 'W');
    format!("{lat:.4}° {ns}  {lon:.4}° {ew}")
}

/// `25°07'35.0" N  62°19'21.0" E` (tenths of a second: about 3 m).
pub fn format_dms(p: LonLat) -> String {
    let (lat, ns) = hemisphere(p.lat, 'N', 'S');
    let (lon, ew) = hemisphere(p.lon, 'E', 'W');
    format!("{} {ns}  {} {ew}", dms(lat, 2), dms(lon, 3))
}

fn hemisphere(value: f64, positive: char, negative: char) -> (f64, char) {
    if value < 0.0 {
        (-value, negative)
    } else {
        (value, positive)
    }
}

/// Degrees, minutes and seconds of a non-negative angle, rounded to tenths of a second first
/// so that 59.96″ carries into the next minute instead of printing as 60.0″.
fn dms(degrees: f64, degree_digits: usize) -> String {
    let tenths = (degrees * 36_000.0).round() as u64;
    let (d, rest) = (tenths / 36_000, tenths % 36_000);
    let (m, t) = (rest / 600, rest % 600);
    format!(
        "{d:0degree_digits$}°{m:02}'{:02}.{}\"",
        t / 10,
        t % 10,
        degree_digits = degree_digits
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_degrees_name_the_hemisphere() {
        assert_eq!(
            format_decimal(LonLat::new(62.32251, 25.12641)),
            "25.1264° N  62.3225° E"
        );
        assert_eq!(
            format_decimal(LonLat::new(-0.1276, -33.5)),
            "33.5000° S  0.1276° W"
        );
    }

    #[test]
    fn dms_rounds_and_carries() {
        // Gwadar: 25.1264° N, 62.3225° E.
        assert_eq!(
            format_dms(LonLat::new(62.3225, 25.1264)),
            "25°07'35.0\" N  062°19'21.0\" E"
        );
        // 59.99″ rounds up into the next minute, and the minute into the degree.
        assert_eq!(
            format_dms(LonLat::new(74.0, 35.0 - 0.1 / 36_000.0 * 0.4)),
            "35°00'00.0\" N  074°00'00.0\" E"
        );
        assert_eq!(
            format_dms(LonLat::new(-70.5, -12.25)),
            "12°15'00.0\" S  070°30'00.0\" W"
        );
    }
}
