//! Stage basics: versions written in time order per key, read back as of any timestamp in O(log m).

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, model, scenario, step, Ctx, Rng, Stage};

use crate::drill::TimeKv;
use crate::support::{play, run_prebuilt, show_ts, ts, val, Model, Played};

/// Returns the checks of stage basics.
pub fn stage() -> Stage {
    Stage {
        slug: "basics",
        checks: checks![
            get_sees_a_version_at_exactly_its_timestamp,
            get_returns_the_latest_version_at_or_before_the_timestamp,
            get_before_the_first_version_is_none,
            a_key_never_written_is_none,
            timestamps_zero_and_max_are_ordinary_timestamps,
            keys_are_independent_and_compared_exactly,
            set_at_an_existing_timestamp_replaces_and_returns_the_old_value,
            set_at_a_new_timestamp_returns_none,
            len_counts_versions_over_all_keys,
            random_sequences_match_a_simple_model,
            get_takes_logarithmic_time_in_the_length_of_a_history,
            set_does_not_slow_down_as_a_history_grows,
            get_and_set_do_not_slow_down_with_the_number_of_keys,
        ],
    }
}

/// Plays `script` on a fresh `TimeKv<u32>`.
///
/// Operations: `set K V TS`, `get K TS`, `len`, `is_empty` (`max` is `u64::MAX`).
#[track_caller]
pub(crate) fn check(script: &str) {
    check_in(
        "TimeKv::<u32>::new(), then the steps below (timestamps of each key never go back)",
        script,
    );
}

/// Plays `script` on a fresh `TimeKv<u32>` under the scenario `words`.
#[track_caller]
pub(crate) fn check_in(words: &str, script: &str) {
    scenario(words);
    let mut kv: TimeKv<u32> = TimeKv::new();
    play(script, |w| apply(&mut kv, w));
}

#[track_caller]
pub(crate) fn apply(kv: &mut TimeKv<u32>, words: &[&str]) -> Played {
    match words {
        ["set", k, v, t] => {
            let (v, t) = (val(v), ts(t));
            Played::new(format!("set({k:?}, {v}, {})", show_ts(t)), kv.set(k, v, t))
        }
        ["get", k, t] => {
            let t = ts(t);
            Played::new(format!("get({k:?}, {})", show_ts(t)), kv.get(k, t))
        }
        ["len"] => Played::new("len()".into(), kv.len()),
        ["is_empty"] => Played::new("is_empty()".into(), kv.is_empty()),
        other => panic!("script error: unknown operation {other:?}"),
    }
}

fn get_sees_a_version_at_exactly_its_timestamp(_: &mut Ctx) {
    check(
        "
        set a 1 10 -> None
        get a 10 -> Some(1)   # a version written at 10 is in force at 10 itself
        get a 9 -> None       # but not one instant earlier
        get a 11 -> Some(1)
        set a 2 11 -> None
        get a 11 -> Some(2)   # the version at 11 takes over exactly at 11
        get a 10 -> Some(1)   # and the one at 10 is still the answer at 10
        ",
    );
}

fn get_returns_the_latest_version_at_or_before_the_timestamp(_: &mut Ctx) {
    check(
        "
        set k 100 10
        set k 200 20
        set k 300 30
        get k 15 -> Some(100)   # between 10 and 20 the version at 10 is in force
        get k 19 -> Some(100)
        get k 20 -> Some(200)
        get k 21 -> Some(200)
        get k 29 -> Some(200)
        get k 30 -> Some(300)
        get k 31 -> Some(300)   # after the last version, the last version stays in force
        get k 1000000 -> Some(300)
        get k max -> Some(300)
        get k 10 -> Some(100)   # reads may go back in time in any order
        ",
    );
}

fn get_before_the_first_version_is_none(_: &mut Ctx) {
    check(
        "
        set k 7 50
        get k 49 -> None    # the key did not exist yet at 49
        get k 0 -> None
        get k 1 -> None
        get k 50 -> Some(7)
        set k 8 60
        get k 49 -> None    # a later version does not change the past
        ",
    );
}

fn a_key_never_written_is_none(_: &mut Ctx) {
    check(
        "
        get ghost 5 -> None      # an empty store knows no key
        get ghost max -> None
        set real 1 5
        get ghost 5 -> None      # another key's versions are not ghost's
        get ghost max -> None
        get rea 5 -> None        # a prefix of a stored key is a different key
        get reall 5 -> None
        ",
    );
}

