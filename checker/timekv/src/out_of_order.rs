//! Stage out_of_order: writes arrive in any timestamp order; a late write slots into place in O(log m).

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, model, scenario, step, Ctx, Rng, Stage};

use crate::basics::check_in;
use crate::drill::TimeKv;
use crate::support::Model;

/// Returns the checks of stage out_of_order.
pub fn stage() -> Stage {
    Stage {
        slug: "out_of_order",
        checks: checks![
            a_late_write_before_the_first_version_takes_effect_from_its_timestamp,
            a_late_write_between_versions_changes_only_its_own_interval,
            a_late_write_at_timestamp_zero,
            replacing_the_first_a_middle_and_the_last_version,
            a_history_written_newest_first_reads_like_one_written_in_order,
            the_same_writes_in_two_orders_give_the_same_answers,
            random_sequences_in_any_timestamp_order_match_a_simple_model,
            set_at_the_oldest_end_does_not_shift_the_history,
            set_and_get_in_the_middle_of_a_history_stay_logarithmic,
        ],
    }
}

const SCENARIO: &str =
    "TimeKv::<u32>::new(), then the steps below (timestamps may arrive in any order)";

fn a_late_write_before_the_first_version_takes_effect_from_its_timestamp(_: &mut Ctx) {
    check_in(
        SCENARIO,
        "
        set k 1 50
        set k 2 60
        set k 9 20 -> None      # a late write, older than every version of k
        get k 19 -> None        # before it, k still did not exist
        get k 20 -> Some(9)     # from its own timestamp on it is in force
        get k 49 -> Some(9)
        get k 50 -> Some(1)     # until the next version takes over
        get k 60 -> Some(2)
        len -> 3
        ",
    );
}

fn a_late_write_between_versions_changes_only_its_own_interval(_: &mut Ctx) {
    check_in(
        SCENARIO,
        "
        set k 1 10
        set k 3 30
        set k 2 20 -> None      # arrives last, belongs in the middle
        get k 10 -> Some(1)
        get k 19 -> Some(1)     # just before the late write: unchanged
        get k 20 -> Some(2)     # at the late write
        get k 21 -> Some(2)     # just after it
        get k 29 -> Some(2)
        get k 30 -> Some(3)     # the next version still takes over at 30
        get k max -> Some(3)    # and the latest version is still the latest
        set k 5 25 -> None      # another one, between the late write and 30
        get k 24 -> Some(2)
        get k 25 -> Some(5)
        get k 30 -> Some(3)
        set k 4 11 -> None      # one right after the first version
        get k 10 -> Some(1)
        get k 11 -> Some(4)
        get k 20 -> Some(2)
        len -> 5
        ",
    );
}

fn a_late_write_at_timestamp_zero(_: &mut Ctx) {
    check_in(
        SCENARIO,
        "
        set k 1 max
        set k 2 5
        get k 4 -> None
        get k 5 -> Some(2)
        get k max-1 -> Some(2)
        get k max -> Some(1)
        set k 3 0 -> None       # the earliest possible timestamp, written last
        get k 0 -> Some(3)
        get k 4 -> Some(3)
        get k 5 -> Some(2)
        set k 4 0 -> Some(3)    # and replaced
        get k 0 -> Some(4)
        len -> 3
        ",
    );
}

fn replacing_the_first_a_middle_and_the_last_version(_: &mut Ctx) {
    check_in(
        SCENARIO,
        "
        set k 1 10
        set k 2 20
        set k 3 30
        set k 4 40
        set k 11 10 -> Some(1)  # the first version, corrected after later ones arrived
        set k 22 20 -> Some(2)  # a middle version
        set k 33 30 -> Some(3)  # another middle version
        set k 44 40 -> Some(4)  # the last version
        len -> 4                # corrections add no version
        get k 10 -> Some(11)
        get k 25 -> Some(22)
        get k 39 -> Some(33)
        get k max -> Some(44)
        get k 9 -> None
        set k 222 20 -> Some(22) # replaced again
        get k 20 -> Some(222)
        len -> 4
        ",
    );
}

