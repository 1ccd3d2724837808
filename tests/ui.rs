//! UI tests with egui_kittest: no display, no GPU. They drive the real app through its
//! widgets and the pointer, as a user would.

use std::path::PathBuf;

use corridor_viewer::app::{AppOptions, Command, CorridorApp};
use corridor_viewer::model::layer::Part;
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "common/tile_server.rs"]
mod tile_server;

fn harness() -> Harness<'static, Option<CorridorApp>> {
    harness_with_session(None)
}

fn harness_with_session(session_file: Option<PathBuf>) -> Harness<'static, Option<CorridorApp>> {
    harness_with(AppOptions {
        maps_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
        session_file,
        open_files: Vec::new(),
        cache_dir: None,
        file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
    })
}

fn harness_with(options: AppOptions) -> Harness<'static, Option<CorridorApp>> {
    harness_checking(options, true)
}

/// A harness for the in-app file dialog: egui_file's folder and file name fields carry no
/// accessible name, which the accessibility check refuses; everything else is checked.
fn harness_for_file_dialogs() -> Harness<'static, Option<CorridorApp>> {
    harness_checking(
        AppOptions {
            maps_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
            file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
            ..Default::default()
        },
        false,
    )
}

fn harness_checking(
    options: AppOptions,
    accessibility_check: bool,
) -> Harness<'static, Option<CorridorApp>> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(64)
        .with_accessibility_check(accessibility_check)
        .build_ui_state(
            move |ui, app: &mut Option<CorridorApp>| {
                app.get_or_insert_with(|| CorridorApp::new(ui.ctx(), options.clone()))
                    .ui(ui);
            },
            None,
        );
    harness.run();
    harness
}

fn app<'a>(h: &'a Harness<'static, Option<CorridorApp>>) -> &'a CorridorApp {
    h.state().as_ref().expect("the app was created")
}

/// Carry out a command in the app, as its menus and keys do.
fn apply(h: &mut Harness<'static, Option<CorridorApp>>, command: Command) {
    h.state_mut()
        .as_mut()
        .expect("the app was created")
        .apply(command);
}

/// Where a point feature is drawn now.
fn screen_pos_of(h: &Harness<'static, Option<CorridorApp>>, layer_id: &str, name: &str) -> Pos2 {
    let app = app(h);
    let layer = &app.layers[app.layer_index(layer_id).expect("layer")];
    let feature = layer
        .features
        .iter()
        .find(|f| f.name() == name)
        .expect("feature");
    let Some(Part::Point(w)) = feature.parts.first() else {
        panic!("{name} is a point");
    };
    app.last_view.expect("the map was drawn").pos(*w)
}

fn click_at(h: &mut Harness<'static, Option<CorridorApp>>, pos: Pos2) {
    h.event(Event::PointerMoved(pos));
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run();
    // Move away so the hover tooltip does not repeat the name.
    h.event(Event::PointerMoved(Pos2::new(2.0, 795.0)));
    h.run();
}

#[test]
fn app_starts_and_lists_every_layer() {
    let h = harness();
    let app = app(&h);
    assert_eq!(app.layers.len(), 7);
    assert!(
        app.messages.is_empty(),
        "no load problems: {:?}",
        app.messages
    );
    for title in [
        "Growth corridor",
        "Innovation corridor",
        "Green corridor",
        "Livelihood corridor",
        "Regional Connectivity corridor",
        "Chagai–Gwadar mining corridor",
        "Border markets",
    ] {
        h.get_by_label(title);
    }
    // The map opens on Pakistan.
    let view = app.last_view.expect("map drawn");
    let islamabad = view.pos(corridor_viewer::model::view::LonLat::new(73.04, 33.72).to_world());
    let gwadar = view.pos(corridor_viewer::model::view::LonLat::new(62.33, 25.12).to_world());
    assert!(view.rect.contains(islamabad) && view.rect.contains(gwadar));
}

#[test]
fn hovering_a_feature_shows_its_name_in_a_tooltip() {
    let mut h = harness();
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    assert!(
        h.query_by_label("Torkham border market (Afghanistan)")
            .is_none()
    );
    h.event(Event::PointerMoved(pos));
    // Tooltips appear after a short delay: step through it in real time.
    for _ in 0..20 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The tooltip (and egui's accessibility text for it) now carries the name.
    assert!(
        h.get_all_by_label("Torkham border market (Afghanistan)")
            .count()
            >= 1
    );
    // Nothing is selected by hovering.
    h.get_by_label_contains("Click a feature on the map");
}

#[test]
fn clicking_a_feature_shows_it_in_the_inspector() {
    let mut h = harness();
    h.get_by_label_contains("Click a feature on the map");
    assert!(
        h.query_by_label("Torkham border market (Afghanistan)")
            .is_none()
    );
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    click_at(&mut h, pos);
    h.get_by_label("Torkham border market (Afghanistan)");
    h.get_by_label("C — estimated position, ±5–15 km");
}

#[test]
fn overlapping_features_offer_a_list_and_gwadar_port_shows_its_facts() {
    let mut h = harness();
    let pos = screen_pos_of(&h, "connectivity", "Gwadar Port");
    click_at(&mut h, pos);
    h.get_by_label("Several features here — choose one:");
    h.get_by_label("Gwadar Port").click();
    h.run();
    h.get_by_label("Gwadar Port");
    h.get_by_label("A — position and figures as printed on the source");
    h.get_by_label_contains("wiki.studentb.eu");
    h.get_by_label_contains("4 berths");
    assert!(
        h.query_by_label("Several features here — choose one:")
            .is_none(),
        "list closed"
    );
}

#[test]
fn with_urdu_labels_the_list_and_the_inspector_name_gwadar_port_in_urdu_and_english() {
    use corridor_viewer::model::label_language::LabelLanguage;
    let mut h = harness();
    apply(&mut h, Command::SetLabels(LabelLanguage::Urdu));
    let pos = screen_pos_of(&h, "connectivity", "Gwadar Port");
    click_at(&mut h, pos);
    // The list names each project as the labels do (in visual order for egui).
    h.get_by_label("Several features here — choose one:");
    assert!(h.query_by_label("Gwadar Port").is_none());
    let urdu = corridor_viewer::render::bidi::visual("گوادر بندرگاہ").into_owned();
    h.get_by_label(&urdu).click();
    h.run();
    // The inspector's heading in Urdu, the English name under it, and each name with where
    // it comes from.
    h.get_by_label(&urdu);
    h.get_by_label("Gwadar Port");
    h.get_by_label(&format!("Urdu name{urdu}(translated here)"));
    h.get_by_label("Chinese name瓜达尔港(translated here)");
    // The UI itself stays English.
    h.get_by_label("A — position and figures as printed on the source");
}

#[test]
fn unticking_a_layer_hides_it_from_the_map_and_from_clicks() {
    let mut h = harness();
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    h.get_by_label("Border markets").click();
    h.run();
    let app_ref = app(&h);
    let i = app_ref.layer_index("border_markets").expect("layer");
    assert!(!app_ref.layers[i].visible);
    click_at(&mut h, pos);
    assert!(
        h.query_by_label("Torkham border market (Afghanistan)")
            .is_none()
    );
    // Ticking it again brings it back.
    h.get_by_label("Border markets").click();
    h.run();
    click_at(&mut h, pos);
    h.get_by_label("Torkham border market (Afghanistan)");
}

#[test]
fn the_layers_are_rendered_again_only_when_their_look_changes() {
    let mut h = harness();
    let rebuilds = |h: &Harness<'static, Option<CorridorApp>>| app(h).layer_batch.rebuilds;
    let start = rebuilds(&h);
    assert!(start >= 1, "the layers were rendered");
    // Hovering and opening search do not render the layers again: with a large file each
    // render takes a while (in the background; the frame shows the last image meanwhile).
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    h.event(Event::PointerMoved(pos));
    h.run();
    apply(&mut h, Command::OpenSearch);
    h.run();
    apply(&mut h, Command::CloseSearch);
    h.run();
    assert_eq!(rebuilds(&h), start);
    // A selection does, once: it is drawn in the image, under the markers, so its halo never
    // hides one (until that image arrives it is drawn over the last one).
    click_at(&mut h, pos);
    h.get_by_label("Torkham border market (Afghanistan)");
    assert_eq!(rebuilds(&h), start + 1);
    apply(&mut h, Command::ClearSelection);
    h.run();
    assert_eq!(rebuilds(&h), start + 2);
    // Hiding a layer does.
    h.get_by_label("Border markets").click();
    h.run();
    assert_eq!(rebuilds(&h), start + 3);
}

#[test]
fn escape_clears_the_selection_and_keyboard_zooms() {
    let mut h = harness();
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    click_at(&mut h, pos);
    h.get_by_label("Torkham border market (Afghanistan)");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        h.query_by_label("Torkham border market (Afghanistan)")
            .is_none()
    );
    h.get_by_label_contains("Click a feature on the map");
    let before = app(&h).map_memory.zoom();
    h.key_press(egui::Key::Plus);
    h.run();
    assert!((app(&h).map_memory.zoom() - before - 1.0).abs() < 1e-9);
}

