//! Mock interview rounds: the round's own state, its clock, and the history of finished rounds.
//!
//! A round lives in `.syskata/round.toml` (written atomically, like the progress file) while it runs,
//! so killing the terminal loses nothing: the next command finds the round and its clock. A finished
//! round is appended as one JSON line to `.syskata/history.jsonl`; a line that cannot be read is
//! reported and skipped. The learner's own progress is never touched by a round.

pub mod code;
pub mod report;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::catalog::Drill;
use crate::grade::CheckResult;
use crate::rules::RuleMap;
use crate::state::{self, DrillProgress};

/// The version written into new round files.
pub const VERSION: u32 = 1;

/// Returns the current time in unix seconds: `SYSKATA_NOW` when set (tests inject the clock with
/// it), else the system clock.
pub fn now() -> u64 {
    if let Some(secs) = std::env::var("SYSKATA_NOW")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return secs;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats unix seconds as an RFC 3339 UTC timestamp (`2026-12-02T12:00:00Z`).
pub fn rfc3339(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = crate::util::civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Formats unix seconds as `HH:MM UTC`.
pub fn clock(secs: u64) -> String {
    let rem = secs % 86_400;
    format!("{:02}:{:02} UTC", rem / 3600, (rem % 3600) / 60)
}

/// A round in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// The format version of the round file.
    pub version: u32,
    /// The drill being interviewed on.
    pub drill: String,
    /// When the round started, in unix seconds.
    pub started: u64,
    /// How long the round lasts.
    pub minutes: u64,
    /// Whether to time the learner's crate against the reference when the round ends.
    pub bench: bool,
    /// Where the learner's code from before the round was backed up.
    pub backup: String,
    /// Every stage of the drill, in catalog order.
    pub stages: Vec<StageRun>,
}

/// One stage of a round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRun {
    /// The stage slug.
    pub slug: String,
    /// When the stage passed (unix seconds), if it did before the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_at: Option<u64>,
    /// Gradings run while this stage was the current one.
    #[serde(default)]
    pub attempts: u32,
    /// Gradings in which this stage failed again after it had passed in the round.
    #[serde(default)]
    pub regressions: u32,
    /// Failed checks of this stage, by rubric dimension.
    #[serde(default)]
    pub failed_checks: BTreeMap<String, u32>,
}

/// How a round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every stage passed in time.
    AllPassed,
    /// The deadline passed.
    TimeUp,
    /// `cargo xtask mock --end`.
    Ended,
}

impl Ending {
    /// Returns the word the history uses.
    pub fn word(self) -> &'static str {
        match self {
            Ending::AllPassed => "all_passed",
            Ending::TimeUp => "time_up",
            Ending::Ended => "ended",
        }
    }
}

impl Round {
    /// Returns a fresh round of `drill` starting at `started`.
    pub fn new(drill: &Drill, started: u64, minutes: u64, bench: bool, backup: &Path) -> Round {
        Round {
            version: VERSION,
            drill: drill.name.clone(),
            started,
            minutes,
            bench,
            backup: backup.display().to_string(),
            stages: drill
                .stages
                .iter()
                .map(|s| StageRun {
                    slug: s.slug.clone(),
                    ..StageRun::default()
                })
                .collect(),
        }
    }

    /// Returns the deadline in unix seconds.
    pub fn deadline(&self) -> u64 {
        self.started + self.minutes * 60
    }

    /// Returns the seconds left at `now` (0 once the deadline has passed).
    pub fn left(&self, now: u64) -> u64 {
        self.deadline().saturating_sub(now)
    }

    /// Returns the round's passes as a drill progress, so the usual unlocking rules apply.
    pub fn progress(&self) -> DrillProgress {
        DrillProgress {
            passed: self
                .stages
                .iter()
                .filter(|s| s.passed_at.is_some())
                .map(|s| s.slug.clone())
                .collect(),
            hints: BTreeMap::new(),
        }
    }

    /// Records one grading of the current stage `current` (an index into the drill's stages, `None`
    /// when every stage passed already): an attempt, and every failed check by rubric dimension
    /// (a check the rule map does not know counts as correctness). A failure in a stage that had
    /// passed in this round counts as a regression. Skipped checks did not run and are not counted.
    pub fn record(
        &mut self,
        drill: &Drill,
        map: &RuleMap,
        current: Option<usize>,
        results: &[CheckResult],
    ) {
        if let Some(stage) = current.and_then(|i| self.stages.get_mut(i)) {
            stage.attempts += 1;
        }
        let mut regressed = Vec::new();
        for r in results
            .iter()
            .filter(|r| !r.passed() && r.status != "skipped")
        {
            let Some(stage) = self.stages.iter_mut().find(|s| s.slug == r.stage) else {
                continue;
            };
            let dimension = map
                .dimension_of(drill, &r.stage, &r.check)
                .map_or("correctness", |d| d.name());
            *stage.failed_checks.entry(dimension.to_owned()).or_default() += 1;
            if stage.passed_at.is_some() && !regressed.contains(&r.stage) {
                regressed.push(r.stage.clone());
                stage.regressions += 1;
            }
        }
    }

