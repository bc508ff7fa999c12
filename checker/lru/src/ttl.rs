//! Stage ttl: entries expire on an injected clock; expired entries are misses, go first, and purge cheaply.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, model, scenario, step, Ctx, Stage};

use crate::drill::LruCache;
use crate::support::{num, play, ManualClock, ModelLru, Played};

/// Returns the checks of stage ttl.
pub fn stage() -> Stage {
    Stage {
        slug: "ttl",
        checks: checks![
            an_entry_is_live_until_just_before_its_expiry_instant,
            an_entry_is_expired_from_its_expiry_instant_on,
            get_of_an_expired_entry_is_a_miss_and_frees_its_slot,
            peek_of_an_expired_entry_is_a_miss,
            plain_put_never_expires,
            plain_put_clears_an_earlier_ttl,
            put_with_ttl_over_a_live_key_returns_it_and_restarts_the_ttl,
            put_over_an_expired_entry_returns_none_and_evicts_nothing,
            full_cache_evicts_an_expired_entry_before_a_live_one,
            full_cache_without_expired_entries_evicts_the_least_recently_used,
            full_cache_evicts_the_entry_that_expired_first,
            a_changed_deadline_replaces_the_old_one_in_the_expiry_order,
            removing_an_entry_leaves_the_other_deadlines_in_place,
            purge_expired_removes_exactly_the_expired_entries,
            ttl_zero_is_expired_at_once,
            a_huge_ttl_does_not_overflow,
            new_reads_a_real_monotonic_clock,
            a_cache_without_ttls_never_reads_the_clock,
            random_sequences_with_ttls_match_a_simple_model,
            purge_costs_what_it_removes_not_a_full_scan,
            eviction_stays_fast_when_entries_have_ttls,
        ],
    }
}

/// Plays `script` on `LruCache::with_clock(capacity, clock)`; the clock starts at 0.
///
/// Operations: `at T` (set the clock), `put K V`, `put K V ttl N`, `get K`, `peek K`, `purge`, `len`.
#[track_caller]
fn check(capacity: usize, script: &str) {
    scenario(format!(
        "LruCache::with_clock({capacity}, clock) with u32 keys and String values; \
         the clock (milliseconds) starts at 0 and is moved by `clock = T` steps"
    ));
    let clock = ManualClock::at(0);
    let mut cache: LruCache<u32, String> = LruCache::with_clock(capacity, clock.reader());
    play(script, |w| apply(&mut cache, &clock, w));
}

#[track_caller]
fn apply(cache: &mut LruCache<u32, String>, clock: &ManualClock, words: &[&str]) -> Played {
    match words {
        ["at", t] => {
            clock.set(num(t));
            Played::unit(format!("clock = {t}"))
        }
        ["put", k, v] => {
            let k: u32 = num(k);
            Played::value(format!("put({k}, {v:?})"), cache.put(k, v.to_string()))
        }
        ["put", k, v, "ttl", ttl] => {
            let (k, ttl): (u32, u64) = (num(k), num(ttl));
            Played::value(
                format!("put_with_ttl({k}, {v:?}, {ttl})"),
                cache.put_with_ttl(k, v.to_string(), ttl),
            )
        }
        ["get", k] => {
            let k: u32 = num(k);
            Played::value(format!("get(&{k})"), cache.get(&k))
        }
        ["peek", k] => {
            let k: u32 = num(k);
            Played::value(format!("peek(&{k})"), cache.peek(&k))
        }
        ["purge"] => Played::plain("purge_expired()".into(), cache.purge_expired()),
        ["len"] => Played::plain("len()".into(), cache.len()),
        other => panic!("script error: unknown operation {other:?}"),
    }
}

fn an_entry_is_live_until_just_before_its_expiry_instant(_: &mut Ctx) {
    check(
        4,
        "
        at 100
        put 1 a ttl 10
        at 109
        peek 1 -> a      # put at 100 with ttl 10: live while now < 110, and 109 < 110
        get 1 -> a       # still live at 109
        ",
    );
}

fn an_entry_is_expired_from_its_expiry_instant_on(_: &mut Ctx) {
    check(
        4,
        "
        at 100
        put 1 a ttl 10
        put 2 b ttl 10
        at 110
        peek 1 -> none   # put at 100 with ttl 10 expires at 110 exactly: 110 is not < 110
        get 1 -> none    # expired at 110
        at 111
        get 2 -> none    # and stays expired after
        ",
    );
}

