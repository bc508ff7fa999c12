//! Stage priority_aging (being written).

use syskata_kit::{checks, Stage};

/// Returns the checks of stage priority_aging.
pub fn stage() -> Stage {
    Stage {
        slug: "priority_aging",
        checks: checks![],
    }
}
