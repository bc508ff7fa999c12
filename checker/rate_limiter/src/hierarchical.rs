//! Stage hierarchical: per-user and global token buckets decided together, with memory that follows active users.

use std::collections::HashMap;

use syskata_kit::model::compare;
use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{CostExceedsCapacity, Gate, HierarchicalLimiter, Rate, Verdict};
use crate::support::ProbeBudget;

/// Returns the checks of stage hierarchical.
pub fn stage() -> Stage {
    Stage {
        slug: "hierarchical",
        checks: checks![
            a_request_passes_only_when_both_gates_have_tokens,
            a_global_refusal_takes_no_user_tokens,
            a_user_refusal_takes_no_global_tokens,
            the_user_gate_is_named_whenever_the_user_is_short,
            retry_after_waits_for_both_gates_exactly,
            a_cost_above_either_capacity_is_an_error,
            an_error_changes_nothing_not_even_the_time,
            an_earlier_now_ms_counts_as_the_latest_instant_seen,
            fractional_rates_keep_their_fractions_on_both_gates,
            a_user_who_spends_again_is_kept_until_the_later_refill,
            a_user_is_forgotten_once_their_bucket_is_full_again,
            a_user_who_is_still_refilling_is_not_forgotten,
            memory_follows_active_users_not_everyone_ever_seen,
            random_traffic_matches_a_simple_model,
            deciding_does_not_scan_every_tracked_user,
        ],
    }
}

type Answer = Result<Verdict, CostExceedsCapacity>;

const PASS: Answer = Ok(Verdict::Allowed);

fn by_user(retry_after_ms: u64) -> Answer {
    Ok(Verdict::Rejected {
        by: Gate::User,
        retry_after_ms,
    })
}

fn by_global(retry_after_ms: u64) -> Answer {
    Ok(Verdict::Rejected {
        by: Gate::Global,
        retry_after_ms,
    })
}

fn rate_text(rate: (u64, u64)) -> String {
    format!("Rate::new({}, {})", rate.0, rate.1)
}

fn limiter(
    user_capacity: u64,
    user_rate: (u64, u64),
    global_capacity: u64,
    global_rate: (u64, u64),
) -> HierarchicalLimiter {
    step(format!(
        "HierarchicalLimiter::new({user_capacity}, {}, {global_capacity}, {})",
        rate_text(user_rate),
        rate_text(global_rate)
    ));
    HierarchicalLimiter::new(
        user_capacity,
        Rate::new(user_rate.0, user_rate.1),
        global_capacity,
        Rate::new(global_rate.0, global_rate.1),
    )
}

/// Sends `(user, cost, now_ms, expected, why)` requests, logging each, failing at the first wrong answer.
#[track_caller]
fn run(limiter: &mut HierarchicalLimiter, calls: &[(&str, u64, u64, Answer, &str)]) {
    for (user, cost, now_ms, expected, why) in calls {
        let got = limiter.try_acquire(user, *cost, *now_ms);
        step(format!(
            "try_acquire({user:?}, {cost}, {now_ms}) -> {got:?}"
        ));
        expect_eq(
            format!("try_acquire({user:?}, {cost}, {now_ms}): {why}"),
            got,
            *expected,
        );
    }
}

#[track_caller]
fn expect_tracked(limiter: &HierarchicalLimiter, expected: usize, why: &str) {
    let got = limiter.tracked_users();
    step(format!("tracked_users() -> {got}"));
    expect_eq(format!("tracked_users(): {why}"), got, expected);
}

fn a_request_passes_only_when_both_gates_have_tokens(_: &mut Ctx) {
    scenario("Each user may burst 3 tokens; all users together may burst 5 (both refill 1 token per 1000 ms)");
    let mut l = limiter(3, (1, 1_000), 5, (1, 1_000));
    run(
        &mut l,
        &[
            (
                "ann",
                3,
                0,
                PASS,
                "ann's bucket (3) and the global one (5) both hold 3",
            ),
            (
                "ann",
                1,
                0,
                by_user(1_000),
                "ann's own bucket is empty; it refills 1 token in 1000 ms",
            ),
            (
                "bob",
                2,
                0,
                PASS,
                "bob's bucket is full and the global one still holds 2",
            ),
            (
                "bob",
                1,
                0,
                by_global(1_000),
                "bob still has 1 token, but the global bucket is empty",
            ),
            (
                "cid",
                1,
                0,
                by_global(1_000),
                "cid has never asked, but the global bucket is empty",
            ),
            ("cid", 1, 1_000, PASS, "the global bucket refilled 1 token"),
        ],
    );
}

