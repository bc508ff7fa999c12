//! The crawler drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: crawler, reference: crawler_solution);

mod bench;
mod support;

#[cfg(feature = "stage-cancellation")]
mod cancellation;
#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-politeness")]
mod http;
#[cfg(feature = "stage-limits_and_errors")]
mod limits_and_errors;
#[cfg(feature = "stage-politeness")]
mod politeness;
#[cfg(feature = "stage-same_host_bfs")]
mod same_host_bfs;

/// Returns the suite with every stage compiled into this build.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-same_host_bfs")]
    stages.push(same_host_bfs::stage());
    #[cfg(feature = "stage-limits_and_errors")]
    stages.push(limits_and_errors::stage());
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    #[cfg(feature = "stage-politeness")]
    stages.push(politeness::stage());
    #[cfg(feature = "stage-cancellation")]
    stages.push(cancellation::stage());
    syskata_kit::Suite {
        drill: "crawler",
        stages,
        bench: Some(bench::bench),
    }
}
