//! Stage tenants: per-tenant quotas, and a full cache takes room from the tenant holding the most.

use std::fmt;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, model, scenario, Ctx, Stage};

use crate::drill::TenantLruCache;
use crate::support::{num, play, ModelTenants, Played};

/// Returns the checks of stage tenants.
pub fn stage() -> Stage {
    Stage {
        slug: "tenants",
        checks: checks![
            keys_are_namespaced_by_tenant,
            a_tenant_at_its_quota_evicts_its_own_least_recently_used_entry,
            a_tenant_at_its_quota_on_a_full_cache_evicts_only_its_own_entry,
            a_full_cache_evicts_from_the_tenant_holding_the_most_entries,
            a_tie_between_the_largest_tenants_goes_to_the_older_lru_entry,
            a_hot_tenant_cannot_evict_a_quiet_tenant,
            a_tenant_emptied_by_eviction_competes_afresh_when_it_returns,
            updating_a_key_refreshes_it_and_evicts_nothing,
            get_refreshes_recency_within_a_tenant,
            zero_capacity_or_zero_quota_stores_nothing,
            a_quota_above_the_capacity_is_bounded_by_the_capacity,
            random_sequences_match_a_simple_model,
            eviction_stays_fast_with_many_tenants,
        ],
    }
}

/// Plays `script` on `TenantLruCache::new(capacity, quota)` with `String` tenants, `u32` keys and
/// `String` values.
///
/// Operations: `put T K V`, `fill T FROM TO` (put T k "T-k" for each k), `get T K`, `len`, `tenant_len T`.
#[track_caller]
fn check(capacity: usize, quota: usize, script: &str) {
    scenario(format!(
        "TenantLruCache::new({capacity}, {quota}): at most {capacity} entries in all and \
         {quota} per tenant; String tenants, u32 keys, String values"
    ));
    let mut cache: TenantLruCache<String, u32, String> = TenantLruCache::new(capacity, quota);
    play(script, |words| match words {
        ["put", t, k, v] => {
            let k: u32 = num(k);
            Played::value(
                format!("put({t:?}, {k}, {v:?})"),
                cache.put(t.to_string(), k, v.to_string()),
            )
        }
        ["fill", t, from, to] => {
            let (from, to): (u32, u32) = (num(from), num(to));
            for k in from..=to {
                cache.put(t.to_string(), k, format!("{t}-{k}"));
            }
            Played::unit(format!("put({t:?}, k, \"{t}-k\") for k in {from}..={to}"))
        }
        ["get", t, k] => {
            let k: u32 = num(k);
            Played::value(format!("get(&{t:?}, &{k})"), cache.get(&t.to_string(), &k))
        }
        ["len"] => Played::plain("len()".into(), cache.len()),
        ["tenant_len", t] => Played::plain(
            format!("tenant_len(&{t:?})"),
            cache.tenant_len(&t.to_string()),
        ),
        other => panic!("script error: unknown operation {other:?}"),
    });
}

fn keys_are_namespaced_by_tenant(_: &mut Ctx) {
    check(
        10,
        5,
        "
        put acme 1 x -> none
        put globex 1 y -> none   # key 1 of globex is not key 1 of acme
        get acme 1 -> x
        get globex 1 -> y
        put acme 1 z -> x        # updates acme's key 1 only
        get globex 1 -> y
        tenant_len acme -> 1
        tenant_len globex -> 1
        tenant_len initech -> 0  # a tenant never seen holds nothing
        get initech 1 -> none
        len -> 2
        ",
    );
}

fn a_tenant_at_its_quota_evicts_its_own_least_recently_used_entry(_: &mut Ctx) {
    check(
        10,
        3,
        "
        put b 1 b1
        put a 1 a1
        put a 2 a2
        put a 3 a3
        get a 1 -> a1            # a's least recently used is now a2; b1 is older than all of a's
        put a 4 a4               # a holds its quota of 3: it gives up its own least recently used (a2)
        get a 2 -> none          # a2 was a's least recently used when a put its 4th key
        get b 1 -> b1            # another tenant's entry is never evicted for a tenant at its quota
        get a 1 -> a1
        tenant_len a -> 3
        len -> 4
        ",
    );
}

fn a_tenant_at_its_quota_on_a_full_cache_evicts_only_its_own_entry(_: &mut Ctx) {
    check(
        4,
        2,
        "
        put b 1 b1
        put b 2 b2
        put a 1 a1
        put a 2 a2               # full, and a and b are both at their quota of 2
        put a 3 a3               # a at its quota gives up its own a1; that makes the room, so no one else pays
        len -> 4                 # exactly one entry left for a's new key
        tenant_len a -> 2
        tenant_len b -> 2        # b's oldest entry stays: a's own eviction already made room
        get b 1 -> b1
        get a 1 -> none
        get a 2 -> a2
        ",
    );
}

