//! Stage single_flight: `get_or_load` runs one loader per missing key, shares its outcome, and never blocks other keys.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use syskata_kit::stress::{run_threads, Chances};
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{CacheStats, SharedLruCache};
use crate::support::{collect_within, wait_until, ManualClock};

/// The longest any check waits for one event before calling it a failure (well inside the 5 s limit).
const BOUND: Duration = Duration::from_millis(1500);

/// How long a leading loader keeps running after every caller has entered `get_or_load`, so the
/// callers are all waiting on its load by the time it finishes.
const OVERLAP: Duration = Duration::from_millis(100);

/// Callers in the concurrent checks.
const CALLERS: usize = 8;

type Cache = SharedLruCache<u32, String>;
type Answer = Result<String, String>;

/// How one caller's `get_or_load` ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Answer),
    Panicked,
}

/// Returns the checks of stage single_flight.
pub fn stage() -> Stage {
    Stage {
        slug: "single_flight",
        checks: checks![
            a_hit_returns_the_cached_value_without_calling_the_loader,
            a_miss_loads_stores_and_returns_the_value,
            a_failed_load_is_returned_and_not_cached,
            get_or_load_counts_one_hit_or_miss_per_call,
            concurrent_misses_on_one_key_run_the_loader_once,
            a_loader_error_reaches_every_waiter_and_is_not_cached,
            loads_of_different_keys_run_in_parallel,
            get_and_put_do_not_wait_for_a_load,
            a_panicking_loader_does_not_strand_its_waiters,
            a_hit_through_get_or_load_refreshes_recency,
            a_waiter_with_another_error_type_shares_a_value_but_not_an_error,
            simultaneous_misses_load_each_key_exactly_once,
        ],
    }
}

/// A cache and the bookkeeping of the callers racing on it.
struct Race {
    cache: Arc<Cache>,
    /// Callers that have entered `get_or_load` (counted just before the call).
    entered: Arc<AtomicUsize>,
    /// Loader calls so far.
    loads: Arc<AtomicUsize>,
    done: Sender<(usize, Outcome)>,
    answers: mpsc::Receiver<(usize, Outcome)>,
}

impl Race {
    fn new(capacity: usize) -> Self {
        let (done, answers) = mpsc::channel();
        Race {
            cache: Arc::new(SharedLruCache::new(capacity)),
            entered: Arc::new(AtomicUsize::new(0)),
            loads: Arc::new(AtomicUsize::new(0)),
            done,
            answers,
        }
    }

    /// Starts caller `who` on its own thread: `get_or_load(key, loader)`; its outcome arrives on `answers`.
    fn spawn(&self, who: usize, key: u32, loader: impl FnOnce() -> Answer + Send + 'static) {
        let cache = Arc::clone(&self.cache);
        let entered = Arc::clone(&self.entered);
        let done = self.done.clone();
        // Detached on purpose: a caller stuck in a hung load must not keep the check from reporting.
        thread::Builder::new()
            .name(format!("caller {who}"))
            .spawn(move || {
                entered.fetch_add(1, Ordering::SeqCst);
                let outcome =
                    match catch_unwind(AssertUnwindSafe(|| cache.get_or_load(key, loader))) {
                        Ok(answer) => Outcome::Returned(answer),
                        Err(_) => Outcome::Panicked,
                    };
                let _ = done.send((who, outcome));
            })
            .expect("spawn a caller thread");
    }

