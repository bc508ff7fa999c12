//! Helpers shared by the timekv stages: a script player for scenario checks and an obviously right model of the store.

use std::fmt::Debug;

use syskata_kit::{fail, step};

/// What one scripted operation did: the call as Rust and what came back, rendered.
pub struct Played {
    /// The call, written as Rust (`set("a", 1, 10)`).
    pub call: String,
    /// What came back, rendered as the script writes expectations.
    pub got: String,
}

impl Played {
    /// Returns a played operation whose result is rendered with `{:?}`.
    pub fn new(call: String, got: impl Debug) -> Self {
        Played {
            call,
            got: format!("{got:?}"),
        }
    }
}

/// Plays a scenario script, one operation per line: `words… [-> expected] [# why]`.
///
/// `apply` performs the operation the words name and reports it; the expectation is compared with
/// the `{:?}` rendering of the result (`None`, `Some(7)`, `true`, `[(1, Some(2))]`). Every operation
/// is logged as a step; the first result that differs fails the check with the reason after `#`.
#[track_caller]
pub fn play(script: &str, mut apply: impl FnMut(&[&str]) -> Played) {
    for line in script.lines() {
        let (body, why) = match line.split_once('#') {
            Some((body, why)) => (body, why.trim()),
            None => (line, ""),
        };
        let (op, expected) = match body.split_once("->") {
            Some((op, expected)) => (op, Some(expected.trim())),
            None => (body, None),
        };
        let words: Vec<&str> = op.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let played = apply(&words);
        step(format!("{} -> {}", played.call, played.got));
        if let Some(expected) = expected {
            if played.got != expected {
                let why = if why.is_empty() {
                    String::new()
                } else {
                    format!(": {why}")
                };
                fail(format!(
                    "{}{why}\nexpected: {expected}\n     got: {}",
                    played.call, played.got
                ));
            }
        }
    }
}

/// Parses a number written in a script; `max` stands for `u64::MAX` and `max-1` for one less.
#[track_caller]
pub fn ts(word: &str) -> u64 {
    match word {
        "max" => u64::MAX,
        "max-1" => u64::MAX - 1,
        _ => word
            .parse()
            .unwrap_or_else(|_| panic!("script error: {word:?} is not a timestamp")),
    }
}

/// Parses a value written in a script.
#[track_caller]
pub fn val(word: &str) -> u32 {
    word.parse()
        .unwrap_or_else(|_| panic!("script error: {word:?} is not a value"))
}

/// Returns how a timestamp is written in a step (`u64::MAX` by name).
pub fn show_ts(ts: u64) -> String {
    match ts {
        u64::MAX => "u64::MAX".to_owned(),
        _ => ts.to_string(),
    }
}

/// One version of the model: key, timestamp, and the value (`None` for a tombstone).
#[derive(Clone, Debug)]
struct ModelVersion {
    key: String,
    ts: u64,
    value: Option<u32>,
}

/// The obvious store: one flat list of versions, scanned in full by every operation.
#[derive(Clone, Debug, Default)]
pub struct Model {
    versions: Vec<ModelVersion>,
}

impl Model {
    fn position(&self, key: &str, ts: u64) -> Option<usize> {
        self.versions
            .iter()
            .position(|v| v.key == key && v.ts == ts)
    }

    /// Writes a version (a tombstone when `value` is `None`) and returns the one it replaced.
    pub fn write(&mut self, key: &str, value: Option<u32>, ts: u64) -> Option<Option<u32>> {
        match self.position(key, ts) {
            Some(at) => Some(std::mem::replace(&mut self.versions[at].value, value)),
            None => {
                self.versions.push(ModelVersion {
                    key: key.to_owned(),
                    ts,
                    value,
                });
                None
            }
        }
    }

    /// `set`: the value replaced at exactly `ts`, if any.
    pub fn set(&mut self, key: &str, value: u32, ts: u64) -> Option<u32> {
        self.write(key, Some(value), ts).flatten()
    }

    /// `delete`: whether a read at `ts` saw a value just before.
    pub fn delete(&mut self, key: &str, ts: u64) -> bool {
        let was = self.get(key, ts).is_some();
        self.write(key, None, ts);
        was
    }

    /// The version of `key` in force at `ts`, if any: `Some(None)` is a tombstone.
    fn seen(&self, key: &str, ts: u64) -> Option<&ModelVersion> {
        self.versions
            .iter()
            .filter(|v| v.key == key && v.ts <= ts)
            .max_by_key(|v| v.ts)
    }

    /// `get`: the latest version at or before `ts`, unless it is a tombstone.
    pub fn get(&self, key: &str, ts: u64) -> Option<u32> {
        self.seen(key, ts).and_then(|v| v.value)
    }

    /// The number of versions.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// `history`: versions of `key` with `from <= ts <= to`, oldest first.
    pub fn history(&self, key: &str, from: u64, to: u64) -> Vec<(u64, Option<u32>)> {
        let mut out: Vec<(u64, Option<u32>)> = self
            .versions
            .iter()
            .filter(|v| v.key == key && from <= v.ts && v.ts <= to)
            .map(|v| (v.ts, v.value))
            .collect();
        out.sort_by_key(|v| v.0);
        out
    }

    /// `scan_at`: keys starting with `prefix` that have a value at `ts`, in key order.
    pub fn scan_at(&self, prefix: &str, ts: u64) -> Vec<(String, u32)> {
        let mut keys: Vec<&str> = self
            .versions
            .iter()
            .map(|v| v.key.as_str())
            .filter(|k| k.starts_with(prefix))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| Some((k.to_owned(), self.get(k, ts)?)))
            .collect()
    }

    /// `compact`: drops, per key, everything older than the version seen at `horizon`, and that
    /// version too when it is a tombstone older than `horizon`; returns how many it dropped.
    pub fn compact(&mut self, horizon: u64) -> usize {
        let before = self.versions.len();
        let seen: Vec<(String, u64, bool)> = {
            let mut keys: Vec<&str> = self.versions.iter().map(|v| v.key.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.into_iter()
                .filter_map(|k| {
                    let v = self.seen(k, horizon)?;
                    Some((k.to_owned(), v.ts, v.value.is_none() && v.ts < horizon))
                })
                .collect()
        };
        self.versions
            .retain(|v| match seen.iter().find(|(k, _, _)| *k == v.key) {
                None => true,
                Some(&(_, at, drop_seen)) => v.ts > at || (v.ts == at && !drop_seen),
            });
        before - self.versions.len()
    }
}

/// Runs a scaling probe on two structures built once (at the probe's small and large sizes) instead
/// of once per round, for work that leaves a structure's size as it found it.
pub fn run_prebuilt<S>(
    probe: syskata_kit::probe::Scaling,
    mut build: impl FnMut(usize) -> S,
    mut work: impl FnMut(&mut S),
) {
    // Rounds are cheap without a set-up each: take the fastest of more of them.
    let probe = syskata_kit::probe::Scaling {
        rounds: 15,
        ..probe
    };
    let mut small = build(probe.small);
    let mut large = build(probe.large);
    let small_n = probe.small;
    probe.run(
        |n| n,
        |n| {
            if *n == small_n {
                work(&mut small)
            } else {
                work(&mut large)
            }
        },
    );
}
