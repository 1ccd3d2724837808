#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| corridor_viewer::fuzz::mbtiles(data));
