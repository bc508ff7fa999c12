//! The lru drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: lru, reference: lru_solution);

mod bench;
// Each stage uses part of the helpers; with only some stages compiled the rest is unused.
#[allow(dead_code)]
mod support;

#[cfg(feature = "stage-basics")]
mod basics;
#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-single_flight")]
mod single_flight;
#[cfg(feature = "stage-tenants")]
mod tenants;
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
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    #[cfg(feature = "stage-single_flight")]
    stages.push(single_flight::stage());
    #[cfg(feature = "stage-tenants")]
    stages.push(tenants::stage());
    syskata_kit::Suite {
        drill: "lru",
        stages,
        bench: Some(bench::bench),
    }
}
