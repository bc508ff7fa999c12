//! Stage retention: `compact(horizon)` drops exactly what no read at or after the horizon can see, at a cost that follows the work.

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, expect_eq, model, scenario, step, Ctx, Rng, Stage};

use crate::drill::TimeKv;
use crate::history_and_deletes::{apply, draw_bound, model_history, owned};
use crate::support::{play, run_prebuilt, show_ts, ts, Model, Played};

/// Returns the checks of stage retention.
pub fn stage() -> Stage {
    Stage {
        slug: "retention",
        checks: checks![
            compact_keeps_the_value_in_force_at_the_horizon_and_drops_older_versions,
            horizons_before_at_and_after_a_version,
            a_tombstone_in_force_at_the_horizon,
            a_key_whose_only_version_is_a_tombstone_is_forgotten,
            versions_after_the_horizon_always_stay,
            reads_at_and_after_the_horizon_answer_as_before,
            compact_at_zero_at_max_and_with_repeated_or_lower_horizons,
            writes_below_an_earlier_horizon_are_compacted_by_the_same_rule,
            random_sequences_with_compaction_match_a_simple_model,
            a_rolling_horizon_keeps_the_number_of_versions_bounded,
            compact_with_little_to_do_is_fast_on_a_big_store,
            keys_compacted_away_cost_nothing_to_scan,
        ],
    }
}

/// Plays `script` on a fresh `TimeKv<u32>`: the operations of stage history_and_deletes plus
/// `compact H`.
#[track_caller]
fn check(script: &str) {
    scenario("TimeKv::<u32>::new(), then the steps below");
    let mut kv: TimeKv<u32> = TimeKv::new();
    play(script, |w| match w {
        ["compact", h] => {
            let h = ts(h);
            Played::new(format!("compact({})", show_ts(h)), kv.compact(h))
        }
        _ => apply(&mut kv, w),
    });
}

fn compact_keeps_the_value_in_force_at_the_horizon_and_drops_older_versions(_: &mut Ctx) {
    check(
        "
        set k 1 10
        set k 2 20
        set k 3 30
        compact 25 -> 1         # only the version at 10: a read at 25 still needs the one at 20
        len -> 2
        get k 25 -> Some(2)
        get k 30 -> Some(3)
        history k -> [(20, Some(2)), (30, Some(3))]
        compact 30 -> 1         # now the version at 20 is shadowed by the one at 30
        history k -> [(30, Some(3))]
        get k 30 -> Some(3)
        len -> 1
        ",
    );
}

fn horizons_before_at_and_after_a_version(_: &mut Ctx) {
    check(
        "
        set k 1 10
        set k 2 20
        compact 19 -> 0         # at 19 the version at 10 is still in force
        history k -> [(10, Some(1)), (20, Some(2))]
        compact 20 -> 1         # at 20 the version at 20 takes over: 10 is unreachable
        history k -> [(20, Some(2))]
        compact 21 -> 0         # the value in force at 21 stays
        get k 21 -> Some(2)
        set j 1 10
        set j 2 20
        compact 21 -> 1         # one past the version at 20: same as at 20
        get j 21 -> Some(2)
        len -> 2
        ",
    );
}

fn a_tombstone_in_force_at_the_horizon(_: &mut Ctx) {
    check(
        "
        set a 1 10
        delete a 20
        set b 1 10
        delete b 20
        set c 1 10
        delete c 20
        compact 20 -> 3         # the values at 10; the tombstones sit exactly at 20 and stay (history from 20 lists them)
        history a -> [(20, None)]
        history b -> [(20, None)]
        compact 21 -> 3         # past them, a read finds nothing either way: the tombstones go
        history a -> []
        history b -> []
        history c -> []
        get a 21 -> None
        len -> 0
        set d 1 10
        delete d 20
        set d 3 30
        compact 25 -> 2         # the value at 10 and the tombstone in force at 25
        history d -> [(30, Some(3))]
        get d 30 -> Some(3)
        ",
    );
}