fn a_global_refusal_takes_no_user_tokens(_: &mut Ctx) {
    scenario(
        "ann may burst 2 tokens and her bucket never refills (rate 0); the global bucket holds 1 token\n\
         and refills 1 per 1000 ms. When the global gate refuses, ann must keep her own token\n\
         (charging the user first and the global bucket second, without undoing, loses it)",
    );
    let mut l = limiter(2, (0, 1_000), 1, (1, 1_000));
    run(
        &mut l,
        &[
            ("ann", 1, 0, PASS, "ann 2 -> 1, global 1 -> 0"),
            (
                "ann",
                1,
                0,
                by_global(1_000),
                "ann still has 1 token but the global bucket is empty",
            ),
            (
                "ann",
                1,
                500,
                by_global(500),
                "the global bucket holds half a token",
            ),
            (
                "ann",
                1,
                1_000,
                PASS,
                "the global bucket refilled, and ann still has the token the refusals did not take",
            ),
        ],
    );
}

fn a_user_refusal_takes_no_global_tokens(_: &mut Ctx) {
    scenario(
        "Each user may burst 3 tokens, the global bucket 4; neither ever refills (rate 0).\n\
         When ann's own gate refuses, the global bucket must keep its tokens for other users",
    );
    let mut l = limiter(3, (0, 1_000), 4, (0, 1_000));
    run(
        &mut l,
        &[
            ("ann", 3, 0, PASS, "ann 3 -> 0, global 4 -> 1"),
            (
                "ann",
                1,
                0,
                by_user(u64::MAX),
                "ann's bucket is empty and never refills",
            ),
            (
                "ann",
                1,
                5,
                by_user(u64::MAX),
                "ann's bucket is empty and never refills",
            ),
            (
                "bob",
                1,
                10,
                PASS,
                "the global bucket still holds the 1 token ann's refusals did not take",
            ),
            (
                "cid",
                1,
                10,
                by_global(u64::MAX),
                "now the global bucket is empty, for good",
            ),
        ],
    );
}

fn the_user_gate_is_named_whenever_the_user_is_short(_: &mut Ctx) {
    scenario(
        "User buckets of 2 refilling 1 per 1000 ms; a global bucket of 2 refilling 1 per 4000 ms.\n\
         When both gates are short the user's own gate is named, and retry_after waits for both",
    );
    let mut l = limiter(2, (1, 1_000), 2, (1, 4_000));
    run(
        &mut l,
        &[
            ("ann", 2, 0, PASS, "both buckets give 2"),
            (
                "ann",
                1,
                0,
                by_user(4_000),
                "both are empty: the user gate is named; both hold a token again at 4000",
            ),
            (
                "ann",
                1,
                1_000,
                by_global(3_000),
                "ann has a token again, the global bucket does not until 4000",
            ),
            (
                "bob",
                1,
                3_999,
                by_global(1),
                "bob is full, the global bucket holds 0.99975 tokens",
            ),
            ("ann", 1, 4_000, PASS, "both buckets hold a token"),
        ],
    );
}

