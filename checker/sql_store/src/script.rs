//! Golden scripts: SQL statements with their expected outcomes, parsed at test time and replayed on the crate under test.
//!
//! One file per rule, under `scripts/<stage>/<rule>.sql`; the file name is the check's name. The
//! same files are replayed in a real SQLite by `oracle/check_scripts.py`, which parses the same
//! format. The format, line by line:
//!
//! ```text
//! -- Free comment lines before the first case describe the rule (shown with every failure).
//!
//! -- case: null_comparisons_are_unknown      starts a case on a fresh Database::new()
//! -- Free comments here become the "why" of the next statement.
//! CREATE TABLE t (a INTEGER, b TEXT);        a statement: runs to the line that ends with `;`
//! SELECT b FROM t WHERE a = NULL;
//! -- columns: b                              expect rows with these column names ...
//! -- (no rows)                               ... and none (say so explicitly), or:
//! -- row: 1, 'it''s', NULL                   ... one line per row (SQL literals)
//! -- affected: 2                             expect QueryResult::Affected(2)
//! -- ok                                      expect QueryResult::Done
//! -- error: UnknownTable                     expect Err of that SqlError variant
//! -- error: Syntax at 14                     ... and, for Syntax, that byte position
//! -- sqlite: skip <reason>                   the SQLite oracle skips this statement (our
//!                                            dialect is stricter there); the reason is required;
//!                                            right after `-- case:` it skips the whole case
//! ```
//!
//! A statement without an expectation must succeed (it sets up the case). Rows are compared in
//! order only when the statement has `ORDER BY`; otherwise as a multiset. A comment line whose
//! first word ends with `:` must be one of the directives above (so a typo cannot turn an
//! expectation into a comment).

use std::fmt::Write as _;

use syskata_kit::{fail, scenario};

use crate::drill::Database;
use crate::support::{differs, has_order_by, render, run, Outcome, Val};

/// What a statement of a script must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// No expectation written: it must succeed, whatever it returns.
    Succeeds,
    /// Succeed with exactly this outcome.
    Exactly(Outcome),
}

/// One statement of a case.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The SQL, as passed to `execute` (lines joined with `\n`, trailing `;` included).
    pub sql: String,
    /// The line the statement starts on.
    pub line: usize,
    /// The free comments written just above it: why the expectation holds.
    pub notes: Vec<String>,
    /// The expected outcome.
    pub expect: Expect,
    /// Why the SQLite oracle skips it, if it does.
    pub sqlite_skip: Option<String>,
}

/// One case: statements run in order on a fresh database.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name.
    pub name: String,
    /// The line of its `-- case:` header.
    pub line: usize,
    /// Why the SQLite oracle skips the whole case, if it does (a `-- sqlite: skip` before its
    /// first statement).
    pub sqlite_skip: Option<String>,
    /// Its statements.
    pub statements: Vec<Statement>,
}

/// A parsed script file.
#[derive(Debug, Clone)]
pub struct Script {
    /// The rule the file checks, from its leading comments.
    pub rule: Vec<String>,
    /// Its cases.
    pub cases: Vec<Case>,
}

/// Parses the literals of a `-- row:` line.
fn parse_row(text: &str) -> Result<Vec<Val>, String> {
    let mut values = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let value = match chars.peek() {
            Some('\'') => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => s.push(c),
                        None => return Err(format!("unterminated string in row `{text}`")),
                    }
                }
                Val::Text(s)
            }
            Some(_) => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c == ',' || c == ' ' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                if word.eq_ignore_ascii_case("NULL") {
                    Val::Null
                } else {
                    Val::Int(
                        word.parse()
                            .map_err(|_| format!("`{word}` is not a literal in row `{text}`"))?,
                    )
                }
            }
            None => return Err(format!("empty value in row `{text}`")),
        };
        values.push(value);
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        match chars.next() {
            None => return Ok(values),
            Some(',') => {}
            Some(c) => return Err(format!("unexpected `{c}` in row `{text}`")),
        }
    }
}

/// Returns the last statement of the last case, the one an expectation line refers to.
fn last_statement(cases: &mut [Case]) -> Option<&mut Statement> {
    cases.last_mut().and_then(|c| c.statements.last_mut())
}

