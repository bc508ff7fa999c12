//! lru stage 1 (basics): the stub's API as prompts/lru/1-basics.md spells it, one `// api` line per item.

// api: pub struct LruCache<K, V>
const _: fn(drill::LruCache<u32, u32>) = drop;

// api LruCache: pub fn new(capacity: usize) -> Self
const _: fn(usize) -> drill::LruCache<u32, u32> = drill::LruCache::new;

// api LruCache: pub fn capacity(&self) -> usize
const _: fn(&drill::LruCache<u32, u32>) -> usize = drill::LruCache::capacity;

// api LruCache: pub fn len(&self) -> usize
const _: fn(&drill::LruCache<u32, u32>) -> usize = drill::LruCache::len;

// api LruCache: pub fn is_empty(&self) -> bool
const _: fn(&drill::LruCache<u32, u32>) -> bool = drill::LruCache::is_empty;

// api LruCache: pub fn get(&mut self, key: &K) -> Option<&V>
const _: for<'a, 'k> fn(&'a mut drill::LruCache<u32, u32>, &'k u32) -> Option<&'a u32> =
    drill::LruCache::get;

// api LruCache: pub fn peek(&self, key: &K) -> Option<&V>
const _: for<'a, 'k> fn(&'a drill::LruCache<u32, u32>, &'k u32) -> Option<&'a u32> =
    drill::LruCache::peek;

// api LruCache: pub fn put(&mut self, key: K, value: V) -> Option<V>
const _: fn(&mut drill::LruCache<u32, u32>, u32, u32) -> Option<u32> = drill::LruCache::put;
