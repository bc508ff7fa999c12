//! Stage fixed_window: a per-client request counter per window aligned to multiples of the window length.

use syskata_kit::model::compare;
use syskata_kit::probe::Scaling;
use syskata_kit::{checks, scenario, step, Ctx, Stage};

use crate::drill::FixedWindowLimiter;
use crate::support::{fixed_window_traffic, run_script, FixedWindowModel, ProbeBudget};

/// Returns the checks of stage fixed_window.
pub fn stage() -> Stage {
    Stage {
        slug: "fixed_window",
        checks: checks![
            the_first_limit_requests_of_a_window_pass_and_the_rest_fail,
            a_new_window_starts_exactly_at_its_boundary,
            windows_are_aligned_to_multiples_of_window_ms,
            clients_are_counted_separately,
            a_limit_of_zero_rejects_everything,
            an_idle_client_starts_afresh_many_windows_later,
            a_zero_window_counts_as_one_millisecond,
            timestamps_near_u64_max_do_not_overflow,
            window_numbers_past_2_pow_32_are_windows_of_their_own,
            random_traffic_matches_a_simple_model,
            allow_does_not_slow_down_with_many_clients,
        ],
    }
}

fn the_first_limit_requests_of_a_window_pass_and_the_rest_fail(_: &mut Ctx) {
    scenario("FixedWindowLimiter::new(3, 1000): 3 requests per client per 1000 ms window");
    let mut limiter = FixedWindowLimiter::new(3, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 0, true, "1st request in window [0, 1000)"),
            ("ann", 1, true, "2nd request in window [0, 1000)"),
            (
                "ann",
                2,
                true,
                "3rd request in window [0, 1000): the limit is 3",
            ),
            (
                "ann",
                3,
                false,
                "4th request in window [0, 1000): over the limit of 3",
            ),
            (
                "ann",
                999,
                false,
                "999 is still in the full window [0, 1000)",
            ),
        ],
    );
}

fn a_new_window_starts_exactly_at_its_boundary(_: &mut Ctx) {
    scenario(
        "FixedWindowLimiter::new(2, 1000): window k covers [k*1000, (k+1)*1000),\n\
         so 1999 is the last instant of a window and 2000 the first of the next",
    );
    let mut limiter = FixedWindowLimiter::new(2, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 1_000, true, "1st request in window [1000, 2000)"),
            ("ann", 1_500, true, "2nd request in window [1000, 2000)"),
            (
                "ann",
                1_999,
                false,
                "1999 belongs to window [1000, 2000), which is full",
            ),
            (
                "ann",
                2_000,
                true,
                "2000 is the first instant of window [2000, 3000): the count starts again",
            ),
            ("ann", 2_001, true, "2nd request in window [2000, 3000)"),
            (
                "ann",
                2_002,
                false,
                "3rd request in window [2000, 3000): over the limit of 2",
            ),
        ],
    );
}

fn windows_are_aligned_to_multiples_of_window_ms(_: &mut Ctx) {
    scenario(
        "FixedWindowLimiter::new(2, 1000); the client's first request comes at 900.\n\
         Windows are [0, 1000), [1000, 2000), … whenever a client shows up — not 1000 ms from its first request",
    );
    let mut limiter = FixedWindowLimiter::new(2, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 900, true, "1st request in window [0, 1000)"),
            ("ann", 950, true, "2nd request in window [0, 1000)"),
            ("ann", 990, false, "window [0, 1000) is full"),
            ("ann", 1_000, true, "window [1000, 2000) has begun, although only 100 ms passed since the first request"),
            ("ann", 1_850, true, "2nd request in window [1000, 2000)"),
            ("ann", 1_900, false, "1900 is still inside the full window [1000, 2000)"),
            ("ann", 2_000, true, "window [2000, 3000) has begun"),
        ],
    );
}

fn clients_are_counted_separately(_: &mut Ctx) {
    scenario("FixedWindowLimiter::new(1, 1000): one request per client per window");
    let mut limiter = FixedWindowLimiter::new(1, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 5, true, "ann's 1st request in window [0, 1000)"),
            (
                "bob",
                6,
                true,
                "bob's 1st request: ann's count is not bob's",
            ),
            (
                "Ann",
                7,
                true,
                "\"Ann\" is a different client from \"ann\" (names are compared exactly)",
            ),
            ("ann", 8, false, "ann's 2nd request in window [0, 1000)"),
            ("bob", 9, false, "bob's 2nd request in window [0, 1000)"),
            ("cid", 10, true, "cid's 1st request"),
        ],
    );
}

fn a_limit_of_zero_rejects_everything(_: &mut Ctx) {
    scenario("FixedWindowLimiter::new(0, 1000): a limit of 0 admits nothing, ever");
    let mut limiter = FixedWindowLimiter::new(0, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            (
                "ann",
                0,
                false,
                "the limit is 0, so even a client's very first request is refused",
            ),
            ("bob", 0, false, "the limit is 0"),
            (
                "ann",
                1_000,
                false,
                "a new window of a 0 limit still admits nothing",
            ),
            ("ann", 1_000_000, false, "the limit is 0"),
        ],
    );
}

