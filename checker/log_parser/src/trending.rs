//! Stage trending: the top k error signatures over a sliding window of record time, as records arrive and leave.

use std::cell::RefCell;
use std::collections::HashMap;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::{Level, Record, TrendingErrors};

/// Returns the checks of stage trending.
pub fn stage() -> Stage {
    Stage {
        slug: "trending",
        checks: checks![
            a_record_exactly_a_window_old_is_not_counted_and_one_ms_newer_is,
            records_leave_at_the_edge_through_advance,
            records_leave_at_the_edge_through_observe,
            advance_never_moves_the_window_back,
            a_warn_record_with_a_late_time_does_not_move_the_window,
            an_older_record_counts_and_leaves_by_its_own_time,
            when_the_leader_leaves_the_next_signature_takes_the_top,
            ties_go_to_the_signature_that_entered_the_window_first,
            a_signature_that_left_and_came_back_enters_anew,
            signatures_are_normalised_as_in_stage_four,
            k_zero_and_a_window_of_zero_show_nothing,
            signatures_that_left_are_forgotten,
            random_streams_match_a_model_that_recounts_the_window,
            top_does_not_grow_with_the_signatures_in_the_window,
            observe_does_not_grow_with_the_signatures_in_the_window,
        ],
    }
}

/// A record of `level` at `t` with `component: message`.
fn rec(t: i64, level: Level, component: &str, message: &str) -> Record {
    Record {
        line: 1,
        timestamp_ms: t,
        level,
        component: component.to_owned(),
        message: message.to_owned(),
    }
}

