//! Stage concurrent (being written).

use syskata_kit::{checks, Ctx, Stage};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![placeholder],
    }
}

fn placeholder(_ctx: &mut Ctx) {}