    /// Returns a loader body that counts itself, signals `started`, and returns `answer` once all
    /// `CALLERS` callers have entered `get_or_load` and a little more time has passed.
    fn leading_loader(
        &self,
        started: Sender<()>,
        answer: Answer,
    ) -> impl FnOnce() -> Answer + Send + 'static {
        let loads = Arc::clone(&self.loads);
        let entered = Arc::clone(&self.entered);
        move || {
            loads.fetch_add(1, Ordering::SeqCst);
            let _ = started.send(());
            wait_until(BOUND, || entered.load(Ordering::SeqCst) >= CALLERS);
            thread::sleep(OVERLAP);
            answer
        }
    }

    /// Returns a loader that counts itself and returns `answer` at once.
    fn counting_loader(&self, answer: Answer) -> impl FnOnce() -> Answer + Send + 'static {
        let loads = Arc::clone(&self.loads);
        move || {
            loads.fetch_add(1, Ordering::SeqCst);
            answer
        }
    }

    /// Collects the outcomes of `count` callers, failing if some do not return in time.
    #[track_caller]
    fn outcomes(&self, count: usize, why: &str) -> Vec<Outcome> {
        let mut got = collect_within(&self.answers, count, BOUND * 2);
        if got.len() < count {
            let mut back: Vec<usize> = got.iter().map(|(who, _)| *who).collect();
            back.sort_unstable();
            fail(format!(
                "only {} of {count} callers returned within {:?} (callers back: {back:?}); the \
                 others are still blocked inside get_or_load.\n{why}",
                got.len(),
                BOUND * 2
            ));
        }
        got.sort_by_key(|(who, _)| *who);
        got.into_iter().map(|(_, outcome)| outcome).collect()
    }

    fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }

    /// Runs the first caller (a leading loader) and waits until its loader has started.
    #[track_caller]
    fn lead(&self, key: u32, answer: Answer) {
        let (started, has_started) = mpsc::channel();
        step(format!(
            "caller 0: get_or_load({key}, loader) — its loader waits until all {CALLERS} callers \
             have called get_or_load, then {OVERLAP:?} more, then returns {answer:?}"
        ));
        self.spawn(0, key, self.leading_loader(started, answer));
        if has_started.recv_timeout(BOUND).is_err() {
            fail(format!(
                "caller 0's loader did not start within {BOUND:?}: get_or_load({key}, …) on an \
                 empty cache must call its loader"
            ));
        }
    }
}

/// Calls `get_or_load` on another thread and returns its outcome, or fails if it does not return in time.
#[track_caller]
fn call_within(
    cache: &Arc<Cache>,
    key: u32,
    loader: impl FnOnce() -> Answer + Send + 'static,
) -> Outcome {
    let (done, answer) = mpsc::channel();
    let cache = Arc::clone(cache);
    thread::spawn(move || {
        let outcome = match catch_unwind(AssertUnwindSafe(|| cache.get_or_load(key, loader))) {
            Ok(answer) => Outcome::Returned(answer),
            Err(_) => Outcome::Panicked,
        };
        let _ = done.send(outcome);
    });
    answer.recv_timeout(BOUND).unwrap_or_else(|_| {
        fail(format!(
            "get_or_load({key}, …) did not return within {BOUND:?} although no other call was running"
        ))
    })
}

fn a_hit_returns_the_cached_value_without_calling_the_loader(_: &mut Ctx) {
    scenario("SharedLruCache::with_clock(4, clock), clock at 0");
    let clock = ManualClock::at(0);
    let cache: Arc<Cache> = Arc::new(SharedLruCache::with_clock(4, clock.reader()));
    let loads = Arc::new(AtomicUsize::new(0));
    let counting = |answer: &str| {
        let loads = Arc::clone(&loads);
        let answer = answer.to_owned();
        move || {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok(answer)
        }
    };
    step("put(1, \"cached\")");
    cache.put(1, "cached".into());
    step("get_or_load(1, loader returning Ok(\"loaded\"))");
    expect_eq(
        "get_or_load(1, …) when 1 is cached",
        call_within(&cache, 1, counting("loaded")),
        Outcome::Returned(Ok("cached".into())),
    );
    expect_eq(
        "loader calls: a hit must not call the loader",
        loads.load(Ordering::SeqCst),
        0,
    );
    step("put_with_ttl(2, \"old\", 10); clock = 10");
    cache.put_with_ttl(2, "old".into(), 10);
    clock.set(10);
    step("get_or_load(2, loader returning Ok(\"fresh\"))");
    expect_eq(
        "get_or_load(2, …) at 10 when 2 expired at 10: an expired entry is a miss, so it loads",
        call_within(&cache, 2, counting("fresh")),
        Outcome::Returned(Ok("fresh".into())),
    );
    expect_eq("loader calls", loads.load(Ordering::SeqCst), 1);
}

fn a_miss_loads_stores_and_returns_the_value(_: &mut Ctx) {
    scenario("SharedLruCache::new(4), empty");
    let cache: Arc<Cache> = Arc::new(SharedLruCache::new(4));
    let loads = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&loads);
    step("get_or_load(1, loader returning Ok(\"loaded\"))");
    let got = call_within(&cache, 1, move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok("loaded".into())
    });
    expect_eq(
        "get_or_load(1, …) on a miss returns what the loader returned",
        got,
        Outcome::Returned(Ok("loaded".into())),
    );
    expect_eq("loader calls for one miss", loads.load(Ordering::SeqCst), 1);
    step("get(&1)");
    expect_eq(
        "get(&1): the loaded value must be stored in the cache",
        cache.get(&1),
        Some("loaded".to_owned()),
    );
}

