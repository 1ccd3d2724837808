//! The fuzz smoke: every fuzz target (`corridor_viewer::fuzz`) over its corpus — the seeds in
//! `tests/fuzz/seeds/`, the fixtures of the readers' own tests, and every finding kept in
//! `tests/fixtures/fuzz/<target>/` — and then a fixed number of deterministic mutations of
//! it (bit flips, byte changes, cuts, insertions, splices), on stable. The long runs are
//! cargo-fuzz's (`tests/fuzz`); this checks in every CI run that no known input breaks a
//! reader again and that the targets themselves still run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mutations per target on top of the corpus.
const MUTATIONS: usize = 1500;
/// The longest one input may take (a debug build; the fuzzer's own limit is 10 s).
const SLOW: Duration = Duration::from_secs(10);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus of `target`: its seeds, its regression fixtures and the fixtures it reads.
fn corpus(target: &str) -> Vec<PathBuf> {
    let r = root();
    let mut dirs = vec![
        r.join("tests/fuzz/seeds").join(target),
        r.join("tests/fixtures/fuzz").join(target),
    ];
    let mut files = Vec::new();
    match target {
        "geojson" => {
            dirs.push(r.join("tests/fixtures/loader"));
            dirs.push(r.join("tests/fixtures/vector/tippecanoe-src"));
            files.extend(
                [
                    "good.geojson",
                    "partly_broken.geojson",
                    "broken_syntax.geojson",
                ]
                .map(|f| r.join("tests/fixtures").join(f)),
            );
            files.push(r.join("maps/border_markets.geojson"));
        }
        "pmtiles" => files.push(r.join("tests/fixtures/vector/pakistan-z0-6.pmtiles")),
        "mbtiles" => files.extend(
            ["protomaps-islamabad.mbtiles", "unknown-schema.mbtiles"]
                .map(|f| r.join("tests/fixtures/vector").join(f)),
        ),
        _ => {}
    }
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

/// A small deterministic generator (xorshift64*), so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to the readers, for the mutations to put in.
const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\x1e",
    b"\n",
    b"\0",
    b"-",
    b"1e999",
    b"1e308",
    b"NaN",
    b"null",
    b"\"type\"",
    b"\"coordinates\"",
    b"\"Polygon\"",
    b"\"crs\"",
    b"\xff\xff\xff\xff",
    b"\x80\x80\x80\x80\x80\x80\x80\x80\x01",
    b"\x1f\x8b\x08\x00",
];

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] = rng.next() as u8;
            }
            2 => data.truncate(at),
            3 => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            4 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(at..at, piece.iter().copied());
            }
            _ if !other.is_empty() => {
                let from = rng.below(other.len());
                let len = rng.below(other.len() - from + 1).min(4096);
                data.splice(at..at, other[from..from + len].iter().copied());
            }
            _ => {}
        }
    }
    data
}

/// Run `target` on one input, failing the test with the input saved beside the message.
fn run_one(name: &str, target: fn(&[u8]), data: &[u8], what: &str) {
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| target(data));
    let took = started.elapsed();
    if outcome.is_err() || took > SLOW {
        let saved = std::env::temp_dir().join(format!("fuzz-smoke-{name}-failing"));
        let _ = std::fs::write(&saved, data);
        panic!(
            "fuzz target {name} {} on {what} (input saved to {}; add it to tests/fixtures/fuzz/{name}/ once fixed)",
            if outcome.is_err() {
                "panicked"
            } else {
                "took too long"
            },
            saved.display()
        );
    }
}

fn smoke(name: &str) {
    let target = corridor_viewer::fuzz::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .expect("a target of that name");
    let inputs: Vec<(PathBuf, Vec<u8>)> = corpus(name)
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|d| (p, d)))
        .collect();
    assert!(
        !inputs.is_empty(),
        "no corpus for {name} (tests/fuzz/seeds/{name})"
    );
    for (path, data) in &inputs {
        run_one(name, target, data, &rel(path));
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    for i in 0..MUTATIONS {
        let (path, base) = &inputs[i % inputs.len()];
        let other = &inputs[rng.below(inputs.len())].1;
        let data = mutate(&mut rng, base, other);
        run_one(
            name,
            target,
            &data,
            &format!("mutation {i} of {}", rel(path)),
        );
    }
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn geojson_loader_survives_its_corpus_and_mutations() {
    smoke("geojson");
}

#[test]
fn vector_tile_decoder_survives_its_corpus_and_mutations() {
    smoke("mvt");
}

#[test]
fn pmtiles_reader_survives_its_corpus_and_mutations() {
    smoke("pmtiles");
}

#[test]
fn mbtiles_reader_survives_its_corpus_and_mutations() {
    smoke("mbtiles");
}

#[test]
fn session_reader_survives_its_corpus_and_mutations() {
    smoke("session");
}

#[test]
fn tile_sources_survive_their_corpus_and_mutations() {
    smoke("tile_source");
}

#[test]
fn command_line_survives_its_corpus_and_mutations() {
    smoke("cli");
}

#[test]
fn every_fuzz_target_has_a_smoke_test() {
    let source = std::fs::read_to_string(file!()).expect("this file");
    for (name, _) in corridor_viewer::fuzz::TARGETS {
        assert!(
            source.contains(&format!("smoke(\"{name}\")")),
            "fuzz target {name} is not run here"
        );
        assert!(
            root()
                .join(format!("tests/fuzz/fuzz_targets/{name}.rs"))
                .is_file(),
            "fuzz target {name} has no cargo-fuzz binary"
        );
    }
}
