//! Stage create_insert_select: CREATE TABLE, INSERT, SELECT; clear errors; no input makes it panic.

use syskata_kit::{checks, expect, expect_eq, scenario, step, Ctx, Rng, Stage};

use crate::drill::{Database, SqlError};
use crate::support::{outcome, render, run, Outcome};

/// Returns the checks of stage create_insert_select.
pub fn stage() -> Stage {
    Stage {
        slug: "create_insert_select",
        checks: checks![
            insert_then_select_returns_the_rows,
            insert_with_a_column_list_fills_the_rest_with_null,
            keywords_and_names_are_case_insensitive,
            quoted_strings_double_their_quotes,
            integers_use_the_full_64_bit_range,
            unknown_names_are_errors,
            arity_and_type_mismatches_reject_the_whole_insert,
            syntax_errors_say_where_they_are,
            one_statement_per_call_with_an_optional_semicolon,
            error_messages_name_what_went_wrong,
            malformed_input_is_an_error_never_a_panic,
            values_are_literals_not_expressions,
            positions_count_bytes,
        ],
    }
}

script_checks!("create_insert_select":
    insert_then_select_returns_the_rows,
    insert_with_a_column_list_fills_the_rest_with_null,
    keywords_and_names_are_case_insensitive,
    quoted_strings_double_their_quotes,
    integers_use_the_full_64_bit_range,
    unknown_names_are_errors,
    arity_and_type_mismatches_reject_the_whole_insert,
    syntax_errors_say_where_they_are,
    values_are_literals_not_expressions,
    positions_count_bytes,
);

/// Returns the outcome of a syntax error at `position`.
fn syntax_at(position: usize) -> Outcome {
    Outcome::Error {
        kind: "Syntax".to_owned(),
        position: Some(position),
        debug: format!("Syntax {{ position: {position}, .. }}"),
    }
}

#[track_caller]
fn check(db: &mut Database, sql: &str, expected: Outcome, why: &str) {
    let got = run(db, sql);
    if let Some(problem) = crate::support::differs(&got, &expected, true) {
        syskata_kit::fail(format!(
            "execute({sql:?}): {why}\n{problem}\nexpected:\n{}\ngot:\n{}",
            render(&expected),
            render(&got)
        ));
    }
}

fn one_statement_per_call_with_an_optional_semicolon(_: &mut Ctx) {
    scenario(
        "one execute call runs exactly one statement; a single trailing `;` is optional and\n\
         whitespace around it is ignored. Empty input, a second statement or a second `;` are\n\
         syntax errors at the offending byte (or at the input's length when it ends too early).",
    );
    let mut db = Database::new();
    check(
        &mut db,
        "CREATE TABLE t (a INTEGER)",
        Outcome::Done,
        "no semicolon is needed",
    );
    check(
        &mut db,
        "  INSERT INTO t VALUES (1) ;  ",
        Outcome::Affected(1),
        "spaces around the `;` are fine",
    );
    check(
        &mut db,
        "INSERT INTO t VALUES (2)\n",
        Outcome::Affected(1),
        "a trailing newline is fine",
    );
    check(
        &mut db,
        "",
        syntax_at(0),
        "an empty statement is not a statement",
    );
    check(
        &mut db,
        "   ",
        syntax_at(3),
        "blank input ends before any statement starts: the position is its length",
    );
    check(
        &mut db,
        ";",
        syntax_at(0),
        "a lone `;` has no statement before it",
    );
    check(
        &mut db,
        "SELECT * FROM t;;",
        syntax_at(16),
        "only one `;` may end a statement",
    );
    check(
        &mut db,
        "INSERT INTO t VALUES (3); SELECT * FROM t",
        syntax_at(26),
        "one call runs one statement; the second one is the error",
    );
    check(
        &mut db,
        "SELECT * FROM",
        syntax_at(13),
        "the input ends where a table name must come",
    );
    check(
        &mut db,
        "SELECT a FROM t",
        Outcome::Rows {
            columns: vec!["a".to_owned()],
            rows: vec![
                vec![crate::support::Val::Int(1)],
                vec![crate::support::Val::Int(2)],
            ],
        },
        "the rejected statements changed nothing: rows 1 and 2 are there, 3 is not",
    );
}

