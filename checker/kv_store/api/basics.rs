//! kv_store stage 1 (basics): the stub's API as prompts/kv_store/1-basics.md spells it, one `// api` line per item.

use std::ops::Range;

// api: pub struct KvStore<K, V>
const _: fn(drill::KvStore<u32, u32>) = drop;

// api KvStore: pub fn new() -> Self
const _: fn() -> drill::KvStore<u32, u32> = drill::KvStore::new;

// api KvStore: pub fn len(&self) -> usize
const _: fn(&drill::KvStore<u32, u32>) -> usize = drill::KvStore::len;

// api KvStore: pub fn is_empty(&self) -> bool
const _: fn(&drill::KvStore<u32, u32>) -> bool = drill::KvStore::is_empty;

// api KvStore: pub fn get(&self, key: &K) -> Option<&V>
const _: for<'a, 'k> fn(&'a drill::KvStore<u32, u32>, &'k u32) -> Option<&'a u32> = drill::KvStore::get;

// api KvStore: pub fn set(&mut self, key: K, value: V) -> Option<V>
const _: fn(&mut drill::KvStore<u32, u32>, u32, u32) -> Option<u32> = drill::KvStore::set;

// api KvStore: pub fn delete(&mut self, key: &K) -> Option<V>
const _: fn(&mut drill::KvStore<u32, u32>, &u32) -> Option<u32> = drill::KvStore::delete;

// api KvStore: pub fn scan<R: RangeBounds<K>>(&self, range: R, limit: usize) -> Vec<(&K, &V)>
const _: for<'a> fn(&'a drill::KvStore<u32, u32>, Range<u32>, usize) -> Vec<(&'a u32, &'a u32)> =
    drill::KvStore::scan;