fn a_full_cache_evicts_from_the_tenant_holding_the_most_entries(_: &mut Ctx) {
    check(
        5,
        5,
        "
        put b 1 b1
        put b 2 b2
        put a 1 a1
        put a 2 a2
        put a 3 a3               # full: b holds 2 (the oldest entries), a holds 3
        put c 1 c1               # full: the largest tenant (a) gives up its least recently used (a1)
        get b 1 -> b1            # b1 is the oldest entry, but b is not the largest tenant
        get a 1 -> none          # a1 was the least recently used entry of the largest tenant
        tenant_len a -> 2
        tenant_len c -> 1
        len -> 5
        ",
    );
}

fn a_tie_between_the_largest_tenants_goes_to_the_older_lru_entry(_: &mut Ctx) {
    check(
        4,
        4,
        "
        put a 1 a1
        put b 1 b1
        put a 2 a2
        put b 2 b2               # full; a and b hold 2 each
        get a 1 -> a1            # a's least recently used is now a2 (3rd use); b's is b1 (2nd use)
        put c 1 c1               # tie at 2 entries: b's least recently used entry is older, so b1 goes
        get b 1 -> none          # b1 was older than a2
        get a 2 -> a2
        put c 2 c2               # a holds 2, b 1, c 1: a is the largest alone; its least recent is a1
        get a 1 -> none          # a1 (used 5th) was older than a2 (read just above)
        get a 2 -> a2
        len -> 4
        ",
    );
    check(
        4,
        4,
        "
        put a 1 a1
        put b 1 b1
        put b 2 b2
        put a 2 a2               # full; a and b hold 2 each; a's least recently used (a1) is the oldest
        put c 1 c1               # tie: a's least recently used entry is older (though a's newest is newer), so a1 goes
        get a 1 -> none
        get b 1 -> b1
        get a 2 -> a2
        ",
    );
}

fn a_hot_tenant_cannot_evict_a_quiet_tenant(_: &mut Ctx) {
    check(
        6,
        4,
        "
        put quiet 1 q1
        put quiet 2 q2
        fill hot 1 20            # hot writes 20 keys; it may keep only its quota of 4
        tenant_len hot -> 4      # hot at its quota evicted its own entries, never quiet's
        len -> 6
        put newcomer 1 n1        # full: the largest tenant (hot, 4 entries) gives one up, though quiet's are older
        tenant_len hot -> 3
        get quiet 1 -> q1        # quiet's entries are the oldest in the cache, but quiet is small
        get quiet 2 -> q2
        get newcomer 1 -> n1
        ",
    );
}

fn a_tenant_emptied_by_eviction_competes_afresh_when_it_returns(_: &mut Ctx) {
    check(
        3,
        3,
        "
        put a 1 a1
        put b 1 b1
        put c 1 c1               # full: one entry each
        put d 1 d1               # tie at 1 entry: a's is the oldest, so a1 goes and a holds nothing
        tenant_len a -> 0
        put a 2 a2               # a is back: full, tie at 1 entry, b1 is the oldest, so it goes
        put a 3 a3               # full, tie at 1 entry (a holds 1 like c and d): c1 is the oldest
        tenant_len a -> 2
        put e 1 e1               # full: a holds the most (2), so a gives up a2
        get a 2 -> none          # a returned like a new tenant and must be ranked like any other
        get d 1 -> d1            # d holds 1 entry: the largest tenant (a) pays, not d
        tenant_len a -> 1
        len -> 3
        ",
    );
}

fn updating_a_key_refreshes_it_and_evicts_nothing(_: &mut Ctx) {
    check(
        3,
        2,
        "
        put a 1 a1
        put a 2 a2
        put b 1 b1               # the cache is full and a is at its quota
        put a 1 A1 -> a1         # an update: nothing is evicted, and a1 becomes a's most recent
        len -> 3
        get a 2 -> a2
        get b 1 -> b1
        put a 1 AA -> A1
        put a 3 a3               # a at its quota: its least recently used is now a2
        get a 2 -> none          # a2 was read before the last update of a's key 1
        get a 1 -> AA
        ",
    );
    check(
        3,
        3,
        "
        put a 1 a1
        put b 1 b1
        put b 2 b2               # full; a is below its quota of 3
        put a 1 A1 -> a1         # an update on a full cache: no entry of anyone is evicted
        len -> 3
        tenant_len b -> 2
        get b 1 -> b1
        get b 2 -> b2
        ",
    );
}

fn get_refreshes_recency_within_a_tenant(_: &mut Ctx) {
    check(
        10,
        2,
        "
        put a 1 a1
        put a 2 a2
        get a 1 -> a1            # refreshes a1: a2 becomes a's least recently used
        put a 3 a3               # a at its quota gives up a2
        get a 2 -> none          # get(&a, &1) had refreshed a1, so a2 was the least recent
        get a 1 -> a1
        ",
    );
}