fn get_of_an_expired_entry_is_a_miss_and_frees_its_slot(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a ttl 10
        put 2 b
        at 10
        len -> 2         # expired but not removed yet: len counts it
        get 1 -> none    # 1 expired at 10
        len -> 1         # get removed the expired entry
        put 3 c          # the freed slot takes 3: nothing live is evicted
        peek 2 -> b      # 2 must survive: there was room after get(&1) freed a slot
        peek 3 -> c
        len -> 2
        ",
    );
}

fn peek_of_an_expired_entry_is_a_miss(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a ttl 5
        at 4
        peek 1 -> a      # live while now < 5
        at 5
        peek 1 -> none   # expired from 5 on
        ",
    );
}

fn plain_put_never_expires(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a
        at 1000000000
        get 1 -> a       # put without a ttl never expires
        purge -> 0       # nothing has a ttl, so nothing is purged
        ",
    );
}

fn plain_put_clears_an_earlier_ttl(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a ttl 10
        at 5
        put 1 b -> a     # a plain put over a live entry returns the old value
        at 10
        get 1 -> b       # the plain put replaced the entry: it no longer expires at 10
        at 100000
        get 1 -> b
        ",
    );
}

fn put_with_ttl_over_a_live_key_returns_it_and_restarts_the_ttl(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a ttl 10
        at 8
        put 1 b ttl 10 -> a   # 1 was live (8 < 10): its value comes back
        at 15
        get 1 -> b            # the new ttl runs from 8: live while now < 18
        at 18
        get 1 -> none         # expired at 8 + 10
        ",
    );
}

fn put_over_an_expired_entry_returns_none_and_evicts_nothing(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a ttl 10
        put 2 b
        at 10
        put 1 c -> none  # 1 expired at 10: its old value is gone, not returned
        len -> 2         # the expired entry was replaced, not kept beside the new one
        peek 2 -> b      # storing over an expired key must not evict another entry
        peek 1 -> c
        ",
    );
}

fn full_cache_evicts_an_expired_entry_before_a_live_one(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a
        put 2 b ttl 5
        put 3 c
        at 1
        get 2 -> b       # 2 is now the most recently used; 1 is the least
        at 5
        put 4 d          # full: 2 expired at 5, so it goes before any live entry
        peek 1 -> a      # 1 is least recently used but live: an expired entry goes first
        peek 3 -> c
        peek 4 -> d
        len -> 3
        ",
    );
}

fn full_cache_without_expired_entries_evicts_the_least_recently_used(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a ttl 100
        put 2 b ttl 5
        put 3 c
        at 4
        put 4 d          # full; 2 is still live (4 < 5): plain LRU, so 1 goes
        peek 1 -> none   # 1 was least recently used and nothing had expired
        peek 2 -> b
        peek 3 -> c
        ",
    );
}

fn full_cache_evicts_the_entry_that_expired_first(_: &mut Ctx) {
    check(
        3,
        "
        put 1 a ttl 20
        put 2 b ttl 10   # 2 expires before 1, though it was stored after it
        put 3 c
        at 30
        len -> 3         # both 1 and 2 have expired; neither is removed yet
        put 4 d          # full: 2 expired first (at 10), so 2 is the one evicted
        len -> 3
        get 2 -> none    # 2 was evicted by put(4): nothing left to remove, len stays 3
        len -> 3
        get 1 -> none    # 1 expired but was still there: this get removes it
        len -> 2         # had put(4) evicted 1 instead of 2, len would have dropped at get(&2)
        peek 3 -> c
        peek 4 -> d
        ",
    );
}

