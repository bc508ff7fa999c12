//! Stage basics: get/put with least-recently-used eviction.

use syskata_kit::{checks, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::LruCache;

/// Returns the checks of stage basics.
pub fn stage() -> Stage {
    Stage {
        slug: "basics",
        checks: checks![
            get_returns_what_put_stored,
            least_recently_used_entry_is_evicted
        ],
    }
}

fn get_returns_what_put_stored(_: &mut Ctx) {
    scenario("a cache of capacity 2");
    let mut c = LruCache::new(2);
    step("put(1, \"a\")");
    c.put(1, "a");
    expect_eq("get(&1) right after put(1, \"a\")", c.get(&1), Some(&"a"));
}

fn least_recently_used_entry_is_evicted(_: &mut Ctx) {
    scenario("a cache of capacity 2");
    let mut c = LruCache::new(3);
    for (k, v) in [(1, "a"), (2, "b"), (3, "c")] {
        step(format!("put({k}, {v:?})"));
        c.put(k, v);
    }
    expect_eq(
        "get(&1): key 1 was least recently used when 3 came in",
        c.get(&1),
        None,
    );
}
