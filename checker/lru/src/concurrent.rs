//! Stage concurrent: one cache shared by many threads through `&self`, with exact counters and no lost updates.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use syskata_kit::linearizability::{expect_linearizable, Model, Recorder};
use syskata_kit::stress::{run_threads, SpinBarrier};
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{CacheStats, SharedLruCache};
use crate::support::{num, play, ManualClock, Played};

/// Threads in every stress check: more than the cores, so threads are also preempted mid-operation.
const THREADS: usize = 8;

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            shared_cache_is_send_and_sync,
            shared_cache_keeps_the_lru_and_ttl_rules,
            stats_count_each_get_as_a_hit_or_a_miss_and_each_eviction,
            update_sees_the_live_value_and_stores_the_result,
            concurrent_updates_are_never_lost,
            hit_and_miss_counts_are_exact_under_contention,
            eviction_count_and_len_are_exact_under_contention,
            mixed_operations_from_many_threads_keep_the_invariants,
            concurrent_calls_behave_as_if_made_one_at_a_time,
        ],
    }
}

fn render(stats: CacheStats) -> String {
    format!(
        "hits={} misses={} evictions={}",
        stats.hits, stats.misses, stats.evictions
    )
}

/// Plays `script` on `SharedLruCache::with_clock(capacity, clock)`; the clock starts at 0.
///
/// Operations: `at T`, `put K V`, `put K V ttl N`, `get K`, `update K +S` (appends S to the live
/// value, or starts from S), `len`, `stats`.
#[track_caller]
fn check(capacity: usize, script: &str) {
    scenario(format!(
        "SharedLruCache::with_clock({capacity}, clock) with u32 keys and String values, used \
         from one thread; the clock (ms) starts at 0"
    ));
    let clock = ManualClock::at(0);
    let cache: SharedLruCache<u32, String> = SharedLruCache::with_clock(capacity, clock.reader());
    play(script, |words| match words {
        ["at", t] => {
            clock.set(num(t));
            Played::unit(format!("clock = {t}"))
        }
        ["put", k, v] => {
            let k: u32 = num(k);
            Played::value(format!("put({k}, {v:?})"), cache.put(k, v.to_string()))
        }
        ["put", k, v, "ttl", ttl] => {
            let (k, ttl): (u32, u64) = (num(k), num(ttl));
            Played::value(
                format!("put_with_ttl({k}, {v:?}, {ttl})"),
                cache.put_with_ttl(k, v.to_string(), ttl),
            )
        }
        ["get", k] => {
            let k: u32 = num(k);
            Played::value(format!("get(&{k})"), cache.get(&k))
        }
        ["update", k, suffix] => {
            let k: u32 = num(k);
            let suffix = suffix.trim_start_matches('+');
            let mut seen = None;
            let stored = cache.update(k, |current| {
                seen = Some(current.cloned());
                format!("{}{suffix}", current.map_or("", String::as_str))
            });
            Played::plain(
                format!(
                    "update({k}, append {suffix:?}) [closure saw {}]",
                    seen.map_or("nothing: it was not called".to_owned(), |s| format!(
                        "{s:?}"
                    ))
                ),
                stored,
            )
        }
        ["len"] => Played::plain("len()".into(), cache.len()),
        ["stats"] => Played::plain("stats()".into(), render(cache.stats())),
        other => panic!("script error: unknown operation {other:?}"),
    });
}

fn shared_cache_is_send_and_sync(_: &mut Ctx) {
    // A cache that is not Send + Sync makes this suite fail to compile, which says the same.
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SharedLruCache<u64, String>>();
    scenario("SharedLruCache::new(4) behind an Arc, written from a spawned thread and read back");
    let cache = std::sync::Arc::new(SharedLruCache::<u64, String>::new(4));
    let writer = std::sync::Arc::clone(&cache);
    step("thread::spawn(move || cache.put(1, \"from a thread\"))");
    std::thread::spawn(move || writer.put(1, "from a thread".to_owned()))
        .join()
        .unwrap_or_else(|_| fail("the writer thread panicked"));
    expect_eq(
        "get(&1) on the main thread after the writer thread finished",
        cache.get(&1),
        Some("from a thread".to_owned()),
    );
}

