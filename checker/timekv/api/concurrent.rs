//! timekv stage 5 (concurrent): the "API to add" of prompts/timekv/5-concurrent.md, one `// api` line per item.

use std::ops::Range;

// api: pub struct SharedTimeKv<V>
const _: () = {
    fn shared<T: Send + Sync>() {}
    let _ = shared::<drill::SharedTimeKv<u32>>;
};

// api: impl<V> Default for SharedTimeKv<V>
const _: fn() -> drill::SharedTimeKv<u32> = <drill::SharedTimeKv<u32> as Default>::default;

// api SharedTimeKv: pub fn new() -> Self
const _: fn() -> drill::SharedTimeKv<u32> = drill::SharedTimeKv::new;

// api SharedTimeKv: pub fn set(&self, key: &str, value: V, ts: u64) -> Option<V>
const _: fn(&drill::SharedTimeKv<u32>, &str, u32, u64) -> Option<u32> = drill::SharedTimeKv::set;

// api SharedTimeKv: pub fn get(&self, key: &str, ts: u64) -> Option<V>
const _: fn(&drill::SharedTimeKv<u32>, &str, u64) -> Option<u32> = drill::SharedTimeKv::get;

// api SharedTimeKv: pub fn delete(&self, key: &str, ts: u64) -> bool
const _: fn(&drill::SharedTimeKv<u32>, &str, u64) -> bool = drill::SharedTimeKv::delete;

// api SharedTimeKv: pub fn history(&self, key: &str, range: impl RangeBounds<u64>) -> Vec<(u64, Option<V>)>
const _: fn(&drill::SharedTimeKv<u32>, &str, Range<u64>) -> Vec<(u64, Option<u32>)> =
    drill::SharedTimeKv::history;

// api SharedTimeKv: pub fn scan_at(&self, prefix: &str, ts: u64) -> Vec<(String, V)>
const _: fn(&drill::SharedTimeKv<u32>, &str, u64) -> Vec<(String, u32)> = drill::SharedTimeKv::scan_at;

// api SharedTimeKv: pub fn compact(&self, horizon: u64) -> usize
const _: fn(&drill::SharedTimeKv<u32>, u64) -> usize = drill::SharedTimeKv::compact;

// api SharedTimeKv: pub fn len(&self) -> usize
const _: fn(&drill::SharedTimeKv<u32>) -> usize = drill::SharedTimeKv::len;

// api SharedTimeKv: pub fn is_empty(&self) -> bool
const _: fn(&drill::SharedTimeKv<u32>) -> bool = drill::SharedTimeKv::is_empty;
