//! Web-Mercator view maths: lon/lat ↔ normalised world coordinates ↔ screen pixels,
//! metres per pixel and scale-bar steps.
//!
//! World coordinates are Web-Mercator normalised to `[0, 1]` on both axes, x growing east and
//! y growing south, the convention tiled maps (and walkers) use. At zoom `z` the whole world is
//! `256 · 2^z` pixels wide.

use std::f64::consts::PI;

/// Latitude limit of Web Mercator, in degrees.
pub const MAX_LAT_DEG: f64 = 85.051_128_779_806_59;

/// Tile size of the zoom convention, in pixels.
pub const TILE_SIZE_PX: f64 = 256.0;

/// Equatorial circumference of the WGS84 ellipsoid, in metres.
pub const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;

/// A position in normalised Web-Mercator world space (`[0, 1]²`, y down).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct WorldPos {
    /// East-west, 0 at 180° W, 1 at 180° E.
    pub x: f64,
    /// North-south, 0 at the northern limit, 1 at the southern limit.
    pub y: f64,
}

impl WorldPos {
    /// A world position from its two coordinates.
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// A longitude/latitude pair in degrees (WGS84).
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct LonLat {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

impl LonLat {
    /// A position from longitude and latitude in degrees.
    pub const fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }

    /// Project to normalised Web-Mercator world space (latitude clamped to the projection's limit).
    pub fn to_world(self) -> WorldPos {
        let lat = self.lat.clamp(-MAX_LAT_DEG, MAX_LAT_DEG).to_radians();
        let x = (self.lon + 180.0) / 360.0;
        let y = (1.0 - lat.tan().asinh() / PI) / 2.0;
        WorldPos { x, y }
    }

    /// Back from world space to longitude/latitude.
    pub fn from_world(w: WorldPos) -> Self {
        let lon = w.x * 360.0 - 180.0;
        let lat = ((1.0 - 2.0 * w.y) * PI).sinh().atan().to_degrees();
        Self { lon, lat }
    }
}

/// An axis-aligned rectangle in world space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorldRect {
    /// North-west corner (smallest x and y).
    pub min: WorldPos,
    /// South-east corner (largest x and y).
    pub max: WorldPos,
}

impl WorldRect {
    /// The smallest rectangle holding all `points`, or `None` when there are none.
    pub fn from_points(points: impl IntoIterator<Item = WorldPos>) -> Option<Self> {
        let mut it = points.into_iter();
        let first = it.next()?;
        let mut r = Self {
            min: first,
            max: first,
        };
        for p in it {
            r.include(p);
        }
        Some(r)
    }

    /// Grow to include `p`.
    pub fn include(&mut self, p: WorldPos) {
        self.min.x = self.min.x.min(p.x);
        self.min.y = self.min.y.min(p.y);
        self.max.x = self.max.x.max(p.x);
        self.max.y = self.max.y.max(p.y);
    }

    /// The union of two rectangles.
    pub fn union(self, other: Self) -> Self {
        let mut r = self;
        r.include(other.min);
        r.include(other.max);
        r
    }

    /// Whether the two rectangles overlap (touching counts).
    pub fn intersects(&self, other: &Self) -> bool {
        self.min.x <= other.max.x
            && other.min.x <= self.max.x
            && self.min.y <= other.max.y
            && other.min.y <= self.max.y
    }

    /// The area, in world units squared.
    pub fn area(&self) -> f64 {
        (self.max.x - self.min.x).max(0.0) * (self.max.y - self.min.y).max(0.0)
    }

    /// The area the two rectangles share, in world units squared (0 when apart).
    pub fn shared_area(&self, other: &Self) -> f64 {
        let w = self.max.x.min(other.max.x) - self.min.x.max(other.min.x);
        let h = self.max.y.min(other.max.y) - self.min.y.max(other.min.y);
        w.max(0.0) * h.max(0.0)
    }

    /// Whether `p` lies inside the rectangle (its edges count).
    pub fn contains(&self, p: WorldPos) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    /// Whether `other` lies wholly inside this rectangle.
    pub fn contains_rect(&self, other: &Self) -> bool {
        self.min.x <= other.min.x
            && self.min.y <= other.min.y
            && other.max.x <= self.max.x
            && other.max.y <= self.max.y
    }

