//! Tiles from XYZ servers over HTTP, for raster and vector sources alike: every request
//! bounded in time ([`REQUEST_TIMEOUT`]) and in size (a tile's largest), redirects limited,
//! TLS by rustls; the tiles kept in a disk cache that answers when the network does not.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::tiles::source::TileAddress;

/// Why a tile's bytes could not be had.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The pack could not be read.
    #[error("{0}")]
    Pack(String),
    /// The server could not be reached, or answered with an error.
    #[error("{0}")]
    Network(String),
    /// The server answered with something that is not a tile (an HTML page, say).
    #[error("{0}")]
    NotATile(String),
}

/// An XYZ tile server.
#[derive(Debug)]
pub struct Server {
    /// The URL template with `{z}`, `{x}`, `{y}`.
    pub template: String,
    /// Where fetched tiles are kept; `None`: not kept.
    pub cache: Option<PathBuf>,
    /// A cached tile younger than this is used without asking the server; `None`: the server
    /// is always asked first.
    fresh_for: Option<Duration>,
    client: reqwest::blocking::Client,
}

/// The longest a request may take, from connecting to the body's last byte, before the tile
/// counts as failed (a server that hangs or drips).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Redirects followed before a request fails (a redirect loop).
const MAX_REDIRECTS: usize = 5;

impl Server {
    /// A server from its URL template, caching tiles in a folder of its own under
    /// `cache/kind` (`kind`: "vector" or "raster").
    pub fn new(template: &str, cache: Option<&Path>, kind: &str) -> Result<Self, FetchError> {
        crate::tiles::install_tls();
        let client = reqwest::blocking::Client::builder()
            .user_agent(crate::tiles::USER_AGENT)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .build()
            .map_err(|e| FetchError::Network(format!("cannot start an HTTP client: {e}")))?;
        Ok(Self {
            template: template.to_string(),
            cache: cache.map(|c| c.join(kind).join(cache_folder_name(template))),
            fresh_for: None,
            client,
        })
    }

    /// Use cached tiles younger than `age` without asking the server (OpenStreetMap's tile
    /// policy asks clients to keep tiles at least seven days).
    pub fn fresh_for(mut self, age: Duration) -> Self {
        self.fresh_for = Some(age);
        self
    }

    /// The URL of tile `a`.
    pub fn url(&self, a: TileAddress) -> String {
        self.template
            .replace("{z}", &a.z.to_string())
            .replace("{x}", &a.x.to_string())
            .replace("{y}", &a.y.to_string())
    }

    fn cached_path(&self, a: TileAddress) -> Option<PathBuf> {
        self.cache.as_ref().map(|c| {
            c.join(a.z.to_string()).join(a.x.to_string()).join(format!(
                "{}.{}",
                a.y,
                extension_of(&self.template)
            ))
        })
    }

    /// GET a URL's body; an HTTP error, or HTML where data was asked for, is named.
    pub fn get(&self, url: &str) -> Result<Option<Vec<u8>>, FetchError> {
        self.fetch(url, false)
    }

    /// GET a URL's body, as [`Server::get`]; `tile`: text or JSON is refused too.
    fn fetch(&self, url: &str, tile: bool) -> Result<Option<Vec<u8>>, FetchError> {
        let started = std::time::Instant::now();
        let response = self
            .client
            .get(url)
            .send()
            .map_err(|e| FetchError::Network(format!("{url}: {}", error_chain(&e))))?;
        let status = response.status();
        // No tile there: servers say 404 or 204 for empty tiles.
        if status == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(FetchError::Network(format!("{url}: HTTP {status}")));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|t| t.trim().to_ascii_lowercase());
        let html = content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("text/html"));
        // Text (an error message, a captive portal's note) or JSON where a tile was asked for.
        if let Some(t) = content_type.as_deref().filter(|t| {
            tile && !html && (t.starts_with("text/") || t.starts_with("application/json"))
        }) {
            return Err(FetchError::NotATile(format!(
                "{url}: the server answered {t}, not a tile"
            )));
        }
        // A body is read up to the largest tile there can be: a server (or a proxy) that
        // sends without end costs no more memory than that.
        // And it must come within the request's time: a server dripping a byte at a time
        // never lets a single read time out.
        let limit = crate::tiles::vector::decode::MAX_TILE_BYTES;
        let mut bytes = Vec::new();
        let mut body = response;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = std::io::Read::read(&mut body, &mut chunk)
                .map_err(|e| FetchError::Network(format!("{url}: {}", error_chain(&e))))?;
            if n == 0 || bytes.len() > limit {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            if started.elapsed() > REQUEST_TIMEOUT {
                return Err(FetchError::Network(format!(
                    "{url}: timed out: the tile did not arrive within {} s",
                    REQUEST_TIMEOUT.as_secs()
                )));
            }
        }
        if bytes.len() > limit {
            return Err(FetchError::NotATile(format!(
                "{url}: the server's answer runs past {} MB, more than any tile",
                limit / (1024 * 1024)
            )));
        }
        if html || bytes.trim_ascii_start().starts_with(b"<") {
            return Err(FetchError::NotATile(format!(
                "{url}: the server answered with a web page, not a tile"
            )));
        }
        Ok(Some(bytes))
    }

    /// A tile: from the server (kept in the cache), else from the cache when the server
    /// cannot be reached.
    pub fn tile(&self, a: TileAddress) -> Result<Option<Vec<u8>>, FetchError> {
        if let (Some(age), Some(path)) = (self.fresh_for, self.cached_path(a))
            && std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|elapsed| elapsed < age)
            && let Ok(bytes) = std::fs::read(&path)
        {
            return Ok(Some(bytes));
        }
        match self.fetch(&self.url(a), true) {
            Ok(bytes) => {
                if let (Some(b), Some(path)) = (&bytes, self.cached_path(a))
                    && let Err(e) = path
                        .parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| crate::io::png::write_cache_file(&path, b))
                {
                    log::debug!("{}: not cached: {e}", path.display());
                }
                Ok(bytes)
            }
            Err(e) => match self.cached_path(a).and_then(|p| std::fs::read(p).ok()) {
                Some(b) => Ok(Some(b)),
                None => Err(e),
            },
        }
    }
}

/// The extension of a template's tiles (`pbf`, `png`, …) for their cached files; `tile`
/// where the path has none.
fn extension_of(template: &str) -> &str {
    let path = template.split(['?', '#']).next().unwrap_or(template);
    let last = path.rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) => ext,
        _ => "tile",
    }
}

/// `reqwest`'s error with its causes ("connection refused", …).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A folder (or file) name for a server's cache: its host and path, made safe.
pub(crate) fn cache_folder_name(template: &str) -> String {
    let t = template
        .split("://")
        .nth(1)
        .unwrap_or(template)
        .split('{')
        .next()
        .unwrap_or("");
    let safe: String = t
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_tiles_keep_their_extension() {
        assert_eq!(extension_of("http://h/{z}/{x}/{y}.pbf"), "pbf");
        assert_eq!(extension_of("https://h/{z}/{x}/{y}@2x.png?key=a.b"), "png");
        assert_eq!(extension_of("https://h/tiles/{z}/{x}/{y}"), "tile");
    }

    #[test]
    fn cache_folders_are_named_after_the_server() {
        assert_eq!(
            cache_folder_name("http://127.0.0.1:8080/data/pakistan/{z}/{x}/{y}.pbf"),
            "127.0.0.1_8080_data_pakistan"
        );
    }
}