fn error_messages_name_what_went_wrong(_: &mut Ctx) {
    scenario(
        "an error's Display text is what a user reads: it names the table or column at fault,\n\
         a syntax error gives its position and the token found there, and a type mismatch in an\n\
         INSERT names the column, its type and the value's type. Table pets (name TEXT).",
    );
    let mut db = Database::new();
    let cases: [(&str, &str, &str); 5] = [
        ("CREATE TABLE pets (name TEXT)", "", "(set-up)"),
        (
            "SELECT * FROM ghosts",
            "ghosts",
            "an unknown table's message names the table",
        ),
        (
            "SELECT wings FROM pets",
            "wings",
            "an unknown column's message names the column",
        ),
        (
            "SELECT * FORM pets",
            "9",
            "a syntax error's message gives its byte position (9, where FORM starts)",
        ),
        (
            "SELECT * FORM pets",
            "FORM",
            "a syntax error's message names the token found at its position (FORM, the misspelt FROM)",
        ),
    ];
    for (sql, needle, why) in cases {
        step(sql);
        let result = db.execute(sql);
        if needle.is_empty() {
            expect(
                result.is_ok(),
                format!("execute({sql:?}) must succeed (set-up), got {result:?}"),
            );
            continue;
        }
        match result {
            Err(error) => {
                let debug = format!("{error:?}");
                step(format!("  -> Err({debug}), now formatting it with Display"));
                let text = error.to_string();
                expect(
                    text.contains(needle),
                    format!("execute({sql:?}) failed as it should, but {why}: expected a message containing {needle:?}, got {text:?}"),
                );
            }
            Ok(got) => syskata_kit::fail(format!("execute({sql:?}) must fail, got Ok({got:?})")),
        }
    }
    for (sql, needles, why) in [
        (
            "INSERT INTO pets VALUES (5)",
            ["name", "TEXT", "INTEGER"],
            "a type mismatch in an INSERT names the column (name), its type (TEXT) and the value's type (INTEGER)",
        ),
        (
            "INSERT INTO pets (name) VALUES ('x'), ('y'), (-7)",
            ["name", "TEXT", "INTEGER"],
            "a type mismatch in a later row names the column (name), its type (TEXT) and the value's type (INTEGER)",
        ),
    ] {
        step(sql);
        match db.execute(sql) {
            Err(error) => {
                step(format!("  -> Err({error:?}), now formatting it with Display"));
                let text = error.to_string();
                let missing: Vec<&str> = needles
                    .iter()
                    .copied()
                    .filter(|n| !text.contains(n))
                    .collect();
                expect(
                    missing.is_empty(),
                    format!("execute({sql:?}) failed as it should, but {why}: the message {text:?} lacks {missing:?}"),
                );
            }
            Ok(got) => syskata_kit::fail(format!(
                "execute({sql:?}) must fail with TypeMismatch (a number into the TEXT column name), got Ok({got:?})"
            )),
        }
    }
    let error = SqlError::UnknownTable("ledger".to_owned());
    expect_eq(
        "SqlError is a std::error::Error whose Display names the table (format!(\"{}\", SqlError::UnknownTable(\"ledger\")) contains it)",
        error.to_string().contains("ledger"),
        true,
    );
}

/// Valid statements whose every prefix and every small mutation must come back as Ok or Err.
const SEEDS: &[&str] = &[
    "CREATE TABLE pets (name TEXT, legs INTEGER, tag TEXT)",
    "INSERT INTO t VALUES (1, 'it''s'), (-2, ''), (NULL, 'x')",
    "INSERT INTO t (b, a) VALUES ('z', -9223372036854775808);",
    "SELECT * FROM t",
    "SELECT b, a, b FROM t;",
    "insert into T (A) values (7)",
    "SELECT a FROM t WHERE a > -1 AND NOT (b = 'q' OR b IS NULL) ORDER BY a DESC, b LIMIT 3",
    "UPDATE t SET a = a + 1, b = 'u' WHERE a = 2",
    "DELETE FROM t WHERE b IS NOT NULL",
    "CREATE INDEX ix ON t (a)",
    "CREATE TABLE k (id INTEGER PRIMARY KEY, s TEXT UNIQUE NOT NULL)",
    "BEGIN",
    "ROLLBACK",
];

