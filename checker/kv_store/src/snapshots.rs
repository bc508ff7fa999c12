//! Stage snapshots: point-in-time views that copy nothing, and old versions freed once no snapshot can read them.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, scenario, Ctx, Stage};

use crate::drill::KvStore;
use crate::support::{check, random_run, Level};

/// Returns the checks of stage snapshots.
pub fn stage() -> Stage {
    Stage {
        slug: "snapshots",
        checks: checks![
            a_snapshot_of_an_empty_store_sees_nothing_written_later,
            later_writes_never_change_a_snapshot,
            a_key_that_expires_after_the_snapshot_stays_visible_in_it,
            a_snapshot_taken_mid_transaction_survives_the_rollback,
            each_snapshot_shows_its_own_moment,
            releasing_one_snapshot_changes_nothing_the_others_show,
            without_snapshots_only_current_values_are_kept,
            retained_versions_counts_what_live_snapshots_can_read,
            release_frees_what_no_remaining_snapshot_can_read,
            scan_at_follows_the_rules_of_scan,
            the_store_reads_past_deletions_a_snapshot_still_sees,
            random_sequences_match_a_model_that_copies_the_store,
            taking_and_releasing_a_snapshot_copies_nothing,
            snapshot_reads_take_logarithmic_time,
        ],
    }
}

fn a_snapshot_of_an_empty_store_sees_nothing_written_later(_: &mut Ctx) {
    check(
        "a snapshot of the empty store, then writes",
        "
        snapshot s
        set 1 1
        set 2 2
        get_at s 1 -> none
        scan_at s .. 10 -> []
        scan .. 10 -> [1=1 2=2]
        release s
        retained -> 2
        ",
    );
}

fn later_writes_never_change_a_snapshot(_: &mut Ctx) {
    check(
        "keys 1 to 5 set; a snapshot; then each key changed a different way",
        "
        set 1 10
        set 2 20
        set 3 30
        set 4 40
        set 5 50
        version 4 -> @four
        version 5 -> @five
        snapshot s
        set 1 11                     # overwritten
        delete 2                     # deleted
        delete 3
        set 3 33                     # deleted and set again
        cas 4 @four 44 -> ok @x      # cas
        delete_if 5 @five -> ok 50   # delete_if
        set 6 60                     # created after the snapshot
        get_at s 1 -> 10
        get_at s 2 -> 20
        get_at s 3 -> 30
        get_at s 4 -> 40
        get_at s 5 -> 50
        get_at s 6 -> none
        scan_at s .. 10 -> [1=10 2=20 3=30 4=40 5=50]
        scan .. 10 -> [1=11 3=33 4=44 6=60]
        set 1 12                     # and more writes on top
        delete 3
        get_at s 1 -> 10
        get_at s 3 -> 30
        release s
        ",
    );
}

fn a_key_that_expires_after_the_snapshot_stays_visible_in_it(_: &mut Ctx) {
    check(
        "key 1 with ttl 5, a snapshot at time 0, then the clock passes 5",
        "
        set_ttl 1 1 5
        set 2 2
        snapshot s
        tick 5 -> 1
        get 1 -> none
        get_at s 1 -> 1              # keys expire in the store, not in a snapshot
        scan_at s .. 10 -> [1=1 2=2]
        tick 1000 -> 0
        get_at s 1 -> 1
        retained -> 2                # the expired value is still read by s
        release s
        retained -> 1
        ",
    );
}

fn a_snapshot_taken_mid_transaction_survives_the_rollback(_: &mut Ctx) {
    check(
        "a transaction writes keys 1 and 2, a snapshot is taken, then the transaction rolls back",
        "
        set 1 1
        begin
        set 1 2
        set 2 2
        snapshot s
        get_at s 1 -> 2              # the transaction's writes so far
        rollback -> ok
        get 1 -> 1
        get 2 -> none
        get_at s 1 -> 2              # the rollback does not change what s shows
        get_at s 2 -> 2
        scan_at s .. 10 -> [1=2 2=2]
        retained -> 3                # key 1 now, key 1 and key 2 as s reads them
        release s
        retained -> 1
        ",
    );
}

fn each_snapshot_shows_its_own_moment(_: &mut Ctx) {
    check(
        "three snapshots: writes before, between and after them; two taken with no write between",
        "
        set 1 1
        snapshot a
        set 1 2
        set 2 2
        snapshot b
        snapshot c                   # no write between b and c
        set 1 3
        delete 2
        get_at a 1 -> 1
        get_at b 1 -> 2
        get_at c 1 -> 2
        get_at a 2 -> none
        get_at b 2 -> 2
        scan_at c .. 10 -> [1=2 2=2]
        get 1 -> 3
        retained -> 4                # key 1: 1 (a), 2 (b, c) and 3 (now); key 2: 2 (b, c)
        release a
        release b
        release c
        ",
    );
}

