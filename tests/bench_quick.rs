//! The scale benchmark in its short mode, so it runs in CI and cannot rot; the full sizes run
//! by hand with `cargo bench --bench scale`.

#[path = "bench/scale.rs"]
mod scale;
#[path = "bench/vector.rs"]
mod vector;

#[test]
fn the_scale_benchmark_runs_at_small_sizes_and_detail_is_bounded() {
    for kind in [scale::Kind::Lines, scale::Kind::Polygons] {
        let row = scale::measure(kind, 10_000, 1);
        scale::print(&row);
        assert!(row.load_s > 0.0 && row.typed_parse_s > 0.0);
        // Level of detail: at the Pakistan view a 100-vertex feature is a few pixels wide, so
        // far fewer vertices are drawn than at full detail.
        assert!(
            row.mesh_vertices * 4 < row.full_mesh_vertices * 3,
            "{kind:?}: {} mesh vertices, {} at full detail",
            row.mesh_vertices,
            row.full_mesh_vertices
        );
        assert!(row.mesh_vertices > 0, "{kind:?}: something is drawn");
    }
    assert!(scale::first_frame().as_secs_f64() > 0.0);
    let (frame_s, render_s) = scale::points_frames(10_000, 2);
    assert!(frame_s > 0.0 && render_s > 0.0);
}

#[test]
fn a_whole_process_export_of_a_generated_file_is_measured() {
    let row = scale::export_process(
        std::path::Path::new(env!("CARGO_BIN_EXE_corridor-viewer")),
        100_000,
        1,
    );
    scale::print_process(&row);
    assert!(row.wall_s > 0.0);
    // The kernel's figure includes the program itself, so it exceeds the file's size here.
    assert!(row.peak_rss > row.bytes as u64, "{row:?}");
}

#[test]
fn the_vector_benchmark_runs_and_memory_stays_bounded() {
    let (decode_ms, all_ms) = vector::karachi_tile(1);
    assert!(decode_ms > 0.0 && all_ms >= decode_ms);
    let (worst, _, frames, _) = vector::pan_and_zoom(10);
    assert!(frames == 20 && worst > 0.0);
    let (held, bound, _) = vector::across_the_country(4);
    assert!(held > 0 && held <= bound, "{held} of {bound} bytes");
}
