//! Stage concurrent: a linearizable `SharedKv` (checked on recorded histories), one cas winner, and optimistic transactions.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::{Bound, RangeBounds};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use syskata_kit::linearizability::{self, History, Model};
use syskata_kit::stress::{run_threads, SpinBarrier};
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{CasError, Conflict, SharedKv};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            shared_kv_is_send_and_sync_and_means_what_kv_store_means,
            a_shared_kv_scan_with_limit_zero_returns_nothing,
            shared_kv_tick_expires_exactly_the_keys_that_are_due,
            many_threads_setting_distinct_keys_lose_nothing,
            racing_calls_are_linearizable,
            racing_cas_on_one_version_has_exactly_one_winner,
            racing_create_if_absent_has_exactly_one_winner,
            racing_sets_each_replace_a_different_value,
            cas_retry_loops_lose_no_increment,
            a_transaction_reads_its_own_writes_and_hides_them_until_commit,
            a_transaction_reads_the_store_as_it_is_when_it_reads,
            reading_its_own_write_remembers_no_version,
            a_dropped_transaction_changes_nothing,
            a_transaction_conflicts_when_a_key_it_read_changed,
            the_first_committer_wins,
            a_transaction_that_read_nothing_never_conflicts,
            write_skew_is_refused,
            transaction_retry_loops_lose_no_increment,
            a_commit_is_seen_whole_or_not_at_all,
            snapshot_reads_match_their_moment_while_others_write,
            snapshot_reads_never_wait_for_a_stalled_writer,
            an_open_transaction_blocks_no_one,
            everything_at_once_never_deadlocks,
        ],
    }
}

/// Fails unless `T` can be shared across threads.
fn assert_send_sync<T: Send + Sync>() {}

fn shared_kv_is_send_and_sync_and_means_what_kv_store_means(_: &mut Ctx) {
    scenario("SharedKv<u32, u32> used from one thread: each method as KvStore's of the same name");
    assert_send_sync::<SharedKv<u32, u32>>();
    let kv: SharedKv<u32, u32> = SharedKv::new();
    step("set(1, 10); set(2, 20); set(1, 11)");
    expect_eq("set(1, 10) on an empty store", kv.set(1, 10), None);
    expect_eq("set(2, 20)", kv.set(2, 20), None);
    expect_eq(
        "set(1, 11) returns the value it replaced",
        kv.set(1, 11),
        Some(10),
    );
    expect_eq("get(&1)", kv.get(&1), Some(11));
    expect_eq("scan(.., 10)", kv.scan(.., 10), vec![(1, 11), (2, 20)]);
    expect_eq("(len(), is_empty())", (kv.len(), kv.is_empty()), (2, false));
    step("delete(&2); set_with_ttl(3, 30, 5); tick(5)");
    expect_eq("delete(&2)", kv.delete(&2), Some(20));
    expect_eq("set_with_ttl(3, 30, 5)", kv.set_with_ttl(3, 30, 5), None);
    expect_eq("tick(5) expires key 3", kv.tick(5), 1);
    expect_eq("get(&3) after its deadline", kv.get(&3), None);
    let v = kv.version(&1);
    expect(v.is_some(), "version(&1) of a present key is Some");
    let snap = kv.snapshot();
    let new = kv.cas(1, v, 12);
    expect(
        new.is_ok(),
        format!("cas(1, {v:?}, 12) with the current version: got {new:?}"),
    );
    expect_eq(
        "cas(1, <the old version>, 13) is stale",
        kv.cas(1, v, 13),
        Err(CasError { current: new.ok() }),
    );
    expect_eq(
        "get_at(&snap, &1): the value before the cas",
        kv.get_at(&snap, &1),
        Some(11),
    );
    expect_eq(
        "scan_at(&snap, .., 10)",
        kv.scan_at(&snap, .., 10),
        vec![(1, 11)],
    );
    expect_eq(
        "retained_versions() with the snapshot live",
        kv.retained_versions(),
        2,
    );
    kv.release(snap);
    expect_eq(
        "retained_versions() after release",
        kv.retained_versions(),
        1,
    );
    let now = kv.version(&1).unwrap_or(0);
    expect_eq("delete_if(&1, <current>)", kv.delete_if(&1, now), Ok(12));
    expect(kv.is_empty(), "the store is empty after delete_if");
    scenario(
        "keys 1..=5 hold 10..=50; scan and scan_at over every kind of range, as KvStore's scan",
    );
    for k in 1..=5 {
        kv.set(k, k * 10);
    }
    let snap = kv.snapshot();
    kv.set(9, 90);
    type Range = (Bound<u32>, Bound<u32>);
    let ranges: [(&str, Range); 7] = [
        ("2..4", (Bound::Included(2), Bound::Excluded(4))),
        ("2..=4", (Bound::Included(2), Bound::Included(4))),
        (
            "(Excluded(2), Included(4))",
            (Bound::Excluded(2), Bound::Included(4)),
        ),
        (
            "(Excluded(2), Unbounded)",
            (Bound::Excluded(2), Bound::Unbounded),
        ),
        ("..3", (Bound::Unbounded, Bound::Excluded(3))),
        ("4..2 (backwards)", (Bound::Included(4), Bound::Excluded(2))),
        (
            "(Excluded(3), Excluded(3))",
            (Bound::Excluded(3), Bound::Excluded(3)),
        ),
    ];
    let within = |keys: &[u32], range: &Range| -> Vec<(u32, u32)> {
        keys.iter()
            .filter(|k| range.contains(*k))
            .map(|k| (*k, k * 10))
            .collect()
    };
    for (name, range) in ranges {
        let now = within(&[1, 2, 3, 4, 5, 9], &range);
        expect_eq(format!("scan({name}, 10)"), kv.scan(range, 10), now.clone());
        expect_eq(
            format!("scan({name}, 1): the limit keeps the first"),
            kv.scan(range, 1),
            now.into_iter().take(1).collect::<Vec<_>>(),
        );
        expect_eq(
            format!("scan_at(&snap, {name}, 10): key 9 was set after the snapshot"),
            kv.scan_at(&snap, range, 10),
            within(&[1, 2, 3, 4, 5], &range),
        );
    }
    kv.release(snap);
    for k in [1, 2, 3, 4, 5, 9] {
        kv.delete(&k);
    }
    step("set(1, 1); a = snapshot(); set(2, 2); b = snapshot(); set(1, 10)");
    kv.set(1, 1);
    let a = kv.snapshot();
    kv.set(2, 2);
    let b = kv.snapshot();
    kv.set(1, 10);
    expect_eq(
        "retained_versions() with a and b live: keys 1 and 2, plus the old value of key 1 both read",
        kv.retained_versions(),
        3,
    );
    kv.release(b);
    expect_eq(
        "retained_versions() after release(b): a still reads the old value of key 1",
        kv.retained_versions(),
        3,
    );
    expect_eq(
        "get_at(&a, &1) after release(b)",
        kv.get_at(&a, &1),
        Some(1),
    );
    kv.release(a);
    expect_eq(
        "retained_versions() after release(a): only the current values",
        kv.retained_versions(),
        2,
    );
    step("c = snapshot(); d = snapshot() (no write between); set(1, 100); release(c)");
    let c = kv.snapshot();
    let d = kv.snapshot();
    kv.set(1, 100);
    kv.release(c);
    expect_eq(
        "retained_versions() after release(c): d, taken at the same moment, still reads key 1 = 10",
        kv.retained_versions(),
        3,
    );
    expect_eq(
        "get_at(&d, &1) after release(c)",
        kv.get_at(&d, &1),
        Some(10),
    );
    kv.release(d);
    expect_eq(
        "retained_versions() after release(d) too",
        kv.retained_versions(),
        2,
    );
}