#[test]
fn unsited_features_are_listed_and_inspectable() {
    let mut h = harness();
    h.get_by_label("7 without a site").click();
    h.run();
    h.get_by_label("Huawei National Data & Cloud Centre")
        .click();
    h.run();
    h.get_by_label("Not on the map: site not announced.");
}

#[test]
fn briefing_dialog_previews_and_saves_the_composed_image() {
    let mut h = harness();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Export briefing image…").click();
    h.run();
    h.get_by_label("Export briefing image");
    h.get_by_label_contains("1920 × 1080 px, page 960 × 540 pt");
    h.get_by_label("Preview: the saved image is drawn at full resolution.");
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "Legend")
        .click(); // untick the legend
    h.run();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("briefing.png");
    apply(
        &mut h,
        corridor_viewer::app::Command::SaveBriefingTo(path.clone()),
    );
    h.run();
    let img = image::open(&path).expect("the briefing image").to_rgba8();
    assert_eq!(img.dimensions(), (1920, 1080));
    h.get_by_label_contains("Saved the briefing image (1920×1080 px)");
    assert!(
        h.query_by_label("Export briefing image").is_none(),
        "dialog closed after saving"
    );
}

/// A file dropped on the window (the desktop integration's handle, for the test).
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drop files on the window, as a user would, and wait for the background loader.
fn drop_files(
    h: &mut Harness<'static, Option<CorridorApp>>,
    paths: &[PathBuf],
    expected_layers: usize,
) {
    for p in paths {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(DroppedPath(p.clone())));
    }
    step_until(h, 250, |a| {
        a.layers.len() >= expected_layers && !a.messages.is_empty()
    });
    h.run();
}

/// Frames, 20 ms apart, until `done` says so (or `tries` frames): for work the app does in the
/// background (loading files, preparing tiles).
fn step_until(
    h: &mut Harness<'static, Option<CorridorApp>>,
    tries: usize,
    done: impl Fn(&CorridorApp) -> bool,
) {
    for _ in 0..tries {
        h.step();
        if done(app(h)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn dropped_files_open_as_layers_and_broken_ones_say_where() {
    let mut h = harness();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    drop_files(&mut h, &[fixtures.join("good.geojson")], 8);
    assert_eq!(app(&h).layers.len(), 8);
    h.get_by_label("good"); // the new layer in the layers panel
    h.get_by_label_contains("good.geojson (4 features)");
    // Its features can be clicked like any other (here it shares Gwadar port's spot: pick it).
    let pos = screen_pos_of(&h, "file:good", "Port");
    click_at(&mut h, pos);
    h.get_by_label("Port").click();
    h.run();
    let a = app(&h);
    let r = a.selection.expect("a selection");
    assert_eq!(a.layers[r.layer].id, "file:good");
    assert_eq!(a.layers[r.layer].features[r.feature].name(), "Port");

    drop_files(&mut h, &[fixtures.join("broken_syntax.geojson")], 8);
    h.get_by_label_contains("broken_syntax.geojson, line 5, column 5: invalid JSON");
    assert_eq!(
        app(&h).layers.len(),
        8,
        "a broken file adds no layer, and removes none"
    );

    // Removing the opened layer.
    h.get_by_label("remove").click();
    h.run();
    assert_eq!(app(&h).layers.len(), 7);
}

#[test]
fn search_finds_features_and_choosing_one_selects_it() {
    let mut h = harness();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_by_label("Search features");
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("karot");
    h.run();
    h.get_by_label_contains("Karot hydropower project  —  Green corridor")
        .click();
    h.run();
    let a = app(&h);
    let r = a.selection.expect("selected from the search");
    assert_eq!(
        a.layers[r.layer].features[r.feature].name(),
        "Karot hydropower project"
    );
    assert!(a.map_memory.zoom() > 9.0, "zoomed to the feature");
    h.get_by_label("C — estimated position, ±5–15 km");
    assert!(
        h.query_by_label("Search features").is_none(),
        "the box closed, off the feature it zoomed to"
    );
}

#[test]
fn search_closes_on_enter_and_on_escape() {
    let mut h = harness();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("karot");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        h.query_by_label("Search features").is_none(),
        "closed on Enter"
    );
    let r = app(&h).selection.expect("the first result chosen");
    assert_eq!(
        app(&h).layers[r.layer].features[r.feature].name(),
        "Karot hydropower project"
    );
    // Esc in the text field closes the box, and leaves the selection.
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_by_label("Search features");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        h.query_by_label("Search features").is_none(),
        "closed on Esc"
    );
    assert!(app(&h).selection.is_some());
}

#[test]
fn escape_closes_the_open_menu_then_windows_then_the_selection() {
    let mut h = harness();
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    click_at(&mut h, pos);
    h.get_by_label("Torkham border market (Afghanistan)");
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::B);
    h.run();
    h.get_by_label("Help").click();
    h.run();
    let menu_item = "Version ";
    h.get_by_label_contains(menu_item);
    // First the menu…
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        h.query_by_label_contains(menu_item).is_none(),
        "the menu closed"
    );
    h.get_by_label("Bookmark this view");
    // …then the window…
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        h.query_by_label("Bookmark this view").is_none(),
        "the window closed"
    );
    h.get_by_label("Torkham border market (Afghanistan)");
    // …then the selection.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(app(&h).selection.is_none());
}