/// Applies one `--` line: a directive, or a free comment (the rule, or a note for what follows).
fn directive(
    rest: &str,
    cases: &mut Vec<Case>,
    rule: &mut Vec<String>,
    notes: &mut Vec<String>,
    empty_marked: &mut Vec<(usize, usize)>,
) -> Result<(), String> {
    let here = (
        cases.len().saturating_sub(1),
        cases
            .last()
            .map_or(0, |c| c.statements.len().saturating_sub(1)),
    );
    let expect = |cases: &mut Vec<Case>, outcome: Outcome| match last_statement(cases) {
        Some(st) if st.expect == Expect::Succeeds => {
            st.expect = Expect::Exactly(outcome);
            Ok(())
        }
        Some(_) => Err("a second expectation for one statement".to_owned()),
        None => Err("an expectation before any statement of the case".to_owned()),
    };
    if let Some(name) = rest.strip_prefix("case:") {
        let name = name.trim();
        let snake = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if name.is_empty() || !snake {
            return Err("a case name is snake_case".to_owned());
        }
        if cases.iter().any(|c| c.name == name) {
            return Err("two cases with one name".to_owned());
        }
        cases.push(Case {
            name: name.to_owned(),
            line: 0,
            sqlite_skip: None,
            statements: Vec::new(),
        });
        Ok(())
    } else if rest == "ok" {
        expect(cases, Outcome::Done)
    } else if let Some(count) = rest.strip_prefix("affected:") {
        let count = count
            .trim()
            .parse()
            .map_err(|_| "affected: wants a number".to_owned())?;
        expect(cases, Outcome::Affected(count))
    } else if let Some(spec) = rest.strip_prefix("error:") {
        let words: Vec<&str> = spec.split_whitespace().collect();
        let (kind, position) = match words.as_slice() {
            [kind] => (*kind, None),
            [kind, "at", pos] => {
                let pos = pos
                    .parse()
                    .map_err(|_| "error: Kind at N wants a number".to_owned())?;
                (*kind, Some(pos))
            }
            _ => return Err("error: wants `Kind` or `Kind at N`".to_owned()),
        };
        let debug = match position {
            Some(at) => format!("{kind} {{ position: {at}, .. }}"),
            None => kind.to_owned(),
        };
        let kind = kind.to_owned();
        expect(
            cases,
            Outcome::Error {
                kind,
                position,
                debug,
            },
        )
    } else if let Some(names) = rest.strip_prefix("columns:") {
        let columns = names.split(',').map(|c| c.trim().to_owned()).collect();
        expect(
            cases,
            Outcome::Rows {
                columns,
                rows: Vec::new(),
            },
        )
    } else if let Some(row) = rest.strip_prefix("row:") {
        let row = parse_row(row)?;
        let marked_empty = empty_marked.contains(&here);
        match last_statement(cases).map(|st| &mut st.expect) {
            Some(Expect::Exactly(Outcome::Rows { columns, rows })) if !marked_empty => {
                if row.len() != columns.len() {
                    return Err("a row with a different number of values than columns".to_owned());
                }
                rows.push(row);
                Ok(())
            }
            _ => Err("row: belongs after columns:".to_owned()),
        }
    } else if rest == "(no rows)" {
        match last_statement(cases).map(|st| &st.expect) {
            Some(Expect::Exactly(Outcome::Rows { rows, .. })) if rows.is_empty() => {
                empty_marked.push(here);
                Ok(())
            }
            _ => Err("(no rows) belongs right after columns:".to_owned()),
        }
    } else if let Some(skip) = rest.strip_prefix("sqlite:") {
        let reason = skip
            .trim()
            .strip_prefix("skip")
            .map(str::trim)
            .unwrap_or("")
            .to_owned();
        if reason.is_empty() {
            return Err("sqlite: wants `skip <reason>`".to_owned());
        }
        let Some(case) = cases.last_mut() else {
            return Err("sqlite: skip belongs inside a case".to_owned());
        };
        let slot = match case.statements.last_mut() {
            None => &mut case.sqlite_skip,
            Some(st) => &mut st.sqlite_skip,
        };
        if slot.is_some() {
            return Err("a second sqlite: skip for one statement".to_owned());
        }
        *slot = Some(reason);
        Ok(())
    } else if rest
        .split_whitespace()
        .next()
        .is_some_and(|w| w.ends_with(':'))
    {
        Err(
            "an unknown directive (known: case:, columns:, row:, affected:, error:, sqlite:)"
                .to_owned(),
        )
    } else {
        if cases.is_empty() {
            rule.push(rest.to_owned());
        } else {
            notes.push(rest.to_owned());
        }
        Ok(())
    }
}

