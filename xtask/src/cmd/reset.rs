//! `cargo xtask reset <drill>`: back up the learner's files, then restore the drill's stub.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use colored::Colorize;

use crate::app::App;
use crate::util;
use crate::UsageError;

/// Arguments of `reset`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill to restore.
    pub drill: String,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

/// Runs `reset`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let drill = app.catalog.drill(&args.drill)?;
    if let Some(round) = crate::cmd::mock::active(app)? {
        if round.drill == drill.name {
            return Err(UsageError(format!(
                "a mock round of {} is running on exercises/{}: end it first with `cargo xtask mock --end`",
                drill.name, drill.name
            ))
            .into());
        }
    }
    let asked = confirm(
        args.yes,
        &format!(
            "Replace exercises/{}/src with the stub and restart the drill at stage 1? Your files are backed up first.",
            drill.name
        ),
        &format!(
            "reset replaces exercises/{}/src with the stub; pass --yes to confirm (your files are backed up first)",
            drill.name
        ),
    )?;
    if !asked {
        println!("Nothing changed.");
        return Ok(ExitCode::SUCCESS);
    }
    let backup = back_up_and_restore_stub(app, &drill.name)?;
    let (mut progress, _) = app.progress()?;
    progress.drills.remove(&drill.name);
    app.store.save(&progress)?;
    println!(
        "{} your files are backed up in {}\n  exercises/{}/src/lib.rs is the stub again and {} starts over at stage 1 (`cargo xtask start {}`).",
        "Reset.".green().bold(),
        backup.display(),
        drill.name,
        drill.name,
        drill.name
    );
    Ok(ExitCode::SUCCESS)
}

/// Asks `question` on a terminal (`[y/N]`); `yes` answers it. Off a terminal, without `yes`, returns
/// a usage error saying `refusal`.
pub fn confirm(yes: bool, question: &str, refusal: &str) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !util::stdin_is_terminal() {
        return Err(UsageError(refusal.to_owned()).into());
    }
    print!("{question} [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Copies `exercises/<drill>/src`, its `Cargo.toml` and the progress file to a fresh directory under
/// `.syskata/backups/`, then replaces the `src` with the pristine stub. Returns the backup directory.
pub fn back_up_and_restore_stub(app: &App, drill: &str) -> Result<PathBuf> {
    let stub = app
        .root
        .join("checker")
        .join(drill)
        .join("stub")
        .join("lib.rs");
    let stub_text = std::fs::read_to_string(&stub)
        .with_context(|| format!("cannot read the pristine stub {}", stub.display()))?;
    let exercise = app.root.join("exercises").join(drill);
    let backup = backup_dir(app, drill);
    let src = exercise.join("src");
    if src.exists() {
        util::copy_tree(&src, &backup.join("src"))?;
    }
    std::fs::create_dir_all(&backup)?;
    let _ = std::fs::copy(exercise.join("Cargo.toml"), backup.join("Cargo.toml"));
    let _ = std::fs::copy(app.store.path(), backup.join("progress.toml"));

    if src.exists() {
        std::fs::remove_dir_all(&src).with_context(|| format!("cannot clear {}", src.display()))?;
    }
    std::fs::create_dir_all(&src)?;
    std::fs::write(src.join("lib.rs"), stub_text).context("cannot write the stub")?;
    Ok(backup)
}

fn backup_dir(app: &App, drill: &str) -> PathBuf {
    let base = app.store.dir().join("backups");
    let stamp = util::timestamp();
    let mut dir = base.join(format!("{drill}-{stamp}"));
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = base.join(format!("{drill}-{stamp}-{n}"));
    }
    dir
}
