//! Stage priority_aging: an aging ready queue whose order follows exact effective priorities, with a proven bound on the longest wait under an endless stream of urgent work, and O(log n) push and pop.

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::AgingQueue;

/// Returns the checks of stage priority_aging.
pub fn stage() -> Stage {
    Stage {
        slug: "priority_aging",
        checks: checks![
            higher_priority_pops_first_and_an_empty_queue_pops_none,
            an_item_catches_up_exactly_at_the_boundary,
            fractions_of_a_level_count,
            equal_effective_priorities_pop_in_push_order,
            peek_shows_what_pop_returns,
            extreme_priorities_and_times_do_not_overflow,
            aging_zero_is_a_plain_priority_queue,
            push_and_pop_cost_log_n,
            the_wait_is_bounded_under_an_endless_stream_of_urgent_work,
            random_pushes_and_pops_match_an_exact_model,
        ],
    }
}

/// Pushes `(name, priority, now)` in order onto `AgingQueue::new(aging)`, then fails unless
/// popping everything returns `expected`.
#[track_caller]
fn check(aging: u64, pushes: &[(&'static str, u32, u64)], expected: &[&str], why: &str) {
    scenario(format!(
        "AgingQueue::new({aging}), then {} pushes",
        pushes.len()
    ));
    step(format!("AgingQueue::new({aging})"));
    let mut q = AgingQueue::new(aging);
    for &(name, p, t) in pushes {
        step(format!("push({name:?}, {p}, {t})"));
        q.push(name, p, t);
    }
    let mut got = Vec::new();
    while let Some(item) = q.pop() {
        step(format!("pop() -> {item:?}"));
        got.push(item);
        if got.len() > pushes.len() {
            fail("pop() returned more items than were pushed");
        }
    }
    expect_eq(
        format!("the items in pop order: {why}"),
        got,
        expected.to_vec(),
    );
    expect_eq("len() after popping everything", q.len(), 0);
}

fn higher_priority_pops_first_and_an_empty_queue_pops_none(_: &mut Ctx) {
    scenario("AgingQueue::new(1000); nothing pushed yet");
    let mut q: AgingQueue<u32> = AgingQueue::new(1000);
    step("pop(), len(), is_empty(), peek()");
    expect_eq("pop() of an empty queue", q.pop(), None);
    expect_eq("len() of an empty queue", q.len(), 0);
    expect_eq("is_empty() of an empty queue", q.is_empty(), true);
    expect_eq("peek() of an empty queue", q.peek(), None);
    step("push(7, 2, 0)");
    q.push(7, 2, 0);
    expect_eq("len() after one push", q.len(), 1);
    expect_eq("is_empty() after one push", q.is_empty(), false);
    check(
        1_000,
        &[("a", 1, 0), ("b", 5, 0), ("c", 3, 1), ("d", 4, 2)],
        &["b", "d", "c", "a"],
        "a few milliseconds of waiting are worth a few thousandths of a level here, so priority decides",
    );
}

fn an_item_catches_up_exactly_at_the_boundary(_: &mut Ctx) {
    check(
        10,
        &[("old", 0, 0), ("new", 3, 29)],
        &["new", "old"],
        "at any instant, old has aged 2.9 levels more than new, and new is 3 levels higher: new is 0.1 ahead",
    );
    check(
        10,
        &[("old", 0, 0), ("new", 3, 30)],
        &["old", "new"],
        "old has aged exactly 3 levels more: a tie, and the earlier push wins",
    );
    check(
        10,
        &[("old", 0, 0), ("new", 3, 31)],
        &["old", "new"],
        "old has aged 3.1 levels more than new: it is ahead",
    );
}

fn fractions_of_a_level_count(_: &mut Ctx) {
    check(
        10,
        &[("x", 0, 9), ("y", 1, 10)],
        &["y", "x"],
        "y is one level higher and only 1 ms (0.1 level) younger: y is 0.9 ahead. Rounding waits down to whole \
         levels (9/10 = 0, 10/10 = 1) would call it a tie and pop x first",
    );
    check(
        3,
        &[("x", 1, 1), ("y", 2, 5)],
        &["x", "y"],
        "x: 1 + (now − 1)/3; y: 2 + (now − 5)/3; x − y = 1/3 > 0 whatever now is",
    );
}

fn equal_effective_priorities_pop_in_push_order(_: &mut Ctx) {
    check(
        50,
        &[("a", 4, 7), ("b", 4, 7), ("c", 4, 7), ("d", 4, 7)],
        &["a", "b", "c", "d"],
        "four items with the same priority pushed in the same millisecond: push order",
    );
    check(
        5,
        &[("late", 2, 10), ("early", 1, 5), ("mid", 3, 15)],
        &["late", "early", "mid"],
        "all three have the same effective priority at every instant (2 − 10/5 = 1 − 5/5 = 3 − 15/5 = 0): push \
         order decides, even though the times were pushed out of order",
    );
}

fn peek_shows_what_pop_returns(ctx: &mut Ctx) {
    scenario("AgingQueue::new(7); random pushes, and before every pop, peek() must show the item pop() returns");
    let mut q = AgingQueue::new(7);
    let mut now = 0;
    for i in 0..200u32 {
        now += ctx.rng().below(4);
        let p = ctx.rng().below(6) as u32;
        step(format!("push({i}, {p}, {now})"));
        q.push(i, p, now);
        if ctx.rng().chance(40) {
            step("peek(), then pop()");
            let peeked = q.peek().copied();
            let len = q.len();
            expect_eq("len() after peek(): peek removes nothing", len, q.len());
            expect_eq("pop() returns the item peek() showed", q.pop(), peeked);
        }
    }
}

fn extreme_priorities_and_times_do_not_overflow(_: &mut Ctx) {
    let near_end = u64::MAX - 5;
    check(
        1,
        &[("ancient", 0, 0), ("urgent", u32::MAX, near_end)],
        &["ancient", "urgent"],
        "with aging_ms 1, the item pushed at 0 has waited about 1.8e19 ms longer, far more than the 4.3e9 levels \
         between the priorities (priority × aging − time must not overflow: use i128)",
    );
    check(
        1,
        &[
            ("urgent", u32::MAX, 0),
            ("calm", 0, u64::from(u32::MAX) + 1),
        ],
        &["urgent", "calm"],
        "urgent was pushed first, 2^32 ms earlier, and is u32::MAX levels higher",
    );
    check(
        u64::MAX,
        &[
            ("low", 0, 0),
            ("high", u32::MAX, near_end),
            ("mid", 1, near_end),
        ],
        &["high", "mid", "low"],
        "with aging_ms u64::MAX a whole lifetime of waiting is worth less than one level",
    );
    check(
        1,
        &[("a", u32::MAX, near_end), ("b", u32::MAX, near_end)],
        &["a", "b"],
        "equal priorities and times at the top of both ranges: push order",
    );
}

fn aging_zero_is_a_plain_priority_queue(_: &mut Ctx) {
    check(
        0,
        &[("old", 1, 0), ("new", 2, 1_000_000), ("older", 1, 0), ("top", u32::MAX, u64::MAX)],
        &["top", "new", "old", "older"],
        "aging_ms 0 turns aging off: priority alone, ties by push order, however long an item waited",
    );
}

/// Runs the overload simulation: one pop per millisecond, `rate` priority-100 pushes per
/// millisecond, and a priority-0 item pushed at `joins` behind `backlog` queued items. Returns the
/// number of pops until the low item came out (or `None` within `limit` pops).
#[track_caller]
fn overload(aging: u64, rate: u64, backlog: u64, limit: u64) -> Option<u64> {
    let mut q: AgingQueue<Option<u64>> = AgingQueue::new(aging);
    let mut now = 0;
    for i in 0..backlog {
        q.push(Some(i), 100, now);
    }
    q.push(None, 0, now);
    let mut next = backlog;
    for pops in 1..=limit {
        for _ in 0..rate {
            q.push(Some(next), 100, now);
            next += 1;
        }
        if q.pop()?.is_none() {
            return Some(pops);
        }
        now += 1;
    }
    None
}

fn the_wait_is_bounded_under_an_endless_stream_of_urgent_work(_: &mut Ctx) {
    for (aging, rate, backlog) in [(1u64, 3u64, 10u64), (5, 2, 0), (10, 3, 50)] {
        let bound = backlog + rate * 100 * aging;
        scenario(format!(
            "AgingQueue::new({aging}); {backlog} priority-100 items queued at time 0, then a priority-0 item pushed at \
             time 0; then, every millisecond, {rate} more priority-100 items and one pop — an endless stream of \
             urgent work. The stated bound: n + r × (P − p) × aging_ms = {backlog} + {rate} × 100 × {aging} = \
             {bound} other pops before it"
        ));
        step(format!(
            "simulate up to {} milliseconds (one pop each)",
            bound + 1_000
        ));
        match overload(aging, rate, backlog, bound + 1_000) {
            Some(pops) if pops - 1 <= bound => {}
            Some(pops) => fail(format!(
                "the priority-0 item came out after {} other pops, beyond the bound of {bound}: after (P − p) × \
                 aging_ms = {} ms nothing newer may pass it",
                pops - 1,
                100 * aging
            )),
            None => fail(format!(
                "the priority-0 item was still waiting after {} pops (the bound is {bound}): it starves — its \
                 effective priority must rise with its wait until no newcomer can pass it",
                bound + 1_000
            )),
        }
    }
}

/// One queued item in the model.
#[derive(Debug, Clone, Copy)]
struct Queued {
    item: u32,
    priority: u32,
    at: u64,
    seq: u64,
}

fn random_pushes_and_pops_match_an_exact_model(ctx: &mut Ctx) {
    for round in 0..60 {
        let aging = *ctx.rng().pick(&[0u64, 1, 2, 7, 100, u64::MAX]);
        scenario(format!(
            "round {round} of 60: AgingQueue::new({aging}); random pushes (priorities 0..=5 and edge values, times \
             moving forward by 0–30 ms and sometimes near u64::MAX) and pops, compared with a model that computes \
             every effective priority exactly"
        ));
        let mut q = AgingQueue::new(aging);
        let mut model: Vec<Queued> = Vec::new();
        let mut now = if ctx.rng().chance(20) {
            u64::MAX - 10_000
        } else {
            0
        };
        let mut seq = 0;
        for i in 0..80u32 {
            let rng: &mut Rng = ctx.rng();
            if rng.chance(60) {
                now = now.saturating_add(rng.below(31));
                let p = if rng.chance(15) {
                    rng.edgy(0, u64::from(u32::MAX)) as u32
                } else {
                    rng.below(6) as u32
                };
                step(format!("push({i}, {p}, {now})"));
                q.push(i, p, now);
                model.push(Queued {
                    item: i,
                    priority: p,
                    at: now,
                    seq,
                });
                seq += 1;
            } else {
                step("pop()");
                let want = model_pop(&mut model, aging);
                expect_eq(
                    "pop(), as the exact model computes it (highest priority + wait / aging_ms, then push order)",
                    q.pop(),
                    want,
                );
                expect_eq("len()", q.len(), model.len());
            }
        }
    }
}

/// Pops the model's best item: the largest `priority × aging − at` (exactly), then push order.
fn model_pop(model: &mut Vec<Queued>, aging: u64) -> Option<u32> {
    let key = |q: &Queued| {
        if aging == 0 {
            i128::from(q.priority)
        } else {
            i128::from(q.priority) * i128::from(aging) - i128::from(q.at)
        }
    };
    let best = (0..model.len()).max_by(|&a, &b| {
        key(&model[a])
            .cmp(&key(&model[b]))
            .then(model[b].seq.cmp(&model[a].seq))
    })?;
    Some(model.remove(best).item)
}

fn push_and_pop_cost_log_n(_: &mut Ctx) {
    scenario(
        "queues of 1,000 and 32,000 waiting items (random priorities 0..=1000, aging_ms 10); the same batch of 100 \
         pushes, each followed by a pop, is timed on each. O(log n) grows by a small factor; a scan of every item \
         per pop, a sorted insert, or a re-sort grows about 32×.",
    );
    let mut rng = Rng::new(11);
    let priorities: Vec<u32> = (0..LARGE + BATCH).map(|_| rng.below(1001) as u32).collect();
    Scaling::new("push and pop on a large queue", 1_000, LARGE)
        .demanding("O(log n)")
        .max_ratio(8.0)
        .run(
            |n| {
                let mut q = AgingQueue::new(10);
                for (i, &p) in priorities.iter().take(n).enumerate() {
                    q.push(i, p, i as u64 / 4);
                }
                (q, n)
            },
            |(q, n)| {
                for k in 0..BATCH {
                    q.push(k, priorities[LARGE + k], (*n + k) as u64 / 4);
                    expect(
                        q.pop().is_some(),
                        "pop() of a non-empty queue returned None",
                    );
                }
            },
        );
}

/// The large size of the probe, and the number of push/pop pairs it times.
const LARGE: usize = 32_000;
const BATCH: usize = 100;