fn shared_cache_keeps_the_lru_and_ttl_rules(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a -> none
        put 1 b -> a     # put returns the previous value, like LruCache::put
        put 2 c
        get 1 -> b       # refreshes 1: 2 is now least recently used
        put 3 d          # full: 2 goes
        get 2 -> none    # 2 was least recently used when 3 arrived
        put 4 e ttl 10
        get 4 -> e       # 4 went in, evicting 1 (least recently used)
        at 10
        get 4 -> none    # put at 0 with ttl 10: expired from 10 on
        len -> 1         # get removed the expired entry
        ",
    );
}

fn stats_count_each_get_as_a_hit_or_a_miss_and_each_eviction(_: &mut Ctx) {
    check(
        2,
        "
        stats -> hits=0 misses=0 evictions=0
        get 1 -> none
        stats -> hits=0 misses=1 evictions=0   # a get that finds nothing is a miss
        put 1 a
        put 2 b
        get 1 -> a
        stats -> hits=1 misses=1 evictions=0   # put is not a lookup: only get counts
        put 1 A
        stats -> hits=1 misses=1 evictions=0   # updating a key of a full cache evicts nothing
        put 3 c
        stats -> hits=1 misses=1 evictions=1   # 3 is new and the cache is full: one eviction
        put 4 d ttl 5
        at 5
        get 4 -> none
        stats -> hits=1 misses=2 evictions=2   # 4 evicted 1 to get in; its expiry is a miss, not an eviction
        update 5 +x
        stats -> hits=1 misses=2 evictions=2   # update stored 5 into the slot get(&4) freed: no eviction, no lookup
        ",
    );
}

fn update_sees_the_live_value_and_stores_the_result(_: &mut Ctx) {
    check(
        3,
        "
        update 1 +a -> a     # no value yet: the closure gets None
        update 1 +b -> ab    # the closure gets the current value and its result is stored
        get 1 -> ab
        put 2 x ttl 5
        at 5
        update 2 +y -> y     # 2 expired at 5: the closure gets None, not the dead value
        at 1000
        get 2 -> y           # update stores without a ttl
        ",
    );
}

fn concurrent_updates_are_never_lost(_: &mut Ctx) {
    const PER_THREAD: u64 = 1_000;
    const KEYS: u64 = 4;
    scenario(format!(
        "SharedLruCache::new(16) of counters; {THREADS} threads each call \
         update(k, |n| n.unwrap_or(0) + 1) {PER_THREAD} times, cycling over keys 0..{KEYS} (the \
         closure takes {WORK:?}, as real work would); then each key must hold exactly \
         {THREADS} × {PER_THREAD} / {KEYS}"
    ));
    let cache: SharedLruCache<u64, u64> = SharedLruCache::new(16);
    step(format!("phase: {THREADS} threads updating"));
    run_threads(THREADS, |t| {
        for i in 0..PER_THREAD {
            // A closure that takes a moment keeps a thread that runs it between two lock
            // sections inside its window long enough for another thread to get in, even when
            // the machine is busy and the threads run in turns.
            cache.update((i + t as u64) % KEYS, |n| {
                work();
                n.copied().unwrap_or(0) + 1
            });
        }
    });
    step("phase: reading the counters");
    let expected = THREADS as u64 * PER_THREAD / KEYS;
    for k in 0..KEYS {
        let got = cache.get(&k);
        if got != Some(expected) {
            fail(format!(
                "counter {k} after {expected} increments by update() from {THREADS} threads\n\
                 expected: Some({expected})\n     got: {got:?}\n\
                 increments were lost: two updates read the same value and both stored value + 1. \
                 update must read, call the closure and store under one lock"
            ));
        }
    }
}

