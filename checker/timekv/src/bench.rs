//! The speed workload `cargo xtask compare timekv` times: writes in time order and reads at past timestamps, on stage 1's API.

use std::hint::black_box;

use syskata_kit::{Bench, Rng};

use crate::drill::TimeKv;

/// Times a stream of versioned writes over many keys, then reads at random moments of the past.
pub fn bench(b: &mut Bench) {
    const KEYS: usize = 2_000;
    const WRITES: usize = 200_000;
    const READS: usize = 200_000;
    let names: Vec<String> = (0..KEYS).map(|k| format!("sensor:{k:05}")).collect();
    let mut rng = Rng::new(0x7_1AE);
    let writes: Vec<(usize, u64)> = (0..WRITES)
        .map(|i| (rng.index(KEYS), i as u64 * 10))
        .collect();
    let reads: Vec<(usize, u64)> = (0..READS)
        .map(|_| (rng.index(KEYS), rng.below(WRITES as u64 * 10)))
        .collect();
    b.measure(
        "set: 200k versions over 2k keys, timestamps increasing",
        WRITES as u64,
        || {
            let mut kv = TimeKv::new();
            for &(k, ts) in &writes {
                black_box(kv.set(&names[k], ts, ts));
            }
            black_box(kv.len());
        },
    );
    let mut kv = TimeKv::new();
    for &(k, ts) in &writes {
        kv.set(&names[k], ts, ts);
    }
    b.measure(
        "get at a random past timestamp (100 versions per key)",
        READS as u64,
        || {
            let mut sum = 0u64;
            for &(k, ts) in &reads {
                sum = sum.wrapping_add(kv.get(&names[k], ts).copied().unwrap_or(0));
            }
            black_box(sum);
        },
    );
}
