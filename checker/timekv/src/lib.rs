//! The timekv drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: timekv, reference: timekv_solution);

mod bench;
// Each stage uses part of the helpers; with only some stages compiled the rest is unused.
#[allow(dead_code)]
mod support;

#[cfg(feature = "stage-basics")]
mod basics;
#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-history_and_deletes")]
mod history_and_deletes;
#[cfg(feature = "stage-out_of_order")]
mod out_of_order;
#[cfg(feature = "stage-retention")]
mod retention;

/// Returns the suite with every stage compiled into this build.
// Which pushes exist depends on the enabled stage features, so `vec![…]` cannot list them.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-basics")]
    stages.push(basics::stage());
    #[cfg(feature = "stage-out_of_order")]
    stages.push(out_of_order::stage());
    #[cfg(feature = "stage-history_and_deletes")]
    stages.push(history_and_deletes::stage());
    #[cfg(feature = "stage-retention")]
    stages.push(retention::stage());
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    syskata_kit::Suite {
        drill: "timekv",
        stages,
        bench: Some(bench::bench),
    }
}
