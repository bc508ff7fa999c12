//! Concurrency stress: many threads released at the same instant, with results gathered for invariants.
//!
//! Deadlocks are caught by the per-check watchdog of the harness; call [`crate::step`] before each
//! phase so a timeout report says which phase hung.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A barrier whose waiters spin instead of sleeping, so that they leave it within nanoseconds of
/// each other. `std::sync::Barrier` wakes sleepers one by one, tens of microseconds apart: long
/// enough for the first thread to finish a whole call before the others start, which hides races
/// whose window is a few microseconds wide.
#[derive(Debug)]
pub struct SpinBarrier {
    threads: usize,
    arrived: AtomicUsize,
    abandoned: AtomicBool,
}

impl SpinBarrier {
    /// Returns a barrier for `threads` threads, reusable round after round.
    pub fn new(threads: usize) -> Self {
        SpinBarrier {
            threads,
            arrived: AtomicUsize::new(0),
            abandoned: AtomicBool::new(false),
        }
    }

    /// Waits until all threads have called `wait` for round `round` (0, 1, 2, … in order); returns
    /// `false` once a thread has [abandoned](Self::abandon) the barrier instead.
    pub fn wait(&self, round: usize) -> bool {
        self.arrived.fetch_add(1, Ordering::AcqRel);
        let target = (round + 1) * self.threads;
        let mut spins = 0u32;
        while self.arrived.load(Ordering::Acquire) < target {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(64) {
                // Checked only here, so that the spin itself stays tight: how closely the threads
                // leave the barrier decides how often a race is hit.
                if self.abandoned.load(Ordering::Acquire) {
                    return false;
                }
                // More threads than cores: let a thread that has not arrived yet run.
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        !self.abandoned.load(Ordering::Relaxed)
    }

    /// Releases every waiter now and from now on (`wait` returns `false`): a thread whose call
    /// panicked calls it so the others stop waiting for it and the panic is reported at once,
    /// not as a timeout.
    pub fn abandon(&self) {
        self.abandoned.store(true, Ordering::Release);
    }
}

/// Runs `body(thread_index)` on `threads` threads that all start at once (released by a
/// [`SpinBarrier`]); returns their results in thread order. A panic in any thread fails the check
/// (its message is reported).
pub fn run_threads<T: Send>(threads: usize, body: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = SpinBarrier::new(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let barrier = &barrier;
                let body = &body;
                std::thread::Builder::new()
                    .name(format!("stress thread {i}"))
                    .spawn_scoped(scope, move || {
                        barrier.wait(0);
                        body(i)
                    })
                    .expect("spawn a stress thread")
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(value) => value,
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

/// Returns the number of hardware threads, at least 2 (stress wants interleaving even on one core).
pub fn parallelism() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(2)
}

/// How long a race goes on: at least `min`, then until the caller has seen enough chances for its
/// window to be hit (threads meeting on one key, calls overlapping), but never past `cap`. A busy
/// machine, whose threads run in turns, gives fewer chances per second, so a race runs longer
/// exactly where a fixed duration would let a racy solution through; a quiet one stops at `min`.
#[derive(Clone, Copy, Debug)]
pub struct Chances {
    started: Instant,
    min: Duration,
    cap: Duration,
}

impl Chances {
    /// Starts the clock of a race that runs at least `min` and at most `cap`.
    pub fn new(min: Duration, cap: Duration) -> Self {
        Self {
            started: Instant::now(),
            min,
            cap,
        }
    }

    /// Whether the race may stop: `seen_enough` (the caller's count of chances has reached its
    /// target) once `min` has passed, or `cap` has passed whatever was seen.
    pub fn enough(&self, seen_enough: bool) -> bool {
        let elapsed = self.started.elapsed();
        (elapsed >= self.min && seen_enough) || elapsed >= self.cap
    }

    /// How long the race has run.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_race_stops_after_its_minimum_once_it_has_seen_enough_and_at_its_cap_regardless() {
        let chances = Chances::new(Duration::from_millis(20), Duration::from_millis(60));
        assert!(!chances.enough(true), "before the minimum");
        std::thread::sleep(Duration::from_millis(25));
        assert!(chances.enough(true), "past the minimum, enough seen");
        assert!(!chances.enough(false), "past the minimum, not enough seen");
        std::thread::sleep(Duration::from_millis(40));
        assert!(chances.enough(false), "past the cap");
    }
}
