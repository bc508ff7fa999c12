//! Stage history_and_deletes: tombstones, `history` over any range, and `scan_at` over a key prefix.

use std::ops::Bound::{self, Excluded, Included, Unbounded};

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, model, scenario, step, Ctx, Rng, Stage};

use crate::drill::TimeKv;
use crate::support::{play, run_prebuilt, show_ts, ts, val, Model, Played};

/// Returns the checks of stage history_and_deletes.
pub fn stage() -> Stage {
    Stage {
        slug: "history_and_deletes",
        checks: checks![
            delete_hides_the_key_from_its_timestamp_until_the_next_version,
            a_late_delete_slots_in_between_versions,
            delete_returns_whether_a_value_was_live_at_its_timestamp,
            a_tombstone_is_a_version_like_any_other,
            history_lists_versions_oldest_first_with_tombstones,
            history_accepts_every_range_spelling,
            history_bounds_at_zero_and_u64_max,
            history_of_an_empty_or_inverted_range_is_empty,
            scan_at_lists_the_keys_under_a_prefix_in_key_order,
            scan_at_skips_keys_deleted_or_not_yet_written_at_ts,
            scan_at_with_the_empty_prefix_and_a_whole_key_as_prefix,
            scan_at_with_non_ascii_prefixes,
            random_sequences_with_deletes_history_and_scans_match_a_simple_model,
            history_of_a_short_window_costs_what_it_returns,
            scan_at_visits_only_the_keys_under_its_prefix,
        ],
    }
}

/// Plays `script` on a fresh `TimeKv<u32>`.
///
/// Operations: `set K V TS`, `delete K TS`, `get K TS`, `history K` (every version),
/// `scan PREFIX TS` (`-` is the empty prefix), `len`.
#[track_caller]
fn check(script: &str) {
    scenario("TimeKv::<u32>::new(), then the steps below");
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
        ["delete", k, t] => {
            let t = ts(t);
            Played::new(format!("delete({k:?}, {})", show_ts(t)), kv.delete(k, t))
        }
        ["get", k, t] => {
            let t = ts(t);
            Played::new(format!("get({k:?}, {})", show_ts(t)), kv.get(k, t))
        }
        ["history", k] => Played::new(format!("history({k:?}, ..)"), kv.history(k, ..)),
        ["scan", p, t] => {
            let p = if *p == "-" { "" } else { p };
            let t = ts(t);
            Played::new(format!("scan_at({p:?}, {})", show_ts(t)), kv.scan_at(p, t))
        }
        ["len"] => Played::new("len()".into(), kv.len()),
        other => panic!("script error: unknown operation {other:?}"),
    }
}

fn delete_hides_the_key_from_its_timestamp_until_the_next_version(_: &mut Ctx) {
    check(
        "
        set k 1 10
        delete k 20 -> true
        get k 19 -> Some(1)     # the past before the delete is still readable
        get k 20 -> None        # from the tombstone's own timestamp the key is gone
        get k 25 -> None
        get k max -> None
        set k 2 30 -> None      # a later set brings the key back
        get k 29 -> None
        get k 30 -> Some(2)
        get k 15 -> Some(1)
        len -> 3                # two values and one tombstone
        ",
    );
}

fn a_late_delete_slots_in_between_versions(_: &mut Ctx) {
    check(
        "
        set k 1 10
        set k 3 30
        delete k 20 -> true     # arrives after the version at 30
        get k 19 -> Some(1)
        get k 20 -> None
        get k 29 -> None
        get k 30 -> Some(3)     # the newer version is still in force from 30
        delete k 5 -> false     # before the first version: nothing was live at 5
        get k 5 -> None
        get k 10 -> Some(1)     # the older tombstone does not hide the version at 10
        len -> 4
        ",
    );
}