fn a_key_whose_only_version_is_a_tombstone_is_forgotten(_: &mut Ctx) {
    check(
        "
        delete ghost 5
        set live 1 5
        len -> 2
        compact 5 -> 0          # a tombstone at the horizon itself stays
        compact 6 -> 1          # past it, it goes
        history ghost -> []
        scan - 6 -> [(\"live\", 1)]
        len -> 1
        set ghost 2 7 -> None   # the key can come back
        get ghost 7 -> Some(2)
        len -> 2
        ",
    );
}

fn versions_after_the_horizon_always_stay(_: &mut Ctx) {
    check(
        "
        set k 5 50
        set k 6 60
        delete k 70
        set j 1 10
        compact 40 -> 0         # k has no version at or before 40: nothing of k may go
        history k -> [(50, Some(5)), (60, Some(6)), (70, None)]
        compact 49 -> 0
        get k 50 -> Some(5)
        get j 49 -> Some(1)     # j's only version is in force at 49: it stays
        len -> 4
        ",
    );
}

/// The writes of the store `reads_at_and_after_the_horizon_answer_as_before` compacts.
const FIXTURE: &[(&str, Option<u32>, u64)] = &[
    ("a", Some(1), 10),
    ("a", Some(2), 20),
    ("a", Some(3), 30),
    ("b", Some(4), 10),
    ("b", None, 20),
    ("b", Some(5), 40),
    ("c", None, 15),
    ("d", Some(6), 50),
    ("e", Some(7), 5),
    ("e", None, 25),
    ("f", Some(8), 0),
    ("f", Some(9), u64::MAX),
    ("ab", Some(10), 20),
    ("ab", None, 30),
];

fn fixture() -> (TimeKv<u32>, Model) {
    let mut kv = TimeKv::new();
    let mut m = Model::default();
    for &(k, v, t) in FIXTURE {
        match v {
            Some(v) => {
                kv.set(k, v, t);
                m.set(k, v, t);
            }
            None => {
                kv.delete(k, t);
                m.delete(k, t);
            }
        }
    }
    (kv, m)
}

/// Every answer a read at or after `h` can give on the fixture, in one list.
fn answers_from(kv: &TimeKv<u32>, h: u64) -> Vec<String> {
    let mut times: Vec<u64> = vec![h, h.saturating_add(1), u64::MAX, u64::MAX - 1];
    for &(_, _, t) in FIXTURE {
        times.extend([t, t.saturating_sub(1), t.saturating_add(1)]);
    }
    times.retain(|t| *t >= h);
    times.sort_unstable();
    times.dedup();
    let mut out = Vec::new();
    for &t in &times {
        for k in ["a", "b", "c", "d", "e", "f", "ab", "zz"] {
            out.push(format!("get({k:?}, {}) -> {:?}", show_ts(t), kv.get(k, t)));
            out.push(format!(
                "history({k:?}, {}..) -> {:?}",
                show_ts(t),
                owned(kv.history(k, t..))
            ));
        }
        for p in ["", "a", "b"] {
            out.push(format!(
                "scan_at({p:?}, {}) -> {:?}",
                show_ts(t),
                kv.scan_at(p, t)
            ));
        }
    }
    out
}

fn reads_at_and_after_the_horizon_answer_as_before(_: &mut Ctx) {
    scenario(format!(
        "a store built from these writes (None is a delete): {FIXTURE:?}; for each horizon h, a \
         fresh copy is compacted at h, and every get, history(key, t..) and scan_at at each \
         interesting t >= h must answer as before; the number dropped must match the rule"
    ));
    let horizons = [
        0,
        4,
        5,
        10,
        14,
        15,
        16,
        20,
        21,
        24,
        25,
        26,
        30,
        31,
        40,
        50,
        51,
        u64::MAX - 1,
        u64::MAX,
    ];
    for h in horizons {
        let (mut kv, mut m) = fixture();
        let before = answers_from(&kv, h);
        step(format!("compact({})", show_ts(h)));
        let dropped = kv.compact(h);
        expect_eq(
            format!(
                "compact({}) on a fresh copy: the number of versions older than the one in force \
                 at the horizon (plus tombstones in force before it)",
                show_ts(h)
            ),
            dropped,
            m.compact(h),
        );
        expect_eq(
            format!("len() after compact({})", show_ts(h)),
            kv.len(),
            m.len(),
        );
        let after = answers_from(&kv, h);
        for (was, now) in before.iter().zip(&after) {
            if was != now {
                step(format!("before compaction: {was}"));
                step(format!(" after compaction: {now}"));
            }
            expect_eq(
                format!(
                    "after compact({}), a read at or after the horizon changed its answer",
                    show_ts(h)
                ),
                now,
                was,
            );
        }
    }
}

fn compact_at_zero_at_max_and_with_repeated_or_lower_horizons(_: &mut Ctx) {
    check(
        "
        set k 1 0
        set k 2 10
        delete k 20
        set j 1 5
        set j 2 max
        delete t 0
        compact 0 -> 0          # nothing is older than what a read at 0 sees; the tombstone at 0 is at the horizon
        len -> 6
        compact 15 -> 2         # the version of k at 0, and t's tombstone (before the horizon)
        compact 15 -> 0         # the same horizon again finds nothing new
        compact 10 -> 0         # a lower horizon after a higher one finds nothing either
        get k 15 -> Some(2)
        compact max -> 3        # k: the value at 10 and its tombstone at 20; j: the value at 5
        history k -> []
        history j -> [(18446744073709551615, Some(2))]   # the version at u64::MAX stays
        len -> 1
        ",
    );
}

fn writes_below_an_earlier_horizon_are_compacted_by_the_same_rule(_: &mut Ctx) {
    check(
        "
        set k 1 80
        compact 100 -> 0
        set k 2 50 -> None      # a late write below the horizon is accepted
        get k 60 -> Some(2)
        get k 100 -> Some(1)
        compact 100 -> 1        # and the next compaction drops it: the version at 80 shadows it at 100
        history k -> [(80, Some(1))]
        set j 3 50 -> None      # a new key written below the horizon
        get j 100 -> Some(3)
        compact 100 -> 0        # its version is the one in force at 100: it stays
        get j 100 -> Some(3)
        delete k 90             # a late tombstone below the horizon
        compact 100 -> 2        # the value at 80 and the tombstone in force at 100
        history k -> []
        get k 100 -> None
        len -> 1
        set m 1 300
        compact 350 -> 0        # m's only version is in force at 350
        set m 2 100 -> None     # a late write behind the version at 300
        compact 200 -> 0        # at 200 the late version is the one in force
        compact 350 -> 1        # at 350 the version at 300 shadows it: it must go now
        history m -> [(300, Some(1))]
        ",
    );
}

/// One operation of the random sequences (here and, through `SharedTimeKv`, in the concurrent stage).
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Set(String, u32, u64),
    Delete(String, u64),
    Get(String, u64),
    History(String, std::ops::Bound<u64>, std::ops::Bound<u64>),
    Scan(String, u64),
    Compact(u64),
    Len,
}

/// The keys of the random sequences: the empty key, a prefix of another, and neighbours.
const KEYS: &[&str] = &["", "a", "ab", "b"];

/// Where a random compaction's horizon is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HorizonDraw {
    /// Anywhere up to `top` (the concurrent stage's draw).
    #[cfg_attr(not(feature = "stage-concurrent"), allow(dead_code))]
    Anywhere,
    /// Anywhere up to `top` seven times in ten, else at or below the highest horizon so far.
    MostlyAnywhere,
}

