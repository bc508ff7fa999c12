//! Stage windows: level counts over a half-open sliding window of record time, with a lateness tolerance.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, model, scenario, step, Ctx, Stage};

use crate::drill::{Arrival, Level, LevelCounts, LevelWindow};

/// Returns the checks of stage windows.
pub fn stage() -> Stage {
    Stage {
        slug: "windows",
        checks: checks![
            the_first_record_is_on_time_and_sets_the_watermark,
            exactly_the_tolerance_behind_is_on_time_and_one_more_is_late,
            with_no_tolerance_only_records_at_or_after_the_watermark_count,
            a_late_record_changes_neither_counts_nor_watermark,
            an_older_on_time_record_does_not_move_the_watermark_back,
            the_window_is_half_open_at_its_edge,
            tolerated_records_leave_by_their_own_time,
            a_tolerance_wider_than_the_window_counts_old_records_nowhere,
            a_window_of_zero_counts_nothing,
            extreme_times_and_spans_do_not_overflow,
            a_jump_far_ahead_empties_the_window,
            each_level_is_counted_separately,
            random_streams_match_a_simple_model,
            observe_and_counts_do_not_grow_with_the_records_held,
        ],
    }
}

/// The counts as an array in `Level::ALL` order.
fn arr(c: LevelCounts) -> [u64; 6] {
    Level::ALL.map(|l| c.get(l))
}

/// The straightforward model: every on-time record kept, the window recounted on demand.
struct Model {
    window: u64,
    tolerance: u64,
    mark: Option<i64>,
    kept: Vec<(i64, Level)>,
    late: u64,
}

impl Model {
    fn new(window: u64, tolerance: u64) -> Self {
        Model {
            window,
            tolerance,
            mark: None,
            kept: Vec::new(),
            late: 0,
        }
    }

    fn observe(&mut self, t: i64, level: Level) -> Arrival {
        if let Some(m) = self.mark {
            if i128::from(t) < i128::from(m) - i128::from(self.tolerance) {
                self.late += 1;
                return Arrival::Late;
            }
        }
        self.mark = Some(self.mark.map_or(t, |m| m.max(t)));
        self.kept.push((t, level));
        Arrival::OnTime
    }

    fn counts(&self) -> [u64; 6] {
        let mut out = [0; 6];
        if let Some(m) = self.mark {
            for &(t, level) in &self.kept {
                if i128::from(t) > i128::from(m) - i128::from(self.window) && t <= m {
                    out[level as usize] += 1;
                }
            }
        }
        out
    }
}

/// What one observe shows: its arrival, the counts after it, late() and watermark().
type Seen = (Arrival, [u64; 6], u64, Option<i64>);

/// Plays `(time, level)` records on `LevelWindow::new(window, tolerance)` and on the model,
/// checking every answer after every record; `why` explains the scenario.
#[track_caller]
fn play(why: &str, window: u64, tolerance: u64, records: &[(i64, Level)]) {
    scenario(format!(
        "LevelWindow::new({window}, {tolerance}) (window_ms, tolerance_ms); {why}"
    ));
    let mut w = LevelWindow::new(window, tolerance);
    let mut m = Model::new(window, tolerance);
    for &(t, level) in records {
        let got_arrival = w.observe(t, level);
        step(format!("observe({t}, Level::{level:?}) -> {got_arrival:?}"));
        let got: Seen = (got_arrival, arr(w.counts()), w.late(), w.watermark());
        let want_arrival = m.observe(t, level);
        let want: Seen = (want_arrival, m.counts(), m.late, m.mark);
        expect_eq(
            format!(
                "after observe({t}, {level:?}): (arrival, counts per level [TRACE, DEBUG, INFO, WARN, ERROR, FATAL], \
                 late(), watermark()). The watermark is the newest on-time time; late means more than {tolerance} ms \
                 behind it; the window is (watermark - {window}, watermark]"
            ),
            got,
            want,
        );
    }
}

use Level::{Debug, Error, Fatal, Info, Trace, Warn};