fn a_history_written_newest_first_reads_like_one_written_in_order(_: &mut Ctx) {
    scenario(
        "TimeKv::<u32>::new(); 40 versions of one key written newest first (timestamps 400, 390, \
         …, 10, value = timestamp / 10); then reads at every version's timestamp and between them",
    );
    let mut kv: TimeKv<u32> = TimeKv::new();
    for i in (1..=40u32).rev() {
        step(format!("set(\"k\", {i}, {})", i * 10));
        expect_eq(
            format!(
                "set(\"k\", {i}, {}): no version at that timestamp yet",
                i * 10
            ),
            kv.set("k", i, u64::from(i) * 10),
            None,
        );
    }
    expect_eq("len() after 40 distinct versions", kv.len(), 40);
    for t in 0..=410u64 {
        let expected = (t >= 10).then(|| (t / 10).min(40) as u32);
        let got = kv.get("k", t).copied();
        if got != expected {
            step(format!("get(\"k\", {t}) -> {got:?}"));
        }
        expect_eq(
            format!(
                "get(\"k\", {t}): the latest version at or before {t} is the one at {}, whatever \
                 order the writes came in",
                match expected {
                    Some(v) => (u64::from(v) * 10).to_string(),
                    None => "none (the first version is at 10)".to_owned(),
                }
            ),
            got,
            expected,
        );
    }
}

fn the_same_writes_in_two_orders_give_the_same_answers(ctx: &mut Ctx) {
    scenario(
        "two TimeKv<u32> stores receive the same writes (distinct key and timestamp pairs, 3 keys, \
         timestamps 0..60) in two different random orders; every get at every timestamp 0..=61 must \
         agree, and agree with the answer the writes give when sorted by time",
    );
    let mut rng = ctx.rng().fork();
    for round in 0..20 {
        let mut writes: Vec<(String, u32, u64)> = Vec::new();
        for k in ["a", "b", "c"] {
            let mut times: Vec<u64> = (0..60).collect();
            rng.shuffle(&mut times);
            for t in times.into_iter().take(rng.range(1, 12) as usize) {
                writes.push((k.to_owned(), rng.below(1000) as u32, t));
            }
        }
        let mut first = writes.clone();
        rng.shuffle(&mut first);
        let mut second = writes.clone();
        rng.shuffle(&mut second);
        step(format!("round {round}: order one {first:?}"));
        step(format!("round {round}: order two {second:?}"));
        let mut one: TimeKv<u32> = TimeKv::new();
        let mut two: TimeKv<u32> = TimeKv::new();
        let mut model = Model::default();
        for (k, v, t) in &first {
            one.set(k, *v, *t);
            model.set(k, *v, *t);
        }
        for (k, v, t) in &second {
            two.set(k, *v, *t);
        }
        expect_eq("len() of the first store", one.len(), writes.len());
        expect_eq("len() of the second store", two.len(), writes.len());
        for k in ["a", "b", "c"] {
            for t in 0..=61 {
                let expected = model.get(k, t);
                expect_eq(
                    format!("round {round}: get({k:?}, {t}) on the store that got the first order"),
                    one.get(k, t).copied(),
                    expected,
                );
                expect_eq(
                    format!(
                        "round {round}: get({k:?}, {t}) on the store that got the second order (the \
                         answer may not depend on arrival order)"
                    ),
                    two.get(k, t).copied(),
                    expected,
                );
            }
        }
    }
}

/// One operation of the random sequences.
#[derive(Debug, Clone)]
enum Op {
    Set(String, u32, u64),
    Get(String, u64),
    Len,
}