#[test]
fn typing_in_a_text_field_does_not_pan_or_zoom_the_map() {
    let mut h = harness();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("gwadar");
    h.run();
    let zoom = app(&h).map_memory.zoom();
    let center = app(&h).map_memory.detached();
    for key in [
        egui::Key::Plus,
        egui::Key::Minus,
        egui::Key::ArrowLeft,
        egui::Key::Home,
    ] {
        h.key_press(key);
        h.run();
    }
    assert_eq!(
        app(&h).map_memory.zoom(),
        zoom,
        "+ and − went to the text field"
    );
    assert_eq!(
        app(&h).map_memory.detached(),
        center,
        "arrows went to the text field"
    );
    // Without the text field's focus, the same keys drive the map again.
    h.key_press_modifiers(Modifiers::NONE, egui::Key::Escape);
    h.run();
    h.key_press(egui::Key::Plus);
    h.run();
    assert!(app(&h).map_memory.zoom() > zoom);
}

#[test]
fn the_session_comes_back_after_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let session = dir.path().join("session.json");
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let zoom;
    {
        let mut h = harness_with_session(Some(session.clone()));
        h.get_by_label("Border markets").click();
        h.run();
        drop_files(&mut h, &[fixtures.join("good.geojson")], 8);
        h.key_press(egui::Key::Plus);
        h.run();
        zoom = app(&h).map_memory.zoom();
        // The opened file goes to the bottom, renamed and coloured by a property.
        let a = h.state_mut().as_mut().expect("app");
        a.apply(Command::MoveLayer { from: 7, to: 0 });
        a.apply(Command::RenameLayer(0, "Ports and roads".into()));
        a.apply(Command::ColorBy(0, Some("name".into())));
        a.apply(Command::OpenTable(0));
        a.apply(Command::SetDms(true));
        let local = corridor_viewer::tiles::source::TileSourceSpec::custom(
            "Local",
            "http://127.0.0.1:9/{z}/{x}/{y}.png",
            "Test tiles",
            12,
        )
        .expect("valid");
        a.apply(Command::AddTileSource(local));
        a.apply(Command::SetTileOpacity(0.6));
        a.save_session();
    }
    assert!(session.exists(), "written");
    let mut h = harness_with_session(Some(session.clone()));
    step_until(&mut h, 250, |a| a.layers.len() == 8);
    let a = app(&h);
    assert_eq!(a.layers.len(), 8, "the opened file is opened again");
    assert_eq!(a.layers[0].id, "file:good", "at the bottom, as before");
    assert_eq!(a.layers[0].title, "Ports and roads");
    let by = a.layers[0].style.color_by.as_ref().expect("still coloured");
    assert_eq!(by.property, "name");
    assert_eq!(
        a.table.as_ref().map(|t| t.layer),
        Some(0),
        "its attribute table open again"
    );
    assert!(a.dms, "coordinates still in DMS");
    let spec = a.basemap_source.tiles().expect("the same tiles");
    assert_eq!((spec.name.as_str(), spec.max_zoom), ("Local", 12));
    assert_eq!(a.tile_sources.len(), 1);
    assert!((a.tile_opacity - 0.6).abs() < 1e-6);
    let markets = a.layer_index("border_markets").expect("layer");
    assert!(!a.layers[markets].visible, "still hidden");
    assert!((a.map_memory.zoom() - zoom).abs() < 1e-9, "same zoom");
}

#[test]
fn a_damaged_session_is_reported_and_the_defaults_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let session = dir.path().join("session.json");
    std::fs::write(&session, "{\"view\": {\"lon\": 62,,}").expect("write");
    let h = harness_with_session(Some(session.clone()));
    h.get_by_label_contains("session.json, line 1, column 21: key must be a string");
    h.get_by_label_contains(
        "the saved session is damaged, so the app starts with the default layout",
    );
    assert_eq!(app(&h).layers.len(), 7);
    assert!(app(&h).layers.iter().all(|l| l.visible));
    assert!(
        dir.path().join("session.json.broken").exists(),
        "kept for the user"
    );
}

#[test]
fn bookmarks_go_to_views_and_can_be_added_renamed_and_deleted() {
    let mut h = harness();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::B);
    h.run();
    for name in ["Pakistan", "Northern gateway", "Gwadar", "Chagai–Gwadar"] {
        h.get_by_label(name);
    }
    h.get_by_label("Gwadar").click();
    h.run();
    let a = app(&h);
    let gwadar = corridor_viewer::model::view::LonLat::new(62.33, 25.15).to_world();
    let view = a.last_view.expect("drawn");
    assert!(view.rect.contains(view.pos(gwadar)), "Gwadar in view");
    assert!(a.map_memory.zoom() > 8.0, "zoomed in on Gwadar");
    assert!(
        h.query_by_label("Bookmark this view").is_none(),
        "the window closed over the view it went to"
    );

    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::B);
    h.run();
    h.get_by_label("Bookmark this view").click();
    h.run();
    assert_eq!(app(&h).bookmarks.len(), 5);
    h.get_all_by_label("rename")
        .nth(4)
        .expect("fifth rename")
        .click();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(" port");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(app(&h).bookmarks[4].name, "View 5 port");
    h.get_all_by_label("delete")
        .nth(4)
        .expect("fifth delete")
        .click();
    h.run();
    assert_eq!(app(&h).bookmarks.len(), 4);
}

#[test]
fn measuring_a_distance_by_clicking_and_escape_clears_it() {
    let mut h = harness();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Measure distance").click();
    h.run();
    let view = app(&h).last_view.expect("drawn");
    let karachi = view.pos(corridor_viewer::model::view::LonLat::new(67.0104, 24.8608).to_world());
    let lahore = view.pos(corridor_viewer::model::view::LonLat::new(74.35071, 31.558).to_world());
    click_at(&mut h, karachi);
    click_at(&mut h, lahore);
    let m = app(&h).measure.clone().expect("measuring");
    assert_eq!(m.points.len(), 2, "clicks add points instead of selecting");
    assert!(app(&h).selection.is_none());
    let km = corridor_viewer::model::measure::path_length_m(&m.points) / 1000.0;
    assert!((km - 1033.9).abs() < 10.0, "about Karachi–Lahore: {km}");
    h.get_by_label_contains("Distance 1,0");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(app(&h).measure.is_none());
}

#[test]
fn measuring_an_area_clicked_clockwise_on_screen() {
    let mut h = harness();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Measure area").click();
    h.run();
    let view = app(&h).last_view.expect("drawn");
    // A 1° cell at 24–25°N, 66–67°E, clicked clockwise as seen on screen.
    for (lon, lat) in [(66.0, 25.0), (67.0, 25.0), (67.0, 24.0), (66.0, 24.0)] {
        let pos = view.pos(corridor_viewer::model::view::LonLat::new(lon, lat).to_world());
        click_at(&mut h, pos);
    }
    let m = app(&h).measure.clone().expect("measuring");
    let km2 = corridor_viewer::model::measure::polygon_area_m2(&m.points) / 1e6;
    assert!(
        (km2 - 11_226.6).abs() / 11_226.6 < 0.03,
        "about 11,227 km²: {km2}"
    );
    h.get_by_label_contains("Area 11,");
}

