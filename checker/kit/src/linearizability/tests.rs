//! Unit tests of the linearizability checker: accepted and rejected histories, speed, shrinking and the timeline.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::*;
use crate::rng::Rng;

/// A map from small keys to small values: `put` returns the previous value, `get` the current one,
/// `cas` swaps when the current value is the expected one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Map(BTreeMap<u8, u8>);

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Put(u8, u8),
    Get(u8),
    Cas(u8, u8, u8),
    Incr(u8),
}

#[derive(Debug, Clone, PartialEq)]
enum Ret {
    Value(Option<u8>),
    Swapped(bool),
}

use Op::*;
use Ret::*;

impl Model for Map {
    type Op = Op;
    type Ret = Ret;

    fn step(&mut self, op: &Op) -> Ret {
        match *op {
            Put(k, v) => Value(self.0.insert(k, v)),
            Get(k) => Value(self.0.get(&k).copied()),
            Cas(k, from, to) => {
                let won = self.0.get(&k).copied().unwrap_or(0) == from;
                if won {
                    self.0.insert(k, to);
                }
                Swapped(won)
            }
            Incr(k) => {
                let n = self.0.get(&k).copied().unwrap_or(0).wrapping_add(1);
                self.0.insert(k, n);
                Value(Some(n))
            }
        }
    }

    fn is_read_only(op: &Op) -> bool {
        matches!(op, Get(_))
    }

    fn show_op(op: &Op) -> String {
        match op {
            Put(k, v) => format!("put({k}, {v})"),
            Get(k) => format!("get({k})"),
            Cas(k, from, to) => format!("cas({k}, {from} -> {to})"),
            Incr(k) => format!("incr({k})"),
        }
    }

    fn show_ret(ret: &Ret) -> String {
        match ret {
            Value(Some(v)) => format!("{v}"),
            Value(None) => "None".to_owned(),
            Swapped(won) => format!("{won}"),
        }
    }

    fn show_state(&self) -> Option<String> {
        Some(format!("{:?}", self.0))
    }
}

fn key(op: &Op) -> u8 {
    match *op {
        Put(k, _) | Get(k) | Cas(k, _, _) | Incr(k) => k,
    }
}

fn some(v: u8) -> Ret {
    Value(Some(v))
}

#[track_caller]
fn accepted(history: &History<Op, Ret>) {
    match check(history, Map::default()) {
        Verdict::Linearizable(order) => assert_eq!(order.len(), history.len()),
        Verdict::Violation(v) => panic!("rejected a linearizable history:\n{v}"),
        Verdict::Undecided { visited } => panic!("undecided after {visited} states"),
    }
}

#[track_caller]
fn rejected(history: &History<Op, Ret>) -> Violation<Op, Ret> {
    match check(history, Map::default()) {
        Verdict::Violation(v) => v,
        other => panic!("accepted a history that is not linearizable: {other:?}"),
    }
}

#[test]
fn a_sequential_history_is_accepted_in_its_own_order() {
    let h = History::new()
        .with(0, 0, 1, Put(1, 5), Value(None))
        .with(1, 2, 3, Get(1), some(5))
        .with(0, 4, 5, Put(1, 6), some(5));
    assert!(matches!(check(&h, Map::default()), Verdict::Linearizable(o) if o == vec![0, 1, 2]));
}

#[test]
fn overlapping_calls_are_accepted_in_the_only_order_that_works() {
    // b's interval ends first, yet it saw a's value: a must take effect first.
    let h = History::new()
        .with(0, 0, 9, Put(1, 1), Value(None))
        .with(1, 1, 4, Put(1, 2), some(1))
        .with(2, 5, 6, Get(1), some(2));
    assert!(matches!(check(&h, Map::default()), Verdict::Linearizable(o) if o == vec![0, 1, 2]));
    // A read that overlaps a write may see the value before or after it.
    accepted(
        &History::new()
            .with(0, 0, 5, Put(1, 1), Value(None))
            .with(1, 1, 2, Get(1), Value(None))
            .with(2, 3, 4, Get(1), some(1)),
    );
}

#[test]
fn the_empty_history_is_accepted() {
    accepted(&History::new());
}

#[test]
fn a_stale_read_after_a_completed_write_is_rejected() {
    let v = rejected(&History::new().with(0, 0, 1, Put(1, 1), Value(None)).with(
        1,
        2,
        3,
        Get(1),
        Value(None),
    ));
    assert!(v
        .why
        .contains("get(1) (thread 1) returned None, but at that point it would return 1"));
}

#[test]
fn a_read_that_goes_back_in_time_is_rejected() {
    // Two reads in a row by one thread see the new value, then the old one.
    rejected(
        &History::new()
            .with(0, 0, 10, Put(1, 1), Value(None))
            .with(1, 1, 2, Get(1), some(1))
            .with(1, 3, 4, Get(1), Value(None)),
    );
}

