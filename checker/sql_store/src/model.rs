//! Seeded random statements over one table, and a small, obviously-correct model of what each must return.
//!
//! The stages run these sequences on the crate under test and on the model side by side. The
//! SQLite oracle test (`tests/sqlite_oracle.rs`) runs the same sequences on the reference and on a
//! real SQLite, so the model itself is checked against the real thing.
//!
//! The generator keeps to the part of the dialect where SQLite agrees with it: every comparison is
//! between values of one type, arithmetic stays far from overflow, `NULL` never goes into the
//! `PRIMARY KEY`, and no `UPDATE` shifts a unique column by arithmetic.

use std::fmt::Write as _;

use syskata_kit::{fail, Rng};

use crate::drill::Database;
use crate::support::{differs, render, run, Outcome, Val};

/// Which parts of the dialect a random sequence uses (each stage adds some).
#[derive(Debug, Clone, Copy)]
pub struct Features {
    /// `UPDATE`, `DELETE` and arithmetic (`+`, `-`, `*`, unary minus).
    pub update_delete: bool,
    /// `PRIMARY KEY`, `UNIQUE` and `CREATE INDEX`.
    pub constraints: bool,
    /// `BEGIN`, `COMMIT`, `ROLLBACK`.
    pub transactions: bool,
}

impl Features {
    /// Stage `where`: `SELECT … WHERE … ORDER BY … LIMIT` and `INSERT`.
    pub const WHERE: Features = Features {
        update_delete: false,
        constraints: false,
        transactions: false,
    };
    /// Stage `update_delete` adds `UPDATE`, `DELETE` and arithmetic.
    pub const UPDATE_DELETE: Features = Features {
        update_delete: true,
        ..Features::WHERE
    };
    /// Stage `indexes` adds constraints and indexes.
    pub const INDEXES: Features = Features {
        constraints: true,
        ..Features::UPDATE_DELETE
    };
    /// Stage `transactions` adds transactions: everything.
    pub const ALL: Features = Features {
        transactions: true,
        ..Features::INDEXES
    };
}

/// The table every sequence uses: `(name, is_text)`.
const COLUMNS: [(&str, bool); 4] = [("id", false), ("a", false), ("b", false), ("s", true)];
const ID: usize = 0;
const S: usize = 3;
const TEXTS: [&str; 10] = ["", "a", "A", "ab", "b", "B", "it's", "a b", "zz", "é"];

/// An expression of the generated statements.
#[derive(Debug, Clone)]
enum Expr {
    Column(usize),
    Literal(Val),
    Neg(Box<Expr>),
    Arith(&'static str, Box<Expr>, Box<Expr>),
    Compare(&'static str, Box<Expr>, Box<Expr>),
    IsNull(Box<Expr>, bool),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A generated statement, as the model reads it.
#[derive(Debug, Clone)]
enum Stmt {
    CreateTable,
    Insert(Vec<Vec<Val>>),
    Select {
        columns: Option<Vec<usize>>,
        filter: Option<Expr>,
        order: Vec<(usize, bool)>,
        limit: Option<usize>,
    },
    Update {
        sets: Vec<(usize, Expr)>,
        filter: Option<Expr>,
    },
    Delete(Option<Expr>),
    CreateIndex(String, usize),
    Begin,
    Commit,
    Rollback,
}

/// One generated statement: its SQL and what the model needs to predict its outcome.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The statement's text.
    pub sql: String,
    /// Whether its rows come in a defined order (it has `ORDER BY`).
    pub ordered: bool,
    stmt: Stmt,
}

// ----- Rendering, with the fewest parentheses precedence allows (plus a few for good measure) -----

fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(..) => 3,
        Expr::Compare(..) | Expr::IsNull(..) => 4,
        Expr::Arith("*", ..) => 6,
        Expr::Arith(..) => 5,
        Expr::Neg(..) => 7,
        Expr::Column(_) | Expr::Literal(_) => 8,
    }
}