fn hit_and_miss_counts_are_exact_under_contention(_: &mut Ctx) {
    // A counter bumped with load-then-store (or copied out and written back) loses a count only
    // when a thread stops inside that short window while another thread counts. Readers call
    // nothing but get(), as fast as they can; samplers wake up every few tens of microseconds
    // (each wake-up can preempt a reader wherever it is) and read stats() while the readers run.
    const RUN_FOR: Duration = Duration::from_millis(200);
    // Most lookups are misses on an empty cache: the shortest critical section, so a thread
    // spends the largest share of its time right next to the counting.
    const HITS: u64 = 16;
    const MISSES: u64 = 240;
    const READERS: usize = 4 * THREADS;
    const SAMPLERS: usize = 8;
    scenario(format!(
        "two SharedLruCache::new(4): `full` holds key 0; `empty` holds nothing; {READERS} threads \
         call get() as fast as they can for {RUN_FOR:?}, in rounds of {HITS} get(&0) on `full` \
         (hits) then {MISSES} get(&1) on `empty` (misses), while {SAMPLERS} more threads read \
         stats() of both every few microseconds: what they see must never go down, and the final \
         stats() of each must add up exactly"
    ));
    let full: SharedLruCache<u64, u64> = SharedLruCache::new(4);
    let empty: SharedLruCache<u64, u64> = SharedLruCache::new(4);
    full.put(0, 0);
    step(format!(
        "phase: {READERS} threads reading, {SAMPLERS} sampling stats()"
    ));
    let start = Instant::now();
    let rounds = run_threads(READERS + SAMPLERS, |t| {
        if t >= READERS {
            let mut last = (0, 0);
            while start.elapsed() < RUN_FOR {
                std::thread::sleep(Duration::from_micros(20));
                let seen = (full.stats().hits, empty.stats().misses);
                if seen.0 < last.0 || seen.1 < last.1 {
                    fail(format!(
                        "a thread reading stats() while others called get() saw the hits of \
                         `full` go from {} to {} and the misses of `empty` from {} to {}: a \
                         counter went down, so one increment overwrote others (update the \
                         counters under the cache's lock, or with fetch_add — never load, add, \
                         then store)",
                        last.0, seen.0, last.1, seen.1
                    ));
                }
                last = seen;
            }
            return 0;
        }
        let mut rounds = 0u64;
        while start.elapsed() < RUN_FOR {
            for _ in 0..HITS {
                if full.get(&0) != Some(0) {
                    fail(format!(
                        "get(&0) on `full` from thread {t} did not return Some(0): key 0 was \
                         stored and never evicted"
                    ));
                }
            }
            for _ in 0..MISSES {
                if empty.get(&1).is_some() {
                    fail(format!(
                        "get(&1) on `empty` from thread {t} returned a value: nothing was stored"
                    ));
                }
            }
            rounds += 1;
        }
        rounds
    });
    step("phase: comparing stats()");
    let rounds: u64 = rounds.iter().sum();
    let (hits, misses) = (rounds * HITS, rounds * MISSES);
    for (name, cache, expected) in [
        (
            "full",
            &full,
            CacheStats {
                hits,
                misses: 0,
                evictions: 0,
            },
        ),
        (
            "empty",
            &empty,
            CacheStats {
                hits: 0,
                misses,
                evictions: 0,
            },
        ),
    ] {
        let got = cache.stats();
        if got != expected {
            fail(format!(
                "stats() of `{name}` after {} get() calls on it from {READERS} threads\n\
                 expected: {}\n     got: {}\n\
                 counts were lost or doubled: each increment must be atomic with the others \
                 (update the counters under the cache's lock, or with fetch_add — never load, \
                 add, then store)",
                expected.hits + expected.misses,
                render(expected),
                render(got)
            ));
        }
    }
}

fn eviction_count_and_len_are_exact_under_contention(_: &mut Ctx) {
    const CAPACITY: usize = 64;
    const PUTS: u64 = 2_000;
    scenario(format!(
        "SharedLruCache::new({CAPACITY}); {THREADS} threads each put {PUTS} keys no other thread \
         uses (every put is a new key), checking len() <= {CAPACITY} every 50 puts; then \
         evictions must be puts - capacity exactly and len() must be {CAPACITY}"
    ));
    let cache: SharedLruCache<u64, u64> = SharedLruCache::new(CAPACITY);
    step(format!("phase: {THREADS} threads putting new keys"));
    let biggest = run_threads(THREADS, |t| {
        let mut biggest = 0;
        for j in 0..PUTS {
            let k = t as u64 * 1_000_000 + j;
            cache.put(k, j);
            if j % 50 == 0 {
                biggest = biggest.max(cache.len());
            }
        }
        biggest
    });
    step("phase: checking len() and stats()");
    let biggest = biggest.into_iter().max().unwrap_or(0);
    expect(
        biggest <= CAPACITY,
        format!(
            "len() was {biggest} while threads were putting, above the capacity {CAPACITY}: \
             the cache must never hold more than its capacity, even for a moment"
        ),
    );
    expect_eq(
        format!("len() after {} puts of new keys", THREADS as u64 * PUTS),
        cache.len(),
        CAPACITY,
    );
    let puts = THREADS as u64 * PUTS;
    expect_eq(
        format!(
            "stats().evictions after {puts} puts of distinct new keys into a cache of capacity \
             {CAPACITY}: every put past the first {CAPACITY} evicted exactly one entry"
        ),
        cache.stats().evictions,
        puts - CAPACITY as u64,
    );
}

