//! Stage top_k (being written).

use syskata_kit::Stage;

/// Returns the checks of stage top_k.
pub fn stage() -> Stage {
    Stage {
        slug: "top_k",
        checks: Vec::new(),
    }
}
