//! Helpers shared by the lru stages: a manual clock, a script player for scenario checks, reference models, bounded waits.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use syskata_kit::{fail, step};

/// A clock the checks move by hand; caches read it through [`ManualClock::reader`].
#[derive(Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// Returns a clock showing `now` milliseconds.
    pub fn at(now: u64) -> Self {
        ManualClock(Arc::new(AtomicU64::new(now)))
    }

    /// Returns a closure reading this clock, to hand to `with_clock`.
    pub fn reader(&self) -> impl Fn() -> u64 + Send + Sync + 'static {
        let now = Arc::clone(&self.0);
        move || now.load(Ordering::SeqCst)
    }

    /// Sets the time to `now` milliseconds.
    pub fn set(&self, now: u64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward by `ms` and returns the new time.
    pub fn advance(&self, ms: u64) -> u64 {
        self.0.fetch_add(ms, Ordering::SeqCst) + ms
    }

    /// Returns the current time.
    pub fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// What one scripted operation did: the call as Rust, what came back (rendered), and how an
/// expectation written in the script is rendered for comparison.
pub struct Played {
    /// The call, written as Rust (`put(1, "a")`).
    pub call: String,
    /// What came back, rendered like the expectation.
    pub got: String,
    /// How the script's expectation is written for this operation.
    pub shape: Shape,
}

/// How an expectation in a script is read.
#[derive(Clone, Copy)]
pub enum Shape {
    /// An optional string value: `none` is `None`, any other word `w` is `Some("w")`.
    Value,
    /// Compared as written (numbers, booleans, stats).
    Plain,
}

/// Returns how an optional value is shown in scripts and reports.
pub fn show<T: Debug>(value: Option<T>) -> String {
    match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".to_owned(),
    }
}

impl Played {
    /// Returns a played operation whose result is an optional value.
    pub fn value<T: Debug>(call: String, got: Option<T>) -> Self {
        Played {
            call,
            got: show(got),
            shape: Shape::Value,
        }
    }

    /// Returns a played operation whose result is compared as written.
    pub fn plain(call: String, got: impl ToString) -> Self {
        Played {
            call,
            got: got.to_string(),
            shape: Shape::Plain,
        }
    }

    /// Returns a played operation that returns nothing worth comparing.
    pub fn unit(call: String) -> Self {
        Played {
            call,
            got: String::new(),
            shape: Shape::Plain,
        }
    }
}

fn expected_text(shape: Shape, written: &str) -> String {
    match shape {
        Shape::Value if written == "none" => "None".to_owned(),
        Shape::Value => format!("Some({written:?})"),
        Shape::Plain => written.to_owned(),
    }
}

/// Plays a scenario script, one operation per line: `words… [-> expected] [# why]`.
///
/// Describe the set-up with `scenario` before building the structure (so a panic while building it
/// is still reported with its scenario). `apply` performs the operation named by the words and
/// reports it. Every operation is logged as a step; an operation whose result differs from the
/// expectation fails the check with the reason.
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
        let shown = if played.got.is_empty() {
            played.call.clone()
        } else {
            format!("{} -> {}", played.call, played.got)
        };
        step(shown);
        if let Some(expected) = expected {
            let expected = expected_text(played.shape, expected);
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

/// Parses a number written in a script.
#[track_caller]
pub fn num<T: std::str::FromStr>(word: &str) -> T {
    word.parse()
        .unwrap_or_else(|_| panic!("script error: {word:?} is not a number"))
}

/// An entry of [`ModelLru`].
#[derive(Clone, Debug)]
struct ModelEntry {
    key: u32,
    value: u32,
    deadline: Option<u64>,
}

/// The obvious LRU cache: a vector in recency order (least recently used first), scanned every time.
#[derive(Debug)]
pub struct ModelLru {
    capacity: usize,
    entries: Vec<ModelEntry>,
}

impl ModelLru {
    /// Returns an empty model of the given capacity.
    pub fn new(capacity: usize) -> Self {
        ModelLru {
            capacity,
            entries: Vec::new(),
        }
    }

    fn position(&self, key: u32) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }

    fn expired(entry: &ModelEntry, now: u64) -> bool {
        entry.deadline.is_some_and(|d| now >= d)
    }

    /// `get`: a live entry moves to the most recent end; an expired one is removed.
    pub fn get(&mut self, key: u32, now: u64) -> Option<u32> {
        let at = self.position(key)?;
        let entry = self.entries.remove(at);
        if Self::expired(&entry, now) {
            return None;
        }
        let value = entry.value;
        self.entries.push(entry);
        Some(value)
    }

    /// `peek`: the live value, recency untouched.
    pub fn peek(&self, key: u32, now: u64) -> Option<u32> {
        let entry = &self.entries[self.position(key)?];
        (!Self::expired(entry, now)).then_some(entry.value)
    }

    /// `put` / `put_with_ttl` (`deadline` is `Some(now + ttl)` for the latter).
    pub fn put(&mut self, key: u32, value: u32, deadline: Option<u64>, now: u64) -> Option<u32> {
        if self.capacity == 0 {
            return None;
        }
        let fresh = ModelEntry {
            key,
            value,
            deadline,
        };
        if let Some(at) = self.position(key) {
            let old = self.entries.remove(at);
            self.entries.push(fresh);
            return (!Self::expired(&old, now)).then_some(old.value);
        }
        if self.entries.len() == self.capacity {
            let victim = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| Self::expired(e, now))
                .min_by_key(|(_, e)| e.deadline)
                .map_or(0, |(at, _)| at);
            self.entries.remove(victim);
        }
        self.entries.push(fresh);
        None
    }

    /// `purge_expired`.
    pub fn purge(&mut self, now: u64) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| !Self::expired(e, now));
        before - self.entries.len()
    }

    /// `len`.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns `true` when `deadline` is the deadline of some stored entry.
    pub fn has_deadline(&self, deadline: u64) -> bool {
        self.entries.iter().any(|e| e.deadline == Some(deadline))
    }
}

