//! Stage token_bucket: capacity, exact fractional refill, request cost, `remaining` and an exact `retry_after`.

use syskata_kit::model::compare;
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{CostExceedsCapacity, Decision, Rate, TokenBucket};

/// Returns the checks of stage token_bucket.
pub fn stage() -> Stage {
    Stage {
        slug: "token_bucket",
        checks: checks![
            a_new_bucket_starts_full_and_admits_up_to_its_capacity,
            tokens_refill_at_the_rate_and_stop_at_capacity,
            fractional_refill_is_never_lost_between_frequent_calls,
            retry_after_is_exact,
            a_cost_above_capacity_is_an_error_not_an_endless_wait,
            the_errors_text_names_the_cost_and_the_capacity,
            a_clock_going_backwards_mints_nothing,
            a_rejected_request_takes_nothing,
            a_zero_cost_request_always_passes,
            a_bucket_that_never_refills_says_so,
            extreme_capacities_rates_and_times_do_not_overflow,
            random_traffic_matches_a_millisecond_by_millisecond_simulation,
        ],
    }
}

type Answer = Result<Decision, CostExceedsCapacity>;

fn yes(remaining: u64) -> Answer {
    Ok(Decision {
        allowed: true,
        remaining,
        retry_after_ms: 0,
    })
}

fn no(remaining: u64, retry_after_ms: u64) -> Answer {
    Ok(Decision {
        allowed: false,
        remaining,
        retry_after_ms,
    })
}

fn too_big(cost: u64, capacity: u64) -> Answer {
    Err(CostExceedsCapacity { cost, capacity })
}

/// Sends `(cost, now_ms, expected, why)` requests to `bucket`, logging each, failing at the first wrong answer.
#[track_caller]
fn run(bucket: &mut TokenBucket, calls: &[(u64, u64, Answer, &str)]) {
    for (cost, now_ms, expected, why) in calls {
        let got = bucket.try_acquire(*cost, *now_ms);
        step(format!("try_acquire({cost}, {now_ms}) -> {got:?}"));
        expect_eq(
            format!("try_acquire({cost}, {now_ms}): {why}"),
            got,
            *expected,
        );
    }
}

fn new_bucket(capacity: u64, tokens: u64, per_ms: u64) -> TokenBucket {
    step(format!(
        "TokenBucket::new({capacity}, Rate::new({tokens}, {per_ms}))"
    ));
    TokenBucket::new(capacity, Rate::new(tokens, per_ms))
}

fn a_new_bucket_starts_full_and_admits_up_to_its_capacity(_: &mut Ctx) {
    scenario("A bucket of 5 tokens refilling 1 token per 1000 ms; it starts full");
    let mut b = new_bucket(5, 1, 1_000);
    run(
        &mut b,
        &[
            (
                3,
                0,
                yes(2),
                "a new bucket is full: 5 tokens, 3 taken, 2 remain",
            ),
            (2, 0, yes(0), "2 tokens remain, 2 taken"),
            (
                1,
                0,
                no(0, 1_000),
                "the bucket is empty; 1 token refills in 1000 ms",
            ),
        ],
    );
}

fn tokens_refill_at_the_rate_and_stop_at_capacity(_: &mut Ctx) {
    scenario(
        "A bucket of 4 tokens refilling 2 tokens per 1000 ms (one every 500 ms), emptied at 0.\n\
         Cost-0 requests read `remaining` (whole tokens) without taking anything",
    );
    let mut b = new_bucket(4, 2, 1_000);
    run(
        &mut b,
        &[
            (4, 0, yes(0), "the full bucket gives all 4 tokens"),
            (
                0,
                250,
                yes(0),
                "half a token has refilled: remaining counts whole tokens only",
            ),
            (0, 500, yes(1), "one token has refilled after 500 ms"),
            (0, 1_000, yes(2), "two tokens after 1000 ms"),
            (0, 1_999, yes(3), "3.998 tokens after 1999 ms"),
            (
                0,
                2_000,
                yes(4),
                "four tokens after 2000 ms: the bucket is full",
            ),
            (
                0,
                100_000,
                yes(4),
                "the bucket never holds more than its capacity of 4",
            ),
            (4, 100_000, yes(0), "the 4 tokens are taken"),
            (
                1,
                100_000,
                no(0, 500),
                "nothing was banked beyond the capacity; the next token comes in 500 ms",
            ),
        ],
    );
}

