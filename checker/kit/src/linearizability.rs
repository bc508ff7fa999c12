//! Linearizability checking: record what many threads did to a shared structure, then prove that some sequential order explains every result, or show a learner the smallest history that none does.
//!
//! A concurrent structure is *linearizable* when every call appears to take effect at one instant
//! between its invocation and its return, so that the results are those of a plain sequential
//! implementation (the [`Model`]) run in that order. The checker searches for such an order with
//! the Wing–Gong algorithm, memoising (set of operations already placed, model state) pairs as
//! Lowe's and Porcupine's checkers do, so a history of a few threads × a few operations is decided
//! in well under a millisecond.
//!
//! A check records a history with a [`Recorder`], one [`ThreadLog`] per thread, then asks for a
//! verdict:
//!
//! ```ignore
//! use syskata_kit::linearizability::{self, Model, Recorder};
//!
//! let recorder = Recorder::new();
//! run_threads(4, |t| {
//!     let mut log = recorder.thread(t);
//!     log.call(Op::Put(t as u64, 1), || cache.put(t as u64, 1));
//!     log.call(Op::Get(0), || cache.get(&0));
//! });
//! linearizability::expect_linearizable("round 7", &recorder.history(), MapModel::default());
//! ```
//!
//! On a violation the failure shows the smallest failing part of the history it can find cheaply —
//! one key of a partitioned history ([`expect_linearizable_by_key`]), cut at the earliest return by
//! which no order works any more, with operations the model calls read-only dropped where the rest
//! still fails — as a timeline with one row per thread, and says which operation could not be placed
//! and what the model would have returned instead.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::{self, Debug, Display, Write as _};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::fail::fail;

/// How many (placed set, model state) pairs one search may visit before it gives up undecided.
pub const DEFAULT_BUDGET: usize = 1_000_000;

/// The sequential specification a concurrent history is checked against.
///
/// The state is `Clone + Hash + Eq` so that the search can remember which (operations placed,
/// state) pairs it has already explored; keep it small (a few keys) and canonical (two states that
/// behave the same should compare equal, e.g. a `BTreeMap` rather than an insertion-ordered list when
/// order does not matter).
pub trait Model: Clone + Hash + Eq {
    /// One operation with its arguments (`Put(1, "a")`).
    type Op: Clone + Debug;
    /// What an operation returns (`Some("a")`); compared with `==` against the recorded result.
    type Ret: Clone + Debug + PartialEq;

    /// Applies `op` to the state and returns what a correct sequential implementation returns.
    fn step(&mut self, op: &Self::Op) -> Self::Ret;

    /// Returns whether `op` never changes the state, whatever the state; such operations may be
    /// dropped when the checker shrinks a failing history (a plain `get` of a map: yes; an LRU
    /// `get`, which refreshes recency: no). The default, `false`, is always safe.
    fn is_read_only(_op: &Self::Op) -> bool {
        false
    }

    /// Returns `op` as the learner should read it in a timeline (`put(1, "a")`); defaults to `Debug`.
    fn show_op(op: &Self::Op) -> String {
        format!("{op:?}")
    }

    /// Returns `ret` as the learner should read it in a timeline (`None`); defaults to `Debug`.
    fn show_ret(ret: &Self::Ret) -> String {
        format!("{ret:?}")
    }

    /// Returns the state as the learner should read it in an explanation, or `None` to say nothing.
    fn show_state(&self) -> Option<String> {
        None
    }
}

/// One completed call: who made it, what it was, what it returned, and when (logical instants).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation<Op, Ret> {
    /// The thread that made the call (a row of the timeline).
    pub thread: usize,
    /// The operation and its arguments.
    pub op: Op,
    /// What the call returned.
    pub ret: Ret,
    /// The instant just before the call began.
    pub call: u64,
    /// The instant just after the call returned; greater than `call`.
    pub returned: u64,
}

/// A history: the completed calls of one run, in any order.
#[derive(Debug, Clone, PartialEq)]
pub struct History<Op, Ret> {
    /// The calls.
    pub ops: Vec<Operation<Op, Ret>>,
}

impl<Op, Ret> Default for History<Op, Ret> {
    fn default() -> Self {
        History { ops: Vec::new() }
    }
}

