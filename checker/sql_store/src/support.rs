//! Helpers every stage shares: values and outcomes in a drill-independent form, rendered the way the golden scripts write them.

use std::fmt::Write as _;

use syskata_kit::step;

use crate::drill::{Database, QueryResult, SqlError, Value};

/// A value as the checker sees it, independent of the crate under test.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Val {
    /// `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A string.
    Text(String),
}

impl Val {
    /// Returns the value as an SQL literal: `NULL`, `-3`, `'it''s'`.
    pub fn sql(&self) -> String {
        match self {
            Val::Null => "NULL".to_owned(),
            Val::Int(n) => n.to_string(),
            Val::Text(s) => format!("'{}'", s.replace('\'', "''")),
        }
    }
}

impl From<&Value> for Val {
    fn from(value: &Value) -> Self {
        match value {
            Value::Null => Val::Null,
            Value::Integer(n) => Val::Int(*n),
            Value::Text(s) => Val::Text(s.clone()),
        }
    }
}

/// What one statement did, independent of the crate under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A `SELECT`'s result.
    Rows {
        /// The result's column names.
        columns: Vec<String>,
        /// The rows.
        rows: Vec<Vec<Val>>,
    },
    /// `QueryResult::Affected(n)`.
    Affected(usize),
    /// `QueryResult::Done`.
    Done,
    /// An error: its variant name, the position of a syntax error, and its `Debug` text.
    Error {
        /// The `SqlError` variant (`UnknownTable`).
        kind: String,
        /// `Some` for `SqlError::Syntax`.
        position: Option<usize>,
        /// The error's `Debug` text, for messages.
        debug: String,
    },
}

impl Outcome {
    /// Returns an error outcome of `kind` (what a model predicts).
    pub fn error(kind: &str) -> Self {
        Outcome::Error {
            kind: kind.to_owned(),
            position: None,
            debug: kind.to_owned(),
        }
    }
}

