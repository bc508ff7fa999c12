//! `cargo xtask watch`: re-grade whenever a file of the current drill is saved.
//!
//! Polls modification times (no watcher dependency: a drill is a handful of files). Grading runs the
//! same code as `next`, so a pass advances and prints the next prompt; a compile error is just another
//! report. On a terminal single keys act at once (`q` quits, `h` shows a hint, Enter re-grades; the
//! terminal is restored on every way out, see `term.rs`); otherwise whole lines do (`q` + Enter).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use anyhow::Result;
use colored::Colorize;

use crate::app::App;
use crate::cmd;
use crate::term::{self, Key};

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill to watch (default: the current one); switches to it like `start`.
    pub drill: Option<String>,
    /// Open your file in your editor when a stage unlocks (as `next --edit`).
    #[arg(long)]
    pub edit: bool,
}

type Snapshot = BTreeMap<PathBuf, (SystemTime, u64)>;

fn snapshot(dir: &Path, out: &mut Snapshot) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path
            .file_name()
            .is_some_and(|n| n == "target" || n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if path.is_dir() {
            snapshot(&path, out);
        } else if let Ok(meta) = entry.metadata() {
            out.insert(
                path,
                (
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    meta.len(),
                ),
            );
        }
    }
}

/// Runs `watch`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    let round = crate::cmd::mock::active(app)?;
    if let (Some(name), Some(round)) = (&args.drill, &round) {
        if *name != round.drill {
            return Err(crate::cmd::mock::refused(
                round,
                &format!("watching {name} is refused"),
            ));
        }
    } else if let Some(name) = &args.drill {
        let (mut progress, _) = app.progress()?;
        let drill = app.catalog.drill(name)?;
        progress.current = Some(drill.name.clone());
        app.store.save(&progress)?;
    }
    let keys = term::KeyMode::enter();
    let single = keys.is_some();
    let (tx, rx) = mpsc::channel::<Key>();
    std::thread::spawn(move || term::read_keys(single, tx));
    let (hint_key, quit_key) = if single {
        ("h", "q")
    } else {
        ("h + Enter", "q + Enter")
    };
    loop {
        let (progress, _) = app.progress()?;
        let drill = match crate::cmd::mock::active(app)? {
            Some(round) => app.catalog.drill(&round.drill)?,
            None => app.pick_drill(None, &progress)?,
        };
        let dir = app.root.join("exercises").join(&drill.name);
        let _ = cmd::next::run(
            app,
            cmd::next::Args {
                seed: None,
                edit: args.edit,
            },
        );
        println!(
            "\n{}",
            format!(
                "watching exercises/{}/ — save to re-grade · Enter: re-grade · {hint_key}: hint · {quit_key}: quit",
                drill.name
            )
            .dimmed()
        );
        let mut before = Snapshot::new();
        snapshot(&dir, &mut before);
        'wait: loop {
            match rx.recv_timeout(Duration::from_millis(250)) {
                Ok(Key::Quit) => {
                    drop(keys);
                    println!("{}", "watch ended.".dimmed());
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(Key::Hint) => {
                    if let Err(e) = cmd::hint::run(app, cmd::hint::Args { drill: None }) {
                        eprintln!("{e}");
                    }
                }
                Ok(Key::Regrade | Key::Interrupt) => break 'wait,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // Standard input is closed (not a terminal): only file changes matter.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(250))
                }
            }
            let mut now = Snapshot::new();
            snapshot(&dir, &mut now);
            if now != before {
                // Let an editor finish writing (some save in several steps).
                std::thread::sleep(Duration::from_millis(80));
                break 'wait;
            }
        }
        println!("\n{}\n", "─".repeat(60).dimmed());
    }
}
