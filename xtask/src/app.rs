//! The runner's shared context: where the workspace is, its catalog, the learner's progress, colour.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use colored::Colorize;

use crate::catalog::{self, Catalog, Drill};
use crate::grade::{self, CheckResult, Graded, Request, Subject};
use crate::state::{Loaded, Progress, Store};
use crate::ui;

/// Exit code of a run whose grading found a failing stage.
pub const FAILING: u8 = 1;

/// The workspace and the learner's state, as every subcommand sees them.
pub struct App {
    /// The workspace root.
    pub root: PathBuf,
    /// Every drill.
    pub catalog: Catalog,
    /// The progress file.
    pub store: Store,
    /// Whether to print colour.
    pub color: bool,
}

impl App {
    /// Finds the workspace (`SYSKATA_ROOT`, else the parent of this crate) and loads its catalog.
    pub fn load() -> Result<App> {
        let root = match std::env::var_os("SYSKATA_ROOT") {
            Some(root) => PathBuf::from(root),
            None => Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .context("the xtask crate must live inside the workspace")?
                .to_path_buf(),
        };
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && crate::util::stdout_is_terminal();
        colored::control::set_override(color);
        let catalog = Catalog::load(&root)?;
        Ok(App {
            store: Store::new(&root),
            root,
            catalog,
            color,
        })
    }

    /// Loads the progress; returns it and whether this is a first run. Explains a recovery on stderr.
    pub fn progress(&self) -> Result<(Progress, bool)> {
        match self.store.load()? {
            Loaded::Fresh(p) => Ok((p, true)),
            Loaded::Found(p) => Ok((p, false)),
            Loaded::Recovered {
                progress,
                backup,
                reason,
            } => {
                eprintln!(
                    "{} your progress file {} could not be read ({reason}).\n  It was kept as {} and syskata starts from an empty record.\n  Your code is untouched: `cargo xtask next` re-grades and re-unlocks stages one by one.\n",
                    "warning:".yellow().bold(),
                    self.store.path().display(),
                    backup.display()
                );
                self.store.save(&progress)?;
                Ok((progress, false))
            }
        }
    }

    /// Returns the drill the learner works on: the named one, else the current one, else the first.
    pub fn pick_drill<'a>(&'a self, named: Option<&str>, progress: &Progress) -> Result<&'a Drill> {
        match named.or(progress.current.as_deref()) {
            Some(name) => self.catalog.drill(name),
            None => Ok(self.catalog.first()),
        }
    }

    /// Reads a stage's prompt file and splits it into prompt and debrief.
    pub fn prompt_parts(&self, drill: &Drill, index: usize) -> Result<(String, Option<String>)> {
        let path = catalog::prompt_path(&self.root, drill, &drill.stages[index]);
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the prompt {}", path.display()))?;
        let (prompt, debrief) = ui::split_prompt(&raw);
        Ok((prompt.to_owned(), debrief.map(str::to_owned)))
    }

    /// Announces that stage `index` is unlocked and prints its prompt.
    pub fn print_unlocked(&self, drill: &Drill, index: usize) -> Result<()> {
        println!(
            "{}\n",
            format!(
                "Unlocked: stage {} — {}",
                index + 1,
                drill.stages[index].title
            )
            .bold()
        );
        self.print_prompt(drill, index)
    }

    /// Prints a stage's prompt and where to work.
    pub fn print_prompt(&self, drill: &Drill, index: usize) -> Result<()> {
        let (prompt, _) = self.prompt_parts(drill, index)?;
        println!("{}", ui::prompt(drill, index, &prompt));
        println!(
            "{}",
            format!(
                "Your code: exercises/{}/src/lib.rs — edit it, then run `cargo xtask next` (or keep `cargo xtask watch` running).",
                drill.name
            )
            .dimmed()
        );
        Ok(())
    }

    /// Starts compiling the grading build of `drill`'s `stage` in the background, so that the first
    /// `next` after reading a prompt finds most of the work done. Best effort: failures are ignored.
    pub fn prewarm(&self, drill: &Drill, stage: usize) {
        let req = Request {
            drill,
            stages: vec![stage],
            compile_also: Vec::new(),
            subject: Subject::Learner,
            seed: None,
            color: false,
        };
        let _ = grade::build_command(&self.root, &req)
            .args(["--no-run", "--quiet"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }

    /// Grades `stages` (indices, in run order) of the learner's crate and prints the verdict.
    /// Returns whether every check passed, some failed, or the crate did not build.
    pub fn grade_learner(
        &self,
        drill: &Drill,
        stages: &[usize],
        current: Option<&str>,
        seed: Option<u64>,
    ) -> Result<Verdict> {
        Ok(self.grade_learner_checks(drill, stages, current, seed)?.0)
    }

    /// Like [`App::grade_learner`], and also returns every check's result (none when the crate did
    /// not build); a mock round records the failures by rubric dimension.
    pub fn grade_learner_checks(
        &self,
        drill: &Drill,
        stages: &[usize],
        current: Option<&str>,
        seed: Option<u64>,
    ) -> Result<(Verdict, Vec<CheckResult>)> {
        let names: Vec<&str> = stages
            .iter()
            .map(|&i| drill.stages[i].slug.as_str())
            .collect();
        let tty = crate::util::stdout_is_terminal();
        if tty {
            eprint!(
                "{}",
                format!("grading {}: {} …", drill.name, names.join(", ")).dimmed()
            );
        }
        let req = Request {
            drill,
            stages: stages.to_vec(),
            compile_also: Vec::new(),
            subject: Subject::Learner,
            seed,
            color: self.color,
        };
        let graded = grade::run(&self.root, &req, || {
            if tty {
                eprint!("{}", " compiling …".dimmed());
            }
        });
        if tty {
            eprint!("\r\x1b[2K");
        }
        match graded? {
            Graded::Ran(mut results) => {
                crate::rules::in_prompt_words(&self.root, drill, &mut results);
                print!("{}", ui::results(drill, &results, current));
                let verdict = if !results.is_empty() && results.iter().all(|r| r.passed()) {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                };
                Ok((verdict, results))
            }
            Graded::BuildFailed(log) => {
                print!("{}", ui::build_failure(drill, &log, &names));
                Ok((Verdict::NoBuild, Vec::new()))
            }
            Graded::Killed(mut results, limit) => {
                crate::rules::in_prompt_words(&self.root, drill, &mut results);
                print!("{}", ui::results(drill, &results, current));
                println!(
                    "{} the checks ran longer than the runner's limit of {} s and were stopped (all of their processes were killed).",
                    "✗".red().bold(),
                    limit.as_secs()
                );
                Ok((Verdict::Fail, results))
            }
        }
    }
}

/// How grading the learner's crate went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed.
    Pass,
    /// Some check failed (the report was printed).
    Fail,
    /// The crate did not compile against the checks (the errors were printed).
    NoBuild,
}

/// Returns the exit code for a grading verdict.
pub fn exit_for(passed: bool) -> ExitCode {
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILING)
    }
}
