//! Stage windows (being written).

use syskata_kit::Stage;

/// Returns the checks of stage windows.
pub fn stage() -> Stage {
    Stage {
        slug: "windows",
        checks: Vec::new(),
    }
}