fn retry_after_waits_for_both_gates_exactly(_: &mut Ctx) {
    // (user capacity, user rate, global capacity, global rate, set-up requests at 0,
    //  the request (user, cost, at), the answer, why)
    type Case<'a> = (
        u64,
        (u64, u64),
        u64,
        (u64, u64),
        &'a [(&'a str, u64)],
        (&'a str, u64, u64),
        Answer,
        &'a str,
    );
    let cases: &[Case] = &[
        (2, (1, 1_000), 10, (1, 100), &[("ann", 2)], ("ann", 1, 300), by_user(700),
         "ann has 0.3 tokens at 300; the global bucket is full"),
        (5, (1, 1_000), 3, (1, 300), &[("ann", 3)], ("ann", 2, 100), by_global(500),
         "ann has 2.1 tokens; the global bucket has 1/3 and needs 5/3 more at 1 per 300 ms"),
        (2, (1, 1_000), 3, (1, 2_000), &[("ann", 2), ("bob", 1)], ("ann", 1, 500), by_user(1_500),
         "ann needs 500 ms, the global bucket 1500 ms: the user gate is named, the longer wait counts"),
        (1, (1, 5_000), 4, (3, 1_000), &[("ann", 1), ("bob", 3)], ("ann", 1, 0), by_user(5_000),
         "ann needs 5000 ms, the global bucket 334 ms: the longer wait counts"),
        (3, (2, 3), 7, (5, 7), &[("ann", 3), ("bob", 3)], ("ann", 2, 1), by_user(2),
         "ann has 2/3 and needs 4/3 more at 2 per 3 ms (2 ms); the global bucket has 12/7 and needs 2/7 more (1 ms)"),
    ];
    scenario(
        "retry_after_ms must be exact: the same request retried at now + retry_after_ms passes, and one\n\
         millisecond earlier it still fails (nothing else happens meanwhile). Each case empties buckets at 0,\n\
         asks, then retries at both instants",
    );
    for (user_cap, user_rate, global_cap, global_rate, setup, ask, expected, why) in cases {
        let mut l = limiter(*user_cap, *user_rate, *global_cap, *global_rate);
        for (user, cost) in *setup {
            let got = l.try_acquire(user, *cost, 0);
            step(format!("try_acquire({user:?}, {cost}, 0) -> {got:?}"));
        }
        let (user, cost, at) = *ask;
        run(&mut l, &[(user, cost, at, *expected, why)]);
        let Ok(Verdict::Rejected {
            retry_after_ms: retry,
            ..
        }) = expected
        else {
            continue;
        };
        let early = at + retry - 1;
        let got = l.try_acquire(user, cost, early);
        step(format!("try_acquire({user:?}, {cost}, {early}) -> {got:?}"));
        expect_eq(
            format!(
                "try_acquire({user:?}, {cost}, {early}): one millisecond before the promised instant {} the \
                 request must still be refused, with 1 ms left to wait",
                at + retry
            ),
            got.map(|v| matches!(v, Verdict::Rejected { retry_after_ms: 1, .. })),
            Ok(true),
        );
        run(
            &mut l,
            &[(
                user,
                cost,
                at + retry,
                PASS,
                "the instant the earlier refusal promised: both gates admit",
            )],
        );
    }
}

fn a_cost_above_either_capacity_is_an_error(_: &mut Ctx) {
    scenario(
        "A cost above the user capacity or above the global capacity can never pass: it is an error naming\n\
         the smaller capacity, and it takes nothing",
    );
    let mut l = limiter(5, (1, 1_000), 3, (1, 1_000));
    run(
        &mut l,
        &[
            (
                "ann",
                4,
                0,
                Err(CostExceedsCapacity {
                    cost: 4,
                    capacity: 3,
                }),
                "4 fits ann's 5 but never the global 3",
            ),
            ("ann", 3, 0, PASS, "3 fits both, and the error took nothing"),
        ],
    );
    let mut l = limiter(2, (1, 1_000), 10, (1, 1_000));
    run(
        &mut l,
        &[
            (
                "ann",
                3,
                0,
                Err(CostExceedsCapacity {
                    cost: 3,
                    capacity: 2,
                }),
                "3 fits the global 10 but never a user's 2",
            ),
            ("ann", 2, 0, PASS, "2 fits both"),
        ],
    );
    expect_tracked(&l, 1, "only ann's successful request left a trace");
    step("costs above both capacities: the error names the smaller one, whichever gate it belongs to");
    let mut l = limiter(5, (1, 1_000), 3, (1, 1_000));
    run(
        &mut l,
        &[(
            "ann",
            6,
            0,
            Err(CostExceedsCapacity {
                cost: 6,
                capacity: 3,
            }),
            "6 is above the user's 5 and the global 3; the smaller capacity is the global 3",
        )],
    );
    let mut l = limiter(4, (1, 1_000), 7, (1, 1_000));
    run(
        &mut l,
        &[(
            "ann",
            u64::MAX,
            0,
            Err(CostExceedsCapacity {
                cost: u64::MAX,
                capacity: 4,
            }),
            "u64::MAX is above the user's 4 and the global 7; the smaller capacity is the user's 4",
        )],
    );
}

