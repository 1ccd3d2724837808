//! The offline atlas basemap, built once from Natural Earth, GSHHG and GeoNames features:
//! land and countries, Pakistan's provinces and the neighbours' provinces as borders extracted
//! from shared polygon edges, disputed lines kept apart (drawn dashed), rivers, lakes,
//! coastline, and cities for labels.

use std::collections::HashSet;

use geo::InteriorPoint;
use serde_json::Value;

use super::boundary::{edges_of_lines, shared_boundaries};
use super::label_language::LocalNames;
use super::layer::Feature;
use super::properties::Properties;
use super::triangulate::FilledArea;
use super::view::{LonLat, WorldPos};

/// The raw datasets the basemap is built from (each already loaded as features).
#[derive(Debug, Default)]
pub struct BasemapInputs {
    /// World land, coarse (1:110m), drawn outside the detailed region.
    pub world_land: Vec<Feature>,
    /// Countries of the region, 1:10m, with `name`.
    pub countries: Vec<Feature>,
    /// Pakistan's provinces and territories, with `name`.
    pub pakistan_admin1: Vec<Feature>,
    /// The neighbours' provinces.
    pub neighbour_admin1: Vec<Feature>,
    /// Rivers (lines).
    pub rivers: Vec<Feature>,
    /// Lakes (polygons).
    pub lakes: Vec<Feature>,
    /// Coastline (lines).
    pub coastline: Vec<Feature>,
    /// Pakistan's coast in detail: a `kind: land` feature (with its `strip`, `[W, S, E, N]`)
    /// whose land replaces the coarse land inside the strip, and `kind: coastline` lines that
    /// replace the coarse coastline. Empty: the coarse ones are drawn.
    pub coast: Vec<Feature>,
    /// Disputed boundary lines (Line of Control and others), drawn dashed.
    pub disputed: Vec<Feature>,
    /// Populated places with `name`, `population`, `cc`.
    pub cities: Vec<Feature>,
}

/// A populated place for labelling.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// Place name.
    pub name: String,
    /// Its Urdu and Chinese names, where the data gives them.
    pub local: LocalNames,
    /// Position in world space.
    pub pos: WorldPos,
    /// Population (GeoNames).
    pub population: u64,
    /// Whether the place is in Pakistan.
    pub in_pakistan: bool,
    /// A national or provincial capital: labelled first.
    pub capital: bool,
    /// A corridor place (Gwadar, Khunjerab, Torkham, Sost, Quetta): named at every zoom the
    /// atlas names places.
    pub corridor: bool,
}

/// The corridor's places, always named on the national view: the port, the border crossings
/// and the towns the briefings are about.
const CORRIDOR_PLACES: [&str; 5] = ["Gwadar", "Khunjerab", "Torkham", "Sost", "Quetta"];

/// Corridor places GeoNames' list of towns of 15,000 or more lacks, with the position printed
/// on the source `../shared/data/cpec-facts.md` cites (grade A): name, longitude, latitude.
/// Each with its Urdu and Chinese names (translated here).
const CORRIDOR_PLACES_ADDED: [(&str, &str, &str, f64, f64); 3] = [
    // Khunjerab Pass: en.wikipedia infobox (en.academic.ru copy).
    ("Khunjerab", "خنجراب", "红其拉甫", 75.4228, 36.8333),
    // Torkham border crossing: en.wikipedia (review.clateway.com copy).
    ("Torkham", "طورخم", "托尔哈姆", 71.08472, 34.11472),
    // Sost (Sust): en.wikipedia (wikimax.nixinova.com copy).
    ("Sost", "سوست", "苏斯特", 74.821, 36.69),
];

/// What an area label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaKind {
    /// A country.
    Country,
    /// A province or territory of Pakistan.
    Province,
}

/// A label for an area, placed at a point inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaLabel {
    /// English name.
    pub name: String,
    /// Urdu and Chinese names, where the data has them (`name_ur`, `name_zh`).
    pub local: LocalNames,
    /// Where the label is centred.
    pub pos: WorldPos,
    /// Other points well inside the area, farthest from its border first: where the label
    /// goes when `pos` is out of view (China's interior point, far east of the briefing
    /// views) or covered by markers (Pakistan's).
    pub alternatives: Vec<WorldPos>,
    /// Country or province.
    pub kind: AreaKind,
}