impl<Op, Ret> History<Op, Ret> {
    /// Returns an empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a call by `thread` spanning the instants `call..returned` (for histories written by
    /// hand, e.g. in tests); returns the history for chaining.
    pub fn with(mut self, thread: usize, call: u64, returned: u64, op: Op, ret: Ret) -> Self {
        self.ops.push(Operation {
            thread,
            op,
            ret,
            call,
            returned,
        });
        self
    }

    /// Returns the number of calls.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Returns whether the history has no calls.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Records the calls of many threads on one shared logical clock (an atomic counter), so that a
/// call that returned before another began always has the smaller instants.
///
/// Each thread takes its own [`ThreadLog`] with [`Recorder::thread`] and records into it without
/// any lock (a shared lock around every call would serialise the threads and hide races); the logs
/// join the recorder when they are dropped.
#[derive(Debug)]
pub struct Recorder<Op, Ret> {
    clock: AtomicU64,
    done: Mutex<Vec<Operation<Op, Ret>>>,
}

impl<Op, Ret> Default for Recorder<Op, Ret> {
    fn default() -> Self {
        Recorder {
            clock: AtomicU64::new(0),
            done: Mutex::new(Vec::new()),
        }
    }
}

impl<Op, Ret> Recorder<Op, Ret> {
    /// Returns a recorder with an empty history and its clock at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the log thread `thread` records its calls into; it joins the history when dropped.
    pub fn thread(&self, thread: usize) -> ThreadLog<'_, Op, Ret> {
        ThreadLog {
            recorder: self,
            thread,
            ops: Vec::new(),
        }
    }

    /// Returns the history recorded so far (the calls of every dropped log) and empties the recorder.
    pub fn take(&self) -> History<Op, Ret> {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        History {
            ops: std::mem::take(&mut *done),
        }
    }

    /// Returns the history of every dropped log, consuming the recorder.
    pub fn history(self) -> History<Op, Ret> {
        History {
            ops: self.done.into_inner().unwrap_or_else(|p| p.into_inner()),
        }
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst)
    }
}

/// One thread's log of calls; see [`Recorder::thread`].
#[derive(Debug)]
pub struct ThreadLog<'r, Op, Ret> {
    recorder: &'r Recorder<Op, Ret>,
    thread: usize,
    ops: Vec<Operation<Op, Ret>>,
}

impl<Op, Ret: Clone> ThreadLog<'_, Op, Ret> {
    /// Runs `f` (the real call), records `op` with what it returned and the instants just before and
    /// just after it, and returns the result.
    pub fn call(&mut self, op: Op, f: impl FnOnce() -> Ret) -> Ret {
        let call = self.recorder.tick();
        let ret = f();
        let returned = self.recorder.tick();
        self.ops.push(Operation {
            thread: self.thread,
            op,
            ret: ret.clone(),
            call,
            returned,
        });
        ret
    }
}

impl<Op, Ret> Drop for ThreadLog<'_, Op, Ret> {
    fn drop(&mut self) {
        let mut done = self.recorder.done.lock().unwrap_or_else(|p| p.into_inner());
        done.append(&mut self.ops);
    }
}

/// The answer of a check.
#[derive(Debug, Clone)]
pub enum Verdict<Op, Ret> {
    /// Some order explains every result: the indices into the history's `ops`, in that order.
    Linearizable(Vec<usize>),
    /// No order does; the smallest failing history found and why.
    Violation(Violation<Op, Ret>),
    /// The search visited its budget of states without deciding (the history is too large: record
    /// shorter rounds, or partition by key).
    Undecided {
        /// The states visited.
        visited: usize,
    },
}

impl<Op, Ret> Verdict<Op, Ret> {
    /// Returns whether the verdict is [`Verdict::Linearizable`].
    pub fn is_linearizable(&self) -> bool {
        matches!(self, Verdict::Linearizable(_))
    }
}

/// A history with no legal sequential order, shrunk, with what the search learned about it.
#[derive(Debug, Clone)]
pub struct Violation<Op, Ret> {
    /// The smallest failing history found (a part of the recorded one).
    pub history: History<Op, Ret>,
    /// Calls that were still running at the cut (they may or may not have taken effect), by index
    /// into `history.ops`.
    pub running: Vec<usize>,
    /// How many calls the whole recorded history (or partition) had.
    pub recorded: usize,
    /// The timeline of `history`, one row per thread.
    pub timeline: String,
    /// Why no order works, in sentences.
    pub why: String,
}

impl<Op, Ret> Display for Violation<Op, Ret> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.timeline.trim_end(), self.why.trim_end())
    }
}

