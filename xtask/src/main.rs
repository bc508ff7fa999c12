//! The syskata runner: `cargo xtask <command>` drives the learner loop and the maintainer checks.

mod api;
mod app;
mod catalog;
mod cmd;
mod grade;
mod mock;
mod rules;
mod state;
mod term;
mod ui;
mod util;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// An error in how the command was called (exit code 2), such as an unknown drill or stage.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Practise the systems-coding interview round: staged drills graded by hidden tests.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Grade the current stage (and earlier ones); on a pass, unlock and show the next stage.
    Next(cmd::next::Args),
    /// Grade the unlocked stages of a drill without advancing.
    Test(cmd::test::Args),
    /// Show every drill and stage: passed, current or locked.
    Status(cmd::status::Args),
    /// Print an unlocked stage's prompt again.
    Prompt(cmd::prompt::Args),
    /// Show the next hint for the current stage (one more per call).
    Hint(cmd::hint::Args),
    /// Switch to another drill (drills are independent).
    Start(cmd::start::Args),
    /// Compare your finished drill with the reference: a diff and a speed comparison.
    Compare(cmd::compare::Args),
    /// Restore a drill's stub; your files are backed up first.
    Reset(cmd::reset::Args),
    /// Re-grade on every save of the current drill's files.
    Watch(cmd::watch::Args),
    /// A timed interview round from the stub: no hints, a scorecard at the end (`--end` ends it).
    Mock(cmd::mock::Args),
    /// Past mock rounds with the trend per rubric dimension.
    History(cmd::history::Args),
    /// Maintainers: check catalog, prompts, checkers, references, stubs and wrong solutions agree.
    Verify(cmd::verify::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell); drill names complete too.
    Completions(cmd::completions::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = app::App::load().and_then(|app| match cli.command {
        Command::Next(args) => cmd::next::run(&app, args),
        Command::Test(args) => cmd::test::run(&app, args),
        Command::Status(args) => cmd::status::run(&app, args),
        Command::Prompt(args) => cmd::prompt::run(&app, args),
        Command::Hint(args) => cmd::hint::run(&app, args),
        Command::Start(args) => cmd::start::run(&app, args),
        Command::Compare(args) => cmd::compare::run(&app, args),
        Command::Reset(args) => cmd::reset::run(&app, args),
        Command::Watch(args) => cmd::watch::run(&app, args),
        Command::Mock(args) => cmd::mock::run(&app, args),
        Command::History(args) => cmd::history::run(&app, args),
        Command::Verify(args) => cmd::verify::run(&app, args),
        Command::Completions(args) => cmd::completions::run(&app, args),
    });
    match result {
        Ok(code) => code,
        Err(err) => {
            if let Some(usage) = err.downcast_ref::<UsageError>() {
                eprintln!("error: {usage}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {err:#}");
                ExitCode::from(1)
            }
        }
    }
}