fn render_expr(e: &Expr, rng: &mut Rng, min: u8) -> String {
    let text = match e {
        Expr::Column(c) => COLUMNS[*c].0.to_owned(),
        Expr::Literal(v) => v.sql(),
        Expr::Neg(inner) => {
            let inner = render_expr(inner, rng, 7);
            // `--` would start a comment in SQLite.
            if inner.starts_with('-') {
                format!("-({inner})")
            } else {
                format!("-{inner}")
            }
        }
        Expr::Arith(op, l, r) => {
            let p = if *op == "*" { 6 } else { 5 };
            format!(
                "{} {op} {}",
                render_expr(l, rng, p),
                render_expr(r, rng, p + 1)
            )
        }
        Expr::Compare(op, l, r) => {
            format!("{} {op} {}", render_expr(l, rng, 5), render_expr(r, rng, 5))
        }
        Expr::IsNull(inner, negated) => format!(
            "{} IS {}NULL",
            render_expr(inner, rng, 5),
            if *negated { "NOT " } else { "" }
        ),
        Expr::Not(inner) => format!("NOT {}", render_expr(inner, rng, 3)),
        Expr::And(l, r) => format!("{} AND {}", render_expr(l, rng, 2), render_expr(r, rng, 3)),
        Expr::Or(l, r) => format!("{} OR {}", render_expr(l, rng, 1), render_expr(r, rng, 2)),
    };
    let p = precedence(e);
    if p < min || (p < 8 && rng.chance(8)) {
        format!("({text})")
    } else {
        text
    }
}

// ----- Generation -----

/// Produces a seeded random sequence of statements, starting with the `CREATE TABLE`.
pub struct Generator {
    features: Features,
    rng: Rng,
    next_id: i64,
    in_transaction: bool,
    created: bool,
    indexes: usize,
}

impl Generator {
    /// Returns a generator using `features`, drawing from `rng`.
    pub fn new(features: Features, rng: Rng) -> Self {
        Generator {
            features,
            rng,
            next_id: 1,
            in_transaction: false,
            created: false,
            indexes: 0,
        }
    }

    fn int_literal(&mut self) -> Val {
        if self.rng.chance(15) {
            Val::Null
        } else {
            Val::Int(self.rng.range(0, 9) as i64 - 3)
        }
    }

    fn text_literal(&mut self) -> Val {
        if self.rng.chance(15) {
            Val::Null
        } else if self.features.constraints && self.rng.chance(50) {
            Val::Text(format!("t{}", self.rng.below(40)))
        } else {
            Val::Text((*self.rng.pick(&TEXTS)).to_owned())
        }
    }

    fn int_expr(&mut self, depth: u32) -> Expr {
        let arithmetic = self.features.update_delete && depth > 0;
        match self.rng.below(if arithmetic { 10 } else { 6 }) {
            0..=2 => Expr::Column(self.rng.range(0, 2) as usize),
            3..=5 => Expr::Literal(self.int_literal()),
            6 => Expr::Neg(Box::new(self.int_expr(depth - 1))),
            n => {
                let op = ["+", "-", "*"][(n - 7) as usize];
                Expr::Arith(
                    op,
                    Box::new(self.int_expr(depth - 1)),
                    Box::new(self.int_expr(depth - 1)),
                )
            }
        }
    }

    fn text_expr(&mut self) -> Expr {
        if self.rng.chance(55) {
            Expr::Column(S)
        } else {
            Expr::Literal(self.text_literal())
        }
    }