/// Decides whether `history` is linearizable with respect to `model` (the initial state), with the
/// default budget; on a violation, shrinks the history and explains it.
pub fn check<M: Model>(history: &History<M::Op, M::Ret>, model: M) -> Verdict<M::Op, M::Ret> {
    check_with_budget(history, model, DEFAULT_BUDGET)
}

/// [`check`] with a budget of search states (see [`DEFAULT_BUDGET`]).
pub fn check_with_budget<M: Model>(
    history: &History<M::Op, M::Ret>,
    model: M,
    budget: usize,
) -> Verdict<M::Op, M::Ret> {
    let all: Vec<Call> = (0..history.ops.len())
        .map(|i| Call::completed(i, &history.ops[i]))
        .collect();
    match search(&history.ops, &all, &model, budget) {
        Search::Found(order) => Verdict::Linearizable(order),
        Search::GaveUp(visited) => Verdict::Undecided { visited },
        Search::Stuck(_) => Verdict::Violation(shrink(history, all, &model, budget)),
    }
}

/// Checks each part of `history` that `key` puts together (P-compositionality: a history of
/// independent objects is linearizable exactly when the history of each object is), each against
/// its own copy of `model`; returns an empty order when every part is linearizable, otherwise the
/// smallest violation of all parts.
///
/// Every operation must touch exactly the object its key names: an operation that reads several
/// keys (`len`, a scan) cannot be partitioned — check such histories whole.
pub fn check_by_key<M: Model, K: Ord>(
    history: &History<M::Op, M::Ret>,
    model: M,
    key: impl Fn(&M::Op) -> K,
) -> Verdict<M::Op, M::Ret> {
    let mut parts: BTreeMap<K, History<M::Op, M::Ret>> = BTreeMap::new();
    for op in &history.ops {
        parts.entry(key(&op.op)).or_default().ops.push(op.clone());
    }
    let mut worst: Option<Violation<M::Op, M::Ret>> = None;
    let mut undecided = None;
    for part in parts.values() {
        match check(part, model.clone()) {
            Verdict::Linearizable(_) => {}
            Verdict::Undecided { visited } => undecided = Some(visited),
            Verdict::Violation(v) => {
                if worst
                    .as_ref()
                    .is_none_or(|w| v.history.len() < w.history.len())
                {
                    worst = Some(v);
                }
            }
        }
    }
    match (worst, undecided) {
        (Some(v), _) => Verdict::Violation(v),
        (None, Some(visited)) => Verdict::Undecided { visited },
        (None, None) => Verdict::Linearizable(Vec::new()),
    }
}

/// Fails the check unless `history` is linearizable with respect to `model`; `what` names the
/// history (the round, the set-up). The failure shows the shrunk history as a timeline and why no
/// order works.
#[track_caller]
pub fn expect_linearizable<M: Model>(
    what: impl Display,
    history: &History<M::Op, M::Ret>,
    model: M,
) {
    report(what, check(history, model));
}

/// [`expect_linearizable`] on each part of the history that `key` puts together (see
/// [`check_by_key`]); the failure shows the smallest failing part.
#[track_caller]
pub fn expect_linearizable_by_key<M: Model, K: Ord>(
    what: impl Display,
    history: &History<M::Op, M::Ret>,
    model: M,
    key: impl Fn(&M::Op) -> K,
) {
    report(what, check_by_key(history, model, key));
}

#[track_caller]
fn report<Op, Ret>(what: impl Display, verdict: Verdict<Op, Ret>) {
    match verdict {
        Verdict::Linearizable(_) => {}
        Verdict::Undecided { visited } => fail(format!(
            "{what}: the linearizability checker gave up after {visited} search states without \
             deciding. This is a limit of the checker, not a verdict on your code: the history is \
             too large (the check should record shorter rounds)"
        )),
        Verdict::Violation(v) => fail(format!(
            "{what}: the results cannot come from any one-at-a-time order of the calls \
             (the structure is not linearizable).\n{}{v}",
            if v.history.len() < v.recorded {
                format!(
                    "The {} calls below (of {} recorded) already show it:\n",
                    v.history.len(),
                    v.recorded
                )
            } else {
                String::new()
            }
        )),
    }
}

/// A call as the search sees it: completed (its result must match) or still running at a cut
/// (it may be placed, with any result, or left out).
#[derive(Debug, Clone, Copy)]
struct Call {
    /// Index into the history's `ops`.
    index: usize,
    call: u64,
    /// `u64::MAX` while running.
    returned: u64,
    running: bool,
}

