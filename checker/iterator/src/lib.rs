//! The iterator drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: iterator, reference: iterator_solution);

mod bench;
mod support;

#[cfg(feature = "stage-basics")]
mod basics;
#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-exactly_once_batch")]
mod exactly_once_batch;
#[cfg(feature = "stage-pause_resume")]
mod pause_resume;
#[cfg(feature = "stage-persist")]
mod persist;

/// Returns the suite with every stage compiled into this build.
// Which pushes exist depends on the features, so `vec![…]` cannot express it.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-basics")]
    stages.push(basics::stage());
    #[cfg(feature = "stage-pause_resume")]
    stages.push(pause_resume::stage());
    #[cfg(feature = "stage-persist")]
    stages.push(persist::stage());
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    #[cfg(feature = "stage-exactly_once_batch")]
    stages.push(exactly_once_batch::stage());
    syskata_kit::Suite {
        drill: "iterator",
        stages,
        bench: Some(bench::bench),
    }
}