    fn condition(&mut self, depth: u32) -> Expr {
        let pick = if depth == 0 {
            self.rng.below(4)
        } else {
            self.rng.below(9)
        };
        match pick {
            0 | 1 => {
                let op = *self.rng.pick(&["=", "!=", "<>", "<", "<=", ">", ">="]);
                let (l, r) = if self.rng.chance(65) {
                    (self.int_expr(2), self.int_expr(2))
                } else {
                    (self.text_expr(), self.text_expr())
                };
                Expr::Compare(op, Box::new(l), Box::new(r))
            }
            2 => {
                let op = *self.rng.pick(&["=", "<", ">="]);
                let column = self.rng.range(0, 2) as usize;
                let literal = self.int_literal();
                Expr::Compare(
                    op,
                    Box::new(Expr::Column(column)),
                    Box::new(Expr::Literal(literal)),
                )
            }
            3 => {
                let inner = if self.rng.chance(70) {
                    self.int_expr(1)
                } else {
                    self.text_expr()
                };
                Expr::IsNull(Box::new(inner), self.rng.chance(50))
            }
            4 | 5 => Expr::Not(Box::new(self.condition(depth - 1))),
            6 | 7 => Expr::And(
                Box::new(self.condition(depth - 1)),
                Box::new(self.condition(depth - 1)),
            ),
            _ => Expr::Or(
                Box::new(self.condition(depth - 1)),
                Box::new(self.condition(depth - 1)),
            ),
        }
    }

    fn filter(&mut self, percent: u64) -> Option<Expr> {
        if self.rng.chance(percent) {
            Some(self.condition(3))
        } else {
            None
        }
    }

    fn row(&mut self) -> Vec<Val> {
        let id = if self.features.constraints && self.next_id > 1 && self.rng.chance(8) {
            Val::Int(self.rng.range(1, self.next_id as u64 - 1) as i64)
        } else {
            self.next_id += 1;
            Val::Int(self.next_id - 1)
        };
        vec![
            id,
            self.int_literal(),
            self.int_literal(),
            self.text_literal(),
        ]
    }

    /// Returns the next statement of the sequence.
    pub fn next_statement(&mut self) -> Generated {
        let stmt = self.pick_statement();
        let sql = self.sql(&stmt);
        let ordered = matches!(&stmt, Stmt::Select { order, .. } if !order.is_empty());
        Generated { sql, ordered, stmt }
    }

    fn pick_statement(&mut self) -> Stmt {
        if !self.created {
            self.created = true;
            return Stmt::CreateTable;
        }
        let f = self.features;
        loop {
            match self.rng.below(100) {
                0..=24 => {
                    let n = self.rng.range(1, if f.constraints { 3 } else { 5 }) as usize;
                    return Stmt::Insert((0..n).map(|_| self.row()).collect());
                }
                25..=64 => {
                    let columns = if self.rng.chance(35) {
                        None
                    } else {
                        let n = self.rng.range(1, 4) as usize;
                        Some((0..n).map(|_| self.rng.index(COLUMNS.len())).collect())
                    };
                    let filter = self.filter(85);
                    let mut order = Vec::new();
                    let mut limit = None;
                    if self.rng.chance(60) {
                        for _ in 0..self.rng.below(3) {
                            order.push((self.rng.range(1, 3) as usize, self.rng.chance(40)));
                        }
                        // `id` is unique, so the order is total and the expected rows are exact.
                        order.push((ID, self.rng.chance(30)));
                        if self.rng.chance(35) {
                            limit = Some(self.rng.below(6) as usize);
                        }
                    }
                    return Stmt::Select {
                        columns,
                        filter,
                        order,
                        limit,
                    };
                }
                65..=79 if f.update_delete => {
                    let mut sets = Vec::new();
                    for _ in 0..self.rng.range(1, 2) {
                        sets.push(self.assignment());
                    }
                    let filter = self.filter(90);
                    return Stmt::Update { sets, filter };
                }
                80..=84 if f.update_delete => return Stmt::Delete(self.filter(95)),
                85..=87 if f.constraints => {
                    self.indexes += 1;
                    let name = if self.rng.chance(20) {
                        "ix1".to_owned()
                    } else {
                        format!("ix{}", self.indexes)
                    };
                    return Stmt::CreateIndex(name, self.rng.index(COLUMNS.len()));
                }
                88..=99 if f.transactions => {
                    let misuse = self.rng.chance(10);
                    return if self.in_transaction != misuse {
                        let commit = self.rng.chance(50);
                        if self.in_transaction {
                            self.in_transaction = false;
                        }
                        if commit {
                            Stmt::Commit
                        } else {
                            Stmt::Rollback
                        }
                    } else {
                        self.in_transaction = true;
                        Stmt::Begin
                    };
                }
                _ => {}
            }
        }
    }

