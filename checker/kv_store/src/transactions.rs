//! Stage transactions: nested begin/commit/rollback restoring values, deadlines and versions, at the cost of what they write.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::{KvStore, NoTransaction};
use crate::support::{check, random_run, Level};

/// Returns the checks of stage transactions.
pub fn stage() -> Stage {
    Stage {
        slug: "transactions",
        checks: checks![
            rollback_undoes_each_kind_of_write,
            a_key_written_several_times_returns_to_its_state_at_begin,
            reads_inside_a_transaction_see_its_writes,
            inner_rollback_keeps_the_outer_writes,
            inner_commit_then_outer_rollback_undoes_both,
            outer_commit_keeps_everything,
            three_levels_of_commits_and_rollbacks,
            rollback_restores_the_original_deadline,
            a_deadline_passed_during_the_transaction_stays_gone,
            the_clock_is_not_rolled_back,
            a_key_written_then_expired_inside_is_restored,
            versions_return_after_rollback_and_are_never_reused,
            commit_and_rollback_without_a_transaction_are_errors,
            random_sequences_match_a_model_that_copies_the_store,
            begin_commit_and_rollback_cost_what_the_transaction_writes,
        ],
    }
}

fn rollback_undoes_each_kind_of_write(_: &mut Ctx) {
    check(
        "keys 1, 2, 3, 5 set; a transaction creates key 4, overwrites 1, deletes 2, puts a ttl on 3, cas-es 5",
        "
        set 1 10
        set 2 20
        set 3 30
        set 5 50
        version 5 -> @five
        begin
        set 4 40 -> none             # a new key
        set 1 11 -> 10               # an overwrite
        delete 2 -> 20               # a delete
        set_ttl 3 31 100             # a deadline
        cas 5 @five 51 -> ok @x      # a cas
        rollback -> ok
        get 4 -> none                # the new key is gone again
        get 1 -> 10
        get 2 -> 20                  # the deleted key is back
        get 3 -> 30
        ttl 3 -> forever             # without the deadline the transaction gave it
        get 5 -> 50
        version 5 -> @five
        scan .. 10 -> [1=10 2=20 3=30 5=50]
        len -> 4
        depth -> 0
        ",
    );
}

fn a_key_written_several_times_returns_to_its_state_at_begin(_: &mut Ctx) {
    check(
        "key 1 set, then a transaction writes it four times (a delete among them) and rolls back",
        "
        set 1 1
        version 1 -> @a
        begin
        set 1 2
        set 1 3
        delete 1
        set_ttl 1 4 50
        rollback -> ok
        get 1 -> 1                   # the state at begin, not an intermediate one
        ttl 1 -> forever
        version 1 -> @a
        begin
        set 9 1
        delete 9
        set 9 2
        rollback -> ok
        get 9 -> none                # absent at begin: absent again
        len -> 1
        ",
    );
}

fn reads_inside_a_transaction_see_its_writes(_: &mut Ctx) {
    check(
        "reads inside an open transaction",
        "
        set 1 1
        begin
        set 2 2
        set_ttl 3 3 40
        delete 1
        get 2 -> 2
        get 1 -> none
        scan .. 10 -> [2=2 3=3]
        len -> 2
        ttl 3 -> 40
        version 2 -> @a
        cas 2 @a 5 -> ok @b          # cas sees the transaction's own version
        get 2 -> 5
        commit -> ok
        get 2 -> 5
        ",
    );
}

fn inner_rollback_keeps_the_outer_writes(_: &mut Ctx) {
    check(
        "the outer transaction writes keys 1 and 2; an inner one writes 1 and 3 and rolls back",
        "
        set 1 1
        begin
        set 1 10                     # outer write
        set 2 20                     # outer write
        begin
        depth -> 2
        set 1 100                    # inner write over an outer write
        set 3 300
        delete 2
        rollback -> ok
        depth -> 1
        get 1 -> 10                  # back to the outer write, not to the value before both
        get 2 -> 20
        get 3 -> none
        commit -> ok
        get 1 -> 10
        get 2 -> 20
        depth -> 0
        ",
    );
}

