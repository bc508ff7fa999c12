//! lru stage 3 (concurrent): the "API to add" of prompts/lru/3-concurrent.md, one `// api` line per item.

// api: pub struct CacheStats
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + Default>() {}
    let _ = derives::<drill::CacheStats>;
};

// api CacheStats: pub hits: u64
const _: fn(drill::CacheStats) -> u64 = |s| s.hits;

// api CacheStats: pub misses: u64
const _: fn(drill::CacheStats) -> u64 = |s| s.misses;

// api CacheStats: pub evictions: u64
const _: fn(drill::CacheStats) -> u64 = |s| s.evictions;

// api: pub struct SharedLruCache<K, V>
const _: () = {
    fn shared<T: Send + Sync>() {}
    let _ = shared::<drill::SharedLruCache<u32, u32>>;
};

// api SharedLruCache: pub fn new(capacity: usize) -> Self
const _: fn(usize) -> drill::SharedLruCache<u32, u32> = drill::SharedLruCache::new;

// api SharedLruCache: pub fn with_clock(capacity: usize, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self
const _: fn(usize, fn() -> u64) -> drill::SharedLruCache<u32, u32> =
    drill::SharedLruCache::with_clock;

// api SharedLruCache: pub fn get(&self, key: &K) -> Option<V>
const _: fn(&drill::SharedLruCache<u32, u32>, &u32) -> Option<u32> = drill::SharedLruCache::get;

// api SharedLruCache: pub fn put(&self, key: K, value: V) -> Option<V>
const _: fn(&drill::SharedLruCache<u32, u32>, u32, u32) -> Option<u32> =
    drill::SharedLruCache::put;

// api SharedLruCache: pub fn put_with_ttl(&self, key: K, value: V, ttl_ms: u64) -> Option<V>
const _: fn(&drill::SharedLruCache<u32, u32>, u32, u32, u64) -> Option<u32> =
    drill::SharedLruCache::put_with_ttl;

// api SharedLruCache: pub fn update(&self, key: K, f: impl FnOnce(Option<&V>) -> V) -> V
const _: fn(&drill::SharedLruCache<u32, u32>, u32, fn(Option<&u32>) -> u32) -> u32 =
    drill::SharedLruCache::update;

// api SharedLruCache: pub fn len(&self) -> usize
const _: fn(&drill::SharedLruCache<u32, u32>) -> usize = drill::SharedLruCache::len;

// api SharedLruCache: pub fn stats(&self) -> CacheStats
const _: fn(&drill::SharedLruCache<u32, u32>) -> drill::CacheStats = drill::SharedLruCache::stats;