fn a_changed_deadline_replaces_the_old_one_in_the_expiry_order(_: &mut Ctx) {
    check(
        2,
        "
        put 1 a ttl 10
        put 2 b
        at 5
        put 1 A ttl 100 -> a   # 1 now expires at 105; its old deadline 10 no longer exists
        at 10
        put 3 c                # full, nothing expired: 2 is the least recently used and goes
        peek 1 -> A            # 1 is live until 105: its old deadline (10) must be forgotten
        peek 2 -> none
        purge -> 0             # nothing has expired at 10
        len -> 2
        ",
    );
    check(
        2,
        "
        put 1 a ttl 10
        put 2 b
        at 5
        put 1 A -> a     # a plain put: 1 no longer expires at all
        at 10
        put 3 c          # full, nothing expired: 2 is the least recently used and goes
        peek 1 -> A      # 1 has no ttl any more: its old deadline (10) must be forgotten
        peek 2 -> none
        purge -> 0
        len -> 2
        ",
    );
}

fn removing_an_entry_leaves_the_other_deadlines_in_place(_: &mut Ctx) {
    check(
        4,
        "
        put 1 a ttl 10
        put 2 b
        put 3 c ttl 100
        at 10
        get 1 -> none    # 1 expired and is removed; 3 must keep its deadline of 100
        put 4 d          # takes the freed room: no ttl
        put 5 e          # no ttl
        len -> 4
        at 99
        purge -> 0       # nothing expires before 100
        peek 3 -> c
        at 100
        purge -> 1       # exactly 3 expires at 100
        peek 3 -> none
        peek 2 -> b      # plain entries are never purged, wherever they are stored
        peek 4 -> d
        peek 5 -> e
        len -> 3
        at 1000
        purge -> 0
        len -> 3
        ",
    );
    check(
        3,
        "
        put 1 a ttl 50
        put 2 b ttl 10
        put 3 c ttl 30
        at 10
        purge -> 1       # 2 expired at 10; 1 (50) and 3 (30) keep their deadlines
        put 4 d          # room again: no eviction
        at 29
        purge -> 0
        at 30
        put 5 e          # full: 3 expired at 30, so 3 is the one evicted
        peek 1 -> a
        peek 4 -> d
        peek 5 -> e
        len -> 3
        at 50
        purge -> 1       # exactly 1, at 50
        peek 4 -> d
        len -> 2
        ",
    );
}

fn purge_expired_removes_exactly_the_expired_entries(_: &mut Ctx) {
    check(
        10,
        "
        put 1 a ttl 5
        put 2 b ttl 10
        put 3 c
        put 4 d ttl 20
        at 9
        purge -> 1       # only 1 has expired (5 <= 9); 2 lives while now < 10
        at 10
        purge -> 1       # 2 expires at exactly 10
        len -> 2
        peek 3 -> c
        peek 4 -> d
        purge -> 0       # nothing more has expired
        at 20
        purge -> 1       # 4 expired at 20
        len -> 1
        peek 3 -> c      # a plain put is never purged
        ",
    );
}

fn ttl_zero_is_expired_at_once(_: &mut Ctx) {
    check(
        2,
        "
        at 7
        put 1 a ttl 0
        peek 1 -> none   # live while now < 7 + 0: never
        get 1 -> none
        len -> 0         # get removed it (or it was never stored)
        ",
    );
}

fn a_huge_ttl_does_not_overflow(_: &mut Ctx) {
    check(
        2,
        "
        at 1000
        put 1 a ttl 18446744073709551615   # u64::MAX: now + ttl must not overflow (saturate it)
        at 1000000000000
        get 1 -> a                         # a ttl that large never runs out
        purge -> 0
        ",
    );
    check(
        2,
        "
        at 1000
        put 1 a ttl 18446744073709550614   # u64::MAX - 1001: expires at u64::MAX - 1, no overflow
        put 2 b ttl 18446744073709550616   # u64::MAX - 999: 1000 + ttl overflows; saturate it
        at 18446744073709551613            # u64::MAX - 2
        get 1 -> a                         # live while now < u64::MAX - 1
        get 2 -> b
        at 18446744073709551614            # u64::MAX - 1
        get 1 -> none                      # expired at 1000 + (u64::MAX - 1001) exactly
        get 2 -> b                         # a deadline past u64::MAX never comes
        ",
    );
}