/// The built basemap, ready to draw.
#[derive(Debug, Default)]
pub struct Basemap {
    /// World land outside the region (coarse), triangulated once.
    pub world_land: Vec<FilledArea>,
    /// Neighbouring countries (fills).
    pub neighbours: Vec<FilledArea>,
    /// Pakistan (fill).
    pub pakistan: Vec<FilledArea>,
    /// Lakes (outlines).
    pub lakes: Vec<Feature>,
    /// Lakes (fills).
    pub lake_fills: Vec<FilledArea>,
    /// Rivers.
    pub rivers: Vec<Feature>,
    /// Coastline.
    pub coastline: Vec<Feature>,
    /// Where the detailed coast replaces the coarse land: the strip's corners (world space) and
    /// the detailed land inside it.
    pub coast_strip: Option<[WorldPos; 2]>,
    /// The detailed land of the coast strip.
    pub coast_land: Vec<FilledArea>,
    /// International borders (solid), without the disputed segments.
    pub borders: Vec<Feature>,
    /// Disputed boundaries (dashed).
    pub disputed: Vec<Feature>,
    /// Borders between Pakistan's provinces and territories.
    pub provinces: Vec<Feature>,
    /// Borders between the neighbours' provinces.
    pub neighbour_provinces: Vec<Feature>,
    /// Cities, largest first.
    pub cities: Vec<City>,
    /// Country and province names.
    pub area_labels: Vec<AreaLabel>,
}

/// National and provincial capitals of Pakistan and its neighbours, labelled before larger
/// places.
const CAPITALS: &[&str] = &[
    "Islamabad",
    "Karachi",
    "Lahore",
    "Peshawar",
    "Quetta",
    "Gilgit",
    "Muzaffarabad",
    "Kabul",
    "Tehran",
    "New Delhi",
    "Kashgar",
    "Dushanbe",
    "Muscat",
];

impl Basemap {
    /// Build the basemap from its datasets.
    pub fn build(inputs: BasemapInputs) -> Self {
        let disputed_edges = edges_of_lines(
            &inputs
                .disputed
                .iter()
                .flat_map(|f| lines_of(f.geometry().as_ref()))
                .collect::<Vec<_>>(),
        );
        let borders = boundary_features(&inputs.countries, &disputed_edges);
        let provinces = boundary_features(&inputs.pakistan_admin1, &HashSet::new());
        let neighbour_provinces = boundary_features(&inputs.neighbour_admin1, &HashSet::new());

        let (pakistan, neighbours): (Vec<Feature>, Vec<Feature>) = inputs
            .countries
            .into_iter()
            .partition(|f| f.text("name") == Some("Pakistan"));

        let mut area_labels: Vec<AreaLabel> = pakistan
            .iter()
            .chain(&neighbours)
            .filter(|f| f.text("name") != Some("Siachen Glacier"))
            .filter_map(|f| area_label(f, AreaKind::Country))
            .collect();
        area_labels.extend(
            inputs
                .pakistan_admin1
                .iter()
                .filter_map(|f| area_label(f, AreaKind::Province)),
        );

        let mut cities: Vec<City> = inputs.cities.iter().filter_map(city).collect();
        for (name, ur, zh, lon, lat) in CORRIDOR_PLACES_ADDED {
            if !cities.iter().any(|c| c.name == name) {
                cities.push(City {
                    name: name.to_string(),
                    local: LocalNames {
                        ur: Some(ur.to_string()),
                        zh: Some(zh.to_string()),
                    },
                    pos: LonLat::new(lon, lat).to_world(),
                    population: 0,
                    in_pakistan: true,
                    capital: false,
                    corridor: true,
                });
            }
        }
        // The corridor's places first: the view takes the first few hundred in view.
        cities.sort_by_key(|c| (!c.corridor, std::cmp::Reverse(c.population)));

        let (coast_land, coast_lines): (Vec<Feature>, Vec<Feature>) = inputs
            .coast
            .into_iter()
            .partition(|f| f.text("kind") == Some("land"));
        let coast_strip = coast_land.first().and_then(|f| {
            let strip = f.properties.get("strip")?;
            let v: Vec<f64> = strip.as_array()?.iter().filter_map(Value::as_f64).collect();
            let [w, s, e, n] = <[f64; 4]>::try_from(v).ok()?;
            Some([LonLat::new(w, n).to_world(), LonLat::new(e, s).to_world()])
        });
        let coastline = if coast_lines.is_empty() || coast_strip.is_none() {
            inputs.coastline
        } else {
            coast_lines
        };

        Self {
            world_land: FilledArea::of(&outside_region(inputs.world_land)),
            neighbours: FilledArea::of(&neighbours),
            pakistan: FilledArea::of(&pakistan),
            lake_fills: FilledArea::of(&inputs.lakes),
            lakes: inputs.lakes,
            rivers: inputs.rivers,
            coastline,
            coast_strip,
            coast_land: if coast_strip.is_some() {
                FilledArea::of(&coast_land)
            } else {
                Vec::new()
            },
            borders,
            disputed: inputs.disputed,
            provinces,
            neighbour_provinces,
            cities,
            area_labels,
        }
    }