fn an_error_changes_nothing_not_even_the_time(_: &mut Ctx) {
    scenario(
        "User buckets of 2 refilling 1 per 1000 ms; a large global bucket. ann empties her bucket at 0.\n\
         A request costing more than a capacity, dated 5000, is an error and changes nothing: not even the\n\
         limiter's latest instant, so time is still 0 for everything that follows",
    );
    let mut l = limiter(2, (1, 1_000), 1_000, (1_000, 1));
    run(
        &mut l,
        &[("ann", 2, 0, PASS, "ann 2 -> 0, full again at 2000")],
    );
    run(
        &mut l,
        &[(
            "bob",
            50,
            5_000,
            Err(CostExceedsCapacity {
                cost: 50,
                capacity: 2,
            }),
            "50 is above the user capacity of 2",
        )],
    );
    expect_tracked(
        &l,
        1,
        "the error did not move the limiter to 5000 (when ann would be full again), so ann is still tracked",
    );
    run(
        &mut l,
        &[(
            "ann",
            2,
            1_500,
            by_user(500),
            "the latest instant is still 0, so 1500 is not in the past: ann holds 1.5 tokens and needs 500 ms more",
        )],
    );
}

fn an_earlier_now_ms_counts_as_the_latest_instant_seen(_: &mut Ctx) {
    scenario(
        "User buckets of 2 refilling 1 per 1000 ms; a large global bucket. The limiter has seen 5000; then\n\
         requests dated earlier arrive. Each is treated as a request at 5000 (the latest instant seen):\n\
         its bucket is charged as of 5000 and refills from 5000, not from its own earlier time",
    );
    let mut l = limiter(2, (1, 1_000), 1_000, (1_000, 1));
    run(
        &mut l,
        &[(
            "bob",
            0,
            5_000,
            PASS,
            "a cost of 0 takes nothing; the limiter has now seen 5000",
        )],
    );
    run(
        &mut l,
        &[(
            "ann",
            2,
            1_000,
            PASS,
            "1000 counts as 5000: ann's new bucket is full and pays 2, leaving it empty as of 5000",
        )],
    );
    expect_tracked(
        &l,
        1,
        "ann's bucket was emptied at 5000 (not at 1000), so it is full again only at 7000",
    );
    run(
        &mut l,
        &[
            (
                "ann",
                1,
                4_000,
                by_user(1_000),
                "4000 counts as 5000, when ann's bucket is empty: she needs 1000 ms for 1 token",
            ),
            ("cid", 0, 6_000, PASS, "a cost of 0 takes nothing; the limiter moves to 6000"),
            (
                "ann",
                2,
                5_500,
                by_user(1_000),
                "5500 counts as 6000: ann holds 1 token (refilled since 5000) and needs 1000 ms for the 2nd",
            ),
            ("ann", 1, 6_000, PASS, "ann holds 1 token at 6000"),
        ],
    );
    expect_tracked(&l, 1, "ann is empty again as of 6000, full at 8000");
}

