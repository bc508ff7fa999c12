//! `cargo xtask status`: every drill and stage as passed, current or locked.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::App;
use crate::ui;

/// Arguments of `status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON for scripts and editors instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `status`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let (progress, _) = app.progress()?;
    if args.json {
        println!("{}", ui::status_json(&app.catalog, &progress));
    } else {
        print!("{}", ui::status(&app.catalog, &progress));
        if let Some(round) = crate::cmd::mock::active(app)? {
            println!(
                "\n{}\n  (the table is your normal progress; the round keeps its own)",
                crate::mock::report::time_left(&round, crate::mock::now())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