    /// Records that stage `index` passed at `at`.
    pub fn mark_passed(&mut self, index: usize, at: u64) {
        if let Some(stage) = self.stages.get_mut(index) {
            stage.passed_at.get_or_insert(at);
        }
    }

    /// Returns the history record of this round, ended as `ending` at `now`, with the code measured
    /// at the end.
    pub fn finish(
        &self,
        targets: &[Option<u64>],
        ending: Ending,
        now: u64,
        code: CodeMetrics,
        speed_ratio: Option<f64>,
    ) -> Record {
        let end = match ending {
            // The last pass, not the end of the grading and measuring after it.
            Ending::AllPassed => self.stages.iter().filter_map(|s| s.passed_at).max(),
            Ending::TimeUp => Some(self.deadline()),
            Ending::Ended => None,
        }
        .unwrap_or(now)
        .min(self.deadline());
        Record {
            drill: self.drill.clone(),
            started: rfc3339(self.started),
            minutes: self.minutes,
            seconds_used: end.saturating_sub(self.started),
            ended: ending.word().to_owned(),
            stages: self
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    // A pass recorded after the deadline does not count (it cannot be recorded, but an
                    // edited round file must not cheat either).
                    let in_time = s.passed_at.filter(|&at| at <= self.deadline());
                    StageRecord {
                        slug: s.slug.clone(),
                        passed: in_time.is_some(),
                        seconds: in_time.map(|at| at.saturating_sub(self.pass_start(i))),
                        target_minutes: targets.get(i).copied().flatten(),
                        attempts: s.attempts,
                        regressions: s.regressions,
                        failed_checks: s.failed_checks.clone(),
                    }
                })
                .collect(),
            code,
            speed_ratio,
        }
    }

    /// Returns when work on stage `index` began: the round's start for the first stage, else when
    /// the stage before it passed.
    fn pass_start(&self, index: usize) -> u64 {
        index
            .checked_sub(1)
            .and_then(|i| self.stages.get(i))
            .and_then(|s| s.passed_at)
            .unwrap_or(self.started)
    }
}

/// Code organisation measured on the learner's crate when a round ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMetrics {
    /// Warnings from `cargo clippy` on the learner's crate (`None`: clippy could not run).
    pub clippy_warnings: Option<u32>,
    /// The warnings by lint name.
    #[serde(default)]
    pub clippy_lints: BTreeMap<String, u32>,
    /// Lines of the longest function outside tests.
    pub longest_fn_lines: u32,
    /// The name of that function.
    #[serde(default)]
    pub longest_fn: String,
    /// `.unwrap()` and `.expect(` calls outside `#[cfg(test)]` code.
    pub unwraps: u32,
    /// `pub` items without a `///` doc comment.
    pub undocumented_pub: u32,
}

/// One finished round, as `.syskata/history.jsonl` and `history --json` hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The drill.
    pub drill: String,
    /// When the round started (RFC 3339, UTC).
    pub started: String,
    /// The round's length in minutes.
    pub minutes: u64,
    /// Seconds from the start to the last pass (`all_passed`), the deadline (`time_up`) or `--end`.
    #[serde(default)]
    pub seconds_used: u64,
    /// `all_passed`, `time_up` or `ended`.
    pub ended: String,
    /// Every stage in catalog order.
    pub stages: Vec<StageRecord>,
    /// Code organisation at the end.
    pub code: CodeMetrics,
    /// The learner's throughput over the reference's on the `compare` workload (geometric mean over
    /// its workloads; release builds), when it was measured.
    pub speed_ratio: Option<f64>,
}

/// One stage of a finished round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    /// The stage slug.
    pub slug: String,
    /// Whether it passed before the deadline.
    pub passed: bool,
    /// Seconds from the previous stage's pass (or the round's start) to this one's.
    pub seconds: Option<u64>,
    /// The catalog's target for the stage.
    #[serde(default)]
    pub target_minutes: Option<u64>,
    /// Gradings while it was the current stage.
    pub attempts: u32,
    /// Times it broke again after passing.
    #[serde(default)]
    pub regressions: u32,
    /// Failed checks on the way, by rubric dimension.
    pub failed_checks: BTreeMap<String, u32>,
}

impl Record {
    /// Returns how many stages passed in time.
    pub fn passed(&self) -> usize {
        self.stages.iter().filter(|s| s.passed).count()
    }

    /// Returns the failed checks of the whole round in `dimension`.
    pub fn failed(&self, dimension: &str) -> u32 {
        self.stages
            .iter()
            .filter_map(|s| s.failed_checks.get(dimension))
            .sum()
    }

    /// Returns the regressions of the whole round.
    pub fn regressions(&self) -> u32 {
        self.stages.iter().map(|s| s.regressions).sum()
    }

    /// Returns the minutes the round took, rounded up.
    pub fn minutes_used(&self) -> u64 {
        self.seconds_used.div_ceil(60)
    }

    /// Returns the code organisation findings as one number (clippy warnings, unwraps, undocumented
    /// public items): lower is better.
    pub fn code_findings(&self) -> u32 {
        self.code.clippy_warnings.unwrap_or(0) + self.code.unwraps + self.code.undocumented_pub
    }
}