impl Call {
    fn completed<Op, Ret>(index: usize, op: &Operation<Op, Ret>) -> Self {
        Call {
            index,
            call: op.call,
            returned: op.returned,
            running: false,
        }
    }
}

/// What a search found.
enum Search {
    /// An order (indices into the history's `ops`).
    Found(Vec<usize>),
    /// No order; the longest order of calls that could be placed (indices into `calls`).
    Stuck(Vec<usize>),
    /// Out of budget after visiting this many states.
    GaveUp(usize),
}

/// A set of calls by position in the `calls` slice.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Placed(Vec<u64>);

impl Placed {
    fn new(n: usize) -> Self {
        Placed(vec![0; n.div_ceil(64)])
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn flip(&mut self, i: usize) {
        self.0[i / 64] ^= 1 << (i % 64);
    }
}

struct Searcher<'a, M: Model> {
    ops: &'a [Operation<M::Op, M::Ret>],
    calls: &'a [Call],
    seen: HashSet<(Placed, M)>,
    budget: usize,
    path: Vec<usize>,
    longest: Vec<usize>,
    completed_left: usize,
    /// When set, the search collects the state after every complete order instead of stopping
    /// at the first.
    ends: Option<HashSet<M>>,
}

impl<M: Model> Searcher<'_, M> {
    /// Returns `Some(true)` when the calls not in `placed` can all be placed after `state`,
    /// `Some(false)` when they cannot, `None` when out of budget.
    fn dive(&mut self, placed: &mut Placed, state: &M) -> Option<bool> {
        if self.completed_left == 0 {
            return match &mut self.ends {
                Some(ends) => {
                    ends.insert(state.clone());
                    Some(false)
                }
                None => Some(true),
            };
        }
        if self.path.len() > self.longest.len() {
            self.longest.clone_from(&self.path);
        }
        // A call can go next only if it began before every unplaced completed call returned.
        let horizon = self
            .calls
            .iter()
            .enumerate()
            .filter(|&(i, c)| !placed.has(i) && !c.running)
            .map(|(_, c)| c.returned)
            .min()
            .unwrap_or(u64::MAX);
        let eligible: Vec<usize> = (0..self.calls.len())
            .filter(|&i| !placed.has(i) && self.calls[i].call < horizon)
            .filter(|&i| {
                !(self.calls[i].running && M::is_read_only(&self.ops[self.calls[i].index].op))
            })
            .collect();
        // A read-only call that fits now may go now: in any order that works, moving it forward to
        // here changes no other result and breaks no real-time precedence (it is eligible).
        let forced = eligible.iter().copied().find(|&i| {
            let op = &self.ops[self.calls[i].index];
            !self.calls[i].running
                && M::is_read_only(&op.op)
                && state.clone().step(&op.op) == op.ret
        });
        let choices = match forced {
            Some(i) => vec![i],
            None => eligible,
        };
        for i in choices {
            let c = self.calls[i];
            let mut next = state.clone();
            let ret = next.step(&self.ops[c.index].op);
            if !c.running && ret != self.ops[c.index].ret {
                continue;
            }
            placed.flip(i);
            if self.seen.len() >= self.budget {
                return None;
            }
            if self.seen.insert((placed.clone(), next.clone())) {
                self.path.push(i);
                self.completed_left -= usize::from(!c.running);
                let found = self.dive(placed, &next);
                self.completed_left += usize::from(!c.running);
                if found != Some(false) {
                    return found;
                }
                self.path.pop();
            }
            placed.flip(i);
        }
        Some(false)
    }
}

fn search<M: Model>(
    ops: &[Operation<M::Op, M::Ret>],
    calls: &[Call],
    model: &M,
    budget: usize,
) -> Search {
    let mut searcher = Searcher {
        ops,
        calls,
        seen: HashSet::new(),
        budget,
        path: Vec::new(),
        longest: Vec::new(),
        completed_left: calls.iter().filter(|c| !c.running).count(),
        ends: None,
    };
    let mut placed = Placed::new(calls.len());
    match searcher.dive(&mut placed, model) {
        Some(true) => Search::Found(searcher.path.iter().map(|&i| calls[i].index).collect()),
        Some(false) => Search::Stuck(searcher.longest),
        None => Search::GaveUp(searcher.seen.len()),
    }
}

