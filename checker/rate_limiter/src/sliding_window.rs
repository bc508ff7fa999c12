//! Stage sliding_window: at most `limit` admissions in any span of `window_ms`, with bounded memory per client.

use std::collections::HashMap;

use syskata_kit::model::compare;
use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, scenario, step, Ctx, Stage};

use crate::drill::SlidingWindowLimiter;
use crate::support::{fixed_window_traffic, run_script, ProbeBudget};

/// Returns the checks of stage sliding_window.
pub fn stage() -> Stage {
    Stage {
        slug: "sliding_window",
        checks: checks![
            no_double_burst_across_a_window_boundary,
            an_admission_stops_counting_exactly_window_ms_later,
            rejected_requests_are_not_counted,
            clients_are_limited_separately,
            a_limit_of_zero_rejects_everything,
            a_zero_window_counts_as_one_millisecond,
            a_clients_log_never_holds_more_than_limit_entries,
            log_len_is_exactly_the_admissions_still_counting_at_the_latest_call,
            a_request_dated_before_the_latest_admission_counts_at_that_admission,
            random_traffic_matches_a_simple_model,
            allow_costs_the_same_however_large_the_limit,
        ],
    }
}

fn no_double_burst_across_a_window_boundary(_: &mut Ctx) {
    scenario(
        "SlidingWindowLimiter::new(3, 1000): at most 3 admissions in ANY 1000 ms span.\n\
         A burst of 3 just before 1000 must not be followed by another burst just after it\n\
         (a fixed window would allow 6 requests within a few milliseconds here)",
    );
    let mut limiter = SlidingWindowLimiter::new(3, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 997, true, "1st admission"),
            ("ann", 998, true, "2nd admission"),
            ("ann", 999, true, "3rd admission: the limit is 3"),
            (
                "ann",
                1_000,
                false,
                "the admissions at 997, 998, 999 are all less than 1000 ms old",
            ),
            (
                "ann",
                1_001,
                false,
                "the admissions at 997, 998, 999 are all less than 1000 ms old",
            ),
            (
                "ann",
                1_500,
                false,
                "the admissions at 997, 998, 999 are all less than 1000 ms old",
            ),
            (
                "ann",
                1_996,
                false,
                "the admission at 997 is 999 ms old: still inside the window",
            ),
            (
                "ann",
                1_997,
                true,
                "the admission at 997 is exactly 1000 ms old, so it no longer counts",
            ),
            (
                "ann",
                1_997,
                false,
                "the window now holds 998, 999 and 1997",
            ),
            ("ann", 1_998, true, "the admission at 998 no longer counts"),
        ],
    );
}

fn an_admission_stops_counting_exactly_window_ms_later(_: &mut Ctx) {
    scenario(
        "SlidingWindowLimiter::new(1, 1000): an admission at t counts for requests at t..=t+999\n\
         and stops counting at exactly t+1000",
    );
    let mut limiter = SlidingWindowLimiter::new(1, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 100, true, "1st admission"),
            ("ann", 1_099, false, "the admission at 100 is 999 ms old"),
            (
                "ann",
                1_100,
                true,
                "the admission at 100 is exactly 1000 ms old: it no longer counts",
            ),
            ("ann", 2_099, false, "the admission at 1100 is 999 ms old"),
            (
                "ann",
                2_100,
                true,
                "the admission at 1100 is exactly 1000 ms old",
            ),
        ],
    );
}

