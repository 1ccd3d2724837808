//! The built-in atlas style for vector tiles: calm tints and thin grey-and-cream roads, so the
//! corridor layers stay the strongest thing on the map. Pure: a feature's [`Kind`] and the zoom
//! give its symbols (fills, lines with casings, labels) in points and colours.

use super::schema::{Area, Kind, PlaceClass, RoadClass};
use crate::model::style::Rgba;

/// What the style needs to know beyond the feature.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StyleContext {
    /// The zoom the tile is drawn at (past a pack's last zoom, deeper than the tile's).
    pub zoom: u8,
    /// The offline atlas is drawn under and over the tiles: it already draws the countries'
    /// and provinces' boundaries and names, so the tiles' own are left out.
    pub atlas_under: bool,
}

/// Draw order inside a tile: lower first.
pub type Order = u16;

/// A label's look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelStyle {
    /// Text size in points.
    pub size_pt: f32,
    /// Text colour.
    pub color: Rgba,
    /// Written in capitals, letter-spaced (provinces, countries).
    pub caps: bool,
    /// Drawn on a shield (road numbers), centred on the road.
    pub shield: bool,
    /// A dot at the anchor (places, peaks, POIs).
    pub dot: bool,
    /// Higher is placed first.
    pub priority: f32,
}

/// One thing to draw for a feature.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Symbol {
    /// Fill the polygons.
    Fill(Rgba),
    /// Stroke the lines (or the polygons' rings).
    Line {
        /// Colour.
        color: Rgba,
        /// Width in points.
        width_pt: f32,
        /// Dashes: `[dash, gap]` in points.
        dash: Option<[f32; 2]>,
    },
    /// A label: the feature's name (or road number).
    Label(LabelStyle),
}

/// The palette: tints close to the offline atlas's, roads in cream with grey casings.
pub mod colors {
    use crate::model::style::Rgba;
    /// Sea (as the atlas's).
    pub const OCEAN: Rgba = Rgba::rgb(0xD6, 0xE3, 0xEA);
    /// Lakes and rivers (as the atlas's).
    pub const WATER: Rgba = Rgba::rgb(0xC8, 0xDB, 0xE6);
    /// Streams and rivers as lines.
    pub const WATERWAY: Rgba = Rgba::rgb(0xA4, 0xC3, 0xD6);
    /// Water names.
    pub const WATER_LABEL: Rgba = Rgba::rgb(0x4E, 0x78, 0x94);
    /// Motorways.
    pub const MOTORWAY: Rgba = Rgba::rgb(0xF0, 0xC2, 0x8E);
    /// Motorway casing.
    pub const MOTORWAY_CASING: Rgba = Rgba::rgb(0xBF, 0x93, 0x66);
    /// Trunk roads.
    pub const TRUNK: Rgba = Rgba::rgb(0xF5, 0xD6, 0xA6);
    /// Primary roads.
    pub const PRIMARY: Rgba = Rgba::rgb(0xFB, 0xE8, 0xC4);
    /// Trunk and primary casing.
    pub const MAJOR_CASING: Rgba = Rgba::rgb(0xC4, 0xAE, 0x8E);
    /// Secondary roads and smaller.
    pub const STREET: Rgba = Rgba::rgb(0xFF, 0xFF, 0xFF);
    /// Street casing.
    pub const STREET_CASING: Rgba = Rgba::rgb(0xCD, 0xC6, 0xBA);
    /// Roads too thin for a casing, and paths.
    pub const THIN_ROAD: Rgba = Rgba::rgb(0xC9, 0xC1, 0xB4);
    /// Railways.
    pub const RAIL: Rgba = Rgba::rgb(0x8E, 0x88, 0x92);
    /// Runways and taxiways.
    pub const RUNWAY: Rgba = Rgba::rgb(0xC9, 0xC6, 0xD0);
    /// Aprons and aerodromes.
    pub const APRON: Rgba = Rgba::rgb(0xE6, 0xE4, 0xEA);
    /// Buildings.
    pub const BUILDING: Rgba = Rgba::rgb(0xE4, 0xDE, 0xD6);
    /// Building outlines.
    pub const BUILDING_EDGE: Rgba = Rgba::rgb(0xD3, 0xCB, 0xC1);
    /// Boundaries (as the atlas's borders).
    pub const BOUNDARY: Rgba = Rgba::rgb(0x8E, 0x8A, 0x92);
    /// Place names.
    pub const PLACE_LABEL: Rgba = Rgba::rgb(0x33, 0x33, 0x38);
    /// Suburbs and neighbourhoods.
    pub const SUBURB_LABEL: Rgba = Rgba::rgb(0x77, 0x72, 0x7A);
    /// Road numbers and names.
    pub const ROAD_LABEL: Rgba = Rgba::rgb(0x55, 0x50, 0x48);
    /// Points of interest.
    pub const POI_LABEL: Rgba = Rgba::rgb(0x6A, 0x5E, 0x58);
    /// Generic features of an unknown schema.
    pub const GENERIC: Rgba = Rgba::rgb(0x9A, 0x94, 0x9E);
}

