//! Scaling probes: fail an implementation whose per-operation cost grows with size where it must not.
//!
//! A probe builds the structure at a small and a large size (set-up is not timed), times the same
//! batch of operations on each, and compares. It alternates sizes over several rounds and keeps each
//! size's fastest round, which filters out a noisy neighbour on a shared 2-core machine: noise only
//! ever adds time. With sizes 32× apart, O(1) and O(log n) stay well under the allowed ratio while
//! O(n) lands far above it.

use std::time::{Duration, Instant};

use crate::fail::fail;

/// How many small-size rounds a probe measures at least, even when it ran out of budget.
const MIN_SMALL_ROUNDS: usize = 5;

/// A scaling probe: what it measures and the sizes it compares.
#[derive(Debug, Clone)]
pub struct Scaling {
    /// What is timed, in words (`"get and put on a full cache"`).
    pub what: &'static str,
    /// The small size.
    pub small: usize,
    /// The large size.
    pub large: usize,
    /// The largest allowed ratio of large-size time to small-size time.
    pub max_ratio: f64,
    /// How many rounds of each size to run (the fastest of each counts).
    pub rounds: usize,
    /// The complexity the stage demands, for the message (`"O(1)"`).
    pub demanded: &'static str,
    /// The most time the whole probe may take, set-up included, before it stops with a verdict
    /// on what it measured so far (so a very slow solution fails with an explanation instead of
    /// running into the check's watchdog).
    pub budget: Duration,
}

impl Scaling {
    /// Returns a probe comparing sizes `small` and `large` with the default ratio (5×) and rounds (7).
    pub fn new(what: &'static str, small: usize, large: usize) -> Self {
        Scaling {
            what,
            small,
            large,
            max_ratio: 5.0,
            rounds: 7,
            demanded: "O(1)",
            budget: Duration::from_millis(2500),
        }
    }

    /// Sets the probe's time budget.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Sets the complexity named in the failure message.
    pub fn demanding(mut self, demanded: &'static str) -> Self {
        self.demanded = demanded;
        self
    }

    /// Sets the largest allowed ratio.
    pub fn max_ratio(mut self, ratio: f64) -> Self {
        self.max_ratio = ratio;
        self
    }

    /// Runs the probe: `setup(n)` builds a structure of size `n` (not timed), `work` runs the timed
    /// batch on it. Fails the check with an explanation when the large size is too slow.
    pub fn run<S>(&self, mut setup: impl FnMut(usize) -> S, mut work: impl FnMut(&mut S)) {
        let mut best = [Duration::MAX, Duration::MAX];
        let mut measured = [0usize; 2];
        let mut time = |which: usize, best: &mut [Duration; 2], measured: &mut [usize; 2]| {
            let n = if which == 0 { self.small } else { self.large };
            let mut subject = setup(n);
            let start = Instant::now();
            work(&mut subject);
            best[which] = best[which].min(start.elapsed());
            measured[which] += 1;
        };
        let began = Instant::now();
        'rounds: for round in 0..self.rounds {
            // Alternate which size goes first so neither always gets the warm cache.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for which in order {
                time(which, &mut best, &mut measured);
                if began.elapsed() > self.budget && best.iter().all(|b| *b != Duration::MAX) {
                    // Out of time: only a slow solution gets here. Noise only adds time, so a
                    // noisy large round can only make it look slower, but a noisy small round
                    // makes it look faster: top the cheap small size up to a clean fastest
                    // before judging.
                    break 'rounds;
                }
            }
        }
        while measured[0] < self.rounds.min(MIN_SMALL_ROUNDS) {
            time(0, &mut best, &mut measured);
        }
        let small = best[0].max(Duration::from_nanos(1)).as_secs_f64();
        let ratio = best[1].as_secs_f64() / small;
        if ratio > self.max_ratio {
            fail(format!(
                "{what}: too slow on a large structure — the same batch of operations took {ratio:.1}× as long \
                 at size {large} as at size {small_n} (fastest of {rounds_large} and {rounds_small} rounds: {t_large:?} vs {t_small:?}; \
                 allowed: {max:.0}×).\nThe stage asks for {demanded} per operation; a cost that grows with the \
                 size ({large}/{small_n} = {growth}× more entries) points to a linear scan somewhere on this path.",
                what = self.what,
                large = self.large,
                small_n = self.small,
                rounds_large = measured[1],
                rounds_small = measured[0],
                t_large = best[1],
                t_small = best[0],
                max = self.max_ratio,
                demanded = self.demanded,
                growth = self.large / self.small.max(1),
            ));
        }
    }
}
