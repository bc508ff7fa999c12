//! The lru drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

#[cfg(all(
    feature = "learner",
    not(any(feature = "reference", feature = "mutant"))
))]
pub use lru as drill;
#[cfg(all(
    feature = "reference",
    not(any(feature = "learner", feature = "mutant"))
))]
pub use lru_solution as drill;
#[cfg(all(
    feature = "mutant",
    not(any(feature = "learner", feature = "reference"))
))]
pub use syskata_mutant as drill;
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

#[cfg(feature = "stage-basics")]
mod basics;

/// Returns the suite with every stage compiled into this build.
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-basics")]
    stages.push(basics::stage());
    syskata_kit::Suite {
        drill: "lru",
        stages,
        bench: None,
    }
}
