//! Stage concurrent: one fixed-window limiter shared by many threads through `&self`; exactly `limit` requests pass.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use syskata_kit::model::compare;
use syskata_kit::stress::{run_threads, Chances, SpinBarrier};
use syskata_kit::{checks, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::ConcurrentLimiter;
use crate::support::{fixed_window_traffic, run_script, FixedWindowModel};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            the_limiter_can_be_shared_across_threads,
            single_threaded_it_follows_the_fixed_window_rules,
            window_numbers_past_2_pow_32_are_windows_of_their_own,
            a_call_from_an_earlier_window_counts_against_the_current_one,
            exactly_limit_of_many_simultaneous_callers_pass,
            hammering_threads_never_push_a_client_past_its_limit,
            every_client_gets_exactly_its_limit_under_contention,
            each_window_admits_exactly_limit_under_contention,
            thousands_of_window_rollovers_admit_exactly_the_limit,
            windows_rolling_over_under_nonstop_traffic_never_admit_more_than_the_limit,
        ],
    }
}

/// Explains what a wrong admission count under contention usually means.
fn diagnosis(got: usize, limit: usize) -> &'static str {
    if got > limit {
        "More than the limit passed: two threads both saw a count below the limit before either stored its \
         increment (a check-then-act race: the check and the increment must be one atomic step — under one lock \
         held for both, or a compare-and-swap loop), or two threads each created the client's counter and one \
         overwrote the other."
    } else {
        "Fewer than the limit passed: a request was refused although the window still had room (a lost \
         compare-and-swap treated as a refusal, or a count bumped for a refused request?)."
    }
}

fn the_limiter_can_be_shared_across_threads(_: &mut Ctx) {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ConcurrentLimiter>();
    scenario(
        "ConcurrentLimiter::new(2, 1000) in an Arc, used by 4 spawned threads, one client each\n\
         (ConcurrentLimiter must be Send + Sync, and allow takes &self)",
    );
    let limiter = Arc::new(ConcurrentLimiter::new(2, 1_000));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let limiter = Arc::clone(&limiter);
            std::thread::spawn(move || {
                let client = format!("client-{i}");
                (0..3)
                    .map(|_| limiter.allow(&client, 10))
                    .collect::<Vec<bool>>()
            })
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let Ok(answers) = handle.join() else {
            fail(format!("thread {i} panicked (see above)"));
        };
        step(format!(
            "thread {i}: allow(\"client-{i}\", 10) three times -> {answers:?}"
        ));
        expect_eq(
            format!("thread {i}'s answers for its own client with a limit of 2"),
            answers,
            vec![true, true, false],
        );
    }
}

fn single_threaded_it_follows_the_fixed_window_rules(ctx: &mut Ctx) {
    scenario("ConcurrentLimiter::new(2, 1000) used from one thread: the stage-1 rules hold");
    let limiter = ConcurrentLimiter::new(2, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 900, true, "1st request in window [0, 1000)"),
            ("ann", 950, true, "2nd request in window [0, 1000)"),
            ("ann", 999, false, "window [0, 1000) is full"),
            ("bob", 999, true, "bob has his own count"),
            ("ann", 1_000, true, "window [1000, 2000) has begun"),
        ],
    );
    let zero = ConcurrentLimiter::new(0, 1_000);
    run_script(
        |c, t| zero.allow(c, t),
        &[("ann", 0, false, "a limit of 0 admits nothing")],
    );
    for round in 0..3 {
        let rng = ctx.rng();
        let limit = *rng.pick(&[1, 2, 3, 5]);
        let window_ms = *rng.pick(&[1, 10, 100, 1_000]);
        scenario(format!(
            "Random requests from one thread (round {round}), time never going back.\n\
             ConcurrentLimiter::new({limit}, {window_ms}) side by side with a plain model of the fixed-window rules"
        ));
        let limiter = ConcurrentLimiter::new(limit, window_ms);
        let mut model = FixedWindowModel::new(limit, window_ms);
        compare(
            rng,
            300,
            fixed_window_traffic(window_ms),
            |op| limiter.allow(op.client, op.now_ms),
            |op| model.allow(op.client, op.now_ms),
        );
    }
}