/// A tinted area's colour.
pub fn area_color(area: Area) -> Rgba {
    match area {
        Area::Wood => Rgba::rgb(0xDA, 0xE5, 0xD0),
        Area::Green => Rgba::rgb(0xE1, 0xEB, 0xD6),
        Area::Farmland => Rgba::rgb(0xF0, 0xEE, 0xDD),
        Area::Wetland => Rgba::rgb(0xDA, 0xE7, 0xE2),
        Area::Sand => Rgba::rgb(0xF3, 0xEB, 0xD4),
        Area::Ice => Rgba::rgb(0xF5, 0xF9, 0xFB),
        Area::Urban => Rgba::rgb(0xF0, 0xEB, 0xE3),
        Area::Industrial => Rgba::rgb(0xEA, 0xE4, 0xE6),
        Area::Institution => Rgba::rgb(0xF2, 0xE9, 0xE4),
        Area::Military => Rgba::rgb(0xEF, 0xE2, 0xDE),
        Area::Cemetery => Rgba::rgb(0xE0, 0xE6, 0xD9),
    }
}

/// Linear interpolation over `(zoom, value)` stops, held flat outside them.
pub fn interpolate(stops: &[(f32, f32)], zoom: f32) -> f32 {
    let Some(&(z0, v0)) = stops.first() else {
        return 0.0;
    };
    if zoom <= z0 {
        return v0;
    }
    for w in stops.windows(2) {
        let ((za, va), (zb, vb)) = (w[0], w[1]);
        if zoom <= zb {
            return va + (vb - va) * (zoom - za) / (zb - za);
        }
    }
    stops.last().map_or(v0, |s| s.1)
}

/// A road's width in points at `zoom` (0: not drawn).
pub fn road_width_pt(class: RoadClass, zoom: u8) -> f32 {
    let z = f32::from(zoom);
    let stops: &[(f32, f32)] = match class {
        RoadClass::Motorway => &[
            (5.0, 0.6),
            (8.0, 1.3),
            (10.0, 2.0),
            (12.0, 3.2),
            (14.0, 6.0),
            (16.0, 12.0),
            (18.0, 26.0),
        ],
        RoadClass::Trunk => &[
            (5.0, 0.5),
            (8.0, 1.1),
            (10.0, 1.8),
            (12.0, 3.0),
            (14.0, 5.5),
            (16.0, 11.0),
            (18.0, 24.0),
        ],
        RoadClass::Primary => &[
            (7.0, 0.5),
            (9.0, 1.0),
            (10.0, 1.4),
            (12.0, 2.6),
            (14.0, 5.0),
            (16.0, 10.0),
            (18.0, 22.0),
        ],
        RoadClass::Secondary => &[
            (9.0, 0.5),
            (10.0, 0.9),
            (12.0, 2.0),
            (14.0, 4.2),
            (16.0, 9.0),
            (18.0, 20.0),
        ],
        RoadClass::Tertiary => &[
            (10.0, 0.5),
            (12.0, 1.6),
            (14.0, 3.6),
            (16.0, 8.0),
            (18.0, 18.0),
        ],
        RoadClass::Minor => &[
            (12.0, 0.5),
            (13.0, 1.0),
            (14.0, 2.6),
            (16.0, 6.5),
            (18.0, 15.0),
        ],
        RoadClass::Service => &[(13.0, 0.5), (14.0, 1.2), (16.0, 3.5), (18.0, 8.0)],
        RoadClass::Path => &[(14.0, 0.6), (16.0, 1.0), (18.0, 1.6)],
    };
    let first_zoom = stops.first().map_or(0.0, |s| s.0);
    if z < first_zoom {
        0.0
    } else {
        interpolate(stops, z)
    }
}

