//! Throughput of the reference `TimeKv` beside two well-known ways of doing the same job: one `BTreeMap<(String, u64), V>` and a `HashMap` of sorted `Vec`s.
//!
//! Run with `cargo run --release -p timekv_solution --example throughput`. The workload is the one
//! `cargo xtask compare timekv` times: 200,000 writes over 2,000 keys with rising timestamps, then
//! 200,000 reads at random past timestamps (about 100 versions per key).

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::{Duration, Instant};

use timekv_solution::TimeKv;

const KEYS: usize = 2_000;
const WRITES: usize = 200_000;
const READS: usize = 200_000;

/// A small deterministic generator (SplitMix64), so every structure sees the same workload.
struct Mix(u64);

impl Mix {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// Returns the median of five runs of `work`.
fn median(mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn report(name: &str, what: &str, ops: usize, took: Duration) {
    let per_sec = ops as f64 / took.as_secs_f64();
    println!(
        "{name:<34} {what:<5} {:>8.1} M ops/s  ({took:?} for {ops})",
        per_sec / 1e6
    );
}

fn main() {
    let names: Vec<String> = (0..KEYS).map(|k| format!("sensor:{k:05}")).collect();
    let mut mix = Mix(0x7_1AE);
    let writes: Vec<(usize, u64)> = (0..WRITES)
        .map(|i| (mix.below(KEYS as u64) as usize, i as u64 * 10))
        .collect();
    let reads: Vec<(usize, u64)> = (0..READS)
        .map(|_| {
            (
                mix.below(KEYS as u64) as usize,
                mix.below(WRITES as u64 * 10),
            )
        })
        .collect();

    // The reference: ordered key map, one BTreeMap<u64, Option<V>> per key, compaction queue.
    let took = median(|| {
        let mut kv = TimeKv::new();
        for &(k, ts) in &writes {
            black_box(kv.set(&names[k], ts, ts));
        }
        black_box(kv.len());
    });
    report("reference TimeKv", "set", WRITES, took);
    let mut kv = TimeKv::new();
    for &(k, ts) in &writes {
        kv.set(&names[k], ts, ts);
    }
    let took = median(|| {
        let mut sum = 0u64;
        for &(k, ts) in &reads {
            sum = sum.wrapping_add(kv.get(&names[k], ts).copied().unwrap_or(0));
        }
        black_box(sum);
    });
    report("reference TimeKv", "get", READS, took);

    // One ordered map keyed by (key, timestamp): the textbook answer.
    let took = median(|| {
        let mut map: BTreeMap<(String, u64), u64> = BTreeMap::new();
        for &(k, ts) in &writes {
            black_box(map.insert((names[k].clone(), ts), ts));
        }
        black_box(map.len());
    });
    report("BTreeMap<(String, u64), u64>", "set", WRITES, took);
    let mut map: BTreeMap<(String, u64), u64> = BTreeMap::new();
    for &(k, ts) in &writes {
        map.insert((names[k].clone(), ts), ts);
    }
    let took = median(|| {
        let mut sum = 0u64;
        for &(k, ts) in &reads {
            let key = &names[k];
            let found = map
                .range((key.clone(), 0)..=(key.clone(), ts))
                .next_back()
                .map(|(_, v)| *v);
            sum = sum.wrapping_add(found.unwrap_or(0));
        }
        black_box(sum);
    });
    report("BTreeMap<(String, u64), u64>", "get", READS, took);

    // A HashMap of sorted Vecs: the stage-1 answer (in-order writes only).
    let took = median(|| {
        let mut map: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
        for &(k, ts) in &writes {
            match map.get_mut(&names[k]) {
                Some(history) => history.push((ts, ts)),
                None => {
                    map.insert(names[k].clone(), vec![(ts, ts)]);
                }
            }
        }
        black_box(map.len());
    });
    report("HashMap<String, Vec<(u64, u64)>>", "set", WRITES, took);
    let mut map: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
    for &(k, ts) in &writes {
        map.entry(names[k].clone()).or_default().push((ts, ts));
    }
    let took = median(|| {
        let mut sum = 0u64;
        for &(k, ts) in &reads {
            let found = map.get(&names[k]).and_then(|history| {
                let at = history.partition_point(|(t, _)| *t <= ts);
                at.checked_sub(1).map(|i| history[i].1)
            });
            sum = sum.wrapping_add(found.unwrap_or(0));
        }
        black_box(sum);
    });
    report("HashMap<String, Vec<(u64, u64)>>", "get", READS, took);
}
