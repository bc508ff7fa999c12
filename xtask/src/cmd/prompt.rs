//! `cargo xtask prompt [drill] [--stage N]`: print an unlocked stage's prompt again (locked ones are refused).

use std::process::ExitCode;

use anyhow::Result;

use crate::app::App;
use crate::state::{self, StageState};
use crate::ui;
use crate::UsageError;

/// Arguments of `prompt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill (default: the current one).
    pub drill: Option<String>,
    /// The stage, by number (1, 2, …) or slug (default: the current stage).
    #[arg(long)]
    pub stage: Option<String>,
}

/// Runs `prompt`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let (progress, _) = app.progress()?;
    let drill = app.pick_drill(args.drill.as_deref(), &progress)?;
    let mine = progress.drill(&drill.name);
    let states = state::stage_states(drill, &mine);
    let index = match &args.stage {
        Some(stage) => drill.stage(stage)?.0,
        None => state::current_stage(drill, &mine).unwrap_or(drill.stages.len() - 1),
    };
    if states[index] == StageState::Locked {
        let current = state::current_stage(drill, &mine)
            .map(|i| drill.stages[i].slug.clone())
            .unwrap_or_default();
        return Err(UsageError(format!(
            "stage {} of {} is locked: pass stage {current} first (`cargo xtask next`)",
            drill.stages[index].slug, drill.name
        ))
        .into());
    }
    app.print_prompt(drill, index)?;
    if states[index] == StageState::Passed {
        if let (_, Some(debrief)) = app.prompt_parts(drill, index)? {
            println!("\n{}", ui::debrief(drill, index, &debrief));
        }
    }
    Ok(ExitCode::SUCCESS)
}
