//! Stage snapshots (being written).

use syskata_kit::{checks, scenario, Ctx, Stage};

use crate::support::{random_run, Level};

/// Returns the checks of stage snapshots.
pub fn stage() -> Stage {
    Stage {
        slug: "snapshots",
        checks: checks![random_sequences_match_a_model],
    }
}

fn random_sequences_match_a_model(ctx: &mut Ctx) {
    for round in 0..200 {
        scenario(format!("round {round}"));
        random_run(ctx.rng(), Level::Snapshots, 120, 1 + round % 9);
    }
}
