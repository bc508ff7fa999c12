//! log_parser stage 5 (trending): the "API to add" of prompts/log_parser/5-trending.md, one `// api` line per item.

// api TrendingErrors: pub fn new(k: usize, window_ms: u64) -> Self;
const _: fn(usize, u64) -> drill::TrendingErrors = drill::TrendingErrors::new;

// api TrendingErrors: pub fn observe(&mut self, record: &Record) -> bool;
const _: fn(&mut drill::TrendingErrors, &drill::Record) -> bool = drill::TrendingErrors::observe;

// api TrendingErrors: pub fn advance(&mut self, now_ms: i64);
const _: fn(&mut drill::TrendingErrors, i64) = drill::TrendingErrors::advance;

// api TrendingErrors: pub fn top(&self) -> Vec<(String, u64)>;
const _: fn(&drill::TrendingErrors) -> Vec<(String, u64)> = drill::TrendingErrors::top;
