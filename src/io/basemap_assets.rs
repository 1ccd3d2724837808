//! The offline basemap's data, embedded in the binary so the first run needs no files and no
//! network. Sources and licences: `assets/basemap/README.md`.

use std::path::Path;

use crate::model::basemap::{Basemap, BasemapInputs};
use crate::model::layer::Feature;

use super::geojson::{LoadError, parse_bytes};

/// Attribution for the embedded basemap: shown on the map and in every export.
pub const BASEMAP_ATTRIBUTION: &str =
    "Made with Natural Earth · GSHHG (Wessel & Smith) · GeoNames (geonames.org, CC-BY 4.0)";

macro_rules! asset {
    ($file:literal) => {
        (
            $file,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/basemap/",
                $file
            ))
            .as_slice(),
        )
    };
}

fn features(asset: (&str, &[u8])) -> Result<Vec<Feature>, LoadError> {
    let (name, bytes) = asset;
    Ok(parse_bytes(bytes, &Path::new("assets/basemap").join(name))?.features)
}

/// Parse the embedded datasets and build the basemap.
pub fn load_basemap() -> Result<Basemap, LoadError> {
    Ok(Basemap::build(BasemapInputs {
        world_land: features(asset!("world_land_110m.geojson"))?,
        countries: features(asset!("region_countries_10m.geojson"))?,
        pakistan_admin1: features(asset!("pakistan_admin1_2018_s002.geojson"))?,
        neighbour_admin1: features(asset!("region_admin1_neighbours_ne10m_s005.geojson"))?,
        rivers: features(asset!("pk_rivers_gshhg_i.geojson"))?,
        lakes: features(asset!("pk_ne_10m_lakes.geojson"))?,
        coastline: features(asset!("pk_ne_10m_coastline.geojson"))?,
        coast: features(asset!("pk_coast_gshhg_f.geojson"))?,
        disputed: features(asset!("disputed_lines_kashmir.geojson"))?,
        cities: features(asset!("pk_region_cities_geonames15000.geojson"))?,
    }))
}
