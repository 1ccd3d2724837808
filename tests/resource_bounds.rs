//! Hostile files against the real binary: each gives a clear message naming the file and
//! the problem, in bounded memory — peak resident memory as the kernel reports it for the
//! process (VmHWM, printed by `--stats`; what `/usr/bin/time -f %M` prints).
//!
//! JSON nested 100 000 deep; numbers 1e999 and 1e308; one polygon of 2 M vertices; a PNG, a
//! JPEG and a WebP tile declaring gigapixel sizes; a gzip bomb in a PMTiles directory and in a
//! vector tile; an SQLite pack damaged mid-file; a file that outgrows the memory the process may
//! use (a real memory limit: a control group of its own, where the machine allows one).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident memory, MB.
    peak_mb: f64,
}

/// Run the real binary with `args` and `--stats`, with no display: its peak memory as it
/// reports it (the kernel's VmHWM of its own process; a `wait4` from this test process would
/// count the test's own memory, which the child shares until it execs).
fn run(args: &[&std::ffi::OsStr]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor-viewer"))
        .args(args)
        .arg("--stats")
        .env_remove("DISPLAY")
        .env("NO_PROXY", "*")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let peak_mb = stderr
        .split("peak memory ")
        .nth(1)
        .and_then(|s| s.split(" MB").next())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {stderr}"));
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        peak_mb,
    }
}

fn info(path: &Path) -> Run {
    run(&["info".as_ref(), path.as_os_str()])
}

/// `export` of a small page over `basemap`, to `out`.
fn export(basemap: &Path, out: &Path, view: &str) -> Run {
    run(&[
        "export".as_ref(),
        "--view".as_ref(),
        view.as_ref(),
        "--size".as_ref(),
        "400x300".as_ref(),
        "--basemap".as_ref(),
        basemap.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// The binary's own baseline: `info` of a one-feature file.
fn baseline_mb(dir: &Path) -> f64 {
    let path = dir.join("one.geojson");
    std::fs::write(&path, r#"{"type":"Point","coordinates":[67,25]}"#).expect("write");
    let r = info(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.peak_mb
}

#[test]
fn deep_nesting_and_huge_numbers_are_named_by_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = baseline_mb(dir.path());
    let deep = dir.path().join("deep.geojson");
    std::fs::write(
        &deep,
        format!(
            r#"{{"type":"Feature","geometry":null,"properties":{{"a":{}{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    )
    .expect("write");
    let r = info(&deep);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("deep.geojson") && r.stderr.contains("recursion limit exceeded"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("line 1, column"), "{}", r.stderr);
    assert!(
        r.peak_mb < base + 32.0,
        "{:.0} MB (baseline {base:.0})",
        r.peak_mb
    );

    let overflow = dir.path().join("overflow.geojson");
    std::fs::write(
        &overflow,
        "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"type\": \"Feature\", \"properties\": {}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1e999, 2]}}\n]}\n",
    )
    .expect("write");
    let r = info(&overflow);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("overflow.geojson")
            && r.stderr.contains("line 2, column")
            && r.stderr.contains("number out of range"),
        "{}",
        r.stderr
    );

    // 1e308 is a number JSON allows: that feature is skipped and named, the rest load.
    let far = dir.path().join("far.geojson");
    std::fs::write(
        &far,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"far"},"geometry":{"type":"Point","coordinates":[1e308,2]}},
{"type":"Feature","properties":{"name":"near"},"geometry":{"type":"Point","coordinates":[67,25]}}]}"#,
    )
    .expect("write");
    let r = info(&far);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("1e308"), "the coordinate named briefly: {all}");
    assert!(
        !all.contains(&"0".repeat(100)),
        "not written out in full: {all}"
    );
    assert!(
        all.contains("features: 1") && all.contains("skipped (\"far\")"),
        "the other feature loads: {all}"
    );
}

#[test]
fn one_polygon_of_two_million_vertices_stays_within_twice_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = baseline_mb(dir.path());
    let path = dir.path().join("huge.geojson");
    let n = 2_000_000;
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    write!(
        w,
        r#"{{"type":"Feature","properties":{{"name":"huge"}},"geometry":{{"type":"Polygon","coordinates":[["#
    )
    .expect("write");
    for i in 0..n {
        // A wobbly circle round Quetta, 2 M points.
        let a = i as f64 / n as f64 * std::f64::consts::TAU;
        let r = 1.0 + 0.05 * (a * 5000.0).sin();
        write!(w, "[{:.6},{:.6}],", 67.0 + r * a.cos(), 30.2 + r * a.sin()).expect("write");
    }
    write!(w, "[{:.6},{:.6}]]]}}}}", 68.0, 30.2).expect("write");
    w.flush().expect("flush");
    drop(w);
    let file_mb = std::fs::metadata(&path).expect("size").len() as f64 / 1e6;
    let r = info(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("features: 1"), "{}", r.stdout);
    eprintln!(
        "one polygon of {n} vertices, {file_mb:.0} MB: info peaks at {:.0} MB (the binary alone {base:.0} MB)",
        r.peak_mb
    );
    // The big-files budget, twice the file, for what the file adds to the binary's own
    // memory (the issue measured 1.2 GB for such a file; the text alone is held once).
    assert!(
        r.peak_mb - base < 2.0 * file_mb,
        "{:.0} MB for a {file_mb:.0} MB file (the binary alone {base:.0} MB)",
        r.peak_mb
    );
}

