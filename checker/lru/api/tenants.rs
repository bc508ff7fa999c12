//! lru stage 5 (tenants): the "API to add" of prompts/lru/5-tenants.md, one `// api` line per item.

// api: pub struct TenantLruCache<T, K, V>
const _: fn(drill::TenantLruCache<u8, u32, u32>) = drop;

// api TenantLruCache: pub fn new(capacity: usize, tenant_quota: usize) -> Self
const _: fn(usize, usize) -> drill::TenantLruCache<u8, u32, u32> = drill::TenantLruCache::new;

// api TenantLruCache: pub fn put(&mut self, tenant: T, key: K, value: V) -> Option<V>
const _: fn(&mut drill::TenantLruCache<u8, u32, u32>, u8, u32, u32) -> Option<u32> =
    drill::TenantLruCache::put;

// api TenantLruCache: pub fn get(&mut self, tenant: &T, key: &K) -> Option<&V>
const _: for<'a, 't, 'k> fn(&'a mut drill::TenantLruCache<u8, u32, u32>, &'t u8, &'k u32) -> Option<&'a u32> =
    drill::TenantLruCache::get;

// api TenantLruCache: pub fn len(&self) -> usize
const _: fn(&drill::TenantLruCache<u8, u32, u32>) -> usize = drill::TenantLruCache::len;

// api TenantLruCache: pub fn tenant_len(&self, tenant: &T) -> usize
const _: fn(&drill::TenantLruCache<u8, u32, u32>, &u8) -> usize = drill::TenantLruCache::tenant_len;
