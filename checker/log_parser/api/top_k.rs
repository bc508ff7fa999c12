//! log_parser stage 4 (top_k): the "API to add" of prompts/log_parser/4-top_k.md, one `// api` line per item.

// api: pub fn normalize_message(text: &str) -> String;
const _: fn(&str) -> String = drill::normalize_message;

// api: pub fn signature(record: &Record) -> String;
const _: fn(&drill::Record) -> String = drill::signature;

// api TopErrors: pub fn new(k: usize) -> Self;
const _: fn(usize) -> drill::TopErrors = drill::TopErrors::new;

// api TopErrors: pub fn observe(&mut self, record: &Record) -> bool;
const _: fn(&mut drill::TopErrors, &drill::Record) -> bool = drill::TopErrors::observe;

// api TopErrors: pub fn top(&self) -> Vec<(String, u64)>;
const _: fn(&drill::TopErrors) -> Vec<(String, u64)> = drill::TopErrors::top;