fn a_shared_kv_scan_with_limit_zero_returns_nothing(_: &mut Ctx) {
    scenario(
        "keys 1..=5 hold 10..=50 in a SharedKv; scan and scan_at with limit 0 over ranges that hold \
         keys: as KvStore's scan, a limit of 0 returns nothing",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    step("set(k, k * 10) for k in 1..=5; snap = snapshot(); set(9, 90)");
    for k in 1..=5 {
        kv.set(k, k * 10);
    }
    let snap = kv.snapshot();
    kv.set(9, 90);
    expect_eq("scan(.., 0)", kv.scan(.., 0), vec![]);
    expect_eq("scan(2..4, 0)", kv.scan(2..4, 0), vec![]);
    expect_eq("scan(9.., 0)", kv.scan(9.., 0), vec![]);
    expect_eq("scan_at(&snap, .., 0)", kv.scan_at(&snap, .., 0), vec![]);
    expect_eq(
        "scan_at(&snap, 2..=4, 0)",
        kv.scan_at(&snap, 2..=4, 0),
        vec![],
    );
    expect_eq(
        "scan(.., 1) right after: the store still answers a limit of 1",
        kv.scan(.., 1),
        vec![(1, 10)],
    );
    kv.release(snap);
}

fn shared_kv_tick_expires_exactly_the_keys_that_are_due(_: &mut Ctx) {
    scenario(
        "a SharedKv at clock 0 with keys 1, 2, 3 set to live 10, 20 and 30 ms (deadlines 10, 20, 30); \
         the clock moves to 5, 10, 25, back to 24, then 100: as KvStore's tick, each tick removes \
         exactly the keys whose deadline is at or before the clock and counts them",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    step("set_with_ttl(1, 10, 10); set_with_ttl(2, 20, 20); set_with_ttl(3, 30, 30)");
    for k in 1..=3 {
        kv.set_with_ttl(k, k * 10, u64::from(k) * 10);
    }
    let present = |kv: &SharedKv<u32, u32>| kv.scan(.., 10);
    step("tick(5)");
    expect_eq("tick(5): no deadline has come", kv.tick(5), 0);
    expect_eq(
        "scan(.., 10) after tick(5): every key is still there",
        present(&kv),
        vec![(1, 10), (2, 20), (3, 30)],
    );
    step("tick(10)");
    expect_eq("tick(10): key 1's deadline is now", kv.tick(10), 1);
    expect_eq(
        "scan(.., 10) after tick(10)",
        present(&kv),
        vec![(2, 20), (3, 30)],
    );
    step("tick(25)");
    expect_eq(
        "tick(25): key 2's deadline (20) has passed, key 3's (30) has not",
        kv.tick(25),
        1,
    );
    expect_eq("scan(.., 10) after tick(25)", present(&kv), vec![(3, 30)]);
    step("tick(24)");
    expect_eq(
        "tick(24): the clock never moves back, and key 3's deadline is still ahead",
        kv.tick(24),
        0,
    );
    expect_eq("get(&3) after tick(24)", kv.get(&3), Some(30));
    step("tick(100)");
    expect_eq("tick(100): key 3's deadline has passed", kv.tick(100), 1);
    expect(kv.is_empty(), "the store is empty after tick(100)");
}

fn many_threads_setting_distinct_keys_lose_nothing(_: &mut Ctx) {
    scenario("4 threads released together, each setting 500 keys of its own, over 8 rounds");
    for round in 0..8u32 {
        let kv: SharedKv<u32, u32> = SharedKv::new();
        step(format!("round {round}: 4 threads × 500 sets"));
        run_threads(4, |t| {
            for i in 0..500u32 {
                kv.set(t as u32 * 1000 + i, round);
            }
        });
        expect_eq(
            format!("round {round}: len() after 4 threads each set 500 distinct keys"),
            kv.len(),
            2000,
        );
        let all = kv.scan(.., usize::MAX);
        expect_eq(
            format!("round {round}: keys returned by scan(.., MAX)"),
            all.len(),
            2000,
        );
        expect(
            all.iter().all(|(_, v)| *v == round),
            format!("round {round}: every value must be the one written"),
        );
    }
}

/// A key's state in the linearizability model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct KeyModel {
    value: Option<u32>,
    /// The current version: `None` while it has not been observed since a plain `set`.
    version: Option<u64>,
    /// The largest version the key ever had.
    highest: u64,
}

/// The sequential specification of `SharedKv` on a few keys. Each operation carries what the real
/// call returned; `step` answers whether that outcome is possible in the current state (and learns
/// the version numbers the store chose, which the model cannot predict).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct KvModel {
    keys: BTreeMap<u32, KeyModel>,
}

/// One recorded call with its outcome.
#[derive(Clone, Debug, PartialEq)]
enum LinOp {
    Get(u32, Option<u32>),
    Set(u32, u32, Option<u32>),
    Delete(u32, Option<u32>),
    Version(u32, Option<u64>),
    Cas(u32, Option<u64>, u32, Result<u64, CasError>),
    DeleteIf(u32, u64, Result<u32, CasError>),
}

impl LinOp {
    fn key(&self) -> u32 {
        match self {
            LinOp::Get(k, _)
            | LinOp::Set(k, _, _)
            | LinOp::Delete(k, _)
            | LinOp::Version(k, _)
            | LinOp::Cas(k, _, _, _)
            | LinOp::DeleteIf(k, _, _) => *k,
        }
    }
}

impl KeyModel {
    /// Accepts `seen` as the current version if it is the known one, or learns it if the version is
    /// unknown and `seen` is new for this key.
    fn accept_version(&mut self, seen: Option<u64>) -> bool {
        match (self.value, self.version, seen) {
            (None, _, None) => true,
            (Some(_), Some(known), Some(s)) => known == s,
            (Some(_), None, Some(s)) if s > self.highest => {
                self.version = Some(s);
                self.highest = s;
                true
            }
            _ => false,
        }
    }

    /// Accepts `new` as the version a write just gave the key if it is new for this key.
    fn accept_write(&mut self, value: Option<u32>, new: u64) -> bool {
        if new <= self.highest {
            return false;
        }
        self.value = value;
        self.version = Some(new);
        self.highest = new;
        true
    }
}

impl Model for KvModel {
    type Op = LinOp;
    /// Whether the recorded outcome is one a sequential store could have returned here.
    type Ret = bool;

    fn step(&mut self, op: &LinOp) -> bool {
        let key = self.keys.entry(op.key()).or_insert(KeyModel {
            value: None,
            version: None,
            highest: 0,
        });
        match *op {
            LinOp::Get(_, got) => got == key.value,
            LinOp::Set(_, v, got) => {
                let ok = got == key.value;
                key.value = Some(v);
                key.version = None;
                ok
            }
            LinOp::Delete(_, got) => {
                let ok = got == key.value;
                key.value = None;
                key.version = None;
                ok
            }
            LinOp::Version(_, seen) => key.accept_version(seen),
            LinOp::Cas(_, expected, v, got) => match got {
                Ok(new) => {
                    let current_matches = match (key.value, key.version) {
                        (None, _) => expected.is_none(),
                        (Some(_), Some(known)) => expected == Some(known),
                        // An unobserved version cannot be the one this caller read earlier.
                        (Some(_), None) => false,
                    };
                    current_matches && key.accept_write(Some(v), new)
                }
                Err(CasError { current }) => current != expected && key.accept_version(current),
            },
            LinOp::DeleteIf(_, expected, got) => match got {
                Ok(value) => {
                    let ok = key.value == Some(value) && key.version == Some(expected);
                    key.value = None;
                    key.version = None;
                    ok
                }
                Err(CasError { current }) => {
                    current != Some(expected) && key.accept_version(current)
                }
            },
        }
    }

