//! kv_store stage 2 (ttl): the "API to add" of prompts/kv_store/2-ttl.md, one `// api` line per item.

// api KvStore: pub fn tick(&mut self, now: u64) -> usize
const _: fn(&mut drill::KvStore<u32, u32>, u64) -> usize = drill::KvStore::tick;

// api KvStore: pub fn now(&self) -> u64
const _: fn(&drill::KvStore<u32, u32>) -> u64 = drill::KvStore::now;

// api KvStore: pub fn set_with_ttl(&mut self, key: K, value: V, ttl: u64) -> Option<V>
const _: fn(&mut drill::KvStore<u32, u32>, u32, u32, u64) -> Option<u32> = drill::KvStore::set_with_ttl;

// api KvStore: pub fn ttl(&self, key: &K) -> Option<Option<u64>>
const _: fn(&drill::KvStore<u32, u32>, &u32) -> Option<Option<u64>> = drill::KvStore::ttl;
