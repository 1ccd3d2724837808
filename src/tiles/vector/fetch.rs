//! Where vector tile bytes come from: a pack file (MBTiles, PMTiles) or an XYZ server
//! (tileserver-gl, Martin, MapTiler; a template or a TileJSON URL), the server's tiles kept
//! in a disk cache that answers when the network does not.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::tiles::pack::TilePack;
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

/// An XYZ vector tile server.
#[derive(Debug)]
pub struct Server {
    /// The URL template with `{z}`, `{x}`, `{y}`.
    pub template: String,
    /// Where fetched tiles are kept; `None`: not kept.
    pub cache: Option<PathBuf>,
    client: reqwest::blocking::Client,
}

/// The bytes behind a vector source.
#[derive(Debug)]
pub enum TileBytes {
    /// A pack file (its readers are not shared between threads, hence the lock).
    Pack(Box<Mutex<TilePack>>),
    /// A tile server.
    Server(Server),
}

/// Seconds a request may take before the tile counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

impl Server {
    /// A server from its URL template, caching tiles under `cache` (a folder per server).
    pub fn new(template: &str, cache: Option<&Path>) -> Result<Self, FetchError> {
        crate::tiles::install_tls();
        let client = reqwest::blocking::Client::builder()
            .user_agent(crate::tiles::USER_AGENT)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(8))
            .build()
            .map_err(|e| FetchError::Network(format!("cannot start an HTTP client: {e}")))?;
        Ok(Self {
            template: template.to_string(),
            cache: cache.map(|c| c.join("vector").join(cache_folder_name(template))),
            client,
        })
    }

    fn url(&self, a: TileAddress) -> String {
        self.template
            .replace("{z}", &a.z.to_string())
            .replace("{x}", &a.x.to_string())
            .replace("{y}", &a.y.to_string())
    }

    fn cached_path(&self, a: TileAddress) -> Option<PathBuf> {
        self.cache.as_ref().map(|c| {
            c.join(a.z.to_string())
                .join(a.x.to_string())
                .join(format!("{}.pbf", a.y))
        })
    }

    /// GET a URL's body; an HTTP error, or HTML where data was asked for, is named.
    pub fn get(&self, url: &str) -> Result<Option<Vec<u8>>, FetchError> {
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
        let html = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let bytes = response
            .bytes()
            .map_err(|e| FetchError::Network(format!("{url}: {}", error_chain(&e))))?;
        if html || bytes.trim_ascii_start().starts_with(b"<") {
            return Err(FetchError::NotATile(format!(
                "{url}: the server answered with a web page, not a tile"
            )));
        }
        Ok(Some(bytes.to_vec()))
    }

    /// A tile: from the server (kept in the cache), else from the cache when the server
    /// cannot be reached.
    pub fn tile(&self, a: TileAddress) -> Result<Option<Vec<u8>>, FetchError> {
        match self.get(&self.url(a)) {
            Ok(bytes) => {
                if let (Some(b), Some(path)) = (&bytes, self.cached_path(a))
                    && let Err(e) = path
                        .parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| crate::io::png::write_atomically(&path, b))
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

impl TileBytes {
    /// The bytes of tile `a`; `None`: the source has no such tile (nothing there).
    pub fn tile(&self, a: TileAddress) -> Result<Option<Vec<u8>>, FetchError> {
        match self {
            Self::Pack(pack) => {
                let pack = pack
                    .lock()
                    .map_err(|_| FetchError::Pack("the pack reader failed earlier".into()))?;
                pack.tile(a.z, a.x, a.y).map_err(FetchError::Pack)
            }
            Self::Server(s) => s.tile(a),
        }
    }

    /// The file or URL template, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Pack(p) => p
                .lock()
                .map_or_else(|_| "tile pack".into(), |p| p.path().display().to_string()),
            Self::Server(s) => s.template.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_folders_are_named_after_the_server() {
        assert_eq!(
            cache_folder_name("http://127.0.0.1:8080/data/pakistan/{z}/{x}/{y}.pbf"),
            "127.0.0.1_8080_data_pakistan"
        );
    }
}