/// The symbols of a feature of kind `kind`, each with its draw order; empty when the feature is
/// not drawn at this zoom.
pub fn symbols(kind: &Kind, ctx: StyleContext) -> Vec<(Order, Symbol)> {
    use colors::*;
    let z = ctx.zoom;
    let zf = f32::from(z);
    let line = |color, width_pt, dash| Symbol::Line {
        color,
        width_pt,
        dash,
    };
    let label = |size_pt, color, priority, dot| {
        Symbol::Label(LabelStyle {
            size_pt,
            color,
            caps: false,
            shield: false,
            dot,
            priority,
        })
    };
    match kind {
        Kind::Ocean => vec![(10, Symbol::Fill(OCEAN))],
        Kind::Water => vec![(12, Symbol::Fill(WATER))],
        Kind::Area(a) => {
            // Small tints only when they can be told apart.
            let from = match a {
                Area::Urban | Area::Wood | Area::Sand | Area::Ice | Area::Farmland => 6,
                _ => 10,
            };
            let order = match a {
                Area::Wood | Area::Farmland | Area::Sand | Area::Ice | Area::Wetland => 2,
                Area::Urban => 3,
                _ => 4,
            };
            if z >= from {
                vec![(order, Symbol::Fill(area_color(*a)))]
            } else {
                vec![]
            }
        }
        Kind::Building if z >= 14 => vec![
            (14, Symbol::Fill(BUILDING)),
            (15, line(BUILDING_EDGE, 0.5, None)),
        ],
        Kind::Building => vec![],
        Kind::Waterway { major } => {
            let w = if *major {
                interpolate(&[(8.0, 0.6), (12.0, 1.4), (14.0, 2.5), (18.0, 8.0)], zf)
            } else if z >= 12 {
                interpolate(&[(12.0, 0.5), (14.0, 1.0), (18.0, 3.0)], zf)
            } else {
                0.0
            };
            if w > 0.0 {
                vec![(13, line(WATERWAY, w, None))]
            } else {
                vec![]
            }
        }
        Kind::Apron if z >= 11 => vec![(16, Symbol::Fill(APRON))],
        Kind::Runway if z >= 10 => vec![(
            17,
            line(
                RUNWAY,
                interpolate(&[(10.0, 1.0), (12.0, 3.0), (14.0, 9.0), (18.0, 60.0)], zf),
                None,
            ),
        )],
        Kind::Taxiway if z >= 12 => vec![(
            17,
            line(
                RUNWAY,
                interpolate(&[(12.0, 0.6), (14.0, 2.0), (18.0, 14.0)], zf),
                None,
            ),
        )],
        Kind::Apron | Kind::Runway | Kind::Taxiway => vec![],
        Kind::Road { class, tunnel } => {
            let w = road_width_pt(*class, z);
            if w <= 0.0 {
                return vec![];
            }
            let rank = *class as u16;
            let (fill, casing) = match class {
                RoadClass::Motorway => (MOTORWAY, MOTORWAY_CASING),
                RoadClass::Trunk => (TRUNK, MAJOR_CASING),
                RoadClass::Primary => (PRIMARY, MAJOR_CASING),
                _ => (STREET, STREET_CASING),
            };
            if *class == RoadClass::Path {
                return vec![(40 + rank, line(THIN_ROAD, w, Some([2.5, 1.5])))];
            }
            // Thin roads are a single line in the casing's tone; wide ones get a casing.
            if w < 1.6 {
                let color = if *class >= RoadClass::Primary {
                    casing
                } else {
                    THIN_ROAD
                };
                return vec![(40 + rank, line(color, w.max(0.6), None))];
            }
            let dash = tunnel.then_some([4.0, 2.0]);
            vec![
                (20 + rank, line(casing, w + 1.4, dash)),
                (40 + rank, line(fill, w, None)),
            ]
        }
        Kind::Rail { main } => {
            let from = if *main { 8 } else { 12 };
            if z < from {
                return vec![];
            }
            let w = interpolate(&[(8.0, 0.6), (12.0, 1.2), (16.0, 2.2)], zf);
            let mut out = vec![(50, line(RAIL, w, None))];
            if z >= 12 {
                // Ties: white dashes along the line, as printed atlases draw rail.
                out.push((
                    51,
                    line(Rgba::rgb(0xFF, 0xFF, 0xFF), w * 0.5, Some([4.0, 4.0])),
                ));
            }
            out
        }
        Kind::Boundary {
            admin_level,
            disputed,
        } => {
            if ctx.atlas_under && *admin_level <= 4 {
                return vec![];
            }
            let (w, from) = match admin_level {
                0..=2 => (1.4, 0),
                3..=4 => (0.9, 4),
                5..=6 => (0.6, 8),
                _ => (0.5, 11),
            };
            if z < from {
                return vec![];
            }
            let dash = if *disputed || *admin_level > 4 {
                Some([w * 3.5 + 2.0, w * 2.0 + 1.5])
            } else {
                None
            };
            vec![(60, line(BOUNDARY, w, dash))]
        }
        Kind::Place { class, rank } => {
            let (from, size, color, base) = match class {
                PlaceClass::Country => (2, 12.0, BOUNDARY, 1000.0),
                PlaceClass::State => (5, 11.0, BOUNDARY, 900.0),
                PlaceClass::City => (5, 14.0, PLACE_LABEL, 800.0),
                PlaceClass::Town => (8, 12.5, PLACE_LABEL, 600.0),
                PlaceClass::Village => (11, 11.0, PLACE_LABEL, 400.0),
                PlaceClass::Suburb => (12, 11.0, SUBURB_LABEL, 300.0),
                PlaceClass::Hamlet => (14, 10.0, SUBURB_LABEL, 200.0),
            };
            if z < from
                || (ctx.atlas_under && matches!(class, PlaceClass::Country | PlaceClass::State))
            {
                return vec![];
            }
            let caps = matches!(
                class,
                PlaceClass::Country | PlaceClass::State | PlaceClass::Suburb
            );
            vec![(
                100,
                Symbol::Label(LabelStyle {
                    size_pt: size,
                    color,
                    caps,
                    shield: false,
                    dot: matches!(
                        class,
                        PlaceClass::City | PlaceClass::Town | PlaceClass::Village
                    ),
                    priority: base - rank.clamp(0.0, 99.0),
                }),
            )]
        }
        Kind::RoadName { class } => {
            // Road numbers on shields from zoom 9 for the main roads; names of the larger
            // streets when they fit.
            let from = match class {
                RoadClass::Motorway | RoadClass::Trunk => 9,
                RoadClass::Primary => 11,
                RoadClass::Secondary | RoadClass::Tertiary => 14,
                _ => 16,
            };
            if z < from {
                return vec![];
            }
            vec![(
                101,
                Symbol::Label(LabelStyle {
                    size_pt: 10.0,
                    color: ROAD_LABEL,
                    caps: false,
                    shield: true,
                    dot: false,
                    priority: 150.0 + f32::from(*class as u8) * 10.0,
                }),
            )]
        }
        Kind::WaterName if z >= 12 => vec![(102, label(11.0, WATER_LABEL, 250.0, false))],
        Kind::Aerodrome if z >= 10 => vec![(103, label(11.0, POI_LABEL, 500.0, false))],
        Kind::Peak if z >= 12 => vec![(104, label(10.0, POI_LABEL, 120.0, true))],
        Kind::Poi { rank, .. } if z >= 15 => vec![(
            105,
            label(10.0, POI_LABEL, 100.0 - rank.clamp(0.0, 99.0), true),
        )],
        Kind::WaterName | Kind::Aerodrome | Kind::Peak | Kind::Poi { .. } => vec![],
        Kind::Other => vec![
            (5, Symbol::Fill(Rgba([0x9A, 0x94, 0x9E, 0x40]))),
            (30, line(GENERIC, 1.0, None)),
            (106, label(10.0, POI_LABEL, 50.0, true)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(zoom: u8) -> StyleContext {
        StyleContext {
            zoom,
            atlas_under: true,
        }
    }

    #[test]
    fn roads_widen_with_zoom_and_motorways_lead() {
        let mut last = 0.0;
        for z in 6..=18 {
            let w = road_width_pt(RoadClass::Motorway, z);
            assert!(w > last, "z{z}: {w} after {last}");
            last = w;
            assert!(w >= road_width_pt(RoadClass::Minor, z));
        }
        assert_eq!(
            road_width_pt(RoadClass::Minor, 10),
            0.0,
            "no streets at z10"
        );
    }

    #[test]
    fn wide_roads_have_a_casing_under_their_fill() {
        let road = Kind::Road {
            class: RoadClass::Primary,
            tunnel: false,
        };
        let s = symbols(&road, ctx(14));
        assert_eq!(s.len(), 2);
        let (casing_order, Symbol::Line { width_pt: cw, .. }) = s[0] else {
            panic!("casing first: {s:?}")
        };
        let (fill_order, Symbol::Line { width_pt: fw, .. }) = s[1] else {
            panic!("then the fill: {s:?}")
        };
        assert!(casing_order < fill_order && cw > fw);
        // Every casing is under every road's fill.
        let minor = symbols(
            &Kind::Road {
                class: RoadClass::Minor,
                tunnel: false,
            },
            ctx(14),
        );
        assert!(s[0].0 < minor[1].0 && minor[0].0 < s[1].0);
    }

    #[test]
    fn the_atlas_keeps_its_own_borders_and_country_names() {
        let border = Kind::Boundary {
            admin_level: 2,
            disputed: true,
        };
        assert!(symbols(&border, ctx(10)).is_empty());
        let alone = StyleContext {
            zoom: 10,
            atlas_under: false,
        };
        let s = symbols(&border, alone);
        assert!(
            matches!(s[0].1, Symbol::Line { dash: Some(_), .. }),
            "disputed: dashed"
        );
        let country = Kind::Place {
            class: PlaceClass::Country,
            rank: 1.0,
        };
        assert!(symbols(&country, ctx(6)).is_empty());
        assert!(!symbols(&country, alone).is_empty());
    }

    #[test]
    fn pois_only_close_in() {
        let poi = Kind::Poi {
            class: "hospital".into(),
            rank: 1.0,
        };
        assert!(symbols(&poi, ctx(13)).is_empty());
        assert!(!symbols(&poi, ctx(15)).is_empty());
    }
}
