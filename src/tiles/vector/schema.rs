//! Vector tile schemas: what a feature *is*, read from the OpenMapTiles schema (layers
//! `transportation`, `water`, `place`, …, field `class`) or the Protomaps basemap schema
//! (layers `roads`, `water`, `places`, …, field `kind`), so one atlas style draws both. Any
//! other schema is drawn generically (lines, fills and points) and reported as unknown.

use super::decode::{TileFeature, TileGeometry, VectorTile};

/// The schema a tile (or a pack) follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// OpenMapTiles (tilemaker, planetiler, MapTiler, tileserver-gl's usual data).
    OpenMapTiles,
    /// The Protomaps basemap schema.
    Protomaps,
    /// Neither: drawn with generic lines, fills and points.
    Unknown,
}

impl Schema {
    /// The schema that layer names belong to.
    pub fn from_layer_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let (mut omt, mut pm) = (0, 0);
        for name in names {
            match name {
                "transportation"
                | "transportation_name"
                | "place"
                | "waterway"
                | "aeroway"
                | "park"
                | "water_name"
                | "mountain_peak"
                | "housenumber"
                | "aerodrome_label"
                | "poi" => omt += 1,
                "roads" | "places" | "earth" | "transit" | "pois" | "boundaries" => pm += 1,
                _ => {}
            }
        }
        if omt == 0 && pm == 0 {
            Self::Unknown
        } else if omt >= pm {
            Self::OpenMapTiles
        } else {
            Self::Protomaps
        }
    }

    /// The schema of a decoded tile.
    pub fn of_tile(tile: &VectorTile) -> Self {
        Self::from_layer_names(tile.layers.iter().map(|l| l.name.as_str()))
    }

    /// Its name, for a pack's info.
    pub fn label(self) -> &'static str {
        match self {
            Self::OpenMapTiles => "OpenMapTiles schema",
            Self::Protomaps => "Protomaps basemap schema",
            Self::Unknown => "unknown schema (drawn as generic lines, areas and points)",
        }
    }
}

/// Road classes, most important last (so they are drawn on top).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    /// Footways, tracks, cycleways.
    Path,
    /// Service roads, driveways, parking aisles.
    Service,
    /// Residential and unclassified streets.
    Minor,
    /// Tertiary roads.
    Tertiary,
    /// Secondary roads.
    Secondary,
    /// Primary roads.
    Primary,
    /// Trunk roads (national highways: N-5, N-35, …).
    Trunk,
    /// Motorways (M-1, M-2, …).
    Motorway,
}

/// Land cover and land use, grouped by how the atlas tints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    /// Woods and forests.
    Wood,
    /// Grass, meadows, parks, pitches.
    Green,
    /// Farmland.
    Farmland,
    /// Wetland.
    Wetland,
    /// Sand, beaches, bare rock.
    Sand,
    /// Ice and glaciers.
    Ice,
    /// Built-up: residential, commercial, retail.
    Urban,
    /// Industrial, ports, railway yards.
    Industrial,
    /// Schools, hospitals, universities.
    Institution,
    /// Military land.
    Military,
    /// Cemeteries.
    Cemetery,
}

/// Place classes, most important first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceClass {
    /// A country.
    Country,
    /// A province or state.
    State,
    /// A city.
    City,
    /// A town.
    Town,
    /// A village.
    Village,
    /// A suburb or quarter.
    Suburb,
    /// A neighbourhood, hamlet, locality.
    Hamlet,
}