fn a_failed_load_is_returned_and_not_cached(_: &mut Ctx) {
    scenario("SharedLruCache::new(4), empty");
    let cache: Arc<Cache> = Arc::new(SharedLruCache::new(4));
    step("get_or_load(1, loader returning Err(\"backend down\"))");
    expect_eq(
        "get_or_load(1, …) when the loader fails: its error comes back",
        call_within(&cache, 1, || Err("backend down".into())),
        Outcome::Returned(Err("backend down".into())),
    );
    step("get(&1)");
    expect_eq(
        "get(&1) after a failed load: nothing may be stored",
        cache.get(&1),
        None,
    );
    step("get_or_load(1, loader returning Ok(\"recovered\"))");
    expect_eq(
        "get_or_load(1, …) after a failed load: the error is not cached, so the new loader runs",
        call_within(&cache, 1, || Ok("recovered".into())),
        Outcome::Returned(Ok("recovered".into())),
    );
}

fn get_or_load_counts_one_hit_or_miss_per_call(_: &mut Ctx) {
    scenario("SharedLruCache::new(4), empty");
    let cache: Arc<Cache> = Arc::new(SharedLruCache::new(4));
    step("get_or_load(1, Ok(\"a\"))  — a miss that loads");
    call_within(&cache, 1, || Ok("a".into()));
    step("get_or_load(1, Ok(\"b\"))  — a hit");
    call_within(&cache, 1, || Ok("b".into()));
    step("get_or_load(2, Err(\"x\")) — a miss whose load fails");
    call_within(&cache, 2, || Err("x".into()));
    expect_eq(
        "stats() after one hit and two misses through get_or_load",
        cache.stats(),
        CacheStats {
            hits: 1,
            misses: 2,
            evictions: 0,
        },
    );
}

fn concurrent_misses_on_one_key_run_the_loader_once(_: &mut Ctx) {
    scenario(format!(
        "SharedLruCache::new(16), empty; {CALLERS} threads call get_or_load(7, loader) at about \
         the same time. Caller 0 arrives first and its loader is slow; the other callers arrive \
         while it runs. Their own loaders would return \"caller i's value\""
    ));
    let race = Race::new(16);
    race.lead(7, Ok("the value".into()));
    step(format!(
        "callers 1..{CALLERS}: get_or_load(7, loader) while caller 0's load runs"
    ));
    for who in 1..CALLERS {
        race.spawn(
            who,
            7,
            race.counting_loader(Ok(format!("caller {who}'s value"))),
        );
    }
    let outcomes = race.outcomes(
        CALLERS,
        "Callers that miss on a key being loaded must wait for that load and return its value.",
    );
    expect_eq(
        format!(
            "loader calls for {CALLERS} concurrent misses on key 7: one load, shared by all callers"
        ),
        race.loads(),
        1,
    );
    for (who, outcome) in outcomes.into_iter().enumerate() {
        expect_eq(
            format!("caller {who}'s result: every caller gets the one load's value"),
            outcome,
            Outcome::Returned(Ok("the value".into())),
        );
    }
    let stats = race.cache.stats();
    expect_eq(
        format!("stats().hits + stats().misses after {CALLERS} get_or_load calls"),
        stats.hits + stats.misses,
        CALLERS as u64,
    );
}

fn a_loader_error_reaches_every_waiter_and_is_not_cached(_: &mut Ctx) {
    scenario(format!(
        "SharedLruCache::new(16), empty; {CALLERS} threads call get_or_load(7, loader). Caller 0 \
         arrives first; its loader is slow and then fails with Err(\"backend down\"). The others \
         arrive while it runs; their own loaders would return Ok(\"wrong\")"
    ));
    let race = Race::new(16);
    race.lead(7, Err("backend down".into()));
    step(format!(
        "callers 1..{CALLERS}: get_or_load(7, loader) while caller 0's load runs"
    ));
    for who in 1..CALLERS {
        race.spawn(who, 7, race.counting_loader(Ok("wrong".into())));
    }
    let outcomes = race.outcomes(
        CALLERS,
        "When a load fails, every caller waiting on it must wake up and get its error.",
    );
    for (who, outcome) in outcomes.into_iter().enumerate() {
        expect_eq(
            format!(
                "caller {who}'s result: the callers waiting on the failed load share its error \
                 (they do not load again themselves)"
            ),
            outcome,
            Outcome::Returned(Err("backend down".into())),
        );
    }
    expect_eq("loader calls", race.loads(), 1);
    step("get_or_load(7, loader returning Ok(\"recovered\")) after the failure");
    expect_eq(
        "get_or_load(7, …) after the failed load: an error is not cached, so this call loads",
        call_within(&race.cache, 7, || Ok("recovered".into())),
        Outcome::Returned(Ok("recovered".into())),
    );
}

