//! Stage basics: `next` in source order, `offset`, `reset`, staying exhausted, the empty source.

use std::fmt::Debug;
use std::hint::black_box;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::ResumableIter;

/// Returns the checks of stage basics.
pub fn stage() -> Stage {
    Stage {
        slug: "basics",
        checks: checks![
            yields_every_item_once_in_source_order,
            offset_counts_the_items_delivered,
            exhausted_iterator_stays_exhausted,
            empty_source_yields_nothing,
            reset_rewinds_to_the_first_item,
            source_id_is_kept,
            random_sequences_match_a_simple_model,
            next_costs_the_same_on_a_large_source,
            next_and_offset_cost_the_same_deep_into_the_source,
        ],
    }
}

/// Drains a fresh iterator over `items` and checks every item comes out once, in order.
#[track_caller]
fn drains_in_order<T: Clone + Debug + PartialEq>(source: &str, items: Vec<T>) {
    scenario(format!(
        "ResumableIter::new({source:?}, {items:?}), then next() until it returns None"
    ));
    let mut it = ResumableIter::new(source, items.clone());
    for (i, item) in items.iter().enumerate() {
        step("next()");
        expect_eq(
            format!(
                "next() call #{}: items come out in source order, each exactly once",
                i + 1
            ),
            it.next(),
            Some(item.clone()),
        );
    }
    step("next()");
    expect_eq(
        format!(
            "next() call #{}: all {} items were delivered, so the source is exhausted",
            items.len() + 1,
            items.len()
        ),
        it.next(),
        None,
    );
}

fn yields_every_item_once_in_source_order(_: &mut Ctx) {
    drains_in_order("letters", vec!['a', 'b', 'c']);
    drains_in_order("one", vec![42u64]);
    drains_in_order("repeats", vec![7, 7, 3, 7]);
    drains_in_order(
        "words",
        vec!["alpha".to_string(), "beta".to_string(), String::new()],
    );
    drains_in_order("hundred", (0..100u32).collect());
}

fn offset_counts_the_items_delivered(_: &mut Ctx) {
    scenario("ResumableIter::new(\"s\", vec![10, 20, 30]); offset() after each next()");
    let mut it = ResumableIter::new("s", vec![10, 20, 30]);
    expect_eq(
        "offset() before any next(): nothing delivered yet",
        it.offset(),
        0,
    );
    for delivered in 1..=3 {
        step("next()");
        it.next();
        expect_eq(
            format!("offset() after {delivered} item(s) were delivered"),
            it.offset(),
            delivered,
        );
    }
    step("next() -> None");
    it.next();
    expect_eq(
        "offset() after the None that ends the source: still 3, the None delivered nothing",
        it.offset(),
        3,
    );
}

fn exhausted_iterator_stays_exhausted(_: &mut Ctx) {
    scenario(
        "ResumableIter::new(\"s\", vec![10, 20, 30]); drain it, then keep calling next()\n\
         An exhausted iterator is fused: it keeps returning None (and does not start over) until reset().",
    );
    let mut it = ResumableIter::new("s", vec![10, 20, 30]);
    for _ in 0..3 {
        step("next()");
        it.next();
    }
    for extra in 1..=5 {
        step("next()");
        expect_eq(
            format!("next() call #{extra} after the source ran out: an exhausted iterator stays exhausted"),
            it.next(),
            None,
        );
        expect_eq(
            format!("offset() after {extra} extra next() call(s): None delivers nothing, so it stays at 3"),
            it.offset(),
            3,
        );
    }
    step("for x in it.by_ref() { … }");
    let rest: Vec<i32> = it.by_ref().collect();
    expect_eq(
        "items a for-loop gets from the exhausted iterator",
        rest,
        vec![],
    );
}

fn empty_source_yields_nothing(_: &mut Ctx) {
    scenario("ResumableIter::new(\"empty\", Vec::<u32>::new())");
    let mut it = ResumableIter::new("empty", Vec::<u32>::new());
    expect_eq("offset() of a fresh empty iterator", it.offset(), 0);
    for call in 1..=3 {
        step("next()");
        expect_eq(
            format!("next() call #{call} on an empty source"),
            it.next(),
            None,
        );
    }
    expect_eq("offset() after next() on an empty source", it.offset(), 0);
    step("reset()");
    it.reset();
    step("next()");
    expect_eq("next() after reset() on an empty source", it.next(), None);
    expect_eq("offset() after reset()", it.offset(), 0);
}

