//! `cargo xtask history [--json]`: past mock rounds with the trend per rubric dimension.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::App;
use crate::mock::{report, Files};

/// Arguments of `history`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (`{"rounds": [...]}`) for scripts instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `history`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let files = Files::new(&app.root);
    let (records, problems) = files.history()?;
    crate::cmd::mock::report_problems(&files, &problems);
    if args.json {
        println!("{}", report::history_json(&records));
    } else {
        print!("{}", report::history(&records));
        if let Some(round) = crate::cmd::mock::active(app)? {
            println!("\n{}", report::time_left(&round, crate::mock::now()));
        }
    }
    Ok(ExitCode::SUCCESS)
}
