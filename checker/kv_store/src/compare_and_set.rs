//! Stage compare_and_set: versions that only grow per key (across delete and re-create), cas and delete_if.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect, scenario, step, Ctx, Stage};

use crate::drill::{CasError, KvStore};
use crate::support::{check, random_run, Level};

/// Returns the checks of stage compare_and_set.
pub fn stage() -> Stage {
    Stage {
        slug: "compare_and_set",
        checks: checks![
            versions_grow_along_a_keys_life,
            versions_grow_across_delete_and_expiry,
            reads_and_refused_writes_leave_versions_alone,
            cas_with_none_creates_only_if_absent,
            cas_with_a_version_writes_only_if_it_is_current,
            a_stale_writer_is_refused_and_told_the_current_version,
            cas_clears_a_deadline,
            cas_naming_an_expired_keys_last_version_is_stale,
            delete_if_deletes_only_at_the_named_version,
            cas_error_displays_a_sentence_naming_the_version,
            random_sequences_match_a_model,
            cas_and_delete_if_take_logarithmic_time,
        ],
    }
}

fn versions_grow_along_a_keys_life(_: &mut Ctx) {
    check(
        "one key written by set, set again with the same value, set_with_ttl and cas",
        "
        version 1 -> none            # never set: no version
        set 1 10
        version 1 -> @a
        newer @a 0                   # versions are positive: 0 is never a version
        set 1 10                     # the same value again is still a write
        version 1 -> @b
        newer @b @a
        set_ttl 1 11 100
        version 1 -> @c
        newer @c @b
        cas 1 @c 12 -> ok @d         # cas returns the new version...
        version 1 -> @d              # ...the one version() reports afterwards
        newer @d @c
        ",
    );
}

fn versions_grow_across_delete_and_expiry(_: &mut Ctx) {
    check(
        "a key deleted and set again, then expired and set again; another key written in between",
        "
        set 1 1
        set 1 2
        version 1 -> @a
        delete 1
        version 1 -> none            # deleted: absent, no version
        set 1 3
        version 1 -> @b
        newer @b @a                  # re-created: greater than every version it had before
        set_ttl 1 4 10
        version 1 -> @c
        newer @c @b
        tick 10 -> 1
        version 1 -> none            # expired: absent
        set 1 5
        version 1 -> @d
        newer @d @c
        delete 1
        cas 1 none 6 -> ok @e        # re-created by cas
        newer @e @d
        ",
    );
}

fn reads_and_refused_writes_leave_versions_alone(_: &mut Ctx) {
    check(
        "key 1 at some version, then every call that is not a write",
        "
        set 1 1
        set 2 2
        version 1 -> @a
        get 1
        scan .. 10
        ttl 1
        len
        version 1 -> @a              # reads change nothing
        cas 1 none 5 -> err @a       # a refused cas
        version 1 -> @a
        delete_if 1 0 -> err @a      # a refused delete_if
        version 1 -> @a
        delete 3 -> none             # deleting an absent key
        tick 5 -> 0                  # a tick that expires nothing
        version 1 -> @a
        get 1 -> 1
        delete_if 2 0 -> err @b
        version 2 -> @b
        ",
    );
}

fn cas_with_none_creates_only_if_absent(_: &mut Ctx) {
    check(
        "cas(key, None, value) on an absent key, a present key, a deleted key and an expired key",
        "
        cas 1 none 10 -> ok @a       # absent: created
        get 1 -> 10
        version 1 -> @a
        cas 1 none 11 -> err @a      # present: refused with its version
        get 1 -> 10                  # and nothing changed
        delete 1
        cas 1 none 12 -> ok @b       # deleted: absent again
        newer @b @a
        set_ttl 2 20 5
        tick 5 -> 1
        cas 2 none 21 -> ok @c       # expired: absent
        get 2 -> 21
        ttl 2 -> forever
        ",
    );
}

fn cas_with_a_version_writes_only_if_it_is_current(_: &mut Ctx) {
    check(
        "key 1 written twice (versions @a then @b); cas naming @b, @a, @b + 1 and 0",
        "
        set 1 1
        version 1 -> @a
        set 1 2
        version 1 -> @b
        cas 1 @a 3 -> err @b         # the version before the current one is stale
        get 1 -> 2
        cas 1 0 3 -> err @b          # 0 is no version of this key
        cas 1 @b 3 -> ok @c          # the current version: written
        get 1 -> 3
        cas 1 @b 4 -> err @c         # @b is stale now
        cas 2 @c 1 -> err none       # a version on an absent key: refused, current is None
        get 2 -> none
        len -> 1
        ",
    );
    let mut kv: KvStore<u32, u32> = KvStore::new();
    scenario("KvStore<u32, u32>: set(1, 1), then cas naming one more than the current version");
    kv.set(1, 1);
    let v = kv.version(&1).unwrap_or(0);
    let got = kv.cas(1, Some(v + 1), 9);
    step(format!(
        "version(&1) -> {v}; cas(1, Some({}), 9) -> {got:?}",
        v + 1
    ));
    expect(
        got == Err(CasError { current: Some(v) }),
        format!(
            "a version above the current one is stale too: expected Err(CasError {{ current: Some({v}) }}), got {got:?}"
        ),
    );
    expect(
        kv.get(&1) == Some(&1),
        "the refused cas must leave the value 1",
    );
}