/// The obvious tenant cache: one vector of `(tenant, key, value)` in recency order, least recent first.
#[derive(Debug)]
pub struct ModelTenants {
    capacity: usize,
    quota: usize,
    entries: Vec<(u32, u32, u32)>,
}

impl ModelTenants {
    /// Returns an empty model.
    pub fn new(capacity: usize, quota: usize) -> Self {
        ModelTenants {
            capacity,
            quota,
            entries: Vec::new(),
        }
    }

    /// `put`.
    pub fn put(&mut self, tenant: u32, key: u32, value: u32) -> Option<u32> {
        if self.capacity == 0 || self.quota == 0 {
            return None;
        }
        if let Some(at) = self
            .entries
            .iter()
            .position(|e| e.0 == tenant && e.1 == key)
        {
            let old = self.entries.remove(at);
            self.entries.push((tenant, key, value));
            return Some(old.2);
        }
        if self.tenant_len(tenant) >= self.quota {
            let own = self.entries.iter().position(|e| e.0 == tenant);
            if let Some(at) = own {
                self.entries.remove(at);
            }
        } else if self.entries.len() >= self.capacity {
            // The largest tenant; ties go to the tenant whose least recently used entry is older,
            // i.e. whose first entry in recency order comes first.
            let mut best: Option<(usize, usize)> = None; // (count, first position)
            for (at, entry) in self.entries.iter().enumerate() {
                if self.entries[..at].iter().any(|e| e.0 == entry.0) {
                    continue;
                }
                let count = self.tenant_len(entry.0);
                if best.is_none_or(|(c, _)| count > c) {
                    best = Some((count, at));
                }
            }
            if let Some((_, at)) = best {
                self.entries.remove(at);
            }
        }
        self.entries.push((tenant, key, value));
        None
    }

    /// `get`.
    pub fn get(&mut self, tenant: u32, key: u32) -> Option<u32> {
        let at = self
            .entries
            .iter()
            .position(|e| e.0 == tenant && e.1 == key)?;
        let entry = self.entries.remove(at);
        self.entries.push(entry);
        Some(entry.2)
    }

    /// `len`.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `tenant_len`.
    pub fn tenant_len(&self, tenant: u32) -> usize {
        self.entries.iter().filter(|e| e.0 == tenant).count()
    }
}

/// Receives `count` messages from `rx`, waiting at most `limit` in all; returns what arrived in time.
pub fn collect_within<T>(rx: &Receiver<T>, count: usize, limit: Duration) -> Vec<T> {
    let deadline = Instant::now() + limit;
    let mut got = Vec::with_capacity(count);
    while got.len() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(item) => got.push(item),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    got
}

/// Waits until `condition` holds, polling, for at most `limit`; returns whether it came true.
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