fn exactly_limit_of_many_simultaneous_callers_pass(_: &mut Ctx) {
    const ROUNDS: usize = 40;
    const THREADS: usize = 24;
    const LIMIT: u32 = 8;
    scenario(format!(
        "{ROUNDS} rounds; each round a fresh ConcurrentLimiter::new({LIMIT}, 1000) and {THREADS} threads released\n\
         at the same instant, each calling allow(\"hot\", 500) once. Exactly {LIMIT} must pass, every round"
    ));
    for round in 0..ROUNDS {
        let limiter = ConcurrentLimiter::new(LIMIT, 1_000);
        step(format!(
            "phase: round {round}, {THREADS} threads call allow(\"hot\", 500)"
        ));
        let answers = run_threads(THREADS, |_| limiter.allow("hot", 500));
        let admitted = answers.iter().filter(|&&ok| ok).count();
        if admitted != LIMIT as usize {
            step(format!(
                "round {round}: {admitted} of {THREADS} callers admitted"
            ));
            fail(format!(
                "callers admitted in round {round}, all within one window with a limit of {LIMIT}\n\
                 expected: {LIMIT}\n     got: {admitted}\n{}",
                diagnosis(admitted, LIMIT as usize)
            ));
        }
    }
}

fn hammering_threads_never_push_a_client_past_its_limit(_: &mut Ctx) {
    const ROUNDS: usize = 8;
    const THREADS: usize = 8;
    const CALLS: usize = 5_000;
    const LIMIT: u32 = 20_000;
    scenario(format!(
        "{ROUNDS} rounds; each round a fresh ConcurrentLimiter::new({LIMIT}, 1000) and {THREADS} threads released\n\
         together, each calling allow(\"hot\", 500) {CALLS} times in a tight loop ({} calls in all).\n\
         Exactly {LIMIT} must pass, every round",
        THREADS * CALLS
    ));
    for round in 0..ROUNDS {
        let limiter = ConcurrentLimiter::new(LIMIT, 1_000);
        step(format!(
            "phase: round {round}, {THREADS} threads × {CALLS} calls"
        ));
        let per_thread = run_threads(THREADS, |_| {
            (0..CALLS).filter(|_| limiter.allow("hot", 500)).count()
        });
        let admitted: usize = per_thread.iter().sum();
        if admitted != LIMIT as usize {
            step(format!(
                "round {round}: admitted per thread {per_thread:?}, {admitted} in all"
            ));
            fail(format!(
                "calls admitted in round {round}, all within one window with a limit of {LIMIT}\n\
                 expected: {LIMIT}\n     got: {admitted}\n{}",
                diagnosis(admitted, LIMIT as usize)
            ));
        }
    }
}