fn a_stale_writer_is_refused_and_told_the_current_version(_: &mut Ctx) {
    check(
        "two clients read key 1 at the same version; both try to write with it",
        "
        set 1 100
        version 1 -> @read           # client A and client B both read this version
        cas 1 @read 101 -> ok @won   # A writes first
        cas 1 @read 102 -> err @won  # B is stale: refused, told A's version
        get 1 -> 101                 # A's write stands
        cas 1 @won 102 -> ok @next   # B retries with the version it was told
        get 1 -> 102
        ",
    );
}

fn cas_clears_a_deadline(_: &mut Ctx) {
    check(
        "a key with ttl 10 overwritten by cas at time 3",
        "
        set_ttl 1 1 10
        tick 3
        version 1 -> @a
        cas 1 @a 2 -> ok @b
        ttl 1 -> forever             # cas stores like set: no deadline
        tick 10 -> 0
        get 1 -> 2
        ",
    );
}

fn cas_naming_an_expired_keys_last_version_is_stale(_: &mut Ctx) {
    check(
        "a key with ttl 5, its version read, then the clock passes the deadline",
        "
        set_ttl 1 1 5
        version 1 -> @a
        tick 5 -> 1
        cas 1 @a 2 -> err none       # expired is absent: the version it had is stale
        get 1 -> none
        delete_if 1 @a -> err none
        len -> 0
        ",
    );
}

fn delete_if_deletes_only_at_the_named_version(_: &mut Ctx) {
    check(
        "delete_if with the right version, a stale one, and on an absent key",
        "
        set 1 10
        version 1 -> @a
        set 1 11
        version 1 -> @b
        delete_if 1 @a -> err @b     # stale: refused with the current version
        get 1 -> 11
        delete_if 1 @b -> ok 11      # current: deleted, value returned
        get 1 -> none
        version 1 -> none
        len -> 0
        delete_if 1 @b -> err none   # absent now
        delete_if 7 0 -> err none    # never set
        set 1 12
        version 1 -> @c
        newer @c @b
        ",
    );
}

fn cas_error_displays_a_sentence_naming_the_version(_: &mut Ctx) {
    scenario("CasError { current: Some(4242) } and CasError { current: None }, shown with Display");
    let shown = CasError {
        current: Some(4242),
    }
    .to_string();
    step(format!(
        "format!(\"{{}}\", CasError {{ current: Some(4242) }}) -> {shown:?}"
    ));
    expect(
        shown.contains("4242") && !shown.contains("CasError") && shown.contains(' '),
        format!("Display of a CasError should be a sentence naming the current version 4242 (not the Debug form); got {shown:?}"),
    );
    let absent = CasError { current: None }.to_string();
    step(format!(
        "format!(\"{{}}\", CasError {{ current: None }}) -> {absent:?}"
    ));
    expect(
        !absent.is_empty() && !absent.contains("CasError") && absent.contains(' '),
        format!("Display of CasError {{ current: None }} should be a sentence; got {absent:?}"),
    );
    let error: &dyn std::error::Error = &CasError { current: None };
    step(format!("as &dyn std::error::Error: {error}"));
}

fn random_sequences_match_a_model(ctx: &mut Ctx) {
    for round in 0..150 {
        scenario(format!(
            "random round {round}: writes, ttls, ticks, version, cas and delete_if naming current, \
             stale, absent and never-issued versions, on keys 0..{}; every write's version must be \
             greater than every version that key had",
            1 + round % 6
        ));
        random_run(ctx.rng(), Level::Cas, 80, 1 + round % 6);
    }
}

fn cas_and_delete_if_take_logarithmic_time(_: &mut Ctx) {
    scenario(
        "stores of 2,000 and 64,000 keys; the same batch of version reads, successful and stale cas, \
         delete_if and re-creating cas on each",
    );
    let build = |n: u32| {
        let mut kv: KvStore<u32, u32> = KvStore::new();
        for k in 0..n {
            kv.set(k, k);
        }
        RefCell::new(kv)
    };
    let (small, large) = (build(2_000), build(64_000));
    Scaling::new("version, cas and delete_if", 2_000, 64_000)
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
                for i in 0..200u32 {
                    let k = (i * 7919) % n;
                    let v = kv.version(&k);
                    let stale = kv.cas(k, None, i).is_err();
                    let new = kv.cas(k, v, i).ok();
                    let deleted = new.and_then(|v| kv.delete_if(&k, v).ok());
                    let back = kv.cas(k, None, k).is_ok();
                    std::hint::black_box((stale, deleted, back));
                }
            },
        );
}
