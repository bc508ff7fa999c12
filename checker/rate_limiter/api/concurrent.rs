//! rate_limiter stage 5 (concurrent): the "API to add" of prompts/rate_limiter/5-concurrent.md, one `// api` line per item.

// api: pub struct ConcurrentLimiter
const _: () = {
    fn shared<T: Send + Sync>() {}
    let _ = shared::<drill::ConcurrentLimiter>;
};

// api ConcurrentLimiter: pub fn new(limit: u32, window_ms: u64) -> Self
const _: fn(u32, u64) -> drill::ConcurrentLimiter = drill::ConcurrentLimiter::new;

// api ConcurrentLimiter: pub fn allow(&self, client: &str, now_ms: u64) -> bool
const _: fn(&drill::ConcurrentLimiter, &str, u64) -> bool = drill::ConcurrentLimiter::allow;
