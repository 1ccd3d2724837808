//! `corridor-viewer`: the desktop app, or a headless command.

use std::process::ExitCode;

use clap::Parser;
use corridor_viewer::cli::{Cli, Cmd, export, info};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,walkers=error"),
    )
    .format_timestamp_millis()
    .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Cmd::Info { files, stats }) => {
            let code = info(&files, &mut std::io::stdout(), &mut std::io::stderr());
            if stats {
                print_stats(started);
            }
            ExitCode::from(code as u8)
        }
        Some(Cmd::Export(args)) => {
            let result = export(&args, cli.maps.as_deref());
            if args.stats {
                print_stats(started);
            }
            match result {
                Ok(summary) => {
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        None => {
            // A panic from here on is reported (the session saved first), and the next start
            // says where the report is.
            if let Some(dir) = corridor_viewer::io::crash::default_dir() {
                corridor_viewer::io::crash::install(dir);
            }
            // The way to see the reporter work (and its test): stop as a bug would.
            if std::env::var_os("CORRIDOR_VIEWER_CRASH_TEST").is_some() {
                panic!("a crash asked for by CORRIDOR_VIEWER_CRASH_TEST");
            }
            // The way to test that a save killed part way loses nothing (tests/kill_save.rs).
            if let Some(path) = std::env::var_os("CORRIDOR_VIEWER_SAVE_LOOP_TEST") {
                let e = corridor_viewer::app::save_loop(std::path::Path::new(&path));
                eprintln!("error: {}: {e}", std::path::Path::new(&path).display());
                return ExitCode::FAILURE;
            }
            match corridor_viewer::app::run(corridor_viewer::app::AppOptions {
                maps_dir: cli.maps,
                session_file: corridor_viewer::app::default_session_path(),
                open_files: cli.files,
                cache_dir: None,
                file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::SystemFirst,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The whole run's wall time and peak memory, as the kernel counts it, on stderr (`--stats`).
fn print_stats(started: std::time::Instant) {
    let peak = corridor_viewer::cli::peak_rss_bytes()
        .map_or_else(|| "unknown".into(), |b| format!("{:.0} MB", b as f64 / 1e6));
    eprintln!(
        "stats: {:.2} s wall clock, peak memory {peak} (VmHWM)",
        started.elapsed().as_secs_f64()
    );
}
