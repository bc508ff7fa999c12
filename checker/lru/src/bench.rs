//! The speed workload `cargo xtask compare lru` times: a realistic get/put mix on stage 1's API.

use std::hint::black_box;

use syskata_kit::{Bench, Rng};

use crate::drill::LruCache;

/// Times a read-heavy mix with a hot set (mostly hits) and a churn of new keys (every put evicts).
pub fn bench(b: &mut Bench) {
    const CAPACITY: usize = 10_000;
    const OPS: usize = 1_000_000;
    let mut rng = Rng::new(0x5EED);
    // 80% of lookups go to a hot set that fits in the cache, 20% to a cold range that does not.
    let keys: Vec<u64> = (0..OPS)
        .map(|_| {
            if rng.chance(80) {
                rng.below(CAPACITY as u64 * 4 / 5)
            } else {
                rng.below(CAPACITY as u64 * 10)
            }
        })
        .collect();
    b.measure(
        "get, put on miss (80% hot keys), capacity 10k",
        OPS as u64,
        || {
            let mut cache: LruCache<u64, u64> = LruCache::new(CAPACITY);
            let mut hits = 0u64;
            for &k in &keys {
                if cache.get(&k).is_some() {
                    hits += 1;
                } else {
                    cache.put(k, k);
                }
            }
            black_box(hits);
        },
    );
    b.measure(
        "put of new keys, each evicting (capacity 10k)",
        OPS as u64,
        || {
            let mut cache: LruCache<u64, u64> = LruCache::new(CAPACITY);
            for k in 0..OPS as u64 {
                black_box(cache.put(k, k));
            }
        },
    );
}
