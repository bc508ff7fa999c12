//! The staged test harness every drill's checker is built on: checks, stages, a watchdog per check, and helpers.
//!
//! A drill's checker crate builds a [`Suite`] out of [`Stage`]s (one per catalog stage, each compiled only
//! when its cargo feature is on) and hands it to [`main`]. Every check then runs in its own child process,
//! so an endless loop, a deadlock, a stack overflow or an abort in learner code becomes a named failing
//! check instead of a frozen terminal.
//!
//! Helpers for writing checks:
//! - [`fail`]: assertions whose messages teach (scenario, expected, got), and the scenario log;
//! - [`rng`]: a small seeded generator (the seed is printed on every failure);
//! - [`model`]: model-based random operation sequences against a simple reference model;
//! - [`probe`]: scaling probes that fail O(n) where O(1) or O(log n) is required;
//! - [`stress`]: threads released together, with invariants checked afterwards;
//! - [`platform`]: facts asked of the OS at run time (how many threads this process has);
//! - [`linearizability`]: histories of calls recorded from many threads, checked against a sequential
//!   model (Wing–Gong search with memoisation), failures drawn as a timeline.

pub mod fail;
pub mod harness;
pub mod linearizability;
pub mod model;
pub mod platform;
pub mod probe;
pub mod rng;
pub mod stress;

mod outcome;
mod runner;

pub use fail::{expect, expect_eq, fail, scenario, step};
pub use harness::{main, Bench, Check, Ctx, Stage, Suite};
pub use rng::Rng;

/// Builds a `Vec<Check>` from check functions, naming each check after its function.
#[macro_export]
macro_rules! checks {
    ($($f:path),* $(,)?) => {
        vec![$($crate::Check::new({
            let full = stringify!($f);
            full.rsplit("::").next().unwrap_or(full).trim()
        }, $f)),*]
    };
}

/// Declares `crate::drill`, the crate under test, as the one picked by exactly one of the checker's
/// features `learner` (the learner's crate), `reference` (the reference solution) or `mutant` (the
/// `syskata_mutant` slot), and refuses to compile with any other combination.
#[macro_export]
macro_rules! crate_under_test {
    (learner: $learner:ident, reference: $reference:ident $(,)?) => {
        #[cfg(all(
            feature = "mutant",
            not(any(feature = "learner", feature = "reference"))
        ))]
        pub use syskata_mutant as drill;
        #[cfg(all(
            feature = "learner",
            not(any(feature = "reference", feature = "mutant"))
        ))]
        pub use $learner as drill;
        #[cfg(all(
            feature = "reference",
            not(any(feature = "learner", feature = "mutant"))
        ))]
        pub use $reference as drill;
        #[cfg(not(any(
            all(
                feature = "learner",
                not(any(feature = "reference", feature = "mutant"))
            ),
            all(
                feature = "reference",
                not(any(feature = "learner", feature = "mutant"))
            ),
            all(
                feature = "mutant",
                not(any(feature = "learner", feature = "reference"))
            ),
        )))]
        compile_error!("enable exactly one of the features `learner`, `reference`, `mutant`");
    };
}