/// What a feature is, whatever the schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Sea.
    Ocean,
    /// Lakes, reservoirs, river areas.
    Water,
    /// A tinted area.
    Area(Area),
    /// A building.
    Building,
    /// A river (major) or a stream, canal or drain.
    Waterway {
        /// River or canal rather than stream or drain.
        major: bool,
    },
    /// A road.
    Road {
        /// Its class.
        class: RoadClass,
        /// In a tunnel.
        tunnel: bool,
    },
    /// A railway (rail, tram, subway, light rail).
    Rail {
        /// Main-line rail rather than tram or subway.
        main: bool,
    },
    /// A runway.
    Runway,
    /// A taxiway.
    Taxiway,
    /// An apron or aerodrome area.
    Apron,
    /// An administrative boundary.
    Boundary {
        /// 2: countries, 4: provinces, …
        admin_level: u8,
        /// Disputed or claimed.
        disputed: bool,
    },
    /// A named place.
    Place {
        /// Its class.
        class: PlaceClass,
        /// The schema's rank (lower: more important), if given.
        rank: f32,
    },
    /// A point of interest.
    Poi {
        /// Its class (`hospital`, `school`, …).
        class: String,
        /// The schema's rank (lower: more important).
        rank: f32,
    },
    /// A road name or number, along the road.
    RoadName {
        /// The road's class.
        class: RoadClass,
    },
    /// A water body's name.
    WaterName,
    /// An aerodrome's name.
    Aerodrome,
    /// A mountain peak.
    Peak,
    /// Anything else: drawn generically by geometry.
    Other,
}

/// What a feature of `layer` is, in `schema`; `None`: not drawn (house numbers, the land
/// layer the offline atlas already draws, …).
pub fn kind(schema: Schema, layer: &str, f: &TileFeature) -> Option<Kind> {
    match schema {
        Schema::OpenMapTiles => openmaptiles(layer, f),
        Schema::Protomaps => protomaps(layer, f),
        Schema::Unknown => Some(Kind::Other),
    }
}

fn is_polygon(f: &TileFeature) -> bool {
    matches!(f.geometry, TileGeometry::Polygons(_))
}

fn rank(f: &TileFeature) -> f32 {
    f.number("rank").map_or(10.0, |r| r as f32)
}

fn road_class(class: &str) -> Option<RoadClass> {
    Some(match class {
        "motorway" => RoadClass::Motorway,
        "trunk" => RoadClass::Trunk,
        "primary" => RoadClass::Primary,
        "secondary" => RoadClass::Secondary,
        "tertiary" => RoadClass::Tertiary,
        "minor" | "residential" | "unclassified" | "living_street" | "busway" | "raceway"
        | "minor_road" => RoadClass::Minor,
        "service" | "other" => RoadClass::Service,
        "path" | "pedestrian" | "track" | "footway" | "cycleway" | "steps" | "bridleway"
        | "corridor" => RoadClass::Path,
        _ => return None,
    })
}

fn area(class: &str) -> Option<Area> {
    Some(match class {
        "wood" | "forest" | "scrub" | "orchard" => Area::Wood,
        "grass" | "park" | "pitch" | "playground" | "garden" | "meadow" | "golf_course"
        | "recreation_ground" | "nature_reserve" | "national_park" | "protected_area" | "zoo"
        | "grassland" => Area::Green,
        "farmland" | "farm" | "allotments" | "vineyard" | "crop" => Area::Farmland,
        "wetland" | "marsh" | "swamp" | "mangrove" => Area::Wetland,
        "sand" | "beach" | "bare_rock" | "scree" | "rock" | "barren" | "desert" => Area::Sand,
        "ice" | "glacier" => Area::Ice,
        "residential" | "commercial" | "retail" | "neighbourhood" | "suburb" | "quarter"
        | "urban_area" | "built_up" => Area::Urban,
        "industrial" | "railway" | "quarry" | "garages" | "port" | "pier" | "dam" => {
            Area::Industrial
        }
        "school" | "hospital" | "university" | "college" | "kindergarten" | "library"
        | "stadium" | "bus_station" => Area::Institution,
        "military" => Area::Military,
        "cemetery" | "grave_yard" => Area::Cemetery,
        _ => return None,
    })
}