    /// Cities worth a label at `zoom`: fewer, larger places when zoomed out.
    pub fn min_population_at(zoom: f64) -> u64 {
        match zoom {
            z if z < 4.5 => 3_000_000,
            z if z < 5.5 => 1_000_000,
            z if z < 6.5 => 250_000,
            z if z < 7.5 => 80_000,
            z if z < 8.5 => 30_000,
            _ => 0,
        }
    }
}

/// The area the detailed (1:10m) datasets cover; the coarse world land is cut away inside it so
/// its rough coast never shows past the detailed one.
pub const DETAILED_REGION: ([f64; 2], [f64; 2]) = ([55.0, 20.0], [85.0, 42.0]);

fn outside_region(world_land: Vec<Feature>) -> Vec<Feature> {
    use geo::BooleanOps;
    let ([w, s], [e, n]) = DETAILED_REGION;
    let region =
        geo::Rect::new(geo::coord! { x: w, y: s }, geo::coord! { x: e, y: n }).to_polygon();
    world_land
        .into_iter()
        .map(|f| {
            let cut = match &f.geometry() {
                Some(geo::Geometry::Polygon(p)) => {
                    Some(within_one_world(&geo::MultiPolygon(vec![p.clone()])).difference(&region))
                }
                Some(geo::Geometry::MultiPolygon(mp)) => {
                    Some(within_one_world(mp).difference(&region))
                }
                _ => None,
            };
            match cut {
                Some(mp) => Feature::new(f.name_source().clone(), f.properties, Some(mp.into())),
                None => f,
            }
        })
        .collect()
}

/// Land that crosses the antimeridian comes from the loader unwrapped the short way, partly
/// beyond ±180° (Eurasia reaches past Chukotka): cut it at ±180° and bring each piece back
/// within one world, so the map draws it where it is (it drew Eurasia a world to the west:
/// the land outside the detailed region was missing).
fn within_one_world(mp: &geo::MultiPolygon<f64>) -> geo::MultiPolygon<f64> {
    use geo::{BooleanOps, Translate};
    let world = |from: f64| {
        geo::Rect::new(
            geo::coord! { x: from, y: -90.0 },
            geo::coord! { x: from + 360.0, y: 90.0 },
        )
        .to_polygon()
    };
    // Antarctica (its ring runs along the map's southern edge from 180° to -180°) is of no use
    // to a map of South Asia.
    let mp = geo::MultiPolygon(
        mp.0.iter()
            .filter(|p| p.exterior().coords().any(|c| c.y > -60.0))
            .cloned()
            .collect(),
    );
    let mp = &mp;
    let mut out = mp.intersection(&world(-180.0));
    for shift in [-360.0, 360.0] {
        let beyond = mp.intersection(&world(-180.0 - shift));
        if !beyond.0.is_empty() {
            out = out.union(&beyond.translate(shift, 0.0));
        }
    }
    out
}

fn lines_of(g: Option<&geo::Geometry<f64>>) -> Vec<Vec<[f64; 2]>> {
    match g {
        Some(geo::Geometry::LineString(ls)) => vec![ls.coords().map(|c| [c.x, c.y]).collect()],
        Some(geo::Geometry::MultiLineString(mls)) => mls
            .iter()
            .map(|ls| ls.coords().map(|c| [c.x, c.y]).collect())
            .collect(),
        _ => Vec::new(),
    }
}

fn rings_of(g: Option<&geo::Geometry<f64>>) -> Vec<Vec<[f64; 2]>> {
    let polygon_rings = |p: &geo::Polygon<f64>| -> Vec<Vec<[f64; 2]>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| r.coords().map(|c| [c.x, c.y]).collect())
            .collect()
    };
    match g {
        Some(geo::Geometry::Polygon(p)) => polygon_rings(p),
        Some(geo::Geometry::MultiPolygon(mp)) => mp.iter().flat_map(polygon_rings).collect(),
        _ => Vec::new(),
    }
}