/// One step of a scenario.
#[derive(Debug, Clone)]
enum Op {
    /// observe(record) and the answer it must give.
    Observe(i64, Level, &'static str, bool),
    /// advance(now).
    Advance(i64),
    /// top() must return these.
    Top(Vec<(&'static str, u64)>),
}

use Op::{Advance, Observe, Top};

/// An ERROR record of signature `c: m` (component `c`, message `m`) at `t`, expected counted or not.
fn err(t: i64, sig: &'static str, counted: bool) -> Op {
    Observe(t, Level::Error, sig, counted)
}

#[track_caller]
fn play(about: &str, k: usize, window: u64, ops: &[Op]) {
    scenario(format!(
        "TrendingErrors::new({k}, {window}); {about}\n(records are written `signature @ time`; the window is \
         (newest - {window}, newest], newest = the latest time seen)"
    ));
    let mut t = TrendingErrors::new(k, window);
    for op in ops {
        match op {
            Observe(time, level, sig, counted) => {
                let (c, m) = sig.split_once(": ").unwrap_or((sig, ""));
                let got = t.observe(&rec(*time, *level, c, m));
                step(format!("observe({level:?} {sig:?} @ {time}) -> {got}"));
                expect_eq(
                    format!("observe({level:?} {sig:?} @ {time}): counted?"),
                    got,
                    *counted,
                );
            }
            Advance(now) => {
                step(format!("advance({now})"));
                t.advance(*now);
            }
            Top(want) => {
                let want: Vec<(String, u64)> =
                    want.iter().map(|&(s, c)| (s.to_owned(), c)).collect();
                let got = t.top();
                step(format!("top() -> {got:?}"));
                expect_eq(
                    "top(): the records now in the window, by count, ties to the signature that entered first",
                    got,
                    want,
                );
            }
        }
    }
}

fn a_record_exactly_a_window_old_is_not_counted_and_one_ms_newer_is(_: &mut Ctx) {
    play(
        "after a record at 1000, one at 0 (exactly 1000 old) is outside, one at 1 is inside",
        5,
        1000,
        &[
            err(1000, "a: x", true),
            err(0, "b: y", false),
            err(1, "c: z", true),
            Top(vec![("a: x", 1), ("c: z", 1)]),
        ],
    );
}

fn records_leave_at_the_edge_through_advance(_: &mut Ctx) {
    play(
        "a record at 0 is in the window until newest reaches 1000",
        5,
        1000,
        &[
            err(0, "a: x", true),
            Advance(999),
            Top(vec![("a: x", 1)]),
            Advance(1000),
            Top(vec![]),
        ],
    );
}

fn records_leave_at_the_edge_through_observe(_: &mut Ctx) {
    play(
        "records at 0 and 1; a record at 1000 pushes out the one at 0 only, a record at 1001 the one at 1",
        5,
        1000,
        &[
            err(0, "a: x", true),
            err(1, "a: x", true),
            err(1000, "b: y", true),
            Top(vec![("a: x", 1), ("b: y", 1)]),
            err(1001, "b: y", true),
            Top(vec![("b: y", 2)]),
        ],
    );
}

fn advance_never_moves_the_window_back(_: &mut Ctx) {
    play(
        "advance(5000) then advance(100): the window stays (4000, 5000]",
        5,
        1000,
        &[
            Advance(5000),
            Advance(100),
            err(4000, "old: x", false),
            err(4001, "a: x", true),
            Top(vec![("a: x", 1)]),
        ],
    );
}

fn a_warn_record_with_a_late_time_does_not_move_the_window(_: &mut Ctx) {
    play(
        "only ERROR and FATAL move the window: a WARN or INFO far in the future changes nothing",
        5,
        1000,
        &[
            err(100, "a: x", true),
            Observe(1_000_000, Level::Warn, "w: x", false),
            Observe(2_000_000, Level::Info, "i: x", false),
            Top(vec![("a: x", 1)]),
            err(500, "b: y", true),
            Observe(600, Level::Fatal, "b: y", true),
            Top(vec![("b: y", 2), ("a: x", 1)]),
        ],
    );
}

fn an_older_record_counts_and_leaves_by_its_own_time(_: &mut Ctx) {
    play(
        "a record at 500 arriving after one at 1000 is counted, and leaves when newest reaches 1500 — before the one at 1000",
        5,
        1000,
        &[
            err(1000, "a: x", true),
            err(500, "b: y", true),
            err(700, "b: y", true),
            Top(vec![("b: y", 2), ("a: x", 1)]),
            Advance(1500),
            Top(vec![("a: x", 1), ("b: y", 1)]),
            Advance(1700),
            Top(vec![("a: x", 1)]),
            Advance(2000),
            Top(vec![]),
        ],
    );
}

fn when_the_leader_leaves_the_next_signature_takes_the_top(_: &mut Ctx) {
    play(
        "k = 1: A three times early, B twice later; once A's records leave, B is the top",
        1,
        1000,
        &[
            err(0, "a: A", true),
            err(1, "a: A", true),
            err(2, "a: A", true),
            err(500, "b: B", true),
            err(600, "b: B", true),
            Top(vec![("a: A", 3)]),
            Advance(1001),
            Top(vec![("b: B", 2)]),
            err(1400, "c: C", true),
            Advance(1550),
            Top(vec![("b: B", 1)]),
            Advance(1600),
            Top(vec![("c: C", 1)]),
        ],
    );
}

fn ties_go_to_the_signature_that_entered_the_window_first(_: &mut Ctx) {
    play(
        "B enters before A although A's record is older (it arrived later): B leads the tie",
        3,
        1000,
        &[
            err(900, "b: B", true),
            err(800, "a: A", true),
            err(950, "c: C", true),
            Top(vec![("b: B", 1), ("a: A", 1), ("c: C", 1)]),
            err(960, "c: C", true),
            err(970, "a: A", true),
            Top(vec![("a: A", 2), ("c: C", 2), ("b: B", 1)]),
        ],
    );
}

fn a_signature_that_left_and_came_back_enters_anew(_: &mut Ctx) {
    play(
        "A enters first, leaves entirely, and comes back: it is now behind B, which stayed",
        5,
        1000,
        &[
            err(0, "a: A", true),
            err(10, "b: B", true),
            Top(vec![("a: A", 1), ("b: B", 1)]),
            Advance(1005),
            Top(vec![("b: B", 1)]),
            err(1006, "a: A", true),
            Top(vec![("b: B", 1), ("a: A", 1)]),
        ],
    );
    play(
        "A keeps one record in the window throughout: it keeps its place in ties",
        5,
        1000,
        &[
            err(0, "a: A", true),
            err(600, "a: A", true),
            err(10, "b: B", true),
            Advance(1005),
            Top(vec![("a: A", 1), ("b: B", 1)]),
        ],
    );
}

fn signatures_are_normalised_as_in_stage_four(_: &mut Ctx) {
    play(
        "numbers, quotes and ids are placeholders; the stack trace is not part of the signature",
        5,
        60_000,
        &[
            err(1, "db: timeout after 30s\n  at x 1", true),
            err(2, "db: timeout after 45s", true),
            err(3, "api: user \"bob\" id 0x1f", true),
            Observe(4, Level::Fatal, "api: user \"eve\" id 0xfe", true),
            Top(vec![
                ("db: timeout after <num>s", 2),
                ("api: user <str> id <hex>", 2),
            ]),
        ],
    );
}

fn k_zero_and_a_window_of_zero_show_nothing(_: &mut Ctx) {
    play("k = 0", 0, 1000, &[err(1, "a: x", true), Top(vec![])]);
    play(
        "a window of 0 ms: (newest, newest] is empty, nothing is ever counted",
        5,
        0,
        &[
            err(1, "a: x", false),
            err(1, "a: x", false),
            err(2, "a: x", false),
            Top(vec![]),
        ],
    );
}

fn signatures_that_left_are_forgotten(_: &mut Ctx) {
    scenario(
        "TrendingErrors::new(100000, 100): 5,000 records, each with a signature of its own, one every 10 ms; \
         top() must never list more than the signatures of the last 100 ms (a signature whose records all \
         left is dropped, not kept with a count of 0)",
    );
    let mut t = TrendingErrors::new(100_000, 100);
    for i in 0..5000i64 {
        let component = super_letters(i as usize);
        t.observe(&rec(i * 10, Level::Error, &component, "gone soon"));
        if i % 500 == 499 {
            let top = t.top();
            step(format!(
                "after {} records: top() has {} entries",
                i + 1,
                top.len()
            ));
            expect_eq(
                format!("how many signatures top() lists after record {} (the window (newest - 100, newest] holds 10 records)", i + 1),
                top.len(),
                10,
            );
            expect_eq("every count", top.iter().all(|(_, c)| *c == 1), true);
        }
    }
}

/// A component made of letters only (digits would be normalised away).
fn super_letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (i % 26) as u8);
        i /= 26;
        if i == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The model: every counted record kept; the window recounted on every question.
struct Model {
    k: usize,
    window: u64,
    newest: Option<i64>,
    recs: Vec<(i64, String)>,
    since: HashMap<String, u64>,
    next: u64,
}

impl Model {
    fn inside(&self, t: i64) -> bool {
        let n = self.newest.map_or(i128::from(t), i128::from);
        i128::from(t) > n - i128::from(self.window) && i128::from(t) <= n
    }

    fn advance(&mut self, now: i64) {
        self.newest = Some(self.newest.map_or(now, |n| n.max(now)));
        let (window, newest) = (self.window, self.newest);
        self.recs.retain(|(t, _)| {
            let n = newest.map_or(i128::from(*t), i128::from);
            i128::from(*t) > n - i128::from(window)
        });
        let recs = &self.recs;
        self.since.retain(|s, _| recs.iter().any(|(_, r)| r == s));
    }

    fn observe(&mut self, t: i64, level: Level, sig: &str) -> bool {
        if level < Level::Error {
            return false;
        }
        self.advance(t);
        if !self.inside(t) {
            return false;
        }
        self.recs.push((t, sig.to_owned()));
        if !self.since.contains_key(sig) {
            self.since.insert(sig.to_owned(), self.next);
            self.next += 1;
        }
        true
    }

    fn top(&self) -> Vec<(String, u64)> {
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for (_, s) in &self.recs {
            *counts.entry(s).or_default() += 1;
        }
        let mut all: Vec<(String, u64, u64)> = counts
            .into_iter()
            .map(|(s, c)| (s.to_owned(), c, self.since[s]))
            .collect();
        all.sort_by_key(|(_, c, since)| (std::cmp::Reverse(*c), *since));
        all.into_iter()
            .take(self.k)
            .map(|(s, c, _)| (s, c))
            .collect()
    }
}

fn random_streams_match_a_model_that_recounts_the_window(ctx: &mut Ctx) {
    for round in 0..25 {
        let rng = ctx.rng();
        let k = rng.range(0, 5) as usize;
        let window = *rng.pick(&[0u64, 1, 50, 200, 1000]);
        let kinds = rng.range(1, 8);
        scenario(format!(
            "random stream #{round}: TrendingErrors::new({k}, {window}), {kinds} signatures, records mostly in \
             order (some up to 300 ms older), advance() now and then; top() after every step against a model \
             that recounts the window"
        ));
        let mut t = TrendingErrors::new(k, window);
        let mut m = Model {
            k,
            window,
            newest: None,
            recs: Vec::new(),
            since: HashMap::new(),
            next: 0,
        };
        let mut now = 0i64;
        for _ in 0..150 {
            now += rng.below(60) as i64;
            if rng.chance(15) {
                let to = now + rng.below(400) as i64 - 100;
                step(format!("advance({to})"));
                t.advance(to);
                m.advance(to);
            } else {
                let time = if rng.chance(30) {
                    now - rng.below(300) as i64
                } else {
                    now
                };
                let level = *rng.pick(&Level::ALL);
                let component = format!("c{}", char::from(b'a' + rng.below(kinds) as u8));
                let r = rec(time, level, &component, "failed");
                let got = t.observe(&r);
                step(format!(
                    "observe({level:?} {component}: failed @ {time}) -> {got}"
                ));
                let want = m.observe(time, level, &format!("{component}: failed"));
                expect_eq("observe's answer: counted?", got, want);
            }
            expect_eq("top() after this step", t.top(), m.top());
        }
    }
}

const SMALL: usize = 250;
const LARGE: usize = 16_000;

/// A window holding `n` signatures (one record each, the first five twice) over a long window.
fn trending_of(n: usize) -> (TrendingErrors, i64, usize) {
    let mut t = TrendingErrors::new(5, u64::MAX / 4);
    for i in 0..n {
        t.observe(&rec(i as i64, Level::Error, &super_letters(i), "disk full"));
    }
    for i in 0..5 {
        t.observe(&rec(n as i64, Level::Error, &super_letters(i), "disk full"));
    }
    (t, n as i64, n)
}

fn top_does_not_grow_with_the_signatures_in_the_window(_: &mut Ctx) {
    scenario("TrendingErrors::new(5, long window) holding 250 and 16,000 signatures; we time 300 calls of top()");
    let built = [trending_of(SMALL), trending_of(LARGE)].map(RefCell::new);
    Scaling::new("TrendingErrors::top with k = 5", SMALL, LARGE)
        .demanding("O(k)")
        .run(
            |n| &built[usize::from(n == LARGE)],
            |t| {
                let t = t.borrow();
                for _ in 0..300 {
                    std::hint::black_box(t.0.top());
                }
            },
        );
}

fn observe_does_not_grow_with_the_signatures_in_the_window(_: &mut Ctx) {
    scenario(
        "TrendingErrors::new(5, long window) holding 250 and 16,000 signatures; we time 1,000 more observes, each \
         of a signature not in the window yet (so a lookup that walks the signatures walks all of them)",
    );
    let built = [trending_of(SMALL), trending_of(LARGE)].map(RefCell::new);
    let next = std::cell::Cell::new(LARGE + 1);
    let probe = Scaling {
        rounds: 5,
        ..Scaling::new("TrendingErrors::observe with k = 5", SMALL, LARGE)
    }
    .max_ratio(6.0);
    probe.demanding("O(log m)").run(
        |n| &built[usize::from(n == LARGE)],
        |t| {
            let (t, now, _) = &mut *t.borrow_mut();
            for i in 0..1000 {
                *now += 1;
                let r = rec(
                    *now,
                    Level::Error,
                    &super_letters(next.get() + i),
                    "disk full",
                );
                std::hint::black_box(t.observe(&r));
            }
            next.set(next.get() + 1000);
        },
    );
}
