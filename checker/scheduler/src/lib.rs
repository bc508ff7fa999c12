//! The scheduler drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: scheduler, reference: scheduler_solution);

mod bench;
// Each stage uses part of the helpers; with only some stages compiled the rest is unused.
#[allow(dead_code)]
mod support;

#[cfg(feature = "stage-cycles")]
mod cycles;
#[cfg(feature = "stage-dag")]
mod dag;
#[cfg(feature = "stage-priority_aging")]
mod priority_aging;
#[cfg(feature = "stage-retries")]
mod retries;
#[cfg(feature = "stage-workers")]
mod workers;

/// Returns the suite with every stage compiled into this build.
// Which pushes exist depends on the enabled stage features, so `vec![…]` cannot list them.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-dag")]
    stages.push(dag::stage());
    #[cfg(feature = "stage-cycles")]
    stages.push(cycles::stage());
    #[cfg(feature = "stage-retries")]
    stages.push(retries::stage());
    #[cfg(feature = "stage-workers")]
    stages.push(workers::stage());
    #[cfg(feature = "stage-priority_aging")]
    stages.push(priority_aging::stage());
    syskata_kit::Suite {
        drill: "scheduler",
        stages,
        bench: Some(bench::bench),
    }
}