/// Returns every state in which some order of `calls` (none of them running) can end, or `None`
/// when out of budget.
fn end_states<M: Model>(
    ops: &[Operation<M::Op, M::Ret>],
    calls: &[Call],
    model: &M,
    budget: usize,
) -> Option<HashSet<M>> {
    let mut searcher = Searcher {
        ops,
        calls,
        seen: HashSet::new(),
        budget,
        path: Vec::new(),
        longest: Vec::new(),
        completed_left: calls.len(),
        ends: Some(HashSet::new()),
    };
    searcher.dive(&mut Placed::new(calls.len()), model)?;
    searcher.ends
}

/// Drops the calls before the latest quiet instant (no call running across it) at which the
/// calls before it can only have left one state, when the rest still fails from that state: they
/// add nothing to the story but length. Returns the rest, the state, and how many were dropped.
fn trim_front<M: Model>(
    ops: &[Operation<M::Op, M::Ret>],
    calls: Vec<Call>,
    model: &M,
    budget: usize,
) -> (Vec<Call>, M, usize) {
    if model.show_state().is_none() {
        return (calls, model.clone(), 0);
    }
    let mut quiet: Vec<u64> = calls
        .iter()
        .filter(|c| !c.running)
        .map(|c| c.returned)
        .filter(|&t| calls.iter().all(|c| c.returned <= t || c.call > t))
        .collect();
    quiet.sort_unstable();
    quiet.dedup();
    for &t in quiet.iter().rev() {
        let (before, after): (Vec<Call>, Vec<Call>) = calls.iter().partition(|c| c.returned <= t);
        if after.iter().all(|c| c.running) {
            continue;
        }
        let Some(states) = end_states(ops, &before, model, budget) else {
            continue;
        };
        let mut states = states.into_iter();
        if let (Some(state), None) = (states.next(), states.next()) {
            if fails(ops, &after, &state, budget) {
                return (after, state, before.len());
            }
        }
    }
    (calls, model.clone(), 0)
}

/// Returns the calls of `all` as seen at instant `cut`: those that returned by then, plus those
/// begun but still running (optional, any result); later calls are left out.
fn cut_at(all: &[Call], cut: u64) -> Vec<Call> {
    all.iter()
        .filter(|c| c.call < cut)
        .map(|&c| Call {
            running: c.running || c.returned > cut,
            returned: if c.returned > cut {
                u64::MAX
            } else {
                c.returned
            },
            ..c
        })
        .collect()
}

fn fails<M: Model>(
    ops: &[Operation<M::Op, M::Ret>],
    calls: &[Call],
    model: &M,
    budget: usize,
) -> bool {
    matches!(search(ops, calls, model, budget), Search::Stuck(_))
}

