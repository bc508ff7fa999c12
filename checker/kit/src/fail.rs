//! Assertions whose failure messages teach, and the scenario log a failing check prints.
//!
//! A check describes what it is doing with [`scenario`] (the set-up, in words) and [`step`] (each
//! operation as it happens). When an assertion fails, the harness prints the scenario, the last steps,
//! what was expected and what came back, so the learner never has to open the test code.

use std::collections::VecDeque;
use std::fmt::{Debug, Display};
use std::sync::Mutex;

/// How many of the most recent steps a failure report shows.
const STEPS_KEPT: usize = 40;

/// The panic payload of a failed assertion: a finished, human-readable explanation.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What went wrong, including expected and got.
    pub message: String,
}

#[derive(Default)]
pub(crate) struct Log {
    pub(crate) scenario: Vec<String>,
    pub(crate) steps: VecDeque<String>,
    pub(crate) dropped: usize,
}

pub(crate) static LOG: Mutex<Log> = Mutex::new(Log {
    scenario: Vec::new(),
    steps: VecDeque::new(),
    dropped: 0,
});

/// A file the log is also written through to, so a crash (stack overflow, abort) that leaves no
/// result behind still lets the harness show the scenario and the steps that led to it.
static JOURNAL: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Starts writing the log through to `path` (called in the check process).
pub(crate) fn journal_to(path: &std::path::Path) {
    if let Ok(file) = std::fs::File::create(path) {
        *JOURNAL.lock().unwrap_or_else(|p| p.into_inner()) = Some(file);
    }
}

fn journal(kind: &str, text: &str) {
    use std::io::Write as _;
    let mut journal = JOURNAL.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(file) = journal.as_mut() {
        let line = format!("{kind} {}\n", crate::outcome::escape(text));
        let _ = file.write_all(line.as_bytes());
    }
}

/// Rebuilds the log from a journal written by [`journal_to`]: (scenario, last steps, dropped).
pub(crate) fn replay_journal(text: &str) -> (Vec<String>, Vec<String>, usize) {
    let mut log = Log::default();
    for line in text.lines() {
        let (kind, value) = line.split_once(' ').unwrap_or((line, ""));
        let value = crate::outcome::unescape(value);
        match kind {
            "scenario" => {
                log.scenario = value.lines().map(str::to_owned).collect();
                log.steps.clear();
                log.dropped = 0;
            }
            "step" => push_step(&mut log, value),
            _ => {}
        }
    }
    (log.scenario, log.steps.into_iter().collect(), log.dropped)
}

fn push_step(log: &mut Log, text: String) {
    if log.steps.len() == STEPS_KEPT {
        log.steps.pop_front();
        log.dropped += 1;
    }
    log.steps.push_back(text);
}

fn with_log(f: impl FnOnce(&mut Log)) {
    let mut log = LOG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut log);
}

/// Describes the set-up of the check in words; replaces any earlier description and clears the steps.
pub fn scenario(text: impl Into<String>) {
    let text = text.into();
    with_log(|log| {
        journal("scenario", &text);
        log.scenario = text.lines().map(str::to_owned).collect();
        log.steps.clear();
        log.dropped = 0;
    });
}

/// Records one operation of the scenario (only the most recent ones are kept for the report).
pub fn step(text: impl Into<String>) {
    let text = text.into();
    with_log(|log| {
        journal("step", &text);
        push_step(log, text);
    });
}

/// Fails the check with `message`.
#[track_caller]
pub fn fail(message: impl Display) -> ! {
    std::panic::panic_any(Failure {
        message: message.to_string(),
    })
}

/// Fails the check with `message` unless `condition` holds.
#[track_caller]
pub fn expect(condition: bool, message: impl Display) {
    if !condition {
        fail(message);
    }
}

/// Fails the check unless `got == expected`; `what` says what was observed and why the expectation holds.
#[track_caller]
pub fn expect_eq<T: PartialEq + Debug>(what: impl Display, got: T, expected: T) {
    if got != expected {
        fail(format!(
            "{what}\nexpected: {}\n     got: {}",
            shorten(&format!("{expected:?}")),
            shorten(&format!("{got:?}"))
        ));
    }
}

/// Returns `text`, cut to a readable length.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 600;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}… ({} characters in all)", text.chars().count())
}
