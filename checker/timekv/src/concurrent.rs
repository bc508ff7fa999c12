//! Stage concurrent: `SharedTimeKv` through `&self`, per-key linearizable, no lost version, compaction alongside, no lock shared by two keys.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use syskata_kit::linearizability::{expect_linearizable_by_key, Model as LinModel, Recorder};
use syskata_kit::stress::run_threads;
use syskata_kit::{checks, expect, expect_eq, fail, model, scenario, step, Ctx, Rng, Stage};

use crate::drill::SharedTimeKv;
use crate::retention::{draw_op, model_answer, HorizonDraw, Op};
use crate::support::{show_ts, Model};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            the_shared_store_is_send_and_sync_and_values_cross_threads,
            the_single_threaded_rules_hold_through_a_shared_reference,
            keys_compacted_away_cost_nothing_to_scan_in_the_shared_store,
            random_single_threaded_sequences_match_a_simple_model,
            calls_on_one_key_are_linearizable,
            threads_creating_the_same_new_key_lose_no_version,
            compaction_alongside_reads_and_writes_changes_no_answer_and_loses_no_write,
            keys_forgotten_by_compaction_while_writers_bring_them_back_lose_nothing,
            a_writer_sees_its_own_write_while_compaction_keeps_forgetting_its_key,
            len_stays_exact_under_many_concurrent_writers,
            an_operation_on_one_key_never_waits_for_another_key,
            everything_at_once_ends_without_deadlock_and_len_matches,
        ],
    }
}

fn the_shared_store_is_send_and_sync_and_values_cross_threads(_: &mut Ctx) {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SharedTimeKv<String>>();
    scenario("SharedTimeKv<String> written on one thread and read on another");
    let kv: SharedTimeKv<String> = SharedTimeKv::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            step("thread 1: set(\"k\", \"from thread 1\", 10)");
            kv.set("k", "from thread 1".to_owned(), 10);
        });
    });
    let got = std::thread::scope(|s| s.spawn(|| kv.get("k", 10)).join().ok().flatten());
    expect_eq(
        "thread 2: get(\"k\", 10) after thread 1 finished its set",
        got,
        Some("from thread 1".to_owned()),
    );
}

fn the_single_threaded_rules_hold_through_a_shared_reference(_: &mut Ctx) {
    scenario("SharedTimeKv::<u32>::new() used from one thread: the rules of TimeKv through &self");
    let kv: SharedTimeKv<u32> = SharedTimeKv::new();
    expect_eq("is_empty() on a new store", kv.is_empty(), true);
    let say = |what: &str| step(what.to_owned());
    say("set(\"k\", 1, 10); set(\"k\", 3, 30)");
    expect_eq(
        "set(\"k\", 1, 10) on an empty store",
        kv.set("k", 1, 10),
        None,
    );
    kv.set("k", 3, 30);
    expect_eq(
        "set(\"k\", 2, 20): a late write, nothing at 20 yet",
        kv.set("k", 2, 20),
        None,
    );
    expect_eq(
        "set(\"k\", 22, 20): a correction returns the value it replaced",
        kv.set("k", 22, 20),
        Some(2),
    );
    expect_eq(
        "get(\"k\", 20): the version at exactly 20",
        kv.get("k", 20),
        Some(22),
    );
    expect_eq("get(\"k\", 19)", kv.get("k", 19), Some(1));
    expect_eq(
        "get(\"k\", 9): before the first version",
        kv.get("k", 9),
        None,
    );
    expect_eq(
        "delete(\"k\", 25): a value was live at 25",
        kv.delete("k", 25),
        true,
    );
    expect_eq(
        "delete(\"k\", 26): already deleted",
        kv.delete("k", 26),
        false,
    );
    expect_eq("get(\"k\", 25) after the delete", kv.get("k", 25), None);
    expect_eq("get(\"k\", u64::MAX)", kv.get("k", u64::MAX), Some(3));
    expect_eq(
        "history(\"k\", 20..=26): versions with tombstones, oldest first",
        kv.history("k", 20..=26),
        vec![(20, Some(22)), (25, None), (26, None)],
    );
    #[allow(clippy::reversed_empty_ranges)]
    let inverted = kv.history("k", 26..20);
    expect_eq(
        "history(\"k\", 26..20): an inverted range",
        inverted,
        vec![],
    );
    say("set(\"j\", 7, 5); set(\"ja\", 8, 5); set(\"i\", 9, 5)");
    kv.set("j", 7, 5);
    kv.set("ja", 8, 5);
    kv.set("i", 9, 5);
    expect_eq(
        "scan_at(\"j\", 5): keys under the prefix in order",
        kv.scan_at("j", 5),
        vec![("j".to_owned(), 7), ("ja".to_owned(), 8)],
    );
    expect_eq(
        "scan_at(\"\", 25): k is deleted at 25",
        kv.scan_at("", 25),
        vec![
            ("i".to_owned(), 9),
            ("j".to_owned(), 7),
            ("ja".to_owned(), 8),
        ],
    );
    expect_eq(
        "len(): 5 versions of k (two tombstones) and 3 other keys",
        kv.len(),
        8,
    );
    expect_eq(
        "compact(26): k drops 10 and 20 (older than the tombstone in force at 26), and the tombstone at 25 (shadowed by the one at 26)",
        kv.compact(26),
        3,
    );
    expect_eq("len() after the compaction", kv.len(), 5);
    expect_eq("get(\"k\", 30) after compaction", kv.get("k", 30), Some(3));
    expect_eq(
        "history(\"k\", ..) after compaction: the tombstone at 26 stays (exactly at the horizon)",
        kv.history("k", ..),
        vec![(26, None), (30, Some(3))],
    );
    expect_eq("is_empty()", kv.is_empty(), false);
}