fn releasing_one_snapshot_changes_nothing_the_others_show(_: &mut Ctx) {
    check(
        "two snapshots; the older one released first",
        "
        set 1 1
        snapshot old
        set 1 2
        snapshot new
        set 1 3
        release old
        get_at new 1 -> 2
        scan_at new .. 10 -> [1=2]
        release new
        get 1 -> 3
        ",
    );
    check(
        "two snapshots; the newer one released first",
        "
        set 1 1
        set 2 1
        snapshot old
        set 1 2
        delete 2
        snapshot new
        set 1 3
        release new
        get_at old 1 -> 1
        get_at old 2 -> 1
        scan_at old .. 10 -> [1=1 2=1]
        release old
        ",
    );
}

fn without_snapshots_only_current_values_are_kept(_: &mut Ctx) {
    check(
        "overwrites, deletes and expiry with no live snapshot",
        "
        retained -> 0
        set 1 1
        set 1 2
        set 1 3
        retained -> 1                # one present key, its current value only
        set 2 1
        delete 2
        retained -> 1                # a deleted key counts nothing
        set_ttl 3 3 5
        set_ttl 3 4 5
        retained -> 2
        tick 5 -> 1
        retained -> 1                # nor does an expired one
        len -> 1
        begin
        set 1 9
        rollback -> ok
        retained -> 1
        ",
    );
}

fn retained_versions_counts_what_live_snapshots_can_read(_: &mut Ctx) {
    check(
        "a snapshot, then overwrites, a delete and a new key",
        "
        set 1 1
        set 2 2
        snapshot s
        retained -> 2                # taking a snapshot adds nothing
        set 1 10
        retained -> 3                # s still reads 1=1
        set 1 11
        retained -> 3                # 1=10 was never read by any snapshot: not kept
        delete 2
        retained -> 3                # s reads 2=2
        set 3 3
        retained -> 4
        len -> 2
        release s
        retained -> 2
        ",
    );
    check(
        "a snapshot, then a transaction that overwrites key 1 and rolls back",
        "
        set 1 1
        snapshot s
        begin
        set 1 2
        retained -> 2
        rollback -> ok
        retained -> 1                # the restored version is the one s reads: counted once
        get_at s 1 -> 1
        release s
        retained -> 1
        ",
    );
    check(
        "two snapshots with no write between read the same version",
        "
        set 1 1
        snapshot a
        snapshot b
        set 1 2
        retained -> 2
        release a
        retained -> 2                # b still reads 1=1
        release b
        retained -> 1
        ",
    );
}

fn release_frees_what_no_remaining_snapshot_can_read(_: &mut Ctx) {
    check(
        "versions 1, 2, 3 of key 1 with snapshots old (reads 1) and new (reads 2); old released first",
        "
        set 1 1
        snapshot old
        set 1 2
        snapshot new
        set 1 3
        retained -> 3
        release old
        retained -> 2                # value 1 freed at once; value 2 still read by new
        release new
        retained -> 1
        ",
    );
    check(
        "the same, with the newer snapshot released first",
        "
        set 1 1
        snapshot old
        set 1 2
        snapshot new
        set 1 3
        release new
        retained -> 2                # value 2 freed at once; value 1 still read by old
        get_at old 1 -> 1
        release old
        retained -> 1
        ",
    );
    check(
        "a key no one writes after the snapshot's release: its old value is freed by the release itself",
        "
        set 1 1
        set 2 2
        snapshot s
        set 1 10
        delete 2
        retained -> 3
        release s
        retained -> 1                # no later write to key 1 or 2 is needed to free them
        len -> 1
        ",
    );
}

fn scan_at_follows_the_rules_of_scan(_: &mut Ctx) {
    check(
        "keys 2, 4, 6, 8 at the snapshot; after it, 4 deleted, 5 created, 8 overwritten",
        "
        set 2 2
        set 4 4
        set 6 6
        set 8 8
        snapshot s
        delete 4
        set 5 5
        set 8 80
        scan_at s .. 10 -> [2=2 4=4 6=6 8=8]
        scan_at s 3..7 10 -> [4=4 6=6]
        scan_at s 4<..=8 10 -> [6=6 8=8]
        scan_at s .. 2 -> [2=2 4=4]                 # the limit counts entries the snapshot sees
        scan_at s 3.. 1 -> [4=4]
        scan_at s .. 0 -> []
        scan_at s 5..5 10 -> []
        scan_at s 7..3 10 -> []
        scan_at s 6<..6 10 -> []
        scan_at s 9.. 10 -> []
        scan .. 10 -> [2=2 5=5 6=6 8=80]
        release s
        ",
    );
}