/// A control group of this process's own with a memory limit, removed when dropped; `None`
/// where the machine gives none (no writable memory controller, cgroup v1 or v2).
struct MemoryLimit(PathBuf);

impl MemoryLimit {
    fn new(limit_bytes: u64) -> Option<Self> {
        let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let name = format!("corridor-viewer-test-{}", std::process::id());
        let (dir, file) = own.lines().find_map(|l| {
            let mut parts = l.splitn(3, ':');
            let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
            let path = path.trim_start_matches('/');
            if controllers.split(',').any(|c| c == "memory") {
                Some((
                    Path::new("/sys/fs/cgroup/memory").join(path),
                    "memory.limit_in_bytes",
                ))
            } else if controllers.is_empty() {
                Some((Path::new("/sys/fs/cgroup").join(path), "memory.max"))
            } else {
                None
            }
        })?;
        let dir = dir.join(name);
        std::fs::create_dir(&dir).ok()?;
        let limit = Self(dir);
        std::fs::write(limit.0.join(file), limit_bytes.to_string()).ok()?;
        Some(limit)
    }

    /// `cmd` started inside the group (a shell moves itself in, then execs it).
    fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", r#"echo $$ > "$CG/cgroup.procs" && exec "$@""#, "sh"])
            .arg(program)
            .env("CG", &self.0);
        cmd
    }
}

impl Drop for MemoryLimit {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[test]
fn a_load_that_outgrows_the_memory_limit_stops_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Points without properties: each a feature of its own (its record, part, name and
    // place in the index) against some 90 bytes of text, so the file takes several times
    // its size (lines, polygons and multipoints are stored more compactly).
    let path = dir.path().join("many-points.geojson");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    write!(w, r#"{{"type":"FeatureCollection","features":["#).expect("write");
    let n = 650_000;
    for i in 0..n {
        let sep = if i + 1 < n { "," } else { "" };
        let (x, y) = (
            61.0 + f64::from(i % 1500) / 100.0,
            24.0 + f64::from(i / 1500) / 40.0,
        );
        writeln!(
            w,
            r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[{x:.5},{y:.5}]}}}}{sep}"#
        )
        .expect("write");
    }
    write!(w, "]}}").expect("write");
    w.flush().expect("flush");
    drop(w);
    let file_mb = std::fs::metadata(&path).expect("size").len() as f64 / 1e6;
    // Without a limit it loads, and takes well over its size (so that halfway through its
    // load is a point of its own).
    let free = info(&path);
    assert_eq!(free.code, 0, "{}", free.stderr);
    assert!(free.peak_mb > file_mb + 40.0, "{:.0} MB", free.peak_mb);
    // A limit that lets the file in (its text and the 256 MB the loader keeps free), but
    // leaves less than those 256 MB halfway through the load.
    let limit_mb = file_mb + 256.0 + (free.peak_mb - file_mb) / 2.0;
    let Some(limit) = MemoryLimit::new((limit_mb * 1e6) as u64) else {
        assert!(
            std::env::var_os("CORRIDOR_VIEWER_REQUIRE_CGROUP").is_none(),
            "no control group with a memory limit can be made here"
        );
        eprintln!("skipped: this machine gives no control group with a memory limit");
        return;
    };
    // Under the limit the load would leave less than the loader keeps free (past it, the
    // kernel kills the process); it stops there, names the file and says why, and exits as
    // a program does.
    let out = limit
        .command(Path::new(env!("CARGO_BIN_EXE_corridor-viewer")))
        .arg("info")
        .arg(&path)
        .env_remove("DISPLAY")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exited, not killed: {stderr}");
    assert!(
        stderr.contains("many-points.geojson")
            && stderr.contains("memory ran short")
            && stderr.contains("nothing of it was kept"),
        "{stderr}"
    );
    eprintln!(
        "a {file_mb:.0} MB file that takes {:.0} MB, under a {limit_mb:.0} MB limit: {}",
        free.peak_mb,
        stderr.trim()
    );
}

/// The bytes of a PNG declaring `w` × `h` pixels, with a tiny (wrong) body.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(b"IHDR");
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc.sum().to_be_bytes());
    let mut idat = b"IDAT".to_vec();
    idat.extend_from_slice(&[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
    let mut crc = flate2::Crc::new();
    crc.update(&idat);
    png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    png.extend_from_slice(&idat);
    png.extend_from_slice(&crc.sum().to_be_bytes());
    png
}

/// A baseline JPEG's start declaring `w` × `h` pixels (SOF0), with no scan.
fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    // A quantisation table (all ones).
    j.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    j.extend_from_slice(&[1; 64]);
    j.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    j.extend_from_slice(&h.to_be_bytes());
    j.extend_from_slice(&w.to_be_bytes());
    j.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

/// A lossless WebP's start declaring `w` × `h` pixels (at most 16 384 a side).
fn webp_declaring(w: u32, h: u32) -> Vec<u8> {
    let bits = (w - 1) | ((h - 1) << 14);
    let mut vp8l = vec![0x2F];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0; 8]);
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&((4 + 8 + vp8l.len()) as u32).to_le_bytes());
    webp.extend_from_slice(b"WEBPVP8L");
    webp.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    webp.extend_from_slice(&vp8l);
    webp
}

