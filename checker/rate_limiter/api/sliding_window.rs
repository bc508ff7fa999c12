//! rate_limiter stage 2 (sliding_window): the "API to add" of prompts/rate_limiter/2-sliding_window.md, one `// api` line per item.

// api: pub struct SlidingWindowLimiter
const _: fn(drill::SlidingWindowLimiter) = drop;

// api SlidingWindowLimiter: pub fn new(limit: u32, window_ms: u64) -> Self
const _: fn(u32, u64) -> drill::SlidingWindowLimiter = drill::SlidingWindowLimiter::new;

// api SlidingWindowLimiter: pub fn allow(&mut self, client: &str, now_ms: u64) -> bool
const _: fn(&mut drill::SlidingWindowLimiter, &str, u64) -> bool =
    drill::SlidingWindowLimiter::allow;

// api SlidingWindowLimiter: pub fn log_len(&self, client: &str) -> usize
const _: fn(&drill::SlidingWindowLimiter, &str) -> usize = drill::SlidingWindowLimiter::log_len;
