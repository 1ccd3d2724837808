//! TileJSON (the document tile servers publish beside their tiles): the tile URL template,
//! zoom range, attribution and, for vector tiles, the layers.

use crate::tiles::source::TileSourceSpec;

/// A TileJSON document that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TileJsonError {
    /// Not JSON.
    #[error("{url}: not a TileJSON document: {reason}")]
    NotJson {
        /// Where it came from.
        url: String,
        /// Why.
        reason: String,
    },
    /// No `tiles` list.
    #[error("{url}: the TileJSON document has no \"tiles\" URL")]
    NoTiles {
        /// Where it came from.
        url: String,
    },
    /// The document could not be fetched.
    #[error("{0}")]
    Fetch(String),
}

/// Whether `text` looks like a TileJSON URL rather than a tile template: an http(s) URL
/// without `{z}` whose path does not end in an image or tile extension (`…/pakistan.json`,
/// Martin's `…/roads`).
pub fn is_tilejson_url(text: &str) -> bool {
    let t = text.trim();
    let path = t.split(['?', '#']).next().unwrap_or(t).to_ascii_lowercase();
    let tile_like = [".png", ".jpg", ".jpeg", ".webp", ".pbf", ".mvt"]
        .iter()
        .any(|x| path.ends_with(x));
    (t.starts_with("http://") || t.starts_with("https://")) && !t.contains("{z}") && !tile_like
}

/// The tile source a TileJSON document at `url` describes.
pub fn parse(url: &str, body: &[u8]) -> Result<TileSourceSpec, TileJsonError> {
    // As typed or pasted: a space or line end around it is not part of the address (found by
    // fuzzing: relative tiles resolved against " https://…" began with the space).
    let url = url.trim();
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| TileJsonError::NotJson {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
    let template = json
        .get("tiles")
        .and_then(|t| t.as_array())
        .and_then(|t| t.first())
        .and_then(|t| t.as_str())
        .ok_or_else(|| TileJsonError::NoTiles {
            url: url.to_string(),
        })?;
    let template = absolute(url, template);
    let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let zoom = |k: &str, default: u8| {
        json.get(k)
            .and_then(serde_json::Value::as_f64)
            .map_or(default, |z| z.clamp(0.0, 24.0) as u8)
    };
    let host = template
        .split('/')
        .nth(2)
        .unwrap_or("tile server")
        .to_string();
    let vector = json.get("vector_layers").is_some()
        || matches!(text("format").as_deref(), Some("pbf" | "mvt"));
    let attribution = text("attribution")
        .map(|a| strip_html(&a))
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| format!("Tiles: {host}"));
    Ok(TileSourceSpec {
        name: text("name").unwrap_or(host),
        url_template: template,
        attribution,
        max_zoom: zoom("maxzoom", 14),
        min_zoom: zoom("minzoom", 0),
        vector,
    })
}

/// Fetch and read the TileJSON document at `url`, keeping it in the tile cache folder
/// `cache` so the source opens again offline (its tiles then come from the cache too).
pub fn resolve(
    url: &str,
    cache: Option<&std::path::Path>,
) -> Result<TileSourceSpec, TileJsonError> {
    let server = crate::tiles::http::Server::new(url, None, "vector")
        .map_err(|e| TileJsonError::Fetch(e.to_string()))?;
    let kept = cache.map(|c| {
        c.join("vector").join("tilejson").join(format!(
            "{}.json",
            crate::tiles::http::cache_folder_name(url)
        ))
    });
    let body = match server.get(url) {
        Ok(Some(body)) => {
            if let Some(path) = &kept
                && let Err(e) = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| crate::io::png::write_cache_file(path, &body))
            {
                log::debug!("{}: not kept: {e}", path.display());
            }
            body
        }
        Ok(None) => {
            return Err(TileJsonError::Fetch(format!(
                "{url}: the server sent nothing"
            )));
        }
        Err(e) => match kept.as_ref().and_then(|p| std::fs::read(p).ok()) {
            Some(body) => {
                log::warn!("{e}; using the TileJSON document kept from before");
                body
            }
            None => return Err(TileJsonError::Fetch(e.to_string())),
        },
    };
    parse(url, &body)
}

/// A tile URL made absolute against the document's URL.
fn absolute(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        return url.to_string();
    }
    let origin_end = base
        .find("://")
        .and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(base.len());
    if url.starts_with('/') {
        format!("{}{url}", &base[..origin_end])
    } else {
        let dir_end = base
            .rfind('/')
            .filter(|&i| i >= origin_end)
            .unwrap_or(base.len());
        format!("{}/{url}", &base[..dir_end])
    }
}

/// Attribution texts often come as HTML links: keep the words.
fn strip_html(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&copy;", "©")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tileserver_gl_document() {
        let body = br#"{"tilejson":"2.0.0","name":"Pakistan","attribution":"<a href=\"https://www.openstreetmap.org/copyright\">&copy; OpenStreetMap contributors</a>","minzoom":0,"maxzoom":12,"format":"pbf","tiles":["http://127.0.0.1:8080/data/pakistan/{z}/{x}/{y}.pbf"],"vector_layers":[{"id":"water"}]}"#;
        let spec = parse("http://127.0.0.1:8080/data/pakistan.json", body).expect("parse");
        assert_eq!(
            spec.url_template,
            "http://127.0.0.1:8080/data/pakistan/{z}/{x}/{y}.pbf"
        );
        assert_eq!(spec.attribution, "© OpenStreetMap contributors");
        assert_eq!((spec.min_zoom, spec.max_zoom), (0, 12));
        assert!(spec.is_vector());
        assert_eq!(spec.name, "Pakistan");
    }

    #[test]
    fn a_document_cannot_point_the_app_at_local_files() {
        // Anything but an http(s) URL is read as a path on the document's own server.
        for tiles in ["file:///etc/passwd", "pack:/home/user/secret.mbtiles"] {
            let body = format!(r#"{{"tiles":["{tiles}"]}}"#);
            let spec = parse("https://host/data/x.json", body.as_bytes()).expect("parse");
            assert!(
                spec.url_template.starts_with("https://host/data/"),
                "{}",
                spec.url_template
            );
            assert_eq!(spec.pack_path(), None);
        }
    }

    #[test]
    fn relative_tiles_and_bad_documents() {
        let spec = parse(
            "http://host:3000/catalog/roads",
            br#"{"tiles":["/roads/{z}/{x}/{y}"],"vector_layers":[]}"#,
        )
        .expect("parse");
        assert_eq!(spec.url_template, "http://host:3000/roads/{z}/{x}/{y}");
        assert!(
            spec.is_vector(),
            "vector_layers say so (Martin has no extension)"
        );
        assert!(matches!(
            parse("http://h/x.json", b"<html>"),
            Err(TileJsonError::NotJson { .. })
        ));
        assert_eq!(
            parse("http://h/x.json", b"{}"),
            Err(TileJsonError::NoTiles {
                url: "http://h/x.json".into()
            })
        );
        assert!(is_tilejson_url("http://127.0.0.1:8080/data/pakistan.json"));
        assert!(!is_tilejson_url("http://h/{z}/{x}/{y}.pbf"));
        assert!(
            !is_tilejson_url("https://tiles.example.org/map.png"),
            "a bad template"
        );
    }
}
