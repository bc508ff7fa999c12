//! rate_limiter stage 1 (fixed_window): the stub's API as prompts/rate_limiter/1-fixed_window.md spells it, one `// api` line per item.

// api: pub struct FixedWindowLimiter
const _: fn(drill::FixedWindowLimiter) = drop;

// api FixedWindowLimiter: pub fn new(limit: u32, window_ms: u64) -> Self
const _: fn(u32, u64) -> drill::FixedWindowLimiter = drill::FixedWindowLimiter::new;

// api FixedWindowLimiter: pub fn allow(&mut self, client: &str, now_ms: u64) -> bool
const _: fn(&mut drill::FixedWindowLimiter, &str, u64) -> bool = drill::FixedWindowLimiter::allow;
