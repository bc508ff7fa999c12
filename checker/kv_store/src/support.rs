//! Helpers shared by the kv_store stages: a script player, range rendering, and a whole-store model
//! (it copies everything at every `begin` and `snapshot`: slow, obviously right) with a random driver.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::ops::Bound;

use syskata_kit::{fail, step, Rng};

use crate::drill::KvStore;

/// Renders a bound pair the way a learner writes the range in Rust.
pub fn show_range(range: &(Bound<u32>, Bound<u32>)) -> String {
    match range {
        (Bound::Unbounded, Bound::Unbounded) => "..".to_owned(),
        (Bound::Included(s), Bound::Unbounded) => format!("{s}.."),
        (Bound::Unbounded, Bound::Excluded(e)) => format!("..{e}"),
        (Bound::Unbounded, Bound::Included(e)) => format!("..={e}"),
        (Bound::Included(s), Bound::Excluded(e)) => format!("{s}..{e}"),
        (Bound::Included(s), Bound::Included(e)) => format!("{s}..={e}"),
        (s, e) => format!("({s:?}, {e:?})"),
    }
}

/// Returns `true` if `key` lies in `range`.
pub fn in_range(range: &(Bound<u32>, Bound<u32>), key: u32) -> bool {
    let after_start = match range.0 {
        Bound::Included(s) => key >= s,
        Bound::Excluded(s) => key > s,
        Bound::Unbounded => true,
    };
    let before_end = match range.1 {
        Bound::Included(e) => key <= e,
        Bound::Excluded(e) => key < e,
        Bound::Unbounded => true,
    };
    after_start && before_end
}

/// Draws a range over keys around `0..=max`, of every bound kind, often empty or backwards.
pub fn random_range(rng: &mut Rng, max: u32) -> (Bound<u32>, Bound<u32>) {
    let bound = |rng: &mut Rng| {
        let k = rng.edgy(0, u64::from(max) + 1) as u32;
        match rng.below(3) {
            0 => Bound::Included(k),
            1 => Bound::Excluded(k),
            _ => Bound::Unbounded,
        }
    };
    (bound(rng), bound(rng))
}

/// Copies a borrowed scan into owned pairs.
pub fn owned(entries: Vec<(&u32, &u32)>) -> Vec<(u32, u32)> {
    entries.into_iter().map(|(k, v)| (*k, *v)).collect()
}

/// Fails with `what`, the expectation and what came back when they differ, logging nothing.
#[track_caller]
pub fn same<T: PartialEq + Debug>(what: impl std::fmt::Display, got: T, expected: T) {
    if got != expected {
        fail(format!("{what}\nexpected: {expected:?}\n     got: {got:?}"));
    }
}

/// A key's state in the model.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The value.
    pub value: u32,
    /// The version the store under test reported after the write (0 before stage 3).
    pub version: u64,
    /// The absolute deadline, if any.
    pub deadline: Option<u64>,
}

/// The obvious store: a `BTreeMap` of entries, a full copy per open transaction and per snapshot.
#[derive(Default)]
pub struct Model {
    /// The present keys.
    pub map: BTreeMap<u32, Entry>,
    /// The clock.
    pub now: u64,
    /// A copy of `map` at each open `begin`, innermost last.
    pub stack: Vec<BTreeMap<u32, Entry>>,
    /// A copy of `map` per snapshot taken; `None` once released.
    pub snaps: Vec<Option<BTreeMap<u32, Entry>>>,
    /// Every version the store reported per key, to check they only grow.
    pub highest: BTreeMap<u32, u64>,
}

impl Model {
    /// Moves the clock and drops what expired, returning how many.
    pub fn tick(&mut self, now: u64) -> usize {
        self.now = self.now.max(now);
        let before = self.map.len();
        let clock = self.now;
        self.map.retain(|_, e| e.deadline.is_none_or(|d| d > clock));
        before - self.map.len()
    }

