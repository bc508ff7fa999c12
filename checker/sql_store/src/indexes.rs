//! Stage indexes: CREATE INDEX, sub-linear equality lookups, indexes kept right, PRIMARY KEY / UNIQUE.

use std::cell::{Cell, RefCell};

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, scenario, step, Ctx, Stage};

use crate::model::{compare_with_model, Features};
use crate::support::{build_items, expect_rows, Val};

/// Returns the checks of stage indexes.
pub fn stage() -> Stage {
    Stage {
        slug: "indexes",
        checks: checks![
            an_index_never_changes_answers,
            indexes_follow_updates_and_deletes,
            unique_columns_reject_duplicates,
            primary_key_is_unique_and_not_null,
            a_rejected_statement_changes_nothing,
            indexed_equality_lookups_are_sub_linear,
            primary_key_lookups_and_inserts_are_sub_linear,
            random_statements_with_constraints_match_a_model,
            create_index_errors_come_in_order,
            new_keywords_are_never_names,
        ],
    }
}

script_checks!("indexes":
    an_index_never_changes_answers,
    indexes_follow_updates_and_deletes,
    unique_columns_reject_duplicates,
    primary_key_is_unique_and_not_null,
    a_rejected_statement_changes_nothing,
    create_index_errors_come_in_order,
    new_keywords_are_never_names,
);

const SMALL: usize = 512;
const LARGE: usize = 16_384;

/// Keys present in both table sizes, spread out.
/// A timed spelling of an indexed statement: its phase, what it probes, and the statement for a key.
type IndexProbe = (&'static str, &'static str, fn(usize) -> String);

fn keys() -> impl Iterator<Item = usize> {
    (0..12).map(|i| (i * 61 + 7) % SMALL)
}

fn indexed_equality_lookups_are_sub_linear(_: &mut Ctx) {
    scenario(format!(
        "table items (id INTEGER, k INTEGER, v TEXT) with CREATE INDEX items_k ON items (k), filled\n\
         with n rows (k = row number, v = 'v<k>') by bulk INSERTs of 4 096 rows, for n = {SMALL}\n\
         and n = {LARGE}. Timed: 12 × SELECT v FROM items WHERE k = <key>, the same as <key> = k\n\
         and as v <> 'none' AND k = <key>, then 12 × UPDATE items SET v = 'u<key>' WHERE k = <key>\n\
         and WHERE <key> = k. With the index each costs O(log n) per statement; a\n\
         full scan costs O(n) and shows up as a ratio near {}.",
        LARGE / SMALL
    ));
    step(format!(
        "phase: building the {SMALL}-row and {LARGE}-row tables"
    ));
    let small = RefCell::new(build_items(SMALL, false));
    let large = RefCell::new(build_items(LARGE, false));
    let pick = |n: usize| {
        if n == SMALL {
            small.borrow_mut()
        } else {
            large.borrow_mut()
        }
    };
    step("phase: checking an indexed lookup's answer");
    expect_rows(
        &mut large.borrow_mut(),
        "SELECT v FROM items WHERE k = 1234",
        vec![vec![Val::Text("v1234".to_owned())]],
        "row k = 1234 has v = 'v1234'",
    );
    // Every spelling a learner's planner could miss: the literal on either side, the equality
    // AND-ed after another condition, and UPDATE as well as SELECT.
    let probes: [IndexProbe; 5] = [
        (
            "phase: timing indexed SELECTs",
            "SELECT … WHERE k = <constant> on an indexed column",
            |key| format!("SELECT v FROM items WHERE k = {key}"),
        ),
        (
            "phase: timing indexed SELECTs with the literal on the left",
            "SELECT … WHERE <constant> = k (literal first) on an indexed column",
            |key| format!("SELECT v FROM items WHERE {key} = k"),
        ),
        (
            "phase: timing indexed SELECTs whose equality is AND-ed after another condition",
            "SELECT … WHERE v <> 'none' AND k = <constant> on an indexed column",
            |key| format!("SELECT v FROM items WHERE v <> 'none' AND k = {key}"),
        ),
        (
            "phase: timing indexed UPDATEs",
            "UPDATE … WHERE k = <constant> on an indexed column",
            |key| format!("UPDATE items SET v = 'u{key}' WHERE k = {key}"),
        ),
        (
            "phase: timing indexed UPDATEs with the literal on the left",
            "UPDATE … WHERE <constant> = k (literal first) on an indexed column",
            |key| format!("UPDATE items SET v = 'u{key}' WHERE {key} = k"),
        ),
    ];
    for (phase, what, statement) in probes {
        step(phase);
        Scaling::new(what, SMALL, LARGE)
            .demanding("O(log n)")
            .max_ratio(5.0)
            .run(pick, |db| {
                for key in keys() {
                    let _ = db.execute(&statement(key));
                }
            });
    }
    step("phase: checking an indexed UPDATE's effect");
    expect_rows(
        &mut large.borrow_mut(),
        "SELECT v FROM items WHERE k = 7",
        vec![vec![Val::Text("u7".to_owned())]],
        "the timed UPDATEs set v = 'u7' on row k = 7",
    );
}

fn primary_key_lookups_and_inserts_are_sub_linear(_: &mut Ctx) {
    scenario(format!(
        "table items (id INTEGER PRIMARY KEY, k INTEGER, v TEXT) filled with n rows (id = row\n\
         number) by bulk INSERTs of 4 096 rows, for n = {SMALL} and n = {LARGE} (a uniqueness check\n\
         that scans the table makes this set-up quadratic and slow). Timed: 8 × SELECT v FROM\n\
         items WHERE id = <key> and 8 × INSERT of a new id. A PRIMARY KEY is indexed: both cost\n\
         O(log n); checking uniqueness or finding the row by a scan costs O(n)."
    ));
    step(format!(
        "phase: building the {SMALL}-row and {LARGE}-row tables"
    ));
    let small = RefCell::new(build_items(SMALL, true));
    let large = RefCell::new(build_items(LARGE, true));
    let pick = |n: usize| {
        if n == SMALL {
            small.borrow_mut()
        } else {
            large.borrow_mut()
        }
    };
    step("phase: checking a lookup by key");
    expect_rows(
        &mut large.borrow_mut(),
        "SELECT v FROM items WHERE id = 777",
        vec![vec![Val::Text("v777".to_owned())]],
        "row id = 777 has v = 'v777'",
    );
    let next_id = Cell::new(1_000_000);
    step("phase: timing lookups and inserts by primary key");
    Scaling::new("SELECT and INSERT by PRIMARY KEY", SMALL, LARGE)
        .demanding("O(log n)")
        .max_ratio(5.0)
        .run(pick, |db| {
            for key in keys().take(8) {
                let _ = db.execute(&format!("SELECT v FROM items WHERE id = {}", key % SMALL));
                let id = next_id.get();
                next_id.set(id + 1);
                let _ = db.execute(&format!("INSERT INTO items VALUES ({id}, 0, 'new')"));
            }
        });
}

fn random_statements_with_constraints_match_a_model(ctx: &mut Ctx) {
    scenario(
        "seeded random INSERTs, UPDATEs, DELETEs, SELECTs and CREATE INDEXes on table\n\
         t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, s TEXT UNIQUE): duplicates and rejected\n\
         statements included. Each result must match a simple model that has no indexes at all.",
    );
    compare_with_model(ctx.rng(), Features::INDEXES, 300);
}
