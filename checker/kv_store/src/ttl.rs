//! Stage ttl: deadlines on an injected clock, expired keys absent everywhere, reclaim that costs what expires.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, scenario, Ctx, Stage};

use crate::drill::KvStore;
use crate::support::{check, random_run, Level};

/// Returns the checks of stage ttl.
pub fn stage() -> Stage {
    Stage {
        slug: "ttl",
        checks: checks![
            a_key_expires_exactly_at_its_deadline,
            an_expired_key_is_absent_for_every_read,
            ttl_zero_leaves_the_key_absent_at_once,
            ttl_one_and_the_largest_ttl,
            tick_counts_the_keys_it_expired,
            the_clock_never_goes_back,
            ttl_reports_the_time_left,
            a_plain_set_clears_the_deadline,
            set_with_ttl_replaces_a_deadline_sooner_or_later,
            a_key_deleted_and_set_again_has_no_deadline,
            random_sequences_match_a_model,
            tick_costs_what_expires,
            reads_and_writes_stay_fast_with_deadlines,
        ],
    }
}

fn a_key_expires_exactly_at_its_deadline(_: &mut Ctx) {
    check(
        "set_with_ttl(1, 10, 100) at time 0: deadline 100",
        "
        now -> 0                     # the clock starts at 0
        set_ttl 1 10 100 -> none
        tick 99 -> 0
        get 1 -> 10                  # one millisecond before the deadline: present
        now -> 99
        tick 100 -> 1                # the clock reaches the deadline: the key expires
        get 1 -> none
        tick 101 -> 0                # nothing more to expire
        get 1 -> none
        ",
    );
}

fn an_expired_key_is_absent_for_every_read(_: &mut Ctx) {
    check(
        "keys 1 and 3 forever, key 2 with ttl 5; the clock moves to 5",
        "
        set 1 1
        set_ttl 2 2 5
        set 3 3
        len -> 3
        scan .. 10 -> [1=1 2=2 3=3]
        tick 5 -> 1
        get 2 -> none                # expired: absent for get
        scan .. 10 -> [1=1 3=3]      # for scan
        scan 2..=2 10 -> []
        len -> 2                     # for len
        delete 2 -> none             # delete finds nothing
        set 2 20 -> none             # and a set replaces nothing
        get 2 -> 20
        ",
    );
    check(
        "the only key expires: the store is empty",
        "
        set_ttl 7 7 1
        is_empty -> false
        tick 1 -> 1
        is_empty -> true
        len -> 0
        scan .. 5 -> []
        ",
    );
}

fn ttl_zero_leaves_the_key_absent_at_once(_: &mut Ctx) {
    check(
        "set_with_ttl with ttl 0, on a new key and on a present key, at time 10",
        "
        tick 10
        set_ttl 1 1 0 -> none        # deadline 10 = now: absent at once
        get 1 -> none
        len -> 0
        scan .. 10 -> []
        set 2 2
        set_ttl 2 9 0 -> 2           # returns the value it replaced, like set
        get 2 -> none                # and the key is gone
        len -> 0
        ttl 2 -> none
        ",
    );
}

fn ttl_one_and_the_largest_ttl(_: &mut Ctx) {
    check(
        "ttl 1 lives one millisecond; ttl u64::MAX saturates at the end of time",
        "
        tick 5
        set_ttl 1 1 1
        get 1 -> 1
        ttl 1 -> 1
        tick 6 -> 1
        get 1 -> none
        set_ttl 2 2 18446744073709551615                # 6 + u64::MAX saturates to u64::MAX
        get 2 -> 2
        ttl 2 -> 18446744073709551609                   # u64::MAX - 6
        tick 18446744073709551614 -> 0                  # u64::MAX - 1: still present
        get 2 -> 2
        ttl 2 -> 1
        tick 18446744073709551615 -> 1                  # u64::MAX reaches the deadline
        get 2 -> none
        ",
    );
}

fn tick_counts_the_keys_it_expired(_: &mut Ctx) {
    check(
        "five keys: three share deadline 10, one at 20, one forever; then a jump far ahead",
        "
        set_ttl 1 1 10
        set_ttl 2 2 10
        set_ttl 3 3 10
        set_ttl 4 4 20
        set 5 5
        tick 9 -> 0
        tick 10 -> 3                 # three keys share the deadline 10
        scan .. 10 -> [4=4 5=5]
        tick 10 -> 0                 # the same time again expires nothing
        set_ttl 6 6 5
        set_ttl 7 7 1000
        tick 1000000 -> 3            # keys 4, 6 and 7 in one jump
        scan .. 10 -> [5=5]
        len -> 1
        ",
    );
}

fn the_clock_never_goes_back(_: &mut Ctx) {
    check(
        "the clock at 50, then tick(20), then forward again",
        "
        set_ttl 1 1 60               # deadline 60
        tick 50 -> 0
        tick 20 -> 0                 # earlier than the clock: nothing changes
        now -> 50
        ttl 1 -> 10                  # still counted from 50
        set_ttl 2 2 5                # deadline 55, from the clock (50), not from 20
        ttl 2 -> 5
        tick 54 -> 0
        get 2 -> 2
        tick 55 -> 1
        tick 0 -> 0
        now -> 55
        get 1 -> 1
        tick 60 -> 1
        ",
    );
}

fn ttl_reports_the_time_left(_: &mut Ctx) {
    check(
        "a key with ttl 30 set at time 0, a key without a deadline, a missing key",
        "
        set_ttl 1 1 30
        set 2 2
        ttl 1 -> 30
        ttl 2 -> forever             # Some(None): present, no deadline
        ttl 3 -> none                # None: absent
        tick 1
        ttl 1 -> 29
        tick 29
        ttl 1 -> 1                   # never 0: at the deadline the key is gone
        tick 30
        ttl 1 -> none
        ttl 2 -> forever
        ",
    );
}