fn inner_commit_then_outer_rollback_undoes_both(_: &mut Ctx) {
    check(
        "an inner transaction commits, then the outer one rolls back",
        "
        set 1 1
        set_ttl 4 4 100
        begin
        set 2 2
        begin
        set 1 10                     # inner writes
        set 3 3
        delete 4
        commit -> ok                 # they now belong to the outer transaction
        get 1 -> 10
        depth -> 1
        rollback -> ok               # which undoes them all
        get 1 -> 1
        get 2 -> none
        get 3 -> none
        get 4 -> 4
        ttl 4 -> 100
        len -> 2
        ",
    );
    check(
        "a key written by both the outer and the inner transaction, inner commit, outer rollback",
        "
        set 1 1
        begin
        set 1 2
        begin
        set 1 3
        commit -> ok
        rollback -> ok
        get 1 -> 1                   # the state before the outer begin, not the outer's write
        ",
    );
}

fn outer_commit_keeps_everything(_: &mut Ctx) {
    check(
        "an inner commit and an outer commit, then nothing left to roll back",
        "
        begin
        set 1 1
        begin
        set 2 2
        commit -> ok
        commit -> ok
        depth -> 0
        rollback -> err              # nothing is open: the writes are final
        get 1 -> 1
        get 2 -> 2
        ",
    );
}

fn three_levels_of_commits_and_rollbacks(_: &mut Ctx) {
    check(
        "three nested transactions writing the same key and others",
        "
        set 1 0
        begin
        set 1 1
        set 11 1
        begin
        set 1 2
        set 12 2
        begin
        set 1 3
        set 13 3
        depth -> 3
        commit -> ok                 # level 3 folds into level 2
        get 1 -> 3
        rollback -> ok               # level 2 undone, level 3's writes with it
        get 1 -> 1
        get 12 -> none
        get 13 -> none
        get 11 -> 1
        begin
        set 1 4
        begin
        delete 11
        rollback -> ok
        commit -> ok
        get 1 -> 4
        get 11 -> 1
        rollback -> ok               # level 1: back to before everything
        get 1 -> 0
        get 11 -> none
        scan .. 20 -> [1=0]
        ",
    );
}

fn rollback_restores_the_original_deadline(_: &mut Ctx) {
    check(
        "key 1 with deadline 10; at time 5 a transaction overwrites it without a ttl and rolls back",
        "
        set_ttl 1 1 10
        tick 5
        begin
        set 1 2
        ttl 1 -> forever
        rollback -> ok
        ttl 1 -> 5                   # the original deadline 10, not a fresh ttl of 10
        tick 9 -> 0
        get 1 -> 1
        tick 10 -> 1                 # and it still expires on time
        get 1 -> none
        ",
    );
    check(
        "key 1 without a deadline; a transaction gives it ttl 3, rolls back, and time passes",
        "
        set 1 1
        begin
        set_ttl 1 2 3
        rollback -> ok
        tick 3 -> 0                  # the transaction's deadline is gone with it
        get 1 -> 1
        ttl 1 -> forever
        ",
    );
}

fn a_deadline_passed_during_the_transaction_stays_gone(_: &mut Ctx) {
    check(
        "key 1 with deadline 10 is overwritten inside a transaction; the clock passes 10; rollback",
        "
        set_ttl 1 1 10
        begin
        set 1 2
        tick 20 -> 0                 # key 1 has no deadline right now
        get 1 -> 2
        rollback -> ok
        get 1 -> none                # its restored deadline (10) has passed: it stays absent
        len -> 0
        scan .. 10 -> []
        ttl 1 -> none
        ",
    );
    check(
        "the same, with the clock exactly at the restored deadline (10) when the rollback happens",
        "
        set_ttl 1 1 10
        begin
        set 1 2
        tick 10 -> 0
        rollback -> ok
        get 1 -> none                # at its deadline a key is absent, restored or not
        len -> 0
        ",
    );
}

fn the_clock_is_not_rolled_back(_: &mut Ctx) {
    check(
        "a tick inside a transaction expires key 2, which the transaction never wrote",
        "
        set_ttl 2 2 5
        set 1 1
        begin
        set 1 10
        tick 5 -> 1
        rollback -> ok
        now -> 5                     # the clock stays where it is
        get 2 -> none                # and key 2 is not brought back
        get 1 -> 1
        len -> 1
        ",
    );
}

fn a_key_written_then_expired_inside_is_restored(_: &mut Ctx) {
    check(
        "key 1 without a deadline; a transaction gives it ttl 5, the clock passes 5, rollback",
        "
        set 1 1
        begin
        set_ttl 1 2 5
        tick 5 -> 1
        get 1 -> none
        rollback -> ok
        get 1 -> 1                   # the transaction wrote it: its state at begin comes back
        ttl 1 -> forever
        len -> 1
        ",
    );
}