    /// Writes `key` (a `ttl` of `Some(0)` deletes) and returns the value replaced.
    pub fn write(&mut self, key: u32, value: u32, ttl: Option<u64>) -> Option<u32> {
        let deadline = ttl.map(|t| self.now.saturating_add(t));
        if deadline.is_some_and(|d| d <= self.now) {
            return self.map.remove(&key).map(|e| e.value);
        }
        self.map
            .insert(
                key,
                Entry {
                    value,
                    version: 0,
                    deadline,
                },
            )
            .map(|e| e.value)
    }

    /// Returns the version of `key` as last reported, `None` if absent.
    pub fn version(&self, key: u32) -> Option<u64> {
        self.map.get(&key).map(|e| e.version)
    }

    /// Rolls back to the innermost copy (keys past their deadline stay gone).
    pub fn rollback(&mut self) -> bool {
        match self.stack.pop() {
            Some(copy) => {
                self.map = copy;
                self.tick(self.now);
                true
            }
            None => false,
        }
    }

    /// Counts the distinct (key, version) pairs held by the store and the live snapshots.
    pub fn retained(&self) -> usize {
        let mut seen: BTreeSet<(u32, u64)> =
            self.map.iter().map(|(k, e)| (*k, e.version)).collect();
        for snap in self.snaps.iter().flatten() {
            seen.extend(snap.iter().map(|(k, e)| (*k, e.version)));
        }
        seen.len()
    }
}

/// The snapshot handle, once the snapshots stage is compiled in.
#[cfg(feature = "stage-snapshots")]
type Snap = crate::drill::Snapshot;
#[cfg(not(feature = "stage-snapshots"))]
type Snap = ();

/// Which operations a random sequence may use: the stages unlocked so far.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Level {
    /// get, set, delete, scan, len.
    Basics = 1,
    /// plus tick, set_with_ttl, ttl.
    Ttl,
    /// plus version, cas, delete_if.
    Cas,
    /// plus begin, commit, rollback, depth.
    Transactions,
    /// plus snapshot, get_at, scan_at, release, retained_versions.
    Snapshots,
}