fn delete_returns_whether_a_value_was_live_at_its_timestamp(_: &mut Ctx) {
    check(
        "
        set k 1 10
        delete k 15 -> true     # a value was in force at 15
        delete k 16 -> false    # already deleted at 16
        delete ghost 5 -> false # a key never written
        set j 1 50
        delete j 40 -> false    # before j's first version
        delete j 50 -> true     # at exactly a value's timestamp: that value was live
        get j 50 -> None        # and the tombstone replaced it
        delete j 50 -> false    # twice in a row: the second finds only a tombstone
        set m 1 10
        delete m max -> true    # the very last timestamp
        delete m 0 -> false
        ",
    );
}

fn a_tombstone_is_a_version_like_any_other(_: &mut Ctx) {
    check(
        "
        delete ghost 20 -> false
        len -> 1                # the tombstone is stored even though nothing was deleted
        history ghost -> [(20, None)]
        set ghost 7 10 -> None  # a late write before the tombstone
        get ghost 15 -> Some(7)
        get ghost 20 -> None    # the tombstone still hides it from 20
        set k 1 10
        set k 2 20
        delete k 20 -> true     # replaces the value at 20
        len -> 4
        get k 20 -> None
        get k 19 -> Some(1)
        set k 3 20 -> None      # replaces the tombstone: there was no value to return
        len -> 4
        get k 20 -> Some(3)
        history k -> [(10, Some(1)), (20, Some(3))]
        ",
    );
}

fn history_lists_versions_oldest_first_with_tombstones(_: &mut Ctx) {
    check(
        "
        set k 3 30
        set k 1 10
        delete k 20
        set k 5 50
        delete k 40
        history k -> [(10, Some(1)), (20, None), (30, Some(3)), (40, None), (50, Some(5))]
        history ghost -> []       # a key never written has no history
        set k 33 30               # a correction shows in place
        history k -> [(10, Some(1)), (20, None), (30, Some(33)), (40, None), (50, Some(5))]
        ",
    );
}

/// The store most history checks read: `k` has 1 at 10, 2 at 20, a tombstone at 30, 4 at 40.
fn ladder() -> TimeKv<u32> {
    let mut kv = TimeKv::new();
    for (t, v) in [(40, Some(4)), (10, Some(1)), (30, None), (20, Some(2))] {
        match v {
            Some(v) => {
                step(format!("set(\"k\", {v}, {t})"));
                kv.set("k", v, t);
            }
            None => {
                step(format!("delete(\"k\", {t})"));
                kv.delete("k", t);
            }
        }
    }
    kv
}

/// Renders a history as the checks write expectations.
pub(crate) fn owned(got: Vec<(u64, Option<&u32>)>) -> Vec<(u64, Option<u32>)> {
    got.into_iter().map(|(t, v)| (t, v.copied())).collect()
}

#[track_caller]
fn expect_history(
    call: &str,
    got: Vec<(u64, Option<&u32>)>,
    expected: &[(u64, Option<u32>)],
    why: &str,
) {
    let got = owned(got);
    step(format!("{call} -> {got:?}"));
    expect_eq(format!("{call}: {why}"), got, expected.to_vec());
}