/// Returns the variant name of an error, read from its derived `Debug` text (so later stages'
/// variants need not exist when earlier stages compile).
pub fn kind(error: &SqlError) -> String {
    format!("{error:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Converts what `execute` returned into an [`Outcome`].
pub fn outcome(result: &Result<QueryResult, SqlError>) -> Outcome {
    match result {
        Ok(QueryResult::Rows { columns, rows }) => Outcome::Rows {
            columns: columns.clone(),
            rows: rows
                .iter()
                .map(|row| row.iter().map(Val::from).collect())
                .collect(),
        },
        Ok(QueryResult::Affected(n)) => Outcome::Affected(*n),
        Ok(QueryResult::Done) => Outcome::Done,
        Err(error) => Outcome::Error {
            kind: kind(error),
            position: match error {
                SqlError::Syntax { position, .. } => Some(*position),
                _ => None,
            },
            debug: format!("{error:?}"),
        },
    }
}

/// Logs `sql` as a step, runs it and returns what it did.
pub fn run(db: &mut Database, sql: &str) -> Outcome {
    step(one_line(sql));
    outcome(&db.execute(sql))
}

/// Returns `sql` on one line, for the step log.
pub fn one_line(sql: &str) -> String {
    let flat: String = sql.split('\n').map(str::trim).collect::<Vec<_>>().join(" ");
    syskata_kit::fail::shorten(&flat)
}

/// Renders one row as the scripts write it: `1, 'x', NULL`.
pub fn render_row(row: &[Val]) -> String {
    row.iter().map(Val::sql).collect::<Vec<_>>().join(", ")
}

/// Renders an outcome as the scripts write expectations, one item per line, indented by two.
pub fn render(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Rows { columns, rows } => {
            let mut text = format!("  columns: {}", columns.join(", "));
            if rows.is_empty() {
                text.push_str("\n  (no rows)");
            }
            const SHOWN: usize = 25;
            for row in rows.iter().take(SHOWN) {
                let _ = write!(text, "\n  row: {}", render_row(row));
            }
            if rows.len() > SHOWN {
                let _ = write!(
                    text,
                    "\n  … {} more rows ({} in all)",
                    rows.len() - SHOWN,
                    rows.len()
                );
            }
            text
        }
        Outcome::Affected(n) => format!("  affected: {n}"),
        Outcome::Done => "  ok (QueryResult::Done)".to_owned(),
        Outcome::Error { debug, .. } => format!("  error: {debug}"),
    }
}

/// Returns whether `sql` has an `ORDER BY` clause (outside string literals): only then does
/// the order of the result rows matter.
pub fn has_order_by(sql: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_string = false;
    for c in sql.chars() {
        if c == '\'' {
            in_string = !in_string;
        }
        if !in_string && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c.to_ascii_uppercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    words.push(word);
    words.windows(2).any(|w| w[0] == "ORDER" && w[1] == "BY")
}

/// Returns the rows that appear more often in `a` than in `b`, for "missing" / "unexpected" lists.
pub fn surplus(a: &[Vec<Val>], b: &[Vec<Val>]) -> Vec<Vec<Val>> {
    let mut rest: Vec<&Vec<Val>> = b.iter().collect();
    let mut extra = Vec::new();
    for row in a {
        match rest.iter().position(|r| *r == row) {
            Some(i) => {
                rest.swap_remove(i);
            }
            None => extra.push(row.clone()),
        }
    }
    extra
}

/// Compares what came back with what was expected; `ordered` says whether row order matters.
/// Returns a short explanation of the first difference.
pub fn differs(got: &Outcome, expected: &Outcome, ordered: bool) -> Option<String> {
    match (got, expected) {
        (
            Outcome::Rows { columns, rows },
            Outcome::Rows {
                columns: want_columns,
                rows: want_rows,
            },
        ) => {
            if columns != want_columns {
                return Some(format!(
                    "the result's column names differ: expected [{}], got [{}] (a result column is named as the column was declared in CREATE TABLE)",
                    want_columns.join(", "),
                    columns.join(", ")
                ));
            }
            if ordered {
                if rows == want_rows {
                    return None;
                }
                let position = rows
                    .iter()
                    .zip(want_rows)
                    .position(|(a, b)| a != b)
                    .unwrap_or(rows.len().min(want_rows.len()));
                return Some(format!(
                    "the rows differ (ORDER BY makes their order part of the answer); first difference at row {}",
                    position + 1
                ));
            }
            let missing = surplus(want_rows, rows);
            let unexpected = surplus(rows, want_rows);
            if missing.is_empty() && unexpected.is_empty() {
                return None;
            }
            let mut text =
                String::from("the rows differ (in any order: the statement has no ORDER BY)");
            for row in missing.iter().take(10) {
                let _ = write!(text, "\n  missing:    {}", render_row(row));
            }
            for row in unexpected.iter().take(10) {
                let _ = write!(text, "\n  unexpected: {}", render_row(row));
            }
            Some(text)
        }
        (
            Outcome::Error { kind, .. },
            Outcome::Error {
                kind: want,
                position,
                ..
            },
        ) => {
            if kind != want {
                return Some(format!(
                    "expected the error SqlError::{want}, got SqlError::{kind}"
                ));
            }
            match (position, got) {
                (Some(want_pos), Outcome::Error { position: got_pos, .. }) if *got_pos != Some(*want_pos) => {
                    Some(format!(
                        "the syntax error's position should be byte {want_pos} (the first token that cannot continue a valid statement, or the input's length when it ends too early), got {}",
                        got_pos.map_or("none".to_owned(), |p| p.to_string())
                    ))
                }
                _ => None,
            }
        }
        _ if got == expected => None,
        (Outcome::Error { .. }, _) => Some("the statement failed but must succeed".to_owned()),
        (_, Outcome::Error { kind, .. }) => Some(format!(
            "the statement must fail with SqlError::{kind}, but it succeeded"
        )),
        _ => Some("the statement returned a different result".to_owned()),
    }
}

/// Runs a set-up statement, failing the check if it does not succeed.
#[track_caller]
pub fn must(db: &mut Database, sql: &str) {
    if let Err(error) = db.execute(sql) {
        syskata_kit::fail(format!(
            "set-up statement {} must succeed, got Err({error:?})",
            one_line(sql)
        ));
    }
}

/// Returns a database with table `items (id INTEGER [PRIMARY KEY], k INTEGER, v TEXT)` holding
/// `n` rows `(i, i, 'v<i>')`, inserted by bulk statements of 4 096 rows; without a primary key,
/// `CREATE INDEX items_k ON items (k)` comes first.
pub fn build_items(n: usize, primary_key: bool) -> Database {
    let mut db = Database::new();
    if primary_key {
        must(
            &mut db,
            "CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER, v TEXT)",
        );
    } else {
        must(
            &mut db,
            "CREATE TABLE items (id INTEGER, k INTEGER, v TEXT)",
        );
        must(&mut db, "CREATE INDEX items_k ON items (k)");
    }
    let mut sql = String::new();
    for start in (0..n).step_by(4096) {
        sql.clear();
        sql.push_str("INSERT INTO items VALUES ");
        for i in start..(start + 4096).min(n) {
            if i > start {
                sql.push_str(", ");
            }
            let _ = write!(sql, "({i}, {i}, 'v{i}')");
        }
        if let Err(error) = db.execute(&sql) {
            syskata_kit::fail(format!(
                "set-up: a bulk INSERT INTO items VALUES ({start}, {start}, 'v{start}'), … of up to 4 096 rows must succeed, got Err({error:?})"
            ));
        }
    }
    db
}

/// Runs `sql` and fails unless it returns exactly `rows` (in order); `why` explains them.
#[track_caller]
pub fn expect_rows(db: &mut Database, sql: &str, rows: Vec<Vec<Val>>, why: &str) {
    let got = run(db, sql);
    let matches = matches!(&got, Outcome::Rows { rows: got_rows, .. } if *got_rows == rows);
    if !matches {
        let expected: Vec<String> = rows
            .iter()
            .map(|r| format!("  row: {}", render_row(r)))
            .collect();
        syskata_kit::fail(format!(
            "{sql}: {why}\nexpected:\n{}\ngot:\n{}",
            if expected.is_empty() {
                "  (no rows)".to_owned()
            } else {
                expected.join("\n")
            },
            render(&got)
        ));
    }
}