fn new_reads_a_real_monotonic_clock(_: &mut Ctx) {
    scenario("LruCache::new(4) (no clock given: it reads a real monotonic clock in milliseconds)");
    let mut cache: LruCache<u32, &str> = LruCache::new(4);
    step("put_with_ttl(1, \"a\", 600_000)");
    cache.put_with_ttl(1, "a", 600_000);
    step("put_with_ttl(2, \"b\", 0)");
    cache.put_with_ttl(2, "b", 0);
    step("put(3, \"c\")");
    cache.put(3, "c");
    expect_eq(
        "get(&1): a ten-minute ttl cannot have run out during this check",
        cache.get(&1),
        Some(&"a"),
    );
    expect_eq(
        "get(&2): a ttl of 0 is expired at once",
        cache.get(&2),
        None,
    );
    expect_eq(
        "get(&3): a plain put never expires",
        cache.get(&3),
        Some(&"c"),
    );
}

fn a_cache_without_ttls_never_reads_the_clock(_: &mut Ctx) {
    scenario(
        "LruCache::with_clock(3, clock) with a clock that counts how often it is read; only \
         plain puts (no ttl), so the cache has no reason to look at the time",
    );
    let reads = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&reads);
    let mut cache: LruCache<u32, &str> = LruCache::with_clock(3, move || {
        counter.fetch_add(1, Ordering::SeqCst);
        1_000
    });
    let expect_no_reads = |done: &str| {
        expect_eq(
            format!("clock reads after {done} (no entry has a ttl, so there is no deadline to compare with)"),
            reads.load(Ordering::SeqCst),
            0,
        );
    };
    for (k, v) in [(1, "a"), (2, "b"), (3, "c")] {
        step(format!("put({k}, {v:?})"));
        cache.put(k, v);
    }
    expect_no_reads("three puts");
    step("get(&1), get(&9), peek(&2)");
    cache.get(&1);
    cache.get(&9);
    cache.peek(&2);
    expect_no_reads("a hit, a miss and a peek");
    step("put(1, \"A\") (an update), put(4, \"d\") (evicts 2, the least recently used)");
    cache.put(1, "A");
    cache.put(4, "d");
    expect_no_reads("an update and an evicting put");
    step("purge_expired(), len()");
    let purged = cache.purge_expired();
    cache.len();
    expect_no_reads("purge_expired() and len()");
    expect_eq("purge_expired(): no entry has a ttl", purged, 0);
}

/// One operation of the random sequences.
enum Op {
    Advance(u64),
    Put(u32, u32),
    PutTtl(u32, u32, u64),
    Get(u32),
    Peek(u32),
    Purge,
    Len,
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Advance(ms) => write!(f, "clock += {ms}"),
            Op::Put(k, v) => write!(f, "put({k}, {v})"),
            Op::PutTtl(k, v, ttl) => write!(f, "put_with_ttl({k}, {v}, {ttl})"),
            Op::Get(k) => write!(f, "get(&{k})"),
            Op::Peek(k) => write!(f, "peek(&{k})"),
            Op::Purge => write!(f, "purge_expired()"),
            Op::Len => write!(f, "len()"),
        }
    }
}

/// What an operation returned.
#[derive(PartialEq)]
enum Out {
    Now(u64),
    Value(Option<u32>),
    Count(usize),
}

impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Out::Now(t) => write!(f, "clock is {t}"),
            Out::Value(v) => write!(f, "{v:?}"),
            Out::Count(n) => write!(f, "{n}"),
        }
    }
}