#[test]
fn a_lost_update_is_rejected() {
    // Two increments that overlap both return 1, and a later read sees 1.
    rejected(
        &History::new()
            .with(0, 0, 3, Incr(1), some(1))
            .with(1, 1, 2, Incr(1), some(1))
            .with(2, 4, 5, Get(1), some(1)),
    );
}

#[test]
fn two_cas_winners_are_rejected() {
    let v = rejected(
        &History::new()
            .with(0, 0, 3, Cas(1, 0, 1), Swapped(true))
            .with(1, 1, 2, Cas(1, 0, 2), Swapped(true)),
    );
    assert!(v.why.contains("would return false"), "{}", v.why);
}

#[test]
fn a_violation_is_cut_at_the_earliest_return_that_already_fails() {
    // A long healthy prefix by two threads, then a stale read, then more calls.
    let mut h = History::new();
    let mut t = 0;
    for i in 0..20u8 {
        h = h.with(
            usize::from(i % 2),
            t,
            t + 1,
            Put(1, i),
            if i == 0 { Value(None) } else { some(i - 1) },
        );
        t += 2;
    }
    let stale_at = t;
    h = h.with(0, t, t + 1, Get(1), some(3));
    for i in 0..10u8 {
        t += 2;
        h = h.with(
            1,
            t,
            t + 1,
            Put(2, i),
            if i == 0 { Value(None) } else { some(i - 1) },
        );
    }
    let v = rejected(&h);
    assert_eq!(v.recorded, 31);
    // Nothing after the stale read; the 20 puts before it, one at a time, leave one state.
    assert_eq!(v.history.ops.len(), 1);
    assert_eq!(v.history.ops[0].call, stale_at);
    assert!(v.why.contains("20 earlier calls"), "{v}");
}

#[test]
fn calls_running_at_the_cut_may_have_taken_effect() {
    // The read at 2..3 sees 7, written by a put still running then: fine. The read at 4..5 sees
    // nothing after a completed put: that fails, with the put of 7 running at the cut.
    let v = rejected(
        &History::new()
            .with(0, 0, 20, Put(1, 7), Value(None))
            .with(1, 1, 2, Put(2, 1), Value(None))
            .with(1, 3, 4, Get(2), Value(None))
            .with(2, 5, 6, Get(1), some(7)),
    );
    assert_eq!(v.history.len(), 3);
    assert_eq!(v.running, vec![0]);
}

#[test]
fn read_only_calls_that_do_not_matter_are_dropped() {
    let v = rejected(
        &History::new()
            .with(0, 0, 1, Put(1, 1), Value(None))
            .with(1, 2, 3, Get(2), Value(None))
            .with(2, 4, 5, Get(3), Value(None))
            .with(1, 6, 7, Get(1), Value(None)),
    );
    let shown: Vec<Op> = v.history.ops.iter().map(|o| o.op.clone()).collect();
    assert_eq!(shown, vec![Get(1)], "{v}");
    assert!(
        v.why.contains(
            "1 earlier call (all returned by then, not shown) leaves one possible state: {1: 1}"
        ),
        "{v}"
    );
}

#[test]
fn histories_are_checked_key_by_key() {
    let mut h = History::new()
        .with(0, 0, 3, Put(1, 1), Value(None))
        .with(1, 1, 4, Put(2, 2), Value(None))
        .with(0, 5, 6, Get(2), some(2))
        .with(1, 7, 8, Get(1), some(1));
    assert!(check_by_key(&h, Map::default(), key).is_linearizable());
    h = h.with(2, 9, 10, Get(2), Value(None));
    match check_by_key(&h, Map::default(), key) {
        Verdict::Violation(v) => {
            assert!(v.history.ops.iter().all(|o| key(&o.op) == 2), "{v}");
        }
        other => panic!("{other:?}"),
    }
}

/// Returns a linearizable history of `threads` × `per_thread` calls on keys 0..keys, every call
/// overlapping the calls of the other threads made about the same time: each call takes effect
/// at a random instant inside its interval.
fn busy_history(rng: &mut Rng, threads: usize, per_thread: usize, keys: u8) -> History<Op, Ret> {
    let mut calls = Vec::new();
    for thread in 0..threads {
        let mut t = rng.below(5);
        for _ in 0..per_thread {
            let call = t;
            let returned = call + rng.range(6, 30);
            let effect = rng.range(call + 1, returned - 1);
            let k = rng.below(u64::from(keys)) as u8;
            let op = match rng.below(4) {
                0 => Put(k, rng.below(3) as u8),
                1 => Cas(k, rng.below(2) as u8, rng.below(3) as u8),
                2 => Incr(k),
                _ => Get(k),
            };
            calls.push((effect, thread, call, returned, op));
            t = returned + rng.range(1, 4);
        }
    }
    // Instants must be distinct, as the recorder's are: spread them out and break ties.
    calls.sort_by_key(|c| c.0);
    let mut model = Map::default();
    let mut h = History::new();
    for (n, (_, thread, call, returned, op)) in calls.into_iter().enumerate() {
        let ret = model.step(&op);
        let n = n as u64;
        h = h.with(thread, call * 1000 + n, returned * 1000 + n + 500, op, ret);
    }
    h
}