/// Shrinks a failing history: the earliest cut by which no order works, then without each
/// read-only call whose absence still fails; then explains it.
fn shrink<M: Model>(
    history: &History<M::Op, M::Ret>,
    all: Vec<Call>,
    model: &M,
    budget: usize,
) -> Violation<M::Op, M::Ret> {
    let ops = &history.ops;
    // Failing is monotone in the cut: any order of a later cut, stopped after the last call
    // completed by an earlier cut, is an order of the earlier cut.
    let mut returns: Vec<u64> = all.iter().map(|c| c.returned).collect();
    returns.sort_unstable();
    returns.dedup();
    let (mut lo, mut hi) = (0, returns.len() - 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fails(ops, &cut_at(&all, returns[mid]), model, budget) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let mut calls = cut_at(&all, returns[lo]);
    // Dropping a call that never changes the state only removes constraints, so what still fails
    // without it failed with it. First drop at once every read-only call but those the search got
    // stuck on, then try the rest one by one.
    if let Search::Stuck(longest) = search(ops, &calls, model, budget) {
        let (_, stuck) = stuck_at(ops, &calls, &longest, model);
        let fewer: Vec<Call> = (0..calls.len())
            .filter(|i| stuck.contains(i) || !M::is_read_only(&ops[calls[*i].index].op))
            .map(|i| calls[i])
            .collect();
        if fewer.len() < calls.len() && fails(ops, &fewer, model, budget) {
            calls = fewer;
        }
    }
    let mut i = 0;
    while i < calls.len() {
        if M::is_read_only(&ops[calls[i].index].op) && calls.len() > 1 {
            let mut fewer = calls.clone();
            fewer.remove(i);
            if fails(ops, &fewer, model, budget) {
                calls = fewer;
                continue;
            }
        }
        i += 1;
    }
    let (mut calls, start, trimmed) = trim_front(ops, calls, model, budget);
    // Renumber into a history of its own, in call order.
    calls.sort_by_key(|c| c.call);
    let shown = History {
        ops: calls.iter().map(|c| ops[c.index].clone()).collect(),
    };
    let running: Vec<usize> = (0..calls.len()).filter(|&i| calls[i].running).collect();
    let local: Vec<Call> = calls
        .iter()
        .enumerate()
        .map(|(i, c)| Call { index: i, ..*c })
        .collect();
    let longest = match search(&shown.ops, &local, &start, budget) {
        Search::Stuck(longest) => longest,
        _ => Vec::new(),
    };
    let mut why = String::new();
    if trimmed > 0 {
        let (calls, leave) = if trimmed == 1 {
            ("call", "leaves")
        } else {
            ("calls", "leave")
        };
        let _ = writeln!(
            why,
            "Before these calls, {trimmed} earlier {calls} (all returned by then, not shown) \
             {leave} one possible state: {}.",
            start.show_state().unwrap_or_default()
        );
    }
    why.push_str(&explain(&shown, &local, &longest, &start));
    Violation {
        timeline: timeline::<M>(&shown, &running),
        history: shown,
        running,
        recorded: ops.len(),
        why,
    }
}

fn label<M: Model>(op: &Operation<M::Op, M::Ret>) -> String {
    format!("{} -> {}", M::show_op(&op.op), M::show_ret(&op.ret))
}

/// Replays `longest` (positions in `calls`) from `model` and returns the state reached and the
/// completed calls that were eligible next there (at the end of the longest order, all of them
/// return something else than what they returned).
fn stuck_at<M: Model>(
    ops: &[Operation<M::Op, M::Ret>],
    calls: &[Call],
    longest: &[usize],
    model: &M,
) -> (M, Vec<usize>) {
    let mut state = model.clone();
    let mut placed = Placed::new(calls.len());
    for &i in longest {
        state.step(&ops[calls[i].index].op);
        placed.flip(i);
    }
    let horizon = calls
        .iter()
        .enumerate()
        .filter(|&(i, c)| !placed.has(i) && !c.running)
        .map(|(_, c)| c.returned)
        .min()
        .unwrap_or(u64::MAX);
    let stuck = (0..calls.len())
        .filter(|&i| !placed.has(i) && !calls[i].running && calls[i].call < horizon)
        .collect();
    (state, stuck)
}

/// Says why no order works: the furthest any order gets, and what each call that could go next
/// would have returned there.
fn explain<M: Model>(
    history: &History<M::Op, M::Ret>,
    calls: &[Call],
    longest: &[usize],
    model: &M,
) -> String {
    let ops = &history.ops;
    let (state, stuck) = stuck_at(ops, calls, longest, model);
    let mut text = String::new();
    let where_ = |c: &Call| {
        let running = if c.running { ", still running" } else { "" };
        format!("thread {}{running}", ops[c.index].thread)
    };
    if longest.is_empty() {
        let _ = writeln!(text, "No call can even go first:");
    } else {
        let order: Vec<String> = longest
            .iter()
            .map(|&i| {
                format!(
                    "{} ({})",
                    M::show_op(&ops[calls[i].index].op),
                    where_(&calls[i])
                )
            })
            .collect();
        let _ = writeln!(
            text,
            "The furthest any order gets is {} of the {} calls: {}.",
            longest.len(),
            calls.len(),
            order.join(", then ")
        );
        if let Some(s) = state.show_state() {
            let _ = writeln!(text, "After those, the state is {s}.");
        }
        let _ = writeln!(
            text,
            "Then no call fits next (and every other order fails sooner):"
        );
    }
    for &i in &stuck {
        let op = &ops[calls[i].index];
        let mut next = state.clone();
        let would = next.step(&op.op);
        let _ = writeln!(
            text,
            "- {} ({}) returned {}, but at that point it would return {}.",
            M::show_op(&op.op),
            where_(&calls[i]),
            M::show_ret(&op.ret),
            M::show_ret(&would)
        );
    }
    let later: Vec<String> = calls
        .iter()
        .enumerate()
        .filter(|&(i, c)| !c.running && !longest.contains(&i) && !stuck.contains(&i))
        .map(|(_, c)| format!("{} ({})", M::show_op(&ops[c.index].op), where_(c)))
        .collect();
    if !later.is_empty() {
        let _ = writeln!(
            text,
            "(Not eligible there: {}, which began only after a call above had returned.)",
            later.join(", ")
        );
    }
    if calls.iter().any(|c| c.running) {
        let _ = writeln!(
            text,
            "A call drawn open-ended (…) was still running at the cut: it may or may not have \
             taken effect, and either way no order works."
        );
    }
    text
}

/// Renders `history` as a timeline: one row per thread, each call an interval from its call to its
/// return (`|-- put(1, a) -> None --|`) on a common axis: calls whose intervals overlap may take
/// effect in either order, a call that ends left of another's start takes effect first. Calls whose
/// indices are in `running` are drawn open to the right (`|-- put(1, a) -> None --…`).
pub fn timeline<M: Model>(history: &History<M::Op, M::Ret>, running: &[usize]) -> String {
    let ops = &history.ops;
    if ops.is_empty() {
        return String::from("(no calls)\n");
    }
    let labels: Vec<String> = ops.iter().map(label::<M>).collect();
    let open = |i: usize| running.contains(&i);
    // Each distinct instant gets a column; a call's interval is wide enough for its label.
    let mut instants: Vec<u64> = ops
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            if open(i) {
                vec![o.call]
            } else {
                vec![o.call, o.returned]
            }
        })
        .collect();
    instants.sort_unstable();
    instants.dedup();
    let mut ending: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, o) in ops.iter().enumerate() {
        if !open(i) {
            ending.entry(o.returned).or_default().push(i);
        }
    }
    let mut column: HashMap<u64, usize> = HashMap::new();
    let mut x = 0usize;
    for (n, &t) in instants.iter().enumerate() {
        if n > 0 {
            // Two spaces between the end of one call and the start of the next.
            x += 3;
        }
        for &i in ending.get(&t).into_iter().flatten() {
            x = x.max(column[&ops[i].call] + labels[i].chars().count() + 7);
        }
        column.insert(t, x);
    }
    let open_width = |i: usize| labels[i].chars().count() + 7;
    let width = (0..ops.len())
        .filter(|&i| open(i))
        .map(|i| column[&ops[i].call] + open_width(i) + 2)
        .chain([x + 1])
        .max()
        .unwrap_or(0);
    // Rows: each thread's calls in call order; calls of a thread that overlap (only in histories
    // written by hand) go on an extra row.
    let mut rows: BTreeMap<usize, Vec<Vec<usize>>> = BTreeMap::new();
    let mut order: Vec<usize> = (0..ops.len()).collect();
    order.sort_by_key(|&i| ops[i].call);
    for i in order {
        let lanes = rows.entry(ops[i].thread).or_default();
        let end = |j: usize| {
            if open(j) {
                u64::MAX
            } else {
                ops[j].returned
            }
        };
        match lanes
            .iter_mut()
            .find(|lane| lane.last().is_none_or(|&j| end(j) < ops[i].call))
        {
            Some(lane) => lane.push(i),
            None => lanes.push(vec![i]),
        }
    }
    let name_width = rows
        .keys()
        .map(|t| format!("thread {t}").len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for (thread, lanes) in &rows {
        for (n, lane) in lanes.iter().enumerate() {
            let mut line: Vec<char> = vec![' '; width];
            for &i in lane {
                let start = column[&ops[i].call];
                let end = if open(i) {
                    start + open_width(i)
                } else {
                    column[&ops[i].returned]
                };
                draw(&mut line, start, end, &labels[i], open(i));
            }
            let name = if n == 0 {
                format!("thread {thread}")
            } else {
                String::new()
            };
            let row: String = line.into_iter().collect();
            let _ = writeln!(text, "{name:<name_width$}  {}", row.trim_end());
        }
    }
    text
}

/// Draws `|-- label --|` from column `start` to column `end` (or `|-- label --…` when open).
fn draw(line: &mut [char], start: usize, end: usize, label: &str, open: bool) {
    let inner = end - start - 1;
    let text: Vec<char> = format!(" {label} ").chars().collect();
    let left = (inner - text.len()) / 2;
    line[start] = '|';
    for (k, slot) in line[start + 1..end].iter_mut().enumerate() {
        *slot = if k >= left && k < left + text.len() {
            text[k - left]
        } else {
            '-'
        };
    }
    line[end] = if open { '…' } else { '|' };
}

#[cfg(test)]
mod tests;