fn zero_capacity_or_zero_quota_stores_nothing(_: &mut Ctx) {
    check(
        0,
        5,
        "
        put a 1 x -> none        # capacity 0 stores nothing
        get a 1 -> none
        len -> 0
        tenant_len a -> 0
        ",
    );
    check(
        5,
        0,
        "
        put a 1 x -> none        # quota 0: no tenant may hold anything
        get a 1 -> none
        len -> 0
        tenant_len a -> 0
        ",
    );
}

fn a_quota_above_the_capacity_is_bounded_by_the_capacity(_: &mut Ctx) {
    check(
        3,
        10,
        "
        fill a 1 3               # full, a holds all 3
        put a 4 a-4              # under its quota but the cache is full: the largest tenant (a) gives one up
        len -> 3
        get a 1 -> none          # a-1 was a's least recently used
        get a 4 -> a-4
        ",
    );
}

/// One operation of the random sequences.
enum Op {
    Put(u32, u32, u32),
    Get(u32, u32),
    Len,
    TenantLen(u32),
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put(t, k, v) => write!(f, "put({t}, {k}, {v})"),
            Op::Get(t, k) => write!(f, "get(&{t}, &{k})"),
            Op::Len => write!(f, "len()"),
            Op::TenantLen(t) => write!(f, "tenant_len(&{t})"),
        }
    }
}

/// What an operation returned.
#[derive(PartialEq)]
enum Out {
    Value(Option<u32>),
    Count(usize),
}

impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Out::Value(v) => write!(f, "{v:?}"),
            Out::Count(n) => write!(f, "{n}"),
        }
    }
}

fn random_sequences_match_a_simple_model(ctx: &mut Ctx) {
    for (capacity, quota) in [(1, 1), (3, 1), (3, 2), (5, 2), (6, 3), (8, 3), (4, 9)] {
        scenario(format!(
            "TenantLruCache::new({capacity}, {quota}) with u32 tenants 0..4, keys 0..5 and values; \
             300 random put/get/len/tenant_len operations compared with a simple vector-based model"
        ));
        let mut cache: TenantLruCache<u32, u32, u32> = TenantLruCache::new(capacity, quota);
        let mut model = ModelTenants::new(capacity, quota);
        let mut next_value = 0;
        model::compare(
            ctx.rng(),
            300,
            |rng| match rng.below(10) {
                0..=4 => {
                    next_value += 1;
                    Op::Put(rng.below(4) as u32, rng.below(5) as u32, next_value)
                }
                5..=7 => Op::Get(rng.below(4) as u32, rng.below(5) as u32),
                8 => Op::Len,
                _ => Op::TenantLen(rng.below(4) as u32),
            },
            |op| match *op {
                Op::Put(t, k, v) => Out::Value(cache.put(t, k, v)),
                Op::Get(t, k) => Out::Value(cache.get(&t, &k).copied()),
                Op::Len => Out::Count(cache.len()),
                Op::TenantLen(t) => Out::Count(cache.tenant_len(&t)),
            },
            |op| match *op {
                Op::Put(t, k, v) => Out::Value(model.put(t, k, v)),
                Op::Get(t, k) => Out::Value(model.get(t, k)),
                Op::Len => Out::Count(model.len()),
                Op::TenantLen(t) => Out::Count(model.tenant_len(t)),
            },
        );
    }
}

fn eviction_stays_fast_with_many_tenants(_: &mut Ctx) {
    scenario(
        "full caches shared by 125 and by 4000 tenants holding 2 entries each (quota 4); the \
         same batch of 300 get(&t, &k) of stored entries and 300 put(new tenant, 0, v), each of \
         which must evict from the largest tenant. Finding that tenant must not scan all tenants",
    );
    // 4,000 tenants each own a small map, so the large case misses the processor's caches more
    // often: the reference reached 5.6x on a loaded machine, while a scan over the tenants is
    // above 30x (32x more tenants).
    Scaling::new("put evicting from the largest tenant", 125, 4_000)
        .demanding("O(log tenants)")
        .max_ratio(10.0)
        .run(
            |n| {
                let n = n as u32;
                let mut cache: TenantLruCache<u32, u32, u32> =
                    TenantLruCache::new(2 * n as usize, 4);
                for t in 0..n {
                    cache.put(t, 0, t);
                }
                for t in 0..n {
                    cache.put(t, 1, t);
                }
                (cache, n)
            },
            |(cache, n)| {
                let n = *n;
                let mut sum = 0u32;
                for i in 0..300u32 {
                    let t = (i * 7919) % n;
                    sum = sum.wrapping_add(cache.get(&t, &1).copied().unwrap_or(0));
                    cache.put(n + i, 0, i);
                }
                std::hint::black_box(sum);
            },
        );
}