#[test]
fn six_threads_of_eight_calls_are_decided_quickly() {
    let mut rng = Rng::new(7);
    let mut slowest = Duration::ZERO;
    let mut rejected = 0;
    for round in 0..40 {
        let h = busy_history(&mut rng, 6, 8, 1);
        let start = Instant::now();
        let verdict = check(&h, Map::default());
        slowest = slowest.max(start.elapsed());
        assert!(verdict.is_linearizable(), "round {round}: {verdict:?}");
        // Corrupt one result: the checker must search hard to give up, and still be quick.
        let mut bad = h.clone();
        let i = rng.index(bad.len());
        bad.ops[i].ret = match &bad.ops[i].ret {
            Swapped(won) => Swapped(!won),
            Value(v) => Value(Some(v.map_or(9, |v| v.wrapping_add(9)))),
        };
        let start = Instant::now();
        let verdict = check(&bad, Map::default());
        slowest = slowest.max(start.elapsed());
        // A corrupted result is sometimes still explained by another order.
        rejected += usize::from(matches!(verdict, Verdict::Violation(_)));
        assert!(
            !matches!(verdict, Verdict::Undecided { .. }),
            "round {round}"
        );
    }
    assert!(
        rejected >= 30,
        "only {rejected} of 40 corrupted histories rejected"
    );
    assert!(
        slowest < Duration::from_millis(500),
        "slowest 6 × 8 history took {slowest:?}"
    );
}

#[test]
fn the_budget_stops_the_search_undecided() {
    let mut rng = Rng::new(3);
    let h = busy_history(&mut rng, 6, 8, 1);
    assert!(matches!(
        check_with_budget(&h, Map::default(), 5),
        Verdict::Undecided { visited: 5 }
    ));
}

#[test]
fn the_recorder_orders_calls_that_do_not_overlap() {
    let recorder: Recorder<Op, Ret> = Recorder::new();
    let cell = Mutex::new(Map::default());
    crate::stress::run_threads(4, |t| {
        let mut log = recorder.thread(t);
        for i in 0..50u8 {
            let op = if i % 3 == 0 { Put(t as u8, i) } else { Incr(0) };
            log.call(op.clone(), || cell.lock().unwrap().step(&op));
        }
    });
    let h = recorder.history();
    assert_eq!(h.len(), 200);
    for thread in 0..4 {
        let mut mine: Vec<_> = h.ops.iter().filter(|o| o.thread == thread).collect();
        mine.sort_by_key(|o| o.call);
        assert!(mine.windows(2).all(|w| w[0].returned < w[1].call));
    }
    assert!(check_by_key(&h, Map::default(), key).is_linearizable());
}

#[test]
fn a_violation_renders_as_a_timeline_with_the_reason() {
    // The put saw no value, so it went first; then the increment should have returned 2.
    let v = rejected(
        &History::new()
            .with(0, 0, 3, Put(1, 1), Value(None))
            .with(1, 1, 2, Incr(1), some(1))
            .with(2, 4, 5, Get(1), some(1)),
    );
    let expected = "\
thread 0  |-- put(1, 1) -> None ---|
thread 1     |-- incr(1) -> 1 --|
The furthest any order gets is 1 of the 2 calls: put(1, 1) (thread 0).
After those, the state is {1: 1}.
Then no call fits next (and every other order fails sooner):
- incr(1) (thread 1) returned 1, but at that point it would return 2.";
    assert_eq!(v.to_string(), expected, "\n{v}");
}

#[test]
fn a_call_running_at_the_cut_is_drawn_open() {
    let v = rejected(
        &History::new()
            .with(0, 0, 20, Put(1, 7), Value(None))
            .with(1, 1, 2, Put(2, 1), Value(None))
            .with(1, 3, 4, Get(2), Value(None)),
    );
    let expected = "\
thread 0  |-- put(1, 7) -> None --…
thread 1     |-- put(2, 1) -> None --|  |-- get(2) -> None --|
";
    assert_eq!(v.timeline, expected, "\n{}", v.timeline);
}

#[test]
fn calls_before_a_quiet_instant_that_leave_one_state_are_summed_up_as_that_state() {
    let v = rejected(
        &History::new()
            .with(0, 0, 1, Put(1, 1), Value(None))
            .with(1, 2, 3, Put(2, 2), Value(None))
            .with(0, 4, 5, Put(1, 5), some(1))
            .with(1, 6, 7, Get(1), Value(None)),
    );
    let expected = "\
thread 1  |-- get(1) -> None --|
Before these calls, 3 earlier calls (all returned by then, not shown) leave one possible state: {1: 5, 2: 2}.
No call can even go first:
- get(1) (thread 1) returned None, but at that point it would return 5.";
    assert_eq!(v.to_string(), expected, "\n{v}");
}