fn mixed_operations_from_many_threads_keep_the_invariants(ctx: &mut Ctx) {
    const CAPACITY: usize = 32;
    const OPS: usize = 3_000;
    scenario(format!(
        "SharedLruCache::with_clock({CAPACITY}, clock); {THREADS} threads each run {OPS} random \
         operations (get, put, put_with_ttl, update, len, stats, and moving the clock) on keys \
         0..64. Afterwards hits + misses must equal the number of get() calls, and during the run \
         len() must stay <= {CAPACITY} and each thread must see stats() never go down"
    ));
    let clock = ManualClock::at(0);
    let cache: SharedLruCache<u64, u64> = SharedLruCache::with_clock(CAPACITY, clock.reader());
    let seeds: Vec<u64> = (0..THREADS).map(|_| ctx.rng().next_u64()).collect();
    step(format!("phase: {THREADS} threads running mixed operations"));
    let results = run_threads(THREADS, |t| {
        let mut rng = Rng::new(seeds[t]);
        let mut gets = 0u64;
        let mut last_seen = 0u64;
        for _ in 0..OPS {
            let k = rng.below(64);
            match rng.below(20) {
                0..=7 => {
                    cache.get(&k);
                    gets += 1;
                }
                8..=10 => {
                    cache.put(k, k);
                }
                11..=13 => {
                    cache.put_with_ttl(k, k, rng.below(20));
                }
                14..=15 => {
                    cache.update(k, |v| v.copied().unwrap_or(0) + 1);
                }
                16 => {
                    let len = cache.len();
                    expect(
                        len <= CAPACITY,
                        format!("len() returned {len} mid-run, above the capacity {CAPACITY}"),
                    );
                }
                17..=18 => {
                    let s = cache.stats();
                    let seen = s.hits + s.misses;
                    expect(
                        seen >= last_seen,
                        format!(
                            "thread {t} saw hits + misses go down from {last_seen} to {seen}: \
                             a counter lost an increment or was overwritten"
                        ),
                    );
                    last_seen = seen;
                }
                _ => {
                    clock.advance(1);
                }
            }
        }
        gets
    });
    step("phase: checking stats()");
    let gets: u64 = results.iter().sum();
    let stats = cache.stats();
    expect_eq(
        format!("stats().hits + stats().misses after {gets} get() calls in all"),
        stats.hits + stats.misses,
        gets,
    );
    expect(
        cache.len() <= CAPACITY,
        format!(
            "len() is {} after the run, above the capacity {CAPACITY}",
            cache.len()
        ),
    );
}

/// A sequential LRU cache of `u64` keys and values, no ttl: the specification the histories of
/// [`concurrent_calls_behave_as_if_made_one_at_a_time`] are checked against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct LruModel {
    capacity: usize,
    /// Least recently used first.
    entries: Vec<(u64, u64)>,
}

/// A call of that check.
#[derive(Debug, Clone)]
enum LruOp {
    Get(u64),
    Put(u64, u64),
    /// `update(k, |v| v.map_or(UPDATE_ADDS, |v| v + UPDATE_ADDS))`
    Update(u64),
    Len,
}

/// What a call of that check returned.
#[derive(Debug, Clone, PartialEq)]
enum LruRet {
    Value(Option<u64>),
    Stored(u64),
    Len(usize),
}

/// What `update` adds to the value it finds (or stores when it finds none).
const UPDATE_ADDS: u64 = 100;

