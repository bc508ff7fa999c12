//! `cargo xtask mock [drill] [--minutes N] [--yes] [--random] [--end]`: a timed interview round.
//!
//! Starting backs the drill's code up and restores the stub; the round keeps its own state in
//! `.syskata/round.toml` (the learner's progress is untouched). While it runs, `next`, `test` and
//! `watch` grade the round through [`grade`]; the first grading after the deadline ends it as
//! `time_up`. Ending prints the scorecard and appends the round to `.syskata/history.jsonl`.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::app::{exit_for, App, Verdict};
use crate::catalog::{self, Drill};
use crate::mock::{self, code, report, Ending, Files, LoadedRound, Record, Round};
use crate::rules::RuleMap;
use crate::state;
use crate::UsageError;

/// Arguments of `mock`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill (default: the current one).
    #[arg(conflicts_with = "random")]
    pub drill: Option<String>,
    /// The round's length in minutes.
    #[arg(long, default_value_t = 60)]
    pub minutes: u64,
    /// Do not ask before backing up your code and restoring the stub.
    #[arg(long, short)]
    pub yes: bool,
    /// Pick an unfinished drill at random.
    #[arg(long)]
    pub random: bool,
    /// End the running round now and print its scorecard.
    #[arg(long, conflicts_with_all = ["drill", "random", "minutes", "yes"])]
    pub end: bool,
    /// Do not time your crate against the reference when the round ends (saves two release builds).
    #[arg(long)]
    pub no_bench: bool,
}

/// Returns the running round, if any. An unreadable round file is moved aside with a warning.
pub fn active(app: &App) -> Result<Option<Round>> {
    match Files::new(&app.root).load()? {
        LoadedRound::None => Ok(None),
        LoadedRound::Running(round) => Ok(Some(round)),
        LoadedRound::Recovered { backup, reason } => {
            eprintln!(
                "{} the mock round file could not be read ({reason}); it was kept as {} and no round is running.\n  Your code is untouched. Start a new round with `cargo xtask mock`.\n",
                "warning:".yellow().bold(),
                backup.display()
            );
            Ok(None)
        }
    }
}

/// Returns the usage error for a command that a running round does not allow.
pub fn refused(round: &Round, what: &str) -> anyhow::Error {
    UsageError(format!(
        "{what} during a mock round (round of {}, {} left).\n  Keep going with `cargo xtask next`, or end the round now with `cargo xtask mock --end`.",
        round.drill,
        left_words(round)
    ))
    .into()
}

fn left_words(round: &Round) -> String {
    let left = round.left(mock::now());
    if left == 0 {
        "time is up".to_owned()
    } else {
        format!("{}:{:02}", left / 60, left % 60)
    }
}

/// Runs `mock`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let running = active(app)?;
    if args.end {
        let Some(round) = running else {
            return Err(UsageError(
                "no mock round is running; start one with `cargo xtask mock [drill]`".to_owned(),
            )
            .into());
        };
        end(app, &round, Ending::Ended)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(round) = running {
        return Err(UsageError(format!(
            "a mock round of {} is already running ({} left): keep going with `cargo xtask next`, or end it with `cargo xtask mock --end`",
            round.drill,
            left_words(&round)
        ))
        .into());
    }
    if !(1..=600).contains(&args.minutes) {
        return Err(UsageError(format!(
            "--minutes must be between 1 and 600, not {}",
            args.minutes
        ))
        .into());
    }
    let (progress, _) = app.progress()?;
    let drill = if args.random {
        random_drill(app, &progress)
    } else {
        app.pick_drill(args.drill.as_deref(), &progress)?
    };
    let go = crate::cmd::reset::confirm(
        args.yes,
        &format!(
            "Start a {}-minute mock round of {}? exercises/{}/src is backed up, then replaced by the stub.",
            args.minutes, drill.name, drill.name
        ),
        &format!(
            "a mock round replaces exercises/{}/src with the stub; pass --yes to confirm (your files are backed up first)",
            drill.name
        ),
    )?;
    if !go {
        println!("Nothing changed.");
        return Ok(ExitCode::SUCCESS);
    }
    let backup = crate::cmd::reset::back_up_and_restore_stub(app, &drill.name)?;
    let round = Round::new(drill, mock::now(), args.minutes, !args.no_bench, &backup);
    Files::new(&app.root).save(&round)?;
    let targets = catalog::target_minutes(&app.root, drill);
    let target: u64 = targets.iter().flatten().sum();
    println!(
        "{}\n  {} stages; a prepared candidate needs about {target} minutes. No hints, no reference; the next\n  stage unlocks as soon as the current one passes. Your code from before is in {}\n  (exercises/{}/src is the stub now). Your normal progress is untouched.\n",
        format!(
            "Mock round: {} — {}, {} minutes, ends at {}.",
            drill.name,
            drill.title,
            args.minutes,
            mock::clock(round.deadline())
        )
        .bold(),
        drill.stages.len(),
        backup.display(),
        drill.name
    );
    println!("{}\n", report::time_left(&round, mock::now()));
    app.print_prompt(drill, 0)?;
    app.prewarm(drill, 0);
    Ok(ExitCode::SUCCESS)
}

/// Picks an unfinished drill (in the learner's normal progress) at random; any drill when all are done.
fn random_drill<'a>(app: &'a App, progress: &state::Progress) -> &'a Drill {
    let unfinished: Vec<&Drill> = app
        .catalog
        .drills
        .iter()
        .filter(|d| state::current_stage(d, &progress.drill(&d.name)).is_some())
        .collect();
    let pool: Vec<&Drill> = if unfinished.is_empty() {
        app.catalog.drills.iter().collect()
    } else {
        unfinished
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as usize ^ d.as_secs() as usize)
        .unwrap_or(0);
    pool[nanos % pool.len()]
}

