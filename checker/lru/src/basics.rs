//! Stage basics: get/put with least-recently-used eviction, O(1) per operation.

use std::fmt;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, model, scenario, step, Ctx, Stage};

use crate::drill::LruCache;
use crate::support::{num, play, ModelLru, Played};

/// Returns the checks of stage basics.
pub fn stage() -> Stage {
    Stage {
        slug: "basics",
        checks: checks![
            get_returns_what_put_stored,
            get_of_a_missing_key_is_none,
            put_returns_the_previous_value_of_the_key,
            full_cache_evicts_the_least_recently_used_entry,
            get_refreshes_recency,
            peek_does_not_refresh_recency,
            updating_a_key_refreshes_it_and_evicts_nothing,
            capacity_zero_stores_nothing,
            capacity_one_keeps_only_the_latest_key,
            len_capacity_and_is_empty_track_the_contents,
            eviction_order_holds_over_many_evictions,
            random_sequences_match_a_simple_model,
            get_and_put_take_constant_time,
        ],
    }
}

/// Plays `script` on `LruCache::new(capacity)` with `u32` keys and `String` values.
///
/// Operations: `put K V`, `get K`, `peek K`, `len`, `is_empty`, `capacity`.
#[track_caller]
fn check(capacity: usize, script: &str) {
    scenario(format!(
        "LruCache::new({capacity}) with u32 keys and String values"
    ));
    let mut cache: LruCache<u32, String> = LruCache::new(capacity);
    play(script, |w| apply(&mut cache, w));
}

#[track_caller]
fn apply(cache: &mut LruCache<u32, String>, words: &[&str]) -> Played {
    match words {
        ["put", k, v] => {
            let k: u32 = num(k);
            let call = format!("put({k}, {v:?})");
            Played::value(call, cache.put(k, v.to_string()))
        }
        ["get", k] => {
            let k: u32 = num(k);
            Played::value(format!("get(&{k})"), cache.get(&k))
        }
        ["peek", k] => {
            let k: u32 = num(k);
            Played::value(format!("peek(&{k})"), cache.peek(&k))
        }
        ["len"] => Played::plain("len()".into(), cache.len()),
        ["is_empty"] => Played::plain("is_empty()".into(), cache.is_empty()),
        ["capacity"] => Played::plain("capacity()".into(), cache.capacity()),
        other => panic!("script error: unknown operation {other:?}"),
    }
}

fn get_returns_what_put_stored(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a -> none
        get 1 -> a      # 1 was just stored
        put 2 b -> none
        get 2 -> b
        get 1 -> a      # two entries fit in a cache of capacity 2
        ",
    );
}

fn get_of_a_missing_key_is_none(_: &mut Ctx) {
    check(
        2,
        "
        get 7 -> none   # nothing was ever stored
        put 1 a
        get 7 -> none   # 7 was never stored
        peek 7 -> none
        len -> 1        # a miss stores nothing
        ",
    );
}

fn put_returns_the_previous_value_of_the_key(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a -> none  # 1 was new
        put 1 b -> a     # put hands back the value it replaced
        put 1 c -> b
        get 1 -> c
        put 2 x -> none  # another key has no previous value
        len -> 2         # updating 1 three times keeps one entry for it
        ",
    );
}

fn full_cache_evicts_the_least_recently_used_entry(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a
        put 2 b
        put 3 c
        put 4 d -> none  # the cache is full: the least recently used entry (1) must go
        peek 1 -> none   # 1 was least recently used when 4 arrived
        peek 2 -> b
        peek 3 -> c
        peek 4 -> d
        put 5 e
        peek 2 -> none   # 2 was least recently used when 5 arrived
        len -> 3
        ",
    );
}

fn get_refreshes_recency(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a
        put 2 b
        put 3 c
        get 1 -> a       # a hit marks 1 most recently used
        put 4 d          # full: the least recently used is now 2, not 1
        peek 1 -> a      # get(&1) refreshed 1, so it must survive
        peek 2 -> none   # 2 was least recently used when 4 arrived
        get 3 -> c
        put 5 e          # least recently used: 1 (3 was just read)
        peek 1 -> none   # 1 was least recently used when 5 arrived
        peek 3 -> c
        ",
    );
}

fn peek_does_not_refresh_recency(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a
        put 2 b
        peek 1 -> a      # peek reads without touching recency
        put 3 c          # full: 1 is still least recently used
        peek 1 -> none   # peek(&1) must not have refreshed 1
        peek 2 -> b
        ",
    );
}

fn updating_a_key_refreshes_it_and_evicts_nothing(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a
        put 2 b
        put 3 c
        put 1 A -> a     # full, but 1 is already here: an update evicts nothing
        len -> 3
        peek 2 -> b      # nothing may have been evicted by the update
        peek 3 -> c
        peek 1 -> A
        put 4 d          # the update refreshed 1, so the least recently used is 2
        peek 2 -> none   # 2 was least recently used when 4 arrived
        peek 1 -> A      # 1 was refreshed by its update
        ",
    );
}

fn capacity_zero_stores_nothing(_: &mut Ctx) {
    check(
        0,
        "
        capacity -> 0
        put 1 a -> none  # a cache of capacity 0 keeps nothing
        get 1 -> none    # capacity 0: nothing was stored
        put 1 b -> none  # there is no previous value: nothing was stored
        len -> 0
        is_empty -> true
        ",
    );
}

fn capacity_one_keeps_only_the_latest_key(_: &mut Ctx) {
    check(
        1,
        "
        put 1 a
        put 2 b -> none  # full with 1: 1 is evicted
        get 1 -> none    # capacity 1 holds only the latest key
        get 2 -> b
        put 2 c -> b     # update of the only key
        get 2 -> c
        len -> 1
        ",
    );
}

