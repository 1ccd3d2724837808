//! The OpenStreetMap pack of `maps/` and a place on it that tests look at.

// Each test crate that includes this uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use corridor_viewer::model::view::{LonLat, WorldPos};
use corridor_viewer::tiles::pack::TilePack;
use corridor_viewer::tiles::source::TileAddress;
use corridor_viewer::tiles::vector::decode::{TileGeometry, decode};

/// The pack the offline atlas draws its detail from.
pub fn osm_pack() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/osm-pakistan-z0-12.mbtiles")
}

/// A motorway vertex well inside the tile over Islamabad at zoom 10, from the pack itself.
pub fn motorway_near_islamabad() -> LonLat {
    let pack = TilePack::open(&osm_pack()).expect("pack");
    let addr = TileAddress {
        z: 10,
        x: 719,
        y: 410,
    };
    let bytes = pack
        .tile(addr.z, addr.x, addr.y)
        .expect("read")
        .expect("tile");
    let tile = decode(&bytes).expect("decode");
    let layer = tile.layer("transportation").expect("roads");
    let n = f64::from(1u32 << addr.z);
    for f in &layer.features {
        if f.text("class") != Some("motorway") {
            continue;
        }
        let TileGeometry::Lines(lines) = &f.geometry else {
            continue;
        };
        for line in lines {
            for p in line {
                if (0.2..0.8).contains(&p[0]) && (0.2..0.8).contains(&p[1]) {
                    return LonLat::from_world(WorldPos::new(
                        (f64::from(addr.x) + f64::from(p[0])) / n,
                        (f64::from(addr.y) + f64::from(p[1])) / n,
                    ));
                }
            }
        }
    }
    panic!("the Islamabad tile has a motorway")
}
