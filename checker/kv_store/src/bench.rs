//! The speed workload `cargo xtask compare kv_store` times: a set/get/delete/scan mix on stage 1's API.

use std::hint::black_box;

use syskata_kit::{Bench, Rng};

use crate::drill::KvStore;

/// Times a point-operation mix over 100k keys, then short range scans.
pub fn bench(b: &mut Bench) {
    const KEYS: u64 = 100_000;
    const OPS: usize = 300_000;
    let mut rng = Rng::new(0x5EED);
    let ops: Vec<(u64, u64)> = (0..OPS)
        .map(|_| (rng.below(100), rng.below(KEYS)))
        .collect();
    b.measure(
        "set 50% / get 40% / delete 10% over 100k keys",
        OPS as u64,
        || {
            let mut kv: KvStore<u64, u64> = KvStore::new();
            let mut hits = 0u64;
            for &(dice, k) in &ops {
                if dice < 50 {
                    kv.set(k, dice);
                } else if dice < 90 {
                    hits += u64::from(kv.get(&k).is_some());
                } else {
                    kv.delete(&k);
                }
            }
            black_box(hits);
        },
    );
    let mut kv: KvStore<u64, u64> = KvStore::new();
    for k in 0..KEYS {
        kv.set(k, k);
    }
    let starts: Vec<u64> = (0..20_000).map(|_| rng.below(KEYS)).collect();
    b.measure(
        "scan of 10 keys from a random start, 100k keys",
        starts.len() as u64,
        || {
            let mut total = 0usize;
            for &s in &starts {
                total += kv.scan(s.., 10).len();
            }
            black_box(total);
        },
    );
}