/// Open a layer's context menu in the layers panel and choose an entry.
fn layer_menu(h: &mut Harness<'static, Option<CorridorApp>>, layer_title: &str, entry: &str) {
    h.get_by_label(layer_title).click_secondary();
    h.run();
    h.get_by_label(entry).click();
    h.run();
}

#[test]
fn a_table_row_click_selects_on_the_map_and_a_map_selection_highlights_its_row() {
    let mut h = harness();
    layer_menu(&mut h, "Livelihood corridor", "Attribute table");
    h.get_by_label("Attribute table — Livelihood corridor");
    h.get_by_label_contains("47 of 47 rows");

    // Filter, then click a row: the feature is selected and the map zooms to it.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Filter")
        .click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Filter")
        .type_text("vocational");
    h.run();
    h.get_by_label_contains("2 of 47 rows");
    let name = "Pak-China Technical & Vocational Institute, Gwadar";
    h.get_by_label(name).click();
    h.run();
    let a = app(&h);
    let r = a.selection.expect("the row selected the feature");
    assert_eq!(a.layers[r.layer].title, "Livelihood corridor");
    assert_eq!(a.layers[r.layer].features[r.feature].name(), name);
    assert!(a.map_memory.zoom() > 9.0, "zoomed to it");
    let table = a.table.as_ref().expect("table open");
    assert_eq!(
        table.selected.iter().copied().collect::<Vec<_>>(),
        [r.feature]
    );

    // A selection made on the map selects its row.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Filter")
        .click();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    h.key_press(egui::Key::Escape);
    h.key_press(egui::Key::Home);
    h.run();
    let pos = screen_pos_of(&h, "livelihood", "Musakhel district (least developed)");
    click_at(&mut h, pos);
    let a = app(&h);
    let r = a.selection.expect("a map click selects");
    assert_eq!(
        a.layers[r.layer].features[r.feature].name(),
        "Musakhel district (least developed)"
    );
    let table = a.table.as_ref().expect("table open");
    assert_eq!(
        table.selected.iter().copied().collect::<Vec<_>>(),
        [r.feature]
    );

    // Copy: the shown rows (or the selected ones) as CSV.
    h.get_by_label_contains("as CSV").click();
    h.run();
    h.get_by_label_contains("Copied 1 row(s) of \"Livelihood corridor\"");
}

#[test]
fn a_layer_is_restyled_coloured_by_a_property_and_renamed() {
    let mut h = harness();
    let i = app(&h).layer_index("livelihood").expect("layer");
    layer_menu(&mut h, "Livelihood corridor", "Layer properties…");
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Colour by property")
        .click();
    h.run();
    h.get_by_label("category").click();
    h.run();
    let style = &app(&h).layers[i].style;
    let by = style.color_by.as_ref().expect("coloured by category");
    assert_eq!(by.property, "category");
    assert_eq!(by.classes[0].value, "least-developed district");
    // The legend lists the classes with their counts.
    assert_eq!(
        h.get_all_by_label("least-developed district (29)").count(),
        2,
        "in the legend and in the properties"
    );

    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Title")
        .click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Title")
        .type_text("Livelihood projects");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(app(&h).layers[i].title, "Livelihood projects");
}

#[test]
fn dragging_a_layer_onto_another_changes_the_draw_order() {
    let mut h = harness();
    let from = app(&h).layer_index("border_markets").expect("layer");
    let to = app(&h).layer_index("growth").expect("layer");
    // The grip is just left of the checkbox.
    let grip = h.get_by_label("Border markets").rect().left_center() - egui::vec2(8.0, 0.0);
    let target = h.get_by_label("Growth corridor").rect().center();
    h.event(Event::PointerMoved(grip));
    h.event(Event::PointerButton {
        pos: grip,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.run();
    for k in 1..=10 {
        h.event(Event::PointerMoved(
            grip + (target - grip) * (k as f32 / 10.0),
        ));
        h.run();
    }
    h.event(Event::PointerButton {
        pos: target,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    let a = app(&h);
    assert_eq!(a.layer_index("border_markets"), Some(to));
    assert_ne!(from, to);
}

#[test]
fn the_mouse_wheel_zooms_the_map() {
    let mut h = harness();
    let before = app(&h).map_memory.zoom();
    let centre = app(&h).last_view.expect("drawn").rect.center();
    h.event(Event::PointerMoved(centre));
    for _ in 0..5 {
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, 1.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        });
        h.step();
    }
    h.run();
    // Deep in (about zoom 25 here): dashed borders and dotted lines stay cheap to draw.
    let after = app(&h).map_memory.zoom();
    assert!(after > before + 0.1, "zoom {before} → {after}");
}

#[test]
fn a_custom_xyz_source_is_added_and_a_bad_template_is_refused() {
    let mut h = harness();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Basemap")
        .click();
    h.run();
    h.get_by_label("Add tile source…").click();
    h.run();
    let field = |h: &Harness<'static, Option<CorridorApp>>, label: &str| {
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
            .click();
    };
    // A template without {z}/{x}/{y}: a clear error, and the basemap stays as it was.
    field(&h, "URL template or TileJSON");
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "URL template or TileJSON")
        .type_text("https://tiles.example.org/map.png");
    h.run();
    h.get_by_label("Add source").click();
    h.run();
    h.get_by_label_contains("is not a tile URL template");
    assert_eq!(
        app(&h).basemap_source,
        corridor_viewer::app::BasemapSource::OfflineAtlas
    );
    // A good one, with its attribution.
    field(&h, "URL template or TileJSON");
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "URL template or TileJSON")
        .type_text("http://127.0.0.1:9/{z}/{x}/{y}.png");
    field(&h, "Attribution");
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Attribution")
        .type_text("Test tiles");
    field(&h, "Name");
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Name")
        .type_text("Local");
    h.run();
    h.get_by_label("Add source").click();
    h.run();
    let a = app(&h);
    let spec = a.basemap_source.tiles().expect("tiles shown");
    assert_eq!(spec.name, "Local");
    assert_eq!(spec.attribution, "Test tiles");
    assert_eq!(a.tile_sources.len(), 1, "kept for the Basemap menu");
    assert!(a.hybrid, "borders and labels over the tiles by default");
}

#[test]
fn failing_tiles_show_an_offline_note_and_are_asked_again_once_per_backoff() {
    let server = tile_server::TileServer::failing();
    let mut h = harness();
    let spec = corridor_viewer::tiles::source::TileSourceSpec::custom(
        "Failing",
        &server.template(),
        "Test tiles",
        19,
    )
    .expect("valid");
    apply(&mut h, Command::AddTileSource(spec));
    // The app's clock moves a quarter second per step; downloads fail in real time.
    let mut steps = 0;
    while h.query_by_label_contains("Can't reach 127.0.0.1").is_none() {
        assert!(steps < 40, "no offline note after {steps} steps");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(40));
        steps += 1;
    }
    let first = server.counts();
    assert!(!first.is_empty(), "tiles were asked for");
    assert!(first.values().all(|&n| n == 1), "{first:?}");
    // Within the first backoff interval (5 s): no tile is asked for again.
    for _ in 0..14 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        server.counts().values().all(|&n| n == 1),
        "{:?}",
        server.counts()
    );
    // After it: each failed tile once more, no more.
    for _ in 0..12 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
    let later = server.counts();
    assert!(later.values().all(|&n| n <= 2), "{later:?}");
    assert!(later.values().any(|&n| n == 2), "retried: {later:?}");
    // The offline basemap is one click away.
    use_the_offline_basemap(&mut h);
}

