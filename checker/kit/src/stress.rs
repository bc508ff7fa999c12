//! Concurrency stress: many threads released at the same instant, with results gathered for invariants.
//!
//! Deadlocks are caught by the per-check watchdog of the harness; call [`crate::step`] before each
//! phase so a timeout report says which phase hung.

use std::sync::Barrier;

/// Runs `body(thread_index)` on `threads` threads that all start at once; returns their results in
/// thread order. A panic in any thread fails the check (its message is reported).
pub fn run_threads<T: Send>(threads: usize, body: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let barrier = &barrier;
                let body = &body;
                std::thread::Builder::new()
                    .name(format!("stress thread {i}"))
                    .spawn_scoped(scope, move || {
                        barrier.wait();
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