fn random_sequences_in_any_timestamp_order_match_a_simple_model(ctx: &mut Ctx) {
    scenario(
        "random set/get/len sequences on TimeKv<u32> compared with a flat list of versions; up to 3 \
         keys, timestamps in any order, often repeated (corrections), edges such as 0 and u64::MAX",
    );
    let mut rng = ctx.rng().fork();
    for round in 0..60 {
        step(format!("round {round}: a fresh store"));
        let mut kv: TimeKv<u32> = TimeKv::new();
        let mut m = Model::default();
        let keys: Vec<String> = (0..rng.range(1, 3)).map(|_| rng.edgy_text(2)).collect();
        let top = *rng.pick(&[6u64, 40, u64::MAX]);
        let mut used: Vec<u64> = Vec::new();
        model::compare(
            &mut rng,
            40,
            |r: &mut Rng| {
                let k = keys[r.index(keys.len())].clone();
                let t = if !used.is_empty() && r.chance(30) {
                    *r.pick(&used)
                } else {
                    r.edgy(0, top)
                };
                match r.below(10) {
                    0..=4 => {
                        used.push(t);
                        Op::Set(k, r.below(100) as u32, t)
                    }
                    5..=8 => Op::Get(k, t),
                    _ => Op::Len,
                }
            },
            |op| match op {
                Op::Set(k, v, t) => format!("{:?}", kv.set(k, *v, *t)),
                Op::Get(k, t) => format!("{:?}", kv.get(k, *t)),
                Op::Len => format!("{}", kv.len()),
            },
            |op| match op {
                Op::Set(k, v, t) => format!("{:?}", m.set(k, *v, *t)),
                Op::Get(k, t) => format!("{:?}", m.get(k, *t)),
                Op::Len => format!("{}", m.len()),
            },
        );
    }
}

/// A reading of sixteen numbers: big enough that shifting a history moves real memory.
type Reading = [u64; 16];

fn set_at_the_oldest_end_does_not_shift_the_history(_: &mut Ctx) {
    scenario(
        "one key with m versions at timestamps 1,000,000, 1,000,010, … (m = 250, then 8,000), \
         values [u64; 16]; the same batch of 1,000 late set(key, v, ts) at timestamps 999,999, \
         999,998, …, each older than every version so far; the time per write must not grow with m",
    );
    Scaling::new("set of a version older than all others", 250, 8_000)
        .demanding("O(log m)")
        // Shifting costs about 30× here; leave room for a loaded machine.
        .max_ratio(8.0)
        .run(
            |m| {
                let mut kv: TimeKv<Reading> = TimeKv::new();
                for i in 0..m as u64 {
                    kv.set("hot", [i; 16], 1_000_000 + i * 10);
                }
                kv
            },
            |kv| {
                for i in 1..=1_000u64 {
                    std::hint::black_box(kv.set("hot", [i; 16], 1_000_000 - i));
                }
            },
        );
}

fn set_and_get_in_the_middle_of_a_history_stay_logarithmic(_: &mut Ctx) {
    scenario(
        "one key with m versions at timestamps 0, 1,000, 2,000, … (m = 250, then 8,000), values \
         [u64; 16]; the same batch of 1,000 set(key, v, ts) at timestamps between two versions, \
         spread over the whole history, each followed by get(key, ts) and a correction at the same \
         timestamp; the time per operation must not grow with m",
    );
    Scaling::new("late set and get in the middle of a history", 250, 8_000)
        .demanding("O(log m)")
        .max_ratio(7.0)
        .run(
            |m| {
                let mut kv: TimeKv<Reading> = TimeKv::new();
                for i in 0..m as u64 {
                    kv.set("hot", [i; 16], i * 1_000);
                }
                (kv, m as u64)
            },
            |(kv, m)| {
                let mut sum = 0u64;
                for i in 0..1_000u64 {
                    let t = ((i * 7_919) % *m) * 1_000 + 1 + i % 997;
                    kv.set("hot", [i; 16], t);
                    sum = sum.wrapping_add(kv.get("hot", t).map_or(0, |r| r[0]));
                    std::hint::black_box(kv.set("hot", [i + 1; 16], t));
                }
                std::hint::black_box(sum);
            },
        );
}
