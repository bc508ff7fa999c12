//! The log_parser drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: log_parser, reference: log_parser_solution);

mod bench;
// Each stage uses part of the helpers; with only some stages compiled the rest is unused.
#[allow(dead_code)]
mod support;

#[cfg(feature = "stage-records")]
mod records;
#[cfg(feature = "stage-streaming")]
mod streaming;
#[cfg(feature = "stage-top_k")]
mod top_k;
#[cfg(feature = "stage-trending")]
mod trending;
#[cfg(feature = "stage-windows")]
mod windows;

/// Returns the suite with every stage compiled into this build.
// Which pushes exist depends on the enabled stage features, so `vec![…]` cannot list them.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-records")]
    stages.push(records::stage());
    #[cfg(feature = "stage-streaming")]
    stages.push(streaming::stage());
    #[cfg(feature = "stage-windows")]
    stages.push(windows::stage());
    #[cfg(feature = "stage-top_k")]
    stages.push(top_k::stage());
    #[cfg(feature = "stage-trending")]
    stages.push(trending::stage());
    syskata_kit::Suite {
        drill: "log_parser",
        stages,
        bench: Some(bench::bench),
    }
}