fn versions_return_after_rollback_and_are_never_reused(_: &mut Ctx) {
    check(
        "key 1 at version @a; a transaction writes it (@b) and rolls back; then more writes",
        "
        set 1 1
        version 1 -> @a
        begin
        set 1 2
        version 1 -> @b
        set 2 2
        version 2 -> @two
        rollback -> ok
        version 1 -> @a              # the version from before the transaction
        version 2 -> none
        cas 1 @b 3 -> err @a         # a version seen inside the rolled-back transaction is stale
        cas 1 @a 3 -> ok @c          # the restored version is current
        newer @c @b                  # versions handed out inside are never handed out again
        set 2 5
        version 2 -> @d
        newer @d @two
        ",
    );
}

fn commit_and_rollback_without_a_transaction_are_errors(_: &mut Ctx) {
    check(
        "commit and rollback with nothing open, before and after a transaction",
        "
        set 1 1
        depth -> 0
        commit -> err
        rollback -> err
        get 1 -> 1                   # nothing changed
        begin
        set 1 2
        commit -> ok
        commit -> err                # everything is closed again
        rollback -> err
        get 1 -> 2
        depth -> 0
        ",
    );
    scenario("NoTransaction shown with Display");
    let shown = NoTransaction.to_string();
    step(format!("format!(\"{{}}\", NoTransaction) -> {shown:?}"));
    expect(
        shown.contains(' ') && !shown.contains("NoTransaction"),
        format!("Display of NoTransaction should be a sentence, not the Debug form; got {shown:?}"),
    );
    let mut kv: KvStore<u32, u32> = KvStore::new();
    expect_eq(
        "commit() on a fresh store (no transaction open)",
        kv.commit(),
        Err(NoTransaction),
    );
    expect_eq(
        "rollback() on a fresh store",
        kv.rollback(),
        Err(NoTransaction),
    );
}

fn random_sequences_match_a_model_that_copies_the_store(ctx: &mut Ctx) {
    for round in 0..150 {
        scenario(format!(
            "random round {round}: writes, ttls, ticks, cas, begin/commit/rollback (nested, and with \
             nothing open) on keys 0..{}, compared with a model that copies the whole store at begin",
            1 + round % 6
        ));
        random_run(ctx.rng(), Level::Transactions, 90, 1 + round % 6);
    }
}

fn begin_commit_and_rollback_cost_what_the_transaction_writes(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 keys with deadlines on some: 50 begin/rollback pairs with no \
         write; transactions of 8 writes rolled back; inner transactions of 8 writes committed into \
         an outer one; outer transactions of 8 writes committed",
    );
    let build = |n: u32| {
        let mut kv: KvStore<u32, u32> = KvStore::new();
        for k in 0..n {
            if k % 2 == 0 {
                kv.set(k, k);
            } else {
                kv.set_with_ttl(k, k, 1_000_000);
            }
        }
        RefCell::new(kv)
    };
    let (small, large) = (build(2_000), build(64_000));
    let pick = |n: usize| {
        if n == 2_000 {
            small.borrow_mut()
        } else {
            large.borrow_mut()
        }
    };
    let eight = |kv: &mut KvStore<u32, u32>, i: u32| {
        let n = kv.len() as u32;
        for j in 0..8 {
            let k = (i * 977 + j * 7919) % n;
            kv.set(k, i);
        }
    };
    Scaling::new("begin and rollback with no write", 2_000, 64_000)
        .demanding("O(1) per begin")
        .run(pick, |kv| {
            for _ in 0..50 {
                kv.begin();
                let _ = kv.rollback();
            }
        });
    Scaling::new("transactions of 8 writes rolled back", 2_000, 64_000)
        .demanding("O(w log n) for w writes")
        .max_ratio(16.0)
        .run(pick, |kv| {
            for i in 0..20 {
                kv.begin();
                eight(kv, i);
                let _ = kv.rollback();
            }
        });
    Scaling::new(
        "inner transactions of 8 writes committed into an outer one",
        2_000,
        64_000,
    )
    .demanding("O(w log n) for w writes")
    .max_ratio(16.0)
    .run(pick, |kv| {
        kv.begin();
        for i in 0..20 {
            kv.begin();
            eight(kv, i);
            let _ = kv.commit();
        }
        let _ = kv.rollback();
    });
    Scaling::new("outer transactions of 8 writes committed", 2_000, 64_000)
        .demanding("O(w log n) for w writes")
        .max_ratio(16.0)
        .run(pick, |kv| {
            for i in 0..20 {
                kv.begin();
                eight(kv, i);
                let _ = kv.commit();
            }
        });
}
