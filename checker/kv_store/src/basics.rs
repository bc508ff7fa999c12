//! Stage basics: get/set/delete in O(log n) and ordered scans that cost what they return.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, scenario, Ctx, Stage};

use crate::drill::KvStore;
use crate::support::{check, random_run, Level};

/// Returns the checks of stage basics.
pub fn stage() -> Stage {
    Stage {
        slug: "basics",
        checks: checks![
            get_returns_what_set_stored,
            set_returns_the_value_it_replaced,
            delete_returns_the_value_and_a_missing_delete_changes_nothing,
            a_deleted_key_can_be_set_again,
            len_and_is_empty_count_present_keys,
            scan_returns_keys_in_order_for_every_kind_of_range,
            scan_stops_at_the_limit,
            scan_of_an_empty_or_backwards_range_returns_nothing,
            empty_and_single_key_stores,
            random_sequences_match_a_model,
            point_operations_take_logarithmic_time,
            scans_cost_what_they_return_wherever_they_start,
        ],
    }
}

fn get_returns_what_set_stored(_: &mut Ctx) {
    check(
        "set some keys, read them back and read keys never set",
        "
        get 1 -> none                # nothing was set yet
        set 1 10 -> none
        set 2 20 -> none
        get 1 -> 10
        get 2 -> 20
        get 3 -> none                # key 3 was never set
        get 0 -> none
        set 4294967295 7 -> none
        get 4294967295 -> 7          # the largest u32 key is a key like any other
        ",
    );
}

fn set_returns_the_value_it_replaced(_: &mut Ctx) {
    check(
        "set the same key several times in a row",
        "
        set 5 1 -> none              # a new key replaces nothing
        set 5 2 -> 1                 # the second set returns the first value
        set 5 3 -> 2
        set 5 3 -> 3                 # the same value again is still a replacement
        get 5 -> 3
        len -> 1                     # one key, however often it was set
        ",
    );
}

fn delete_returns_the_value_and_a_missing_delete_changes_nothing(_: &mut Ctx) {
    check(
        "delete present keys, a missing key, and a key twice",
        "
        set 1 10
        set 2 20
        delete 9 -> none             # key 9 was never set
        len -> 2                     # so nothing changed
        delete 1 -> 10               # delete returns the value it removed
        get 1 -> none
        len -> 1
        delete 1 -> none             # already gone
        len -> 1
        get 2 -> 20                  # the other key is untouched
        delete 2 -> 20
        len -> 0
        is_empty -> true
        ",
    );
}

fn a_deleted_key_can_be_set_again(_: &mut Ctx) {
    check(
        "set, delete, set again",
        "
        set 3 30
        delete 3 -> 30
        set 3 31 -> none             # the key was absent, so the set replaced nothing
        get 3 -> 31
        scan .. 10 -> [3=31]
        len -> 1
        ",
    );
}

fn len_and_is_empty_count_present_keys(_: &mut Ctx) {
    check(
        "len and is_empty through sets, overwrites and deletes",
        "
        len -> 0
        is_empty -> true
        set 1 1
        len -> 1
        is_empty -> false
        set 2 2
        set 1 5                      # an overwrite adds no key
        len -> 2
        delete 7                     # a missing delete removes no key
        len -> 2
        delete 2
        len -> 1
        delete 1
        is_empty -> true
        ",
    );
}

fn scan_returns_keys_in_order_for_every_kind_of_range(_: &mut Ctx) {
    check(
        "keys 10, 20, 30, 40, 50 set in a shuffled order, then scanned with every kind of bound",
        "
        set 30 3
        set 10 1
        set 50 5
        set 20 2
        set 40 4
        scan .. 10 -> [10=1 20=2 30=3 40=4 50=5]       # ascending key order, not insertion order
        scan 20..40 10 -> [20=2 30=3]                  # the end is excluded
        scan 20..=40 10 -> [20=2 30=3 40=4]            # the end is included
        scan 15..35 10 -> [20=2 30=3]                  # bounds between stored keys
        scan 30.. 10 -> [30=3 40=4 50=5]
        scan ..30 10 -> [10=1 20=2]
        scan ..=30 10 -> [10=1 20=2 30=3]
        scan 20<..40 10 -> [30=3]                       # an excluded start skips key 20
        scan 20<..=40 10 -> [30=3 40=4]
        scan 20<.. 10 -> [30=3 40=4 50=5]
        scan 10..=10 10 -> [10=1]                      # the first key alone
        scan 50..=50 10 -> [50=5]                      # the last key alone
        scan 50.. 10 -> [50=5]
        scan ..10 10 -> []                             # before every key
        scan 51.. 10 -> []                             # after every key
        scan 0..=9 10 -> []
        scan 41..50 10 -> []                           # between two keys
        ",
    );
}