fn keys_compacted_away_cost_nothing_to_scan_in_the_shared_store(_: &mut Ctx) {
    scenario(
        "SharedTimeKv<u64> with n keys \"dead:…\" (n = 125, then 4,000) written at 1 and deleted \
         at 2, and 20 live keys; compact(3) forgets the dead keys (is_empty() is checked on a \
         store compacted to nothing); then the same batch of 50 scan_at(\"\", 5), each returning \
         the 20 live keys; the time must not grow with n",
    );
    let gone: SharedTimeKv<u64> = SharedTimeKv::new();
    gone.set("k", 1, 1);
    gone.delete("k", 2);
    gone.compact(3);
    expect_eq(
        "is_empty() after compact(3) dropped a key's value at 1 and its tombstone at 2",
        gone.is_empty(),
        true,
    );
    crate::support::run_prebuilt(
        syskata_kit::probe::Scaling::new(
            "shared scan_at after many keys were compacted away",
            125,
            4_000,
        )
        .demanding("a cost that follows the keys still stored"),
        |n| {
            let kv: SharedTimeKv<u64> = SharedTimeKv::new();
            for i in 0..n {
                let name = format!("dead:{i:06}");
                kv.set(&name, i as u64, 1);
                kv.delete(&name, 2);
            }
            for i in 0..20u64 {
                kv.set(&format!("live:{i:02}"), i, 1);
            }
            kv.compact(3);
            kv
        },
        |kv| {
            let mut total = 0;
            for _ in 0..50 {
                total += kv.scan_at("", 5).len();
            }
            std::hint::black_box(total);
        },
    );
}

fn random_single_threaded_sequences_match_a_simple_model(ctx: &mut Ctx) {
    scenario(
        "random set/delete/get/history/scan_at/compact/len sequences on SharedTimeKv<u32> from one \
         thread compared with a flat list of versions; get and scan_at ask at or after the highest \
         horizon so far",
    );
    let mut rng = ctx.rng().fork();
    for round in 0..30 {
        step(format!("round {round}: a fresh store"));
        let kv: SharedTimeKv<u32> = SharedTimeKv::new();
        let mut m = Model::default();
        let top = *rng.pick(&[8u64, 40, u64::MAX]);
        let mut highest = 0u64;
        model::compare(
            &mut rng,
            50,
            |r: &mut Rng| draw_op(r, top, &mut highest, HorizonDraw::Anywhere),
            |op| match op {
                Op::Set(k, v, t) => format!("{:?}", kv.set(k, *v, *t)),
                Op::Delete(k, t) => format!("{:?}", kv.delete(k, *t)),
                Op::Get(k, t) => format!("{:?}", kv.get(k, *t)),
                Op::History(k, s, e) => format!("{:?}", kv.history(k, (*s, *e))),
                Op::Scan(p, t) => format!("{:?}", kv.scan_at(p, *t)),
                Op::Compact(h) => format!("{}", kv.compact(*h)),
                Op::Len => format!("{}", kv.len()),
            },
            |op| model_answer(&mut m, op),
        );
    }
}