fn len_capacity_and_is_empty_track_the_contents(_: &mut Ctx) {
    check(
        2,
        "
        capacity -> 2
        len -> 0
        is_empty -> true
        put 1 a
        len -> 1
        is_empty -> false
        put 2 b
        put 3 c
        len -> 2         # never more than the capacity
        capacity -> 2
        ",
    );
}

fn eviction_order_holds_over_many_evictions(ctx: &mut Ctx) {
    let capacity = 50;
    scenario(format!(
        "LruCache::new({capacity}); put keys 0..{capacity}, then read them back in a random order \
         (which sets their recency), then put {capacity} new keys one at a time: each new key must \
         evict exactly the key read longest ago"
    ));
    let mut cache: LruCache<u32, u32> = LruCache::new(capacity);
    for k in 0..capacity as u32 {
        cache.put(k, k);
    }
    let mut order: Vec<u32> = (0..capacity as u32).collect();
    ctx.rng().shuffle(&mut order);
    let listed: Vec<String> = order.iter().map(u32::to_string).collect();
    step(format!("put(k, k) for k in 0..{capacity}"));
    step(format!("get(&k) for k in {}", listed.join(", ")));
    for &k in &order {
        cache.get(&k);
    }
    for (i, &victim) in order.iter().enumerate() {
        let new_key = 1000 + i as u32;
        step(format!("put({new_key}, {new_key})"));
        cache.put(new_key, new_key);
        expect_eq(
            format!(
                "peek(&{victim}) after put({new_key}, {new_key}): of the keys still there, \
                 {victim} was read longest ago, so it was the least recently used"
            ),
            cache.peek(&victim),
            None,
        );
        if let Some(&next) = order.get(i + 1) {
            expect_eq(
                format!(
                    "peek(&{next}) after put({new_key}, {new_key}): one new key evicts one entry, \
                     and {next} was read after {victim}"
                ),
                cache.peek(&next),
                Some(&next),
            );
        }
    }
}

/// One operation of the random sequences.
enum Op {
    Put(u32, u32),
    Get(u32),
    Peek(u32),
    Len,
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put(k, v) => write!(f, "put({k}, {v})"),
            Op::Get(k) => write!(f, "get(&{k})"),
            Op::Peek(k) => write!(f, "peek(&{k})"),
            Op::Len => write!(f, "len()"),
        }
    }
}

/// What an operation returned.
#[derive(PartialEq)]
enum Out {
    Value(Option<u32>),
    Len(usize),
}

impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Out::Value(v) => write!(f, "{v:?}"),
            Out::Len(n) => write!(f, "{n}"),
        }
    }
}

fn random_sequences_match_a_simple_model(ctx: &mut Ctx) {
    for capacity in [1, 2, 3, 5, 8] {
        scenario(format!(
            "LruCache::new({capacity}) with u32 keys and values; 300 random put/get/peek/len \
             operations on keys 0..{}, compared with a simple vector-based LRU model",
            capacity * 2 + 1
        ));
        let mut cache: LruCache<u32, u32> = LruCache::new(capacity);
        let mut model = ModelLru::new(capacity);
        let keys = capacity as u64 * 2 + 1;
        let mut next_value = 0;
        model::compare(
            ctx.rng(),
            300,
            |rng| match rng.below(10) {
                0..=3 => {
                    next_value += 1;
                    Op::Put(rng.below(keys) as u32, next_value)
                }
                4..=7 => Op::Get(rng.below(keys) as u32),
                8 => Op::Peek(rng.below(keys) as u32),
                _ => Op::Len,
            },
            |op| match *op {
                Op::Put(k, v) => Out::Value(cache.put(k, v)),
                Op::Get(k) => Out::Value(cache.get(&k).copied()),
                Op::Peek(k) => Out::Value(cache.peek(&k).copied()),
                Op::Len => Out::Len(cache.len()),
            },
            |op| match *op {
                Op::Put(k, v) => Out::Value(model.put(k, v, None, 0)),
                Op::Get(k) => Out::Value(model.get(k, 0)),
                Op::Peek(k) => Out::Value(model.peek(k, 0)),
                Op::Len => Out::Len(model.len()),
            },
        );
    }
}

fn get_and_put_take_constant_time(_: &mut Ctx) {
    scenario(
        "a full cache of 250 entries and one of 8000 entries, each read back newest first (so the \
         least recently used entries are the last ones stored); on each, the same batch of \
         1000 get(&k) of stored keys (spread over the whole cache), 250 updates of stored keys \
         and 250 put(k, v) of new keys (each evicting one). Per-operation cost must not grow \
         with the size",
    );
    Scaling::new("get and put on a full cache", 250, 8_000)
        .demanding("O(1)")
        .run(
            |n| {
                let mut cache: LruCache<u64, u64> = LruCache::new(n);
                for k in 0..n as u64 {
                    cache.put(k, k);
                }
                // Read back newest first, so the least recently used entries are the last ones
                // stored: the victim is not simply the first entry ever made.
                for k in (0..n as u64).rev() {
                    cache.get(&k);
                }
                (cache, n as u64)
            },
            |(cache, n)| {
                let n = *n;
                let mut sum = 0u64;
                for i in 0..1000u64 {
                    // Spread over the whole key range, most of it still stored.
                    let k = (i * 7919) % n;
                    sum = sum.wrapping_add(cache.get(&k).copied().unwrap_or(0));
                    if i % 4 == 0 {
                        cache.put((i * 104_729) % n, i);
                        cache.put(n + i, i);
                    }
                }
                std::hint::black_box(sum);
            },
        );
}
