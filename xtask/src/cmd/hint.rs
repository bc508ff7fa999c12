//! `cargo xtask hint`: reveal the next hint of the current stage, one more per call.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::app::App;
use crate::state;

/// Arguments of `hint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill (default: the current one).
    pub drill: Option<String>,
}

/// Runs `hint`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    if let Some(round) = crate::cmd::mock::active(app)? {
        return Err(crate::cmd::mock::refused(&round, "hints are off"));
    }
    let (mut progress, _) = app.progress()?;
    let drill = app.pick_drill(args.drill.as_deref(), &progress)?;
    let Some(index) = state::current_stage(drill, &progress.drill(&drill.name)) else {
        println!(
            "Every stage of {} passes: no hints left to give.",
            drill.name
        );
        return Ok(ExitCode::SUCCESS);
    };
    let stage = &drill.stages[index];
    if stage.hints.is_empty() {
        println!(
            "Stage {} has no hints. Re-read the prompt: `cargo xtask prompt`.",
            stage.slug
        );
        return Ok(ExitCode::SUCCESS);
    }
    let shown = progress
        .drill(&drill.name)
        .hints
        .get(&stage.slug)
        .copied()
        .unwrap_or(0);
    let now = (shown + 1).min(stage.hints.len());
    progress
        .drill_mut(&drill.name)
        .hints
        .insert(stage.slug.clone(), now);
    app.store.save(&progress)?;
    for (i, hint) in stage.hints.iter().take(now).enumerate() {
        let label = format!("Hint {}/{} · {}:", i + 1, stage.hints.len(), stage.slug);
        if i + 1 == now {
            println!("{} {hint}", label.yellow().bold());
        } else {
            println!("{} {}", label.dimmed(), hint.dimmed());
        }
    }
    if now == stage.hints.len() && shown == now {
        println!("{}", "That was the last hint for this stage.".dimmed());
    }
    Ok(ExitCode::SUCCESS)
}
