//! Stage concurrent: one fixed-window limiter shared by many threads through `&self`; exactly `limit` requests pass.

use std::sync::Arc;

use syskata_kit::model::compare;
use syskata_kit::stress::run_threads;
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
            exactly_limit_of_many_simultaneous_callers_pass,
            hammering_threads_never_push_a_client_past_its_limit,
            every_client_gets_exactly_its_limit_under_contention,
            each_window_admits_exactly_limit_under_contention,
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
    const ROUNDS: usize = 20;
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
    const ROUNDS: usize = 20;
    const THREADS: usize = 8;
    const CLIENTS: usize = 2_000;
    scenario(format!(
        "{ROUNDS} rounds; each round a fresh ConcurrentLimiter::new(1, 1000) and {THREADS} threads released\n\
         together, each walking the same {CLIENTS} new clients (client-0, client-1, …) and calling\n\
         allow(client, 0) on each. Threads walking the same list meet each client for the first time at\n\
         about the same instant, and each client has one slot to fight over: every client must be\n\
         admitted exactly once"
    ));
    let names: Vec<String> = (0..CLIENTS).map(|i| format!("client-{i}")).collect();
    for round in 0..ROUNDS {
        let limiter = ConcurrentLimiter::new(1, 1_000);
        step(format!("phase: round {round}"));
        let per_thread = run_threads(THREADS, |_| {
            names
                .iter()
                .map(|name| limiter.allow(name, 0))
                .collect::<Vec<bool>>()
        });
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
    }
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