fn fractional_refill_is_never_lost_between_frequent_calls(_: &mut Ctx) {
    scenario(
        "Slow rates and frequent calls: a refill smaller than one token per call must still add up.\n\
         (Converting each call's refill to whole tokens and restarting the clock throws fractions away.)",
    );
    step("part 1: 1 token per 3000 ms, a call every 1000 ms");
    let mut slow = new_bucket(1, 1, 3_000);
    run(
        &mut slow,
        &[
            (1, 0, yes(0), "the full bucket gives its 1 token"),
            (
                1,
                1_000,
                no(0, 2_000),
                "1/3 of a token has refilled; the rest takes 2000 ms more",
            ),
            (
                1,
                2_000,
                no(0, 1_000),
                "2/3 of a token has refilled; the rest takes 1000 ms more",
            ),
            (
                1,
                3_000,
                yes(0),
                "three calls 1000 ms apart add up to a whole token",
            ),
        ],
    );
    step("part 2: 2 tokens per 3 ms, a call every millisecond");
    let mut b = new_bucket(10, 2, 3);
    run(
        &mut b,
        &[(10, 0, yes(0), "the full bucket gives all 10 tokens")],
    );
    for t in 1..=15u64 {
        let expected = (2 * t / 3).min(10);
        let got = b.try_acquire(0, t);
        step(format!("try_acquire(0, {t}) -> {got:?}"));
        expect_eq(
            format!(
                "try_acquire(0, {t}): {t} ms at 2 tokens per 3 ms is {}/3 tokens, so {expected} whole tokens remain",
                2 * t
            ),
            got,
            yes(expected),
        );
    }
}