/// A call on one key, as the linearizability checker sees it.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Set(&'static str, u64, u32),
    Get(&'static str, u64),
    Delete(&'static str, u64),
}

/// What a call returned.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Replaced(Option<u32>),
    Value(Option<u32>),
    WasLive(bool),
}

/// The sequential specification of one key: its versions by timestamp (`None` a tombstone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct OneKey(BTreeMap<u64, Option<u32>>);

impl OneKey {
    fn seen(&self, ts: u64) -> Option<u32> {
        self.0.range(..=ts).next_back().and_then(|(_, v)| *v)
    }
}

impl LinModel for OneKey {
    type Op = Call;
    type Ret = Answer;

    fn step(&mut self, op: &Call) -> Answer {
        match *op {
            Call::Set(_, ts, v) => Answer::Replaced(self.0.insert(ts, Some(v)).flatten()),
            Call::Get(_, ts) => Answer::Value(self.seen(ts)),
            Call::Delete(_, ts) => {
                let was = self.seen(ts).is_some();
                self.0.insert(ts, None);
                Answer::WasLive(was)
            }
        }
    }

    fn is_read_only(op: &Call) -> bool {
        matches!(op, Call::Get(..))
    }

    fn show_op(op: &Call) -> String {
        match op {
            Call::Set(k, ts, v) => format!("set({k:?}, {v}, {ts})"),
            Call::Get(k, ts) => format!("get({k:?}, {ts})"),
            Call::Delete(k, ts) => format!("delete({k:?}, {ts})"),
        }
    }

    fn show_ret(ret: &Answer) -> String {
        match ret {
            Answer::Replaced(v) | Answer::Value(v) => format!("{v:?}"),
            Answer::WasLive(b) => b.to_string(),
        }
    }
}

fn key_of(call: &Call) -> &'static str {
    match call {
        Call::Set(k, ..) | Call::Get(k, ..) | Call::Delete(k, ..) => k,
    }
}

/// Runs `call` on the store.
fn perform(kv: &SharedTimeKv<u32>, call: &Call) -> Answer {
    match *call {
        Call::Set(k, ts, v) => Answer::Replaced(kv.set(k, v, ts)),
        Call::Get(k, ts) => Answer::Value(kv.get(k, ts)),
        Call::Delete(k, ts) => Answer::WasLive(kv.delete(k, ts)),
    }
}