    /// The rectangle grown by `margin` on every side.
    pub fn expand(self, margin: f64) -> Self {
        Self {
            min: WorldPos::new(self.min.x - margin, self.min.y - margin),
            max: WorldPos::new(self.max.x + margin, self.max.y + margin),
        }
    }

    /// The centre point.
    pub fn center(&self) -> WorldPos {
        WorldPos::new(
            (self.min.x + self.max.x) / 2.0,
            (self.min.y + self.max.y) / 2.0,
        )
    }

    /// A rectangle from two lon/lat corners (any order).
    pub fn from_lon_lat(a: LonLat, b: LonLat) -> Self {
        let (wa, wb) = (a.to_world(), b.to_world());
        Self {
            min: WorldPos::new(wa.x.min(wb.x), wa.y.min(wb.y)),
            max: WorldPos::new(wa.x.max(wb.x), wa.y.max(wb.y)),
        }
    }
}

/// The affine map from world space to screen pixels used for one frame:
/// `pos_px = offset_px + world · scale_px`. The same for every vertex, so geometry projected
/// and triangulated once in world space is drawn with a shift and a scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenTransform {
    /// Pixels per world unit (the world's width in pixels).
    pub scale_px: f64,
    /// Screen position of the world origin, in pixels.
    pub offset_px: [f64; 2],
}

impl ScreenTransform {
    /// The transform for a view centred on `center` at `zoom`, in a viewport whose centre is at
    /// `viewport_center_px`.
    pub fn new(center: WorldPos, zoom: f64, viewport_center_px: [f64; 2]) -> Self {
        let scale_px = world_size_px(zoom);
        Self {
            scale_px,
            offset_px: [
                viewport_center_px[0] - center.x * scale_px,
                viewport_center_px[1] - center.y * scale_px,
            ],
        }
    }

    /// Screen position of a world position, in pixels.
    pub fn to_screen(&self, w: WorldPos) -> [f64; 2] {
        [
            self.offset_px[0] + w.x * self.scale_px,
            self.offset_px[1] + w.y * self.scale_px,
        ]
    }

    /// World position under a screen position.
    pub fn to_world(&self, pos_px: [f64; 2]) -> WorldPos {
        WorldPos::new(
            (pos_px[0] - self.offset_px[0]) / self.scale_px,
            (pos_px[1] - self.offset_px[1]) / self.scale_px,
        )
    }

    /// The world rectangle covered by a screen rectangle given by its corners in pixels.
    pub fn visible_world(&self, min_px: [f64; 2], max_px: [f64; 2]) -> WorldRect {
        WorldRect {
            min: self.to_world(min_px),
            max: self.to_world(max_px),
        }
    }

    /// A distance in pixels expressed in world units.
    pub fn px_to_world(&self, length_px: f64) -> f64 {
        length_px / self.scale_px
    }

    /// The zoom level this transform draws at.
    pub fn zoom(&self) -> f64 {
        (self.scale_px / TILE_SIZE_PX).log2()
    }
}

/// The width of the world in pixels at `zoom`.
pub fn world_size_px(zoom: f64) -> f64 {
    TILE_SIZE_PX * zoom.exp2()
}

/// Ground metres per screen pixel at latitude `lat_deg` and `zoom`.
pub fn metres_per_px(lat_deg: f64, zoom: f64) -> f64 {
    EARTH_CIRCUMFERENCE_M * lat_deg.to_radians().cos() / world_size_px(zoom)
}

/// The zoom (fractional) at which `rect` fits into a viewport of `size_px` with `margin_px`
/// kept free on every side.
pub fn zoom_to_fit(rect: WorldRect, size_px: [f64; 2], margin_px: f64) -> f64 {
    let w = (size_px[0] - 2.0 * margin_px).max(1.0);
    let h = (size_px[1] - 2.0 * margin_px).max(1.0);
    let dx = (rect.max.x - rect.min.x).max(1e-12);
    let dy = (rect.max.y - rect.min.y).max(1e-12);
    let world_px = (w / dx).min(h / dy);
    (world_px / TILE_SIZE_PX).log2()
}