    fn is_read_only(op: &LinOp) -> bool {
        matches!(op, LinOp::Get(..))
    }

    fn show_op(op: &LinOp) -> String {
        match op {
            LinOp::Get(k, got) => format!("get(&{k}) -> {got:?}"),
            LinOp::Set(k, v, got) => format!("set({k}, {v}) -> {got:?}"),
            LinOp::Delete(k, got) => format!("delete(&{k}) -> {got:?}"),
            LinOp::Version(k, got) => format!("version(&{k}) -> {got:?}"),
            LinOp::Cas(k, e, v, got) => format!("cas({k}, {e:?}, {v}) -> {got:?}"),
            LinOp::DeleteIf(k, e, got) => format!("delete_if(&{k}, {e}) -> {got:?}"),
        }
    }

    fn show_ret(ok: &bool) -> String {
        if *ok { "" } else { "impossible here" }.to_owned()
    }
}

/// One thread's calls in one round: (call instant, return instant, operation with outcome).
type Log = Vec<(u64, u64, LinOp)>;

/// Makes one random call on `kv`, timing it on `clock`; `seen` holds versions this thread observed.
fn random_call(
    kv: &SharedKv<u32, u32>,
    rng: &mut Rng,
    clock: &AtomicU64,
    seen: &mut Vec<u64>,
    value: u32,
) -> (u64, u64, LinOp) {
    let key = rng.below(2) as u32;
    let expected = if seen.is_empty() || rng.chance(25) {
        None
    } else {
        Some(*rng.pick(seen))
    };
    let call = clock.fetch_add(1, Ordering::SeqCst);
    let op = match rng.below(10) {
        0 | 1 => LinOp::Get(key, kv.get(&key)),
        2 | 3 => LinOp::Set(key, value, kv.set(key, value)),
        4 => LinOp::Delete(key, kv.delete(&key)),
        5 | 6 => LinOp::Version(key, kv.version(&key)),
        7 | 8 => LinOp::Cas(key, expected, value, kv.cas(key, expected, value)),
        _ => {
            let e = expected.unwrap_or(0);
            LinOp::DeleteIf(key, e, kv.delete_if(&key, e))
        }
    };
    let returned = clock.fetch_add(1, Ordering::SeqCst);
    match &op {
        LinOp::Version(_, Some(v)) | LinOp::Cas(_, _, _, Ok(v)) => seen.push(*v),
        LinOp::Cas(_, _, _, Err(CasError { current: Some(v) }))
        | LinOp::DeleteIf(_, _, Err(CasError { current: Some(v) })) => seen.push(*v),
        _ => {}
    }
    (call, returned, op)
}

/// Runs rounds of `threads` threads released together, each round on a fresh state made by `make`,
/// in batches of 25, until `budget` has passed (at least one batch) or `max_rounds` ran; `check`
/// judges each round from the state and the threads' results (in thread order). Many short rounds
/// give a race many chances to show, on a busy machine too.
fn race<S: Sync, R: Send>(
    threads: usize,
    budget: Duration,
    max_rounds: usize,
    make: impl Fn(usize) -> S,
    body: impl Fn(usize, &S) -> R + Sync,
    mut check: impl FnMut(usize, &S, Vec<R>),
) {
    const BATCH: usize = 25;
    let start = Instant::now();
    let mut round = 0;
    while round < max_rounds && (round == 0 || start.elapsed() < budget) {
        let states: Vec<S> = (round..round + BATCH).map(&make).collect();
        let barrier = SpinBarrier::new(threads);
        let results: Vec<Vec<R>> = run_threads(threads, |t| {
            states
                .iter()
                .enumerate()
                .map(|(i, state)| {
                    barrier.wait(i);
                    body(t, state)
                })
                .collect()
        });
        let mut per_thread: Vec<std::vec::IntoIter<R>> =
            results.into_iter().map(Vec::into_iter).collect();
        for (i, state) in states.iter().enumerate() {
            let got: Vec<R> = per_thread.iter_mut().filter_map(Iterator::next).collect();
            check(round + i, state, got);
        }
        round += BATCH;
    }
}