fn rejected_requests_are_not_counted(_: &mut Ctx) {
    scenario(
        "SlidingWindowLimiter::new(2, 1000): a client keeps knocking while it is over the limit.\n\
         Only admissions count; refused requests must not push the client's recovery further away",
    );
    let mut limiter = SlidingWindowLimiter::new(2, 1_000);
    let mut script = vec![
        ("ann", 0, true, "1st admission"),
        ("ann", 0, true, "2nd admission"),
    ];
    for t in (100..1_000).step_by(100) {
        script.push((
            "ann",
            t,
            false,
            "the 2 admissions at 0 are less than 1000 ms old",
        ));
    }
    script.push(("ann", 999, false, "the 2 admissions at 0 are 999 ms old"));
    script.push((
        "ann",
        1_000,
        true,
        "the admissions at 0 have left the window; the refused requests at 100..=999 never counted",
    ));
    script.push((
        "ann",
        1_000,
        true,
        "only one admission (at 1000) is in the window",
    ));
    script.push((
        "ann",
        1_001,
        false,
        "the window holds the 2 admissions at 1000",
    ));
    run_script(|c, t| limiter.allow(c, t), &script);
}

fn clients_are_limited_separately(_: &mut Ctx) {
    scenario("SlidingWindowLimiter::new(1, 1000): one admission per client per 1000 ms");
    let mut limiter = SlidingWindowLimiter::new(1, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 0, true, "ann's 1st admission"),
            (
                "bob",
                1,
                true,
                "bob's 1st admission: ann's log is not bob's",
            ),
            ("ann", 2, false, "ann was admitted 2 ms ago"),
            ("bob", 500, false, "bob was admitted 499 ms ago"),
            (
                "ann",
                1_000,
                true,
                "ann's admission at 0 has left the window",
            ),
            ("bob", 1_000, false, "bob's admission at 1 is 999 ms old"),
            (
                "bob",
                1_001,
                true,
                "bob's admission at 1 has left the window",
            ),
        ],
    );
}

fn a_limit_of_zero_rejects_everything(_: &mut Ctx) {
    scenario("SlidingWindowLimiter::new(0, 1000): a limit of 0 admits nothing, ever");
    let mut limiter = SlidingWindowLimiter::new(0, 1_000);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 0, false, "the limit is 0"),
            ("ann", 5_000, false, "the limit is 0"),
            ("bob", 5_000, false, "the limit is 0"),
        ],
    );
    expect(
        limiter.log_len("ann") == 0,
        format!(
            "log_len(\"ann\") after only refused requests: nothing was admitted, so nothing may be stored\n\
             expected: 0\n     got: {}",
            limiter.log_len("ann")
        ),
    );
}

fn a_zero_window_counts_as_one_millisecond(_: &mut Ctx) {
    scenario("SlidingWindowLimiter::new(1, 0): a 0 ms window counts as 1 ms");
    let mut limiter = SlidingWindowLimiter::new(1, 0);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 5, true, "1st admission"),
            (
                "ann",
                5,
                false,
                "the admission at 5 is 0 ms old, inside the 1 ms window",
            ),
            (
                "ann",
                6,
                true,
                "the admission at 5 is 1 ms old: out of a 1 ms window",
            ),
        ],
    );
}

fn a_clients_log_never_holds_more_than_limit_entries(_: &mut Ctx) {
    scenario(
        "SlidingWindowLimiter::new(5, 1000); ann sends a request every 10 ms for 20 s (2000 requests,\n\
         most refused). The limiter may keep at most 5 timestamps for ann at any time: memory per client\n\
         is bounded by the limit, not by the traffic or by how long the client has been around",
    );
    let mut limiter = SlidingWindowLimiter::new(5, 1_000);
    let unknown = limiter.log_len("nobody");
    expect(
        unknown == 0,
        format!("log_len(\"nobody\") for a client never seen\nexpected: 0\n     got: {unknown}"),
    );
    let mut admitted = 0;
    for t in (0..20_000).step_by(10) {
        if limiter.allow("ann", t) {
            admitted += 1;
        }
        let len = limiter.log_len("ann");
        if len > 5 {
            step(format!(
                "allow(\"ann\", t) every 10 ms for t = 0..={t}: {admitted} admitted so far"
            ));
            step(format!("log_len(\"ann\") -> {len}"));
            syskata_kit::fail(format!(
                "log_len(\"ann\") after the request at {t}: more timestamps than the limit of 5 are stored.\n\
                 Keep only admissions (not refused requests), and drop those that left the window.\n\
                 expected: at most 5\n     got: {len}"
            ));
        }
    }
    step(format!(
        "allow(\"ann\", t) every 10 ms for t = 0..20000: {admitted} admitted"
    ));
    expect(
        admitted == 100,
        format!(
            "admissions of a client asking every 10 ms for 20 s under a limit of 5 per 1000 ms\n\
             expected: 100 (5 at the start of each 1000 ms stretch)\n     got: {admitted}"
        ),
    );
}