/// Parses a script; `Err` names the line and the problem.
pub fn parse(text: &str) -> Result<Script, String> {
    let mut rule = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut notes = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    // (case, statement) of each rows expectation marked `(no rows)`.
    let mut empty_marked: Vec<(usize, usize)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let n = index + 1;
        let line = raw.trim_end();
        let err = |what: &str| format!("line {n}: {what}");
        if let Some((sql, _)) = pending.as_mut() {
            if line.trim_start().starts_with("--") {
                return Err(err(
                    "a comment inside a statement (statements end with `;` at the end of a line)",
                ));
            }
            sql.push('\n');
            sql.push_str(line);
        } else if line.trim().is_empty() {
            continue;
        } else if let Some(rest) = line.trim_start().strip_prefix("--") {
            let count = cases.len();
            directive(
                rest.trim(),
                &mut cases,
                &mut rule,
                &mut notes,
                &mut empty_marked,
            )
            .map_err(|e| err(&e))?;
            if cases.len() > count {
                if let Some(case) = cases.last_mut() {
                    case.line = n;
                }
            }
            continue;
        } else {
            if cases.is_empty() {
                return Err(err("a statement before the first `-- case:`"));
            }
            pending = Some((line.to_owned(), n));
        }
        if let Some((sql, start)) = pending.take_if(|(sql, _)| sql.ends_with(';')) {
            let case = cases
                .last_mut()
                .ok_or_else(|| err("a statement outside a case"))?;
            case.statements.push(Statement {
                sql,
                line: start,
                notes: std::mem::take(&mut notes),
                expect: Expect::Succeeds,
                sqlite_skip: None,
            });
        }
    }
    if let Some((_, start)) = pending {
        return Err(format!("line {start}: a statement without its closing `;`"));
    }
    for (c, case) in cases.iter().enumerate() {
        if case.statements.is_empty() {
            return Err(format!(
                "line {}: case {} has no statements",
                case.line, case.name
            ));
        }
        for (s, st) in case.statements.iter().enumerate() {
            if let Expect::Exactly(Outcome::Rows { rows, .. }) = &st.expect {
                if rows.is_empty() && !empty_marked.contains(&(c, s)) {
                    return Err(format!(
                        "line {}: columns: without rows; write `-- (no rows)` when none are expected",
                        st.line
                    ));
                }
            }
        }
    }
    if cases.is_empty() {
        return Err("no cases".to_owned());
    }
    Ok(Script { rule, cases })
}

/// Replays every case of the script at `path` (whose text is `text`) on the crate under test and
/// fails at the first statement whose outcome differs from the expectation.
pub fn run_script(path: &str, text: &str) {
    let script =
        parse(text).unwrap_or_else(|e| fail(format!("the golden script {path} is malformed: {e}")));
    let rule = script.rule.join("\n");
    for case in &script.cases {
        scenario(format!(
            "{rule}\n\ncase `{}` ({path}, line {}), on a fresh Database::new();\nthe steps are the statements it ran, in order, the last one being the one that failed.",
            case.name, case.line
        ));
        let mut db = Database::new();
        for st in &case.statements {
            let got = run(&mut db, &st.sql);
            let problem = match &st.expect {
                Expect::Succeeds => match &got {
                    Outcome::Error { .. } => Some((
                        "the statement must succeed (it sets up the case)".to_owned(),
                        "  success".to_owned(),
                    )),
                    _ => None,
                },
                Expect::Exactly(expected) => {
                    let ordered = has_order_by(&st.sql);
                    differs(&got, expected, ordered).map(|why| {
                        let mut want = render(expected);
                        if let Outcome::Rows { .. } = expected {
                            want = format!(
                                "{want}\n  (rows {})",
                                if ordered {
                                    "in this order"
                                } else {
                                    "in any order"
                                }
                            );
                        }
                        (why, want)
                    })
                }
            };
            if let Some((why, want)) = problem {
                let mut text = format!("case `{}`, {path} line {}:\n", case.name, st.line);
                for line in st.sql.lines() {
                    let _ = writeln!(text, "  {line}");
                }
                for note in &st.notes {
                    let _ = writeln!(text, "why: {note}");
                }
                let _ = write!(text, "{why}\nexpected:\n{want}\ngot:\n{}", render(&got));
                fail(text);
            }
        }
    }
}
