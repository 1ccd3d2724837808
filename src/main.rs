//! `corridor-viewer`: the desktop app, or a headless command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Corridor Viewer: an offline-first map of CPEC phase two.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Folder with the layer manifest (manifest.json) and GeoJSON layers [default: ./maps]
    #[arg(long, global = true)]
    maps: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Check GeoJSON files with the app's loader: features by geometry type, bbox, properties
    Info {
        /// GeoJSON files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    match cli.command {
        Some(Cmd::Info { files }) => {
            let code =
                corridor_viewer::cli::info(&files, &mut std::io::stdout(), &mut std::io::stderr());
            ExitCode::from(code as u8)
        }
        None => {
            match corridor_viewer::app::run(corridor_viewer::app::AppOptions { maps_dir: cli.maps })
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
