//! Your rate limiter: decides, per client, whether a request may go through right now.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

/// Limits each client to `limit` requests per fixed window of `window_ms` milliseconds.
///
/// Windows are aligned to multiples of `window_ms`: window `k` covers the instants
/// `k * window_ms ..= (k + 1) * window_ms - 1`, whenever the client's first request came.
pub struct FixedWindowLimiter {
    // Your fields here.
}

impl FixedWindowLimiter {
    /// Returns a limiter that admits at most `limit` requests per client per window.
    /// A `limit` of 0 admits nothing; a `window_ms` of 0 counts as 1 ms.
    pub fn new(limit: u32, window_ms: u64) -> Self {
        todo!()
    }

    /// Returns `true` and counts the request if `client` has had fewer than `limit` requests admitted
    /// in the window that contains `now_ms`; returns `false` otherwise (a rejected request is not
    /// counted). Each client has its own count.
    pub fn allow(&mut self, client: &str, now_ms: u64) -> bool {
        todo!()
    }
}