/// Runs `ops` random operations of `level` on a fresh `KvStore<u32, u32>` and the model side by side,
/// keys drawn from `0..keys`, failing at the first answer that differs. Every call is logged.
pub fn random_run(rng: &mut Rng, level: Level, ops: usize, keys: u32) {
    let mut kv: KvStore<u32, u32> = KvStore::new();
    let mut model = Model::default();
    let mut snaps: Vec<Option<Snap>> = Vec::new();
    #[cfg(not(feature = "stage-snapshots"))]
    let _ = &mut snaps;
    for i in 0..ops {
        let key = rng.below(u64::from(keys)) as u32;
        let value = rng.below(1000) as u32;
        let dice = rng.below(100);
        let label = format!("#{i}");
        match dice {
            0..=17 => {
                let got = kv.set(key, value);
                step(format!("{label} set({key}, {value}) -> {got:?}"));
                let want = model.write(key, value, None);
                same(
                    format!("{label}: set({key}, {value}) returns the value it replaced"),
                    got,
                    want,
                );
                observe_write(&kv, &mut model, key, level);
            }
            18..=27 => {
                let got = kv.delete(&key);
                step(format!("{label} delete(&{key}) -> {got:?}"));
                let want = model.map.remove(&key).map(|e| e.value);
                same(
                    format!("{label}: delete(&{key}) returns the value removed"),
                    got,
                    want,
                );
            }
            28..=39 => {
                let got = kv.get(&key).copied();
                step(format!("{label} get(&{key}) -> {got:?}"));
                let want = model.map.get(&key).map(|e| e.value);
                same(format!("{label}: get(&{key})"), got, want);
            }
            40..=47 => {
                let range = random_range(rng, keys);
                let limit = rng.edgy(0, u64::from(keys) + 1) as usize;
                let got = owned(kv.scan(range, limit));
                step(format!(
                    "{label} scan({}, {limit}) -> {got:?}",
                    show_range(&range)
                ));
                let want: Vec<(u32, u32)> = model
                    .map
                    .iter()
                    .filter(|(k, _)| in_range(&range, **k))
                    .take(limit)
                    .map(|(k, e)| (*k, e.value))
                    .collect();
                same(
                    format!("{label}: scan({}, {limit})", show_range(&range)),
                    got,
                    want,
                );
            }
            48..=51 => {
                let got = (kv.len(), kv.is_empty());
                step(format!("{label} (len(), is_empty()) -> {got:?}"));
                same(
                    format!("{label}: (len(), is_empty())"),
                    got,
                    (model.map.len(), model.map.is_empty()),
                );
            }
            _ if level == Level::Basics => {}
            #[cfg(feature = "stage-ttl")]
            52..=57 => {
                let ttl = *rng.pick(&[0, 1, 2, 5, 10, 30, u64::MAX]);
                let got = kv.set_with_ttl(key, value, ttl);
                step(format!(
                    "{label} set_with_ttl({key}, {value}, {ttl}) -> {got:?}"
                ));
                let want = model.write(key, value, Some(ttl));
                same(format!("{label}: set_with_ttl({key}, {value}, {ttl}) returns the value it replaced"), got, want);
                if ttl > 0 {
                    observe_write(&kv, &mut model, key, level);
                }
            }
            #[cfg(feature = "stage-ttl")]
            58..=61 => {
                let now = if rng.chance(10) {
                    model.now.saturating_sub(rng.below(5))
                } else {
                    model.now + rng.edgy(0, 12)
                };
                let got = kv.tick(now);
                step(format!("{label} tick({now}) -> {got}"));
                let want = model.tick(now);
                same(
                    format!("{label}: tick({now}) returns how many keys expired"),
                    got,
                    want,
                );
                same(
                    format!("{label}: now() after tick({now})"),
                    kv.now(),
                    model.now,
                );
            }
            #[cfg(feature = "stage-ttl")]
            62..=64 => {
                let got = kv.ttl(&key);
                step(format!("{label} ttl(&{key}) -> {got:?}"));
                let want = model
                    .map
                    .get(&key)
                    .map(|e| e.deadline.map(|d| d - model.now));
                same(
                    format!("{label}: ttl(&{key}) at time {}", model.now),
                    got,
                    want,
                );
            }
            _ if level == Level::Ttl => {}
            #[cfg(feature = "stage-compare_and_set")]
            65..=67 => {
                let got = kv.version(&key);
                step(format!("{label} version(&{key}) -> {got:?}"));
                same(
                    format!("{label}: version(&{key}): the version reported after its last write"),
                    got,
                    model.version(key),
                );
            }
            #[cfg(feature = "stage-compare_and_set")]
            68..=73 => {
                let expected = pick_expected(rng, &model, key);
                let got = kv.cas(key, expected, value);
                step(format!(
                    "{label} cas({key}, {expected:?}, {value}) -> {got:?}"
                ));
                let current = model.version(key);
                if current == expected {
                    let Ok(new) = got else {
                        fail(format!("{label}: cas({key}, {expected:?}, {value}) names the current version, so it must succeed\n     got: {got:?}"));
                    };
                    model.write(key, value, None);
                    observe_write(&kv, &mut model, key, level);
                    same(
                        format!(
                            "{label}: cas returned the new version; version(&{key}) must report it"
                        ),
                        Some(new),
                        model.version(key),
                    );
                } else {
                    same(format!("{label}: cas({key}, {expected:?}, {value}) is stale: refused with the current version"), got, Err(crate::drill::CasError { current }));
                }
            }
            #[cfg(feature = "stage-compare_and_set")]
            74..=76 => {
                let expected = pick_expected(rng, &model, key).unwrap_or(0);
                let got = kv.delete_if(&key, expected);
                step(format!("{label} delete_if(&{key}, {expected}) -> {got:?}"));
                let current = model.version(key);
                if current == Some(expected) {
                    let want = model
                        .map
                        .remove(&key)
                        .map(|e| e.value)
                        .ok_or(crate::drill::CasError { current: None });
                    same(
                        format!("{label}: delete_if(&{key}, {expected}) names the current version"),
                        got,
                        want,
                    );
                } else {
                    same(
                        format!("{label}: delete_if(&{key}, {expected}) is stale"),
                        got,
                        Err(crate::drill::CasError { current }),
                    );
                }
            }
            _ if level == Level::Cas => {}
            #[cfg(feature = "stage-transactions")]
            77..=80 => {
                kv.begin();
                step(format!("{label} begin()"));
                model.stack.push(model.map.clone());
                same(
                    format!("{label}: depth() after begin()"),
                    kv.depth(),
                    model.stack.len(),
                );
            }
            #[cfg(feature = "stage-transactions")]
            81..=83 => {
                let got = kv.commit();
                step(format!("{label} commit() -> {got:?}"));
                let want = model
                    .stack
                    .pop()
                    .map(|_| ())
                    .ok_or(crate::drill::NoTransaction);
                same(format!("{label}: commit()"), got, want);
            }
            #[cfg(feature = "stage-transactions")]
            84..=87 => {
                let got = kv.rollback();
                step(format!("{label} rollback() -> {got:?}"));
                let want = if model.rollback() {
                    Ok(())
                } else {
                    Err(crate::drill::NoTransaction)
                };
                same(format!("{label}: rollback()"), got, want);
            }
            _ if level == Level::Transactions => {}
            #[cfg(feature = "stage-snapshots")]
            88..=90 => {
                snaps.push(Some(kv.snapshot()));
                step(format!("{label} s{} = snapshot()", snaps.len() - 1));
                model.snaps.push(Some(model.map.clone()));
            }
            #[cfg(feature = "stage-snapshots")]
            91..=94 => {
                if let Some(s) = pick_live(rng, &snaps) {
                    let got = kv.get_at(snaps[s].as_ref().expect("live"), &key).copied();
                    step(format!("{label} get_at(&s{s}, &{key}) -> {got:?}"));
                    let want = model.snaps[s]
                        .as_ref()
                        .and_then(|m| m.get(&key))
                        .map(|e| e.value);
                    same(
                        format!("{label}: get_at(&s{s}, &{key}): the value when s{s} was taken"),
                        got,
                        want,
                    );
                }
            }
            #[cfg(feature = "stage-snapshots")]
            95..=96 => {
                if let Some(s) = pick_live(rng, &snaps) {
                    let range = random_range(rng, keys);
                    let limit = rng.edgy(0, u64::from(keys) + 1) as usize;
                    let got = owned(kv.scan_at(snaps[s].as_ref().expect("live"), range, limit));
                    step(format!(
                        "{label} scan_at(&s{s}, {}, {limit}) -> {got:?}",
                        show_range(&range)
                    ));
                    let want: Vec<(u32, u32)> = model.snaps[s]
                        .iter()
                        .flatten()
                        .filter(|(k, _)| in_range(&range, **k))
                        .take(limit)
                        .map(|(k, e)| (*k, e.value))
                        .collect();
                    same(
                        format!(
                            "{label}: scan_at(&s{s}, {}, {limit}): the entries when s{s} was taken",
                            show_range(&range)
                        ),
                        got,
                        want,
                    );
                }
            }
            #[cfg(feature = "stage-snapshots")]
            97..=98 => {
                if let Some(s) = pick_live(rng, &snaps) {
                    kv.release(snaps[s].take().expect("live"));
                    model.snaps[s] = None;
                    step(format!("{label} release(s{s})"));
                }
            }
            #[cfg(feature = "stage-snapshots")]
            99 => {
                let got = kv.retained_versions();
                step(format!("{label} retained_versions() -> {got}"));
                same(format!("{label}: retained_versions(): the distinct versions of present keys plus those live snapshots still read"), got, model.retained());
            }
            _ => {}
        }
    }
}