fn random_sequences_with_ttls_match_a_simple_model(ctx: &mut Ctx) {
    for capacity in [1, 2, 3, 5, 8] {
        scenario(format!(
            "LruCache::with_clock({capacity}, clock), clock from 0; 400 random operations \
             (put, put_with_ttl with ttl 0..=12, get, peek, purge_expired, len, clock moves of 0..=4 ms) \
             on keys 0..{}, compared with a simple vector-based model of the rules. No two stored \
             entries ever share an expiry instant, so which expired entry goes first is never a tie",
            capacity * 2 + 1
        ));
        let clock = ManualClock::at(0);
        let mut cache: LruCache<u32, u32> = LruCache::with_clock(capacity, clock.reader());
        let model = RefCell::new(ModelLru::new(capacity));
        let model_now = Cell::new(0);
        let keys = capacity as u64 * 2 + 1;
        let mut next_value = 0;
        model::compare(
            ctx.rng(),
            400,
            |rng| {
                next_value += 1;
                let k = rng.below(keys) as u32;
                match rng.below(20) {
                    0..=2 => Op::Advance(rng.below(5)),
                    3..=5 => Op::Put(k, next_value),
                    6..=10 => {
                        let mut ttl = rng.below(13);
                        while model.borrow().has_deadline(model_now.get() + ttl) {
                            ttl += 1;
                        }
                        Op::PutTtl(k, next_value, ttl)
                    }
                    11..=15 => Op::Get(k),
                    16..=17 => Op::Peek(k),
                    18 => Op::Purge,
                    _ => Op::Len,
                }
            },
            |op| match *op {
                Op::Advance(ms) => Out::Now(clock.advance(ms)),
                Op::Put(k, v) => Out::Value(cache.put(k, v)),
                Op::PutTtl(k, v, ttl) => Out::Value(cache.put_with_ttl(k, v, ttl)),
                Op::Get(k) => Out::Value(cache.get(&k).copied()),
                Op::Peek(k) => Out::Value(cache.peek(&k).copied()),
                Op::Purge => Out::Count(cache.purge_expired()),
                Op::Len => Out::Count(cache.len()),
            },
            |op| {
                let mut model = model.borrow_mut();
                let now = model_now.get();
                match *op {
                    Op::Advance(ms) => {
                        model_now.set(now + ms);
                        Out::Now(now + ms)
                    }
                    Op::Put(k, v) => Out::Value(model.put(k, v, None, now)),
                    Op::PutTtl(k, v, ttl) => Out::Value(model.put(k, v, Some(now + ttl), now)),
                    Op::Get(k) => Out::Value(model.get(k, now)),
                    Op::Peek(k) => Out::Value(model.peek(k, now)),
                    Op::Purge => Out::Count(model.purge(now)),
                    Op::Len => Out::Count(model.len()),
                }
            },
        );
    }
}

fn purge_costs_what_it_removes_not_a_full_scan(_: &mut Ctx) {
    scenario(
        "caches holding 125 and 4000 live entries (ttl of about 10^6 ms) plus 100 entries \
         expiring at 1, 2, …, 100 ms; the clock steps from 1 to 100 and purge_expired() runs \
         after each step, removing one entry each time. Cost must follow what is removed \
         (100 entries either way), not how many live entries there are",
    );
    Scaling::new("purging expired entries one at a time", 125, 4_000)
        .demanding("O(removed · log n)")
        .run(
            |n| {
                let clock = ManualClock::at(0);
                let mut cache: LruCache<u64, u64> = LruCache::with_clock(n + 100, clock.reader());
                for k in 0..n as u64 {
                    cache.put_with_ttl(k, k, 1_000_000 + k);
                }
                for t in 1..=100u64 {
                    cache.put_with_ttl(1_000_000_000 + t, t, t);
                }
                (cache, clock)
            },
            |(cache, clock)| {
                let mut removed = 0;
                for t in 1..=100 {
                    clock.set(t);
                    removed += cache.purge_expired();
                }
                expect_eq(
                    "entries removed by the 100 purges (one expiring at each of 1..=100 ms)",
                    removed,
                    100,
                );
            },
        );
}

fn eviction_stays_fast_when_entries_have_ttls(_: &mut Ctx) {
    scenario(
        "full caches of 125 and 4000 entries, all with long ttls (live); the same batch of \
         500 get(&k) and 500 put_with_ttl of new keys (each must evict one). Finding whether an \
         expired entry exists must not scan the cache",
    );
    Scaling::new(
        "evicting puts on a full cache of entries with ttls",
        125,
        4_000,
    )
    .demanding("O(log n)")
    .run(
        |n| {
            let clock = ManualClock::at(0);
            let mut cache: LruCache<u64, u64> = LruCache::with_clock(n, clock.reader());
            for k in 0..n as u64 {
                cache.put_with_ttl(k, k, 1_000_000 + k);
            }
            (cache, n as u64)
        },
        |(cache, n)| {
            let n = *n;
            let mut sum = 0u64;
            for i in 0..500u64 {
                let k = (i * 7919) % n;
                sum = sum.wrapping_add(cache.get(&k).copied().unwrap_or(0));
                cache.put_with_ttl(n + i, i, 2_000_000 + i);
            }
            std::hint::black_box(sum);
        },
    );
}