fn an_idle_client_starts_afresh_many_windows_later(_: &mut Ctx) {
    scenario("FixedWindowLimiter::new(2, 100): the client goes quiet for about 100 windows");
    let mut limiter = FixedWindowLimiter::new(2, 100);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 0, true, "1st request in window [0, 100)"),
            ("ann", 1, true, "2nd request in window [0, 100)"),
            ("ann", 2, false, "window [0, 100) is full"),
            (
                "ann",
                10_050,
                true,
                "window [10000, 10100) is a new window, however many windows were skipped",
            ),
            ("ann", 10_060, true, "2nd request in window [10000, 10100)"),
            ("ann", 10_099, false, "window [10000, 10100) is full"),
        ],
    );
}

fn a_zero_window_counts_as_one_millisecond(_: &mut Ctx) {
    scenario(
        "FixedWindowLimiter::new(2, 0): a 0 ms window counts as 1 ms (and must not divide by zero)",
    );
    let mut limiter = FixedWindowLimiter::new(2, 0);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 7, true, "1st request in the 1 ms window [7, 8)"),
            ("ann", 7, true, "2nd request in window [7, 8)"),
            ("ann", 7, false, "window [7, 8) is full"),
            ("ann", 8, true, "window [8, 9) is a new window"),
        ],
    );
}

fn timestamps_near_u64_max_do_not_overflow(_: &mut Ctx) {
    const MAX: u64 = u64::MAX;
    scenario(
        "Timestamps and windows at the top of the u64 range; computing a window's end as\n\
         start + window_ms overflows there (a panic in a debug build)",
    );
    step("FixedWindowLimiter::new(1, u64::MAX): window 0 is [0, u64::MAX), window 1 starts at u64::MAX");
    let mut huge_window = FixedWindowLimiter::new(1, MAX);
    run_script(
        |c, t| huge_window.allow(c, t),
        &[
            ("ann", 0, true, "1st request in window 0"),
            (
                "ann",
                MAX - 1,
                false,
                "u64::MAX - 1 is still in window 0, which is full",
            ),
            (
                "ann",
                MAX,
                true,
                "u64::MAX is the first instant of window 1",
            ),
        ],
    );
    step("FixedWindowLimiter::new(2, 1000), requests just below u64::MAX");
    let mut limiter = FixedWindowLimiter::new(2, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", MAX - 3, true, "1st request in the last window"),
            ("ann", MAX - 2, true, "2nd request in the last window"),
            ("ann", MAX, false, "the last window is full"),
        ],
    );
}

fn window_numbers_past_2_pow_32_are_windows_of_their_own(_: &mut Ctx) {
    const P32: u64 = 1 << 32;
    scenario(
        "FixedWindowLimiter::new(1, 1): every millisecond is a window of its own, so window numbers equal the\n\
         instants. Window numbers from 2^32 = 4294967296 on must stay distinct: a window number kept in a\n\
         32-bit integer (or packed into 32 bits) wraps there and mixes up windows 2^32 apart",
    );
    let mut limiter = FixedWindowLimiter::new(1, 1);
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
            ("ann", P32 + 1, true, "window 2^32 + 1 is a new window"),
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
            ("cid", 4 * P32 + 6, false, "window 4 * 2^32 + 6 is full"),
        ],
    );
}

fn random_traffic_matches_a_simple_model(ctx: &mut Ctx) {
    for round in 0..4 {
        let rng = ctx.rng();
        let limit = *rng.pick(&[0, 1, 1, 2, 3, 5]);
        let window_ms = *rng.pick(&[1, 10, 100, 1_000]);
        scenario(format!(
            "Random requests from ann, bob and cid (round {round}), time never going back.\n\
             FixedWindowLimiter::new({limit}, {window_ms}) side by side with a plain model of the rules"
        ));
        let mut limiter = FixedWindowLimiter::new(limit, window_ms);
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

fn allow_does_not_slow_down_with_many_clients(_: &mut Ctx) {
    scenario(
        "allow on a limiter that already knows n clients (n = 128, then 4096), 1000 calls on known clients.\n\
         Finding a client's counter must take O(1) expected time however many clients there are",
    );
    let budget = ProbeBudget::start(
        "Finding a client must not mean walking a list of clients: key them in a HashMap.",
    );
    Scaling::new("allow on a limiter knowing many clients", 128, 4_096)
        .demanding("O(1) expected")
        .run(
            |n| {
                let names: Vec<String> = (0..n).map(|i| format!("client-{i}")).collect();
                let mut limiter = FixedWindowLimiter::new(1_000_000, 1_000);
                for (i, name) in names.iter().enumerate() {
                    if i % 256 == 0 {
                        budget.check(|| format!("introducing {n} clients (done {i})"));
                    }
                    limiter.allow(name, 0);
                }
                (limiter, names)
            },
            |(limiter, names)| {
                for i in 0..1_000 {
                    let name = &names[(i * 7_919) % names.len()];
                    std::hint::black_box(limiter.allow(name, 1));
                }
            },
        );
}
