//! The kv_store drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: kv_store, reference: kv_store_solution);

mod bench;
// Each stage uses part of the helpers; with only some stages compiled the rest is unused.
#[allow(dead_code)]
mod support;

#[cfg(feature = "stage-basics")]
mod basics;
#[cfg(feature = "stage-compare_and_set")]
mod compare_and_set;
#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-snapshots")]
mod snapshots;
#[cfg(feature = "stage-transactions")]
mod transactions;
#[cfg(feature = "stage-ttl")]
mod ttl;

/// Returns the suite with every stage compiled into this build.
// Which pushes exist depends on the enabled stage features, so `vec![…]` cannot list them.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-basics")]
    stages.push(basics::stage());
    #[cfg(feature = "stage-ttl")]
    stages.push(ttl::stage());
    #[cfg(feature = "stage-compare_and_set")]
    stages.push(compare_and_set::stage());
    #[cfg(feature = "stage-transactions")]
    stages.push(transactions::stage());
    #[cfg(feature = "stage-snapshots")]
    stages.push(snapshots::stage());
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    syskata_kit::Suite {
        drill: "kv_store",
        stages,
        bench: Some(bench::bench),
    }
}