/// After a write of `key`, learns the version the store gave it and checks it is new for that key.
#[allow(unused_variables)]
fn observe_write(kv: &KvStore<u32, u32>, model: &mut Model, key: u32, level: Level) {
    #[cfg(feature = "stage-compare_and_set")]
    if level >= Level::Cas {
        let Some(version) = kv.version(&key) else {
            fail(format!(
                "version(&{key}) right after writing it returned None"
            ));
        };
        step(format!("   version(&{key}) -> {version}"));
        let highest = model.highest.entry(key).or_insert(0);
        if version <= *highest && *highest > 0 {
            fail(format!(
                "a write gave key {key} version {version}, but it already had version {} before: every write must give a version greater than every version the key ever had",
                *highest
            ));
        }
        *highest = version;
        if let Some(e) = model.map.get_mut(&key) {
            e.version = version;
        }
    }
}

/// Picks an expected version for a conditional write: the current one, absent, a stale one, one
/// above, or 0.
#[cfg(feature = "stage-compare_and_set")]
fn pick_expected(rng: &mut Rng, model: &Model, key: u32) -> Option<u64> {
    let current = model.version(key);
    let highest = model.highest.get(&key).copied().unwrap_or(0);
    match rng.below(6) {
        0..=2 => current,
        3 => None,
        4 => Some(highest.saturating_sub(rng.below(3))),
        _ => Some(*rng.pick(&[0, highest + 1, current.unwrap_or(1) + 1])),
    }
}

