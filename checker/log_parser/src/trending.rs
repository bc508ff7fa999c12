//! Stage trending (being written).

use syskata_kit::Stage;

/// Returns the checks of stage trending.
pub fn stage() -> Stage {
    Stage {
        slug: "trending",
        checks: Vec::new(),
    }
}
