//! Stage streaming (being written).

use syskata_kit::Stage;

/// Returns the checks of stage streaming.
pub fn stage() -> Stage {
    Stage {
        slug: "streaming",
        checks: Vec::new(),
    }
}
