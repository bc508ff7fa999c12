//! kv_store stage 6 (concurrent): the "API to add" of prompts/kv_store/6-concurrent.md, one `// api` line per item.

use std::ops::Range;

// api: pub struct Conflict
const _: drill::Conflict = drill::Conflict;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::fmt::Display + std::error::Error>() {}
    let _ = derives::<drill::Conflict>;
};

// api: pub struct SharedKv<K, V>
const _: () = {
    fn shared<T: Send + Sync>() {}
    let _ = shared::<drill::SharedKv<u32, u32>>;
};

// api: pub struct Transaction<'a, K, V>
const _: fn(drill::Transaction<'static, u32, u32>) = drop;

// api SharedKv: pub fn new() -> Self
const _: fn() -> drill::SharedKv<u32, u32> = drill::SharedKv::new;

// api SharedKv: pub fn len(&self) -> usize
const _: fn(&drill::SharedKv<u32, u32>) -> usize = drill::SharedKv::len;

// api SharedKv: pub fn is_empty(&self) -> bool
const _: fn(&drill::SharedKv<u32, u32>) -> bool = drill::SharedKv::is_empty;

// api SharedKv: pub fn get(&self, key: &K) -> Option<V>
const _: fn(&drill::SharedKv<u32, u32>, &u32) -> Option<u32> = drill::SharedKv::get;

// api SharedKv: pub fn set(&self, key: K, value: V) -> Option<V>
const _: fn(&drill::SharedKv<u32, u32>, u32, u32) -> Option<u32> = drill::SharedKv::set;

// api SharedKv: pub fn set_with_ttl(&self, key: K, value: V, ttl: u64) -> Option<V>
const _: fn(&drill::SharedKv<u32, u32>, u32, u32, u64) -> Option<u32> = drill::SharedKv::set_with_ttl;

// api SharedKv: pub fn delete(&self, key: &K) -> Option<V>
const _: fn(&drill::SharedKv<u32, u32>, &u32) -> Option<u32> = drill::SharedKv::delete;

// api SharedKv: pub fn scan<R: RangeBounds<K>>(&self, range: R, limit: usize) -> Vec<(K, V)>
const _: fn(&drill::SharedKv<u32, u32>, Range<u32>, usize) -> Vec<(u32, u32)> = drill::SharedKv::scan;

// api SharedKv: pub fn tick(&self, now: u64) -> usize
const _: fn(&drill::SharedKv<u32, u32>, u64) -> usize = drill::SharedKv::tick;

// api SharedKv: pub fn version(&self, key: &K) -> Option<u64>
const _: fn(&drill::SharedKv<u32, u32>, &u32) -> Option<u64> = drill::SharedKv::version;

// api SharedKv: pub fn cas(&self, key: K, expected: Option<u64>, value: V) -> Result<u64, CasError>
const _: fn(&drill::SharedKv<u32, u32>, u32, Option<u64>, u32) -> Result<u64, drill::CasError> = drill::SharedKv::cas;

// api SharedKv: pub fn delete_if(&self, key: &K, expected: u64) -> Result<V, CasError>
const _: fn(&drill::SharedKv<u32, u32>, &u32, u64) -> Result<u32, drill::CasError> = drill::SharedKv::delete_if;

// api SharedKv: pub fn snapshot(&self) -> Snapshot
const _: fn(&drill::SharedKv<u32, u32>) -> drill::Snapshot = drill::SharedKv::snapshot;

// api SharedKv: pub fn get_at(&self, snapshot: &Snapshot, key: &K) -> Option<V>
const _: fn(&drill::SharedKv<u32, u32>, &drill::Snapshot, &u32) -> Option<u32> = drill::SharedKv::get_at;

// api SharedKv: pub fn scan_at<R: RangeBounds<K>>(&self, snapshot: &Snapshot, range: R, limit: usize) -> Vec<(K, V)>
const _: fn(&drill::SharedKv<u32, u32>, &drill::Snapshot, Range<u32>, usize) -> Vec<(u32, u32)> = drill::SharedKv::scan_at;

// api SharedKv: pub fn release(&self, snapshot: Snapshot)
const _: fn(&drill::SharedKv<u32, u32>, drill::Snapshot) = drill::SharedKv::release;

// api SharedKv: pub fn retained_versions(&self) -> usize
const _: fn(&drill::SharedKv<u32, u32>) -> usize = drill::SharedKv::retained_versions;

// api SharedKv: pub fn transaction(&self) -> Transaction<'_, K, V>
const _: for<'a> fn(&'a drill::SharedKv<u32, u32>) -> drill::Transaction<'a, u32, u32> = drill::SharedKv::transaction;

// api Transaction: pub fn get(&mut self, key: &K) -> Option<V>
const _: fn(&mut drill::Transaction<'static, u32, u32>, &u32) -> Option<u32> = drill::Transaction::get;

// api Transaction: pub fn set(&mut self, key: K, value: V)
const _: fn(&mut drill::Transaction<'static, u32, u32>, u32, u32) = drill::Transaction::set;

// api Transaction: pub fn delete(&mut self, key: &K)
const _: fn(&mut drill::Transaction<'static, u32, u32>, &u32) = drill::Transaction::delete;

// api Transaction: pub fn commit(self) -> Result<(), Conflict>
const _: fn(drill::Transaction<'static, u32, u32>) -> Result<(), drill::Conflict> = drill::Transaction::commit;
