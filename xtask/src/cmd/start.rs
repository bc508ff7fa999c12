//! `cargo xtask start <drill>`: switch to another drill and show where it stands.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::app::App;
use crate::state;

/// Arguments of `start`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill to work on.
    pub drill: String,
}

/// Runs `start`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let drill = app.catalog.drill(&args.drill)?;
    if let Some(round) = crate::cmd::mock::active(app)? {
        if round.drill != drill.name {
            return Err(crate::cmd::mock::refused(
                &round,
                &format!("starting {} is refused", drill.name),
            ));
        }
        println!(
            "{}\n",
            crate::mock::report::time_left(&round, crate::mock::now())
        );
        let index = state::current_stage(drill, &round.progress()).unwrap_or(0);
        app.print_prompt(drill, index)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (mut progress, _) = app.progress()?;
    progress.current = Some(drill.name.clone());
    app.store.save(&progress)?;
    match state::current_stage(drill, &progress.drill(&drill.name)) {
        Some(index) => {
            println!("{}\n{}\n", format!("Now working on {} — {}.", drill.name, drill.title).bold(), drill.summary);
            app.print_prompt(drill, index)?;
        }
        None => println!(
            "Every stage of {} already passes. `cargo xtask compare {}` shows the reference beside your code.",
            drill.name, drill.name
        ),
    }
    Ok(ExitCode::SUCCESS)
}
