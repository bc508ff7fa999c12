//! rate_limiter stage 4 (hierarchical): the "API to add" of prompts/rate_limiter/4-hierarchical.md, one `// api` line per item.

// api: pub enum Gate { User, Global }
const _: fn(drill::Gate) -> u8 = |g| match g {
    drill::Gate::User => 0,
    drill::Gate::Global => 1,
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::hash::Hash>() {}
    let _ = derives::<drill::Gate>;
};

// api: pub enum Verdict
const _: fn(drill::Verdict) -> u64 = |v| match v {
    drill::Verdict::Allowed => 0,
    drill::Verdict::Rejected { by: _, retry_after_ms } => retry_after_ms,
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq>() {}
    let _ = derives::<drill::Verdict>;
};

// api Verdict: Rejected { by: Gate, retry_after_ms: u64 }
const _: fn(drill::Gate, u64) -> drill::Verdict =
    |by, retry_after_ms| drill::Verdict::Rejected { by, retry_after_ms };

// api: pub struct HierarchicalLimiter
const _: fn(drill::HierarchicalLimiter) = drop;

// api HierarchicalLimiter: pub fn new(user_capacity: u64, user_rate: Rate, global_capacity: u64, global_rate: Rate) -> Self
const _: fn(u64, drill::Rate, u64, drill::Rate) -> drill::HierarchicalLimiter =
    drill::HierarchicalLimiter::new;

// api HierarchicalLimiter: pub fn try_acquire(&mut self, user: &str, cost: u64, now_ms: u64) -> Result<Verdict, CostExceedsCapacity>
const _: fn(&mut drill::HierarchicalLimiter, &str, u64, u64) -> Result<drill::Verdict, drill::CostExceedsCapacity> =
    drill::HierarchicalLimiter::try_acquire;

// api HierarchicalLimiter: pub fn tracked_users(&self) -> usize
const _: fn(&drill::HierarchicalLimiter) -> usize = drill::HierarchicalLimiter::tracked_users;