fn history_accepts_every_range_spelling(_: &mut Ctx) {
    scenario(
        "k has versions 1 at 10, 2 at 20, a tombstone at 30 and 4 at 40 (written out of order); \
         history is asked with every kind of range, bounds exactly on versions",
    );
    let kv = ladder();
    let all = [(10, Some(1)), (20, Some(2)), (30, None), (40, Some(4))];
    expect_history(
        "history(\"k\", ..)",
        kv.history("k", ..),
        &all,
        "every version",
    );
    expect_history(
        "history(\"k\", 20..40)",
        kv.history("k", 20..40),
        &all[1..3],
        "a..b includes a and excludes b",
    );
    expect_history(
        "history(\"k\", 20..=40)",
        kv.history("k", 20..=40),
        &all[1..4],
        "a..=b includes both ends",
    );
    expect_history(
        "history(\"k\", 21..40)",
        kv.history("k", 21..40),
        &all[2..3],
        "only the tombstone at 30 lies in 21..40",
    );
    expect_history(
        "history(\"k\", 20..)",
        kv.history("k", 20..),
        &all[1..],
        "a.. runs to the end",
    );
    expect_history(
        "history(\"k\", ..20)",
        kv.history("k", ..20),
        &all[..1],
        "..b excludes b",
    );
    expect_history(
        "history(\"k\", ..=20)",
        kv.history("k", ..=20),
        &all[..2],
        "..=b includes b",
    );
    expect_history(
        "history(\"k\", (Excluded(20), Included(40)))",
        kv.history("k", (Excluded(20), Included(40))),
        &all[2..],
        "an excluded start leaves out the version at 20",
    );
    expect_history(
        "history(\"k\", (Excluded(10), Unbounded))",
        kv.history("k", (Excluded(10), Unbounded)),
        &all[1..],
        "an excluded start leaves out the version at 10",
    );
    expect_history(
        "history(\"k\", (Excluded(9), Excluded(40)))",
        kv.history("k", (Excluded(9), Excluded(40))),
        &all[..3],
        "excluded 9 still includes 10; excluded 40 leaves out 40",
    );
    expect_history(
        "history(\"k\", 11..20)",
        kv.history("k", 11..20),
        &[],
        "no version lies strictly between 10 and 20",
    );
    expect_history(
        "history(\"k\", 30..=30)",
        kv.history("k", 30..=30),
        &all[2..3],
        "a one-timestamp range on the tombstone lists the tombstone",
    );
}

fn history_bounds_at_zero_and_u64_max(_: &mut Ctx) {
    scenario(
        "k has 1 at 0, 2 at u64::MAX - 1 and a tombstone at u64::MAX; history at the ends of time",
    );
    let mut kv: TimeKv<u32> = TimeKv::new();
    step("set(\"k\", 1, 0); set(\"k\", 2, u64::MAX - 1); delete(\"k\", u64::MAX)");
    kv.set("k", 1, 0);
    kv.set("k", 2, u64::MAX - 1);
    kv.delete("k", u64::MAX);
    let all = [(0, Some(1)), (u64::MAX - 1, Some(2)), (u64::MAX, None)];
    expect_history(
        "history(\"k\", 0..=u64::MAX)",
        kv.history("k", 0..=u64::MAX),
        &all,
        "every version",
    );
    expect_history(
        "history(\"k\", 0..u64::MAX)",
        kv.history("k", 0..u64::MAX),
        &all[..2],
        "..u64::MAX excludes the tombstone at u64::MAX",
    );
    expect_history(
        "history(\"k\", 0..=0)",
        kv.history("k", 0..=0),
        &all[..1],
        "the version at 0",
    );
    expect_history(
        "history(\"k\", ..1)",
        kv.history("k", ..1),
        &all[..1],
        "the version at 0",
    );
    expect_history(
        "history(\"k\", u64::MAX..)",
        kv.history("k", u64::MAX..),
        &all[2..],
        "the tombstone at u64::MAX",
    );
    expect_history(
        "history(\"k\", (Excluded(u64::MAX - 1), Unbounded))",
        kv.history("k", (Excluded(u64::MAX - 1), Unbounded)),
        &all[2..],
        "only u64::MAX is after u64::MAX - 1",
    );
    expect_history(
        "history(\"k\", (Excluded(u64::MAX), Unbounded))",
        kv.history("k", (Excluded(u64::MAX), Unbounded)),
        &[],
        "nothing comes after u64::MAX (and this must not overflow or panic)",
    );
    expect_history(
        "history(\"k\", (Excluded(0), Included(u64::MAX - 1)))",
        kv.history("k", (Excluded(0), Included(u64::MAX - 1))),
        &all[1..2],
        "excluded 0, included u64::MAX - 1",
    );
}

/// A range as a pair of bounds.
type Bounds = (Bound<u64>, Bound<u64>);

