//! kv_store stage 5 (snapshots): the "API to add" of prompts/kv_store/5-snapshots.md, one `// api` line per item.

use std::ops::Range;

// api: pub struct Snapshot
const _: () = {
    fn debug<T: std::fmt::Debug>() {}
    let _ = debug::<drill::Snapshot>;
};

// api KvStore: pub fn snapshot(&mut self) -> Snapshot
const _: fn(&mut drill::KvStore<u32, u32>) -> drill::Snapshot = drill::KvStore::snapshot;

// api KvStore: pub fn get_at(&self, snapshot: &Snapshot, key: &K) -> Option<&V>
const _: for<'a, 's, 'k> fn(&'a drill::KvStore<u32, u32>, &'s drill::Snapshot, &'k u32) -> Option<&'a u32> =
    drill::KvStore::get_at;

// api KvStore: pub fn scan_at<R: RangeBounds<K>>(&self, snapshot: &Snapshot, range: R, limit: usize) -> Vec<(&K, &V)>
const _: for<'a, 's> fn(&'a drill::KvStore<u32, u32>, &'s drill::Snapshot, Range<u32>, usize) -> Vec<(&'a u32, &'a u32)> =
    drill::KvStore::scan_at;

// api KvStore: pub fn release(&mut self, snapshot: Snapshot)
const _: fn(&mut drill::KvStore<u32, u32>, drill::Snapshot) = drill::KvStore::release;

// api KvStore: pub fn retained_versions(&self) -> usize
const _: fn(&drill::KvStore<u32, u32>) -> usize = drill::KvStore::retained_versions;
