//! Helpers shared by the stages: scripted request sequences and a plain model of the fixed-window rules.
// Helpers of later stages are unused while those stages are locked (not compiled in).
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use syskata_kit::{expect_eq, fail, step};

/// One scripted request: `(client, now_ms, expected answer, why the rules demand that answer)`.
pub type Request<'a> = (&'a str, u64, bool, &'a str);

/// Sends each scripted request through `allow`, logging it as a step, and fails at the first answer
/// the rules do not allow.
#[track_caller]
pub fn run_script(mut allow: impl FnMut(&str, u64) -> bool, script: &[Request<'_>]) {
    for &(client, now_ms, expected, why) in script {
        let got = allow(client, now_ms);
        step(format!("allow({client:?}, {now_ms}) -> {got}"));
        expect_eq(format!("allow({client:?}, {now_ms}): {why}"), got, expected);
    }
}

/// The fixed-window rules written as plainly as possible: per client, the aligned window of its latest
/// admission-relevant request and how many requests it admitted there.
#[derive(Debug, Default)]
pub struct FixedWindowModel {
    limit: u32,
    window_ms: u64,
    clients: HashMap<String, (u64, u32)>,
}

impl FixedWindowModel {
    /// Returns the model of `FixedWindowLimiter::new(limit, window_ms)`.
    pub fn new(limit: u32, window_ms: u64) -> Self {
        FixedWindowModel {
            limit,
            window_ms: window_ms.max(1),
            clients: HashMap::new(),
        }
    }

    /// Returns what `allow(client, now_ms)` must answer, and records it.
    pub fn allow(&mut self, client: &str, now_ms: u64) -> bool {
        let window = now_ms / self.window_ms;
        let (current, count) = self.clients.entry(client.to_owned()).or_insert((window, 0));
        if window > *current {
            *current = window;
            *count = 0;
        }
        if *count < self.limit {
            *count += 1;
            true
        } else {
            false
        }
    }
}

/// One operation of a random fixed-window scenario.
#[derive(Debug, Clone)]
pub struct Allow {
    /// The client asking.
    pub client: &'static str,
    /// The injected time.
    pub now_ms: u64,
}

/// Returns a generator of fixed-window requests from a few clients, with time moving forward by small
/// steps, window-sized steps and occasional long idle gaps (never backwards).
pub fn fixed_window_traffic(window_ms: u64) -> impl FnMut(&mut syskata_kit::Rng) -> Allow {
    let mut now_ms = 0u64;
    move |rng| {
        now_ms += match rng.below(10) {
            0..=4 => 0,
            5..=7 => rng.below(window_ms / 2 + 1),
            8 => rng.range(window_ms / 2, window_ms * 2),
            _ => rng.range(window_ms * 2, window_ms * 20),
        };
        Allow {
            client: ["ann", "bob", "cid"][rng.index(3)],
            now_ms,
        }
    }
}

/// A time budget for a scaling probe: an implementation whose cost grows with the size can spend
/// seconds just building the large structure, and should get an explanation rather than the
/// watchdog's "possible deadlock" verdict.
pub struct ProbeBudget {
    started: Instant,
    advice: &'static str,
}

impl ProbeBudget {
    /// How long a probe may run in all; the reference needs well under a second even on a busy machine.
    const LIMIT: Duration = Duration::from_millis(3_500);

    /// Starts the clock; `advice` says what the required complexity implies for the learner's code.
    pub fn start(advice: &'static str) -> Self {
        ProbeBudget {
            started: Instant::now(),
            advice,
        }
    }

    /// Fails the check if the probe has run out of time while `doing` what it describes.
    #[track_caller]
    pub fn check(&self, doing: impl FnOnce() -> String) {
        let spent = self.started.elapsed();
        if spent > Self::LIMIT {
            fail(format!(
                "this probe ran out of time: {:.1} s spent and it is still {}. The stage's required complexity \
                 needs well under a second for the whole probe, so the cost of each call grows with the size.\n{}",
                spent.as_secs_f64(),
                doing(),
                self.advice
            ));
        }
    }
}