// Inverted ranges are the point of this check.
#[allow(clippy::reversed_empty_ranges)]
fn history_of_an_empty_or_inverted_range_is_empty(_: &mut Ctx) {
    scenario(
        "k has versions at 10, 20, 30 (tombstone) and 40; ranges that contain no timestamp must \
         give an empty list, never a panic (BTreeMap::range panics on some of them)",
    );
    let kv = ladder();
    let cases: [(&str, Bounds); 7] = [
        ("20..20", (Included(20), Excluded(20))),
        ("40..10", (Included(40), Excluded(10))),
        ("30..=20", (Included(30), Included(20))),
        ("(Excluded(20), Excluded(20))", (Excluded(20), Excluded(20))),
        ("(Excluded(20), Included(20))", (Excluded(20), Included(20))),
        ("(Excluded(20), Excluded(21))", (Excluded(20), Excluded(21))),
        (
            "(Excluded(u64::MAX), Included(u64::MAX))",
            (Excluded(u64::MAX), Included(u64::MAX)),
        ),
    ];
    for (spelled, range) in cases {
        expect_history(
            &format!("history(\"k\", {spelled})"),
            kv.history("k", range),
            &[],
            "this range holds no timestamp at all",
        );
    }
    expect_history(
        "history(\"k\", 50..5)",
        kv.history("k", 50..5),
        &[],
        "an inverted range is empty",
    );
    expect_history(
        "history(\"ghost\", ..)",
        kv.history("ghost", ..),
        &[],
        "a key never written has no versions",
    );
    expect_history(
        "history(\"ghost\", 9..3)",
        kv.history("ghost", 9..3),
        &[],
        "an unknown key and an inverted range",
    );
}