/// How long cloning a value, and computing an `update`, take in that check: as long as real work
/// (a `String`, a `Vec`, a computed value), so a thread that leaves a gap between two lock sections
/// around such work lets other calls in.
const WORK: Duration = Duration::from_micros(3);

/// Spins for [`WORK`].
fn work() {
    let start = Instant::now();
    while start.elapsed() < WORK {
        std::hint::spin_loop();
    }
}

/// A value whose `clone` takes [`WORK`].
#[derive(Debug, PartialEq)]
struct Slow(u64);

impl Clone for Slow {
    fn clone(&self) -> Self {
        work();
        Slow(self.0)
    }
}

impl LruModel {
    fn position(&self, key: u64) -> Option<usize> {
        self.entries.iter().position(|&(k, _)| k == key)
    }

    /// Stores like `put`: the key becomes most recently used; a new key on a full cache evicts the
    /// least recently used entry. Returns the previous value.
    fn store(&mut self, key: u64, value: u64) -> Option<u64> {
        let previous = self.position(key).map(|i| self.entries.remove(i).1);
        if previous.is_none() && self.entries.len() == self.capacity {
            self.entries.remove(0);
        }
        self.entries.push((key, value));
        previous
    }
}

impl Model for LruModel {
    type Op = LruOp;
    type Ret = LruRet;

    fn step(&mut self, op: &LruOp) -> LruRet {
        match *op {
            LruOp::Get(k) => LruRet::Value(self.position(k).map(|i| {
                let entry = self.entries.remove(i);
                self.entries.push(entry);
                entry.1
            })),
            LruOp::Put(k, v) => LruRet::Value(self.store(k, v)),
            LruOp::Update(k) => {
                let current = self.position(k).map(|i| self.entries[i].1);
                let value = current.map_or(UPDATE_ADDS, |v| v + UPDATE_ADDS);
                self.store(k, value);
                LruRet::Stored(value)
            }
            LruOp::Len => LruRet::Len(self.entries.len()),
        }
    }

    fn show_op(op: &LruOp) -> String {
        match op {
            LruOp::Get(k) => format!("get(&{k})"),
            LruOp::Put(k, v) => format!("put({k}, {v})"),
            LruOp::Update(k) => format!("update({k}, +{UPDATE_ADDS})"),
            LruOp::Len => "len()".to_owned(),
        }
    }

    fn show_ret(ret: &LruRet) -> String {
        match ret {
            LruRet::Value(v) => format!("{v:?}"),
            LruRet::Stored(v) => format!("{v}"),
            LruRet::Len(n) => format!("{n}"),
        }
    }

    fn show_state(&self) -> Option<String> {
        let entries: Vec<String> = self
            .entries
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        Some(format!(
            "[{}] (least recently used first)",
            entries.join(", ")
        ))
    }
}

/// One round of [`concurrent_calls_behave_as_if_made_one_at_a_time`]: its cache, each thread's
/// calls, the history, and how many writes (put, update) of each key have returned so far.
struct Round {
    cache: SharedLruCache<u64, Slow>,
    calls: Vec<Vec<LruOp>>,
    recorder: Recorder<LruOp, LruRet>,
    writes_done: Vec<AtomicU64>,
}

impl Round {
    /// Returns how many writes (put, update) of `key` other threads than `thread` make in this
    /// round, and how many of those `thread` makes before its call number `before`.
    fn writes(&self, thread: usize, key: u64, before: usize) -> (u64, u64) {
        let writes = |calls: &[LruOp]| {
            calls
                .iter()
                .filter(|op| matches!(**op, LruOp::Put(k, _) | LruOp::Update(k) if k == key))
                .count() as u64
        };
        let others = (0..self.calls.len())
            .filter(|&t| t != thread)
            .map(|t| writes(&self.calls[t]))
            .sum();
        (others, writes(&self.calls[thread][..before]))
    }