/// Click the offline note's "Use the offline basemap": the atlas is shown again.
fn use_the_offline_basemap(h: &mut Harness<'static, Option<CorridorApp>>) {
    h.get_by_label("Use the offline basemap").click();
    h.run();
    assert_eq!(
        app(h).basemap_source,
        corridor_viewer::app::BasemapSource::OfflineAtlas
    );
}

#[test]
fn tile_packs_in_maps_are_listed_and_a_broken_pack_leaves_the_basemap_alone() {
    // A maps/ folder with the catalog and a tile pack.
    let dir = tempfile::tempdir().expect("dir");
    let maps = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps");
    for entry in std::fs::read_dir(&maps).expect("maps/") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    let mut png = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb([30, 160, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    let pack = dir.path().join("relief.mbtiles");
    corridor_viewer::tiles::mbtiles::write_pack(
        &pack,
        &[
            ("name", "Test relief"),
            ("attribution", "Test pack"),
            ("bounds", "60,23,78,37"),
        ],
        &[(3, 5, 3, png)],
    )
    .expect("pack");
    let mut grey = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb([120, 120, 120]))
        .write_to(
            &mut std::io::Cursor::new(&mut grey),
            image::ImageFormat::Png,
        )
        .expect("encode");
    corridor_viewer::tiles::pmtiles::write_pmtiles(
        &dir.path().join("grey.pmtiles"),
        "Grey PMTiles",
        "Test",
        &[(3, 5, 3, grey)],
    )
    .expect("pmtiles");
    let broken = dir.path().join("broken.mbtiles");
    std::fs::write(&broken, "not a database").expect("write");
    let mut h = harness_with(AppOptions {
        maps_dir: Some(dir.path().to_path_buf()),
        session_file: None,
        open_files: Vec::new(),
        cache_dir: None,
        file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
    });
    // Listed by itself; the broken one is named in a message.
    h.get_by_label_contains("broken.mbtiles: not a tile pack");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Basemap")
        .click();
    h.run();
    h.get_by_label("Grey PMTiles (tile pack)");
    h.get_by_label("Test relief (tile pack)").click();
    h.run();
    assert_eq!(
        app(&h).basemap_source,
        corridor_viewer::app::BasemapSource::Pack(pack.clone())
    );
    // Opening a broken pack: an error naming it, and the pack stays shown.
    apply(&mut h, Command::LoadTilePack(broken));
    h.run();
    h.get_by_label_contains("Tile pack not opened");
    assert_eq!(
        app(&h).basemap_source,
        corridor_viewer::app::BasemapSource::Pack(pack)
    );
}

#[test]
fn cached_tiles_still_render_in_the_app_with_the_server_stopped() {
    let cache = tempfile::tempdir().expect("cache");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb([200, 40, 40]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    let mut server = tile_server::TileServer::png(png);
    let spec = corridor_viewer::tiles::source::TileSourceSpec::custom(
        "Local",
        &server.template(),
        "Test tiles",
        19,
    )
    .expect("valid");
    let options = AppOptions {
        maps_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
        session_file: None,
        open_files: Vec::new(),
        cache_dir: Some(cache.path().to_path_buf()),
        file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
    };
    // Online: the tiles in view arrive (and go to the disk cache).
    let shown_whole = |h: &mut Harness<'static, Option<CorridorApp>>| {
        for _ in 0..80 {
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        app(h).tile_health.health()
    };
    let mut h = harness_with(options.clone());
    apply(&mut h, Command::AddTileSource(spec.clone()));
    assert_eq!(
        shown_whole(&mut h),
        corridor_viewer::tiles::health::Health::Fine
    );
    let served = server.requests();
    assert!(served > 0, "tiles were fetched");
    drop(h);

    // The server goes away; a new app on the same cache shows every tile in view, no note.
    server.shut_down();
    let mut h = harness_with(options);
    apply(&mut h, Command::AddTileSource(spec));
    assert_eq!(
        shown_whole(&mut h),
        corridor_viewer::tiles::health::Health::Fine,
        "cached tiles drawn, none missing"
    );
    assert!(h.query_by_label_contains("Can't reach").is_none());
    // Half a map to the east, half the tiles in view are not cached: the note counts the
    // cached ones shown.
    apply(&mut h, Command::Pan(0.5, 0.0));
    step_until(&mut h, 150, |a| {
        matches!(
            a.tile_health.health(),
            corridor_viewer::tiles::health::Health::Offline { .. }
        )
    });
    h.run();
    let note = h.get_by_label_contains("Can't reach 127.0.0.1");
    let text = format!("{note:?}");
    assert!(
        text.contains("cached tiles and the offline atlas"),
        "{text}"
    );
}

#[test]
fn a_server_refusing_connections_is_named_within_two_seconds_and_no_cache_is_claimed() {
    // A port nobody listens on: every connection is refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut h = harness();
    let spec = corridor_viewer::tiles::source::TileSourceSpec::custom(
        "Refusing",
        &format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        "Test tiles",
        19,
    )
    .expect("valid");
    apply(&mut h, Command::AddTileSource(spec));
    let started = std::time::Instant::now();
    let app_started = h.ctx.input(|i| i.time);
    let host = format!("Can't reach 127.0.0.1:{port} — showing the offline atlas");
    while h.query_by_label(&host).is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "no note naming the server after {:?}",
            started.elapsed()
        );
        // The app's clock is the wall clock, as a real window's is (kittest's own moves a
        // quarter second a frame, however long the frame really took).
        h.input_mut().time = Some(app_started + started.elapsed().as_secs_f64());
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // On the app's clock, too.
    let app_s = h.ctx.input(|i| i.time) - app_started;
    assert!(app_s <= 2.0, "{app_s} s on the app's clock");
    assert!(
        h.query_by_label_contains("cached").is_none(),
        "no cache claimed"
    );
}

#[path = "common/osm.rs"]
mod osm;

/// Frames until the vector tiles in view have arrived from the workers (or 10 s).
fn until_vector_tiles_drawn(h: &mut Harness<'static, Option<CorridorApp>>) {
    step_until(h, 500, |a| a.label_report.drawn > 0);
    h.run();
}

#[test]
fn the_offline_atlas_shows_openstreetmap_detail_closer_in_and_a_road_click_inspects_it() {
    let mut h = harness();
    let a = app(&h);
    assert!(
        a.detail_pack
            .as_ref()
            .is_some_and(|p| p.ends_with("osm-pakistan-z0-12.mbtiles")),
        "the pack in maps/ is found without any setup"
    );
    // At the national view the Natural Earth atlas alone.
    assert!(a.vector_source(a.map_memory.zoom()).is_none());
    let at = osm::motorway_near_islamabad();
    if let Some(app) = h.state_mut().as_mut() {
        app.map_memory.center_at(walkers::lon_lat(at.lon, at.lat));
        let _ = app.map_memory.set_zoom(12.0);
    }
    until_vector_tiles_drawn(&mut h);
    let a = app(&h);
    assert!(a.vector_source(12.0).is_some());
    assert!(a.label_report.drawn > 0, "OSM names on the map");
    let pos = a.last_view.expect("drawn").pos(at.to_world());
    click_at(&mut h, pos);
    let a = app(&h);
    assert!(a.selection.is_none(), "no corridor feature there");
    let picked = a.osm_pick.as_ref().expect("the road is inspected");
    assert_eq!(picked.feature.text("class"), Some("motorway"));
    h.get_by_label("OpenStreetMap");
    h.get_by_label("motorway");
    h.get_by_label_contains("Basemap feature, not a corridor project");
    // Esc clears it.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(app(&h).osm_pick.is_none());
}

#[test]
fn a_vector_server_answering_web_pages_or_errors_gets_the_offline_note() {
    for server in [
        tile_server::TileServer::html(),
        tile_server::TileServer::failing(),
    ] {
        let mut h = harness();
        let spec = corridor_viewer::tiles::source::TileSourceSpec::custom(
            "Ministry vector tiles",
            &server.vector_template(),
            "Test vector tiles",
            14,
        )
        .expect("valid");
        assert!(spec.is_vector());
        apply(&mut h, Command::AddTileSource(spec));
        assert!(app(&h).vector_basemap().is_some(), "a vector source");
        let mut steps = 0;
        while h.query_by_label_contains("Can't reach 127.0.0.1").is_none() {
            assert!(steps < 100, "no offline note after {steps} steps");
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(40));
            steps += 1;
        }
        assert!(server.requests() > 0, "tiles were asked for");
        use_the_offline_basemap(&mut h);
    }
}