fn timestamps_zero_and_max_are_ordinary_timestamps(_: &mut Ctx) {
    check(
        "
        set z 1 0
        get z 0 -> Some(1)      # 0 is a timestamp like any other
        get z max -> Some(1)
        set z 2 max-1
        set z 3 max
        get z max-1 -> Some(2)
        get z max -> Some(3)    # a version at u64::MAX is seen by a read at u64::MAX
        get z 0 -> Some(1)
        len -> 3
        set z 4 max -> Some(3)  # and can be replaced like any other
        ",
    );
}

fn keys_are_independent_and_compared_exactly(_: &mut Ctx) {
    scenario(
        "TimeKv::<u32>::new(); keys that differ only by case, by a trailing space, the empty key \
         and non-ASCII keys are all different keys; each gets one version at timestamp 10",
    );
    let keys = ["a", "A", "a ", " a", "", "日本", "é", "e\u{301}", "a\0"];
    let mut kv: TimeKv<u32> = TimeKv::new();
    for (i, k) in keys.iter().enumerate() {
        step(format!("set({k:?}, {i}, 10)"));
        expect_eq(
            format!("set({k:?}, {i}, 10) on a key never written: nothing to replace"),
            kv.set(k, i as u32, 10),
            None,
        );
    }
    for (i, k) in keys.iter().enumerate() {
        step(format!("get({k:?}, 10)"));
        expect_eq(
            format!(
                "get({k:?}, 10): each of these keys is a different string, so each keeps its own value"
            ),
            kv.get(k, 10).copied(),
            Some(i as u32),
        );
    }
    expect_eq(
        "len() after one version of each of 9 distinct keys",
        kv.len(),
        9,
    );
}

fn set_at_an_existing_timestamp_replaces_and_returns_the_old_value(_: &mut Ctx) {
    check(
        "
        set k 1 10 -> None
        set k 2 10 -> Some(1)   # same key, same timestamp: the version is replaced
        set k 3 10 -> Some(2)   # and again
        get k 10 -> Some(3)
        len -> 1                # a replacement adds no version
        set k 4 20 -> None
        set k 5 20 -> Some(4)   # replacing the latest of several versions
        get k 20 -> Some(5)
        get k 19 -> Some(3)     # the version at 10 is untouched
        len -> 2
        set other 9 20 -> None  # the same timestamp on another key replaces nothing
        len -> 3
        ",
    );
}

fn set_at_a_new_timestamp_returns_none(_: &mut Ctx) {
    check(
        "
        set k 1 10 -> None
        set k 2 11 -> None      # a new timestamp is a new version, even right after another
        set k 3 12 -> None
        set k 2 13 -> None      # even when the value repeats an older one
        len -> 4
        get k 12 -> Some(3)
        get k 13 -> Some(2)
        ",
    );
}

fn len_counts_versions_over_all_keys(_: &mut Ctx) {
    check(
        "
        len -> 0
        is_empty -> true
        get a 1 -> None
        len -> 0          # a read stores nothing
        set a 1 1
        len -> 1
        is_empty -> false
        set a 2 2
        set b 3 2
        len -> 3          # two versions of a, one of b
        set b 4 2
        len -> 3          # a replacement is not a new version
        ",
    );
}

/// One operation of the random sequences.
#[derive(Debug, Clone)]
enum Op {
    Set(String, u32, u64),
    Get(String, u64),
    Len,
}