fn every_client_gets_exactly_its_limit_under_contention(_: &mut Ctx) {
    const ROUNDS: usize = 10;
    const THREADS: usize = 8;
    const CLIENTS: usize = 2_000;
    const MEETINGS: usize = 1_000;
    const CAP: Duration = Duration::from_millis(1_000);
    scenario(format!(
        "{ROUNDS} rounds; each round a fresh ConcurrentLimiter::new(1, 1000) and {THREADS} threads released\n\
         together, each walking the same {CLIENTS} new clients (client-0, client-1, …) and calling\n\
         allow(client, 0) on each. Threads walking the same list meet each client for the first time at\n\
         about the same instant, and each client has one slot to fight over: every client must be\n\
         admitted exactly once. The rounds go on (at least {ROUNDS}, at most about {CAP:?}) until threads \
         have started on the same client together {MEETINGS} times"
    ));
    let names: Vec<String> = (0..CLIENTS).map(|i| format!("client-{i}")).collect();
    // A thread that starts on the client another thread is on counts a meeting: the moment a
    // check and a bump in two lock sections can both see the one slot free. On a busy machine the
    // threads often run in turns and rarely meet, so rounds go on until enough meetings happened.
    let chances = Chances::new(Duration::ZERO, CAP);
    let mut meetings = 0;
    let mut round = 0;
    while round < ROUNDS || !chances.enough(meetings >= MEETINGS) {
        let limiter = ConcurrentLimiter::new(1, 1_000);
        step(format!("phase: round {round}"));
        let at: Vec<AtomicUsize> = (0..THREADS).map(|_| AtomicUsize::new(usize::MAX)).collect();
        let met = AtomicUsize::new(0);
        let per_thread = run_threads(THREADS, |t| {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    at[t].store(i, Ordering::SeqCst);
                    if at
                        .iter()
                        .enumerate()
                        .any(|(u, a)| u != t && a.load(Ordering::SeqCst) == i)
                    {
                        met.fetch_add(1, Ordering::Relaxed);
                    }
                    limiter.allow(name, 0)
                })
                .collect::<Vec<bool>>()
        });
        meetings += met.into_inner();
        for (i, name) in names.iter().enumerate() {
            let got = per_thread.iter().filter(|answers| answers[i]).count();
            if got != 1 {
                step(format!(
                    "round {round}: {name} was admitted {got} times by {THREADS} threads"
                ));
                fail(format!(
                    "admissions of {name} in round {round}, a limit of 1 in one window\n\
                     expected: 1\n     got: {got}\n{}",
                    diagnosis(got, 1)
                ));
            }
        }
        round += 1;
    }
    step(format!(
        "{round} rounds, in which a thread started on the client another thread was on {meetings} times"
    ));
}

fn each_window_admits_exactly_limit_under_contention(_: &mut Ctx) {
    const WINDOWS: u64 = 8;
    const THREADS: usize = 8;
    const CALLS: usize = 40;
    const LIMIT: u32 = 50;
    scenario(format!(
        "One ConcurrentLimiter::new({LIMIT}, 1000). For each window w = 0..{WINDOWS}: {THREADS} threads released\n\
         together, each calling allow(\"hot\", t) {CALLS} times with t spread over [w*1000, w*1000 + 999].\n\
         Each window must admit exactly {LIMIT}: the count starts afresh once, not once per thread"
    ));
    let limiter = ConcurrentLimiter::new(LIMIT, 1_000);
    for window in 0..WINDOWS {
        step(format!(
            "phase: window {window}, {THREADS} threads × {CALLS} calls"
        ));
        let per_thread = run_threads(THREADS, |i| {
            (0..CALLS)
                .filter(|&j| {
                    let offset = ((i * 131 + j * 37) % 1_000) as u64;
                    limiter.allow("hot", window * 1_000 + offset)
                })
                .count()
        });
        let admitted: usize = per_thread.iter().sum();
        if admitted != LIMIT as usize {
            step(format!(
                "window {window}: admitted per thread {per_thread:?}, {admitted} in all"
            ));
            fail(format!(
                "calls admitted in window [{}, {}) with a limit of {LIMIT}\nexpected: {LIMIT}\n     got: {admitted}\n{}",
                window * 1_000,
                (window + 1) * 1_000,
                diagnosis(admitted, LIMIT as usize)
            ));
        }
    }
}

fn window_numbers_past_2_pow_32_are_windows_of_their_own(_: &mut Ctx) {
    const P32: u64 = 1 << 32;
    scenario(
        "ConcurrentLimiter::new(1, 1): every millisecond is a window of its own, so window numbers equal the\n\
         instants. Window numbers from 2^32 = 4294967296 on must stay distinct: a window number packed into\n\
         32 bits (say, beside a 32-bit count in one atomic u64) wraps there and mixes up windows 2^32 apart",
    );
    let limiter = ConcurrentLimiter::new(1, 1);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", P32 - 1, true, "window 2^32 - 1, first request"),
            ("ann", P32 - 1, false, "window 2^32 - 1 is full"),
            (
                "ann",
                P32,
                true,
                "window 2^32 is a new window, later than 2^32 - 1",
            ),
            ("ann", P32, false, "window 2^32 is full"),
            ("bob", 5, true, "bob's first request, in window 5"),
            (
                "bob",
                P32 + 5,
                true,
                "window 2^32 + 5 is not window 5: it is 2^32 windows later",
            ),
            ("bob", P32 + 5, false, "window 2^32 + 5 is full"),
            (
                "cid",
                3 * P32 + 7,
                true,
                "cid's first request, in window 3 * 2^32 + 7",
            ),
            (
                "cid",
                4 * P32 + 6,
                true,
                "window 4 * 2^32 + 6 comes later (its low 32 bits are smaller)",
            ),
            ("cid", u64::MAX, true, "window u64::MAX is the last one"),
            ("cid", u64::MAX, false, "window u64::MAX is full"),
        ],
    );
}