/// Grades the running round: the current stage first, then the ones passed in the round. With
/// `advance` (`next`, `watch`), a pass is recorded and the next stage unlocks. The first grading
/// after the deadline ends the round as `time_up` instead of grading.
pub fn grade(app: &App, mut round: Round, advance: bool, seed: Option<u64>) -> Result<ExitCode> {
    let drill = app.catalog.drill(&round.drill)?;
    let files = Files::new(&app.root);
    let at = mock::now();
    let (order, current) = mock::order(drill, &round);
    if at >= round.deadline() {
        println!(
            "{} the round ended at {}; what you passed before then counts, nothing after.\n",
            "Time is up:".red().bold(),
            mock::clock(round.deadline())
        );
        let record = end(app, &round, Ending::TimeUp)?;
        return Ok(exit_for(record.ended == Ending::AllPassed.word()));
    }
    let Some(index) = current else {
        let record = end(app, &round, Ending::AllPassed)?;
        return Ok(exit_for(record.ended == Ending::AllPassed.word()));
    };
    let slug = drill.stages[index].slug.as_str();
    let (verdict, results) = app.grade_learner_checks(drill, &order, Some(slug), seed)?;
    let map = RuleMap::load_or_empty(&app.root, &drill.name);
    round.record(drill, &map, Some(index), &results);
    let passed = verdict == Verdict::Pass;
    if passed && advance {
        // The submission time counts: a grading started before the deadline may finish after it.
        round.mark_passed(index, at);
    }
    files.save(&round)?;
    println!("\n{}", report::time_left(&round, mock::now()));
    if !passed {
        println!(
            "{}",
            "Fix the first failure, save, and run `cargo xtask next` again (no hints during a round)."
                .yellow()
        );
        return Ok(exit_for(false));
    }
    if !advance {
        println!(
            "{}",
            format!(
                "Stage {slug} passes: `cargo xtask next` records it and unlocks the next stage."
            )
            .green()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let took = at.saturating_sub(
        index
            .checked_sub(1)
            .and_then(|i| round.stages[i].passed_at)
            .unwrap_or(round.started),
    );
    println!(
        "\n{} {}\n",
        "★".yellow().bold(),
        format!(
            "Stage {} ({slug}) passed in {}:{:02}.",
            index + 1,
            took / 60,
            took % 60
        )
        .green()
        .bold()
    );
    match state::current_stage(drill, &round.progress()) {
        Some(next) => {
            app.print_unlocked(drill, next)?;
            app.open_in_editor(drill, false);
            app.prewarm(drill, next);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            end(app, &round, Ending::AllPassed)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Ends the round: measures the learner's crate, prints the scorecard beside earlier rounds of the
/// drill, appends the round to the history and removes the round file.
pub fn end(app: &App, round: &Round, ending: Ending) -> Result<Record> {
    let drill = app.catalog.drill(&round.drill)?;
    let files = Files::new(&app.root);
    eprintln!(
        "{}",
        format!(
            "Round over. Measuring exercises/{}: clippy and a code scan{} …",
            drill.name,
            if round.bench {
                ", then release builds of yours and the reference on the compare workload"
            } else {
                ""
            }
        )
        .dimmed()
    );
    let mut metrics = code::scan_dir(&app.root.join("exercises").join(&drill.name).join("src"));
    if let Some(lints) = code::clippy(&app.root, &drill.name) {
        metrics.clippy_warnings = Some(lints.values().sum());
        metrics.clippy_lints = lints;
    }
    let speed = if round.bench {
        speed_ratio(app, drill)?
    } else {
        None
    };
    let targets = catalog::target_minutes(&app.root, drill);
    let record = round.finish(&targets, ending, mock::now(), metrics, speed);
    let (history, problems) = files.history()?;
    report_problems(&files, &problems);
    let earlier: Vec<Record> = history
        .into_iter()
        .filter(|r| r.drill == record.drill && r.started != record.started)
        .collect();
    files.append(&record)?;
    files.clear()?;
    println!("\n{}", report::scorecard(&record, &earlier));
    println!(
        "Your code from before the round is in {}/src — copy it back over exercises/{}/src to continue\nwhere you were; your normal progress is unchanged (`cargo xtask status`).\n`cargo xtask history` lists every round.",
        round.backup,
        drill.name
    );
    Ok(record)
}

/// Times the learner's crate and the reference on the drill's compare workload, alternating the two
/// three times and keeping each workload's fastest time (as `compare` does: load only adds time).
fn speed_ratio(app: &App, drill: &Drill) -> Result<Option<f64>> {
    use crate::cmd::compare::{bench, keep_fastest};
    let package = drill.checker_package();
    let (mut yours, mut reference) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (Some(mine), Some(theirs)) = (
            bench(app, &package, "learner")?,
            bench(app, &package, "reference")?,
        ) else {
            return Ok(None);
        };
        keep_fastest(&mut yours, mine);
        keep_fastest(&mut reference, theirs);
    }
    Ok(mock::speed_ratio(&yours, &reference))
}

/// Prints each unreadable history line on stderr (never fatal).
pub fn report_problems(files: &Files, problems: &[String]) {
    for p in problems {
        eprintln!(
            "{} {}: {p}",
            "warning:".yellow().bold(),
            files.history_path().display()
        );
    }
}