fn loads_of_different_keys_run_in_parallel(_: &mut Ctx) {
    scenario(format!(
        "SharedLruCache::new(16), empty. Caller A: get_or_load(1, loader) whose loader waits (up \
         to {BOUND:?}) until the loader of key 2 has started. Caller B, once A's loader runs: \
         get_or_load(2, loader) whose loader just says it started. With loads running in \
         parallel, both finish at once; with a cache-wide lock held during a load, B cannot \
         start until A gives up"
    ));
    let race = Race::new(16);
    let (a_started, a_has_started) = mpsc::channel();
    let (b_started, b_has_started) = mpsc::channel::<()>();
    let (a_saw_b, did_a_see_b) = mpsc::channel();
    step("caller A: get_or_load(1, loader waiting for key 2's loader)");
    race.spawn(0, 1, move || {
        let _ = a_started.send(());
        let saw = b_has_started.recv_timeout(BOUND).is_ok();
        let _ = a_saw_b.send(saw);
        Ok("a".into())
    });
    if a_has_started.recv_timeout(BOUND).is_err() {
        fail("the loader of key 1 did not start: get_or_load(1, …) on an empty cache must call it");
    }
    step("caller B: get_or_load(2, loader) while key 1 is loading");
    race.spawn(1, 2, move || {
        let _ = b_started.send(());
        Ok("b".into())
    });
    let saw_b = did_a_see_b.recv_timeout(BOUND * 2).unwrap_or(false);
    expect(
        saw_b,
        format!(
            "the loader of key 1 waited {BOUND:?} for the loader of key 2 to start, and it never \
             did: get_or_load(2, …) was blocked behind the load of key 1. Loads of different keys \
             must run in parallel: release every cache-wide lock before calling a loader"
        ),
    );
    let outcomes = race.outcomes(2, "Both loads should have finished.");
    expect_eq(
        "caller A's result",
        &outcomes[0],
        &Outcome::Returned(Ok("a".into())),
    );
    expect_eq(
        "caller B's result",
        &outcomes[1],
        &Outcome::Returned(Ok("b".into())),
    );
}

