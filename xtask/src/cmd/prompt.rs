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
    let round = crate::cmd::mock::active(app)?;
    let drill = match (&round, &args.drill) {
        (Some(round), None) => app.catalog.drill(&round.drill)?,
        _ => app.pick_drill(args.drill.as_deref(), &progress)?,
    };
    // During a mock round its drill unlocks by the round's passes, and debriefs wait for the end.
    let round = round.filter(|r| r.drill == drill.name);
    let mine = match &round {
        Some(round) => round.progress(),
        None => progress.drill(&drill.name),
    };
    let states = state::stage_states(drill, &mine);
    let index = match &args.stage {
        Some(stage) => drill.stage(stage)?.0,
        None => state::current_stage(drill, &mine).unwrap_or(drill.stages.len() - 1),
    };
    if states[index] == StageState::Locked {
        let current = state::current_stage(drill, &mine)
            .map(|i| drill.stages[i].slug.clone())
            .unwrap_or_default();
        if let Some(round) = &round {
            return Err(crate::cmd::mock::refused(
                round,
                &format!(
                    "stage {} of {} is locked in this round until stage {current} passes; its prompt is refused",
                    drill.stages[index].slug, drill.name
                ),
            ));
        }
        return Err(UsageError(format!(
            "stage {} of {} is locked: pass stage {current} first (`cargo xtask next`)",
            drill.stages[index].slug, drill.name
        ))
        .into());
    }
    app.print_prompt(drill, index)?;
    if states[index] == StageState::Passed && round.is_none() {
        if let (_, Some(debrief)) = app.prompt_parts(drill, index)? {
            println!("\n{}", ui::debrief(drill, index, &debrief));
        }
    }
    Ok(ExitCode::SUCCESS)
}
