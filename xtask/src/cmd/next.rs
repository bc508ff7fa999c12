//! `cargo xtask next`: grade the current stage (earlier ones as regression) and advance on a pass.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::app::{exit_for, App, Verdict};
use crate::state::{self, Progress};
use crate::ui;

/// Arguments of `next`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Replay the random scenarios of an earlier run (the seed printed with a failure).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Open your file in your editor when a stage unlocks (`SYSKATA_EDITOR`, else `VISUAL` or
    /// `EDITOR`); with `SYSKATA_EDITOR` set this happens without the flag.
    #[arg(long)]
    pub edit: bool,
}

/// The text a newcomer sees on the very first run.
pub fn welcome(first: &str) -> String {
    format!(
        "{}\n\n\
         Each drill is one interview prompt that grows: you build the first version, then follow-ups\n\
         pile onto the same code (expiry, threads, retries …), as in a real systems-coding round.\n\n\
         The loop:\n\
         \x20 1. read the prompt below;\n\
         \x20 2. edit exercises/{first}/src/lib.rs;\n\
         \x20 3. run `cargo xtask next` — it grades the stage with hidden checks and explains each failure;\n\
         \x20 4. when the stage passes, the next one unlocks and its prompt appears.\n\n\
         Also: `cargo xtask watch` (re-grade on save), `hint`, `status`, `prompt`, `start <drill>`.\n",
        "Welcome to syskata.".bold()
    )
}

/// Runs `next`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    if let Some(round) = crate::cmd::mock::active(app)? {
        return crate::cmd::mock::grade(app, round, true, args.seed);
    }
    let (mut progress, fresh) = app.progress()?;
    if fresh {
        let first = app.catalog.first();
        progress.current = Some(first.name.clone());
        app.store.save(&progress)?;
        println!("{}", welcome(&first.name));
        app.print_prompt(first, 0)?;
        app.prewarm(first, 0);
        app.open_in_editor(first, args.edit);
        return Ok(ExitCode::SUCCESS);
    }
    let drill = app.pick_drill(None, &progress)?;
    if progress.current.is_none() {
        progress.current = Some(drill.name.clone());
        app.store.save(&progress)?;
    }
    let mine = progress.drill(&drill.name);
    let order = state::grading_order(drill, &mine);
    let current = state::current_stage(drill, &mine);
    let current_slug = current.map(|i| drill.stages[i].slug.as_str());
    let verdict = app.grade_learner(drill, &order, current_slug, args.seed)?;
    if verdict == Verdict::NoBuild {
        return Ok(exit_for(false));
    }
    if verdict == Verdict::Fail {
        println!(
            "{}",
            "Fix the first failure, save, and run `cargo xtask next` again. Stuck? `cargo xtask hint`.".yellow()
        );
        return Ok(exit_for(false));
    }
    let Some(index) = current else {
        println!("\n{}", complete_message(app, &progress, &drill.name));
        return Ok(ExitCode::SUCCESS);
    };
    progress.mark_passed(&drill.name, &drill.stages[index].slug);
    app.store.save(&progress)?;
    println!(
        "\n{} {}\n",
        "★".yellow().bold(),
        format!("Stage {} ({}) passed.", index + 1, drill.stages[index].slug)
            .green()
            .bold()
    );
    if let (_, Some(debrief)) = app.prompt_parts(drill, index)? {
        println!("{}", ui::debrief(drill, index, &debrief));
    }
    match state::current_stage(drill, &progress.drill(&drill.name)) {
        Some(next) => {
            app.print_unlocked(drill, next)?;
            app.open_in_editor(drill, args.edit);
        }
        None => println!("{}", complete_message(app, &progress, &drill.name)),
    }
    Ok(ExitCode::SUCCESS)
}

fn complete_message(app: &App, progress: &Progress, drill: &str) -> String {
    let next =
        app.catalog.drills.iter().find(|d| {
            d.name != drill && state::current_stage(d, &progress.drill(&d.name)).is_some()
        });
    let pick = match next {
        Some(d) => format!("Next drill: `cargo xtask start {}` ({}).", d.name, d.title),
        None => "That was the last unfinished drill: every stage of every drill passes.".to_owned(),
    };
    format!(
        "{} Every stage of {drill} passes.\n  See the reference beside your code and how fast each is: `cargo xtask compare {drill}`\n  {pick}",
        "Drill complete!".green().bold()
    )
}