fn place_class(class: &str) -> Option<PlaceClass> {
    Some(match class {
        "country" => PlaceClass::Country,
        "state" | "province" | "region" => PlaceClass::State,
        "city" => PlaceClass::City,
        "town" => PlaceClass::Town,
        "village" | "locality" => PlaceClass::Village,
        "suburb" | "quarter" | "macrohood" => PlaceClass::Suburb,
        "neighbourhood" | "hamlet" | "isolated_dwelling" => PlaceClass::Hamlet,
        _ => return None,
    })
}

fn openmaptiles(layer: &str, f: &TileFeature) -> Option<Kind> {
    let class = f.text("class").unwrap_or("");
    Some(match layer {
        "ocean" => Kind::Ocean,
        "water" => match class {
            "ocean" => Kind::Ocean,
            _ => Kind::Water,
        },
        "landcover" | "landuse" | "park" => {
            Kind::Area(area(class).or_else(|| (layer == "park").then_some(Area::Green))?)
        }
        "glacier" | "ice_shelf" => Kind::Area(Area::Ice),
        "urban_areas" => Kind::Area(Area::Urban),
        "building" => Kind::Building,
        "waterway" => Kind::Waterway {
            major: matches!(class, "river" | "canal"),
        },
        "transportation" => {
            let tunnel = f.text("brunnel") == Some("tunnel");
            match class {
                "rail" | "transit" => Kind::Rail { main: true },
                "tram" | "subway" | "light_rail" | "narrow_gauge" | "monorail" | "funicular" => {
                    Kind::Rail { main: false }
                }
                _ if is_polygon(f) => return None,
                _ => Kind::Road {
                    class: road_class(class)?,
                    tunnel,
                },
            }
        }
        "transportation_name" => Kind::RoadName {
            class: road_class(class)?,
        },
        "aeroway" => match class {
            "runway" => Kind::Runway,
            "taxiway" => Kind::Taxiway,
            "apron" | "aerodrome" | "helipad" | "hangar" | "terminal" if is_polygon(f) => {
                Kind::Apron
            }
            _ => return None,
        },
        "boundary" => Kind::Boundary {
            admin_level: f
                .number("admin_level")
                .map_or(2, |l| l.clamp(0.0, 12.0) as u8),
            disputed: f.number("disputed").is_some_and(|d| d != 0.0),
        },
        "place" => Kind::Place {
            class: place_class(class)?,
            rank: rank(f),
        },
        "poi" => Kind::Poi {
            class: class.to_string(),
            rank: rank(f),
        },
        "water_name" => Kind::WaterName,
        "aerodrome_label" => Kind::Aerodrome,
        "mountain_peak" => Kind::Peak,
        _ => return None,
    })
}

fn protomaps(layer: &str, f: &TileFeature) -> Option<Kind> {
    let kind = f.text("kind").unwrap_or("");
    let detail = f.text("kind_detail").unwrap_or("");
    Some(match layer {
        "water" => match kind {
            "ocean" => Kind::Ocean,
            _ if is_polygon(f) => Kind::Water,
            _ => Kind::Waterway {
                major: matches!(kind, "river" | "canal"),
            },
        },
        "landuse" | "landcover" | "natural" => Kind::Area(area(kind)?),
        "buildings" => Kind::Building,
        "roads" => {
            let tunnel = f.number("is_tunnel").is_some_and(|t| t != 0.0);
            let class = match kind {
                "highway" => road_class(detail).unwrap_or(RoadClass::Motorway),
                "major_road" => road_class(detail).unwrap_or(RoadClass::Primary),
                "minor_road" => road_class(detail).unwrap_or(RoadClass::Minor),
                "path" => RoadClass::Path,
                "other" => RoadClass::Service,
                "rail" => return Some(Kind::Rail { main: true }),
                _ => return None,
            };
            Kind::Road { class, tunnel }
        }
        "transit" => match kind {
            "rail" => Kind::Rail {
                main: !matches!(detail, "tram" | "subway" | "light_rail"),
            },
            "aerialway" | "ferry" => return None,
            _ => Kind::Rail { main: false },
        },
        "boundaries" => Kind::Boundary {
            admin_level: f
                .number("kind_detail")
                .or_else(|| f.number("admin_level"))
                .map_or(if kind == "country" { 2 } else { 4 }, |l| {
                    l.clamp(0.0, 12.0) as u8
                }),
            disputed: f.number("disputed").is_some_and(|d| d != 0.0)
                || matches!(kind, "disputed" | "indefinite" | "indeterminate"),
        },
        "places" => Kind::Place {
            class: place_class(kind)
                .or_else(|| place_class(detail))
                .unwrap_or(PlaceClass::Village),
            rank: f
                .number("population_rank")
                .map_or(10.0, |r| (18.0 - r).max(0.0) as f32),
        },
        "pois" => match kind {
            "aerodrome" | "airport" => Kind::Aerodrome,
            "peak" => Kind::Peak,
            _ => Kind::Poi {
                class: kind.to_string(),
                rank: f.number("min_zoom").map_or(10.0, |z| z as f32),
            },
        },
        // `earth` is land: the offline atlas draws its own.
        _ => return None,
    })
}