/// Pieces a random token soup is made of: every token of the dialect, and some that are not.
const PIECES: &[&str] = &[
    "SELECT",
    "INSERT",
    "INTO",
    "VALUES",
    "CREATE",
    "TABLE",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "NULL",
    "IS",
    "ORDER",
    "BY",
    "DESC",
    "LIMIT",
    "UPDATE",
    "SET",
    "DELETE",
    "INDEX",
    "ON",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "INTEGER",
    "TEXT",
    "t",
    "a",
    "b",
    "zz",
    "(",
    ")",
    "(",
    ")",
    ",",
    ",",
    ";",
    "*",
    "=",
    "<",
    ">",
    "<=",
    ">=",
    "<>",
    "!=",
    "!",
    "+",
    "-",
    "-",
    "0",
    "7",
    "-1",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999",
    "'x'",
    "''",
    "'it''s'",
    "'unterminated",
    "'",
    "@",
    "#",
    "\"a\"",
    "é",
    "☕",
    "\u{0}",
    "\t",
    "\n",
    "1a",
    "a1",
    "_",
];

fn soup(rng: &mut Rng) -> String {
    let n = rng.range(1, 14) as usize;
    let mut text = String::new();
    for _ in 0..n {
        let piece: &&str = rng.pick(PIECES);
        text.push_str(piece);
        if rng.chance(80) {
            text.push(' ');
        }
    }
    text
}

/// Returns `seed` with one random edit: a piece inserted, a byte range removed or duplicated.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let boundaries: Vec<usize> = (0..=seed.len())
        .filter(|&i| seed.is_char_boundary(i))
        .collect();
    let a = *rng.pick(&boundaries);
    let b = *rng.pick(&boundaries);
    let (lo, hi) = (a.min(b), a.max(b));
    match rng.below(3) {
        0 => format!("{}{}{}", &seed[..lo], *rng.pick(PIECES), &seed[lo..]),
        1 => format!("{}{}", &seed[..lo], &seed[hi..]),
        _ => format!("{}{}{}", &seed[..hi], &seed[lo..hi], &seed[hi..]),
    }
}

fn malformed_input_is_an_error_never_a_panic(ctx: &mut Ctx) {
    scenario(
        "a database with table t (a INTEGER, b TEXT) and a few rows receives malformed input:\n\
         every prefix of some valid statements, random edits of them, and random token soups.\n\
         Each must come back as Ok or Err — a panic (say, an unchecked index into the token list\n\
         when the input ends early) fails the check. The last step below is the input that did it.",
    );
    let mut db = Database::new();
    for sql in [
        "CREATE TABLE t (a INTEGER, b TEXT)",
        "INSERT INTO t VALUES (1, 'x'), (2, NULL), (NULL, 'y')",
    ] {
        let got = run(&mut db, sql);
        expect(
            !matches!(got, Outcome::Error { .. }),
            format!(
                "set-up statement {sql:?} must succeed, got\n{}",
                render(&got)
            ),
        );
    }
    let mut inputs: Vec<String> = Vec::new();
    for seed in SEEDS {
        for end in (0..seed.len()).filter(|&i| seed.is_char_boundary(i)) {
            inputs.push(seed[..end].to_owned());
        }
    }
    let rng = ctx.rng();
    for _ in 0..1500 {
        let seed = *rng.pick(SEEDS);
        inputs.push(mutate(rng, seed));
    }
    for _ in 0..1500 {
        inputs.push(soup(rng));
    }
    for (i, sql) in inputs.iter().enumerate() {
        step(format!("input #{i}: execute({sql:?})"));
        let result = db.execute(sql);
        // Touch the result the way a caller would; a statement that succeeded may have changed t.
        let _ = outcome(&result);
    }
}