fn boundary_features(
    polygons: &[Feature],
    exclude: &HashSet<super::boundary::EdgeKey>,
) -> Vec<Feature> {
    let owners: Vec<Vec<Vec<[f64; 2]>>> = polygons
        .iter()
        .map(|f| rings_of(f.geometry().as_ref()))
        .collect();
    shared_boundaries(&owners, exclude)
        .into_iter()
        .map(|line| {
            let ls: geo::LineString<f64> = line.into_iter().map(|[x, y]| (x, y)).collect();
            Feature::new(String::new(), Properties::new(), Some(ls.into()))
        })
        .collect()
}

fn area_label(f: &Feature, kind: AreaKind) -> Option<AreaLabel> {
    let name = f.text("name_en").or_else(|| f.text("name"))?.to_string();
    // The largest polygon's interior point, so multipolygons label their mainland.
    let mainland = match f.geometry()? {
        geo::Geometry::MultiPolygon(mp) => {
            use geo::Area;
            mp.into_iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?
        }
        geo::Geometry::Polygon(p) => p,
        _ => return None,
    };
    let point = mainland.interior_point()?;
    Some(AreaLabel {
        name,
        local: f.local_names(),
        pos: LonLat::new(point.x(), point.y()).to_world(),
        alternatives: inner_points(&mainland, 24),
        kind,
    })
}

/// Up to `n` points of a 16 × 16 grid over `polygon` that lie inside it, farthest from its
/// border first (in degrees, which is enough to rank them).
fn inner_points(polygon: &geo::Polygon<f64>, n: usize) -> Vec<WorldPos> {
    use geo::{BoundingRect, Contains, Distance, Euclidean, Simplify};
    let Some(bbox) = polygon.bounding_rect() else {
        return Vec::new();
    };
    // Ranking label spots needs the outline to a hundredth of the area's size, not 1:10m's
    // thousands of vertices.
    let polygon = &polygon.simplify(0.01 * bbox.width().max(bbox.height()));
    let steps = 16;
    let mut inside: Vec<(f64, geo::Point<f64>)> = Vec::new();
    for i in 0..steps {
        for j in 0..steps {
            let p = geo::Point::new(
                bbox.min().x + (i as f64 + 0.5) * bbox.width() / steps as f64,
                bbox.min().y + (j as f64 + 0.5) * bbox.height() / steps as f64,
            );
            if polygon.contains(&p) {
                inside.push((Euclidean.distance(&p, polygon.exterior()), p));
            }
        }
    }
    inside.sort_by(|a, b| b.0.total_cmp(&a.0));
    inside
        .into_iter()
        .take(n)
        .map(|(_, p)| LonLat::new(p.x(), p.y()).to_world())
        .collect()
}