fn reset_rewinds_to_the_first_item(_: &mut Ctx) {
    scenario("ResumableIter::new(\"s\", vec![\"a\", \"b\", \"c\"])");
    let mut it = ResumableIter::new("s", vec!["a", "b", "c"]);
    step("reset() on a fresh iterator");
    it.reset();
    expect_eq("offset() after reset() on a fresh iterator", it.offset(), 0);
    step("next(), next()");
    it.next();
    it.next();
    step("reset()");
    it.reset();
    expect_eq("offset() right after reset()", it.offset(), 0);
    step("next()");
    expect_eq(
        "next() after reset() mid-way: reset rewinds to the first item",
        it.next(),
        Some("a"),
    );
    step("drain the rest: next() until None");
    while it.next().is_some() {}
    step("reset()");
    it.reset();
    step("collect every item");
    let again: Vec<&str> = it.by_ref().collect();
    expect_eq(
        "items after reset() of an exhausted iterator: the whole source again",
        again,
        vec!["a", "b", "c"],
    );
    expect_eq("offset() after the second full pass", it.offset(), 3);
}

fn source_id_is_kept(_: &mut Ctx) {
    scenario(
        "ResumableIter::new(\"orders-2024\", …) and ResumableIter::new(String::from(\"users\"), …)",
    );
    let mut it = ResumableIter::new("orders-2024", vec![1, 2]);
    expect_eq("source_id()", it.source_id(), "orders-2024");
    step("next(), next(), next(), reset()");
    it.next();
    it.next();
    it.next();
    it.reset();
    expect_eq(
        "source_id() after reading and resetting: the name never changes",
        it.source_id(),
        "orders-2024",
    );
    let it = ResumableIter::new(String::from("users"), Vec::<u8>::new());
    expect_eq(
        "source_id() of an iterator named with a String",
        it.source_id(),
        "users",
    );
}

/// One operation of the random sequences.
#[derive(Debug, Clone, Copy)]
enum Op {
    Next,
    Reset,
    Offset,
}

fn random_sequences_match_a_simple_model(ctx: &mut Ctx) {
    for round in 0..20 {
        let len = ctx.rng().below(7) as usize;
        let items: Vec<u32> = (0..len).map(|i| 100 + i as u32).collect();
        scenario(format!(
            "round {round}: ResumableIter::new(\"s\", {items:?}), then random operations compared \
             with a model (an index into the items)"
        ));
        let mut it = ResumableIter::new("s", items.clone());
        let mut pos = 0usize;
        syskata_kit::model::compare(
            ctx.rng(),
            60,
            |rng| match rng.below(10) {
                0 => Op::Reset,
                1 | 2 => Op::Offset,
                _ => Op::Next,
            },
            |op| match op {
                Op::Next => format!("{:?}", it.next()),
                Op::Reset => {
                    it.reset();
                    "()".to_string()
                }
                Op::Offset => format!("{}", it.offset()),
            },
            |op| match op {
                Op::Next => {
                    let item = items.get(pos).copied();
                    if item.is_some() {
                        pos += 1;
                    }
                    format!("{item:?}")
                }
                Op::Reset => {
                    pos = 0;
                    "()".to_string()
                }
                Op::Offset => format!("{pos}"),
            },
        );
    }
}

fn next_costs_the_same_on_a_large_source(_: &mut Ctx) {
    scenario(
        "1,000 next() calls on a fresh iterator over 1,024 items, and the same over 32,768 items\n\
         next() must cost O(1): the time must not grow with the size of the source",
    );
    Scaling::new("calling next() on a fresh iterator", 1_024, 32_768)
        .demanding("O(1)")
        .run(
            |n| ResumableIter::new("probe", (0..n as u64).collect()),
            |it| {
                for _ in 0..1_000 {
                    black_box(it.next());
                }
            },
        );
}

/// Returns an iterator over `n + 1_000` items that has already delivered `n` of them.
fn read_to(n: usize) -> ResumableIter<u64> {
    let mut it = ResumableIter::new("probe", (0..(n + 1_000) as u64).collect());
    for _ in 0..n {
        black_box(it.next());
    }
    it
}

fn next_and_offset_cost_the_same_deep_into_the_source(_: &mut Ctx) {
    scenario(
        "two iterators, one that has delivered 512 items and one that has delivered 16,384 (each \
         with 1,000 items left); on each, 1,000 offset() calls are timed, then 1,000 next() calls\n\
         next() and offset() must cost O(1): the time must not grow with how far the iterator \
         already is (walking the source up to the offset, or counting what was delivered, does)",
    );
    Scaling::new("calling offset() deep into the source", 512, 16_384)
        .demanding("O(1)")
        .run(read_to, |it| {
            for _ in 0..1_000 {
                black_box(it.offset());
            }
        });
    Scaling::new("calling next() deep into the source", 512, 16_384)
        .demanding("O(1)")
        .run(read_to, |it| {
            for _ in 0..1_000 {
                black_box(it.next());
            }
        });
}
