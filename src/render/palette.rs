//! The basemap's calm atlas palette. Corridor colours are not here: they come from the
//! `maps/` manifest.

use egui::Color32;

/// Open sea.
pub const SEA: Color32 = Color32::from_rgb(0xD6, 0xE3, 0xEA);
/// Land outside Pakistan.
pub const LAND: Color32 = Color32::from_rgb(0xEC, 0xEA, 0xE4);
/// Pakistan's land, a touch warmer.
pub const LAND_PAKISTAN: Color32 = Color32::from_rgb(0xF8, 0xF5, 0xEC);
/// Lakes.
pub const WATER: Color32 = Color32::from_rgb(0xC8, 0xDB, 0xE6);
/// Rivers and lake shores.
pub const WATER_LINE: Color32 = Color32::from_rgb(0x93, 0xB7, 0xCD);
/// Coastline.
pub const COAST: Color32 = Color32::from_rgb(0x7E, 0x9F, 0xB4);
/// International borders (and disputed lines, dashed).
pub const BORDER: Color32 = Color32::from_rgb(0x6E, 0x6A, 0x72);
/// Pakistan's provincial borders.
pub const PROVINCE: Color32 = Color32::from_rgb(0xA8, 0xA3, 0xAA);
/// The neighbours' provincial borders.
pub const NEIGHBOUR_PROVINCE: Color32 = Color32::from_rgb(0xCF, 0xCC, 0xCF);
/// Country names.
pub const AREA_LABEL: Color32 = Color32::from_rgb(0x9A, 0x95, 0x9C);
/// Province names.
pub const PROVINCE_LABEL: Color32 = Color32::from_rgb(0x8C, 0x86, 0x8E);
/// City names in Pakistan.
pub const CITY_LABEL: Color32 = Color32::from_rgb(0x33, 0x33, 0x38);
/// City names abroad.
pub const CITY_LABEL_FOREIGN: Color32 = Color32::from_rgb(0x6A, 0x6A, 0x70);
/// City dots.
pub const CITY_DOT: Color32 = Color32::from_rgb(0x4A, 0x4A, 0x50);
/// Halo behind labels.
pub const HALO: Color32 = Color32::from_rgba_premultiplied(0xF6, 0xF4, 0xEE, 0xE0);
/// Casing under thematic lines.
pub const CASING: Color32 = Color32::from_rgba_premultiplied(0xFF, 0xFF, 0xFF, 0xC8);
/// Marker outlines.
pub const MARKER_EDGE: Color32 = Color32::from_rgb(0x2B, 0x2B, 0x2B);
/// Selection halo.
pub const SELECTION: Color32 = Color32::from_rgba_premultiplied(0xFF, 0xFF, 0xFF, 0xF0);
/// Selection halo edge.
pub const SELECTION_EDGE: Color32 = Color32::from_rgb(0x11, 0x11, 0x11);