/// Reads `log_len(client)`, logs it, and fails unless it is `expected`.
#[track_caller]
fn expect_log_len(limiter: &SlidingWindowLimiter, client: &str, expected: usize, why: &str) {
    let got = limiter.log_len(client);
    step(format!("log_len({client:?}) -> {got}"));
    syskata_kit::expect_eq(format!("log_len({client:?}): {why}"), got, expected);
}

fn log_len_is_exactly_the_admissions_still_counting_at_the_latest_call(_: &mut Ctx) {
    scenario(
        "SlidingWindowLimiter::new(5, 100): ann is admitted at 0, 10, 20 and 30, then comes back at 125 and 130.\n\
         After each call, log_len is the number of ann's admissions that still count at that call (its own\n\
         included): every admission that expired by then is gone, all of them, not one per call",
    );
    let mut limiter = SlidingWindowLimiter::new(5, 100);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 0, true, "1st admission"),
            ("ann", 10, true, "2nd admission"),
            ("ann", 20, true, "3rd admission"),
            ("ann", 30, true, "4th admission"),
        ],
    );
    expect_log_len(
        &limiter,
        "ann",
        4,
        "the admissions at 0, 10, 20 and 30 all count at 30",
    );
    expect_log_len(
        &limiter,
        "ann",
        4,
        "log_len takes no time: nothing changed since the call at 30",
    );
    run_script(
        |c, t| limiter.allow(c, t),
        &[(
            "ann",
            125,
            true,
            "only the admission at 30 still counts at 125",
        )],
    );
    expect_log_len(
        &limiter,
        "ann",
        2,
        "at 125 the admissions at 0, 10 and 20 are 100 ms old or more and are gone (all three); \
         30 and 125 remain",
    );
    run_script(
        |c, t| limiter.allow(c, t),
        &[(
            "ann",
            130,
            true,
            "the admission at 30 stops counting at exactly 130",
        )],
    );
    expect_log_len(
        &limiter,
        "ann",
        2,
        "the admission at 30 is exactly 100 ms old at 130, so it is gone; 125 and 130 remain",
    );
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            (
                "ann",
                224,
                true,
                "the admissions at 125 and 130 count; 2 of 5",
            ),
            (
                "ann",
                230,
                true,
                "125 and 130 have expired at 230; only 224 counts",
            ),
        ],
    );
    expect_log_len(
        &limiter,
        "ann",
        2,
        "at 230 the admissions at 125 (105 ms old) and 130 (exactly 100 ms old) are gone; 224 and 230 remain",
    );
}