fn get_and_put_do_not_wait_for_a_load(_: &mut Ctx) {
    scenario(format!(
        "SharedLruCache::new(16). Caller A: get_or_load(1, loader) whose loader blocks until \
         released. While it is blocked, another thread calls put(2, \"b\"), get(&2), get(&1), \
         len() and stats(); they must return within {BOUND:?}"
    ));
    let race = Race::new(16);
    let (a_started, a_has_started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    step("caller A: get_or_load(1, loader blocked until released)");
    race.spawn(0, 1, move || {
        let _ = a_started.send(());
        let _ = released.recv_timeout(BOUND * 2);
        Ok("a".into())
    });
    if a_has_started.recv_timeout(BOUND).is_err() {
        fail("the loader of key 1 did not start: get_or_load(1, …) on an empty cache must call it");
    }
    step("other thread: put(2, \"b\"), get(&2), get(&1), len(), stats() while key 1 is loading");
    let (done, finished) = mpsc::channel();
    let cache = Arc::clone(&race.cache);
    thread::spawn(move || {
        cache.put(2, "b".into());
        let b = cache.get(&2);
        let a = cache.get(&1);
        let _ = (cache.len(), cache.stats());
        let _ = done.send((b, a));
    });
    match finished.recv_timeout(BOUND) {
        Ok((b, a)) => {
            expect_eq("get(&2) during the load of key 1", b, Some("b".to_owned()));
            expect_eq(
                "get(&1) while key 1 is still loading: nothing is stored yet, and get does not wait",
                a,
                None,
            );
        }
        Err(_) => fail(format!(
            "put/get/len/stats did not return within {BOUND:?} while the loader of key 1 was \
             running: plain operations must not wait for a load (no lock may be held while a \
             loader runs)"
        )),
    }
    let _ = release.send(());
    let outcomes = race.outcomes(
        1,
        "The load of key 1 was released and should have finished.",
    );
    expect_eq(
        "caller A's result",
        &outcomes[0],
        &Outcome::Returned(Ok("a".into())),
    );
}

fn a_panicking_loader_does_not_strand_its_waiters(_: &mut Ctx) {
    scenario(format!(
        "SharedLruCache::new(16), empty; {CALLERS} threads call get_or_load(7, loader). Caller \
         0 arrives first; its loader is slow and then panics. The others arrive while it runs; \
         their own loaders return Ok(\"reloaded\"). The panic must reach caller 0, and the \
         waiters must not sleep forever: they retry, and one of them loads"
    ));
    let race = Race::new(16);
    let (started, has_started) = mpsc::channel();
    let entered = Arc::clone(&race.entered);
    step("caller 0: get_or_load(7, loader that panics once every caller has arrived)");
    race.spawn(0, 7, move || {
        let _ = started.send(());
        wait_until(BOUND, || entered.load(Ordering::SeqCst) >= CALLERS);
        thread::sleep(OVERLAP);
        // resume_unwind: a panic that does not print, since this one is on purpose.
        std::panic::resume_unwind(Box::new("the loader panicked (on purpose)"))
    });
    if has_started.recv_timeout(BOUND).is_err() {
        fail("caller 0's loader did not start: get_or_load(7, …) on an empty cache must call it");
    }
    step(format!(
        "callers 1..{CALLERS}: get_or_load(7, loader returning Ok(\"reloaded\"))"
    ));
    for who in 1..CALLERS {
        race.spawn(who, 7, race.counting_loader(Ok("reloaded".into())));
    }
    let outcomes = race.outcomes(
        CALLERS,
        "When a loader panics, the callers waiting on it must be woken (for example by a guard \
         whose Drop withdraws the load) and retry.",
    );
    for (who, outcome) in outcomes.into_iter().enumerate() {
        let expected = if who == 0 {
            Outcome::Panicked
        } else {
            Outcome::Returned(Ok("reloaded".into()))
        };
        let why = if who == 0 {
            "caller 0's call: its loader panicked, and that panic must reach caller 0"
        } else {
            "a waiter's result: after the panic it retries and gets a value loaded by one of the waiters"
        };
        expect_eq(format!("{why} (caller {who})"), outcome, expected);
    }
    expect_eq(
        "get(&7) after the retries",
        race.cache.get(&7),
        Some("reloaded".to_owned()),
    );
    let stats = race.cache.stats();
    expect_eq(
        format!(
            "stats().hits + stats().misses after {CALLERS} get_or_load calls and one get: each \
             call counts one lookup, however many times it goes round after the panic (got {stats:?})"
        ),
        stats.hits + stats.misses,
        CALLERS as u64 + 1,
    );
}

fn a_hit_through_get_or_load_refreshes_recency(_: &mut Ctx) {
    scenario("SharedLruCache::new(2), empty; loaders that must not run panic");
    let cache: Arc<Cache> = Arc::new(SharedLruCache::new(2));
    step("put(1, \"one\"); put(2, \"two\")");
    cache.put(1, "one".into());
    cache.put(2, "two".into());
    step("get_or_load(1, loader) — a hit");
    expect_eq(
        "get_or_load(1, …) when 1 is cached",
        call_within(&cache, 1, || panic!("the loader of a cached key ran")),
        Outcome::Returned(Ok("one".into())),
    );
    step("put(3, \"three\") — the cache is full: the least recently used entry goes");
    cache.put(3, "three".into());
    expect_eq(
        "get(&2): a hit through get_or_load is a use, like get, so 1 became the most recent and \
         2 the least recently used",
        cache.get(&2),
        None,
    );
    expect_eq("get(&1)", cache.get(&1), Some("one".to_owned()));
    step(
        "get_or_load(4, loader returning Ok(\"four\")) — a miss that loads; then put(5, \"five\")",
    );
    call_within(&cache, 4, || Ok("four".into()));
    cache.put(5, "five".into());
    expect_eq(
        "get(&4): a loaded value is stored like put, as the most recently used entry, so 1 went \
         before it",
        cache.get(&4),
        Some("four".to_owned()),
    );
}

fn a_waiter_with_another_error_type_shares_a_value_but_not_an_error(_: &mut Ctx) {
    scenario(format!(
        "SharedLruCache::new(8), empty. Key 1: caller L calls get_or_load::<String>(1, …) whose \
         slow loader fails with Err(\"down\"); while it runs, caller W calls \
         get_or_load::<u32>(1, …) (another error type) whose own loader returns \
         Ok(\"W's value\"). Key 2: the same, but L's slow loader returns Ok(\"shared\"). L's \
         loaders wait until W has called and {OVERLAP:?} more"
    ));
    let cache: Arc<Cache> = Arc::new(SharedLruCache::new(8));
    let w_loads = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    let w_entered = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    // How many of W's loader calls had happened when L's loader returned.
    let w_loads_during = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    let (l_done, l_answers) = mpsc::channel::<(u32, Outcome)>();
    let (w_done, w_answers) = mpsc::channel::<(u32, Result<String, u32>)>();
    for (i, key) in [1u32, 2].into_iter().enumerate() {
        let (started, has_started) = mpsc::channel();
        let answer: Answer = if key == 1 {
            Err("down".into())
        } else {
            Ok("shared".into())
        };
        step(format!(
            "L: get_or_load::<String>({key}, loader that waits for W, then returns {answer:?})"
        ));
        let (l_cache, entered, during, loads, done) = (
            Arc::clone(&cache),
            Arc::clone(&w_entered[i]),
            Arc::clone(&w_loads_during[i]),
            Arc::clone(&w_loads[i]),
            l_done.clone(),
        );
        thread::spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                l_cache.get_or_load(key, move || {
                    let _ = started.send(());
                    wait_until(BOUND, || entered.load(Ordering::SeqCst) > 0);
                    thread::sleep(OVERLAP);
                    during.store(loads.load(Ordering::SeqCst), Ordering::SeqCst);
                    answer
                })
            }));
            let _ = done.send((key, outcome.map_or(Outcome::Panicked, Outcome::Returned)));
        });
        if has_started.recv_timeout(BOUND).is_err() {
            fail(format!(
                "L's loader did not start within {BOUND:?}: get_or_load({key}, …) on an empty \
                 cache must call it"
            ));
        }
        step(format!(
            "W: get_or_load::<u32>({key}, loader returning Ok(\"W's value\")) while L's load runs"
        ));
        let (w_cache, entered, loads, done) = (
            Arc::clone(&cache),
            Arc::clone(&w_entered[i]),
            Arc::clone(&w_loads[i]),
            w_done.clone(),
        );
        thread::spawn(move || {
            entered.store(1, Ordering::SeqCst);
            let got = w_cache.get_or_load::<u32>(key, move || {
                loads.fetch_add(1, Ordering::SeqCst);
                Ok("W's value".into())
            });
            let _ = done.send((key, got));
        });
    }
    let mut l_got = collect_within(&l_answers, 2, BOUND * 2);
    let mut w_got = collect_within(&w_answers, 2, BOUND * 2);
    if l_got.len() < 2 || w_got.len() < 2 {
        fail(format!(
            "only {} of L's 2 calls and {} of W's 2 calls returned within {:?}: a waiter whose \
             error type differs must still be woken when the load ends",
            l_got.len(),
            w_got.len(),
            BOUND * 2
        ));
    }
    l_got.sort_by_key(|(key, _)| *key);
    w_got.sort_by_key(|(key, _)| *key);
    expect_eq(
        "L's get_or_load(1, …): its own loader failed",
        &l_got[0].1,
        &Outcome::Returned(Err("down".into())),
    );
    expect_eq(
        "L's get_or_load(2, …)",
        &l_got[1].1,
        &Outcome::Returned(Ok("shared".into())),
    );
    expect_eq(
        "W's loader calls for key 1 while L's load was in progress: W must wait for that load, \
         not run its own",
        w_loads_during[0].load(Ordering::SeqCst),
        0,
    );
    expect_eq(
        "W's get_or_load::<u32>(1, …): L's load failed with a String error, which W's call \
         (error type u32) cannot return, so W goes round again and, finding nothing, loads itself",
        &w_got[0].1,
        &Ok("W's value".to_owned()),
    );
    expect_eq(
        "W's loader calls for key 1",
        w_loads[0].load(Ordering::SeqCst),
        1,
    );
    expect_eq(
        "W's get_or_load::<u32>(2, …): L's load succeeded; a value is shared whatever the \
         error types",
        &w_got[1].1,
        &Ok("shared".to_owned()),
    );
    expect_eq(
        "W's loader calls for key 2: the value came from L's load",
        w_loads[1].load(Ordering::SeqCst),
        0,
    );
    expect_eq(
        "get(&1) afterwards: W's load stored its value",
        cache.get(&1),
        Some("W's value".to_owned()),
    );
}

