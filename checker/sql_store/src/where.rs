//! Stage where: comparisons, AND/OR/NOT with precedence, NULL and three-valued logic, ORDER BY, LIMIT.

use syskata_kit::{checks, fail, scenario, step, Ctx, Stage};

use crate::drill::Database;
use crate::model::{compare_with_model, Features};
use crate::support::{outcome, render, run, Outcome, Val};

/// Returns the checks of stage where.
pub fn stage() -> Stage {
    Stage {
        slug: "where",
        checks: checks![
            comparisons_filter_rows,
            and_binds_tighter_than_or,
            null_comparisons_are_unknown,
            logic_with_unknown_follows_three_valued_rules,
            order_by_sorts_nulls_first,
            limit_caps_the_rows,
            where_errors_are_reported,
            deep_nesting_is_an_error_not_a_crash,
            random_where_clauses_match_a_model,
            comparisons_take_exactly_two_operands,
            conditions_and_operands_do_not_mix,
            unknown_columns_come_before_type_errors,
            new_keywords_are_never_names,
        ],
    }
}

script_checks!("where":
    comparisons_filter_rows,
    and_binds_tighter_than_or,
    null_comparisons_are_unknown,
    logic_with_unknown_follows_three_valued_rules,
    order_by_sorts_nulls_first,
    limit_caps_the_rows,
    where_errors_are_reported,
    comparisons_take_exactly_two_operands,
    conditions_and_operands_do_not_mix,
    unknown_columns_come_before_type_errors,
    new_keywords_are_never_names,
);

fn deep_nesting_is_an_error_not_a_crash(_: &mut Ctx) {
    scenario(
        "table t (a INTEGER) holding 1 and 2. Conditions nested 50 deep must work; a condition\n\
         nested or chained 100 000 deep may be rejected with an error (or answered correctly),\n\
         but must not overflow the stack: a recursive parser, evaluator or even the drop of a\n\
         100 000-level tree does. Cap the depth and size you accept.",
    );
    let mut db = Database::new();
    for sql in [
        "CREATE TABLE t (a INTEGER)",
        "INSERT INTO t VALUES (1), (2)",
    ] {
        let got = run(&mut db, sql);
        if let Outcome::Error { .. } = got {
            fail(format!(
                "set-up statement {sql:?} must succeed, got\n{}",
                render(&got)
            ));
        }
    }
    let one = Outcome::Rows {
        columns: vec!["a".to_owned()],
        rows: vec![vec![Val::Int(1)]],
    };
    let shallow = [
        (
            format!(
                "SELECT a FROM t WHERE {}a = 1{}",
                "(".repeat(50),
                ")".repeat(50)
            ),
            "50 parentheses",
        ),
        (
            format!("SELECT a FROM t WHERE {}a = 1", "NOT ".repeat(50)),
            "50 NOTs (an even number)",
        ),
        (
            format!("SELECT a FROM t WHERE {}", vec!["a = 1"; 50].join(" OR ")),
            "a 50-term OR chain",
        ),
        (
            format!(
                "SELECT a FROM t WHERE {}",
                vec!["NOT ((a <> 1))"; 50].join(" OR ")
            ),
            "a 50-term OR chain of NOT ((a <> 1)): 150 parentheses and NOTs in all, but never more than 3 deep",
        ),
    ];
    for (sql, what) in &shallow {
        let got = run(&mut db, sql);
        if got != one {
            fail(format!(
                "a condition with {what} must work and keep row 1 only\nexpected:\n{}\ngot:\n{}",
                render(&one),
                render(&got)
            ));
        }
    }
    let deep = [
        (
            format!(
                "SELECT a FROM t WHERE {}a = 1{}",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
            "100 000 parentheses",
        ),
        (
            format!("SELECT a FROM t WHERE {}a = 1", "NOT ".repeat(100_000)),
            "100 000 NOTs",
        ),
        (
            format!(
                "SELECT a FROM t WHERE {}",
                vec!["a = 1"; 100_000].join(" OR ")
            ),
            "a 100 000-term OR chain",
        ),
        (
            format!("SELECT a FROM t WHERE {}a = 1", "(".repeat(100_000)),
            "100 000 unclosed parentheses",
        ),
    ];
    for (sql, what) in &deep {
        step(format!("execute(\"SELECT a FROM t WHERE …\") with {what}"));
        let got = outcome(&db.execute(sql));
        let unclosed = what.contains("unclosed");
        match &got {
            Outcome::Error { .. } => {}
            _ if got == one && !unclosed => {}
            _ => fail(format!(
                "a condition with {what} must come back as an error{}\ngot:\n{}",
                if unclosed {
                    " (it is not valid SQL)"
                } else {
                    " or as the right answer (row 1)"
                },
                render(&got)
            )),
        }
    }
}

fn random_where_clauses_match_a_model(ctx: &mut Ctx) {
    scenario(
        "seeded random INSERTs and SELECTs on table t (id, a, b INTEGER, s TEXT): WHERE with\n\
         comparisons, AND/OR/NOT, NULLs and IS [NOT] NULL, ORDER BY (always ending in the unique\n\
         id, so the order is total) and LIMIT. Each result must match a simple model.",
    );
    compare_with_model(ctx.rng(), Features::WHERE, 250);
}