    /// Makes `op` on the cache as thread `thread`. An update's closure first waits (up to
    /// [`WAIT`]) for another thread's write of the same key to return: under the cache's lock, as
    /// `update` must run it, no such write can, and the wait just runs out; a closure run outside
    /// the lock lets the write through and loses it.
    fn call(&self, thread: usize, index: usize, op: &LruOp) -> LruRet {
        let cache = &self.cache;
        match *op {
            LruOp::Get(k) => LruRet::Value(cache.get(&k).map(|v| v.0)),
            LruOp::Put(k, v) => {
                let previous = cache.put(k, Slow(v)).map(|v| v.0);
                self.writes_done[k as usize].fetch_add(1, Ordering::SeqCst);
                LruRet::Value(previous)
            }
            LruOp::Update(k) => {
                let (others, mine) = self.writes(thread, k, index);
                let done = &self.writes_done[k as usize];
                let stored = cache.update(k, |v| {
                    // Only while another thread still has a write of this key to make.
                    let seen = done.load(Ordering::SeqCst);
                    if seen - mine < others {
                        let start = Instant::now();
                        while done.load(Ordering::SeqCst) == seen && start.elapsed() < WAIT {
                            std::thread::yield_now();
                        }
                    }
                    work();
                    Slow(v.map_or(UPDATE_ADDS, |v| v.0 + UPDATE_ADDS))
                });
                self.writes_done[k as usize].fetch_add(1, Ordering::SeqCst);
                LruRet::Stored(stored.0)
            }
            LruOp::Len => LruRet::Len(cache.len()),
        }
    }
}

/// How long an update's closure waits for another thread's write of its key (see [`Round::call`]).
const WAIT: Duration = Duration::from_micros(100);

fn concurrent_calls_behave_as_if_made_one_at_a_time(ctx: &mut Ctx) {
    const ROUNDS: usize = 100;
    const THREADS: usize = 4;
    const CALLS: usize = 3;
    const CAPACITY: usize = 2;
    const KEYS: u64 = 3;
    scenario(format!(
        "{ROUNDS} rounds; each round a fresh SharedLruCache::new({CAPACITY}) holding 0 -> 0 and \
         1 -> 1 (1 most recently used), then {THREADS} threads released together each make \
         {CALLS} random calls (get, put of a value no other call writes, update(k, |v| \
         v.map_or({UPDATE_ADDS}, |v| v + {UPDATE_ADDS})), len) on keys 0..{KEYS}, recording when \
         each call began and returned; an update's closure takes its time (it waits up to \
         {WAIT:?} for another thread's write of the same key). The results of every round must be \
         those of the same calls made one at a time, in some order that keeps every call that \
         returned before another began ahead of it, on a single-threaded LRU cache"
    ));
    let mut rng = ctx.rng().fork();
    let rounds: Vec<Round> = (0..ROUNDS)
        .map(|_| {
            let cache = SharedLruCache::new(CAPACITY);
            cache.put(0, Slow(0));
            cache.put(1, Slow(1));
            let calls = (0..THREADS)
                .map(|t| {
                    (0..CALLS)
                        .map(|i| {
                            let k = rng.below(KEYS);
                            match rng.below(10) {
                                0..=3 => LruOp::Get(k),
                                4..=6 => LruOp::Put(k, 10 * (t as u64 + 1) + i as u64),
                                7..=8 => LruOp::Update(k),
                                _ => LruOp::Len,
                            }
                        })
                        .collect()
                })
                .collect();
            Round {
                cache,
                calls,
                recorder: Recorder::new(),
                writes_done: (0..KEYS).map(|_| AtomicU64::new(0)).collect(),
            }
        })
        .collect();
    let barrier = SpinBarrier::new(THREADS);
    step(format!("phase: {ROUNDS} rounds of {THREADS} threads"));
    run_threads(THREADS, |t| {
        for (n, round) in rounds.iter().enumerate() {
            barrier.wait(n);
            let mut log = round.recorder.thread(t);
            for (i, op) in round.calls[t].iter().enumerate() {
                log.call(op.clone(), || round.call(t, i, op));
            }
        }
    });
    step("phase: checking each round's history");
    let start = LruModel {
        capacity: CAPACITY,
        entries: vec![(0, 0), (1, 1)],
    };
    for (n, round) in rounds.into_iter().enumerate() {
        expect_linearizable(
            format!(
                "round {n} of {ROUNDS} (a call that reads in one lock section and writes in \
                 another, or runs update's closure outside the lock, lets other calls slip in \
                 between)"
            ),
            &round.recorder.history(),
            start.clone(),
        );
    }
}