fn city(f: &Feature) -> Option<City> {
    let Some(geo::Geometry::Point(p)) = f.geometry() else {
        return None;
    };
    let name = f.text("name")?.to_string();
    let population = f
        .properties
        .get("population")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    let capital = CAPITALS.contains(&name.as_str());
    Some(City {
        local: f.local_names(),
        pos: LonLat::new(p.x(), p.y()).to_world(),
        population,
        in_pakistan: f.text("cc") == Some("PK"),
        capital,
        corridor: f.text("cc") == Some("PK") && CORRIDOR_PLACES.contains(&name.as_str()),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;
    use serde_json::{Map, json};

    fn named(name: &str, g: geo::Geometry<f64>) -> Feature {
        let props: Map<String, Value> = json!({ "name": name })
            .as_object()
            .cloned()
            .unwrap_or_default();
        Feature::new(name, props, Some(g))
    }

    #[test]
    fn borders_skip_disputed_edges_and_pakistan_is_set_apart() {
        let west = named(
            "Pakistan",
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 2.0), (x: 0.0, y: 2.0)].into(),
        );
        let east = named(
            "India",
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0), (x: 1.0, y: 1.0)]
                .into(),
        );
        let loc: geo::LineString<f64> = vec![(1.0, 1.0), (1.0, 2.0)].into();
        let basemap = Basemap::build(BasemapInputs {
            countries: vec![west, east],
            disputed: vec![named("LoC", loc.into())],
            ..BasemapInputs::default()
        });
        assert_eq!(basemap.pakistan.len(), 1);
        assert_eq!(basemap.neighbours.len(), 1);
        // The shared edge x = 1 runs from y = 0 to 2; only 0..1 is an undisputed border.
        assert_eq!(basemap.borders.len(), 1);
        let Some(geo::Geometry::LineString(ls)) = &basemap.borders[0].geometry() else {
            panic!("a border line");
        };
        let ys: Vec<f64> = ls.coords().map(|c| c.y).collect();
        assert!(ys.iter().all(|&y| y <= 1.0 + 1e-6), "{ys:?}");
        assert_eq!(basemap.disputed.len(), 1);
        assert_eq!(basemap.area_labels.len(), 2, "Pakistan and India labelled");
    }

    #[test]
    fn coarse_world_land_is_cut_away_inside_the_detailed_region() {
        let land = named(
            "land",
            polygon![(x: 50.0, y: 10.0), (x: 90.0, y: 10.0), (x: 90.0, y: 50.0), (x: 50.0, y: 50.0)].into(),
        );
        let cut = outside_region(vec![land.clone()]);
        use geo::{Area, Contains};
        let Some(geo::Geometry::MultiPolygon(mp)) = &cut[0].geometry() else {
            panic!("a multipolygon");
        };
        assert!(
            !mp.contains(&geo::point!(x: 70.0, y: 30.0)),
            "inside the region"
        );
        assert!(mp.contains(&geo::point!(x: 52.0, y: 30.0)), "outside it");
        assert!((mp.unsigned_area() - (1600.0 - 660.0)).abs() < 1e-3);
        // The basemap fills what is left, and only that.
        let basemap = Basemap::build(BasemapInputs {
            world_land: vec![land],
            ..BasemapInputs::default()
        });
        assert!(
            !filled(&basemap.world_land, 70.0, 30.0),
            "inside the region"
        );
        assert!(filled(&basemap.world_land, 52.0, 30.0), "outside it");
    }

    /// Whether a triangle of `areas` covers `lon`, `lat`.
    fn filled(areas: &[FilledArea], lon: f64, lat: f64) -> bool {
        let p = LonLat::new(lon, lat).to_world();
        let cross =
            |a: WorldPos, b: WorldPos| (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
        areas.iter().any(|area| {
            area.triangles.chunks_exact(3).any(|t| {
                let [a, b, c] = [0, 1, 2].map(|k| area.points[t[k] as usize]);
                let sides = [cross(a, b), cross(b, c), cross(c, a)];
                sides.iter().all(|&d| d >= 0.0) || sides.iter().all(|&d| d <= 0.0)
            })
        })
    }

    #[test]
    fn land_unwrapped_past_the_antimeridian_is_brought_back_within_one_world() {
        use geo::{BoundingRect, Contains};
        // A landmass from 170° E to 190° E (that is, across to 170° W).
        let land = polygon![(x: 170.0, y: 60.0), (x: 190.0, y: 60.0), (x: 190.0, y: 70.0), (x: 170.0, y: 70.0)];
        let back = within_one_world(&geo::MultiPolygon(vec![land]));
        let bbox = back.bounding_rect().expect("land");
        assert!(bbox.min().x >= -180.0 && bbox.max().x <= 180.0, "{bbox:?}");
        assert!(
            back.contains(&geo::point!(x: -175.0, y: 65.0)),
            "the part past 180° E"
        );
        assert!(back.contains(&geo::point!(x: 175.0, y: 65.0)));
        // The embedded world land: all of it within one world, Iran's land drawn west of 55° E.
        let basemap = crate::io::basemap_assets::load_basemap().expect("basemap");
        for area in &basemap.world_land {
            let b = area.bbox;
            assert!(b.min.x >= -1e-9 && b.max.x <= 1.0 + 1e-9, "{b:?}");
        }
        assert!(filled(&basemap.world_land, 52.0, 32.0), "Iran");
        assert!(filled(&basemap.world_land, 70.0, 50.0), "Kazakhstan");
        assert!(!filled(&basemap.world_land, 65.0, 15.0), "the Arabian Sea");
    }

    #[test]
    fn fewer_cities_when_zoomed_out() {
        assert!(Basemap::min_population_at(4.0) > Basemap::min_population_at(6.0));
        assert_eq!(Basemap::min_population_at(10.0), 0);
    }
}