#[test]
fn add_tile_source_takes_a_tilejson_url() {
    let server = tile_server::TileServer::json(
        r#"{"tilejson":"2.0.0","name":"Ministry roads","attribution":"© OpenStreetMap contributors","minzoom":0,"maxzoom":13,"format":"pbf","tiles":["/data/roads/{z}/{x}/{y}.pbf"],"vector_layers":[{"id":"transportation"}]}"#,
    );
    let mut h = harness();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Basemap")
        .click();
    h.run();
    h.get_by_label("Add tile source…").click();
    h.run();
    let field = "URL template or TileJSON";
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, field)
        .click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, field)
        .type_text(&server.url("/data/roads.json"));
    h.run();
    h.get_by_label("Add source").click();
    h.run();
    let a = app(&h);
    let spec = a.basemap_source.tiles().expect("a tile source");
    assert_eq!(spec.name, "Ministry roads", "named by its TileJSON");
    assert_eq!(spec.attribution, "© OpenStreetMap contributors");
    assert_eq!(spec.max_zoom, 13);
    assert_eq!(spec.url_template, server.url("/data/roads/{z}/{x}/{y}.pbf"));
    assert!(spec.is_vector());
    assert!(a.vector_basemap().is_some(), "drawn as vector tiles");
}

#[test]
fn projects_sharing_gwadar_s_point_spread_at_city_zoom_and_each_click_opens_its_own() {
    let mut h = harness();
    let layers = app(&h).layers.clone();
    let pakistan = corridor_viewer::model::view::WorldRect::from_lon_lat(
        corridor_viewer::model::view::LonLat::new(60.0, 23.0),
        corridor_viewer::model::view::LonLat::new(78.0, 38.0),
    );
    let groups = corridor_viewer::model::spread::shared_points(&layers, pakistan);
    let (at, members) = groups
        .iter()
        .max_by_key(|(_, m)| m.len())
        .cloned()
        .expect("features share a point");
    assert!(
        members.len() >= 5,
        "Gwadar's town point holds {}",
        members.len()
    );
    let lon_lat = corridor_viewer::model::view::LonLat::from_world(at);
    if let Some(app) = h.state_mut().as_mut() {
        app.map_memory
            .center_at(walkers::lon_lat(lon_lat.lon, lon_lat.lat));
        let _ = app.map_memory.set_zoom(12.0);
    }
    h.run();
    let view = app(&h).last_view.expect("drawn");
    let spread = corridor_viewer::render::spread_at(&app(&h).layers, &view);
    let positions: Vec<Pos2> = members.iter().map(|m| view.pos(at) + spread[m]).collect();
    for (i, a) in positions.iter().enumerate() {
        for b in &positions[i + 1..] {
            assert!(a.distance(*b) >= 11.0, "markers overlap: {a:?} {b:?}");
        }
    }
    for &(layer, feature) in &members {
        // Where it is drawn now (the inspector, filled by the last click, may have widened).
        let view = app(&h).last_view.expect("drawn");
        let pos = view.pos(at)
            + corridor_viewer::render::spread_at(&app(&h).layers, &view)[&(layer, feature)];
        click_at(&mut h, pos);
        assert_eq!(
            app(&h).selection,
            Some(corridor_viewer::render::FeatureRef { layer, feature }),
            "a click on {pos:?} opens its own feature"
        );
    }
    // The true point still gives them all.
    let at_point = corridor_viewer::app::features_at(&app(&h).layers, &view, view.pos(at));
    assert!(at_point.len() >= members.len(), "{at_point:?}");
}

#[test]
fn the_overlap_chooser_names_each_entry_s_layer_and_status_and_fits_the_window() {
    let mut h = harness();
    let pos = screen_pos_of(&h, "connectivity", "Gwadar Port");
    click_at(&mut h, pos);
    h.get_by_label("Several features here — choose one:");
    // Grouped under their layers' titles (the layers panel has them too: more than one each).
    for title in [
        "Regional Connectivity corridor",
        "Livelihood corridor",
        "Border markets",
    ] {
        assert!(
            h.query_all_by_label(title).count() >= 2,
            "{title} heads its group in the chooser"
        );
    }
    // Each entry's status beside it, as the data says.
    assert!(h.query_all_by_label("operational").count() >= 1);
    assert!(h.query_all_by_label("planned").count() >= 1);
    // The whole chooser within the 800-point window (it scrolls inside).
    let cancel = h.get_by_label("Cancel").rect();
    assert!(cancel.bottom() <= 800.0, "Cancel at {cancel:?}");
    h.get_by_label("Gwadar Port").click();
    h.run();
    assert!(app(&h).selection.is_some());
}

#[test]
fn the_inspector_keeps_its_width_whatever_feature_it_shows() {
    let mut h = harness();
    let before = app(&h).last_view.expect("drawn").rect;
    let features: Vec<corridor_viewer::render::FeatureRef> = app(&h)
        .layers
        .iter()
        .enumerate()
        .flat_map(|(layer, l)| {
            (0..l.features.len())
                .map(move |feature| corridor_viewer::render::FeatureRef { layer, feature })
        })
        .collect();
    assert!(features.len() > 80);
    // And a user's file whose properties run long: a paragraph, an address with no space.
    let dir = tempfile::tempdir().expect("tempdir");
    let long = dir.path().join("long.geojson");
    let note = "A very long note about the site and its sources, ".repeat(12);
    let url = format!("https://example.org/{}", "segment-".repeat(40));
    std::fs::write(
        &long,
        serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "Long", "note": note, "link": url},
            "geometry": {"type": "Point", "coordinates": [67.0, 30.0]}}]})
        .to_string(),
    )
    .expect("written");
    drop_files(&mut h, &[long], 8);
    let layer = app(&h).layers.len() - 1;
    let features = features
        .into_iter()
        .chain([corridor_viewer::render::FeatureRef { layer, feature: 0 }]);
    for r in features {
        apply(&mut h, Command::Select(r));
        h.run();
        let after = app(&h).last_view.expect("drawn").rect;
        let name = &app(&h).layers[r.layer].features[r.feature].name();
        assert!(
            (after.max.x - before.max.x).abs() < 1.0,
            "showing {name} moved the inspector's edge from {} to {}",
            before.max.x,
            after.max.x
        );
    }
}