fn the_first_record_is_on_time_and_sets_the_watermark(_: &mut Ctx) {
    play(
        "one record, even a very old one, is on time",
        1000,
        0,
        &[(-5_000, Info)],
    );
    play("one record at time 0", 1000, 0, &[(0, Error)]);
    scenario("LevelWindow::new(1000, 0) before any record");
    let w = LevelWindow::new(1000, 0);
    expect_eq(
        "(counts, late(), watermark()) of a new window",
        (arr(w.counts()), w.late(), w.watermark()),
        ([0; 6], 0, None),
    );
}

fn exactly_the_tolerance_behind_is_on_time_and_one_more_is_late(_: &mut Ctx) {
    play(
        "records exactly 500 ms behind the watermark 10000 (on time) and 501 ms behind (late)",
        60_000,
        500,
        &[
            (10_000, Info),
            (9_500, Warn),
            (9_499, Error),
            (9_500, Error),
            (10_000, Info),
        ],
    );
}

fn with_no_tolerance_only_records_at_or_after_the_watermark_count(_: &mut Ctx) {
    play(
        "tolerance 0: a record at the watermark is on time, one a millisecond older is late",
        60_000,
        0,
        &[
            (100, Info),
            (100, Info),
            (99, Info),
            (101, Warn),
            (100, Warn),
        ],
    );
}

fn a_late_record_changes_neither_counts_nor_watermark(_: &mut Ctx) {
    play(
        "a late ERROR must not change the error count; several late records each add 1 to late()",
        10_000,
        1_000,
        &[
            (50_000, Info),
            (48_999, Error),
            (45_000, Fatal),
            (51_000, Info),
            (49_999, Error),
        ],
    );
}

fn an_older_on_time_record_does_not_move_the_watermark_back(_: &mut Ctx) {
    play(
        "a tolerated older record is counted, and the watermark stays at the newest time",
        1_000,
        300,
        &[(5_000, Info), (4_800, Debug), (4_700, Trace), (5_100, Info)],
    );
}

fn the_window_is_half_open_at_its_edge(_: &mut Ctx) {
    play(
        "window 1000: a record exactly 1000 ms older than the watermark is out, 999 ms older is in",
        1_000,
        0,
        &[
            (0, Error),
            (1, Warn),
            (999, Info),
            (1_000, Info),
            (1_001, Info),
            (1_999, Debug),
            (2_000, Debug),
        ],
    );
}

fn tolerated_records_leave_by_their_own_time(_: &mut Ctx) {
    play(
        "out-of-order records (within the tolerance) must leave the window when THEIR time is out, \
         not in the order they arrived",
        1_000,
        500,
        &[(1_000, Info), (600, Error), (900, Warn), (700, Fatal), (1_600, Trace), (1_650, Trace), (1_700, Trace), (1_900, Trace), (2_000, Trace)],
    );
}

fn a_tolerance_wider_than_the_window_counts_old_records_nowhere(_: &mut Ctx) {
    play(
        "tolerance 5000 over a window of 100: an old record is OnTime (not late) but outside the window",
        100,
        5_000,
        &[(10_000, Info), (9_950, Warn), (9_900, Error), (5_000, Error), (4_999, Fatal)],
    );
}

fn a_window_of_zero_counts_nothing(_: &mut Ctx) {
    play(
        "window 0 is the empty interval (w, w]",
        0,
        10,
        &[(5, Info), (5, Error), (6, Warn), (1, Info)],
    );
}

fn extreme_times_and_spans_do_not_overflow(_: &mut Ctx) {
    play(
        "times at i64::MAX and i64::MIN with u64::MAX window and tolerance (i64::MAX - u64::MAX = i64::MIN)",
        u64::MAX,
        u64::MAX,
        &[(i64::MAX, Info), (i64::MIN, Error), (0, Warn), (i64::MIN + 1, Debug)],
    );
    play(
        "a tolerance one short of u64::MAX: i64::MIN is then late behind i64::MAX",
        u64::MAX,
        u64::MAX - 1,
        &[(i64::MAX, Info), (i64::MIN, Error), (i64::MIN + 1, Warn)],
    );
    play(
        "starting at i64::MIN, then jumping to i64::MAX with a huge window",
        u64::MAX - 5,
        0,
        &[
            (i64::MIN, Info),
            (i64::MIN + 3, Info),
            (i64::MAX, Warn),
            (i64::MAX, Error),
        ],
    );
}

