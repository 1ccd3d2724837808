//! A feature's `source` text read as citations: each page it names as a link, the date given
//! for it, and the stored copy (mirror) it was read from, so the inspector can link the page,
//! date it and name each mirror once.
//!
//! The text is the data's own, written by people: "dawn.com/news/1764908", "en.wikipedia
//! 'Gwadar Port' (mirror wiki.studentb.eu)", "nation.com.pk (6 May 2024)", "thenews.com.pk
//! print/502446". Citations are separated by `;`. Only what the text says is used: a date is
//! one written in it, a link is to the page (or site) it names, never a guess from a name
//! alone ("Xinhua", "GeoNames" stay text).

/// One cited page or publisher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The citation as written, less the note of the copy it was read from.
    pub text: String,
    /// The page (or site) it names, as an `https://` address.
    pub url: Option<String>,
    /// The date written with it ("22 Nov 2020", "Aug 2022", "2021-09-02").
    pub date: Option<String>,
    /// The stored copy it was read from, when the text names one ("wiki.studentb.eu",
    /// "kiwix 2023-10").
    pub mirror: Option<String>,
}

/// The citations in a source text, in order.
pub fn citations(source: &str) -> Vec<Citation> {
    source
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(citation)
        .collect()
}

/// The mirrors the citations were read from, each once, in order.
pub fn mirrors(citations: &[Citation]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for m in citations.iter().filter_map(|c| c.mirror.as_deref()) {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn citation(part: &str) -> Citation {
    let (text, mirror) = split_mirror(part);
    let url = wikipedia_url(&text).or_else(|| page_url(&text));
    let date = date_in(&text);
    Citation {
        text,
        url,
        date,
        mirror,
    }
}

/// The part without its "(mirror X)", "(X copy)", "(kiwix 2023-10 copy)" note, and the copy
/// named there.
fn split_mirror(part: &str) -> (String, Option<String>) {
    let mut rest = part.to_string();
    let mut mirror = None;
    let mut from = 0;
    while let Some(open) = rest[from..].find('(').map(|i| i + from) {
        let Some(close) = rest[open..].find(')').map(|i| i + open) else {
            break;
        };
        let inner = &rest[open + 1..close];
        let lower = inner.to_lowercase();
        if lower.contains("mirror") || lower.contains("copy") {
            let named: Vec<&str> = inner
                .split_whitespace()
                .filter(|w| {
                    !matches!(
                        w.to_lowercase().as_str(),
                        "mirror" | "copy" | "and" | "+" | "old"
                    )
                })
                .collect();
            // "(en.wikipedia mirror)" names what was mirrored, not where: the copy is unnamed.
            let named = named.join(" ");
            mirror = Some(if named.is_empty() || named.contains("wikipedia") {
                "an unnamed copy".to_string()
            } else {
                named
            });
            rest = format!("{}{}", rest[..open].trim_end(), &rest[close + 1..]);
            continue;
        }
        from = close + 1;
    }
    (rest.trim().to_string(), mirror)
}

/// "en.wikipedia 'Gwadar Port'" or "Karachi–Peshawar main line, en.wikipedia": the article.
fn wikipedia_url(text: &str) -> Option<String> {
    let at = text.find(".wikipedia")?;
    let lang_start = text[..at]
        .rfind(|c: char| !c.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let lang = &text[lang_start..at];
    if lang.len() < 2 || lang.len() > 3 {
        return None;
    }
    // The host written in full ("en.wikipedia.org/wiki/…") is a page address: not here.
    if text[at..].starts_with(".wikipedia.org") {
        return None;
    }
    let after = &text[at + ".wikipedia".len()..];
    let title = match after.find('\'') {
        Some(q) => {
            let t = &after[q + 1..];
            &t[..t.find('\'')?]
        }
        None => text[..lang_start].trim_end().trim_end_matches(',').trim(),
    };
    if title.is_empty() {
        return None;
    }
    Some(format!(
        "https://{lang}.wikipedia.org/wiki/{}",
        title.trim().replace(' ', "_")
    ))
}

/// A host ("dawn.com", "thenews.com.pk") with the path written on it or after it
/// ("print/502446", "?p=13089"): that page, else the site.
fn page_url(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (i, word) = words.iter().enumerate().find_map(|(i, w)| {
        let w = w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | '\'' | '"'));
        is_host_and_path(w).then_some((i, w))
    })?;
    let word = word
        .strip_prefix("https://")
        .or_else(|| word.strip_prefix("http://"))
        .unwrap_or(word);
    let mut url = format!("https://{word}");
    if !word.contains('/')
        && let Some(next) = words.get(i + 1)
    {
        let next = next.trim_end_matches([',', '.']);
        // A path as written ("print/502446", "?p=13089"); a bare number ("812673") is an
        // article id whose address is not known: the site, not a guess.
        let path_like = next.starts_with("?p=") || (next.contains('/') && !next.starts_with('/'));
        if path_like {
            url.push('/');
            url.push_str(next);
        }
    }
    Some(url)
}

/// "dawn.com/news/1764908", "nation.com.pk", "https://…": a host of at least two labels, the
/// last letters only (a top-level domain), and an optional path.
fn is_host_and_path(word: &str) -> bool {
    let word = word
        .strip_prefix("https://")
        .or_else(|| word.strip_prefix("http://"))
        .unwrap_or(word);
    let host = word.split(['/', '?']).next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
}

/// A date written in the text: "22 Nov 2020", "Nov 2020", "2021/09/02", "2021-09-02", or
/// "01-Mar-2024" in an address.
fn date_in(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '/' | '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let month = |w: &str| {
        let l = w.to_lowercase();
        l.len() >= 3
            && MONTHS
                .iter()
                .any(|m| l.starts_with(m) && m.len() <= l.len())
    };
    let year = |w: &str| {
        w.len() == 4 && w.starts_with(['1', '2']) && w.chars().all(|c| c.is_ascii_digit())
    };
    let day = |w: &str| (1..=2).contains(&w.len()) && w.chars().all(|c| c.is_ascii_digit());
    for (i, w) in words.iter().enumerate() {
        // 01-Mar-2024, as in nation.com.pk addresses.
        let dashed: Vec<&str> = w.split('-').collect();
        if dashed.len() == 3 && day(dashed[0]) && month(dashed[1]) && year(dashed[2]) {
            return Some(dashed.join(" "));
        }
        if dashed.len() == 3 && year(dashed[0]) && dashed[1].len() == 2 && day(dashed[2]) {
            return Some(w.to_string());
        }
        if month(w) && words.get(i + 1).is_some_and(|y| year(y)) {
            let y = words[i + 1];
            return Some(
                match i.checked_sub(1).map(|j| words[j]).filter(|d| day(d)) {
                    Some(d) => format!("{d} {w} {y}"),
                    None => format!("{w} {y}"),
                },
            );
        }
    }
    // 2021/09/02: split on '/' above, so three words in a row.
    words.windows(3).find_map(|w| {
        (year(w[0]) && w[1].len() == 2 && day(w[1]) && day(w[2]))
            .then(|| format!("{}-{}-{:0>2}", w[0], w[1], w[2]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_become_links_and_names_alone_stay_text() {
        let c =
            citations("thenews.com.pk print/502446; Xinhua (22 Jul 2019); dawn.com/news/1764908");
        assert_eq!(c.len(), 3);
        assert_eq!(
            c[0].url.as_deref(),
            Some("https://thenews.com.pk/print/502446")
        );
        assert_eq!(c[1].url, None, "a publisher's name is no address");
        assert_eq!(c[1].date.as_deref(), Some("22 Jul 2019"));
        assert_eq!(c[2].url.as_deref(), Some("https://dawn.com/news/1764908"));
        assert_eq!(
            citations("cpecinfo.com ?p=13089")[0].url.as_deref(),
            Some("https://cpecinfo.com/?p=13089")
        );
        assert_eq!(
            citations("dailytimes.com.pk 812673")[0].url.as_deref(),
            Some("https://dailytimes.com.pk"),
            "an article id is no address: the site"
        );
        assert_eq!(
            citations("https://example.org/report.pdf")[0]
                .url
                .as_deref(),
            Some("https://example.org/report.pdf")
        );
        for plain in [
            "GeoNames",
            "estimate",
            "HQ point GeoNames",
            "urdupoint (5 Oct 2021)",
        ] {
            assert_eq!(citations(plain)[0].url, None, "{plain}");
        }
    }

    #[test]
    fn wikipedia_articles_are_linked_and_mirrors_named_apart() {
        let c = citations("en.wikipedia 'Gwadar Port' (mirror wiki.studentb.eu)");
        assert_eq!(c[0].text, "en.wikipedia 'Gwadar Port'");
        assert_eq!(
            c[0].url.as_deref(),
            Some("https://en.wikipedia.org/wiki/Gwadar_Port")
        );
        assert_eq!(c[0].mirror.as_deref(), Some("wiki.studentb.eu"));
        let c = citations("en.wikipedia 'Khunjerab Pass' infobox (en.academic.ru copy)");
        assert_eq!(c[0].mirror.as_deref(), Some("en.academic.ru"));
        let c = citations(
            "Karachi–Peshawar main line, en.wikipedia (kiwix 2023-10 copy); hrnww.com post 16874",
        );
        assert_eq!(
            c[0].url.as_deref(),
            Some("https://en.wikipedia.org/wiki/Karachi–Peshawar_main_line")
        );
        assert_eq!(c[0].mirror.as_deref(), Some("kiwix 2023-10"));
        assert_eq!(c[1].url.as_deref(), Some("https://hrnww.com"));
        let c = citations(
            "en.wikipedia 'Gwadar Port' (mirror wiki.studentb.eu); en.wikipedia 'Gwadar' (mirror wiki.studentb.eu)",
        );
        assert_eq!(mirrors(&c), vec!["wiki.studentb.eu"], "named once");
    }

    #[test]
    fn dates_are_read_as_written() {
        let date = |s: &str| citations(s)[0].date.clone();
        assert_eq!(
            date("nation.com.pk 11 Mar 2024").as_deref(),
            Some("11 Mar 2024")
        );
        assert_eq!(
            date("southasiainvestor.com 'PEACE Cable' (Aug 2022)").as_deref(),
            Some("Aug 2022")
        );
        assert_eq!(
            date("propakistani.pk 2021/09/02").as_deref(),
            Some("2021-09-02")
        );
        assert_eq!(
            date("nation.com.pk/01-Mar-2024/suki-kinari-hpp-commences-reservoir-filling")
                .as_deref(),
            Some("01 Mar 2024")
        );
        assert_eq!(date("dawn.com/news/1764908"), None, "no date is made up");
        assert_eq!(date("gem.wiki/Hubco_power_station"), None);
    }
}