/// Picks a live snapshot's index, if any.
fn pick_live<T>(rng: &mut Rng, snaps: &[Option<T>]) -> Option<usize> {
    let live: Vec<usize> = (0..snaps.len()).filter(|&i| snaps[i].is_some()).collect();
    if live.is_empty() {
        None
    } else {
        Some(*rng.pick(&live))
    }
}

/// Parses a script range: `a..b`, `a..=b`, `a..`, `..b`, `..=b`, `..`, and with an excluded start
/// `a<..b`, `a<..=b`, `a<..`.
#[track_caller]
pub fn parse_range(text: &str) -> (Bound<u32>, Bound<u32>) {
    let (start, end) = text
        .split_once("..")
        .unwrap_or_else(|| panic!("script error: {text:?} is not a range"));
    let start = match start.strip_suffix('<') {
        Some(s) => Bound::Excluded(num(s)),
        None if start.is_empty() => Bound::Unbounded,
        None => Bound::Included(num(start)),
    };
    let end = match end.strip_prefix('=') {
        Some(e) => Bound::Included(num(e)),
        None if end.is_empty() => Bound::Unbounded,
        None => Bound::Excluded(num(end)),
    };
    (start, end)
}

/// Parses a number written in a script.
#[track_caller]
pub fn num<T: std::str::FromStr>(word: &str) -> T {
    word.parse()
        .unwrap_or_else(|_| panic!("script error: {word:?} is not a number"))
}

/// Renders an optional value as scripts write it: `none` or the number.
pub fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

/// Renders scan results as scripts write them: `[1=10 2=20]`.
pub fn entries(pairs: &[(u32, u32)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("[{}]", inner.join(" "))
}

/// Plays scenario scripts on a `KvStore<u32, u32>`, one operation per line:
/// `words… [-> expected] [# why]`. Versions are written as variables: `@a` binds to the version
/// seen first and must match it afterwards; `newer @b @a` asserts `@b > @a`.
pub struct Script {
    /// The store under test.
    pub kv: KvStore<u32, u32>,
    vars: BTreeMap<String, u64>,
    snaps: BTreeMap<String, Snap>,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            kv: KvStore::new(),
            vars: BTreeMap::new(),
            snaps: BTreeMap::new(),
        }
    }
}

