//! The rate_limiter drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: rate_limiter, reference: rate_limiter_solution);

mod bench;
mod support;

#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-fixed_window")]
mod fixed_window;
#[cfg(feature = "stage-hierarchical")]
mod hierarchical;
#[cfg(feature = "stage-sliding_window")]
mod sliding_window;
#[cfg(feature = "stage-token_bucket")]
mod token_bucket;

/// Returns the suite with every stage compiled into this build.
// One push per stage compiled in, so the list cannot be a single `vec![]`.
#[allow(unused_mut, clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    let mut stages = Vec::new();
    #[cfg(feature = "stage-fixed_window")]
    stages.push(fixed_window::stage());
    #[cfg(feature = "stage-sliding_window")]
    stages.push(sliding_window::stage());
    #[cfg(feature = "stage-token_bucket")]
    stages.push(token_bucket::stage());
    #[cfg(feature = "stage-hierarchical")]
    stages.push(hierarchical::stage());
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    syskata_kit::Suite {
        drill: "rate_limiter",
        stages,
        bench: Some(bench::bench),
    }
}
