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
    /// Whether file paths are OSC-8 hyperlinks (see [`links_wanted`]).
    pub links: bool,
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
        let links = links_wanted(
            color,
            std::env::var("SYSKATA_LINKS").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        );
        Ok(App {
            store: Store::new(&root),
            root,
            catalog,
            color,
            links,
        })
    }

    /// Returns `rel` (a path relative to the workspace) as printed: a hyperlink to the file when
    /// links are on, plain text otherwise.
    pub fn file(&self, rel: &str) -> String {
        ui::link(rel, &self.root.join(rel), self.links)
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
                "Your code: {} — edit it, then run `cargo xtask next` (or keep `cargo xtask watch` running).",
                self.file(&format!("exercises/{}/src/lib.rs", drill.name))
            )
            .dimmed()
        );
        Ok(())
    }

    /// Opens the learner's file of `drill` in their editor: `SYSKATA_EDITOR` always, and with
    /// `--edit` (`asked`) also `VISUAL` or `EDITOR`. Best effort: a failure is a warning on stderr.
    pub fn open_in_editor(&self, drill: &Drill, asked: bool) {
        let var = |name: &str| std::env::var(name).ok();
        let Some(editor) = editor_command(
            var("SYSKATA_EDITOR").as_deref(),
            asked,
            var("VISUAL").as_deref(),
            var("EDITOR").as_deref(),
        ) else {
            if asked {
                eprintln!(
                    "{} --edit found no editor: set SYSKATA_EDITOR (for example `export SYSKATA_EDITOR=\"code -g\"`), VISUAL or EDITOR.",
                    "warning:".yellow().bold()
                );
            }
            return;
        };
        let path = self
            .root
            .join("exercises")
            .join(&drill.name)
            .join("src")
            .join("lib.rs");
        let argv = editor_argv(&editor, &path.to_string_lossy());
        let Some((program, args)) = argv.split_first() else {
            return;
        };
        // Terminal editors take over this terminal until they exit; GUI editors return at once.
        let status = std::process::Command::new(program)
            .args(args)
            .current_dir(&self.root)
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => eprintln!(
                "{} the editor `{editor}` exited with {s}; open {} yourself.",
                "warning:".yellow().bold(),
                path.display()
            ),
            Err(e) => eprintln!(
                "{} cannot start the editor `{editor}` ({e}); check SYSKATA_EDITOR, VISUAL or EDITOR.",
                "warning:".yellow().bold()
            ),
        }
    }

    /// Starts compiling the grading build of `drill`'s `stage` in the background, so that the first
    /// `next` after reading a prompt finds most of the work done. Best effort: failures are ignored.
    pub fn prewarm(&self, drill: &Drill, stage: usize) {
        let req = Request {
            drill,
            stages: vec![stage],
            compile_also: Vec::new(),
            subject: Subject::Learner,
            checks: Vec::new(),
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
        let checked = crate::api::check_learner(&self.root, drill, stages, self.color);
        match checked? {
            crate::api::Checked::Fine => {}
            crate::api::Checked::BuildFailed(log) => {
                if tty {
                    eprint!("\r\x1b[2K");
                }
                print!("{}", ui::build_failure(drill, &log, &names));
                return Ok((Verdict::NoBuild, Vec::new()));
            }
            crate::api::Checked::Problems(problems) => {
                if tty {
                    eprint!("\r\x1b[2K");
                }
                let file = self.file(&format!("exercises/{}/src/lib.rs", drill.name));
                print!("{}", ui::api_report(drill, &problems, &file));
                return Ok((Verdict::NoBuild, Vec::new()));
            }
        }
        let req = Request {
            drill,
            stages: stages.to_vec(),
            compile_also: Vec::new(),
            subject: Subject::Learner,
            checks: Vec::new(),
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

/// Returns whether to print file paths as OSC-8 hyperlinks: `SYSKATA_LINKS=0|1` decides, else links
/// follow colour (a terminal without `NO_COLOR`) except on terminals known to print the escape
/// as garbage (`TERM=dumb`, the Linux console).
pub fn links_wanted(color: bool, setting: Option<&str>, term: Option<&str>) -> bool {
    match setting {
        Some("0") | Some("off") | Some("no") => false,
        Some("1") | Some("on") | Some("yes") => true,
        _ => color && !matches!(term, Some("dumb") | Some("linux")),
    }
}

/// Returns the editor command to run: `SYSKATA_EDITOR` when set, else (only when asked with `--edit`)
/// `VISUAL`, then `EDITOR`. Empty values count as unset.
pub fn editor_command(
    syskata: Option<&str>,
    asked: bool,
    visual: Option<&str>,
    editor: Option<&str>,
) -> Option<String> {
    let set = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    set(syskata).or_else(|| {
        if asked {
            set(visual).or_else(|| set(editor))
        } else {
            None
        }
    })
}

/// Splits an editor command on whitespace and puts `file` where `{file}` is, or at the end.
pub fn editor_argv(command: &str, file: &str) -> Vec<String> {
    let mut argv: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    if argv.iter().any(|a| a.contains("{file}")) {
        for a in &mut argv {
            *a = a.replace("{file}", file);
        }
    } else {
        argv.push(file.to_owned());
    }
    argv
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syskata_editor_wins_and_the_others_count_only_with_edit() {
        assert_eq!(
            editor_command(Some("code -g"), false, Some("vim"), None).as_deref(),
            Some("code -g")
        );
        assert_eq!(editor_command(None, false, Some("vim"), Some("nano")), None);
        assert_eq!(
            editor_command(None, true, Some(" "), Some("nano")).as_deref(),
            Some("nano")
        );
        assert_eq!(editor_command(None, true, None, None), None);
    }

    #[test]
    fn the_file_goes_where_the_placeholder_is_or_last() {
        assert_eq!(
            editor_argv("code -g", "/w/lib.rs"),
            ["code", "-g", "/w/lib.rs"]
        );
        assert_eq!(
            editor_argv("subl {file}:1", "/w/lib.rs"),
            ["subl", "/w/lib.rs:1"]
        );
    }

    #[test]
    fn links_follow_colour_unless_set_or_the_terminal_cannot_show_them() {
        assert!(links_wanted(true, None, Some("xterm-256color")));
        assert!(!links_wanted(false, None, Some("xterm-256color")));
        assert!(!links_wanted(true, None, Some("dumb")));
        assert!(!links_wanted(true, Some("0"), None));
        assert!(links_wanted(false, Some("1"), None));
    }
}