fn calls_on_one_key_are_linearizable(ctx: &mut Ctx) {
    scenario(
        "800 short rounds on a fresh SharedTimeKv<u32> each: 3 threads released together, each \
         making 3 calls; in three rounds of four every thread races on \"x\" at timestamp 1 \
         (deletes after x held 99 at 1; two corrections and a read; deletes and reads), in the \
         fourth they mix set, get and delete on \"x\" and \"y\" at timestamps 1 and 2; every \
         call's start, end and result is recorded, and each key's calls must have a legal \
         one-at-a-time order",
    );
    let mut rng = ctx.rng().fork();
    for round in 0..800 {
        // Rounds cycle through races on one key and timestamp, then a free mix on two keys.
        let pattern = round % 4;
        let seeded = pattern == 0 || pattern == 2;
        let plans: Vec<Vec<Call>> = (0..3u32)
            .map(|t| {
                let v = t * 10;
                match pattern {
                    0 => vec![
                        Call::Delete("x", 1),
                        Call::Set("x", 1, v),
                        Call::Delete("x", 1),
                    ],
                    1 => vec![
                        Call::Set("x", 1, v),
                        Call::Set("x", 1, v + 1),
                        Call::Get("x", 1),
                    ],
                    2 => vec![
                        Call::Delete("x", 1),
                        Call::Get("x", 1),
                        Call::Delete("x", 1),
                    ],
                    _ => (0..3u32)
                        .map(|i| {
                            let k = *rng.pick(&["x", "y"]);
                            let ts = rng.range(1, 2);
                            match rng.below(10) {
                                0..=3 => Call::Set(k, ts, v + i),
                                4..=6 => Call::Delete(k, ts),
                                _ => Call::Get(k, ts),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let kv: SharedTimeKv<u32> = SharedTimeKv::new();
        if seeded {
            kv.set("x", 99, 1);
        }
        let recorder = Recorder::new();
        run_threads(3, |t| {
            let mut log = recorder.thread(t);
            for call in &plans[t] {
                log.call(call.clone(), || perform(&kv, call));
            }
        });
        let mut history = recorder.history();
        if seeded {
            // The set made before the threads started, as a call that ended before every other.
            history = shift_after_seed(history);
        }
        expect_linearizable_by_key(
            format!(
                "round {round}{}",
                if seeded {
                    " (x held 99 at 1 before the threads started)"
                } else {
                    ""
                }
            ),
            &history,
            OneKey::default(),
            key_of,
        );
    }
}

/// Prepends the seeding `set("x", 99, 1)` as a call that finished before every recorded call.
fn shift_after_seed(
    history: syskata_kit::linearizability::History<Call, Answer>,
) -> syskata_kit::linearizability::History<Call, Answer> {
    let mut out = syskata_kit::linearizability::History::new().with(
        usize::MAX,
        0,
        1,
        Call::Set("x", 1, 99),
        Answer::Replaced(None),
    );
    for mut op in history.ops {
        op.call += 2;
        op.returned += 2;
        out.ops.push(op);
    }
    out
}

fn threads_creating_the_same_new_key_lose_no_version(_: &mut Ctx) {
    scenario(
        "300 rounds on one SharedTimeKv<u32>: in each, 4 threads released together set the same \
         brand-new key (\"k<round>\") at their own timestamp (1, 2, 3, 4); afterwards the key's \
         history must hold all 4 versions and len() must count every version written so far",
    );
    let kv: SharedTimeKv<u32> = SharedTimeKv::new();
    for round in 0..300u32 {
        let key = format!("k{round}");
        run_threads(4, |t| {
            kv.set(&key, round * 10 + t as u32, t as u64 + 1);
        });
        let got = kv.history(&key, ..);
        let expected: Vec<(u64, Option<u32>)> = (0..4u32)
            .map(|t| (u64::from(t) + 1, Some(round * 10 + t)))
            .collect();
        if got != expected {
            step(format!(
                "round {round}: 4 threads called set({key:?}, {round}0 + t, t + 1) for t = 0..4 at once"
            ));
        }
        expect_eq(
            format!(
                "history({key:?}, ..) after 4 threads created the key at the same time, each with \
                 its own timestamp: a version is missing, so one thread's write went into a history \
                 that another thread's creation replaced (create-or-get must be one atomic step)"
            ),
            got,
            expected,
        );
        let len = kv.len();
        expect_eq(
            format!("len() after round {round}: 4 versions per round, no thread running"),
            len,
            4 * (round as usize + 1),
        );
    }
}

fn compaction_alongside_reads_and_writes_changes_no_answer_and_loses_no_write(_: &mut Ctx) {
    scenario(
        "300 rounds on a fresh SharedTimeKv<u32>: a has 1 at 1 and 3 at 3; b only a tombstone at 2; \
         c has 1 at 1 and a tombstone at 2; d has 4 at 4. Released together: one thread calls \
         compact(5) (it drops a's version at 1 and forgets b and c entirely), two threads write \
         b, c, a and d at timestamps 10 and up, one thread reads at 5..=9 (answers fixed by the \
         versions before 5). Afterwards every written version is in the history, len() is exact",
    );
    let keys = ["b", "c", "a", "d"];
    for round in 0..300 {
        let kv: SharedTimeKv<u32> = SharedTimeKv::new();
        kv.set("a", 1, 1);
        kv.set("a", 3, 3);
        kv.delete("b", 2);
        kv.set("c", 1, 1);
        kv.delete("c", 2);
        kv.set("d", 4, 4);
        let wrong = Mutex::new(None::<String>);
        let dropped = AtomicUsize::new(usize::MAX);
        run_threads(4, |t| match t {
            0 => dropped.store(kv.compact(5), Ordering::SeqCst),
            1 | 2 => {
                for (i, k) in keys.iter().enumerate() {
                    kv.set(k, 100 * t as u32 + i as u32, 10 * t as u64 + i as u64);
                }
            }
            _ => {
                for ts in 5..=9 {
                    for (k, expected) in [("a", Some(3)), ("b", None), ("c", None), ("d", Some(4))]
                    {
                        let got = kv.get(k, ts);
                        if got != expected {
                            let mut w = wrong.lock().unwrap_or_else(|p| p.into_inner());
                            w.get_or_insert(format!(
                                "get({k:?}, {ts}) returned {got:?} while compact(5) ran; the versions \
                                 in force at {ts} say {expected:?}, and compaction must not change a \
                                 read at or after its horizon"
                            ));
                        }
                    }
                }
                let scan = kv.scan_at("", 7);
                let expected = vec![("a".to_owned(), 3), ("d".to_owned(), 4)];
                if scan != expected {
                    let mut w = wrong.lock().unwrap_or_else(|p| p.into_inner());
                    w.get_or_insert(format!(
                        "scan_at(\"\", 7) returned {scan:?} while compact(5) ran, expected {expected:?}"
                    ));
                }
            }
        });
        if let Some(w) = wrong.into_inner().unwrap_or_else(|p| p.into_inner()) {
            step(format!("round {round}"));
            fail(w);
        }
        expect_eq(
            format!("round {round}: compact(5) returned"),
            dropped.load(Ordering::SeqCst),
            4,
        );
        for (i, k) in keys.iter().enumerate() {
            let got = kv.history(k, 10..);
            let expected = vec![
                (10 + i as u64, Some(100 + i as u32)),
                (20 + i as u64, Some(200 + i as u32)),
            ];
            if got != expected {
                step(format!("round {round}: the threads wrote {k:?} at {} and {} while compact(5) forgot or trimmed it", 10 + i, 20 + i));
            }
            expect_eq(
                format!(
                    "history({k:?}, 10..) after two writers and a concurrent compact(5): a write \
                     that returned is missing (a write into a history the compaction removed from \
                     the key map is lost)"
                ),
                got,
                expected,
            );
        }
        expect_eq(
            format!(
                "round {round}: len() once every thread finished (a: 3 at 3; d: 4 at 4; 8 writes)"
            ),
            kv.len(),
            10,
        );
    }
}

/// The meeting point of a writer and a compaction over one key: the compaction, dropping the key's
/// old value under the key's lock, waits there until the writer has started its next `set`, then
/// lingers a little, so the `set` runs into the compaction that is emptying the key.
#[derive(Default)]
struct Handshake {
    dropping: AtomicBool,
    going: AtomicBool,
    linger_us: u64,
}

/// A value whose drop can wait for a [`Handshake`]; clones never do.
#[derive(Clone, Debug, PartialEq)]
struct Heavy {
    id: u32,
    #[allow(dead_code)]
    meet: Option<Arc<HandshakeDebug>>,
}

/// A [`Handshake`] that prints as nothing.
struct HandshakeDebug(Handshake);

impl std::fmt::Debug for HandshakeDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl PartialEq for HandshakeDebug {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Set once a wait of the handshake timed out: the store does not drop values while compacting,
/// so later keys skip the meeting instead of waiting for nothing.
static GAVE_UP: AtomicBool = AtomicBool::new(false);

/// Spins until `done` or `limit`; returns whether `done` came true.
fn spin_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let until = Instant::now() + limit;
    while !done() {
        if Instant::now() > until {
            return false;
        }
        std::hint::spin_loop();
    }
    true
}

impl Drop for Heavy {
    fn drop(&mut self) {
        let Some(meet) = self.meet.take() else {
            return;
        };
        let meet = &meet.0;
        meet.dropping.store(true, Ordering::SeqCst);
        if GAVE_UP.load(Ordering::SeqCst) {
            return;
        }
        if !spin_until(Duration::from_millis(20), || {
            meet.going.load(Ordering::SeqCst)
        }) {
            GAVE_UP.store(true, Ordering::SeqCst);
            return;
        }
        let linger = Instant::now() + Duration::from_micros(meet.linger_us);
        while Instant::now() < linger {
            std::hint::spin_loop();
        }
    }
}

fn keys_forgotten_by_compaction_while_writers_bring_them_back_lose_nothing(ctx: &mut Ctx) {
    scenario(
        "one SharedTimeKv<V>; a writer thread takes 300 fresh keys in turn: set(key, old value, 0), \
         delete(key, 1) (from then on a compaction may drop both versions, empty the key and forget \
         it), then set(key, new value, 10) just as a compaction is dropping the old value (the \
         value's drop waits for the writer to start, then lingers 0 to 100 µs); another thread \
         calls compact(5) over and over. Afterwards every key must hold its new value at 10, and \
         len() must count exactly those versions once a last compact(5) has run",
    );
    const KEYS: usize = 300;
    let kv: SharedTimeKv<Heavy> = SharedTimeKv::new();
    let mut rng = ctx.rng().fork();
    let lingers: Vec<u64> = (0..KEYS).map(|_| rng.below(100)).collect();
    let writing = AtomicBool::new(true);
    step("phase: a writer and a compacting thread");
    run_threads(2, |t| {
        if t == 1 {
            while writing.load(Ordering::SeqCst) {
                kv.compact(5);
            }
            return;
        }
        for (j, &linger_us) in lingers.iter().enumerate() {
            let key = format!("w:{j}");
            let meet = Arc::new(HandshakeDebug(Handshake {
                linger_us,
                ..Handshake::default()
            }));
            kv.set(
                &key,
                Heavy {
                    id: j as u32,
                    meet: Some(Arc::clone(&meet)),
                },
                0,
            );
            kv.delete(&key, 1);
            if !GAVE_UP.load(Ordering::SeqCst)
                && !spin_until(Duration::from_millis(20), || {
                    meet.0.dropping.load(Ordering::SeqCst)
                })
            {
                GAVE_UP.store(true, Ordering::SeqCst);
            }
            meet.0.going.store(true, Ordering::SeqCst);
            kv.set(
                &key,
                Heavy {
                    id: j as u32,
                    meet: None,
                },
                10,
            );
        }
        writing.store(false, Ordering::SeqCst);
    });
    step("phase: checking every key");
    for j in 0..KEYS {
        let key = format!("w:{j}");
        let got = kv.get(&key, 10).map(|h| h.id);
        if got != Some(j as u32) {
            step(format!(
                "the writer: set({key:?}, old, 0), delete({key:?}, 1), then set({key:?}, new {j}, 10) while compact(5) was dropping the old value"
            ));
        }
        expect_eq(
            format!(
                "the id of get({key:?}, 10) after the writer's set returned: a compaction dropped \
                 the old versions, found the key empty and removed it while the writer was storing \
                 the version at 10, and that version is lost (it went into a history no longer in \
                 the key map, or the key was removed after the write landed)"
            ),
            got,
            Some(j as u32),
        );
    }
    kv.compact(5);
    expect_eq(
        "len() after a last compact(5) on the quiet store: one version per key",
        kv.len(),
        KEYS,
    );
}

fn a_writer_sees_its_own_write_while_compaction_keeps_forgetting_its_key(_: &mut Ctx) {
    scenario(
        "one SharedTimeKv<u32>; 150 rounds, each releasing 3 threads together: 2 writers, each on \
         its own key, loop 60 times: set(key, i, 1), get(key, 5) (must be Some(i): the value at 1 \
         is in force at 5, and a compaction at 2 must keep it), delete(key, 1) (now the key holds \
         only a tombstone before 2, so a compaction may empty it and forget it); the third thread \
         calls compact(2) over and over until both writers are done",
    );
    const ROUNDS: u32 = 150;
    const LOOPS: u32 = 60;
    let kv: SharedTimeKv<u32> = SharedTimeKv::new();
    let wrong = Mutex::new(None::<String>);
    for round in 0..ROUNDS {
        let writing = AtomicUsize::new(2);
        run_threads(3, |t| {
            if t == 2 {
                while writing.load(Ordering::SeqCst) > 0 {
                    kv.compact(2);
                }
                return;
            }
            let key = format!("own{t}");
            for i in 0..LOOPS {
                let v = round * LOOPS + i;
                kv.set(&key, v, 1);
                let got = kv.get(&key, 5);
                if got != Some(v) {
                    wrong
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(format!(
                            "round {round}, writer {t}: set({key:?}, {v}, 1) returned, then \
                             get({key:?}, 5) returned {got:?} instead of Some({v}). Meanwhile a \
                             compaction had just emptied the key (its only version was the \
                             tombstone of the previous loop) and removed it: the set went into the \
                             key's old history, which is no longer in the key map, so the version \
                             is lost"
                        ));
                    break;
                }
                kv.delete(&key, 1);
            }
            writing.fetch_sub(1, Ordering::SeqCst);
        });
        if let Some(w) = wrong.lock().unwrap_or_else(|p| p.into_inner()).take() {
            fail(w);
        }
    }
}

fn len_stays_exact_under_many_concurrent_writers(_: &mut Ctx) {
    scenario(
        "one SharedTimeKv<u32>; 250 rounds, each releasing 4 threads together that write 40 new \
         versions each (its own key, fresh timestamps) as fast as they can; after every round \
         len() must be exactly 160 × the rounds so far (a count kept with a separate load and \
         store loses increments when writers of different keys update it at the same time)",
    );
    const ROUNDS: u64 = 250;
    const PER_THREAD: u64 = 40;
    let kv: SharedTimeKv<u32> = SharedTimeKv::new();
    for round in 0..ROUNDS {
        run_threads(4, |t| {
            let key = format!("writer{t}");
            for i in 0..PER_THREAD {
                let ts = round * PER_THREAD + i;
                kv.set(&key, ts as u32, ts);
            }
        });
        let expected = ((round + 1) * 4 * PER_THREAD) as usize;
        let len = kv.len();
        if len != expected {
            let stored: usize = (0..4)
                .map(|t| kv.history(&format!("writer{t}"), ..).len())
                .sum();
            step(format!(
                "after round {round}: the histories list {stored} versions, len() says {len}"
            ));
            expect_eq(
                format!(
                    "len() after round {round}, once the 4 writers finished: every set added a \
                     version"
                ),
                len,
                expected,
            );
        }
    }
}

/// A value whose `clone()` can be made to block until released, to hold one call inside a key.
struct Gate {
    id: u32,
    ctl: Option<Arc<GateCtl>>,
}

/// The switch of a blocking [`Gate`].
#[derive(Default)]
struct GateCtl {
    armed: AtomicBool,
    inside: AtomicBool,
    released: Mutex<bool>,
    wake: Condvar,
}

impl Clone for Gate {
    fn clone(&self) -> Self {
        if let Some(ctl) = &self.ctl {
            if ctl.armed.load(Ordering::SeqCst) {
                ctl.inside.store(true, Ordering::SeqCst);
                let mut released = ctl.released.lock().unwrap_or_else(|p| p.into_inner());
                let until = Instant::now() + Duration::from_secs(8);
                while !*released && Instant::now() < until {
                    released = ctl
                        .wake
                        .wait_timeout(released, Duration::from_millis(50))
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
        }
        Gate {
            id: self.id,
            ctl: None,
        }
    }
}

impl PartialEq for Gate {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "value {}", self.id)
    }
}

fn plain(id: u32) -> Gate {
    Gate { id, ctl: None }
}

/// Waits up to `limit` for `done`.
fn wait_for(limit: Duration, done: impl Fn() -> bool) -> bool {
    let until = Instant::now() + limit;
    while !done() {
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

fn an_operation_on_one_key_never_waits_for_another_key(_: &mut Ctx) {
    scenario(
        "SharedTimeKv<V> where V's clone() can be made to block: key \"a\" holds such a value at 1, \
         keys \"b0\" … \"b7\" hold plain values. A thread reads \"a\" (by get, then history, then \
         scan_at(\"a\", 1)) and stays inside clone(); meanwhile another thread calls set, get, \
         delete and history on the b keys and sets a brand-new key: each must finish within 2 s",
    );
    type Stuck = fn(&SharedTimeKv<Gate>);
    let readers: [(&str, Stuck); 3] = [
        ("get(\"a\", 1)", |kv| drop(kv.get("a", 1))),
        ("history(\"a\", ..)", |kv| drop(kv.history("a", ..))),
        ("scan_at(\"a\", 1)", |kv| drop(kv.scan_at("a", 1))),
    ];
    for (round, (reader, read)) in readers.iter().enumerate() {
        let ctl = Arc::new(GateCtl::default());
        let kv: SharedTimeKv<Gate> = SharedTimeKv::new();
        kv.set(
            "a",
            Gate {
                id: 0,
                ctl: Some(Arc::clone(&ctl)),
            },
            1,
        );
        for i in 0..8u32 {
            kv.set(&format!("b{i}"), plain(i + 1), 1);
        }
        ctl.armed.store(true, Ordering::SeqCst);
        let progress = Mutex::new(String::from("not started"));
        let finished = AtomicBool::new(false);
        let mut verdict: Option<String> = None;
        std::thread::scope(|s| {
            s.spawn(|| read(&kv));
            step(format!(
                "thread 1: {reader}, blocks inside the value's clone()"
            ));
            if !wait_for(Duration::from_secs(2), || ctl.inside.load(Ordering::SeqCst)) {
                verdict = Some(format!(
                    "{reader} never called clone() on the value of \"a\" within 2 s (it must return a \
                     clone of the stored value)"
                ));
            } else {
                s.spawn(|| {
                    let note = |what: &str| {
                        *progress.lock().unwrap_or_else(|p| p.into_inner()) = what.to_owned();
                    };
                    note("set(\"b3\", value 30, 5)");
                    kv.set("b3", plain(30), 5);
                    note("get(\"b3\", 5)");
                    let _ = kv.get("b3", 5);
                    note("delete(\"b5\", 6)");
                    kv.delete("b5", 6);
                    note("history(\"b1\", ..)");
                    let _ = kv.history("b1", ..);
                    note("set(\"brand-new\", value 40, 1)");
                    kv.set(&format!("brand-new{round}"), plain(40), 1);
                    note("get(\"b7\", 1)");
                    let _ = kv.get("b7", 1);
                    finished.store(true, Ordering::SeqCst);
                });
                if !wait_for(Duration::from_secs(2), || finished.load(Ordering::SeqCst)) {
                    let at = progress.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    verdict = Some(format!(
                        "while thread 1 was inside clone() of key \"a\"'s value (called by {reader}), \
                         thread 2's {at} did not finish within 2 s. An operation on another key must \
                         not wait for a call in progress on \"a\": the lock thread 1 holds covers \
                         more than key \"a\" (one lock around the store, a RwLock whose write side a \
                         writer needs, the key map's lock held while cloning, or two keys sharing a \
                         striped lock)"
                    ));
                }
            }
            // Let the stuck reader go, whatever happened, so every thread ends.
            *ctl.released.lock().unwrap_or_else(|p| p.into_inner()) = true;
            ctl.wake.notify_all();
        });
        if let Some(v) = verdict {
            fail(v);
        }
        step(format!(
            "round {}: every call on the other keys finished",
            round + 1
        ));
    }
}

fn everything_at_once_ends_without_deadlock_and_len_matches(ctx: &mut Ctx) {
    scenario(
        "4 threads × 3,000 random calls (set, delete, get, history, scan_at, compact at a rising \
         horizon, len) on 6 keys of one SharedTimeKv<u32>; no deadlock, and once every thread \
         finished, len() equals the number of versions the histories list",
    );
    let kv: SharedTimeKv<u32> = SharedTimeKv::new();
    const KEYS: &[&str] = &["a", "ab", "b", "ba", "c", "cd"];
    let seeds: Vec<u64> = (0..4).map(|_| ctx.rng().next_u64()).collect();
    step("phase: 4 threads doing everything at random");
    run_threads(4, |t| {
        let mut rng = Rng::new(seeds[t]);
        for i in 0..3_000u64 {
            let k = *rng.pick(KEYS);
            let ts = rng.range(i / 10, i / 10 + 20);
            match rng.below(20) {
                0..=6 => drop(kv.set(k, i as u32, ts)),
                7..=9 => drop(kv.delete(k, ts)),
                10..=13 => drop(kv.get(k, ts)),
                14..=15 => drop(kv.history(k, ts..ts + 10)),
                16..=17 => drop(kv.scan_at(&k[..1], ts)),
                18 => drop(kv.compact(i / 10)),
                _ => drop(kv.len()),
            }
        }
    });
    step("phase: counting what is stored");
    let stored: usize = KEYS.iter().map(|k| kv.history(k, ..).len()).sum();
    expect_eq(
        "len() once every thread finished, against the versions history(key, ..) lists over all keys",
        kv.len(),
        stored,
    );
    let before = kv.len();
    let dropped = kv.compact(u64::MAX);
    expect(
        kv.len() == before - dropped.min(before),
        format!(
            "compact(u64::MAX) on a quiet store returned {dropped}, but len() went from {before} to {}",
            kv.len()
        ),
    );
    let left: usize = KEYS.iter().map(|k| kv.history(k, ..).len()).sum();
    expect_eq(
        "len() after compact(u64::MAX), against the histories",
        kv.len(),
        left,
    );
    let _ = show_ts(0);
}