fn scan_at_lists_the_keys_under_a_prefix_in_key_order(_: &mut Ctx) {
    check(
        "
        set user:2 2 10
        set users 5 10
        set user:10 10 10
        set usea 7 10
        set user 0 10
        set user:1 1 10
        set uses 8 10
        scan user: 10 -> [(\"user:1\", 1), (\"user:10\", 10), (\"user:2\", 2)]   # string order: user:10 sorts before user:2
        scan user 10 -> [(\"user\", 0), (\"user:1\", 1), (\"user:10\", 10), (\"user:2\", 2), (\"users\", 5)]
        scan users 10 -> [(\"users\", 5)]
        scan usea 10 -> [(\"usea\", 7)]
        scan use 10 -> [(\"usea\", 7), (\"user\", 0), (\"user:1\", 1), (\"user:10\", 10), (\"user:2\", 2), (\"users\", 5), (\"uses\", 8)]
        scan usf 10 -> []
        scan user:3 10 -> []
        scan user 9 -> []       # nothing was written yet at 9
        ",
    );
}

fn scan_at_skips_keys_deleted_or_not_yet_written_at_ts(_: &mut Ctx) {
    check(
        "
        set a:1 1 10
        set a:2 2 10
        set a:3 3 10
        set a:4 4 10
        set a:5 5 30
        delete a:1 20           # gone at 20
        delete a:2 25           # gone only after 20
        delete a:3 15
        set a:3 33 18           # deleted, then back before 20
        delete a:4 20
        set a:4 44 20           # a set replaced the tombstone at 20
        scan a: 20 -> [(\"a:2\", 2), (\"a:3\", 33), (\"a:4\", 44)]   # a:1 deleted at 20, a:5 not yet written
        scan a: 19 -> [(\"a:1\", 1), (\"a:2\", 2), (\"a:3\", 33), (\"a:4\", 4)]
        scan a: 16 -> [(\"a:1\", 1), (\"a:2\", 2), (\"a:4\", 4)]   # a:3 was deleted at 15
        scan a: 30 -> [(\"a:3\", 33), (\"a:4\", 44), (\"a:5\", 5)]
        scan a: 9 -> []
        ",
    );
}

fn scan_at_with_the_empty_prefix_and_a_whole_key_as_prefix(_: &mut Ctx) {
    check(
        "
        set b 2 5
        set a 1 5
        set ab 3 5
        set c 4 5
        delete c 6
        scan - 5 -> [(\"a\", 1), (\"ab\", 3), (\"b\", 2), (\"c\", 4)]   # the empty prefix matches every key
        scan - 6 -> [(\"a\", 1), (\"ab\", 3), (\"b\", 2)]
        scan a 5 -> [(\"a\", 1), (\"ab\", 3)]      # a whole key is a prefix of itself
        scan ab 5 -> [(\"ab\", 3)]
        scan abc 5 -> []
        scan c 6 -> []
        ",
    );
}

fn scan_at_with_non_ascii_prefixes(_: &mut Ctx) {
    scenario(
        "keys with non-ASCII text, written at 5: \"e\", \"é\", \"éa\", \"f\", \"日\", \"日本\", \"日本語\", \
         \"本\", \"a\\u{10FFFF}\", \"a\\u{10FFFF}b\", \"b\" (U+10FFFF is the last char there is)",
    );
    let mut kv: TimeKv<u32> = TimeKv::new();
    let keys = [
        "日本",
        "e",
        "éa",
        "a\u{10FFFF}b",
        "f",
        "日",
        "本",
        "é",
        "日本語",
        "a\u{10FFFF}",
        "b",
    ];
    for (i, k) in keys.iter().enumerate() {
        step(format!("set({k:?}, {i}, 5)"));
        kv.set(k, i as u32, 5);
    }
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "日",
            &["日", "日本", "日本語"],
            "every key that starts with 日, in string order",
        ),
        ("日本", &["日本", "日本語"], "日本 and its extension"),
        ("é", &["é", "éa"], "é is its own character, unrelated to e"),
        ("e", &["e"], "\"é\" does not start with \"e\""),
        (
            "a\u{10FFFF}",
            &["a\u{10FFFF}", "a\u{10FFFF}b"],
            "a prefix ending in the last char (there is no next char to stop at)",
        ),
        (
            "a",
            &["a\u{10FFFF}", "a\u{10FFFF}b"],
            "both keys start with \"a\"",
        ),
    ];
    for (prefix, expected, why) in cases {
        let got: Vec<String> = kv
            .scan_at(prefix, 5)
            .into_iter()
            .map(|(k, _)| k.to_owned())
            .collect();
        step(format!("scan_at({prefix:?}, 5) -> keys {got:?}"));
        expect_eq(
            format!("the keys of scan_at({prefix:?}, 5): {why}"),
            got,
            expected.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        );
    }
}

/// One operation of the random sequences.
#[derive(Debug, Clone)]
enum Op {
    Set(String, u32, u64),
    Delete(String, u64),
    Get(String, u64),
    History(String, Bound<u64>, Bound<u64>),
    Scan(String, u64),
    Len,
}

pub(crate) fn draw_bound(r: &mut Rng, top: u64) -> Bound<u64> {
    match r.below(3) {
        0 => Included(r.edgy(0, top)),
        1 => Excluded(r.edgy(0, top)),
        _ => Unbounded,
    }
}

/// The model's `history` for any pair of bounds.
pub(crate) fn model_history(
    m: &Model,
    key: &str,
    start: Bound<u64>,
    end: Bound<u64>,
) -> Vec<(u64, Option<u32>)> {
    let from = match start {
        Included(s) => Some(s),
        Excluded(s) => s.checked_add(1),
        Unbounded => Some(0),
    };
    let to = match end {
        Included(e) => Some(e),
        Excluded(e) => e.checked_sub(1),
        Unbounded => Some(u64::MAX),
    };
    match (from, to) {
        (Some(from), Some(to)) if from <= to => m.history(key, from, to),
        _ => Vec::new(),
    }
}

fn random_sequences_with_deletes_history_and_scans_match_a_simple_model(ctx: &mut Ctx) {
    scenario(
        "random set/delete/get/history/scan_at/len sequences on TimeKv<u32> compared with a flat \
         list of versions; keys from a small alphabet so prefixes overlap, timestamps in any order",
    );
    let mut rng = ctx.rng().fork();
    const KEYS: &[&str] = &["", "a", "ab", "abc", "b", "é", "日本"];
    for round in 0..50 {
        step(format!("round {round}: a fresh store"));
        let mut kv: TimeKv<u32> = TimeKv::new();
        let mut m = Model::default();
        let top = *rng.pick(&[6u64, 40, u64::MAX]);
        model::compare(
            &mut rng,
            40,
            |r: &mut Rng| {
                let k = r.pick(KEYS).to_string();
                let t = r.edgy(0, top);
                match r.below(12) {
                    0..=3 => Op::Set(k, r.below(100) as u32, t),
                    4..=5 => Op::Delete(k, t),
                    6..=7 => Op::Get(k, t),
                    8 => Op::History(k, draw_bound(r, top), draw_bound(r, top)),
                    9..=10 => {
                        let full = r.pick(KEYS);
                        let cut = full
                            .char_indices()
                            .map(|(i, _)| i)
                            .nth(r.index(full.chars().count() + 1))
                            .unwrap_or(full.len());
                        Op::Scan(full[..cut].to_string(), t)
                    }
                    _ => Op::Len,
                }
            },
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
                Op::Len => format!("{}", kv.len()),
            },
            |op| match op {
                Op::Set(k, v, t) => format!("{:?}", m.set(k, *v, *t)),
                Op::Delete(k, t) => format!("{:?}", m.delete(k, *t)),
                Op::Get(k, t) => format!("{:?}", m.get(k, *t)),
                Op::History(k, s, e) => format!("{:?}", model_history(&m, k, *s, *e)),
                Op::Scan(p, t) => format!("{:?}", m.scan_at(p, *t)),
                Op::Len => format!("{}", m.len()),
            },
        );
    }
}

fn history_of_a_short_window_costs_what_it_returns(_: &mut Ctx) {
    scenario(
        "one key with m versions at 0, 10, 20, … (m = 250, then 8,000; every fifth a tombstone); \
         the same batch of 300 history(key, t..t + 50) calls, windows spread over the whole \
         history, each returning 5 versions; the time per call must not grow with m",
    );
    run_prebuilt(
        Scaling::new("history of a short window", 250, 8_000).demanding("O(log m + returned)"),
        |m| {
            let mut kv: TimeKv<u64> = TimeKv::new();
            for i in 0..m as u64 {
                if i % 5 == 4 {
                    kv.delete("hot", i * 10);
                } else {
                    kv.set("hot", i, i * 10);
                }
            }
            (kv, m as u64)
        },
        |(kv, m)| {
            let mut total = 0usize;
            for i in 0..300u64 {
                let t = ((i * 7_919) % (*m - 5)) * 10;
                total += kv.history("hot", t..t + 50).len();
            }
            std::hint::black_box(total);
        },
    );
}

fn scan_at_visits_only_the_keys_under_its_prefix(_: &mut Ctx) {
    scenario(
        "20 keys \"m:00\" … \"m:19\" among n other keys, half named \"a:…\" (before them) and half \
         \"z:…\" (after them), n = 250, then 8,000; the same batch of 100 scan_at(\"m:\", ts); the \
         time per scan must not grow with n",
    );
    run_prebuilt(
        Scaling::new("scan_at of a 20-key prefix", 250, 8_000)
            .demanding("O(log n + keys under the prefix)"),
        |n| {
            let mut kv: TimeKv<u64> = TimeKv::new();
            for i in 0..n / 2 {
                kv.set(&format!("a:{i:06}"), i as u64, 1);
                kv.set(&format!("z:{i:06}"), i as u64, 1);
            }
            for i in 0..20u64 {
                kv.set(&format!("m:{i:02}"), i, 1);
                kv.set(&format!("m:{i:02}"), i + 1, 5);
            }
            kv
        },
        |kv| {
            let mut total = 0usize;
            for i in 0..100u64 {
                total += kv.scan_at("m:", i % 8).len();
            }
            std::hint::black_box(total);
        },
    );
}