fn fractional_rates_keep_their_fractions_on_both_gates(_: &mut Ctx) {
    scenario(
        "Fractional refill rates on each gate, polled often: every call must keep the fractions of a token\n\
         that accrued since the last one. Rounding to whole tokens at each call loses them, and a user or\n\
         the global gate polled often enough then never refills",
    );
    step("the user gate at 1 token per 3000 ms (the global gate is plentiful)");
    let mut l = limiter(1, (1, 3_000), 1_000_000, (1_000, 1));
    run(
        &mut l,
        &[
            ("ann", 1, 0, PASS, "ann 1 -> 0"),
            ("ann", 1, 1_000, by_user(2_000), "ann holds 1/3 token"),
            (
                "ann",
                1,
                2_000,
                by_user(1_000),
                "ann holds 2/3 token: the 1/3 from before is kept",
            ),
            ("ann", 1, 3_000, PASS, "ann holds 1 token"),
        ],
    );
    step("the user gate at 2 tokens per 3 ms, polled every millisecond");
    let mut l = limiter(2, (2, 3), 1_000_000, (1_000, 1));
    run(
        &mut l,
        &[
            ("ann", 2, 0, PASS, "ann 2 -> 0"),
            ("ann", 1, 1, by_user(1), "ann holds 2/3 token"),
            ("ann", 1, 2, PASS, "ann holds 4/3 tokens -> 1/3 left"),
            ("ann", 1, 3, PASS, "ann holds 1/3 + 2/3 = 1 token -> 0 left"),
            ("ann", 1, 4, by_user(1), "ann holds 2/3 token"),
            ("ann", 1, 5, PASS, "ann holds 4/3 tokens -> 1/3 left"),
            ("ann", 1, 6, PASS, "ann holds 1 token -> 0 left"),
        ],
    );
    step("the global gate at 1 token per 3000 ms (users are plentiful)");
    let mut l = limiter(1_000, (1_000, 1), 1, (1, 3_000));
    run(
        &mut l,
        &[
            ("ann", 1, 0, PASS, "global 1 -> 0"),
            (
                "bob",
                1,
                1_000,
                by_global(2_000),
                "the global bucket holds 1/3 token",
            ),
            (
                "cid",
                1,
                2_000,
                by_global(1_000),
                "the global bucket holds 2/3 token",
            ),
            ("dan", 1, 3_000, PASS, "the global bucket holds 1 token"),
        ],
    );
    step("the global gate at 2 tokens per 3 ms, a new user every millisecond");
    let mut l = limiter(1_000, (1_000, 1), 2, (2, 3));
    run(
        &mut l,
        &[
            ("u0", 2, 0, PASS, "global 2 -> 0"),
            (
                "u1",
                1,
                1,
                by_global(1),
                "the global bucket holds 2/3 token",
            ),
            (
                "u2",
                1,
                2,
                PASS,
                "the global bucket holds 4/3 tokens -> 1/3 left",
            ),
            (
                "u3",
                1,
                3,
                PASS,
                "the global bucket holds 1 token -> 0 left",
            ),
            (
                "u4",
                1,
                4,
                by_global(1),
                "the global bucket holds 2/3 token",
            ),
            ("u5", 1, 5, PASS, "the global bucket holds 4/3 tokens"),
        ],
    );
    step("forgetting with a fractional user rate: 2 tokens per 5 ms, a user bucket of 1");
    let mut l = limiter(1, (2, 5), 1_000_000, (1_000, 1));
    run(&mut l, &[("ann", 1, 0, PASS, "ann 1 -> 0")]);
    expect_tracked(&l, 1, "ann's bucket is empty");
    run(
        &mut l,
        &[(
            "ann",
            1,
            2,
            by_user(1),
            "at 2 ms ann holds 4/5 token (not yet full: 2.5 ms are needed, so she is full at 3)",
        )],
    );
    expect_tracked(
        &l,
        1,
        "at 2 ms ann's bucket is not full, so she is still tracked",
    );
    run(&mut l, &[("zed", 0, 3, PASS, "a cost of 0 takes nothing")]);
    expect_tracked(
        &l,
        0,
        "at 3 ms ann's bucket is full (6/5 capped at 1): she is forgotten",
    );
}

fn a_user_who_spends_again_is_kept_until_the_later_refill(_: &mut Ctx) {
    scenario(
        "User buckets of 5 refilling 1 per 1000 ms; a large global bucket. ann spends 1 at 0 (full again at\n\
         1000), then 4 more at 500, which pushes her full-again instant to 5000. She must be kept until 5000:\n\
         the instant her first spend would have refilled no longer applies",
    );
    let mut l = limiter(5, (1, 1_000), 1_000_000, (1_000, 1));
    run(
        &mut l,
        &[
            ("ann", 1, 0, PASS, "ann 5 -> 4, full again at 1000"),
            ("ann", 4, 500, PASS, "ann 4.5 -> 0.5, full again at 5000"),
            ("zed", 0, 1_000, PASS, "a cost of 0 takes nothing"),
        ],
    );
    expect_tracked(
        &l,
        1,
        "at 1000 ann holds 1 token of 5: she is still refilling",
    );
    run(
        &mut l,
        &[
            (
                "ann",
                2,
                1_000,
                by_user(1_000),
                "ann holds 1 token; the 2nd comes at 2000",
            ),
            ("zed", 0, 4_999, PASS, "a cost of 0 takes nothing"),
        ],
    );
    expect_tracked(&l, 1, "at 4999 ann holds 4.999 tokens");
    run(
        &mut l,
        &[("zed", 0, 5_000, PASS, "a cost of 0 takes nothing")],
    );
    expect_tracked(&l, 0, "at 5000 ann's bucket is full again");
}

