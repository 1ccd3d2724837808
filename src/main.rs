//! `corridor-viewer`: the desktop app, or a headless command.

use std::process::ExitCode;

use clap::Parser;
use corridor_viewer::cli::{Cli, Cmd, export, info};

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,walkers=error"),
    )
    .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Cmd::Info { files }) => {
            let code = info(&files, &mut std::io::stdout(), &mut std::io::stderr());
            ExitCode::from(code as u8)
        }
        Some(Cmd::Export(args)) => match export(&args, cli.maps.as_deref()) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        None => {
            match corridor_viewer::app::run(corridor_viewer::app::AppOptions {
                maps_dir: cli.maps,
                session_file: corridor_viewer::app::default_session_path(),
                open_files: cli.files,
                cache_dir: None,
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