#[test]
fn a_touchpad_pinch_zooms_the_map_about_the_pointer() {
    let mut h = harness();
    let before = app(&h).map_memory.zoom();
    let view = app(&h).last_view.expect("drawn");
    h.event(Event::PointerMoved(view.rect.center()));
    h.run();
    // What winit reports for a pinch (and Ctrl + wheel): a zoom factor.
    h.event(Event::Zoom(1.5));
    h.run();
    let after = app(&h).map_memory.zoom();
    assert!(after > before + 0.3, "zoom {before} -> {after}");
    h.event(Event::Zoom(1.0 / 1.5));
    h.run();
    assert!(app(&h).map_memory.zoom() < after, "pinching in zooms out");
}

#[test]
fn an_opened_polygon_shows_its_area_and_perimeter_and_a_point_its_position() {
    let mut h = harness();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    drop_files(&mut h, &[fixtures.join("good.geojson")], 8);
    let layer = app(&h).layers.len() - 1;
    let find = |h: &Harness<'static, Option<CorridorApp>>, name: &str| {
        let feature = app(h).layers[layer]
            .features
            .iter()
            .position(|f| f.name() == name)
            .expect("in the file");
        corridor_viewer::render::FeatureRef { layer, feature }
    };
    let zone = find(&h, "Zone");
    apply(&mut h, Command::Select(zone));
    h.run();
    h.get_by_label("Drawn area");
    h.get_by_label("Drawn perimeter");
    h.get_by_label_contains(" km²");
    assert!(
        h.query_by_label("Drawn length").is_none(),
        "an area, not a length"
    );
    let port = find(&h, "Port");
    apply(&mut h, Command::Select(port));
    h.run();
    h.get_by_label("Position");
    let road = find(&h, "Road");
    apply(&mut h, Command::Select(road));
    h.run();
    h.get_by_label("Drawn length");
    assert!(h.query_by_label("Drawn perimeter").is_none());
}

#[test]
fn an_opened_area_layer_goes_under_the_corridors_and_the_selection_follows() {
    let mut h = harness();
    // Select a corridor feature first: its layer moves up by one when the file goes under it.
    let pos = screen_pos_of(&h, "border_markets", "Torkham border market (Afghanistan)");
    click_at(&mut h, pos);
    let selected = app(&h).selection.expect("selected");
    let dir = tempfile::tempdir().expect("tempdir");
    let districts = dir.path().join("districts.geojson");
    std::fs::write(
        &districts,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[66,28],[68,28],[68,30],[66,30],[66,28]]]}},
        {"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Polygon","coordinates":[[[68,28],[70,28],[70,30],[68,30],[68,28]]]}}]}"#,
    )
    .expect("written");
    drop_files(&mut h, &[districts], 8);
    let a = app(&h);
    assert_eq!(
        a.layers[0].id, "file:districts",
        "drawn first, under the rest"
    );
    let r = a.selection.expect("still selected");
    assert_eq!(r.layer, selected.layer + 1);
    assert_eq!(
        a.layers[r.layer].features[r.feature].name(),
        "Torkham border market (Afghanistan)"
    );
    let colour = a.layers[0].style.color;
    for l in &a.layers[1..] {
        assert!(
            colour.difference(l.style.color) >= 30.0,
            "{} is too alike",
            l.title
        );
    }
}

/// The app's own save dialog, as it opens with no system dialog.
fn in_app_dialog_open(h: &Harness<'static, Option<CorridorApp>>) -> bool {
    app(h).files.is_open()
}

#[test]
fn with_no_system_dialog_the_map_is_exported_in_one_step_under_a_name_from_its_view() {
    let mut h = harness_for_file_dialogs();
    let dir = tempfile::tempdir().expect("tempdir");
    // A file of the name offered already there: the offer does not replace it.
    let today = corridor_viewer::io::save_path::today();
    let first = format!("CPEC phase two — Pakistan {today}.png");
    std::fs::write(dir.path().join(&first), b"earlier").expect("write");
    h.state_mut().as_mut().expect("app").files.save_dir = Some(dir.path().to_path_buf());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::E);
    h.run();
    assert!(in_app_dialog_open(&h), "Ctrl+E opens the app's own dialog");
    h.get_by_label_contains("Export map as PNG");
    let offered = format!("CPEC phase two — Pakistan {today} (2).png");
    assert!(
        h.query_all_by_value(&offered).next().is_some(),
        "{offered} offered"
    );
    // The folder's PNGs are listed.
    h.get_by_label_contains(&first);
    // Esc closes the dialog and nothing else; no message, nothing written.
    let before = app(&h).messages.len();
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!in_app_dialog_open(&h));
    assert_eq!(app(&h).messages.len(), before, "a cancel says nothing");
    assert!(!dir.path().join(&offered).exists());
}

#[test]
fn with_no_system_dialog_files_are_opened_from_the_app_s_own_browser() {
    let mut h = harness_for_file_dialogs();
    let dir = tempfile::tempdir().expect("tempdir");
    let geojson = dir.path().join("wells.geojson");
    std::fs::write(
        &geojson,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Well 1"},"geometry":{"type":"Point","coordinates":[66.9,29.1]}}]}"#,
    )
    .expect("write");
    std::fs::write(dir.path().join("readme.txt"), b"not a layer").expect("write");
    h.state_mut().as_mut().expect("app").files.open_dir = Some(dir.path().to_path_buf());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::O);
    h.run();
    h.get_by_label_contains("Open GeoJSON files or tile packs");
    // Only what the app can open is listed.
    assert!(h.query_by_label_contains("readme.txt").is_none());
    h.get_by_label_contains("wells.geojson").click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    step_until(&mut h, 250, |a| a.layers.len() == 8);
    let layers = &app(&h).layers;
    assert!(
        layers.iter().any(|l| l.title == "wells"),
        "the file's layer is there"
    );
    assert!(!in_app_dialog_open(&h));
    // The next open starts in that folder.
    assert_eq!(app(&h).files.open_dir.as_deref(), Some(dir.path()));
}

/// Click `button`, which asks for a file to save: the app's own dialog opens in `dir` (as the
/// folder last saved in), offering "{title} {today}.{extension}"; one click on Save. The name.
fn save_in_app_dialog(
    h: &mut Harness<'static, Option<CorridorApp>>,
    dir: &std::path::Path,
    button: &str,
    title: &str,
    extension: &str,
) -> String {
    h.state_mut().as_mut().expect("app").files.save_dir = Some(dir.to_path_buf());
    h.get_by_label(button).click();
    h.run();
    let name = format!(
        "{title} {}.{extension}",
        corridor_viewer::io::save_path::today()
    );
    assert!(
        h.query_all_by_value(&name).next().is_some(),
        "{name} offered"
    );
    h.get_by_label("Save").click();
    h.run();
    name
}