fn a_user_is_forgotten_once_their_bucket_is_full_again(_: &mut Ctx) {
    scenario(
        "User buckets of 5 refilling 1 per 1000 ms; a large global bucket. A user whose bucket is full\n\
         again is exactly like a user never seen, so the limiter must not keep them: tracked_users()\n\
         counts users whose bucket is not full as of the latest now_ms seen",
    );
    let mut l = limiter(5, (1, 1_000), 1_000, (1_000, 1_000));
    expect_tracked(&l, 0, "nobody has asked yet");
    run(&mut l, &[("ann", 2, 0, PASS, "ann 5 -> 3")]);
    expect_tracked(&l, 1, "ann's bucket is short of 2 tokens until 2000");
    run(
        &mut l,
        &[("bob", 0, 1_999, PASS, "a cost of 0 takes nothing")],
    );
    expect_tracked(
        &l,
        1,
        "at 1999 ann's bucket holds 4.999 tokens; bob took nothing, so he is not kept",
    );
    run(
        &mut l,
        &[("bob", 0, 2_000, PASS, "a cost of 0 takes nothing")],
    );
    expect_tracked(
        &l,
        0,
        "at 2000 ann's bucket is full again: she must be forgotten",
    );
    run(
        &mut l,
        &[
            (
                "ann",
                5,
                2_000,
                PASS,
                "a forgotten user comes back with a full bucket",
            ),
            ("cid", 1, 2_500, PASS, "cid 5 -> 4"),
        ],
    );
    expect_tracked(&l, 2, "ann (empty until 7000) and cid (short until 3500)");
    run(
        &mut l,
        &[("dan", 0, 3_500, PASS, "a cost of 0 takes nothing")],
    );
    expect_tracked(
        &l,
        1,
        "at 3500 cid's bucket is full again; ann's is not until 7000",
    );

    step("a second limiter whose global bucket holds 1 token and never refills");
    let mut l = limiter(5, (1, 1_000), 1, (0, 1_000));
    run(
        &mut l,
        &[
            ("ann", 1, 0, PASS, "ann 5 -> 4, global 1 -> 0"),
            (
                "bob",
                1,
                0,
                by_global(u64::MAX),
                "the global bucket is empty for good",
            ),
        ],
    );
    expect_tracked(
        &l,
        1,
        "bob's refused request took nothing from his bucket, so there is nothing to keep for him",
    );
}

fn a_user_who_is_still_refilling_is_not_forgotten(_: &mut Ctx) {
    scenario(
        "User buckets of 5 refilling 1 per 1000 ms. ann empties hers at 0, so it is full again only at 5000.\n\
         Forgetting her earlier (say, after some idle time) would hand her a full bucket for free",
    );
    let mut l = limiter(5, (1, 1_000), 1_000_000, (1_000, 1));
    run(&mut l, &[("ann", 5, 0, PASS, "ann 5 -> 0")]);
    for t in (100..5_000).step_by(100) {
        let user = format!("user-{t}");
        let got = l.try_acquire(&user, 1, t);
        step(format!("try_acquire({user:?}, 1, {t}) -> {got:?}"));
    }
    expect_tracked(
        &l,
        11,
        "at 4900: ann (empty until 5000) and the 10 users who asked after 3900 (each is full 1000 ms after asking)",
    );
    run(
        &mut l,
        &[
            (
                "ann",
                5,
                4_999,
                by_user(1),
                "ann's bucket holds 4.999 tokens at 4999",
            ),
            ("ann", 5, 5_000, PASS, "ann's bucket is full at 5000"),
        ],
    );
}