/// An MBTiles raster pack of zooms 0–3 over the world, every tile `tile`.
fn raster_pack(path: &Path, format: &str, tile: &[u8]) {
    let tiles: Vec<(u8, u32, u32, Vec<u8>)> = (0..=3u8)
        .flat_map(|z| {
            let n = 1u32 << z;
            (0..n).flat_map(move |x| (0..n).map(move |y| (z, x, y)))
        })
        .map(|(z, x, y)| (z, x, y, tile.to_vec()))
        .collect();
    corridor_viewer::tiles::mbtiles::write_pack(
        path,
        &[
            ("format", format),
            ("name", "giant"),
            ("minzoom", "0"),
            ("maxzoom", "3"),
        ],
        &tiles,
    )
    .expect("write");
}

#[test]
fn tiles_declaring_gigapixels_are_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, tile) in [
        ("png", png_declaring(60_000, 60_000)),
        ("jpg", jpeg_declaring(65_000, 65_000)),
        ("webp", webp_declaring(16_384, 16_384)),
    ] {
        let pack = dir.path().join(format!("giant-{format}.mbtiles"));
        raster_pack(&pack, format, &tile);
        let out = dir.path().join(format!("{format}.png"));
        let r = export(&pack, &out, "Pakistan");
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(
            r.stderr.contains("nothing was written")
                && r.stderr.contains(&format!("giant-{format}.mbtiles")),
            "{format}: {}",
            r.stderr
        );
        assert!(!out.exists(), "{format}");
        // A 60 000² RGBA image would be 14 GB; a 16 384² one 1 GB.
        assert!(r.peak_mb < 400.0, "{format}: {:.0} MB", r.peak_mb);
    }
}

#[test]
fn a_gzip_bomb_in_a_pmtiles_directory_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bomb.pmtiles");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb([10, 120, 200]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    corridor_viewer::tiles::pmtiles::write_pmtiles(&path, "bomb", "Test", &[(0, 0, 0, png)])
        .expect("written");
    let mut bytes = std::fs::read(&path).expect("read");
    // The root directory made a gzip stream of 2 GB of zeros (2 MB on disk), at the end.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..2048 {
        e.write_all(&zeros).expect("gzip");
    }
    let bomb = e.finish().expect("gzip");
    let at = bytes.len() as u64;
    bytes[8..16].copy_from_slice(&at.to_le_bytes());
    bytes[16..24].copy_from_slice(&(bomb.len() as u64).to_le_bytes());
    bytes[32..40].copy_from_slice(&0u64.to_le_bytes()); // no metadata
    bytes[97] = 2;
    bytes.extend_from_slice(&bomb);
    std::fs::write(&path, bytes).expect("write");
    let out = dir.path().join("bomb.png");
    let r = export(&path, &out, "Pakistan");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("bomb.pmtiles") && r.stderr.contains("decompression bomb"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    assert!(r.peak_mb < 400.0, "{:.0} MB", r.peak_mb);
}

#[test]
fn an_sqlite_pack_damaged_mid_file_names_each_tile_it_cannot_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/osm-pakistan-z0-12.mbtiles");
    let mut bytes = std::fs::read(&src).expect("the pack");
    // The middle half of the file (pages of its tile b-tree and tile data) overwritten with
    // noise; the first pages (the schema, the metadata) are whole.
    let n = bytes.len();
    let mut x = 0x9E37_79B9_u32;
    for b in &mut bytes[n / 4..3 * n / 4] {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let path = dir.path().join("damaged.mbtiles");
    std::fs::write(&path, bytes).expect("write");
    // Views across the country at the pack's deepest zooms, where its tiles sit in the
    // damaged pages: as in the app, a tile that cannot be read is skipped and named, file,
    // tile and SQLite's reason, and the rest of the map is drawn.
    let mut named = 0;
    for view in [
        "73.05,33.70,11",
        "69.0,30.0,12",
        "67.03,24.86,12",
        "74.33,31.55,11",
    ] {
        let out = dir.path().join("damaged.png");
        let r = export(&path, &out, view);
        assert!(r.code == 0 || r.code == 1, "{view}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{view}: {}", r.stderr);
        let lines: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains("damaged.mbtiles: tile ") && l.contains("malformed"))
            .collect();
        named += lines.len();
        assert_eq!(r.code == 0, out.exists(), "{view}: a file only on success");
        assert!(r.peak_mb < 600.0, "{view}: {:.0} MB", r.peak_mb);
    }
    assert!(named > 0, "the damaged tiles are named");
}