/// A second kind a feature also is: in the Protomaps schema a road carries its own name and
/// number (OpenMapTiles puts them in `transportation_name`).
pub fn also(schema: Schema, kind: &Kind) -> Option<Kind> {
    match (schema, kind) {
        (Schema::Protomaps, Kind::Road { class, .. }) => Some(Kind::RoadName { class: *class }),
        _ => None,
    }
}

/// A feature's name for labels: the Latin name where the schema has one.
pub fn name(f: &TileFeature) -> Option<&str> {
    ["name:latin", "name:en", "name_en", "name"]
        .iter()
        .find_map(|k| f.text(k))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::decode::TileValue;
    use super::*;

    fn feature(geometry: TileGeometry, props: &[(&str, &str)]) -> TileFeature {
        TileFeature {
            geometry,
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), TileValue::Text(v.to_string())))
                .collect(),
        }
    }

    fn line() -> TileGeometry {
        TileGeometry::Lines(vec![vec![[0.0, 0.0], [1.0, 1.0]]])
    }

    #[test]
    fn schemas_are_told_apart_by_their_layers() {
        assert_eq!(
            Schema::from_layer_names(["water", "transportation", "place"]),
            Schema::OpenMapTiles
        );
        assert_eq!(
            Schema::from_layer_names(["earth", "water", "roads", "places"]),
            Schema::Protomaps
        );
        assert_eq!(Schema::from_layer_names(["parcels"]), Schema::Unknown);
    }

    #[test]
    fn both_schemas_give_the_same_roads() {
        let omt = feature(line(), &[("class", "motorway")]);
        let pm = feature(line(), &[("kind", "highway"), ("kind_detail", "motorway")]);
        let want = Some(Kind::Road {
            class: RoadClass::Motorway,
            tunnel: false,
        });
        assert_eq!(kind(Schema::OpenMapTiles, "transportation", &omt), want);
        assert_eq!(kind(Schema::Protomaps, "roads", &pm), want);
        let rail = feature(line(), &[("class", "rail")]);
        assert_eq!(
            kind(Schema::OpenMapTiles, "transportation", &rail),
            Some(Kind::Rail { main: true })
        );
        // House numbers and unknown classes are not drawn.
        assert_eq!(kind(Schema::OpenMapTiles, "housenumber", &rail), None);
        let odd = feature(line(), &[("class", "bus_guideway_of_mars")]);
        assert_eq!(kind(Schema::OpenMapTiles, "transportation", &odd), None);
    }

    #[test]
    fn names_prefer_latin() {
        let f = feature(
            TileGeometry::Points(vec![[0.5, 0.5]]),
            &[("name", "کراچی"), ("name:latin", "Karachi")],
        );
        assert_eq!(name(&f), Some("Karachi"));
    }
}
