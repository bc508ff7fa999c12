//! The ledger drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: ledger, reference: ledger_solution);

/// Logs `$call` (its source text without the receiver `ledger.`, and what it returned) as a
/// scenario step, and returns the result.
#[allow(unused_macros)]
macro_rules! call {
    ($call:expr) => {{
        let result = $call;
        let text = stringify!($call);
        syskata_kit::step(format!(
            "{} -> {:?}",
            text.strip_prefix("ledger.").unwrap_or(text),
            result
        ));
        result
    }};
}

mod bench;
mod support;

#[cfg(feature = "stage-accounts")]
mod accounts;
#[cfg(feature = "stage-concurrent")]
mod concurrent;
#[cfg(feature = "stage-durable")]
mod durable;
#[cfg(feature = "stage-history_and_reversals")]
mod history_and_reversals;
#[cfg(feature = "stage-idempotency")]
mod idempotency;
#[cfg(feature = "stage-scheduled")]
mod scheduled;

/// Returns the suite with every stage compiled into this build.
#[allow(clippy::vec_init_then_push)] // one push per stage, each under its own feature
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-accounts")]
    stages.push(accounts::stage());
    #[cfg(feature = "stage-idempotency")]
    stages.push(idempotency::stage());
    #[cfg(feature = "stage-history_and_reversals")]
    stages.push(history_and_reversals::stage());
    #[cfg(feature = "stage-concurrent")]
    stages.push(concurrent::stage());
    #[cfg(feature = "stage-scheduled")]
    stages.push(scheduled::stage());
    #[cfg(feature = "stage-durable")]
    stages.push(durable::stage());
    syskata_kit::Suite {
        drill: "ledger",
        stages,
        bench: Some(bench::bench),
    }
}