/// Draws one operation with timestamps up to `top`, edge-biased; reads ask at or after `highest`,
/// the highest horizon so far, which a compaction raises.
pub(crate) fn draw_op(r: &mut Rng, top: u64, highest: &mut u64, horizons: HorizonDraw) -> Op {
    let k = r.pick(KEYS).to_string();
    let t = r.edgy(0, top);
    match r.below(14) {
        0..=4 => Op::Set(k, r.below(100) as u32, t),
        5..=6 => Op::Delete(k, t),
        7..=8 => Op::Get(k, r.edgy(*highest, top.max(*highest))),
        9 => Op::History(k, draw_bound(r, top), draw_bound(r, top)),
        10 => Op::Scan(
            r.pick(&["", "a", "b"]).to_string(),
            r.edgy(*highest, top.max(*highest)),
        ),
        11..=12 => {
            let h = match horizons {
                HorizonDraw::Anywhere => r.edgy(0, top),
                HorizonDraw::MostlyAnywhere if r.chance(70) => r.edgy(0, top),
                HorizonDraw::MostlyAnywhere => r.edgy(0, *highest),
            };
            *highest = (*highest).max(h);
            Op::Compact(h)
        }
        _ => Op::Len,
    }
}

/// Applies `op` to the flat model and renders its answer as the store's is rendered.
pub(crate) fn model_answer(m: &mut Model, op: &Op) -> String {
    match op {
        Op::Set(k, v, t) => format!("{:?}", m.set(k, *v, *t)),
        Op::Delete(k, t) => format!("{:?}", m.delete(k, *t)),
        Op::Get(k, t) => format!("{:?}", m.get(k, *t)),
        Op::History(k, s, e) => format!("{:?}", model_history(m, k, *s, *e)),
        Op::Scan(p, t) => format!("{:?}", m.scan_at(p, *t)),
        Op::Compact(h) => format!("{}", m.compact(*h)),
        Op::Len => format!("{}", m.len()),
    }
}

fn random_sequences_with_compaction_match_a_simple_model(ctx: &mut Ctx) {
    scenario(
        "random set/delete/get/history/scan_at/compact/len sequences on TimeKv<u32> compared with a \
         flat list of versions compacted by the rule; horizons rise and fall; get and scan_at ask \
         only at or after the highest horizon so far (below it nothing is promised)",
    );
    let mut rng = ctx.rng().fork();
    for round in 0..50 {
        step(format!("round {round}: a fresh store"));
        let mut kv: TimeKv<u32> = TimeKv::new();
        let mut m = Model::default();
        let top = *rng.pick(&[8u64, 40, u64::MAX]);
        let mut highest = 0u64;
        model::compare(
            &mut rng,
            50,
            |r: &mut Rng| draw_op(r, top, &mut highest, HorizonDraw::MostlyAnywhere),
            |op| match op {
                Op::Set(k, v, t) => format!("{:?}", kv.set(k, *v, *t)),
                Op::Delete(k, t) => format!("{:?}", kv.delete(k, *t)),
                Op::Get(k, t) => format!("{:?}", kv.get(k, *t)),
                Op::History(k, s, e) => format!("{:?}", owned(kv.history(k, (*s, *e)))),
                Op::Scan(p, t) => format!(
                    "{:?}",
                    kv.scan_at(p, *t)
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), *v))
                        .collect::<Vec<_>>()
                ),
                Op::Compact(h) => format!("{}", kv.compact(*h)),
                Op::Len => format!("{}", kv.len()),
            },
            |op| model_answer(&mut m, op),
        );
    }
}