impl Script {
    /// Plays `script` line by line; a line whose result differs from its expectation fails the check.
    #[track_caller]
    pub fn play(&mut self, script: &str) {
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
            let (call, got) = self.apply(&words);
            step(if got.is_empty() {
                call.clone()
            } else {
                format!("{call} -> {got}")
            });
            let Some(expected) = expected else { continue };
            if !self.matches(&got, expected) {
                let why = if why.is_empty() {
                    String::new()
                } else {
                    format!(": {why}")
                };
                fail(format!(
                    "{call}{why}\nexpected: {}\n     got: {got}",
                    self.render(expected)
                ));
            }
        }
    }

    /// Compares an outcome with an expectation, binding unbound `@variables` to what came back.
    fn matches(&mut self, got: &str, expected: &str) -> bool {
        let got_words: Vec<&str> = got.split_whitespace().collect();
        let want_words: Vec<&str> = expected.split_whitespace().collect();
        if got_words.len() != want_words.len() {
            return false;
        }
        let mut binds = Vec::new();
        for (g, w) in got_words.iter().zip(&want_words) {
            match w.strip_prefix('@') {
                Some(name) => match (self.vars.get(name), g.parse::<u64>()) {
                    (Some(known), Ok(v)) if *known == v => {}
                    (None, Ok(v)) => binds.push((name.to_owned(), v)),
                    _ => return false,
                },
                None if g == w => {}
                None => return false,
            }
        }
        self.vars.extend(binds);
        true
    }

    /// Renders an expectation with known variables replaced by their values.
    fn render(&self, expected: &str) -> String {
        expected
            .split_whitespace()
            .map(
                |w| match w.strip_prefix('@').and_then(|n| self.vars.get(n)) {
                    Some(v) => format!("{v} (the version {w} seen earlier)"),
                    None if w.starts_with('@') => "a version".to_owned(),
                    None => w.to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Returns the version a script word names: `@a` (bound earlier) or a number.
    #[track_caller]
    fn version_word(&self, word: &str) -> u64 {
        match word.strip_prefix('@') {
            Some(name) => *self
                .vars
                .get(name)
                .unwrap_or_else(|| panic!("script error: {word} used before it was seen")),
            None => num(word),
        }
    }

    /// Performs one operation; returns the call as Rust and its rendered outcome.
    #[track_caller]
    fn apply(&mut self, words: &[&str]) -> (String, String) {
        let kv = &mut self.kv;
        match words {
            ["set", k, v] => {
                let (k, v): (u32, u32) = (num(k), num(v));
                (format!("set({k}, {v})"), opt(kv.set(k, v)))
            }
            ["get", k] => {
                let k: u32 = num(k);
                (format!("get(&{k})"), opt(kv.get(&k)))
            }
            ["delete", k] => {
                let k: u32 = num(k);
                (format!("delete(&{k})"), opt(kv.delete(&k)))
            }
            ["scan", r, limit] => {
                let range = parse_range(r);
                let limit: usize = num(limit);
                let got = owned(kv.scan(range, limit));
                (
                    format!("scan({}, {limit})", show_range(&range)),
                    entries(&got),
                )
            }
            ["len"] => ("len()".to_owned(), kv.len().to_string()),
            ["is_empty"] => ("is_empty()".to_owned(), kv.is_empty().to_string()),
            #[cfg(feature = "stage-ttl")]
            ["set_ttl", k, v, ttl] => {
                let (k, v, ttl): (u32, u32, u64) = (num(k), num(v), num(ttl));
                (
                    format!("set_with_ttl({k}, {v}, {ttl})"),
                    opt(kv.set_with_ttl(k, v, ttl)),
                )
            }
            #[cfg(feature = "stage-ttl")]
            ["tick", now] => {
                let now: u64 = num(now);
                (format!("tick({now})"), kv.tick(now).to_string())
            }
            #[cfg(feature = "stage-ttl")]
            ["now"] => ("now()".to_owned(), kv.now().to_string()),
            #[cfg(feature = "stage-ttl")]
            ["ttl", k] => {
                let k: u32 = num(k);
                let got = match kv.ttl(&k) {
                    None => "none".to_owned(),
                    Some(None) => "forever".to_owned(),
                    Some(Some(ms)) => ms.to_string(),
                };
                (format!("ttl(&{k})"), got)
            }
            #[cfg(feature = "stage-compare_and_set")]
            ["version", k] => {
                let k: u32 = num(k);
                (format!("version(&{k})"), opt(kv.version(&k)))
            }
            #[cfg(feature = "stage-compare_and_set")]
            ["newer", b, a] => {
                let (vb, va) = (self.version_word(b), self.version_word(a));
                if vb <= va {
                    fail(format!("version {b} = {vb} must be greater than {a} = {va}: every write gives a key a version greater than every version it had before"));
                }
                (format!("// {b} > {a}"), String::new())
            }
            #[cfg(feature = "stage-compare_and_set")]
            ["cas", k, expected, v] => {
                let (k, v): (u32, u32) = (num(k), num(v));
                let expected = (*expected != "none").then(|| self.version_word(expected));
                let got = match self.kv.cas(k, expected, v) {
                    Ok(version) => format!("ok {version}"),
                    Err(e) => format!("err {}", opt(e.current)),
                };
                (format!("cas({k}, {expected:?}, {v})"), got)
            }
            #[cfg(feature = "stage-compare_and_set")]
            ["delete_if", k, expected] => {
                let k: u32 = num(k);
                let expected = self.version_word(expected);
                let got = match self.kv.delete_if(&k, expected) {
                    Ok(value) => format!("ok {value}"),
                    Err(e) => format!("err {}", opt(e.current)),
                };
                (format!("delete_if(&{k}, {expected})"), got)
            }
            #[cfg(feature = "stage-transactions")]
            ["begin"] => {
                kv.begin();
                ("begin()".to_owned(), String::new())
            }
            #[cfg(feature = "stage-transactions")]
            ["commit"] => (
                "commit()".to_owned(),
                if kv.commit().is_ok() { "ok" } else { "err" }.to_owned(),
            ),
            #[cfg(feature = "stage-transactions")]
            ["rollback"] => (
                "rollback()".to_owned(),
                if kv.rollback().is_ok() { "ok" } else { "err" }.to_owned(),
            ),
            #[cfg(feature = "stage-transactions")]
            ["depth"] => ("depth()".to_owned(), kv.depth().to_string()),
            #[cfg(feature = "stage-snapshots")]
            ["snapshot", name] => {
                let snap = kv.snapshot();
                self.snaps.insert((*name).to_owned(), snap);
                (format!("let {name} = snapshot()"), String::new())
            }
            #[cfg(feature = "stage-snapshots")]
            ["get_at", name, k] => {
                let k: u32 = num(k);
                let snap = self.snap(name);
                (
                    format!("get_at(&{name}, &{k})"),
                    opt(self.kv.get_at(snap, &k)),
                )
            }
            #[cfg(feature = "stage-snapshots")]
            ["scan_at", name, r, limit] => {
                let range = parse_range(r);
                let limit: usize = num(limit);
                let snap = self.snap(name);
                let got = owned(self.kv.scan_at(snap, range, limit));
                (
                    format!("scan_at(&{name}, {}, {limit})", show_range(&range)),
                    entries(&got),
                )
            }
            #[cfg(feature = "stage-snapshots")]
            ["release", name] => {
                let snap = self
                    .snaps
                    .remove(*name)
                    .unwrap_or_else(|| panic!("script error: no snapshot {name}"));
                self.kv.release(snap);
                (format!("release({name})"), String::new())
            }
            #[cfg(feature = "stage-snapshots")]
            ["retained"] => (
                "retained_versions()".to_owned(),
                kv.retained_versions().to_string(),
            ),
            _ => panic!("script error: unknown operation {words:?}"),
        }
    }

    #[cfg(feature = "stage-snapshots")]
    #[track_caller]
    fn snap(&self, name: &str) -> &Snap {
        self.snaps
            .get(name)
            .unwrap_or_else(|| panic!("script error: no snapshot {name}"))
    }
}

/// Plays `script` on a fresh store after describing the scenario.
#[track_caller]
pub fn check(what: &str, script: &str) {
    syskata_kit::scenario(format!("KvStore<u32, u32>, empty: {what}"));
    Script::default().play(script);
}
