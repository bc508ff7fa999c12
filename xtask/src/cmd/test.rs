//! `cargo xtask test [drill]`: grade every unlocked stage of a drill without recording or advancing.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::app::{exit_for, App, Verdict};
use crate::state;

/// Arguments of `test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill to grade (default: the current one).
    pub drill: Option<String>,
    /// Replay the random scenarios of an earlier run (the seed printed with a failure).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Runs `test`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    if let Some(round) = crate::cmd::mock::active(app)? {
        if args.drill.as_deref().is_none_or(|d| d == round.drill) {
            return crate::cmd::mock::grade(app, round, false, args.seed);
        }
    }
    let (progress, _) = app.progress()?;
    let drill = app.pick_drill(args.drill.as_deref(), &progress)?;
    let mine = progress.drill(&drill.name);
    let current = state::current_stage(drill, &mine).map(|i| drill.stages[i].slug.as_str());
    let passed = app.grade_learner(
        drill,
        &state::grading_order(drill, &mine),
        current,
        args.seed,
    )? == Verdict::Pass;
    if passed {
        if let Some(slug) = current {
            println!(
                "{}",
                format!("Stage {slug} passes: `cargo xtask next` records it and unlocks the next stage.").green()
            );
        }
    }
    Ok(exit_for(passed))
}
