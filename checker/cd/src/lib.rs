//! The cd drill's staged suite; each stage module compiles only when its `stage-*` feature is on.

syskata_kit::crate_under_test!(learner: cd, reference: cd_solution);

/// Defines one check per named section of a stage's case file (see `cases`).
macro_rules! case_checks {
    ($file:expr, $file_name:expr, $level:expr; $($check:ident),* $(,)?) => {
        $(
            fn $check(_: &mut syskata_kit::Ctx) {
                crate::cases::run($file, $file_name, stringify!($check), $level)
            }
        )*
    };
}

mod bench;
mod cases;
mod oracle;
mod platform;
mod random;
mod support;

#[cfg(feature = "stage-home_and_back")]
mod home_and_back;
#[cfg(feature = "stage-logical")]
mod logical;
#[cfg(feature = "stage-loops_and_broken")]
mod loops_and_broken;
#[cfg(feature = "stage-paths")]
mod paths;
#[cfg(feature = "stage-symlinks")]
mod symlinks;

/// Returns the suite with every stage compiled into this build.
#[allow(clippy::vec_init_then_push)] // one push per compiled stage
pub fn suite() -> syskata_kit::Suite {
    #[allow(unused_mut)]
    let mut stages = Vec::new();
    #[cfg(feature = "stage-paths")]
    stages.push(paths::stage());
    #[cfg(feature = "stage-home_and_back")]
    stages.push(home_and_back::stage());
    #[cfg(feature = "stage-symlinks")]
    stages.push(symlinks::stage());
    #[cfg(feature = "stage-loops_and_broken")]
    stages.push(loops_and_broken::stage());
    #[cfg(feature = "stage-logical")]
    stages.push(logical::stage());
    syskata_kit::Suite {
        drill: "cd",
        stages,
        bench: Some(bench::bench),
    }
}