fn the_store_reads_past_deletions_a_snapshot_still_sees(_: &mut Ctx) {
    check(
        "keys 1, 2, 3, 4; a snapshot; then keys 1 and 3 deleted (the snapshot still sees them)",
        "
        set 1 1
        set 2 2
        set 3 3
        set 4 4
        snapshot s
        delete 1
        delete 3
        scan .. 2 -> [2=2 4=4]       # the limit counts present keys only
        scan .. 1 -> [2=2]
        scan 1..=3 10 -> [2=2]
        len -> 2
        get 1 -> none
        version 1 -> none            # deleted: no version, even while s sees the old value
        cas 1 none 10 -> ok @a       # and absent for a create
        get_at s 1 -> 1
        scan_at s .. 2 -> [1=1 2=2]
        release s
        scan .. 10 -> [1=10 2=2 4=4]
        ",
    );
}

fn random_sequences_match_a_model_that_copies_the_store(ctx: &mut Ctx) {
    for round in 0..150 {
        scenario(format!(
            "random round {round}: writes, ttls, ticks, cas, transactions, snapshots, get_at/scan_at, \
             releases and retained_versions on keys 0..{}, compared with a model that copies the \
             whole store into each snapshot",
            1 + round % 6
        ));
        random_run(ctx.rng(), Level::Snapshots, 100, 1 + round % 6);
    }
}

/// Builds a store of `n` keys.
fn filled(n: u32) -> RefCell<KvStore<u32, u32>> {
    let mut kv = KvStore::new();
    for k in 0..n {
        kv.set(k, k);
    }
    RefCell::new(kv)
}

fn taking_and_releasing_a_snapshot_copies_nothing(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 keys: 50 snapshots taken and released; then 20 times a snapshot, \
         8 overwrites, and its release",
    );
    let (small, large) = (filled(2_000), filled(64_000));
    let pick = |n: usize| {
        if n == 2_000 {
            small.borrow_mut()
        } else {
            large.borrow_mut()
        }
    };
    Scaling::new(
        "snapshot() and release() with no write between",
        2_000,
        64_000,
    )
    .demanding("O(log s): no copy of the store")
    .run(pick, |kv| {
        for _ in 0..50 {
            let s = kv.snapshot();
            kv.release(s);
        }
    });
    Scaling::new("a snapshot, 8 overwrites, then release()", 2_000, 64_000)
        .demanding("release costs what it frees")
        .max_ratio(16.0)
        .run(pick, |kv| {
            let n = kv.len() as u32;
            for i in 0..20u32 {
                let s = kv.snapshot();
                for j in 0..8 {
                    kv.set((i * 977 + j * 7919) % n, i);
                }
                kv.release(s);
            }
            expect_eq(
                "retained_versions() after every snapshot was released",
                kv.retained_versions(),
                kv.len(),
            );
        });
}

fn snapshot_reads_take_logarithmic_time(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 keys, a snapshot, then every 16th key overwritten: get_at on \
         200 keys, and scans of 8 keys at the snapshot from the middle and the end",
    );
    let build = |n: u32| {
        let kv = filled(n);
        let s = kv.borrow_mut().snapshot();
        for k in (0..n).step_by(16) {
            kv.borrow_mut().set(k, 0);
        }
        (kv, s)
    };
    let (small, large) = (build(2_000), build(64_000));
    let pick = |n: usize| if n == 2_000 { &small } else { &large };
    Scaling::new("get_at", 2_000, 64_000)
        .demanding("O(log n + older values of the key)")
        .max_ratio(10.0)
        .run(pick, |(kv, s)| {
            let kv = kv.borrow();
            let n = kv.len() as u32;
            let mut sum = 0u32;
            for i in 0..200u32 {
                sum = sum.wrapping_add(kv.get_at(s, &((i * 7919) % n)).copied().unwrap_or(0));
            }
            std::hint::black_box(sum);
        });
    Scaling::new("scan_at of 8 keys", 2_000, 64_000)
        .demanding("O(log n + returned)")
        .run(pick, |(kv, s)| {
            let kv = kv.borrow();
            let n = kv.len() as u32;
            let mut total = 0;
            for i in 0..100 {
                total += kv.scan_at(s, n / 2 + i.., 8).len() + kv.scan_at(s, n - 9.., 8).len();
            }
            std::hint::black_box(total);
        });
}