fn a_rolling_horizon_keeps_the_number_of_versions_bounded(ctx: &mut Ctx) {
    scenario(
        "a stream of 20,000 writes at timestamps 1, 2, 3, … over 50 keys (one in ten a delete); \
         every 100 writes, compact(now - 1,000); right after each compaction at most 1,000 \
         versions are newer than the horizon and at most one per key is older, so len() <= 1,050",
    );
    let mut rng = ctx.rng().fork();
    let names: Vec<String> = (0..50).map(|k| format!("sensor:{k:02}")).collect();
    let mut kv: TimeKv<u32> = TimeKv::new();
    let mut peak = 0;
    for now in 1..=20_000u64 {
        let k = &names[rng.index(names.len())];
        if rng.chance(10) {
            kv.delete(k, now);
        } else {
            kv.set(k, now as u32, now);
        }
        if now % 100 == 0 && now > 1_000 {
            let horizon = now - 1_000;
            let dropped = kv.compact(horizon);
            let len = kv.len();
            peak = peak.max(len);
            if len > 1_050 {
                step(format!(
                    "at {now}: compact({horizon}) -> {dropped}, len() -> {len}"
                ));
            }
            expect(
                len <= 1_050,
                format!(
                    "after compact({horizon}) at time {now}, len() is {len}: only 1,000 writes are \
                     newer than the horizon and 50 keys can each keep one older version, so at most \
                     1,050 versions may remain; the store is keeping versions no read can see"
                ),
            );
        }
    }
    step(format!(
        "the most versions right after a compaction: {peak}"
    ));
}

fn compact_with_little_to_do_is_fast_on_a_big_store(_: &mut Ctx) {
    scenario(
        "n keys (n = 125, then 4,000), each with versions at 1 and 2 and one far in the future \
         (at 1,000,000,000), compacted once at 2; then the same batch, 10 times: 20 keys spread \
         over the store get a new version at t, then compact(t) (dropping those 20 keys' previous \
         versions), t = 3, 4, …; the time must not grow with n",
    );
    let all: Vec<String> = (0..4_000).map(|k| format!("key:{k:06}")).collect();
    let mut clock = 3u64;
    run_prebuilt(
        Scaling::new("compact with little to drop", 125, 4_000)
            .demanding("a cost that follows the versions dropped, not the store"),
        |n| {
            let mut kv: TimeKv<u64> = TimeKv::new();
            for (i, name) in all[..n].iter().enumerate() {
                kv.set(name, i as u64, 1);
                kv.set(name, i as u64, 2);
                kv.set(name, i as u64, 1_000_000_000);
            }
            kv.compact(2);
            (kv, n)
        },
        |(kv, n)| {
            for _ in 0..10 {
                let t = clock;
                clock += 1;
                for j in 0..20 {
                    kv.set(&all[j * *n / 20], t, t);
                }
                std::hint::black_box(kv.compact(t));
            }
        },
    );
}

fn keys_compacted_away_cost_nothing_to_scan(_: &mut Ctx) {
    scenario(
        "n keys \"dead:…\" (n = 125, then 4,000) written at 1 and deleted at 2, and 20 live keys \
         \"live:…\"; compact(3) forgets the dead keys; then the same batch of 50 scan_at(\"\", 5), \
         each returning the 20 live keys; the time must not grow with n",
    );
    run_prebuilt(
        Scaling::new("scan_at after many keys were compacted away", 125, 4_000)
            .demanding("a cost that follows the keys still stored"),
        |n| {
            let mut kv: TimeKv<u64> = TimeKv::new();
            for i in 0..n {
                let name = format!("dead:{i:06}");
                kv.set(&name, i as u64, 1);
                kv.delete(&name, 2);
            }
            for i in 0..20u64 {
                kv.set(&format!("live:{i:02}"), i, 1);
            }
            kv.compact(3);
            kv
        },
        |kv| {
            let mut total = 0;
            for _ in 0..50 {
                total += kv.scan_at("", 5).len();
            }
            std::hint::black_box(total);
        },
    );
}