    fn assignment(&mut self) -> (usize, Expr) {
        if self.features.constraints && self.rng.chance(10) {
            let id = self.rng.range(1, self.next_id as u64 + 2) as i64;
            return (ID, Expr::Literal(Val::Int(id)));
        }
        if self.rng.chance(25) {
            return (S, Expr::Literal(self.text_literal()));
        }
        let column = self.rng.range(1, 2) as usize;
        // Values move by a few units per UPDATE at most: no overflow, as SQLite would go to REAL.
        let source = Box::new(Expr::Column(self.rng.range(0, 2) as usize));
        let step = Box::new(Expr::Literal(Val::Int(self.rng.range(1, 3) as i64)));
        let expr = match self.rng.below(5) {
            0 => Expr::Literal(self.int_literal()),
            1 => Expr::Arith("+", source, step),
            2 => Expr::Arith("-", source, step),
            3 => Expr::Neg(source),
            _ => *source,
        };
        (column, expr)
    }

    fn sql(&mut self, stmt: &Stmt) -> String {
        let rng = &mut self.rng;
        match stmt {
            Stmt::CreateTable => {
                if self.features.constraints {
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, s TEXT UNIQUE)"
                        .to_owned()
                } else {
                    "CREATE TABLE t (id INTEGER, a INTEGER, b INTEGER, s TEXT)".to_owned()
                }
            }
            Stmt::Insert(rows) => {
                let tuples: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        format!(
                            "({})",
                            r.iter().map(Val::sql).collect::<Vec<_>>().join(", ")
                        )
                    })
                    .collect();
                format!("INSERT INTO t VALUES {}", tuples.join(", "))
            }
            Stmt::Select {
                columns,
                filter,
                order,
                limit,
            } => {
                let mut sql = match columns {
                    None => "SELECT * FROM t".to_owned(),
                    Some(cs) => format!(
                        "SELECT {} FROM t",
                        cs.iter()
                            .map(|&c| COLUMNS[c].0)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                if let Some(filter) = filter {
                    let _ = write!(sql, " WHERE {}", render_expr(filter, rng, 0));
                }
                if !order.is_empty() {
                    let keys: Vec<String> = order
                        .iter()
                        .map(|&(c, desc)| {
                            format!("{}{}", COLUMNS[c].0, if desc { " DESC" } else { "" })
                        })
                        .collect();
                    let _ = write!(sql, " ORDER BY {}", keys.join(", "));
                }
                if let Some(limit) = limit {
                    let _ = write!(sql, " LIMIT {limit}");
                }
                sql
            }
            Stmt::Update { sets, filter } => {
                let sets: Vec<String> = sets
                    .iter()
                    .map(|(c, e)| format!("{} = {}", COLUMNS[*c].0, render_expr(e, rng, 0)))
                    .collect();
                let mut sql = format!("UPDATE t SET {}", sets.join(", "));
                if let Some(filter) = filter {
                    let _ = write!(sql, " WHERE {}", render_expr(filter, rng, 0));
                }
                sql
            }
            Stmt::Delete(filter) => match filter {
                Some(filter) => format!("DELETE FROM t WHERE {}", render_expr(filter, rng, 0)),
                None => "DELETE FROM t".to_owned(),
            },
            Stmt::CreateIndex(name, column) => {
                format!("CREATE INDEX {name} ON t ({})", COLUMNS[*column].0)
            }
            Stmt::Begin => "BEGIN".to_owned(),
            Stmt::Commit => "COMMIT".to_owned(),
            Stmt::Rollback => "ROLLBACK".to_owned(),
        }
    }
}

// ----- The model -----

/// A value during evaluation: three-valued logic needs `Bool` beside `NULL`.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

fn of(value: &Val) -> V {
    match value {
        Val::Null => V::Null,
        Val::Int(n) => V::Int(*n),
        Val::Text(s) => V::Text(s.clone()),
    }
}