/// A scale bar: its ground length and its width on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleBar {
    /// Ground length the bar stands for, in metres (a 1-2-5 step).
    pub length_m: f64,
    /// Width of the bar on screen, in pixels.
    pub width_px: f64,
}

impl ScaleBar {
    /// The longest round (1, 2 or 5 × 10ⁿ metres) bar that fits in `max_width_px`.
    pub fn fit(metres_per_px: f64, max_width_px: f64) -> Self {
        let max_m = metres_per_px * max_width_px;
        let exponent = max_m.log10().floor();
        let base = 10f64.powf(exponent);
        let step = [5.0, 2.0, 1.0]
            .into_iter()
            .map(|s| s * base)
            .find(|&m| m <= max_m)
            .unwrap_or(base);
        Self {
            length_m: step,
            width_px: step / metres_per_px,
        }
    }

    /// The bar's length as text: metres below 1 km, kilometres above.
    pub fn label(&self) -> String {
        if self.length_m >= 1000.0 {
            format!("{} km", self.length_m / 1000.0)
        } else {
            format!("{} m", self.length_m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lon_lat_round_trips_through_world_space() {
        for (lon, lat) in [
            (62.3396, 25.1105),
            (75.4228, 36.8333),
            (-120.0, -40.0),
            (0.0, 0.0),
        ] {
            let back = LonLat::from_world(LonLat::new(lon, lat).to_world());
            assert!((back.lon - lon).abs() < 1e-9 && (back.lat - lat).abs() < 1e-9);
        }
        let origin = LonLat::new(0.0, 0.0).to_world();
        assert!((origin.x - 0.5).abs() < 1e-12 && (origin.y - 0.5).abs() < 1e-12);
        // North is up: a higher latitude has a smaller y.
        assert!(LonLat::new(0.0, 30.0).to_world().y < origin.y);
    }

    #[test]
    fn screen_transform_inverts_and_centres() {
        let center = LonLat::new(69.0, 30.0).to_world();
        let t = ScreenTransform::new(center, 6.0, [400.0, 300.0]);
        let c = t.to_screen(center);
        assert!((c[0] - 400.0).abs() < 1e-9 && (c[1] - 300.0).abs() < 1e-9);
        let w = t.to_world([123.0, 456.0]);
        let p = t.to_screen(w);
        assert!((p[0] - 123.0).abs() < 1e-6 && (p[1] - 456.0).abs() < 1e-6);
        assert!((t.zoom() - 6.0).abs() < 1e-12);
    }

    #[test]
    fn metres_per_px_halves_per_zoom_level() {
        let m0 = metres_per_px(0.0, 0.0);
        assert!((m0 - EARTH_CIRCUMFERENCE_M / 256.0).abs() < 1e-6);
        assert!((metres_per_px(30.0, 5.0) * 2.0 - metres_per_px(30.0, 4.0)).abs() < 1e-9);
    }

    #[test]
    fn scale_bar_picks_round_lengths_that_fit() {
        let bar = ScaleBar::fit(1000.0, 150.0); // 150 km available
        assert_eq!(bar.length_m, 100_000.0);
        assert!((bar.width_px - 100.0).abs() < 1e-9);
        assert_eq!(bar.label(), "100 km");
        let bar = ScaleBar::fit(3.0, 120.0); // 360 m available
        assert_eq!(bar.length_m, 200.0);
        assert_eq!(bar.label(), "200 m");
    }

    #[test]
    fn zoom_to_fit_fits_the_rectangle() {
        let rect = WorldRect::from_lon_lat(LonLat::new(60.0, 23.0), LonLat::new(78.0, 37.5));
        let z = zoom_to_fit(rect, [1000.0, 800.0], 20.0);
        let w_px = (rect.max.x - rect.min.x) * world_size_px(z);
        let h_px = (rect.max.y - rect.min.y) * world_size_px(z);
        assert!(w_px <= 960.0 + 1e-6 && h_px <= 760.0 + 1e-6);
        assert!((w_px - 960.0).abs() < 1e-6 || (h_px - 760.0).abs() < 1e-6);
    }
}
