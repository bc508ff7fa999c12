//! timekv stage 1 (basics): the stub's API as prompts/timekv/1-basics.md spells it, one `// api` line per item.

// api: pub struct TimeKv<V>
const _: fn(drill::TimeKv<u32>) = drop;

// api: impl<V> Default for TimeKv<V>
const _: fn() -> drill::TimeKv<u32> = <drill::TimeKv<u32> as Default>::default;

// api TimeKv: pub fn new() -> Self
const _: fn() -> drill::TimeKv<u32> = drill::TimeKv::new;

// api TimeKv: pub fn set(&mut self, key: &str, value: V, ts: u64) -> Option<V>
const _: fn(&mut drill::TimeKv<u32>, &str, u32, u64) -> Option<u32> = drill::TimeKv::set;

// api TimeKv: pub fn get(&self, key: &str, ts: u64) -> Option<&V>
const _: for<'a, 'k> fn(&'a drill::TimeKv<u32>, &'k str, u64) -> Option<&'a u32> = drill::TimeKv::get;

// api TimeKv: pub fn len(&self) -> usize
const _: fn(&drill::TimeKv<u32>) -> usize = drill::TimeKv::len;

// api TimeKv: pub fn is_empty(&self) -> bool
const _: fn(&drill::TimeKv<u32>) -> bool = drill::TimeKv::is_empty;