fn a_call_from_an_earlier_window_counts_against_the_current_one(_: &mut Ctx) {
    scenario(
        "ConcurrentLimiter::new(2, 1000). A call whose now_ms lies in an earlier window than the client's\n\
         current one (a thread that read the clock a moment before another) is counted against the current\n\
         window: going back in time never reopens a spent window",
    );
    let limiter = ConcurrentLimiter::new(2, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 5_000, true, "1st request in window [5000, 6000)"),
            (
                "ann",
                4_999,
                true,
                "4999 lies in the earlier window [4000, 5000): it counts against the current window [5000, 6000), 2nd of 2",
            ),
            ("ann", 5_500, false, "window [5000, 6000) is full (the late call was counted in it)"),
            (
                "ann",
                3_000,
                false,
                "3000 lies in the old window [3000, 4000), which ann never used; it counts against the full current window",
            ),
            ("ann", 5_999, false, "window [5000, 6000) is still full"),
            ("ann", 6_000, true, "window [6000, 7000) has begun"),
        ],
    );
    let limiter = ConcurrentLimiter::new(1, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("bob", 7_000, true, "bob's only request of window [7000, 8000)"),
            ("bob", 0, false, "window 0 is long gone for bob: the call counts against the full window [7000, 8000)"),
            ("bob", 7_999, false, "window [7000, 8000) is full"),
        ],
    );
}

fn thousands_of_window_rollovers_admit_exactly_the_limit(_: &mut Ctx) {
    let rounds: usize = 1_000;
    let threads: usize = 4;
    let clients: usize = 4;
    const LIMIT: u32 = 4;
    // Requests per client in a round: once per thread in every 4th round (exactly the limit), twice per
    // thread in the others (above the limit).
    let calls_in = |round: usize| if round.is_multiple_of(4) { 1 } else { 2 };
    scenario(format!(
        "One ConcurrentLimiter::new({LIMIT}, 1): every millisecond is a new window. For each of {rounds} rounds r,\n\
         {threads} threads are released together into window r and each calls allow(client, r) on the same\n\
         {clients} clients: once per client in every 4th round ({threads} requests per client: all must pass), twice\n\
         in the others ({} requests per client: exactly {LIMIT} must pass). Every round opens a new window for every\n\
         client at the instant the threads collide, so the window reset must be part of the same atomic step as\n\
         the check and the count",
        2 * threads
    ));
    let limiter = ConcurrentLimiter::new(LIMIT, 1);
    let names: Vec<String> = (0..clients).map(|i| format!("client-{i}")).collect();
    let barrier = SpinBarrier::new(threads);
    step(format!("phase: {rounds} rounds of {threads} threads"));
    // Each thread returns, per round, how many calls were admitted for each client.
    let per_thread: Vec<Vec<Vec<u8>>> = run_threads(threads, |_| {
        let mut per_round = Vec::with_capacity(rounds);
        for round in 0..rounds {
            barrier.wait(round);
            let mut admitted = vec![0u8; clients];
            for _ in 0..calls_in(round) {
                for (slot, name) in admitted.iter_mut().zip(&names) {
                    if limiter.allow(name, round as u64) {
                        *slot += 1;
                    }
                }
            }
            per_round.push(admitted);
        }
        per_round
    });
    let mut wrong = Vec::new();
    for round in 0..rounds {
        let requests = threads * calls_in(round);
        let expected = requests.min(LIMIT as usize);
        for (c, name) in names.iter().enumerate() {
            let got: usize = per_thread
                .iter()
                .map(|per_round| usize::from(per_round[round][c]))
                .sum();
            if got != expected {
                wrong.push((round, name, requests, expected, got));
            }
        }
    }
    if let Some(&(round, name, requests, expected, got)) = wrong.first() {
        step(format!(
            "{} of {} (round, client) windows admitted a wrong number of requests",
            wrong.len(),
            rounds * clients
        ));
        step(format!(
            "round {round}: {name} got {requests} requests in window [{round}, {}), {got} admitted",
            round + 1
        ));
        fail(format!(
            "admissions of {name} in window [{round}, {}) (round {round} of {rounds}), {requests} requests \
             against a limit of {LIMIT}\nexpected: {expected}\n     got: {got}\n{}",
            round + 1,
            rollover_diagnosis(got, expected)
        ));
    }
}

