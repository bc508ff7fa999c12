//! timekv stage 3 (history_and_deletes): the "API to add" of prompts/timekv/3-history_and_deletes.md, one `// api` line per item.

use std::ops::Range;

// api TimeKv: pub fn delete(&mut self, key: &str, ts: u64) -> bool
const _: fn(&mut drill::TimeKv<u32>, &str, u64) -> bool = drill::TimeKv::delete;

// api TimeKv: pub fn history(&self, key: &str, range: impl RangeBounds<u64>) -> Vec<(u64, Option<&V>)>
const _: for<'a, 'k> fn(&'a drill::TimeKv<u32>, &'k str, Range<u64>) -> Vec<(u64, Option<&'a u32>)> =
    drill::TimeKv::history;

// api TimeKv: pub fn scan_at(&self, prefix: &str, ts: u64) -> Vec<(&str, &V)>
const _: for<'a, 'p> fn(&'a drill::TimeKv<u32>, &'p str, u64) -> Vec<(&'a str, &'a u32)> =
    drill::TimeKv::scan_at;
