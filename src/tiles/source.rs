//! Raster tile sources: a name, an XYZ URL template, attribution and zoom range; and the
//! tiles that cover an area.

use crate::model::view::WorldRect;

/// A raster XYZ tile source.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TileSourceSpec {
    /// Name in the chooser and messages.
    pub name: String,
    /// URL with `{z}`, `{x}` and `{y}`.
    pub url_template: String,
    /// Attribution shown whenever its tiles are.
    pub attribution: String,
    /// Deepest zoom the server has.
    pub max_zoom: u8,
    /// Shallowest zoom it has (tile packs often start deeper than 0).
    #[serde(default)]
    pub min_zoom: u8,
    /// Its tiles are vector tiles (MVT), drawn in the atlas style; also true of any template
    /// ending in `.pbf` or `.mvt` (see [`TileSourceSpec::is_vector`]).
    #[serde(default)]
    pub vector: bool,
}

/// The server of a URL template, as a user knows it (`tile.openstreetmap.org`,
/// `127.0.0.1:8080`); the template itself when it has no `scheme://`.
pub fn host_of(template: &str) -> &str {
    template
        .split_once("://")
        .map_or(template, |(_, rest)| rest.split('/').next().unwrap_or(rest))
}

/// A tile source that cannot be used.
/// How a tile pack is named where a URL template would be.
pub const PACK_SCHEME: &str = "mbtiles:";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TileSourceError {
    /// Not an http(s) URL with {z}, {x} and {y}.
    #[error(
        "\"{0}\" is not a tile URL template: expected http(s)://host/…/{{z}}/{{x}}/{{y}}.png (or .pbf for vector tiles), or a TileJSON URL"
    )]
    BadTemplate(String),
    /// No attribution text was given.
    #[error("give the attribution the tile provider asks for; it is shown with its tiles")]
    NoAttribution,
    /// A maximum zoom beyond what tile services offer.
    #[error("maximum zoom {0} is beyond 22")]
    BadMaxZoom(u8),
}

impl TileSourceSpec {
    /// OpenStreetMap's standard tiles.
    pub fn openstreetmap() -> Self {
        Self {
            name: "OpenStreetMap".into(),
            url_template: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            attribution: "© OpenStreetMap contributors (openstreetmap.org/copyright)".into(),
            max_zoom: 19,
            min_zoom: 0,
            vector: false,
        }
    }

    /// A source from a URL template given by the user.
    /// OpenTopoMap: terrain with contours and hill shading, from OpenStreetMap and SRTM.
    pub fn opentopomap() -> Self {
        Self {
            name: "OpenTopoMap".into(),
            url_template: "https://tile.opentopomap.org/{z}/{x}/{y}.png".into(),
            attribution:
                "Map data © OpenStreetMap contributors, SRTM · Style © OpenTopoMap (CC-BY-SA)"
                    .into(),
            max_zoom: 17,
            min_zoom: 0,
            vector: false,
        }
    }

    /// A tile pack file as a source: its URL template is [`PACK_SCHEME`] and the file's path.
    pub fn from_pack(
        path: &std::path::Path,
        name: &str,
        attribution: &str,
        zooms: (u8, u8),
    ) -> Self {
        Self {
            name: name.to_string(),
            url_template: format!("{PACK_SCHEME}{}", path.display()),
            attribution: attribution.to_string(),
            max_zoom: zooms.1,
            min_zoom: zooms.0,
            vector: false,
        }
    }

    /// A pack as a source, from what it says about itself (vector packs marked so).
    pub fn for_pack(path: &std::path::Path, meta: &crate::tiles::mbtiles::PackMeta) -> Self {
        Self {
            vector: meta.is_vector(),
            ..Self::from_pack(
                path,
                &meta.name,
                &meta.attribution,
                (meta.min_zoom, meta.max_zoom),
            )
        }
    }

    /// The pack file, when this source is a tile pack.
    pub fn pack_path(&self) -> Option<std::path::PathBuf> {
        self.url_template
            .strip_prefix(PACK_SCHEME)
            .map(std::path::PathBuf::from)
    }

    /// The sources that come with the app, in menu order.
    pub fn built_in() -> [Self; 2] {
        [Self::openstreetmap(), Self::opentopomap()]
    }

    /// A source the user defines: a template with its name, attribution and maximum zoom.
    /// The attribution is required: it is shown whenever the tiles are.
    pub fn custom(
        name: &str,
        template: &str,
        attribution: &str,
        max_zoom: u8,
    ) -> Result<Self, TileSourceError> {
        let mut spec = Self::from_template(template)?;
        if attribution.trim().is_empty() {
            return Err(TileSourceError::NoAttribution);
        }
        if max_zoom > 22 {
            return Err(TileSourceError::BadMaxZoom(max_zoom));
        }
        if !name.trim().is_empty() {
            spec.name = name.trim().to_string();
        }
        spec.attribution = attribution.trim().to_string();
        spec.max_zoom = max_zoom;
        Ok(spec)
    }

