//! The speed workload `cargo xtask compare` times: draining, rewinding and partly re-reading large sources.

use std::hint::black_box;

use syskata_kit::Bench;

use crate::drill::ResumableIter;

/// Items in the large source.
const ITEMS: u64 = 1_000_000;

/// Times full passes with `next`, and many short passes with `offset` checks and `reset`.
pub fn bench(b: &mut Bench) {
    let numbers: Vec<u64> = (0..ITEMS).collect();
    let mut it = ResumableIter::new("bench-numbers", numbers);
    b.measure("drain 1M numbers, then reset (×10)", 10 * ITEMS, || {
        for _ in 0..10 {
            let mut sum = 0u64;
            for x in it.by_ref() {
                sum = sum.wrapping_add(black_box(x));
            }
            black_box(sum);
            black_box(it.offset());
            it.reset();
        }
    });

    let words: Vec<String> = (0..10_000).map(|i| format!("record-{i:05}")).collect();
    let mut it = ResumableIter::new("bench-records", words);
    b.measure(
        "read 1k of 10k records, check offset, reset (×300)",
        300 * 1_000,
        || {
            for _ in 0..300 {
                for _ in 0..1_000 {
                    black_box(it.next());
                }
                black_box(it.offset());
                it.reset();
            }
        },
    );
}