#[test]
fn with_no_system_dialog_a_briefing_is_saved_in_one_step() {
    let mut h = harness_for_file_dialogs();
    apply(&mut h, Command::OpenBriefingDialog);
    h.run();
    // Save PNG…: the app's own dialog opens in the folder last saved in, the name made from
    // the title and today's date; one click on Save writes it.
    let dir = tempfile::tempdir().expect("tempdir");
    let name = save_in_app_dialog(
        &mut h,
        dir.path(),
        "Save PNG…",
        "CPEC phase two — Pakistan",
        "png",
    );
    h.run();
    let img = image::open(dir.path().join(&name)).expect("the briefing image");
    assert_eq!((img.width(), img.height()), (1920, 1080));
    h.get_by_label_contains("Saved the briefing image (1920×1080 px)");
    assert!(!in_app_dialog_open(&h));
    assert!(
        !app(&h)
            .messages
            .iter()
            .any(|m| m.level != corridor_viewer::app::Level::Info),
        "no warning when nothing went wrong: {:?}",
        app(&h).messages
    );
}

#[test]
fn a_source_naming_a_page_is_a_link_and_its_mirror_is_named_once() {
    let mut h = harness();
    let (layer, feature) = {
        let a = app(&h);
        let li = a.layer_index("connectivity").expect("layer");
        let fi = a.layers[li]
            .features
            .iter()
            .position(|f| f.name() == "Gwadar Port")
            .expect("Gwadar Port");
        (li, fi)
    };
    apply(
        &mut h,
        Command::Select(corridor_viewer::render::FeatureRef { layer, feature }),
    );
    h.run();
    // The page is a link to the article, not to the copy it was read from.
    let link = h.get_by_role_and_label(egui::accesskit::Role::Link, "en.wikipedia 'Gwadar Port'");
    link.click();
    // The frame that takes the click asks for the browser.
    h.step();
    let opened: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::OpenUrl(u) => Some(u.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        opened,
        vec!["https://en.wikipedia.org/wiki/Gwadar_Port".to_string()]
    );
    // The mirror is named once, apart from the citation.
    assert!(h.query_by_label_contains("(mirror").is_none());
    assert_eq!(
        h.query_all_by_label_contains("read from a stored copy: wiki.studentb.eu")
            .count(),
        1
    );
}

#[test]
fn the_briefing_dialog_copies_its_image_or_says_there_is_no_clipboard() {
    let mut h = harness();
    apply(&mut h, Command::OpenBriefingDialog);
    h.run();
    h.get_by_label("Copy").click();
    h.run();
    let headless =
        std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none();
    let texts: Vec<&str> = app(&h).messages.iter().map(|m| m.text.as_str()).collect();
    if headless {
        // No display, no clipboard: said so, and nothing else lost (the dialog stays open).
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Copy failed: No clipboard here")),
            "{texts:?}"
        );
    } else {
        assert!(
            texts.iter().any(
                |t| t.starts_with("Copied the briefing image (1920×1080 px)")
                    || t.starts_with("Copy failed")
            ),
            "{texts:?}"
        );
    }
    // The dialog stays open, to save the image too.
    h.get_by_label("Save PNG…");
}

#[test]
fn the_briefing_dialog_takes_a_print_scale_and_refuses_what_is_not_one() {
    let mut h = harness();
    apply(&mut h, Command::OpenBriefingDialog);
    h.run();
    let refused = "Write a scale from 1:1,000 to 1:100,000,000.";
    h.get_by_label("Map scale").focus();
    h.get_by_label("Map scale").type_text("1:two million");
    h.run();
    h.get_by_label(refused);
    // Cleared and written as a scale: taken.
    h.get_by_label("Map scale").focus();
    for _ in 0.."1:two million".len() {
        h.key_press(egui::Key::Backspace);
    }
    h.get_by_label("Map scale").type_text("1:2,000,000");
    h.run();
    assert!(h.query_by_label(refused).is_none());
}

#[test]
fn a_briefing_deck_is_chosen_in_its_dialog_and_written_as_one_pdf() {
    let mut h = harness_for_file_dialogs();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Export briefing deck…").click();
    h.run();
    h.get_by_label("Export briefing deck");
    h.get_by_label("4 pages");
    // Two pages, Gwadar then Pakistan.
    for name in ["Northern gateway", "Chagai–Gwadar"] {
        h.get_by_role_and_label(egui::accesskit::Role::CheckBox, name)
            .click();
        h.run();
    }
    h.get_by_label("2 pages");
    // Pakistan down twice: below Northern gateway, then below Gwadar.
    for _ in 0..2 {
        h.get_by_label("Move Pakistan down").click();
        h.run();
    }
    let order: Vec<String> = app(&h)
        .deck_pages()
        .iter()
        .filter(|p| p.include)
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(order, ["Gwadar", "Pakistan"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let name = save_in_app_dialog(
        &mut h,
        dir.path(),
        "Export PDF…",
        "CPEC phase two briefing deck",
        "pdf",
    );
    // Drawn in the background: the dialog shows its progress, then closes with a message.
    step_until(&mut h, 3000, |a| {
        a.messages.iter().any(|m| m.text.contains("briefing deck"))
    });
    h.run();
    h.get_by_label_contains("Saved the briefing deck.");
    let bytes = std::fs::read(dir.path().join(&name)).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(h.query_by_label("Export briefing deck").is_none());
}

#[test]
fn the_briefing_dialog_saves_a_vector_pdf_and_svg_of_its_page() {
    let mut h = harness();
    apply(&mut h, Command::OpenBriefingDialog);
    h.run();
    h.get_by_label("Save PDF…");
    h.get_by_label("Save SVG…");
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, magic) in [("page.pdf", &b"%PDF-"[..]), ("page.svg", &b"<?xml"[..])] {
        apply(&mut h, Command::OpenBriefingDialog);
        h.run();
        let path = dir.path().join(name);
        apply(&mut h, Command::SaveBriefingTo(path.clone()));
        h.run();
        let bytes = std::fs::read(&path).expect("written");
        assert!(bytes.starts_with(magic), "{name}");
        h.get_by_label_contains(&format!("Saved the briefing page to {}", path.display()));
    }
}

#[test]
fn a_session_tile_source_that_is_not_http_is_left_out_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let session = dir.path().join("session.json");
    let secret = dir.path().join("secret.mbtiles");
    let text = serde_json::json!({
        "tile_sources": [
            {"name": "Local", "url_template": format!("pack:{}", secret.display()),
             "attribution": "x", "max_zoom": 10},
            {"name": "Files", "url_template": "file:///etc/{z}/{x}/{y}.png",
             "attribution": "x", "max_zoom": 10},
            {"name": "Good", "url_template": "https://tiles.example/{z}/{x}/{y}.png",
             "attribution": "Example", "max_zoom": 10}
        ]
    });
    std::fs::write(&session, text.to_string()).expect("write");
    let h = harness_with_session(Some(session));
    let names: Vec<&str> = app(&h)
        .tile_sources
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["Good"]);
    h.get_by_label_contains("tile source \"Local\"");
    h.get_by_label_contains("tile source \"Files\" (file:///etc/{z}/{x}/{y}.png) was left out");
}