fn scan_stops_at_the_limit(_: &mut Ctx) {
    check(
        "keys 1 to 5, scans with limits 0, 1, exactly the matches, and more",
        "
        set 1 10
        set 2 20
        set 3 30
        set 4 40
        set 5 50
        scan .. 0 -> []                                # limit 0 returns nothing
        scan .. 1 -> [1=10]                            # the first entries, not any entries
        scan 2.. 2 -> [2=20 3=30]
        scan 2..5 3 -> [2=20 3=30 4=40]                # exactly as many as match
        scan 2..5 4 -> [2=20 3=30 4=40]                # more than match
        scan 4.. 18446744073709551615 -> [4=40 5=50]   # a huge limit is fine
        ",
    );
}

fn scan_of_an_empty_or_backwards_range_returns_nothing(_: &mut Ctx) {
    check(
        "keys 3 to 8, then ranges that contain no key by construction (BTreeMap::range panics on some)",
        "
        set 3 3
        set 4 4
        set 5 5
        set 6 6
        set 7 7
        set 8 8
        scan 5..5 10 -> []                             # start == end, end excluded
        scan 5<..5 10 -> []                            # (Excluded(5), Excluded(5)): BTreeMap::range panics here
        scan 5<..=5 10 -> []                           # (Excluded(5), Included(5))
        scan 7..3 10 -> []                             # backwards
        scan 5..=4 10 -> []                            # backwards by one
        scan 8<..8 10 -> []
        scan 6<..7 10 -> []                            # nothing strictly between 6 and 7
        scan 5..=5 10 -> [5=5]                         # next to the empty ones: one key
        scan 5<..=6 10 -> [6=6]
        len -> 6                                       # and the store is unchanged
        ",
    );
}

fn empty_and_single_key_stores(_: &mut Ctx) {
    check(
        "an empty store, then a store of one key",
        "
        scan .. 10 -> []
        scan 0.. 10 -> []
        scan 3..1 10 -> []
        get 0 -> none
        delete 0 -> none
        is_empty -> true
        set 0 0 -> none
        scan .. 10 -> [0=0]
        scan ..0 10 -> []
        scan ..=0 10 -> [0=0]
        scan 0<.. 10 -> []
        len -> 1
        ",
    );
}

fn random_sequences_match_a_model(ctx: &mut Ctx) {
    for round in 0..150 {
        scenario(format!(
            "random round {round}: set/get/delete/scan/len on keys 0..{}, compared with a BTreeMap",
            1 + round % 9
        ));
        random_run(ctx.rng(), Level::Basics, 80, 1 + round % 9);
    }
}

/// Builds a store of the even keys `0, 2, …, 2(n-1)`.
fn evens(n: usize) -> KvStore<u32, u32> {
    let mut kv = KvStore::new();
    for k in 0..n as u32 {
        kv.set(2 * k, k);
    }
    kv
}

fn point_operations_take_logarithmic_time(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 even keys; the same batch of gets, sets of new odd keys in the \
         middle, overwrites and deletes on each",
    );
    let (small, large) = (RefCell::new(evens(2_000)), RefCell::new(evens(64_000)));
    Scaling::new("get, set and delete", 2_000, 64_000)
        .demanding("O(log n)")
        .max_ratio(10.0)
        .run(
            |n| {
                if n == 2_000 {
                    small.borrow_mut()
                } else {
                    large.borrow_mut()
                }
            },
            |kv| {
                let n = kv.len() as u32;
                let mut sum = 0u32;
                for i in 0..300u32 {
                    let k = (i * 7919) % n;
                    sum = sum.wrapping_add(kv.get(&(2 * k)).copied().unwrap_or(0));
                    kv.set(2 * k + 1, i);
                    kv.set(2 * k, k);
                    kv.delete(&(2 * k + 1));
                }
                std::hint::black_box(sum);
            },
        );
}

fn scans_cost_what_they_return_wherever_they_start(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 even keys; 100 scans of 8 keys starting near the front, in the \
         middle and near the end, and 100 scans with an unbounded start",
    );
    let (small, large) = (evens(2_000), evens(64_000));
    let pick = |n: usize| if n == 2_000 { &small } else { &large };
    for (what, at) in [
        ("scans of 8 keys starting near the front", 0.0),
        ("scans of 8 keys starting in the middle", 0.5),
        ("scans of 8 keys starting near the end", 0.999),
    ] {
        Scaling::new(what, 2_000, 64_000)
            .demanding("O(log n + returned)")
            .run(pick, |kv| {
                let start = (kv.len() as f64 * at) as u32 * 2;
                let mut total = 0;
                for i in 0..100 {
                    total += kv.scan(start + i % 4.., 8).len();
                }
                std::hint::black_box(total);
            });
    }
    Scaling::new(
        "scans of 8 keys with an unbounded start (..end)",
        2_000,
        64_000,
    )
    .demanding("O(log n + returned)")
    .run(pick, |kv| {
        let mut total = 0;
        for i in 0..100 {
            total += kv.scan(..=(16 + i % 4), 8).len();
        }
        std::hint::black_box(total);
    });
}