fn windows_rolling_over_under_nonstop_traffic_never_admit_more_than_the_limit(_: &mut Ctx) {
    let windows: u64 = 40_000;
    let threads: usize = 8;
    let per_window: u64 = 6;
    const LIMIT: u32 = 2;
    scenario(format!(
        "One ConcurrentLimiter::new({LIMIT}, 1). {threads} threads call allow(\"hot\", now) nonstop, where now is a\n\
         shared clock that moves to the next millisecond (a new window) after every {per_window} calls, until\n\
         {windows} windows have gone by: the window rolls over while other threads are in the middle of a call.\n\
         Each thread reads the clock before and after its call; a call during which the clock did not move\n\
         certainly belongs to that window. Those calls may never count more than {LIMIT} admissions in one window"
    ));
    let limiter = ConcurrentLimiter::new(LIMIT, 1);
    let clock = AtomicU64::new(0);
    let calls = AtomicU64::new(0);
    step(format!("phase: {threads} threads, {windows} windows"));
    // Each thread returns the windows of its admitted calls during which the clock did not move.
    let per_thread: Vec<Vec<u64>> = run_threads(threads, |_| {
        let mut admitted = Vec::new();
        loop {
            let before = clock.load(Ordering::SeqCst);
            if before >= windows {
                return admitted;
            }
            let ok = limiter.allow("hot", before);
            if ok && clock.load(Ordering::SeqCst) == before {
                admitted.push(before);
            }
            let done = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if done.is_multiple_of(per_window) {
                clock.fetch_max(done / per_window, Ordering::SeqCst);
            }
        }
    });
    let mut per_window_admitted = vec![0u32; windows as usize];
    for &w in per_thread.iter().flatten() {
        per_window_admitted[w as usize] += 1;
    }
    let over: Vec<(usize, u32)> = per_window_admitted
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > LIMIT)
        .map(|(w, &n)| (w, n))
        .collect();
    if let Some(&(w, n)) = over.first() {
        step(format!(
            "{} of {windows} windows admitted more than {LIMIT} calls that certainly fell inside them",
            over.len()
        ));
        fail(format!(
            "admissions in window [{w}, {}) counted only from calls during which the shared clock stayed at {w}\n\
             expected: at most {LIMIT}\n     got: {n}\n{}",
            w + 1,
            rollover_diagnosis(n as usize, LIMIT as usize)
        ));
    }
}

/// Explains a wrong admission count in a window that the threads opened together.
fn rollover_diagnosis(got: usize, expected: usize) -> &'static str {
    if got > expected {
        "More than the limit passed in a window that several threads opened at once: a thread saw the old \
         window, another thread reset the count and admitted, then the first reset it again (the window reset \
         and the count must be one atomic step, under the same lock or in one compare-and-swap), or the check \
         and the increment are not one atomic step."
    } else {
        "Fewer requests passed than the window had room for: a request was refused although the window still \
         had room (a lost compare-and-swap or a busy lock treated as a refusal?)."
    }
}
