//! rate_limiter stage 3 (token_bucket): the "API to add" of prompts/rate_limiter/3-token_bucket.md, one `// api` line per item.

// api: pub struct Rate
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq>() {}
    let _ = derives::<drill::Rate>;
};

// api Rate: pub tokens: u64
const _: fn(drill::Rate) -> u64 = |r| r.tokens;

// api Rate: pub per_ms: u64
const _: fn(drill::Rate) -> u64 = |r| r.per_ms;

// api Rate: pub const fn new(tokens: u64, per_ms: u64) -> Self
const _: drill::Rate = drill::Rate::new(1, 3_000);

// api Rate: pub const fn per_second(tokens: u64) -> Self
const _: drill::Rate = drill::Rate::per_second(1);

// api: pub struct Decision
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq>() {}
    let _ = derives::<drill::Decision>;
};

// api Decision: pub allowed: bool
const _: fn(drill::Decision) -> bool = |d| d.allowed;

// api Decision: pub remaining: u64
const _: fn(drill::Decision) -> u64 = |d| d.remaining;

// api Decision: pub retry_after_ms: u64
const _: fn(drill::Decision) -> u64 = |d| d.retry_after_ms;

// api: pub struct CostExceedsCapacity
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::fmt::Display + std::error::Error>() {}
    let _ = derives::<drill::CostExceedsCapacity>;
};

// api CostExceedsCapacity: pub cost: u64
const _: fn(drill::CostExceedsCapacity) -> u64 = |e| e.cost;

// api CostExceedsCapacity: pub capacity: u64
const _: fn(drill::CostExceedsCapacity) -> u64 = |e| e.capacity;

// api: pub struct TokenBucket
const _: fn(drill::TokenBucket) = drop;

// api TokenBucket: pub fn new(capacity: u64, rate: Rate) -> Self
const _: fn(u64, drill::Rate) -> drill::TokenBucket = drill::TokenBucket::new;

// api TokenBucket: pub fn try_acquire(&mut self, cost: u64, now_ms: u64) -> Result<Decision, CostExceedsCapacity>
const _: fn(&mut drill::TokenBucket, u64, u64) -> Result<drill::Decision, drill::CostExceedsCapacity> =
    drill::TokenBucket::try_acquire;