fn simultaneous_misses_load_each_key_exactly_once(_: &mut Ctx) {
    // The threads walk the same fresh keys in the same order: the one in front loads, the others
    // catch up through hits and meet it at the next fresh key. Two registrations slip through
    // when the thread in front stops between finding no load and registering its own (preempted
    // there, or with the others running on another core at that instant): over tens of thousands
    // of keys, that happens many times per run to a check-then-register split.
    const RUN_FOR: Duration = Duration::from_millis(300);
    const RUN_CAP: Duration = Duration::from_millis(1_000);
    const MEETINGS: usize = 100;
    const MAX_KEYS: usize = 200_000;
    const THREADS: usize = 2;
    scenario(format!(
        "SharedLruCache::new({MAX_KEYS}); {THREADS} threads each call get_or_load(k, loader) \
         for k = 0, 1, 2, … in the same order, as fast as they can, for {RUN_FOR:?} and until \
         they have started on the same key together {MEETINGS} times (at most {RUN_CAP:?}); the loader \
         of k counts its calls and returns Ok(\"v{{k}}\"). Nothing is evicted, so every key must \
         be loaded exactly once and every call must return \"v{{k}}\""
    ));
    let cache: Cache = SharedLruCache::new(MAX_KEYS);
    let loads: Vec<AtomicUsize> = (0..MAX_KEYS).map(|_| AtomicUsize::new(0)).collect();
    // Where each thread is: the key it is asking for. A thread that starts on the key the other
    // one is still asking for counts a meeting: the moment the window of a check-then-register
    // split can be hit. On a busy machine the threads take turns and rarely meet, so the race runs
    // until it has seen enough meetings (or its cap).
    let at: Vec<AtomicUsize> = (0..THREADS).map(|_| AtomicUsize::new(0)).collect();
    let meetings = AtomicUsize::new(0);
    let chances = Chances::new(RUN_FOR, RUN_CAP);
    let done = || chances.enough(meetings.load(Ordering::Relaxed) >= MEETINGS);
    step(format!("phase: {THREADS} threads loading"));
    let wrong_answers = run_threads(THREADS, |t| {
        for (k, count) in loads.iter().enumerate() {
            if k % 64 == 0 && done() {
                break;
            }
            at[t].store(k, Ordering::SeqCst);
            if at[1 - t].load(Ordering::SeqCst) == k {
                meetings.fetch_add(1, Ordering::Relaxed);
            }
            let got = cache.get_or_load(k as u32, || {
                count.fetch_add(1, Ordering::SeqCst);
                Ok::<_, String>(format!("v{k}"))
            });
            if got.as_deref() != Ok(format!("v{k}").as_str()) {
                return Some(format!(
                    "get_or_load({k}, …) from thread {t} returned {got:?}"
                ));
            }
        }
        None
    });
    step(format!(
        "the threads started on the same key together {} times in {:?}",
        meetings.load(Ordering::Relaxed),
        chances.elapsed()
    ));
    step("phase: counting loads");
    if let Some(wrong) = wrong_answers.into_iter().flatten().next() {
        fail(format!(
            "{wrong}, expected Ok(\"v{{k}}\"): the value its loader (or the one load of that key) \
             returned"
        ));
    }
    let keys = loads
        .iter()
        .filter(|count| count.load(Ordering::SeqCst) > 0)
        .count();
    let wrong: Vec<(usize, usize)> = loads
        .iter()
        .map(|count| count.load(Ordering::SeqCst))
        .enumerate()
        .filter(|&(_, count)| count > 1)
        .collect();
    if let Some(&(k, count)) = wrong.first() {
        fail(format!(
            "{} of the {keys} keys reached were loaded more than once (key {k}: {count} loads) by \
             {THREADS} threads walking the same keys. Looking for a cached value, looking for a \
             load in progress and registering a new load must happen under one lock",
            wrong.len()
        ));
    }
}