/// (capacity, tokens, per_ms, taken at 0, cost asked, asked at, expected retry_after_ms, why)
type RetryCase = (u64, u64, u64, u64, u64, u64, u64, &'static str);

fn retry_after_is_exact(_: &mut Ctx) {
    let cases: &[RetryCase] = &[
        (
            1,
            1,
            3_000,
            1,
            1,
            0,
            3_000,
            "a whole token at 1 per 3000 ms",
        ),
        (
            10,
            3,
            1_000,
            10,
            5,
            100,
            1_567,
            "0.3 tokens at 100 ms; 4.7 more at 3 per 1000 ms take 1566.67 ms, rounded up",
        ),
        (
            5,
            1,
            7,
            5,
            2,
            3,
            11,
            "3/7 of a token at 3 ms; 11/7 more at 1 per 7 ms take exactly 11 ms",
        ),
        (
            100,
            7,
            3,
            100,
            1,
            0,
            1,
            "a token every 3/7 ms: 1 ms is enough",
        ),
        (
            2,
            1,
            500,
            2,
            2,
            250,
            750,
            "half a token at 250 ms; 1.5 more take exactly 750 ms",
        ),
        (
            6,
            5,
            1_000,
            4,
            3,
            10,
            190,
            "2.05 tokens at 10 ms; 0.95 more at 5 per 1000 ms take 190 ms",
        ),
        (
            3,
            2,
            3,
            3,
            3,
            1,
            4,
            "2/3 of a token at 1 ms; 7/3 more at 2 per 3 ms take 3.5 ms, rounded up",
        ),
    ];
    scenario(
        "retry_after_ms must be exact: retrying the same request at now + retry_after_ms succeeds,\n\
         and at one millisecond earlier it still fails (nothing else touches the bucket meanwhile).\n\
         Each case empties the bucket (partly or fully) at 0, asks, then retries at both instants",
    );
    for &(capacity, tokens, per_ms, taken, cost, at, retry, why) in cases {
        let mut b = new_bucket(capacity, tokens, per_ms);
        let first = b.try_acquire(taken, 0);
        step(format!("try_acquire({taken}, 0) -> {first:?}"));
        let asked = b.try_acquire(cost, at);
        step(format!("try_acquire({cost}, {at}) -> {asked:?}"));
        let remaining = asked.map(|d| d.remaining).unwrap_or(0);
        expect_eq(
            format!("try_acquire({cost}, {at}): {why}"),
            asked,
            no(remaining, retry),
        );
        let early = at + retry - 1;
        let got = b.try_acquire(cost, early);
        step(format!("try_acquire({cost}, {early}) -> {got:?}"));
        expect_eq(
            format!(
                "try_acquire({cost}, {early}): one millisecond before the promised retry instant ({}) the \
                 request must still fail — a retry_after that is too long makes clients wait for nothing",
                at + retry
            ),
            got.map(|d| (d.allowed, d.retry_after_ms)),
            Ok((false, 1)),
        );
        let on_time = at + retry;
        let got = b.try_acquire(cost, on_time);
        step(format!("try_acquire({cost}, {on_time}) -> {got:?}"));
        expect_eq(
            format!(
                "try_acquire({cost}, {on_time}): the request refused at {at} was told to retry after {retry} ms; \
                 at that instant it must pass"
            ),
            got.map(|d| d.allowed),
            Ok(true),
        );
    }
}

fn a_cost_above_capacity_is_an_error_not_an_endless_wait(_: &mut Ctx) {
    scenario(
        "A bucket of 5 tokens can never hold 6: a cost above the capacity is an error\n\
         (not a refusal with a retry_after that would never come true), and it changes nothing",
    );
    let mut b = new_bucket(5, 1, 1_000);
    run(
        &mut b,
        &[
            (6, 0, too_big(6, 5), "6 tokens can never fit a bucket of 5"),
            (
                u64::MAX,
                0,
                too_big(u64::MAX, 5),
                "u64::MAX tokens can never fit a bucket of 5",
            ),
            (
                5,
                0,
                yes(0),
                "a cost equal to the capacity is fine, and the errors took nothing",
            ),
            (
                6,
                10,
                too_big(6, 5),
                "still an error on an empty bucket: it is about capacity, not content",
            ),
        ],
    );
    step("a bucket of capacity 0");
    let mut empty = new_bucket(0, 1, 1_000);
    run(
        &mut empty,
        &[
            (1, 0, too_big(1, 0), "nothing fits a bucket of capacity 0"),
            (0, 0, yes(0), "a cost of 0 always fits"),
        ],
    );
}

fn the_errors_text_names_the_cost_and_the_capacity(_: &mut Ctx) {
    scenario(
        "TokenBucket::new(987654321, Rate::new(1, 1000)); a request costing 12345678901 is an error whose\n\
         Display text (to_string()) must contain both numbers in decimal; the wording is yours",
    );
    let mut bucket = new_bucket(987_654_321, 1, 1_000);
    let got = bucket.try_acquire(12_345_678_901, 0);
    step(format!("try_acquire(12345678901, 0) -> {got:?}"));
    let Err(err) = got else {
        fail(format!(
            "try_acquire(12345678901, 0) on a capacity of 987654321: a cost above the capacity is an error\n\
             expected: Err(CostExceedsCapacity {{ cost: 12345678901, capacity: 987654321 }})\n     got: {got:?}"
        ));
    };
    let text = err.to_string();
    step(format!("err.to_string() -> {text:?}"));
    expect(
        text.contains("12345678901") && text.contains("987654321"),
        format!(
            "the error's Display text must name the cost (12345678901) and the capacity (987654321) in decimal\n\
             got: {text:?}"
        ),
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    step(format!("as Box<dyn std::error::Error>: {boxed}"));
}

fn a_clock_going_backwards_mints_nothing(_: &mut Ctx) {
    scenario(
        "A bucket of 10 tokens refilling 1 per 1000 ms, emptied at 10000. Then the caller's clock jumps\n\
         back to 4000 and forward again. An earlier now_ms is treated as the latest instant seen:\n\
         it must neither mint tokens nor rewind the refill clock (which would refill 10000-4000 twice)",
    );
    let mut b = new_bucket(10, 1, 1_000);
    run(
        &mut b,
        &[
            (10, 10_000, yes(0), "the full bucket gives all 10 tokens"),
            (
                1,
                4_000,
                no(0, 1_000),
                "4000 is before 10000: treated as 10000, when the bucket was empty",
            ),
            (1, 0, no(0, 1_000), "0 is before 10000: treated as 10000"),
            (
                1,
                10_000,
                no(0, 1_000),
                "back at 10000: no time has really passed since the bucket was emptied",
            ),
            (1, 10_999, no(0, 1), "0.999 tokens after 999 ms"),
            (1, 11_000, yes(0), "one token after 1000 ms"),
            (
                1,
                5_000,
                no(0, 1_000),
                "5000 is treated as 11000, when the bucket was just emptied",
            ),
        ],
    );
}

fn a_rejected_request_takes_nothing(_: &mut Ctx) {
    scenario(
        "A bucket of 3 tokens refilling 1 per 1000 ms. A refused request must leave every token\n\
         in place (no partial take, no going into debt)",
    );
    let mut b = new_bucket(3, 1, 1_000);
    run(
        &mut b,
        &[
            (2, 0, yes(1), "3 tokens, 2 taken"),
            (
                3,
                0,
                no(1, 2_000),
                "1 token is not enough for 3; 2 more take 2000 ms",
            ),
            (
                2,
                0,
                no(1, 1_000),
                "the refused request took nothing: still 1 token",
            ),
            (2, 0, no(1, 1_000), "still 1 token"),
            (1, 0, yes(0), "the 1 token is still there"),
        ],
    );
}

fn a_zero_cost_request_always_passes(_: &mut Ctx) {
    scenario("A bucket of 2 tokens refilling 1 per 1000 ms; cost 0 reads the bucket without taking anything");
    let mut b = new_bucket(2, 1, 1_000);
    run(
        &mut b,
        &[
            (0, 0, yes(2), "nothing taken from a full bucket"),
            (2, 0, yes(0), "both tokens taken"),
            (0, 0, yes(0), "a cost of 0 passes even on an empty bucket"),
            (
                0,
                1_500,
                yes(1),
                "1.5 tokens refilled: 1 whole token remains",
            ),
        ],
    );
}

fn a_bucket_that_never_refills_says_so(_: &mut Ctx) {
    scenario(
        "Rate::new(0, 1000) adds no tokens, ever: a refused request gets retry_after_ms = u64::MAX.\n\
         Rate::new(5, 0): a period of 0 ms counts as 1 ms (and must not divide by zero)",
    );
    let mut never = new_bucket(2, 0, 1_000);
    run(
        &mut never,
        &[
            (2, 0, yes(0), "the full bucket gives both tokens"),
            (
                1,
                1_000_000,
                no(0, u64::MAX),
                "a bucket with a rate of 0 never refills",
            ),
        ],
    );
    let mut fast = new_bucket(10, 5, 0);
    run(
        &mut fast,
        &[
            (10, 0, yes(0), "the full bucket gives all 10 tokens"),
            (
                7,
                1,
                no(5, 1),
                "5 tokens per millisecond: 5 after 1 ms, 2 more need another ms",
            ),
            (7, 2, yes(3), "10 tokens after 2 ms, 7 taken"),
        ],
    );
}

fn extreme_capacities_rates_and_times_do_not_overflow(_: &mut Ctx) {
    const MAX: u64 = u64::MAX;
    scenario(
        "Capacities, rates and timestamps at the top of the u64 range. Products like\n\
         elapsed * rate overflow u64 (a panic in a debug build); retry_after_ms saturates at u64::MAX",
    );
    let mut b = new_bucket(MAX, MAX, 1);
    run(
        &mut b,
        &[
            (MAX, 0, yes(0), "the full bucket gives all u64::MAX tokens"),
            (
                0,
                MAX,
                yes(MAX),
                "u64::MAX ms at u64::MAX tokens per ms refills it (capped at the capacity)",
            ),
            (MAX, MAX, yes(0), "all taken again"),
        ],
    );
    let mut slow = new_bucket(MAX, 1, MAX);
    run(
        &mut slow,
        &[
            (MAX, 0, yes(0), "the full bucket gives all u64::MAX tokens"),
            (
                1,
                MAX,
                yes(0),
                "u64::MAX ms at 1 token per u64::MAX ms is exactly one token",
            ),
            (
                MAX,
                MAX,
                no(0, MAX),
                "refilling u64::MAX tokens at this rate takes longer than u64::MAX ms",
            ),
        ],
    );
}

/// A bucket simulated one millisecond at a time, in units where a token is `per_ms` units and each
/// millisecond adds `tokens` units: slow, but obviously right.
struct Simulation {
    capacity: u64,
    tokens: u64,
    per_ms: u64,
    units: u128,
    latest_ms: u64,
}

impl Simulation {
    fn new(capacity: u64, tokens: u64, per_ms: u64) -> Self {
        Simulation {
            capacity,
            tokens,
            per_ms: per_ms.max(1),
            units: u128::from(capacity) * u128::from(per_ms.max(1)),
            latest_ms: 0,
        }
    }

    fn full(&self) -> u128 {
        u128::from(self.capacity) * u128::from(self.per_ms)
    }

    fn try_acquire(&mut self, cost: u64, now_ms: u64) -> Answer {
        if cost > self.capacity {
            return too_big(cost, self.capacity);
        }
        while self.latest_ms < now_ms {
            if self.units == self.full() {
                self.latest_ms = now_ms;
                break;
            }
            self.latest_ms += 1;
            self.units = (self.units + u128::from(self.tokens)).min(self.full());
        }
        let need = u128::from(cost) * u128::from(self.per_ms);
        if self.units >= need {
            self.units -= need;
            return yes((self.units / u128::from(self.per_ms)) as u64);
        }
        let mut wait = 0;
        let mut future = self.units;
        while future < need {
            future += u128::from(self.tokens);
            wait += 1;
        }
        no((self.units / u128::from(self.per_ms)) as u64, wait)
    }
}

#[derive(Debug)]
struct Acquire {
    cost: u64,
    now_ms: u64,
}

fn random_traffic_matches_a_millisecond_by_millisecond_simulation(ctx: &mut Ctx) {
    for round in 0..5 {
        let rng = ctx.rng();
        let (tokens, per_ms) = *rng.pick(&[
            (1, 1_000),
            (1, 3_000),
            (3, 1_000),
            (2, 3),
            (7, 1),
            (5, 7),
            (10, 333),
        ]);
        let capacity = rng.range(1, 12);
        scenario(format!(
            "Random requests (round {round}) with costs 0..={} and time mostly moving forward, sometimes back.\n\
             TokenBucket::new({capacity}, Rate::new({tokens}, {per_ms})) side by side with a simulation that\n\
             refills one millisecond at a time",
            capacity + 1
        ));
        let mut bucket = TokenBucket::new(capacity, Rate::new(tokens, per_ms));
        let mut simulation = Simulation::new(capacity, tokens, per_ms);
        let mut now_ms = 0u64;
        let step_ms = per_ms.div_ceil(tokens).max(1);
        compare(
            rng,
            250,
            |rng: &mut Rng| {
                now_ms = match rng.below(20) {
                    0..=5 => now_ms,
                    6..=15 => now_ms + rng.below(step_ms * 2),
                    16..=17 => now_ms + rng.below(step_ms * capacity * 2),
                    _ => now_ms.saturating_sub(rng.below(step_ms * 3)),
                };
                Acquire {
                    cost: if rng.chance(5) {
                        capacity + 1
                    } else {
                        rng.below(capacity.min(4) + 1)
                    },
                    now_ms,
                }
            },
            |op| bucket.try_acquire(op.cost, op.now_ms),
            |op| simulation.try_acquire(op.cost, op.now_ms),
        );
    }
}