fn a_request_dated_before_the_latest_admission_counts_at_that_admission(_: &mut Ctx) {
    scenario(
        "SlidingWindowLimiter::new(2, 100). A request whose now_ms is earlier than the client's latest admission\n\
         is decided, and recorded if admitted, as if it came at that latest admission's time",
    );
    let mut limiter = SlidingWindowLimiter::new(2, 100);
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("ann", 50, true, "1st admission, at 50"),
            (
                "ann",
                10,
                true,
                "10 is before ann's latest admission (50), so it counts as a request at 50: one admission counts, room for one more",
            ),
        ],
    );
    expect_log_len(
        &limiter,
        "ann",
        2,
        "both admissions are stored, both dated 50",
    );
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            (
                "ann",
                60,
                false,
                "both admissions (dated 50) count until 149",
            ),
            (
                "ann",
                110,
                false,
                "the late request was recorded at 50, not at 10, so it still counts at 110",
            ),
            (
                "ann",
                149,
                false,
                "both admissions dated 50 count until 149",
            ),
            (
                "ann",
                150,
                true,
                "both admissions dated 50 stop counting at exactly 150",
            ),
        ],
    );
    expect_log_len(&limiter, "ann", 1, "only the admission at 150 still counts");
    step("a second client with a limit of 2 and a full log");
    run_script(
        |c, t| limiter.allow(c, t),
        &[
            ("bob", 500, true, "bob's 1st admission"),
            ("bob", 520, true, "bob's 2nd admission"),
            (
                "bob",
                400,
                false,
                "400 counts as 520 (bob's latest admission), when both admissions count",
            ),
            ("bob", 599, false, "the admission at 500 counts until 599"),
            (
                "bob",
                600,
                true,
                "the admission at 500 stopped counting at 600",
            ),
        ],
    );
}

/// The sliding-window rules written plainly: every admission ever made, counted when it is recent.
struct Model {
    limit: usize,
    window_ms: u64,
    admitted: HashMap<String, Vec<u64>>,
}

impl Model {
    fn allow(&mut self, client: &str, now_ms: u64) -> bool {
        let log = self.admitted.entry(client.to_owned()).or_default();
        let recent = log.iter().filter(|&&t| now_ms - t < self.window_ms).count();
        let admit = recent < self.limit;
        if admit {
            log.push(now_ms);
        }
        admit
    }
}

fn random_traffic_matches_a_simple_model(ctx: &mut Ctx) {
    for round in 0..4 {
        let rng = ctx.rng();
        let limit = *rng.pick(&[0u32, 1, 2, 3, 5]);
        let window_ms = *rng.pick(&[1, 10, 100, 1_000]);
        scenario(format!(
            "Random requests from ann, bob and cid (round {round}), time never going back.\n\
             SlidingWindowLimiter::new({limit}, {window_ms}) side by side with a model that keeps every\n\
             admission and counts those less than {window_ms} ms old"
        ));
        let mut limiter = SlidingWindowLimiter::new(limit, window_ms);
        let mut model = Model {
            limit: limit as usize,
            window_ms,
            admitted: HashMap::new(),
        };
        compare(
            rng,
            300,
            fixed_window_traffic(window_ms),
            |op| limiter.allow(op.client, op.now_ms),
            |op| model.allow(op.client, op.now_ms),
        );
    }
}

fn allow_costs_the_same_however_large_the_limit(_: &mut Ctx) {
    scenario(
        "A client whose log is full: SlidingWindowLimiter::new(n, n) after n admissions at 0, 1, …, n-1\n\
         (n = 1000, then 64000). Then 500 calls, one per millisecond: each one retires the oldest\n\
         admission and admits itself. That must cost O(1) (amortised), not O(limit)",
    );
    let budget = ProbeBudget::start(
        "allow must cost O(1) amortised: drop expired timestamps from the front of a VecDeque (not a Vec, \
         whose remove(0) shifts everything) and compare the log's length with the limit instead of \
         scanning it.",
    );
    Scaling::new("allow on a client with a full log", 1_000, 64_000)
        .demanding("O(1) amortised")
        .run(
            |n| {
                step(format!("phase: {n} admissions at 0, 1, …, {}", n - 1));
                let limit = u32::try_from(n).unwrap_or(u32::MAX);
                let mut limiter = SlidingWindowLimiter::new(limit, n as u64);
                for t in 0..n as u64 {
                    if t % 1_024 == 0 {
                        budget.check(|| {
                            format!("building a log of {n} admissions (done {t}: allow(\"ann\", t) for t = 0, 1, …)")
                        });
                    }
                    limiter.allow("ann", t);
                }
                (limiter, n as u64)
            },
            |(limiter, n)| {
                for t in *n..*n + 500 {
                    std::hint::black_box(limiter.allow("ann", t));
                }
            },
        );
}