fn eval(e: &Expr, row: &[Val]) -> Result<V, &'static str> {
    Ok(match e {
        Expr::Column(c) => of(&row[*c]),
        Expr::Literal(v) => of(v),
        Expr::Neg(inner) => match eval(inner, row)? {
            V::Int(n) => V::Int(n.checked_neg().ok_or("Overflow")?),
            _ => V::Null,
        },
        Expr::Arith(op, l, r) => match (eval(l, row)?, eval(r, row)?) {
            (V::Int(a), V::Int(b)) => V::Int(
                match *op {
                    "+" => a.checked_add(b),
                    "-" => a.checked_sub(b),
                    _ => a.checked_mul(b),
                }
                .ok_or("Overflow")?,
            ),
            _ => V::Null,
        },
        Expr::Compare(op, l, r) => {
            let ord = match (eval(l, row)?, eval(r, row)?) {
                (V::Int(a), V::Int(b)) => a.cmp(&b),
                (V::Text(a), V::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
                _ => return Ok(V::Null),
            };
            V::Bool(match *op {
                "=" => ord.is_eq(),
                "!=" | "<>" => ord.is_ne(),
                "<" => ord.is_lt(),
                "<=" => ord.is_le(),
                ">" => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        Expr::IsNull(inner, negated) => V::Bool((eval(inner, row)? == V::Null) != *negated),
        Expr::Not(inner) => match eval(inner, row)? {
            V::Bool(b) => V::Bool(!b),
            _ => V::Null,
        },
        // Kleene logic: false wins AND, true wins OR, otherwise NULL is contagious.
        Expr::And(l, r) => match (eval(l, row)?, eval(r, row)?) {
            (V::Bool(false), _) | (_, V::Bool(false)) => V::Bool(false),
            (V::Bool(true), V::Bool(true)) => V::Bool(true),
            _ => V::Null,
        },
        Expr::Or(l, r) => match (eval(l, row)?, eval(r, row)?) {
            (V::Bool(true), _) | (_, V::Bool(true)) => V::Bool(true),
            (V::Bool(false), V::Bool(false)) => V::Bool(false),
            _ => V::Null,
        },
    })
}

fn to_val(v: V) -> Val {
    match v {
        V::Int(n) => Val::Int(n),
        V::Text(s) => Val::Text(s),
        V::Null | V::Bool(_) => Val::Null,
    }
}

/// The whole database state the model keeps: rows in insertion order, and index names.
#[derive(Debug, Clone, Default)]
struct State {
    rows: Vec<Vec<Val>>,
    indexes: Vec<String>,
}

/// The model: a list of rows, scanned in full for everything, and a copy taken at `BEGIN`.
#[derive(Debug)]
pub struct Model {
    features: Features,
    state: State,
    saved: Option<State>,
}

impl Model {
    /// Returns the model of an empty database.
    pub fn new(features: Features) -> Self {
        Model {
            features,
            state: State::default(),
            saved: None,
        }
    }

    fn passes(filter: &Option<Expr>, row: &[Val]) -> Result<bool, &'static str> {
        match filter {
            None => Ok(true),
            Some(f) => Ok(eval(f, row)? == V::Bool(true)),
        }
    }

    /// Returns the error a table holding `rows` breaks, if any (`PRIMARY KEY` on id, `UNIQUE` on s).
    fn violation(&self, rows: &[Vec<Val>]) -> Option<&'static str> {
        if !self.features.constraints {
            return None;
        }
        if rows.iter().any(|r| r[ID] == Val::Null) {
            return Some("NullViolation");
        }
        for column in [ID, S] {
            let mut values: Vec<&Val> = rows
                .iter()
                .map(|r| &r[column])
                .filter(|v| **v != Val::Null)
                .collect();
            values.sort();
            if values.windows(2).any(|w| w[0] == w[1]) {
                return Some("UniqueViolation");
            }
        }
        None
    }

    /// Applies the statement and returns what it must return.
    pub fn apply(&mut self, generated: &Generated) -> Outcome {
        match self.try_apply(&generated.stmt) {
            Ok(outcome) => outcome,
            Err(kind) => Outcome::error(kind),
        }
    }

    fn try_apply(&mut self, stmt: &Stmt) -> Result<Outcome, &'static str> {
        match stmt {
            Stmt::CreateTable => Ok(Outcome::Done),
            Stmt::Insert(rows) => {
                let mut after = self.state.rows.clone();
                after.extend(rows.iter().cloned());
                if let Some(kind) = self.violation(&after) {
                    return Err(kind);
                }
                self.state.rows = after;
                Ok(Outcome::Affected(rows.len()))
            }
            Stmt::Select {
                columns,
                filter,
                order,
                limit,
            } => {
                let mut rows = Vec::new();
                for row in &self.state.rows {
                    if Self::passes(filter, row)? {
                        rows.push(row.clone());
                    }
                }
                rows.sort_by(|a, b| {
                    order
                        .iter()
                        .map(|&(c, desc)| {
                            if desc {
                                b[c].cmp(&a[c])
                            } else {
                                a[c].cmp(&b[c])
                            }
                        })
                        .find(|o| o.is_ne())
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                rows.truncate(limit.unwrap_or(usize::MAX));
                let projection: Vec<usize> = columns
                    .clone()
                    .unwrap_or_else(|| (0..COLUMNS.len()).collect());
                Ok(Outcome::Rows {
                    columns: projection
                        .iter()
                        .map(|&c| COLUMNS[c].0.to_owned())
                        .collect(),
                    rows: rows
                        .into_iter()
                        .map(|r| projection.iter().map(|&c| r[c].clone()).collect())
                        .collect(),
                })
            }
            Stmt::Update { sets, filter } => {
                let mut after = self.state.rows.clone();
                let mut count = 0;
                for row in &mut after {
                    if Self::passes(filter, row)? {
                        count += 1;
                        let old = row.clone();
                        for (c, e) in sets {
                            row[*c] = to_val(eval(e, &old)?);
                        }
                    }
                }
                if let Some(kind) = self.violation(&after) {
                    return Err(kind);
                }
                self.state.rows = after;
                Ok(Outcome::Affected(count))
            }
            Stmt::Delete(filter) => {
                let mut kept = Vec::new();
                for row in &self.state.rows {
                    if !Self::passes(filter, row)? {
                        kept.push(row.clone());
                    }
                }
                let count = self.state.rows.len() - kept.len();
                self.state.rows = kept;
                Ok(Outcome::Affected(count))
            }
            Stmt::CreateIndex(name, _) => {
                if self.state.indexes.contains(name) {
                    return Err("IndexExists");
                }
                self.state.indexes.push(name.clone());
                Ok(Outcome::Done)
            }
            Stmt::Begin => {
                if self.saved.is_some() {
                    return Err("NestedTransaction");
                }
                self.saved = Some(self.state.clone());
                Ok(Outcome::Done)
            }
            Stmt::Commit => self
                .saved
                .take()
                .map(|_| Outcome::Done)
                .ok_or("NoTransaction"),
            Stmt::Rollback => {
                self.state = self.saved.take().ok_or("NoTransaction")?;
                Ok(Outcome::Done)
            }
        }
    }
}

/// Runs `count` random statements on the crate under test and on the model, failing at the first
/// statement whose outcome differs. Every statement is logged as a step.
pub fn compare_with_model(rng: &mut Rng, features: Features, count: usize) {
    let mut generator = Generator::new(features, rng.fork());
    let mut model = Model::new(features);
    let mut db = Database::new();
    for i in 0..count {
        let generated = generator.next_statement();
        let got = run(&mut db, &generated.sql);
        let expected = model.apply(&generated);
        if let Some(why) = differs(&got, &expected, generated.ordered) {
            fail(format!(
                "random statement #{i} disagrees with a simple model of the rules (a list of rows scanned in full):\n  {}\n{why}\nexpected:\n{}\ngot:\n{}",
                generated.sql,
                render(&expected),
                render(&got)
            ));
        }
    }
}
