//! Stage cycles (being written).

use syskata_kit::{checks, Stage};

/// Returns the checks of stage cycles.
pub fn stage() -> Stage {
    Stage {
        slug: "cycles",
        checks: checks![],
    }
}
