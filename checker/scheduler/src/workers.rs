//! Stage workers (being written).

use syskata_kit::{checks, Stage};

/// Returns the checks of stage workers.
pub fn stage() -> Stage {
    Stage {
        slug: "workers",
        checks: checks![],
    }
}
