//! The sql_store drill's staged suite; each stage module compiles only when its `stage-*` feature is on.
//!
//! Most expectations live in golden scripts (`scripts/<stage>/<rule>.sql`, format in [`script`]),
//! one check per file, replayed on the crate under test. `tests/sqlite_oracle.rs` replays the same
//! files, and seeded random statements, in a real SQLite (not part of the learner's grading).

syskata_kit::crate_under_test!(learner: sql_store, reference: sql_store_solution);

/// Defines one check per golden script of a stage (`scripts/<stage>/<name>.sql` becomes check
/// `<name>`), plus `SCRIPTS`, the list of files the stage grades.
macro_rules! script_checks {
    ($stage:literal: $($name:ident),* $(,)?) => {
        $(
            fn $name(_: &mut syskata_kit::Ctx) {
                crate::script::run_script(
                    concat!("scripts/", $stage, "/", stringify!($name), ".sql"),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/scripts/", $stage, "/", stringify!($name), ".sql"
                    )),
                );
            }
        )*
        /// The script files this stage grades.
        pub const SCRIPTS: &[&str] = &[$(concat!(stringify!($name), ".sql")),*];
    };
}

mod bench;
pub mod model;
pub mod script;
pub mod support;

#[cfg(feature = "stage-create_insert_select")]
mod create_insert_select;
#[cfg(feature = "stage-indexes")]
mod indexes;
#[cfg(feature = "stage-transactions")]
mod transactions;
#[cfg(feature = "stage-update_delete")]
mod update_delete;
#[cfg(feature = "stage-where")]
mod r#where;

/// Returns the suite with every stage compiled into this build.
// One push per compiled stage: which pushes exist depends on the features.
#[allow(clippy::vec_init_then_push)]
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-create_insert_select")]
    stages.push(create_insert_select::stage());
    #[cfg(feature = "stage-where")]
    stages.push(r#where::stage());
    #[cfg(feature = "stage-update_delete")]
    stages.push(update_delete::stage());
    #[cfg(feature = "stage-indexes")]
    stages.push(indexes::stage());
    #[cfg(feature = "stage-transactions")]
    stages.push(transactions::stage());
    syskata_kit::Suite {
        drill: "sql_store",
        stages,
        bench: Some(bench::bench),
    }
}

/// Returns, per compiled stage, the golden script files its checks replay (the oracle test
/// compares this with the files on disk, so no script goes ungraded).
#[allow(clippy::vec_init_then_push)]
pub fn graded_scripts() -> Vec<(&'static str, &'static [&'static str])> {
    #[allow(unused_mut)]
    let mut scripts: Vec<(&'static str, &'static [&'static str])> = Vec::new();
    #[cfg(feature = "stage-create_insert_select")]
    scripts.push(("create_insert_select", create_insert_select::SCRIPTS));
    #[cfg(feature = "stage-where")]
    scripts.push(("where", r#where::SCRIPTS));
    #[cfg(feature = "stage-update_delete")]
    scripts.push(("update_delete", update_delete::SCRIPTS));
    #[cfg(feature = "stage-indexes")]
    scripts.push(("indexes", indexes::SCRIPTS));
    #[cfg(feature = "stage-transactions")]
    scripts.push(("transactions", transactions::SCRIPTS));
    scripts
}
