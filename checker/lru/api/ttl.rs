//! lru stage 2 (ttl): the "API to add" of prompts/lru/2-ttl.md, one `// api` line per item.

// api LruCache: pub fn with_clock(capacity: usize, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self
const _: fn(usize, fn() -> u64) -> drill::LruCache<u32, u32> = drill::LruCache::with_clock;

// api LruCache: pub fn put_with_ttl(&mut self, key: K, value: V, ttl_ms: u64) -> Option<V>
const _: fn(&mut drill::LruCache<u32, u32>, u32, u32, u64) -> Option<u32> =
    drill::LruCache::put_with_ttl;

// api LruCache: pub fn purge_expired(&mut self) -> usize
const _: fn(&mut drill::LruCache<u32, u32>) -> usize = drill::LruCache::purge_expired;

// api LruCache: Keep the cache `Send`
const _: () = {
    fn send<T: Send>() {}
    let _ = send::<drill::LruCache<u32, u32>>;
};