fn memory_follows_active_users_not_everyone_ever_seen(_: &mut Ctx) {
    scenario(
        "A stream of 20000 different users, user-i asking for 1 token at i ms (user buckets of 1 refilling\n\
         1 per 100 ms, a global bucket that keeps up). At any instant only the last 100 users are still\n\
         refilling, so tracked_users() must stay at 100, not grow with everyone ever seen",
    );
    let mut l = limiter(1, (1, 100), 1_000, (1, 1));
    for i in 0..20_000u64 {
        let user = format!("user-{i}");
        let got = l.try_acquire(&user, 1, i);
        if got != PASS {
            step(format!("try_acquire({user:?}, 1, {i}) -> {got:?}"));
            fail(format!(
                "try_acquire({user:?}, 1, {i}): a new user with a full bucket, and a global bucket that refills as \
                 fast as it is used\nexpected: {PASS:?}\n     got: {got:?}"
            ));
        }
        let tracked = l.tracked_users();
        let expected = (i as usize + 1).min(100);
        if tracked != expected {
            step(format!(
                "try_acquire(\"user-<i>\", 1, i) for i = 0..={i}, all Ok(Allowed)"
            ));
            step(format!("tracked_users() -> {tracked}"));
            fail(format!(
                "tracked_users() after user-{i}'s request at {i}: users seen more than 100 ms ago have full buckets \
                 again and must be forgotten; only users {}..={i} are still refilling\nexpected: {expected}\n     got: {tracked}",
                i.saturating_sub(99)
            ));
        }
    }
}

/// One token bucket of the model: its level in units (a token is `per_ms` units) as of `at_ms`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    units: u128,
    at_ms: u64,
}

/// A bucket's shape in the model.
#[derive(Debug, Clone, Copy)]
struct Shape {
    capacity: u64,
    tokens: u64,
    per_ms: u64,
}

impl Shape {
    fn full(&self) -> u128 {
        u128::from(self.capacity) * u128::from(self.per_ms)
    }

    fn at(&self, bucket: Bucket, now_ms: u64) -> u128 {
        let gained = u128::from(now_ms - bucket.at_ms) * u128::from(self.tokens);
        (bucket.units + gained).min(self.full())
    }

    /// Returns the wait until `units` reach `need`, `None` for never.
    fn wait(&self, units: u128, need: u128) -> Option<u64> {
        if units >= need {
            Some(0)
        } else if self.tokens == 0 {
            None
        } else {
            Some((need - units).div_ceil(u128::from(self.tokens)) as u64)
        }
    }
}

/// The hierarchical rules written plainly: it never forgets anyone and counts who is not full.
struct Model {
    user: Shape,
    global: Shape,
    users: HashMap<String, Bucket>,
    global_bucket: Bucket,
    latest_ms: u64,
}

impl Model {
    fn try_acquire(&mut self, user: &str, cost: u64, now_ms: u64) -> Answer {
        let capacity = self.user.capacity.min(self.global.capacity);
        if cost > capacity {
            return Err(CostExceedsCapacity { cost, capacity });
        }
        self.latest_ms = self.latest_ms.max(now_ms);
        let now = self.latest_ms;
        let full = Bucket {
            units: self.user.full(),
            at_ms: now,
        };
        let mine = self.users.get(user).copied().unwrap_or(full);
        let user_units = self.user.at(mine, now);
        let global_units = self.global.at(self.global_bucket, now);
        let user_need = u128::from(cost) * u128::from(self.user.per_ms);
        let global_need = u128::from(cost) * u128::from(self.global.per_ms);
        let user_wait = self.user.wait(user_units, user_need);
        let global_wait = self.global.wait(global_units, global_need);
        let both = match (user_wait, global_wait) {
            (Some(a), Some(b)) => a.max(b),
            _ => u64::MAX,
        };
        if user_wait != Some(0) {
            return by_user(both);
        }
        if global_wait != Some(0) {
            return by_global(both);
        }
        self.users.insert(
            user.to_owned(),
            Bucket {
                units: user_units - user_need,
                at_ms: now,
            },
        );
        self.global_bucket = Bucket {
            units: global_units - global_need,
            at_ms: now,
        };
        PASS
    }

    fn tracked(&self) -> usize {
        self.users
            .values()
            .filter(|b| self.user.at(**b, self.latest_ms) < self.user.full())
            .count()
    }
}