fn a_jump_far_ahead_empties_the_window(_: &mut Ctx) {
    let mut records: Vec<(i64, Level)> = (0..50)
        .map(|i| (i * 10, Level::ALL[i as usize % 6]))
        .collect();
    records.push((10_000_000, Warn));
    records.push((10_000_000 - 100, Error));
    play(
        "50 records over half a second, then a record 10,000 s later: only it is left",
        60_000,
        0,
        &records,
    );
}

fn each_level_is_counted_separately(_: &mut Ctx) {
    let records: Vec<(i64, Level)> = Level::ALL
        .iter()
        .enumerate()
        .flat_map(|(i, &l)| (0..=i).map(move |k| (k as i64 * 7 + i as i64, l)))
        .collect();
    play(
        "1 TRACE, 2 DEBUG, 3 INFO, 4 WARN, 5 ERROR, 6 FATAL records",
        1_000_000,
        1_000_000,
        &records,
    );
    scenario("LevelCounts::total after those records");
    let mut w = LevelWindow::new(1_000_000, 1_000_000);
    for &(t, l) in &records {
        w.observe(t, l);
    }
    expect_eq(
        "counts().total(): 1 + 2 + 3 + 4 + 5 + 6",
        w.counts().total(),
        21,
    );
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Observe(i64, Level),
}

fn random_streams_match_a_simple_model(ctx: &mut Ctx) {
    for round in 0..40 {
        let rng = ctx.rng();
        let window = *rng.pick(&[0u64, 1, 10, 100, 1_000, u64::MAX]);
        let tolerance = *rng.pick(&[0u64, 1, 5, 50, 500, u64::MAX]);
        let base = rng.edgy_i64(i64::MIN, i64::MAX);
        scenario(format!("random stream #{round}: LevelWindow::new({window}, {tolerance}), times around {base}, shuffled, late and duplicated"));
        let mut w = LevelWindow::new(window, tolerance);
        let mut m = Model::new(window, tolerance);
        let mut now = 0i64;
        model::compare(
            rng,
            200,
            |rng| {
                now += rng.below(30) as i64;
                let jitter = rng.below(80) as i64;
                let t = if rng.chance(70) { now - jitter } else { now };
                Op::Observe(base.saturating_add(t), *rng.pick(&Level::ALL))
            },
            |&Op::Observe(t, l)| {
                let a = w.observe(t, l);
                (a, arr(w.counts()), w.late(), w.watermark())
            },
            |&Op::Observe(t, l)| {
                let a = m.observe(t, l);
                (a, m.counts(), m.late, m.mark)
            },
        );
    }
}

fn observe_and_counts_do_not_grow_with_the_records_held(_: &mut Ctx) {
    scenario(
        "a window holding n in-order records (one every 10 ms, window 10·n ms); we time 500 more observes, each \
         pushing one record out, with counts() after each, for n = 250 and n = 4,000",
    );
    // Built once per size (the window keeps its size as it slides), so a slow set-up is paid once.
    let build = |n: usize| {
        let mut w = LevelWindow::new(n as u64 * 10, 0);
        for i in 0..n as i64 {
            w.observe(i * 10, Level::ALL[i as usize % 6]);
        }
        RefCell::new((w, n as i64))
    };
    let built = [build(250), build(4_000)];
    Scaling::new("LevelWindow::observe + counts on a full window", 250, 4_000)
        .demanding("O(1) amortised")
        .run(
            |n| &built[usize::from(n == 4_000)],
            |state| {
                let (w, next) = &mut *state.borrow_mut();
                let mut sum = 0;
                for _ in 0..500 {
                    w.observe(*next * 10, Level::Error);
                    *next += 1;
                    sum += w.counts().get(Level::Error);
                }
                std::hint::black_box(sum);
            },
        );
}