/// Where a round's files live.
#[derive(Debug, Clone)]
pub struct Files {
    dir: PathBuf,
}

/// How loading the round file went.
#[derive(Debug)]
pub enum LoadedRound {
    /// No round is running.
    None,
    /// A round is running.
    Running(Round),
    /// The round file was unreadable and moved to `backup`.
    Recovered {
        /// Where the unreadable file now is.
        backup: PathBuf,
        /// Why it could not be read.
        reason: String,
    },
}

impl Files {
    /// Returns the round files of the workspace at `root` (`root/.syskata`).
    pub fn new(root: &Path) -> Files {
        Files {
            dir: root.join(".syskata"),
        }
    }

    /// Returns the path of the running round's file.
    pub fn round_path(&self) -> PathBuf {
        self.dir.join("round.toml")
    }

    /// Returns the path of the history file.
    pub fn history_path(&self) -> PathBuf {
        self.dir.join("history.jsonl")
    }

    /// Loads the running round, moving an unreadable file aside instead of failing.
    pub fn load(&self) -> Result<LoadedRound> {
        let path = self.round_path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(LoadedRound::None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let parsed = String::from_utf8(bytes)
            .map_err(|_| "it is not UTF-8 text".to_owned())
            .and_then(|t| toml::from_str::<Round>(&t).map_err(|e| e.message().to_owned()))
            .and_then(|r| {
                if r.version > VERSION {
                    Err(format!(
                        "it was written by a newer syskata (format {})",
                        r.version
                    ))
                } else if r.stages.is_empty() {
                    Err("it lists no stages".to_owned())
                } else {
                    Ok(r)
                }
            });
        match parsed {
            Ok(round) => Ok(LoadedRound::Running(round)),
            Err(reason) => Ok(LoadedRound::Recovered {
                backup: state::move_aside(&path)?,
                reason,
            }),
        }
    }

    /// Writes the running round atomically.
    pub fn save(&self, round: &Round) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let text = format!(
            "# The mock round in progress. Written by `cargo xtask`; `cargo xtask mock --end` ends it.\n{}",
            toml::to_string(round).context("cannot encode the round")?
        );
        state::write_atomic(&self.round_path(), &text)
    }

    /// Removes the running round's file (the round is over).
    pub fn clear(&self) -> Result<()> {
        match std::fs::remove_file(self.round_path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", self.round_path().display()))
            }
            _ => Ok(()),
        }
    }

    /// Appends a finished round to the history (one JSON line, synced to disk). A round already
    /// recorded (same drill and start, as after a crash between appending and clearing) is not
    /// appended twice.
    pub fn append(&self, record: &Record) -> Result<()> {
        let (known, _) = self.history()?;
        if known
            .iter()
            .any(|r| r.drill == record.drill && r.started == record.started)
        {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let path = self.history_path();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let line = serde_json::to_string(record).context("cannot encode the round")?;
        // A line torn by an earlier crash must not swallow this one.
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut text = String::new();
        if len > 0 && !ends_with_newline(&path) {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot append to {}", path.display()))
    }

    /// Reads the history: every readable round in order, and a note for each line that is not one.
    pub fn history(&self) -> Result<(Vec<Record>, Vec<String>)> {
        let path = self.history_path();
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(parse_history(&text))
    }
}

fn ends_with_newline(path: &Path) -> bool {
    std::fs::read(path)
        .map(|b| b.last() == Some(&b'\n'))
        .unwrap_or(true)
}

/// Parses history lines; a line that is not a round becomes a note naming its line number.
pub fn parse_history(text: &str) -> (Vec<Record>, Vec<String>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(r) => records.push(r),
            Err(e) => problems.push(format!("line {} is not a round ({e}); skipped", n + 1)),
        }
    }
    (records, problems)
}

/// Returns the geometric mean of the per-workload throughput ratios (yours over the reference's),
/// from `(label, operations, nanoseconds)` timings; `None` when no workload is in both.
pub fn speed_ratio(yours: &[(String, u64, u64)], reference: &[(String, u64, u64)]) -> Option<f64> {
    let logs: Vec<f64> = yours
        .iter()
        .filter_map(|(label, ops, nanos)| {
            let (_, rops, rnanos) = reference.iter().find(|(l, _, _)| l == label)?;
            let rate = |ops: u64, nanos: u64| ops as f64 / nanos.max(1) as f64;
            let ratio = rate(*ops, *nanos) / rate(*rops, *rnanos);
            (ratio > 0.0 && ratio.is_finite()).then(|| ratio.ln())
        })
        .collect();
    if logs.is_empty() {
        return None;
    }
    let ratio = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
    Some((ratio * 100.0).round() / 100.0)
}

/// Returns the stages to grade in a round, the current one, from the round's passes.
pub fn order(drill: &Drill, round: &Round) -> (Vec<usize>, Option<usize>) {
    let p = round.progress();
    (
        state::grading_order(drill, &p),
        state::current_stage(drill, &p),
    )
}

#[cfg(test)]
mod tests;
