//! Stage retries (being written).

use syskata_kit::{checks, Stage};

/// Returns the checks of stage retries.
pub fn stage() -> Stage {
    Stage {
        slug: "retries",
        checks: checks![],
    }
}
