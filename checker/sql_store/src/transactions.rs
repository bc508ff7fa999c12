//! Stage transactions: BEGIN / COMMIT / ROLLBACK; rollback restores rows and indexes; autocommit outside.

use std::cell::RefCell;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, scenario, step, Ctx, Stage};

use crate::model::{compare_with_model, Features};
use crate::support::{build_items, expect_rows, Val};

/// Returns the checks of stage transactions.
pub fn stage() -> Stage {
    Stage {
        slug: "transactions",
        checks: checks![
            commit_keeps_the_changes,
            rollback_restores_rows,
            rollback_restores_indexes_and_constraints,
            rollback_undoes_created_tables_and_indexes,
            a_failed_statement_leaves_the_transaction_open,
            transaction_misuse_is_an_error,
            autocommit_outside_a_transaction,
            a_transaction_costs_what_it_changes,
            random_transactions_match_a_model,
            new_keywords_are_never_names,
        ],
    }
}

script_checks!("transactions":
    commit_keeps_the_changes,
    rollback_restores_rows,
    rollback_restores_indexes_and_constraints,
    rollback_undoes_created_tables_and_indexes,
    a_failed_statement_leaves_the_transaction_open,
    transaction_misuse_is_an_error,
    autocommit_outside_a_transaction,
    new_keywords_are_never_names,
);

const SMALL: usize = 256;
const LARGE: usize = 8_192;

fn a_transaction_costs_what_it_changes(_: &mut Ctx) {
    scenario(format!(
        "table items (id INTEGER PRIMARY KEY, k INTEGER, v TEXT) with n rows, n = {SMALL} and\n\
         {LARGE}. Timed: 2 × (BEGIN; UPDATE items SET k = k + 1 WHERE id = <key>; ROLLBACK) and\n\
         2 × (BEGIN; the same UPDATE; COMMIT). A transaction that changes one row must cost\n\
         about the same on both tables: copying the database at BEGIN (or at COMMIT) costs O(n)."
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
    step("phase: timing short transactions");
    let probe = Scaling::new(
        "a one-row transaction (BEGIN, UPDATE by key, ROLLBACK or COMMIT)",
        SMALL,
        LARGE,
    )
    .demanding("O(log n)")
    .max_ratio(5.0);
    let rounds = probe.rounds as i64;
    probe.run(pick, |db| {
        for (i, key) in (0..4).map(|i| (i, (i * 61 + 7) % SMALL)) {
            let _ = db.execute("BEGIN");
            let _ = db.execute(&format!("UPDATE items SET k = k + 1 WHERE id = {key}"));
            let _ = db.execute(if i % 2 == 0 { "ROLLBACK" } else { "COMMIT" });
        }
    });
    step("phase: checking that the rolled-back and committed updates left the right values");
    let mut db = large.borrow_mut();
    expect_rows(
        &mut db,
        "SELECT k FROM items WHERE id = 7",
        vec![vec![Val::Int(7)]],
        "row id = 7 was only ever updated inside transactions that rolled back, so k is still 7",
    );
    expect_rows(
        &mut db,
        "SELECT k FROM items WHERE id = 68",
        vec![vec![Val::Int(68 + rounds)]],
        &format!("row id = 68 was updated in {rounds} committed transactions (one per timed round), so k = 68 + {rounds}"),
    );
}

fn random_transactions_match_a_model(ctx: &mut Ctx) {
    scenario(
        "seeded random statements on table t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER,\n\
         s TEXT UNIQUE) mixed with BEGIN, COMMIT and ROLLBACK (misuse included). Each result must\n\
         match a simple model that copies its rows at BEGIN and puts them back at ROLLBACK.",
    );
    compare_with_model(ctx.rng(), Features::ALL, 300);
}