fn random_sequences_match_a_simple_model(ctx: &mut Ctx) {
    scenario(
        "random set/get/len sequences on TimeKv<u32> compared with a flat list of versions; up to 4 \
         keys, timestamps of each key never go back (repeats allowed), reads at any timestamp",
    );
    let mut rng = ctx.rng().fork();
    for round in 0..60 {
        step(format!("round {round}: a fresh store"));
        let mut kv: TimeKv<u32> = TimeKv::new();
        let mut m = Model::default();
        let keys: Vec<String> = (0..rng.range(1, 4)).map(|_| rng.edgy_text(3)).collect();
        let mut last: Vec<u64> = vec![0; keys.len()];
        let top = *rng.pick(&[5u64, 50, u64::MAX]);
        model::compare(
            &mut rng,
            40,
            |r: &mut Rng| {
                let k = r.index(keys.len());
                match r.below(10) {
                    0..=4 => {
                        let t = if r.chance(30) {
                            last[k]
                        } else {
                            r.edgy(last[k], top.max(last[k]))
                        };
                        last[k] = t;
                        Op::Set(keys[k].clone(), r.below(100) as u32, t)
                    }
                    5..=8 => Op::Get(keys[k].clone(), r.edgy(0, top)),
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

fn get_takes_logarithmic_time_in_the_length_of_a_history(_: &mut Ctx) {
    scenario(
        "one key with m versions at timestamps 0, 10, 20, … (m = 250, then 8,000), plus a few \
         other keys; the same batch of 2,000 get(key, ts) at timestamps spread over the whole \
         history (early, middle, late, between versions); the time per get must not grow with m",
    );
    run_prebuilt(
        Scaling::new("get in a long history", 250, 8_000).demanding("O(log m)"),
        |m| {
            let mut kv: TimeKv<u64> = TimeKv::new();
            for other in 0..8u64 {
                kv.set(&format!("other{other}"), other, 5);
            }
            for i in 0..m as u64 {
                kv.set("hot", i, i * 10);
            }
            (kv, m as u64)
        },
        |(kv, m)| {
            let span = *m * 10;
            let mut sum = 0u64;
            for i in 0..2_000u64 {
                let t = (i * 7_919 * 13) % span + (i % 3);
                sum = sum.wrapping_add(kv.get("hot", t).copied().unwrap_or(0));
            }
            std::hint::black_box(sum);
        },
    );
}

fn set_does_not_slow_down_as_a_history_grows(_: &mut Ctx) {
    scenario(
        "one key with m versions at timestamps 0, 10, 20, … (m = 250, then 8,000); the same batch \
         of 1,000 set(key, v, ts) at later timestamps, each a new latest version, and 1,000 \
         replacements of the latest version; the time per set must not grow with m",
    );
    Scaling::new("set of a new latest version on a long history", 250, 8_000)
        .demanding("amortised O(1) or O(log m)")
        // A linear step per append costs 32× here; allow for a loaded machine.
        .max_ratio(10.0)
        .run(
            |m| {
                let mut kv: TimeKv<u64> = TimeKv::new();
                for i in 0..m as u64 {
                    kv.set("hot", i, i * 10);
                }
                (kv, m as u64)
            },
            |(kv, m)| {
                let start = *m * 10;
                for i in 0..1_000u64 {
                    kv.set("hot", i, start + i * 10);
                    std::hint::black_box(kv.set("hot", i + 1, start + i * 10));
                }
            },
        );
}

fn get_and_set_do_not_slow_down_with_the_number_of_keys(_: &mut Ctx) {
    scenario(
        "n keys with 2 versions each (n = 250, then 8,000); the same batch of 2,000 get and 1,000 \
         set on 100 keys spread over the whole key set; the time per operation must not grow with n \
         beyond a logarithm",
    );
    let all: Vec<String> = (0..8_000).map(|k| format!("key:{k:06}")).collect();
    run_prebuilt(
        Scaling::new("get and set on a store with many keys", 250, 8_000)
            .demanding("O(log n) to find a key")
            .max_ratio(8.0),
        |n| {
            let names = &all[..n];
            let mut kv: TimeKv<u64> = TimeKv::new();
            for v in 0..2u64 {
                for name in names {
                    kv.set(name, v, v * 10);
                }
            }
            (kv, names)
        },
        |(kv, names)| {
            // 50 keys spread evenly over the key order, so a search that walks the keys in
            // order pays for the whole store while a tree stays in cache.
            let n = names.len();
            let mut sum = 0u64;
            for i in 0..2_000usize {
                let name = &names[(i % 50) * n / 50 + (i / 50) % 2];
                sum = sum.wrapping_add(kv.get(name, (i % 40) as u64).copied().unwrap_or(0));
                if i % 2 == 0 {
                    // Replaces the version at 10: the store keeps its size round after round.
                    kv.set(name, i as u64, 10);
                }
            }
            std::hint::black_box(sum);
        },
    );
}