#[derive(Debug)]
struct Acquire {
    user: &'static str,
    cost: u64,
    now_ms: u64,
}

fn random_traffic_matches_a_simple_model(ctx: &mut Ctx) {
    const RATES: [(u64, u64); 6] = [(1, 100), (1, 300), (3, 100), (2, 3), (1, 1), (0, 1)];
    for round in 0..6 {
        let rng = ctx.rng();
        let user_cap = rng.range(1, 6);
        let user_rate = *rng.pick(&RATES[..5]);
        let global_cap = rng.range(2, 12);
        let global_rate = *rng.pick(&RATES);
        scenario(format!(
            "Random requests from ann, bob, cid and dan (round {round}), time mostly moving forward, sometimes back.\n\
             HierarchicalLimiter::new({user_cap}, {}, {global_cap}, {}) side by side with a plain model that\n\
             remembers every user; after each request both answer (verdict, tracked_users())",
            rate_text(user_rate),
            rate_text(global_rate)
        ));
        let mut limiter = HierarchicalLimiter::new(
            user_cap,
            Rate::new(user_rate.0, user_rate.1),
            global_cap,
            Rate::new(global_rate.0, global_rate.1),
        );
        let user = Shape {
            capacity: user_cap,
            tokens: user_rate.0,
            per_ms: user_rate.1,
        };
        let global = Shape {
            capacity: global_cap,
            tokens: global_rate.0,
            per_ms: global_rate.1,
        };
        let mut model = Model {
            user,
            global,
            users: HashMap::new(),
            global_bucket: Bucket {
                units: global.full(),
                at_ms: 0,
            },
            latest_ms: 0,
        };
        let mut now_ms = 0u64;
        compare(
            rng,
            300,
            |rng: &mut Rng| {
                now_ms = match rng.below(20) {
                    0..=5 => now_ms,
                    6..=15 => now_ms + rng.below(150),
                    16..=17 => now_ms + rng.below(1_500),
                    _ => now_ms.saturating_sub(rng.below(300)),
                };
                Acquire {
                    user: ["ann", "bob", "cid", "dan"][rng.index(4)],
                    cost: if rng.chance(4) {
                        user_cap.min(global_cap) + 1
                    } else {
                        rng.below(user_cap.min(3) + 1)
                    },
                    now_ms,
                }
            },
            |op| {
                let answer = limiter.try_acquire(op.user, op.cost, op.now_ms);
                (answer, limiter.tracked_users())
            },
            |op| {
                let answer = model.try_acquire(op.user, op.cost, op.now_ms);
                (answer, model.tracked())
            },
        );
    }
}

fn deciding_does_not_scan_every_tracked_user(_: &mut Ctx) {
    scenario(
        "A limiter tracking n users, each of whom spent 1 of 10 tokens at 0 and refills 1 token per 10^9 ms\n\
         (n = 125, then 4000); then 300 requests from those users. Forgetting full users must not cost a\n\
         scan of every tracked user on each request: keep them ordered by when they are full again",
    );
    let budget = ProbeBudget::start(
        "Keep users ordered by the instant their bucket is full again (a BTreeSet) and pop the ones whose \
         instant has passed, instead of checking every tracked user on every request.",
    );
    // More rounds than the default: each timed batch is short, and one undisturbed round per size is
    // what the comparison needs on a busy machine.
    Scaling {
        rounds: 11,
        ..Scaling::new("try_acquire with many tracked users", 125, 4_000)
    }
    .demanding("O(log n)")
    .run(
        |n| {
            let names: Vec<String> = (0..n).map(|i| format!("user-{i}")).collect();
            let mut limiter = HierarchicalLimiter::new(
                10,
                Rate::new(1, 1_000_000_000),
                u64::MAX,
                Rate::per_second(1),
            );
            for (i, name) in names.iter().enumerate() {
                if i % 256 == 0 {
                    budget.check(|| format!("bringing {n} users to the limiter (done {i})"));
                }
                let _ = limiter.try_acquire(name, 1, 0);
            }
            (limiter, names)
        },
        |(limiter, names)| {
            for i in 0..300 {
                let name = &names[(i * 7_919) % names.len()];
                let _ = std::hint::black_box(limiter.try_acquire(name, 1, 1));
            }
        },
    );
}