fn racing_calls_are_linearizable(ctx: &mut Ctx) {
    const THREADS: usize = 3;
    scenario(format!(
        "rounds of {THREADS} threads released together, each making 4 random calls (get, set, delete, \
         version, cas, delete_if) on keys 0 and 1 of a fresh SharedKv, for about 100 ms; every \
         round's history must have a one-at-a-time order that explains every result"
    ));
    let seeds: Vec<u64> = (0..THREADS).map(|_| ctx.rng().next_u64()).collect();
    let clock = AtomicU64::new(0);
    race(
        THREADS,
        Duration::from_millis(100),
        20_000,
        |round| (SharedKv::<u32, u32>::new(), round),
        |t, (kv, round)| {
            let mut rng = Rng::new(seeds[t] ^ (*round as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut seen = Vec::new();
            (0..4)
                .map(|i| random_call(kv, &mut rng, &clock, &mut seen, (t * 100 + i + 1) as u32))
                .collect::<Log>()
        },
        |round, _, logs| {
            let mut history = History::new();
            for (t, log) in logs.iter().enumerate() {
                for (call, returned, op) in log {
                    history = history.with(t, *call, *returned, op.clone(), true);
                }
            }
            linearizability::expect_linearizable_by_key(
                format!("round {round}"),
                &history,
                KvModel::default(),
                LinOp::key,
            );
        },
    );
}

/// How many threads hammer the store in the timed checks: more than the cores, so that a thread is
/// sometimes preempted in the middle of a call and others run through the gap.
const HAMMER: usize = 6;

/// How long the timed checks hammer the store.
const HAMMER_FOR: Duration = Duration::from_millis(100);

/// Runs `body(thread, deadline)` on [`HAMMER`] threads released together; each loops until the deadline.
fn hammer<R: Send>(body: impl Fn(usize, Instant) -> R + Sync) -> Vec<R> {
    let deadline = Instant::now() + HAMMER_FOR;
    run_threads(HAMMER, |t| body(t, deadline))
}

/// How many threads race in each barrier-released round: one more than the two cores of a small
/// machine, so that a thread is sometimes preempted inside a call while the others run through it.
const RACERS: usize = 3;

/// How long the round-based checks keep starting rounds (at least one batch runs).
const ROUNDS_FOR: Duration = Duration::from_millis(60);

/// The longest a racer's first key comparison waits for the other racers of its round.
const HOLD_AT_MOST: Duration = Duration::from_millis(2);

/// Counts the racers of one round that are about to make their racing call.
struct Gate {
    announced: AtomicUsize,
    racers: usize,
}

thread_local! {
    /// The gate this thread's next key comparison waits at: armed just before a racing call.
    static HOLD: RefCell<Option<Arc<Gate>>> = const { RefCell::new(None) };
}

/// A key ordered by its number, whose first comparison inside a racing call waits (a moment at
/// most) until every racer of the round has announced its own call. The store compares keys while
/// it looks the key up, so when one racer is in there the others are already knocking: a call made
/// of two lock sections then lets another racer in between them in most rounds, not by luck once in
/// a while. A call that is one atomic step stays atomic, whatever its comparisons do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RacingKey(u32);

impl Ord for RacingKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if let Some(gate) = HOLD.with(|hold| hold.borrow_mut().take()) {
            let start = Instant::now();
            let mut spins = 0u32;
            while gate.announced.load(Ordering::SeqCst) < gate.racers
                && start.elapsed() < HOLD_AT_MOST
            {
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for RacingKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Makes this thread's racing call of a round: arms its first key comparison, announces the call,
/// makes it.
fn racing_call<R>(gate: &Arc<Gate>, call: impl FnOnce() -> R) -> R {
    HOLD.with(|hold| *hold.borrow_mut() = Some(Arc::clone(gate)));
    gate.announced.fetch_add(1, Ordering::SeqCst);
    let result = call();
    HOLD.with(|hold| hold.borrow_mut().take());
    result
}

/// Runs rounds of [`RACERS`] threads released together on a fresh store prepared by `make`; each runs
/// `body(thread, store, prepared, gate)`, which makes its racing call through [`racing_call`] with
/// `gate` (see [`RacingKey`]). Judges each round with `check(round, store, prepared, results in thread
/// order)`.
fn race_on_one_key<P: Sync, R: Send>(
    make: impl Fn(&SharedKv<RacingKey, u32>) -> P,
    body: impl Fn(usize, &SharedKv<RacingKey, u32>, &P, &Arc<Gate>) -> R + Sync,
    mut check: impl FnMut(usize, &SharedKv<RacingKey, u32>, &P, Vec<R>),
) {
    race(
        RACERS,
        ROUNDS_FOR,
        20_000,
        |_| {
            let kv: SharedKv<RacingKey, u32> = SharedKv::new();
            let prepared = make(&kv);
            let gate = Arc::new(Gate {
                announced: AtomicUsize::new(0),
                racers: RACERS,
            });
            (kv, prepared, gate)
        },
        |t, (kv, prepared, gate)| body(t, kv, prepared, gate),
        |round, (kv, prepared, _), got| check(round, kv, prepared, got),
    );
}

/// Judges one round of racing `cas` calls: exactly one winner, every loser told the winner's version.
fn one_winner(context: &str, call: &str, got: &[(usize, Result<u64, CasError>)]) {
    let winners: Vec<usize> = got
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(t, _)| *t)
        .collect();
    if winners.len() != 1 {
        step(format!(
            "{context}: {call} by threads (thread, result) {got:?}"
        ));
        fail(format!(
            "{context}: {} of {} racing {call} calls succeeded; exactly one must win (the check and \
             the write must be one atomic step)",
            winners.len(),
            got.len()
        ));
    }
    let won = got.iter().find_map(|(_, r)| r.ok());
    for (t, r) in got {
        if r.is_err() && *r != Err(CasError { current: won }) {
            step(format!(
                "{context}: {call} by threads (thread, result) {got:?}"
            ));
            fail(format!(
                "{context}: thread {t} lost the race, so it must get Err(CasError {{ current: {won:?} \
                 }}) (the winner's version); got {r:?}"
            ));
        }
    }
}

/// Runs rounds of racing `cas(0, expected, <thread + 1>)` on a fresh store prepared by `make`
/// (which returns the expected version; key 1 is always present, so looking key 0 up compares keys),
/// and judges each: one winner, the losers told its version, key 0 holding the winner's value.
fn race_cas_on_key_zero(what: &str, make: impl Fn(&SharedKv<RacingKey, u32>) -> Option<u64>) {
    race_on_one_key(
        |kv| {
            kv.set(RacingKey(1), 1);
            make(kv)
        },
        |t, kv, expected, gate| racing_call(gate, || kv.cas(RacingKey(0), *expected, t as u32 + 1)),
        |round, kv, expected, got| {
            let got: Vec<(usize, Result<u64, CasError>)> = got.into_iter().enumerate().collect();
            let context = format!("round {round} ({what})");
            let call = format!("cas(0, {expected:?}, thread + 1)");
            one_winner(&context, &call, &got);
            let winner = got
                .iter()
                .find(|(_, r)| r.is_ok())
                .map(|(t, _)| *t as u32 + 1);
            expect_eq(
                format!("{context}: get(&0) after the racing {call} holds the winner's value"),
                kv.get(&RacingKey(0)),
                winner,
            );
        },
    );
}

/// How the round-based checks make the race happen, for their scenarios.
const HOW_RACERS_MEET: &str = "(the key type's comparison holds a racer's first comparison until \
    every racer is calling, so the calls overlap inside the store)";

fn racing_cas_on_one_version_has_exactly_one_winner(_: &mut Ctx) {
    scenario(format!(
        "rounds for about {ROUNDS_FOR:?}: a fresh store whose key 0 is at some version v (and key 1 \
         holds 1); {RACERS} threads released together each call cas(0, Some(v), <its own value>) at \
         the same instant {HOW_RACERS_MEET}"
    ));
    race_cas_on_key_zero("key 0 at version v", |kv| {
        kv.cas(RacingKey(0), None, 0).ok()
    });
}

fn racing_create_if_absent_has_exactly_one_winner(_: &mut Ctx) {
    scenario(format!(
        "rounds for about {ROUNDS_FOR:?}: a fresh store where key 0 is absent (never written, or \
         deleted) and key 1 holds 1; {RACERS} threads released together each call cas(0, None, <its \
         own value>) at the same instant {HOW_RACERS_MEET}"
    ));
    race_cas_on_key_zero("key 0 never written", |_| None);
    race_cas_on_key_zero("key 0 written, then deleted", |kv| {
        kv.set(RacingKey(0), 0);
        kv.delete(&RacingKey(0));
        None
    });
}

fn racing_sets_each_replace_a_different_value(_: &mut Ctx) {
    scenario(format!(
        "rounds for about {ROUNDS_FOR:?}: key 0 holds 0 (and key 1 holds 1); {RACERS} threads released \
         together each call set(0, <its own value>) at the same instant {HOW_RACERS_MEET}. One at a \
         time, the sets replace 0 and every value written but the last, each exactly once, so no two \
         sets may return the same value"
    ));
    race_on_one_key(
        |kv| {
            kv.set(RacingKey(1), 1);
            kv.set(RacingKey(0), 0);
        },
        |t, kv, (), gate| racing_call(gate, || kv.set(RacingKey(0), t as u32 + 1)),
        |round, kv, (), got| {
            let last = kv.get(&RacingKey(0));
            let mut expected: Vec<Option<u32>> = (0..=RACERS as u32)
                .map(Some)
                .filter(|v| *v != last)
                .collect();
            expected.sort_unstable();
            let mut replaced = got.clone();
            replaced.sort_unstable();
            if replaced != expected {
                step(format!(
                    "round {round}: set(0, thread + 1) by threads 0..{RACERS} returned {got:?}; key 0 \
                     then held {last:?}"
                ));
                fail(format!(
                    "round {round}: the racing sets returned {got:?} as the values they replaced, and \
                     {last:?} was left; one at a time they replace 0 and each value written except the \
                     last, once each: {expected:?}. Two sets that return the same old value read it \
                     before either wrote: a set must read the old value and write the new one in one \
                     atomic step"
                ));
            }
        },
    );
}

fn cas_retry_loops_lose_no_increment(_: &mut Ctx) {
    scenario(format!(
        "a counter at key 0; {HAMMER} threads each add 1 through a loop (read version and value, cas \
         with that version, retry on CasError) for {HAMMER_FOR:?}, counting their successful cas calls"
    ));
    let kv: SharedKv<u32, u32> = SharedKv::new();
    let _ = kv.cas(0, None, 0);
    let wins = hammer(|_, deadline| {
        let mut wins = 0u32;
        while Instant::now() < deadline {
            let version = kv.version(&0);
            let Some(value) = kv.get(&0) else { continue };
            if kv.cas(0, version, value + 1).is_ok() {
                wins += 1;
            }
        }
        wins
    });
    step(format!("successful cas per thread: {wins:?}"));
    expect_eq(
        "the counter after every successful increment (a cas that wins on a stale version loses one)",
        kv.get(&0),
        Some(wins.iter().sum()),
    );
}

fn reading_its_own_write_remembers_no_version(_: &mut Ctx) {
    scenario(
        "one thread: key 1 holds 1; a transaction sets key 1 to 10 and reads it back (its own \
         write); then, outside it, key 1 is set to 5; then commit.\n\
         A read answered from the transaction's own write reads nothing from the store and \
         remembers no version, so the other write does not make the commit conflict: the \
         transaction's write lands on top of it.",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    let mut txn = kv.transaction();
    step("let mut txn = transaction(); txn.set(1, 10); txn.get(&1); then kv.set(1, 5)");
    txn.set(1, 10);
    expect_eq("txn.get(&1): its own write", txn.get(&1), Some(10));
    kv.set(1, 5);
    expect_eq(
        "txn.commit(): the transaction never read key 1 from the store",
        txn.commit(),
        Ok(()),
    );
    expect_eq("kv.get(&1) after commit", kv.get(&1), Some(10));
}

fn a_transaction_reads_the_store_as_it_is_when_it_reads(_: &mut Ctx) {
    scenario(
        "one thread: key 1 holds 1 and key 3 holds 3; a transaction begins; then, outside it, key 1 \
         is set to 5, key 2 is created with 7 and key 3 is deleted; only now does the transaction \
         read keys 1, 2 and 3, write key 4 and commit.\n\
         A transaction's get reads the store's current value (not the store as it was when the \
         transaction began), and remembers that version: nothing it read changed after it read it, \
         so the commit succeeds.",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    kv.set(3, 3);
    let mut txn = kv.transaction();
    step("let mut txn = transaction(); then kv.set(1, 5); kv.set(2, 7); kv.delete(&3)");
    kv.set(1, 5);
    kv.set(2, 7);
    kv.delete(&3);
    expect_eq(
        "txn.get(&1): the store's current value",
        txn.get(&1),
        Some(5),
    );
    expect_eq(
        "txn.get(&2): created after the transaction began",
        txn.get(&2),
        Some(7),
    );
    expect_eq(
        "txn.get(&3): deleted after the transaction began",
        txn.get(&3),
        None,
    );
    step("txn.set(4, 4); txn.commit()");
    txn.set(4, 4);
    expect_eq(
        "txn.commit(): keys 1, 2 and 3 have not changed since the transaction read them",
        txn.commit(),
        Ok(()),
    );
    expect_eq(
        "kv.scan(.., 10) after commit",
        kv.scan(.., 10),
        vec![(1, 5), (2, 7), (4, 4)],
    );
}

fn a_transaction_reads_its_own_writes_and_hides_them_until_commit(_: &mut Ctx) {
    scenario("one thread: a transaction writes keys 1 and 2 and deletes 3, then commits");
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    kv.set(3, 3);
    kv.set_with_ttl(2, 2, 100);
    let mut txn = kv.transaction();
    step("let mut txn = transaction(); txn.set(1, 10); txn.set(2, 20); txn.delete(&3)");
    txn.set(1, 10);
    txn.set(2, 20);
    txn.delete(&3);
    expect_eq("txn.get(&1): its own write", txn.get(&1), Some(10));
    expect_eq("txn.get(&3): its own delete", txn.get(&3), None);
    expect_eq(
        "txn.get(&4): never written, read from the store",
        txn.get(&4),
        None,
    );
    expect_eq(
        "kv.get(&1) before commit: nobody else sees the write",
        kv.get(&1),
        Some(1),
    );
    expect_eq("kv.get(&3) before commit", kv.get(&3), Some(3));
    expect_eq(
        "kv.scan(.., 10) before commit",
        kv.scan(.., 10),
        vec![(1, 1), (2, 2), (3, 3)],
    );
    step("txn.commit()");
    expect_eq("txn.commit()", txn.commit(), Ok(()));
    expect_eq(
        "kv.scan(.., 10) after commit",
        kv.scan(.., 10),
        vec![(1, 10), (2, 20)],
    );
    kv.tick(100);
    expect_eq(
        "get(&2) at time 100: the commit wrote it as a plain set, which clears the deadline 100",
        kv.get(&2),
        Some(20),
    );
    let mut txn = kv.transaction();
    step("a second transaction reads key 1 from the store");
    expect_eq(
        "txn.get(&1) reads the committed value",
        txn.get(&1),
        Some(10),
    );
    expect_eq("commit of a read-only transaction", txn.commit(), Ok(()));
}

fn a_dropped_transaction_changes_nothing(_: &mut Ctx) {
    scenario("a transaction writes and deletes, then is dropped without commit");
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    let before = kv.version(&1);
    {
        let mut txn = kv.transaction();
        step("txn.set(1, 5); txn.set(2, 5); txn.delete(&1); drop(txn)");
        txn.set(1, 5);
        txn.set(2, 5);
        txn.delete(&1);
    }
    expect_eq("scan(.., 10) after the drop", kv.scan(.., 10), vec![(1, 1)]);
    expect_eq("version(&1) after the drop", kv.version(&1), before);
}

fn a_transaction_conflicts_when_a_key_it_read_changed(_: &mut Ctx) {
    for (what, change) in [
        ("set the key it read", 0),
        ("deleted the key it read", 1),
        ("created the key it read as absent", 2),
        ("let the key it read expire (tick past its deadline)", 3),
        ("set the key to the same value again", 4),
        ("deleted and re-created it with the same value", 5),
    ] {
        scenario(format!(
            "a transaction reads key 1 and writes key 2; meanwhile another caller {what}; then commit"
        ));
        let kv: SharedKv<u32, u32> = SharedKv::new();
        if change != 2 {
            kv.set_with_ttl(1, 1, 50);
        }
        kv.set(9, 9);
        let mut txn = kv.transaction();
        let read = txn.get(&1);
        step(format!("txn.get(&1) -> {read:?}; txn.set(2, 2)"));
        txn.set(2, 2);
        match change {
            0 => drop(kv.set(1, 7)),
            1 => drop(kv.delete(&1)),
            2 => drop(kv.set(1, 7)),
            3 => drop(kv.tick(50)),
            4 => drop(kv.set_with_ttl(1, 1, 50)),
            _ => {
                kv.delete(&1);
                kv.set_with_ttl(1, 1, 50);
            }
        }
        step(format!("another caller {what}; txn.commit()"));
        expect_eq(
            format!("txn.commit() after another caller {what}"),
            txn.commit(),
            Err(Conflict),
        );
        expect_eq(
            "get(&2): a refused commit applies nothing",
            kv.get(&2),
            None,
        );
    }
    scenario(
        "a transaction reads key 1, another caller sets key 1, the transaction reads key 1 again and \
         writes key 2: its first read is stale",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    let mut txn = kv.transaction();
    let first = txn.get(&1);
    kv.set(1, 2);
    let second = txn.get(&1);
    txn.set(2, 2);
    step(format!(
        "txn.get(&1) -> {first:?}; kv.set(1, 2); txn.get(&1) -> {second:?}; txn.set(2, 2)"
    ));
    expect_eq(
        "txn.commit(): the version remembered is the one of the first read, which changed",
        txn.commit(),
        Err(Conflict),
    );
    scenario("a transaction reads key 1; another caller changes key 5, which it did not read");
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    let mut txn = kv.transaction();
    txn.get(&1);
    txn.set(2, 2);
    kv.set(5, 5);
    step("txn.get(&1); txn.set(2, 2); kv.set(5, 5); txn.commit()");
    expect_eq("txn.commit(): key 1 is unchanged", txn.commit(), Ok(()));
    expect_eq("get(&2)", kv.get(&2), Some(2));
    let conflict = Conflict.to_string();
    step(format!("format!(\"{{}}\", Conflict) -> {conflict:?}"));
    expect(
        conflict.contains(' ') && !conflict.contains("Conflict"),
        format!("Display of Conflict should be a sentence; got {conflict:?}"),
    );
}

fn the_first_committer_wins(_: &mut Ctx) {
    scenario("two transactions read key 1 (a counter at 10) and each write 11; a commits, then b");
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 10);
    let mut a = kv.transaction();
    let mut b = kv.transaction();
    let (ra, rb) = (a.get(&1), b.get(&1));
    step(format!(
        "a.get(&1) -> {ra:?}; b.get(&1) -> {rb:?}; a.set(1, 11); b.set(1, 11)"
    ));
    a.set(1, ra.unwrap_or(0) + 1);
    b.set(1, rb.unwrap_or(0) + 1);
    expect_eq("a.commit(): the first committer", a.commit(), Ok(()));
    expect_eq(
        "b.commit(): key 1 changed since b read it",
        b.commit(),
        Err(Conflict),
    );
    expect_eq("get(&1)", kv.get(&1), Some(11));
}

fn a_transaction_that_read_nothing_never_conflicts(_: &mut Ctx) {
    scenario("two transactions that only write key 1 (blind writes), committed in turn after other writes");
    let kv: SharedKv<u32, u32> = SharedKv::new();
    let mut a = kv.transaction();
    let mut b = kv.transaction();
    a.set(1, 1);
    b.set(1, 2);
    b.delete(&3);
    kv.set(1, 0);
    kv.set(3, 3);
    step("a.set(1, 1); b.set(1, 2); b.delete(&3); kv.set(1, 0); kv.set(3, 3); a.commit(); b.commit()");
    expect_eq("a.commit()", a.commit(), Ok(()));
    expect_eq("b.commit()", b.commit(), Ok(()));
    expect_eq(
        "scan(.., 10): b committed last",
        kv.scan(.., 10),
        vec![(1, 2)],
    );
}

fn write_skew_is_refused(_: &mut Ctx) {
    scenario(
        "two doctors on call (keys 1 and 2 hold 1). Each transaction reads both, sees the other on \
         call, and takes itself off call (writes 0 to its own key). Both commit.",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    kv.set(2, 1);
    let mut a = kv.transaction();
    let mut b = kv.transaction();
    let a_sees = (a.get(&1), a.get(&2));
    let b_sees = (b.get(&1), b.get(&2));
    step(format!(
        "a reads {a_sees:?}, b reads {b_sees:?}; a.set(1, 0); b.set(2, 0)"
    ));
    a.set(1, 0);
    b.set(2, 0);
    let (ca, cb) = (a.commit(), b.commit());
    step(format!("a.commit() -> {ca:?}; b.commit() -> {cb:?}"));
    expect(
        ca.is_ok() != cb.is_ok(),
        format!(
            "exactly one commit may succeed: b read key 1, which a changed before b committed, so b \
             must conflict (validating only the keys written lets both through: write skew, no one \
             on call). Got a: {ca:?}, b: {cb:?}"
        ),
    );
    expect(
        kv.get(&1) == Some(1) || kv.get(&2) == Some(1),
        format!(
            "someone must stay on call; got keys 1, 2 = {:?}, {:?}",
            kv.get(&1),
            kv.get(&2)
        ),
    );
    scenario(
        "the same race with threads: 100 rounds, two threads each running one doctor's transaction",
    );
    for round in 0..100 {
        let kv: SharedKv<u32, u32> = SharedKv::new();
        kv.set(1, 1);
        kv.set(2, 1);
        let results = run_threads(2, |t| {
            let mine = t as u32 + 1;
            let mut txn = kv.transaction();
            let on_call = txn.get(&1).unwrap_or(0) + txn.get(&2).unwrap_or(0);
            if on_call >= 2 {
                txn.set(mine, 0);
            }
            txn.commit()
        });
        step(format!("round {round}: commits -> {results:?}"));
        let on_call = kv.get(&1).unwrap_or(0) + kv.get(&2).unwrap_or(0);
        if on_call == 0 {
            fail(format!(
                "round {round}: both doctors went off call (commits {results:?}): one of the \
                 transactions read a key the other then changed, so it had to conflict"
            ));
        }
    }
}

fn transaction_retry_loops_lose_no_increment(_: &mut Ctx) {
    scenario(
        "counters at keys 0 and 1; 4 threads each add 1 to both, 100 times, in one transaction per \
         increment (get both, set both, commit; retry on Conflict)",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(0, 0);
    kv.set(1, 0);
    let conflicts = run_threads(4, |_| {
        let mut conflicts = 0;
        for _ in 0..100 {
            loop {
                let mut txn = kv.transaction();
                let a = txn.get(&0).unwrap_or(0);
                let b = txn.get(&1).unwrap_or(0);
                txn.set(0, a + 1);
                txn.set(1, b + 1);
                if txn.commit().is_ok() {
                    break;
                }
                conflicts += 1;
            }
        }
        conflicts
    });
    step(format!("conflicts retried per thread: {conflicts:?}"));
    expect_eq(
        "(get(&0), get(&1)) after 400 committed increments of both",
        (kv.get(&0), kv.get(&1)),
        (Some(400), Some(400)),
    );
    scenario(format!(
        "rounds for about {ROUNDS_FOR:?}: key 5 holds 0 (and key 1 holds 1); {RACERS} threads released \
         together each run one transaction get(&5), set(5, value + 1), and call commit at the same \
         instant {HOW_RACERS_MEET}: key 5 must end at the number of commits that succeeded"
    ));
    race_on_one_key(
        |kv| {
            kv.set(RacingKey(1), 1);
            kv.set(RacingKey(5), 0);
        },
        |_, kv, (), gate| {
            let mut txn = kv.transaction();
            let v = txn.get(&RacingKey(5)).unwrap_or(0);
            txn.set(RacingKey(5), v + 1);
            racing_call(gate, || txn.commit())
        },
        |round, kv, (), got| {
            let wins = got.iter().filter(|r| r.is_ok()).count() as u32;
            if kv.get(&RacingKey(5)) != Some(wins) {
                step(format!(
                    "round {round}: commits by threads 0..{RACERS}: {got:?}"
                ));
                fail(format!(
                    "round {round}: {wins} increment transactions committed, but key 5 holds {:?}: an \
                     update was lost. Two commits validated the same version of key 5 before either \
                     applied its write: validation and writes must happen in one atomic step (and a \
                     transaction must read a key's value and version together)",
                    kv.get(&RacingKey(5))
                ));
            }
        },
    );
    scenario(format!(
        "key 5 holds 0; {HAMMER} threads each run transactions (get(&5), set(5, value + 1), commit, \
         no retry) for {:?}, counting the commits that succeeded: the final value must equal \
         that count",
        HAMMER_FOR
    ));
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(5, 0);
    let wins = hammer(|_, deadline| {
        let mut wins = 0u32;
        while Instant::now() < deadline {
            let mut txn = kv.transaction();
            let v = txn.get(&5).unwrap_or(0);
            txn.set(5, v + 1);
            if txn.commit().is_ok() {
                wins += 1;
            }
        }
        wins
    });
    step(format!("successful commits per thread: {wins:?}"));
    expect_eq(
        "key 5 after every successful increment transaction (a lost update leaves it short)",
        kv.get(&5),
        Some(wins.iter().sum()),
    );
}

thread_local! {
    /// Whether this thread's [`SlowKey`] comparisons take their time.
    static SLOW_COMPARE: Cell<bool> = const { Cell::new(false) };
}

/// How long a [`SlowKey`] comparison takes on a committing thread.
const SLOW_COMPARE_FOR: Duration = Duration::from_micros(4);

/// A key ordered by its number whose comparisons, on the committing threads of
/// [`a_commit_is_seen_whole_or_not_at_all`], take a few microseconds (busy, keeping the processor):
/// a commit then spends most of its time between its first and its last write, and whatever it has
/// made visible by then is what the scanning threads read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SlowKey(u32);

impl Ord for SlowKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if SLOW_COMPARE.with(Cell::get) {
            let start = Instant::now();
            while start.elapsed() < SLOW_COMPARE_FOR {
                std::hint::spin_loop();
            }
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for SlowKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn a_commit_is_seen_whole_or_not_at_all(_: &mut Ctx) {
    scenario(format!(
        "keys 0..20 hold 0; for {HAMMER_FOR:?}, 2 threads commit transactions that each set all 20 keys \
         to one new value (every key comparison they make takes a few microseconds), while {} threads \
         scan(.., 100) over and over: every scan must see the 20 keys all equal",
        HAMMER - 2
    ));
    let kv: SharedKv<SlowKey, u32> = SharedKv::new();
    for k in 0..20 {
        kv.set(SlowKey(k), 0);
    }
    let bad = hammer(|t, deadline| {
        let mut i = 0u32;
        SLOW_COMPARE.with(|slow| slow.set(t < 2));
        while Instant::now() < deadline {
            i += 1;
            if t < 2 {
                let mut txn = kv.transaction();
                for k in 0..20 {
                    txn.set(SlowKey(k), (t as u32 + 1) << 24 | i);
                }
                let _ = txn.commit();
            } else {
                let seen = kv.scan(.., 100);
                let first = seen.first().map(|(_, v)| *v);
                if seen.len() != 20 || seen.iter().any(|(_, v)| Some(*v) != first) {
                    return Some(seen);
                }
            }
        }
        None
    });
    if let Some(seen) = bad.into_iter().flatten().next() {
        let seen: Vec<(u32, u32)> = seen.into_iter().map(|(k, v)| (k.0, v)).collect();
        fail(format!(
            "a scan racing the commits returned {} keys, not all equal: it saw part of a committing \
             transaction. A commit applies all its writes in one atomic step, and a scan reads in one \
             step.\nscan (key, value): {seen:?}",
            seen.len()
        ));
    }
}

fn snapshot_reads_match_their_moment_while_others_write(_: &mut Ctx) {
    scenario(
        "keys 0..4 hold equal values; 2 threads keep raising all four together in one transaction \
         each time; 2 threads take snapshots and read every key at the snapshot (get_at and scan_at), \
         several times while the writers go on",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    for k in 0..4 {
        kv.set(k, 0);
    }
    let done = AtomicBool::new(false);
    let bad = run_threads(4, |t| {
        if t < 2 {
            for _ in 0..400 {
                let mut txn = kv.transaction();
                let v = txn.get(&0).unwrap_or(0);
                for k in 0..4 {
                    txn.set(k, v + 1);
                }
                let _ = txn.commit();
            }
            done.store(true, Ordering::SeqCst);
            None
        } else {
            let mut reads = 0;
            while !done.load(Ordering::SeqCst) || reads < 30 {
                reads += 1;
                let snap = kv.snapshot();
                let first: Vec<Option<u32>> = (0..4).map(|k| kv.get_at(&snap, &k)).collect();
                std::thread::yield_now();
                let again = kv.scan_at(&snap, .., 10);
                let second: Vec<Option<u32>> = (0..4).map(|k| kv.get_at(&snap, &k)).collect();
                kv.release(snap);
                let equal = first.iter().all(|v| *v == first[0]) && first[0].is_some();
                let same = second == first
                    && again.iter().map(|(_, v)| Some(*v)).collect::<Vec<_>>() == first;
                if !equal || !same {
                    return Some((first, again, second));
                }
            }
            None
        }
    });
    if let Some((first, again, second)) = bad.into_iter().flatten().next() {
        fail(format!(
            "a snapshot read keys 0..4 as {first:?}, then scan_at gave {again:?} and get_at {second:?}: \
             a snapshot shows one moment (all four keys equal, as every commit keeps them) and never \
             changes while others write"
        ));
    }
    expect_eq(
        "retained_versions() after every snapshot was released",
        kv.retained_versions(),
        4,
    );
}

fn an_open_transaction_blocks_no_one(_: &mut Ctx) {
    scenario(
        "thread A opens a transaction, reads key 1 and writes key 2, and keeps it open; meanwhile \
         thread B calls get, set, scan, cas, snapshot, get_at and commits a transaction of its own. \
         B must finish while A's transaction is still open.",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    kv.set(1, 1);
    let (opened_tx, opened_rx) = mpsc::channel::<()>();
    let (b_done_tx, b_done_rx) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        let kv = &kv;
        s.spawn(move || {
            let mut txn = kv.transaction();
            txn.get(&1);
            txn.set(2, 2);
            let _ = opened_tx.send(());
            // Keep the transaction open until B reports (or a while, if B is stuck).
            let _ = b_done_rx.recv_timeout(Duration::from_secs(3));
            let _ = txn.commit();
        });
        let _ = opened_rx.recv_timeout(Duration::from_secs(3));
        step("A: transaction open (read key 1, wrote key 2)");
        let (result_tx, result_rx) = mpsc::channel::<()>();
        s.spawn(move || {
            kv.get(&1);
            kv.set(3, 3);
            kv.scan(.., 10);
            let v = kv.version(&3);
            let _ = kv.cas(3, v, 4);
            let snap = kv.snapshot();
            kv.get_at(&snap, &1);
            kv.release(snap);
            let mut mine = kv.transaction();
            mine.get(&3);
            mine.set(4, 4);
            let _ = mine.commit();
            let _ = result_tx.send(());
            let _ = b_done_tx.send(());
        });
        let began = Instant::now();
        let finished = result_rx.recv_timeout(Duration::from_secs(2)).is_ok();
        step(format!(
            "B: {} after {:?}",
            if finished {
                "finished"
            } else {
                "still blocked"
            },
            began.elapsed()
        ));
        expect(
            finished,
            "thread B's calls did not finish within 2 s while A's transaction was open: an open \
             transaction must hold no lock (buffer its writes and check versions at commit)",
        );
    });
    expect_eq("get(&4): B's transaction committed", kv.get(&4), Some(4));
}

fn everything_at_once_never_deadlocks(ctx: &mut Ctx) {
    scenario(
        "4 threads for 100 ms: random sets, deletes, cas, scans, ticks, snapshots with reads and \
         releases, and transactions over keys 0..8, all at once; then the store must still answer",
    );
    let kv: SharedKv<u32, u32> = SharedKv::new();
    let seeds: Vec<u64> = (0..4).map(|_| ctx.rng().next_u64()).collect();
    let start = Instant::now();
    step("phase: 4 threads of mixed calls");
    run_threads(4, |t| {
        let mut rng = Rng::new(seeds[t]);
        let mut i = 0u64;
        while start.elapsed() < Duration::from_millis(100) {
            i += 1;
            let k = rng.below(8) as u32;
            match rng.below(9) {
                0 => drop(kv.set(k, i as u32)),
                1 => drop(kv.delete(&k)),
                2 => {
                    let v = kv.version(&k);
                    let _ = kv.cas(k, v, i as u32);
                }
                3 => drop(kv.scan(k.., 4)),
                4 => drop(kv.tick(i / 8)),
                5 => drop(kv.set_with_ttl(k, 1, rng.below(20))),
                6 => {
                    let snap = kv.snapshot();
                    kv.get_at(&snap, &k);
                    kv.scan_at(&snap, .., 8);
                    kv.release(snap);
                }
                _ => {
                    let mut txn = kv.transaction();
                    let v = txn.get(&k).unwrap_or(0);
                    txn.set((k + 1) % 8, v);
                    txn.delete(&((k + 2) % 8));
                    let _ = txn.commit();
                }
            }
        }
    });
    step("phase: the store answers after the storm");
    let len = kv.len();
    expect_eq(
        "len() equals the number of keys scan returns",
        kv.scan(.., 100).len(),
        len,
    );
    expect_eq(
        "retained_versions() equals len() once every snapshot was released",
        kv.retained_versions(),
        len,
    );
}

/// The gate a stalled writer waits at: closed until the check opens it.
#[derive(Default)]
struct Stall {
    open: AtomicBool,
    /// Set by the first key comparison that waits at the gate.
    reached: AtomicBool,
}

thread_local! {
    /// The gate this thread's key comparisons wait at, set only in the writer being stalled.
    static STALL: RefCell<Option<Arc<Stall>>> = const { RefCell::new(None) };
}

/// How long a stalled comparison waits for its gate at most (the check opens it much sooner).
const STALL_AT_MOST: Duration = Duration::from_secs(3);

/// How long a snapshot read may take while a writer is stalled.
const READ_WITHIN: Duration = Duration::from_millis(500);

/// A key ordered by its number, whose comparisons made by a stalled writer thread do not return
/// until the check opens that writer's gate: the writer is stuck in the middle of its write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StallingKey(u32);

impl Ord for StallingKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if let Some(stall) = STALL.with(|s| s.borrow().clone()) {
            stall.reached.store(true, Ordering::SeqCst);
            let start = Instant::now();
            while !stall.open.load(Ordering::SeqCst) && start.elapsed() < STALL_AT_MOST {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for StallingKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn snapshot_reads_never_wait_for_a_stalled_writer(_: &mut Ctx) {
    /// A write: it calls `hold` right before the call that must be stuck.
    type Write = fn(&SharedKv<StallingKey, u32>, hold: &dyn Fn());
    let writes: [(&str, Write); 4] = [
        ("set(5, 50)", |kv, hold| {
            hold();
            let _ = kv.set(StallingKey(5), 50);
        }),
        ("delete(&2)", |kv, hold| {
            hold();
            let _ = kv.delete(&StallingKey(2));
        }),
        ("cas(3, <its version>, 33)", |kv, hold| {
            let v = kv.version(&StallingKey(3));
            hold();
            let _ = kv.cas(StallingKey(3), v, 33);
        }),
        (
            "commit of a transaction that read key 0, set key 5 and deleted key 2",
            |kv, hold| {
                let mut txn = kv.transaction();
                txn.get(&StallingKey(0));
                txn.set(StallingKey(5), 50);
                txn.delete(&StallingKey(2));
                hold();
                let _ = txn.commit();
            },
        ),
    ];
    for (what, write) in writes {
        scenario(format!(
            "keys 0..4 hold 0, 10, 20, 30; snap = snapshot(); then set(1, 11). A writer thread calls \
             {what}, and every key comparison that thread makes is held (the key type's comparison \
             waits for our signal): the writer is stuck inside its write. Meanwhile another thread \
             calls get_at(&snap, &1) and scan_at(&snap, .., 10); both must return within \
             {READ_WITHIN:?}, before we let the writer go on."
        ));
        let kv: SharedKv<StallingKey, u32> = SharedKv::new();
        for k in 0..4 {
            kv.set(StallingKey(k), k * 10);
        }
        let snap = kv.snapshot();
        kv.set(StallingKey(1), 11);
        let stall = Arc::new(Stall::default());
        let (read_tx, read_rx) = mpsc::channel();
        let outcome = std::thread::scope(|s| {
            let kv = &kv;
            let snap = &snap;
            let writer_stall = Arc::clone(&stall);
            let writer = s.spawn(move || {
                write(kv, &|| {
                    STALL.with(|s| *s.borrow_mut() = Some(Arc::clone(&writer_stall)));
                });
                STALL.with(|s| s.borrow_mut().take());
            });
            step(format!("writer: {what}, held at its first key comparison"));
            let start = Instant::now();
            while !stall.reached.load(Ordering::SeqCst)
                && !writer.is_finished()
                && start.elapsed() < Duration::from_secs(2)
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            let held = stall.reached.load(Ordering::SeqCst) && !writer.is_finished();
            step(format!(
                "writer {}",
                if held {
                    "is stuck in a key comparison"
                } else {
                    "was not stuck (it finished, or compared no key within 2 s)"
                }
            ));
            s.spawn(move || {
                let one = kv.get_at(snap, &StallingKey(1));
                let all = kv.scan_at(snap, .., 10);
                let _ = read_tx.send((one, all));
            });
            let began = Instant::now();
            let got = read_rx.recv_timeout(READ_WITHIN);
            let waited = began.elapsed();
            stall.open.store(true, Ordering::SeqCst);
            (held, got, waited)
        });
        let (held, got, waited) = outcome;
        expect(
            held,
            format!(
                "the writer calling {what} never reached a key comparison: the check could not stall \
                 it (every write to an ordered store compares keys)"
            ),
        );
        match got {
            Err(_) => fail(format!(
                "get_at/scan_at on a snapshot did not return within {READ_WITHIN:?} while another \
                 thread was stuck inside {what}: the snapshot read waited for the writer (it needs a \
                 lock the writer holds while it compares keys). Snapshot reads never wait for \
                 writers: keep the data a snapshot reads immutable and shared (for example an Arc of \
                 a persistent tree that writers copy paths of and publish by swapping a pointer), so a \
                 read takes no lock a writer holds during its work"
            )),
            Ok((one, all)) => {
                step(format!(
                    "reader: get_at(&snap, &1) -> {one:?}; scan_at(&snap, .., 10) -> {all:?} after \
                     {waited:?}"
                ));
                expect_eq(
                    "get_at(&snap, &1): key 1 held 10 when the snapshot was taken",
                    one,
                    Some(10),
                );
                expect_eq(
                    "scan_at(&snap, .., 10): the store when the snapshot was taken",
                    all,
                    vec![
                        (StallingKey(0), 0),
                        (StallingKey(1), 10),
                        (StallingKey(2), 20),
                        (StallingKey(3), 30),
                    ],
                );
            }
        }
        kv.release(snap);
    }
}