fn a_plain_set_clears_the_deadline(_: &mut Ctx) {
    check(
        "a key with ttl 10, overwritten by a plain set at time 5",
        "
        set_ttl 1 1 10
        tick 5
        set 1 2 -> 1
        ttl 1 -> forever             # a plain set clears the deadline
        tick 10 -> 0                 # the old deadline must not delete the new value
        get 1 -> 2
        tick 1000000 -> 0
        get 1 -> 2
        len -> 1
        ",
    );
}

fn set_with_ttl_replaces_a_deadline_sooner_or_later(_: &mut Ctx) {
    check(
        "one key's deadline made longer, another's made shorter",
        "
        set_ttl 1 1 10               # deadline 10
        set_ttl 2 2 50               # deadline 50
        set_ttl 1 11 40 -> 1         # key 1: deadline 40 now
        set_ttl 2 22 20 -> 2         # key 2: deadline 20 now
        ttl 1 -> 40
        ttl 2 -> 20
        tick 10 -> 0                 # key 1's old deadline no longer applies
        get 1 -> 11
        tick 20 -> 1                 # key 2's new, sooner deadline does
        get 2 -> none
        tick 40 -> 1
        get 1 -> none
        tick 50 -> 0                 # key 2's old deadline expires nothing
        set_ttl 3 3 5                # and a deadline replaced by the same deadline
        set_ttl 3 4 5
        tick 55 -> 1
        len -> 0
        ",
    );
}

fn a_key_deleted_and_set_again_has_no_deadline(_: &mut Ctx) {
    check(
        "a key with ttl 10 deleted, then set again without a ttl",
        "
        set_ttl 1 1 10
        delete 1 -> 1
        set 1 2 -> none
        ttl 1 -> forever
        tick 10 -> 0                 # the deleted key's deadline is gone with it
        get 1 -> 2
        ",
    );
}

fn random_sequences_match_a_model(ctx: &mut Ctx) {
    for round in 0..150 {
        scenario(format!(
            "random round {round}: sets with and without ttls (0, 1, u64::MAX among them), deletes, \
             ticks (some backwards), get/scan/len/ttl on keys 0..{}, compared with a BTreeMap",
            1 + round % 9
        ));
        random_run(ctx.rng(), Level::Ttl, 80, 1 + round % 9);
    }
}

/// Builds a store of `n` keys with deadlines from 1,000,000 on.
fn with_deadlines(n: usize) -> KvStore<u32, u32> {
    let mut kv = KvStore::new();
    for k in 0..n as u32 {
        kv.set_with_ttl(k, k, 1_000_000 + u64::from(k));
    }
    kv
}

fn tick_costs_what_expires(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 keys with far deadlines: 200 ticks that expire nothing, then 8 \
         keys due 1..=8 ms ahead and 8 ticks that expire one each",
    );
    let (small, large) = (
        RefCell::new(with_deadlines(2_000)),
        RefCell::new(with_deadlines(64_000)),
    );
    let pick = |n: usize| {
        if n == 2_000 {
            small.borrow_mut()
        } else {
            large.borrow_mut()
        }
    };
    Scaling::new("200 ticks that expire nothing", 2_000, 64_000)
        .demanding("O(log n) when nothing expires")
        .run(pick, |kv| {
            let from = kv.now();
            let mut expired = 0;
            for t in 1..=200 {
                expired += kv.tick(from + t);
            }
            expect_eq("keys expired by ticks before any deadline", expired, 0);
        });
    Scaling::new("8 ticks expiring one key each", 2_000, 64_000)
        .demanding("O(k log n) for k expired keys")
        .run(
            |n| {
                let mut kv = pick(n);
                for t in 1..=8 {
                    kv.set_with_ttl(10_000_000 + t as u32, 0, t);
                }
                kv
            },
            |kv| {
                let from = kv.now();
                let mut expired = 0;
                for t in 1..=8 {
                    expired += kv.tick(from + t);
                }
                expect_eq("keys expired by 8 ticks (one key due at each)", expired, 8);
            },
        );
}

fn reads_and_writes_stay_fast_with_deadlines(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 keys, every one with a deadline; gets, overwrites with a new \
         ttl, plain sets, deletes, and scans of 8 keys from the middle and the end",
    );
    let (small, large) = (
        RefCell::new(with_deadlines(2_000)),
        RefCell::new(with_deadlines(64_000)),
    );
    let pick = |n: usize| {
        if n == 2_000 {
            small.borrow_mut()
        } else {
            large.borrow_mut()
        }
    };
    Scaling::new(
        "get, set_with_ttl, set and delete on keys with deadlines",
        2_000,
        64_000,
    )
    .demanding("O(log n)")
    .max_ratio(16.0)
    .run(pick, |kv| {
        let n = kv.len() as u32;
        let mut sum = 0u32;
        for i in 0..200u32 {
            let k = (i * 7919) % n;
            sum = sum.wrapping_add(kv.get(&k).copied().unwrap_or(0));
            kv.set_with_ttl(k, k, 2_000_000 + u64::from(i));
            kv.set(k, k);
            kv.delete(&k);
            kv.set_with_ttl(k, k, 1_000_000 + u64::from(k));
        }
        std::hint::black_box(sum);
    });
    Scaling::new("scans of 8 keys with deadlines", 2_000, 64_000)
        .demanding("O(log n + returned)")
        .run(pick, |kv| {
            let n = kv.len() as u32;
            let mut total = 0;
            for i in 0..100 {
                total += kv.scan(n / 2 + i.., 8).len() + kv.scan(n - 9.., 8).len();
            }
            std::hint::black_box(total);
        });
}
