//! lru stage 4 (single_flight): the "API to add" of prompts/lru/4-single_flight.md, one `// api` line per item.

// api SharedLruCache: pub fn get_or_load<E>(&self, key: K, loader: impl FnOnce() -> Result<V, E>) -> Result<V, E> where E: Clone + Send + 'static
const _: fn(&drill::SharedLruCache<u32, u32>, u32, fn() -> Result<u32, String>) -> Result<u32, String> =
    drill::SharedLruCache::get_or_load;