    pub fn from_template(template: &str) -> Result<Self, TileSourceError> {
        let t = template.trim();
        let ok = (t.starts_with("http://") || t.starts_with("https://"))
            && ["{z}", "{x}", "{y}"].iter().all(|p| t.contains(p));
        if !ok {
            return Err(TileSourceError::BadTemplate(template.to_string()));
        }
        let host = t.split('/').nth(2).unwrap_or(t);
        Ok(Self {
            name: host.to_string(),
            url_template: t.to_string(),
            attribution: format!("Tiles: {host}"),
            max_zoom: 19,
            min_zoom: 0,
            vector: false,
        })
    }

    /// A source by name (`osm`, `openstreetmap`) or URL template.
    pub fn parse(text: &str) -> Result<Self, TileSourceError> {
        match text.trim().to_lowercase().as_str() {
            "osm" | "openstreetmap" => Ok(Self::openstreetmap()),
            "topo" | "opentopomap" => Ok(Self::opentopomap()),
            _ => Self::from_template(text),
        }
    }

    /// Whether the tiles are vector tiles: so marked (a TileJSON said so), or a template whose
    /// path ends in `.pbf` or `.mvt`.
    pub fn is_vector(&self) -> bool {
        let path = self.url_template.split('?').next().unwrap_or("");
        self.vector || path.ends_with(".pbf") || path.ends_with(".mvt")
    }

    /// The URL of one tile.
    pub fn url(&self, z: u8, x: u32, y: u32) -> String {
        self.url_template
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string())
    }
}

/// One tile's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileAddress {
    /// Zoom.
    pub z: u8,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
}

impl std::fmt::Display for TileAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// The tiles at zoom `z` (at most 31; packs and sources declare at most 24) that cover `rect`
/// (clamped to the world).
pub fn tiles_covering(rect: WorldRect, z: u8) -> Vec<TileAddress> {
    let n = 1u32 << z;
    let cell = |v: f64| ((v * f64::from(n)).floor().max(0.0) as u32).min(n - 1);
    let (x0, x1) = (cell(rect.min.x), cell(rect.max.x));
    let (y0, y1) = (cell(rect.min.y), cell(rect.max.y));
    (y0..=y1)
        .flat_map(|y| (x0..=x1).map(move |x| TileAddress { z, x, y }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_names_its_server() {
        assert_eq!(
            host_of("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            "tile.openstreetmap.org"
        );
        assert_eq!(host_of("http://127.0.0.1:9/{z}/{x}/{y}.png"), "127.0.0.1:9");
        assert_eq!(
            host_of("mbtiles:/data/pack.mbtiles"),
            "mbtiles:/data/pack.mbtiles"
        );
    }
    use crate::model::view::LonLat;

    #[test]
    fn custom_sources_need_a_template_and_an_attribution() {
        let s = TileSourceSpec::custom(
            "Esri imagery",
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
            "Tiles © Esri",
            18,
        )
        .expect("valid");
        assert_eq!(s.name, "Esri imagery");
        assert_eq!(s.max_zoom, 18);
        assert_eq!(
            s.url(5, 22, 13),
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/5/13/22"
        );
        assert_eq!(
            TileSourceSpec::custom("x", "https://h/{z}/{x}/{y}.png", " ", 18),
            Err(TileSourceError::NoAttribution)
        );
        assert!(matches!(
            TileSourceSpec::custom("x", "ftp://h/{z}/{x}.png", "a", 18),
            Err(TileSourceError::BadTemplate(_))
        ));
        assert_eq!(
            TileSourceSpec::custom("x", "https://h/{z}/{x}/{y}.png", "a", 30),
            Err(TileSourceError::BadMaxZoom(30))
        );
        assert_eq!(
            TileSourceSpec::parse("OpenTopoMap").expect("named"),
            TileSourceSpec::opentopomap()
        );
    }

    #[test]
    fn templates_are_checked_and_filled() {
        let s = TileSourceSpec::parse("http://127.0.0.1:8080/{z}/{x}/{y}.png").expect("valid");
        assert_eq!(s.url(3, 5, 2), "http://127.0.0.1:8080/3/5/2.png");
        assert_eq!(s.name, "127.0.0.1:8080");
        assert_eq!(
            TileSourceSpec::parse("OSM").map(|s| s.name),
            Ok("OpenStreetMap".into())
        );
        assert!(TileSourceSpec::parse("ftp://x/{z}/{x}/{y}").is_err());
        assert!(TileSourceSpec::parse("https://x/{z}/{x}.png").is_err());
        assert!(TileSourceSpec::parse("satellite").is_err());
    }

    #[test]
    fn tiles_cover_the_area() {
        let world = WorldRect::from_lon_lat(LonLat::new(-179.9, -85.0), LonLat::new(179.9, 85.0));
        assert_eq!(tiles_covering(world, 0).len(), 1);
        assert_eq!(tiles_covering(world, 2).len(), 16);
        let gwadar = WorldRect::from_lon_lat(LonLat::new(62.2, 25.0), LonLat::new(62.4, 25.2));
        let t = tiles_covering(gwadar, 10);
        assert!(!t.is_empty() && t.len() <= 4);
        // 62.2°E and 62.4°E fall in columns 688 and 689 of 1024.
        assert!(t.iter().all(|a| a.z == 10 && (688..=689).contains(&a.x)));
        assert!(t.iter().any(|a| a.x == 688) && t.iter().any(|a| a.x == 689));
    }
}
