//! An in-memory SQL database: a tokenizer, a recursive-descent parser to a syntax tree, and an executor with indexes and transactions.
//!
//! The dialect is a small, strict subset of SQLite's: two column types (`INTEGER`, `TEXT`), one
//! table per query, three-valued logic, `PRIMARY KEY` / `UNIQUE` / `NOT NULL`, secondary indexes
//! and `BEGIN` / `COMMIT` / `ROLLBACK`. Every statement is atomic: one that fails changes nothing.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

/// A value stored in a table cell or returned by a query.
///
/// Values order as SQLite orders them: `NULL` first, then integers, then text (byte order).
///
/// # Example
///
/// ```
/// use sql_store_solution::Value;
/// assert!(Value::Null < Value::Integer(-5));
/// assert!(Value::Integer(7) < Value::Text("a".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// The absence of a value.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A UTF-8 string.
    Text(String),
}

/// What a successful statement returns.
///
/// # Example
///
/// ```
/// use sql_store_solution::{Database, QueryResult};
/// let mut db = Database::new();
/// assert_eq!(db.execute("CREATE TABLE t (a INTEGER)"), Ok(QueryResult::Done));
/// assert_eq!(db.execute("INSERT INTO t VALUES (1), (2)"), Ok(QueryResult::Affected(2)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryResult {
    /// The rows a `SELECT` produced, under the names its columns were declared with.
    Rows {
        /// One name per result column.
        columns: Vec<String>,
        /// One `Vec` per row, each as long as `columns`.
        rows: Vec<Vec<Value>>,
    },
    /// How many rows an `INSERT`, `UPDATE` or `DELETE` inserted, matched or removed.
    Affected(usize),
    /// A statement that returns nothing succeeded (`CREATE`, `BEGIN`, `COMMIT`, `ROLLBACK`).
    Done,
}

/// Why a statement was rejected; a rejected statement changes nothing.
///
/// # Example
///
/// ```
/// use sql_store_solution::{Database, SqlError};
/// let mut db = Database::new();
/// assert_eq!(db.execute("SELECT * FROM nowhere"), Err(SqlError::UnknownTable("nowhere".into())));
/// assert!(matches!(db.execute("SELEKT 1"), Err(SqlError::Syntax { position: 0, .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlError {
    /// The text is not a statement of the dialect; `position` is the byte offset of the first
    /// token that cannot continue a valid statement (the input's length if it ended too early).
    Syntax {
        /// Byte offset into the statement text.
        position: usize,
        /// What was expected and what was found.
        message: String,
    },
    /// No table has this name.
    UnknownTable(String),
    /// `CREATE TABLE` named a table that already exists.
    TableExists(String),
    /// The table has no column of this name.
    UnknownColumn(String),
    /// A column is named twice in one `CREATE TABLE` or one `INSERT` column list.
    DuplicateColumn(String),
    /// A row of `VALUES` has the wrong number of values.
    Arity {
        /// How many values the target columns need.
        expected: usize,
        /// How many the row has.
        found: usize,
    },
    /// A value or an expression has the wrong type for where it is used.
    TypeMismatch(String),
    /// Integer arithmetic overflowed 64 bits.
    Overflow,
    /// `CREATE INDEX` named an index that already exists.
    IndexExists(String),
    /// The statement would leave two rows with the same value in a `UNIQUE` or `PRIMARY KEY` column.
    UniqueViolation {
        /// The table, as declared.
        table: String,
        /// The column, as declared.
        column: String,
    },
    /// The statement would store `NULL` in a `NOT NULL` or `PRIMARY KEY` column.
    NullViolation {
        /// The table, as declared.
        table: String,
        /// The column, as declared.
        column: String,
    },
    /// `BEGIN` while a transaction is already open.
    NestedTransaction,
    /// `COMMIT` or `ROLLBACK` while no transaction is open.
    NoTransaction,
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlError::Syntax { position, message } => {
                write!(f, "syntax error at position {position}: {message}")
            }
            SqlError::UnknownTable(name) => write!(f, "no such table: {name}"),
            SqlError::TableExists(name) => write!(f, "table {name} already exists"),
            SqlError::UnknownColumn(name) => write!(f, "no such column: {name}"),
            SqlError::DuplicateColumn(name) => write!(f, "column {name} is named twice"),
            SqlError::Arity { expected, found } => {
                write!(f, "expected {expected} values in a row, found {found}")
            }
            SqlError::TypeMismatch(detail) => write!(f, "type mismatch: {detail}"),
            SqlError::Overflow => write!(f, "integer overflow"),
            SqlError::IndexExists(name) => write!(f, "index {name} already exists"),
            SqlError::UniqueViolation { table, column } => {
                write!(f, "UNIQUE constraint failed: {table}.{column}")
            }
            SqlError::NullViolation { table, column } => {
                write!(f, "NOT NULL constraint failed: {table}.{column}")
            }
            SqlError::NestedTransaction => write!(f, "cannot BEGIN: a transaction is already open"),
            SqlError::NoTransaction => write!(f, "no transaction is open"),
        }
    }
}

impl std::error::Error for SqlError {}

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

/// Words that name syntax and so cannot name a table, a column or an index.
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "AND", "ASC", "BEGIN", "BY", "COMMIT", "CREATE", "DELETE", "DESC", "FROM", "INDEX", "INSERT",
    "INTEGER", "INTO", "IS", "KEY", "LIMIT", "NOT", "NULL", "ON", "OR", "ORDER", "PRIMARY",
    "ROLLBACK", "SELECT", "SET", "TABLE", "TEXT", "TRANSACTION", "UNIQUE", "UPDATE", "VALUES",
    "WHERE",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    /// A keyword or a name, as written.
    Word(&'a str),
    /// An unsigned integer literal; the sign is a separate token.
    Int(u64),
    /// A string literal with its quotes removed and `''` undone.
    Str(String),
    /// Punctuation or an operator.
    Sym(&'static str),
    /// Text that starts no token (the tokenizer stops there); says what it is.
    Invalid(String),
}

#[derive(Debug)]
struct Token<'a> {
    tok: Tok<'a>,
    pos: usize,
}

const SYMBOLS: &[&str] = &[
    "<=", ">=", "<>", "!=", "(", ")", ",", ";", "*", "=", "<", ">", "+", "-",
];

fn syntax(position: usize, message: impl Into<String>) -> SqlError {
    SqlError::Syntax {
        position,
        message: message.into(),
    }
}

/// Splits `sql` into tokens. Text that starts no valid token ends the list with a
/// `Tok::Invalid` at its position, so the parser reports it only if the statement is still
/// valid up to there: the first problem in reading order wins.
fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let tok = if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Tok::Word(&sql[start..i])
        } else if c.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            match sql[start..i].parse() {
                Ok(n) => Tok::Int(n),
                Err(_) => Tok::Invalid("an integer literal out of range".to_owned()),
            }
        } else if c == b'\'' {
            match string_literal(&sql[start..]) {
                Some((text, len)) => {
                    i += len;
                    Tok::Str(text)
                }
                None => Tok::Invalid("a string literal without its closing quote".to_owned()),
            }
        } else if let Some(sym) = SYMBOLS.iter().find(|s| sql[start..].starts_with(**s)) {
            i += sym.len();
            Tok::Sym(sym)
        } else {
            let ch = sql[start..].chars().next().unwrap_or('?');
            Tok::Invalid(format!("the unexpected character {ch:?}"))
        };
        let invalid = matches!(tok, Tok::Invalid(_));
        tokens.push(Token { tok, pos: start });
        if invalid {
            break;
        }
    }
    tokens
}

/// Reads the string literal `text` starts with (at its opening quote); returns its value, with
/// `''` read as one quote, and its length in bytes, or `None` if it never closes.
fn string_literal(text: &str) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut rest = &text[1..];
    loop {
        let quote = rest.find('\'')?;
        value.push_str(&rest[..quote]);
        rest = &rest[quote + 1..];
        match rest.strip_prefix('\'') {
            Some(after) => {
                value.push('\'');
                rest = after;
            }
            None => return Some((value, text.len() - rest.len())),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------------------------

/// A column's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Integer,
    Text,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Integer => "INTEGER",
            Type::Text => "TEXT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArithOp {
    Add,
    Sub,
    Mul,
}

/// An expression whose column references are `C`: names after parsing, positions after binding.
#[derive(Debug)]
enum Expr<C> {
    Literal(Value),
    Column(C),
    Neg(Box<Expr<C>>),
    Arith(ArithOp, Box<Expr<C>>, Box<Expr<C>>),
    Compare(CmpOp, Box<Expr<C>>, Box<Expr<C>>),
    IsNull { expr: Box<Expr<C>>, negated: bool },
    Not(Box<Expr<C>>),
    And(Box<Expr<C>>, Box<Expr<C>>),
    Or(Box<Expr<C>>, Box<Expr<C>>),
}

type Parsed = Expr<String>;
type Bound = Expr<usize>;

#[derive(Debug)]
struct ColumnDef {
    name: String,
    ty: Type,
    primary_key: bool,
    unique: bool,
    not_null: bool,
}

#[derive(Debug)]
struct Select {
    /// `None` for `*`.
    columns: Option<Vec<String>>,
    table: String,
    filter: Option<Parsed>,
    /// Column and whether it sorts descending.
    order: Vec<(String, bool)>,
    limit: Option<usize>,
}

#[derive(Debug)]
enum Statement {
    CreateTable {
        name: String,
        columns: Vec<ColumnDef>,
    },
    CreateIndex {
        name: String,
        table: String,
        column: String,
    },
    Insert {
        table: String,
        columns: Option<Vec<String>>,
        rows: Vec<Vec<Parsed>>,
    },
    Select(Select),
    Update {
        table: String,
        sets: Vec<(String, Parsed)>,
        filter: Option<Parsed>,
    },
    Delete {
        table: String,
        filter: Option<Parsed>,
    },
    Begin,
    Commit,
    Rollback,
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// How deeply parentheses, `NOT` and unary minus may nest before the parser gives up.
const MAX_NESTING: usize = 100;
/// How many operators and operands one expression may have (bounds the tree's height).
const MAX_TERMS: usize = 500;

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
    /// Byte length of the input: the position reported when it ends too early.
    end: usize,
    nesting: usize,
    terms: usize,
}

fn describe(tok: Option<&Tok>) -> String {
    match tok {
        None => "the end of the statement".to_owned(),
        Some(Tok::Word(w)) => format!("'{w}'"),
        Some(Tok::Int(n)) => format!("the number {n}"),
        Some(Tok::Str(s)) => format!("the string '{}'", s.replace('\'', "''")),
        Some(Tok::Sym(s)) => format!("'{s}'"),
        Some(Tok::Invalid(what)) => what.clone(),
    }
}

impl<'a> Parser<'a> {
    fn new(sql: &'a str) -> Self {
        Parser {
            tokens: tokenize(sql),
            pos: 0,
            end: sql.len(),
            nesting: 0,
            terms: 0,
        }
    }

    /// Returns the next token, or `None` at the end of the input.
    fn peek(&self) -> Option<&Tok<'a>> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    /// Returns the token after the next one, or `None` past the end of the input.
    fn peek_second(&self) -> Option<&Tok<'a>> {
        self.tokens.get(self.pos + 1).map(|t| &t.tok)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.pos)
    }

    fn error(&self, expected: &str) -> SqlError {
        syntax(
            self.position(),
            format!("expected {expected}, found {}", describe(self.peek())),
        )
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.at_keyword(keyword);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_keyword(&mut self, keyword: &str) -> Result<(), SqlError> {
        if self.eat_keyword(keyword) {
            Ok(())
        } else {
            Err(self.error(keyword))
        }
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = matches!(self.peek(), Some(Tok::Sym(s)) if *s == symbol);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), SqlError> {
        if self.eat_symbol(symbol) {
            Ok(())
        } else {
            Err(self.error(&format!("'{symbol}'")))
        }
    }

    /// Reads a table, column or index name; reserved words are not names.
    fn name(&mut self, what: &str) -> Result<String, SqlError> {
        match self.peek() {
            Some(Tok::Word(w)) if !RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r)) => {
                let name = (*w).to_owned();
                self.pos += 1;
                Ok(name)
            }
            _ => Err(self.error(what)),
        }
    }

    /// Reads `item (, item)*`.
    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, SqlError>,
    ) -> Result<Vec<T>, SqlError> {
        let mut items = vec![item(self)?];
        while self.eat_symbol(",") {
            items.push(item(self)?);
        }
        Ok(items)
    }

    fn statement(&mut self) -> Result<Statement, SqlError> {
        let statement = if self.eat_keyword("SELECT") {
            self.select()?
        } else if self.eat_keyword("INSERT") {
            self.insert()?
        } else if self.eat_keyword("UPDATE") {
            self.update()?
        } else if self.eat_keyword("DELETE") {
            self.delete()?
        } else if self.eat_keyword("CREATE") {
            self.create()?
        } else if self.eat_keyword("BEGIN") {
            self.eat_keyword("TRANSACTION");
            Statement::Begin
        } else if self.eat_keyword("COMMIT") {
            self.eat_keyword("TRANSACTION");
            Statement::Commit
        } else if self.eat_keyword("ROLLBACK") {
            self.eat_keyword("TRANSACTION");
            Statement::Rollback
        } else {
            return Err(self.error(
                "a statement (SELECT, INSERT, UPDATE, DELETE, CREATE, BEGIN, COMMIT or ROLLBACK)",
            ));
        };
        self.eat_symbol(";");
        if self.peek().is_some() {
            return Err(self.error("the end of the statement"));
        }
        Ok(statement)
    }

    fn create(&mut self) -> Result<Statement, SqlError> {
        if self.eat_keyword("INDEX") {
            let name = self.name("an index name")?;
            self.expect_keyword("ON")?;
            let table = self.name("a table name")?;
            self.expect_symbol("(")?;
            let column = self.name("a column name")?;
            self.expect_symbol(")")?;
            return Ok(Statement::CreateIndex {
                name,
                table,
                column,
            });
        }
        if !self.eat_keyword("TABLE") {
            return Err(self.error("TABLE or INDEX"));
        }
        let name = self.name("a table name")?;
        self.expect_symbol("(")?;
        let mut has_primary_key = false;
        let columns = self.list(|p| {
            let def = p.column_def(has_primary_key)?;
            has_primary_key |= def.primary_key;
            Ok(def)
        })?;
        self.expect_symbol(")")?;
        Ok(Statement::CreateTable { name, columns })
    }

    fn column_def(&mut self, has_primary_key: bool) -> Result<ColumnDef, SqlError> {
        let name = self.name("a column name")?;
        let ty = if self.eat_keyword("INTEGER") {
            Type::Integer
        } else if self.eat_keyword("TEXT") {
            Type::Text
        } else {
            return Err(self.error("a column type (INTEGER or TEXT)"));
        };
        let mut def = ColumnDef {
            name,
            ty,
            primary_key: false,
            unique: false,
            not_null: false,
        };
        loop {
            if self.at_keyword("PRIMARY") {
                if has_primary_key || def.primary_key {
                    return Err(syntax(
                        self.position(),
                        "a table has at most one PRIMARY KEY",
                    ));
                }
                self.pos += 1;
                self.expect_keyword("KEY")?;
                def.primary_key = true;
            } else if self.eat_keyword("UNIQUE") {
                def.unique = true;
            } else if self.eat_keyword("NOT") {
                self.expect_keyword("NULL")?;
                def.not_null = true;
            } else {
                return Ok(def);
            }
        }
    }

    fn insert(&mut self) -> Result<Statement, SqlError> {
        self.expect_keyword("INTO")?;
        let table = self.name("a table name")?;
        let columns = if self.eat_symbol("(") {
            let names = self.list(|p| p.name("a column name"))?;
            self.expect_symbol(")")?;
            Some(names)
        } else {
            None
        };
        self.expect_keyword("VALUES")?;
        let rows = self.list(|p| {
            p.expect_symbol("(")?;
            let values = p.list(Parser::value)?;
            p.expect_symbol(")")?;
            Ok(values)
        })?;
        Ok(Statement::Insert {
            table,
            columns,
            rows,
        })
    }

    fn select(&mut self) -> Result<Statement, SqlError> {
        let columns = if self.eat_symbol("*") {
            None
        } else {
            Some(self.list(|p| p.name("a column name or *"))?)
        };
        self.expect_keyword("FROM")?;
        let table = self.name("a table name")?;
        let filter = self.filter()?;
        let mut order = Vec::new();
        if self.eat_keyword("ORDER") {
            self.expect_keyword("BY")?;
            order = self.list(|p| {
                let column = p.name("a column name")?;
                let descending = if p.eat_keyword("DESC") {
                    true
                } else {
                    p.eat_keyword("ASC");
                    false
                };
                Ok((column, descending))
            })?;
        }
        let mut limit = None;
        if self.eat_keyword("LIMIT") {
            match self.peek() {
                Some(&Tok::Int(n)) => {
                    self.pos += 1;
                    limit = Some(usize::try_from(n).unwrap_or(usize::MAX));
                }
                _ => return Err(self.error("a row count")),
            }
        }
        Ok(Statement::Select(Select {
            columns,
            table,
            filter,
            order,
            limit,
        }))
    }

    fn update(&mut self) -> Result<Statement, SqlError> {
        let table = self.name("a table name")?;
        self.expect_keyword("SET")?;
        let sets = self.list(|p| {
            let column = p.name("a column name")?;
            p.expect_symbol("=")?;
            Ok((column, p.expression()?))
        })?;
        let filter = self.filter()?;
        Ok(Statement::Update {
            table,
            sets,
            filter,
        })
    }

    fn delete(&mut self) -> Result<Statement, SqlError> {
        self.expect_keyword("FROM")?;
        let table = self.name("a table name")?;
        let filter = self.filter()?;
        Ok(Statement::Delete { table, filter })
    }

    /// Parses one `VALUES` item: an integer (optionally negative), a quoted text or `NULL` —
    /// never an expression.
    fn value(&mut self) -> Result<Parsed, SqlError> {
        let negative = self.eat_symbol("-");
        let literal = match self.peek() {
            Some(&Tok::Int(n)) => {
                let value = if negative {
                    0i64.checked_sub_unsigned(n)
                } else {
                    i64::try_from(n).ok()
                };
                match value {
                    Some(value) => Value::Integer(value),
                    None => return Err(syntax(self.position(), "integer literal out of range")),
                }
            }
            Some(Tok::Str(s)) if !negative => Value::Text(s.clone()),
            Some(Tok::Word(w)) if !negative && w.eq_ignore_ascii_case("NULL") => Value::Null,
            _ if negative => return Err(self.error("an integer")),
            _ => return Err(self.error("a value (an integer, a quoted text or NULL)")),
        };
        self.pos += 1;
        Ok(Expr::Literal(literal))
    }

    fn filter(&mut self) -> Result<Option<Parsed>, SqlError> {
        if self.eat_keyword("WHERE") {
            Ok(Some(self.expression()?))
        } else {
            Ok(None)
        }
    }

    /// Parses one whole expression, with fresh limits on its size and nesting.
    fn expression(&mut self) -> Result<Parsed, SqlError> {
        self.terms = 0;
        self.nesting = 0;
        self.or()
    }

    /// Counts one more operator or operand; refuses trees too large to walk safely.
    fn term(&mut self) -> Result<(), SqlError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(syntax(
                self.position(),
                format!("expression too large (at most {MAX_TERMS} terms)"),
            ));
        }
        Ok(())
    }

    /// Runs `inner` one nesting level deeper; refuses to recurse without bound.
    fn nested<T>(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        if self.nesting >= MAX_NESTING {
            return Err(syntax(
                self.position(),
                format!("expression nested too deeply (at most {MAX_NESTING} levels)"),
            ));
        }
        self.nesting += 1;
        let result = inner(self);
        self.nesting -= 1;
        result
    }

    // Precedence, loosest first: OR, AND, NOT, comparison / IS, + -, *, unary minus.

    fn or(&mut self) -> Result<Parsed, SqlError> {
        let mut left = self.and()?;
        while self.eat_keyword("OR") {
            self.term()?;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Parsed, SqlError> {
        let mut left = self.not()?;
        while self.eat_keyword("AND") {
            self.term()?;
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Parsed, SqlError> {
        if self.eat_keyword("NOT") {
            self.term()?;
            let inner = self.nested(Parser::not)?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Parsed, SqlError> {
        let left = self.additive()?;
        if self.eat_keyword("IS") {
            self.term()?;
            let negated = self.eat_keyword("NOT");
            self.expect_keyword("NULL")?;
            return Ok(Expr::IsNull {
                expr: Box::new(left),
                negated,
            });
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) => CmpOp::Eq,
            Some(Tok::Sym("!=" | "<>")) => CmpOp::Ne,
            Some(Tok::Sym("<")) => CmpOp::Lt,
            Some(Tok::Sym("<=")) => CmpOp::Le,
            Some(Tok::Sym(">")) => CmpOp::Gt,
            Some(Tok::Sym(">=")) => CmpOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        self.term()?;
        let right = self.additive()?;
        Ok(Expr::Compare(op, Box::new(left), Box::new(right)))
    }

    fn additive(&mut self) -> Result<Parsed, SqlError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = if self.eat_symbol("+") {
                ArithOp::Add
            } else if self.eat_symbol("-") {
                ArithOp::Sub
            } else {
                return Ok(left);
            };
            self.term()?;
            let right = self.multiplicative()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> Result<Parsed, SqlError> {
        let mut left = self.unary()?;
        while self.eat_symbol("*") {
            self.term()?;
            let right = self.unary()?;
            left = Expr::Arith(ArithOp::Mul, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Parsed, SqlError> {
        if !matches!(self.peek(), Some(Tok::Sym("-"))) {
            return self.primary();
        }
        self.term()?;
        // A minus right before a number belongs to the literal, so that i64::MIN can be written.
        if let Some(&Tok::Int(n)) = self.peek_second() {
            self.pos += 1;
            let position = self.position();
            self.pos += 1;
            return match 0i64.checked_sub_unsigned(n) {
                Some(value) => Ok(Expr::Literal(Value::Integer(value))),
                None => Err(syntax(position, "integer literal out of range")),
            };
        }
        self.pos += 1;
        let inner = self.nested(Parser::unary)?;
        Ok(Expr::Neg(Box::new(inner)))
    }

    fn primary(&mut self) -> Result<Parsed, SqlError> {
        self.term()?;
        let literal = match self.peek() {
            Some(&Tok::Int(n)) => match i64::try_from(n) {
                Ok(n) => Value::Integer(n),
                Err(_) => return Err(syntax(self.position(), "integer literal out of range")),
            },
            Some(Tok::Str(s)) => Value::Text(s.clone()),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("NULL") => Value::Null,
            Some(Tok::Word(_)) => return Ok(Expr::Column(self.name("a value or a column name")?)),
            Some(Tok::Sym("(")) => {
                self.pos += 1;
                let inner = self.nested(Parser::or)?;
                self.expect_symbol(")")?;
                return Ok(inner);
            }
            _ => return Err(self.error("a value or a column name")),
        };
        self.pos += 1;
        Ok(Expr::Literal(literal))
    }
}

// ---------------------------------------------------------------------------------------------
// Binding: names to column positions, and static types
// ---------------------------------------------------------------------------------------------

/// The static type of an expression; `Null` is the type of the `NULL` literal, which fits anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Integer,
    Text,
    Bool,
    Null,
}

impl Ty {
    fn of(ty: Type) -> Ty {
        match ty {
            Type::Integer => Ty::Integer,
            Type::Text => Ty::Text,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ty::Integer => "INTEGER",
            Ty::Text => "TEXT",
            Ty::Bool => "a condition",
            Ty::Null => "NULL",
        }
    }
}

fn mismatch(detail: String) -> SqlError {
    SqlError::TypeMismatch(detail)
}

/// Resolves column names against `table` (none in scope when it is `None`) and checks types
/// before any row is touched, so a type error is reported even on an empty table.
fn bind(expr: Parsed, table: Option<&Table>) -> Result<(Bound, Ty), SqlError> {
    let expect = |ty: Ty, wanted: Ty, context: &str| -> Result<(), SqlError> {
        if ty == wanted || ty == Ty::Null {
            Ok(())
        } else {
            Err(mismatch(format!(
                "{context} needs {}, got {}",
                wanted.name(),
                ty.name()
            )))
        }
    };
    Ok(match expr {
        Expr::Literal(value) => {
            let ty = match value {
                Value::Null => Ty::Null,
                Value::Integer(_) => Ty::Integer,
                Value::Text(_) => Ty::Text,
            };
            (Expr::Literal(value), ty)
        }
        Expr::Column(name) => {
            let found = table.and_then(|t| t.column_index(&name).map(|i| (t, i)));
            let Some((table, index)) = found else {
                return Err(SqlError::UnknownColumn(name));
            };
            (Expr::Column(index), Ty::of(table.columns[index].ty))
        }
        Expr::Neg(inner) => {
            let (inner, ty) = bind(*inner, table)?;
            expect(ty, Ty::Integer, "unary minus")?;
            (Expr::Neg(Box::new(inner)), Ty::Integer)
        }
        Expr::Arith(op, left, right) => {
            let (left, lt) = bind(*left, table)?;
            let (right, rt) = bind(*right, table)?;
            expect(lt, Ty::Integer, "arithmetic")?;
            expect(rt, Ty::Integer, "arithmetic")?;
            (
                Expr::Arith(op, Box::new(left), Box::new(right)),
                Ty::Integer,
            )
        }
        Expr::Compare(op, left, right) => {
            let (left, lt) = bind(*left, table)?;
            let (right, rt) = bind(*right, table)?;
            let comparable = |t: Ty| t != Ty::Bool;
            if !comparable(lt) || !comparable(rt) || (lt != rt && lt != Ty::Null && rt != Ty::Null)
            {
                return Err(mismatch(format!(
                    "cannot compare {} with {}",
                    lt.name(),
                    rt.name()
                )));
            }
            (Expr::Compare(op, Box::new(left), Box::new(right)), Ty::Bool)
        }
        Expr::IsNull { expr, negated } => {
            let (expr, ty) = bind(*expr, table)?;
            if ty == Ty::Bool {
                return Err(mismatch(
                    "IS NULL needs a value, got a condition".to_owned(),
                ));
            }
            let expr = Box::new(expr);
            (Expr::IsNull { expr, negated }, Ty::Bool)
        }
        Expr::Not(inner) => {
            let (inner, ty) = bind(*inner, table)?;
            if ty != Ty::Bool {
                return Err(mismatch(format!(
                    "NOT needs a condition, got {}",
                    ty.name()
                )));
            }
            (Expr::Not(Box::new(inner)), Ty::Bool)
        }
        Expr::And(left, right) => {
            let (left, right) = bind_conditions(*left, *right, table, "AND")?;
            (Expr::And(left, right), Ty::Bool)
        }
        Expr::Or(left, right) => {
            let (left, right) = bind_conditions(*left, *right, table, "OR")?;
            (Expr::Or(left, right), Ty::Bool)
        }
    })
}

type BoundPair = (Box<Bound>, Box<Bound>);

fn bind_conditions(
    left: Parsed,
    right: Parsed,
    table: Option<&Table>,
    op: &str,
) -> Result<BoundPair, SqlError> {
    let (left, lt) = bind(left, table)?;
    let (right, rt) = bind(right, table)?;
    for ty in [lt, rt] {
        if ty != Ty::Bool {
            return Err(mismatch(format!(
                "{op} needs conditions, got {}",
                ty.name()
            )));
        }
    }
    Ok((Box::new(left), Box::new(right)))
}

/// Finds the first column `expr` names (in the order written) that `table` lacks, so that every
/// `UnknownColumn` of a statement is reported before any `TypeMismatch`.
fn check_names(expr: &Parsed, table: &Table) -> Result<(), SqlError> {
    match expr {
        Expr::Literal(_) => Ok(()),
        Expr::Column(name) => table.resolve(name).map(|_| ()),
        Expr::Neg(inner) | Expr::Not(inner) | Expr::IsNull { expr: inner, .. } => {
            check_names(inner, table)
        }
        Expr::Arith(_, left, right)
        | Expr::Compare(_, left, right)
        | Expr::And(left, right)
        | Expr::Or(left, right) => {
            check_names(left, table)?;
            check_names(right, table)
        }
    }
}

fn bind_filter(filter: Option<Parsed>, table: &Table) -> Result<Option<Bound>, SqlError> {
    let Some(filter) = filter else {
        return Ok(None);
    };
    let (bound, ty) = bind(filter, Some(table))?;
    if ty != Ty::Bool {
        return Err(mismatch(format!(
            "WHERE needs a condition, got {}",
            ty.name()
        )));
    }
    Ok(Some(bound))
}

/// Checks that an expression of type `ty` may be stored in `column`.
fn check_assignable(column: &Column, ty: Ty) -> Result<(), SqlError> {
    if ty == Ty::Null || ty == Ty::of(column.ty) {
        return Ok(());
    }
    Err(mismatch(format!(
        "column {} is {}, the value is {}",
        column.name,
        column.ty.name(),
        ty.name()
    )))
}

// ---------------------------------------------------------------------------------------------
// Evaluation (three-valued logic: a comparison with NULL is unknown, and WHERE keeps only true)
// ---------------------------------------------------------------------------------------------

/// An evaluated expression, borrowing text from the row or the syntax tree.
#[derive(Debug, Clone, Copy)]
enum Datum<'a> {
    Null,
    Integer(i64),
    Text(&'a str),
    Bool(bool),
}

impl Datum<'_> {
    fn of(value: &Value) -> Datum<'_> {
        match value {
            Value::Null => Datum::Null,
            Value::Integer(n) => Datum::Integer(*n),
            Value::Text(s) => Datum::Text(s),
        }
    }

    fn to_value(self) -> Result<Value, SqlError> {
        match self {
            Datum::Null => Ok(Value::Null),
            Datum::Integer(n) => Ok(Value::Integer(n)),
            Datum::Text(s) => Ok(Value::Text(s.to_owned())),
            Datum::Bool(_) => Err(mismatch("a condition cannot be stored".to_owned())),
        }
    }
}

fn eval<'a>(expr: &'a Bound, row: &'a [Value]) -> Result<Datum<'a>, SqlError> {
    Ok(match expr {
        Expr::Literal(value) => Datum::of(value),
        Expr::Column(index) => row.get(*index).map_or(Datum::Null, Datum::of),
        Expr::Neg(inner) => match eval(inner, row)? {
            Datum::Integer(n) => Datum::Integer(n.checked_neg().ok_or(SqlError::Overflow)?),
            _ => Datum::Null,
        },
        Expr::Arith(op, left, right) => match (eval(left, row)?, eval(right, row)?) {
            (Datum::Integer(a), Datum::Integer(b)) => {
                let result = match op {
                    ArithOp::Add => a.checked_add(b),
                    ArithOp::Sub => a.checked_sub(b),
                    ArithOp::Mul => a.checked_mul(b),
                };
                Datum::Integer(result.ok_or(SqlError::Overflow)?)
            }
            _ => Datum::Null,
        },
        Expr::Compare(op, left, right) => {
            let ordering = match (eval(left, row)?, eval(right, row)?) {
                (Datum::Integer(a), Datum::Integer(b)) => a.cmp(&b),
                (Datum::Text(a), Datum::Text(b)) => a.cmp(b),
                // Anything compared with NULL is unknown.
                _ => return Ok(Datum::Null),
            };
            Datum::Bool(op.holds(ordering))
        }
        Expr::IsNull { expr, negated } => {
            Datum::Bool(matches!(eval(expr, row)?, Datum::Null) != *negated)
        }
        Expr::Not(inner) => match eval(inner, row)? {
            Datum::Bool(b) => Datum::Bool(!b),
            _ => Datum::Null,
        },
        // A side that decides the row (false or unknown in AND, true in OR) makes an error in the
        // other side irrelevant, so an index that skips such rows never changes an answer.
        Expr::And(left, right) => match (eval(left, row), eval(right, row)) {
            (Ok(Datum::Bool(false)), _) | (_, Ok(Datum::Bool(false))) => Datum::Bool(false),
            (Ok(Datum::Bool(true)), Ok(Datum::Bool(true))) => Datum::Bool(true),
            (Ok(Datum::Null), _) | (_, Ok(Datum::Null)) => Datum::Null,
            (Err(e), _) | (_, Err(e)) => return Err(e),
            _ => Datum::Null,
        },
        Expr::Or(left, right) => match (eval(left, row), eval(right, row)) {
            (Ok(Datum::Bool(true)), _) | (_, Ok(Datum::Bool(true))) => Datum::Bool(true),
            (Err(e), _) | (_, Err(e)) => return Err(e),
            (Ok(Datum::Bool(false)), Ok(Datum::Bool(false))) => Datum::Bool(false),
            _ => Datum::Null,
        },
    })
}

/// Returns whether `row` passes `filter` (no filter passes everything; unknown does not pass).
fn passes(filter: Option<&Bound>, row: &[Value]) -> Result<bool, SqlError> {
    match filter {
        None => Ok(true),
        Some(filter) => Ok(matches!(eval(filter, row)?, Datum::Bool(true))),
    }
}

/// Evaluates an expression that may not refer to columns (a `VALUES` item).
fn constant(expr: Bound) -> Result<Value, SqlError> {
    match expr {
        Expr::Literal(value) => Ok(value),
        other => eval(&other, &[])?.to_value(),
    }
}

// ---------------------------------------------------------------------------------------------
// Storage: rows by id, and indexes from value to row ids
// ---------------------------------------------------------------------------------------------

type RowId = u64;

#[derive(Debug, Clone)]
struct Column {
    name: String,
    ty: Type,
    unique: bool,
    not_null: bool,
}

/// An index over one column: every non-NULL value maps to the rows holding it.
#[derive(Debug)]
struct Index {
    /// The lower-cased name, or `None` for the index a `UNIQUE` / `PRIMARY KEY` column gets.
    name: Option<String>,
    column: usize,
    entries: BTreeMap<Value, BTreeSet<RowId>>,
}

impl Index {
    fn add(&mut self, id: RowId, row: &[Value]) {
        match &row[self.column] {
            Value::Null => {}
            value => {
                self.entries.entry(value.clone()).or_default().insert(id);
            }
        }
    }

    fn remove(&mut self, id: RowId, row: &[Value]) {
        if let Some(ids) = self.entries.get_mut(&row[self.column]) {
            ids.remove(&id);
            if ids.is_empty() {
                self.entries.remove(&row[self.column]);
            }
        }
    }
}

#[derive(Debug)]
struct Table {
    /// The name as declared.
    name: String,
    columns: Vec<Column>,
    rows: BTreeMap<RowId, Vec<Value>>,
    next_id: RowId,
    indexes: Vec<Index>,
}

impl Table {
    fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    fn resolve(&self, name: &str) -> Result<usize, SqlError> {
        self.column_index(name)
            .ok_or_else(|| SqlError::UnknownColumn(name.to_owned()))
    }

    /// Stores `row` under `id` and adds it to every index.
    fn insert_row(&mut self, id: RowId, row: Vec<Value>) {
        for index in &mut self.indexes {
            index.add(id, &row);
        }
        self.rows.insert(id, row);
    }

    /// Removes row `id` from the table and from every index.
    fn remove_row(&mut self, id: RowId) -> Option<Vec<Value>> {
        let row = self.rows.remove(&id)?;
        for index in &mut self.indexes {
            index.remove(id, &row);
        }
        Some(row)
    }

    /// Replaces row `id`, moving its index entries where a value changed; returns the old row.
    fn replace_row(&mut self, id: RowId, new: Vec<Value>) -> Option<Vec<Value>> {
        let old = self.rows.insert(id, new)?;
        let new = &self.rows[&id];
        for index in &mut self.indexes {
            if old[index.column] != new[index.column] {
                index.remove(id, &old);
                index.add(id, new);
            }
        }
        Some(old)
    }

    /// Returns the rows an indexed `column = constant` conjunct of `filter` allows, or `None`
    /// when no conjunct can use an index (and the whole table must be scanned).
    fn index_candidates(&self, filter: &Bound) -> Option<Vec<RowId>> {
        match filter {
            Expr::And(left, right) => self
                .index_candidates(left)
                .or_else(|| self.index_candidates(right)),
            Expr::Compare(CmpOp::Eq, left, right) => {
                let (column, value) = match (&**left, &**right) {
                    (Expr::Column(c), Expr::Literal(v)) | (Expr::Literal(v), Expr::Column(c)) => {
                        (*c, v)
                    }
                    _ => return None,
                };
                let index = self.indexes.iter().find(|i| i.column == column)?;
                Some(
                    index
                        .entries
                        .get(value)
                        .map(|ids| ids.iter().copied().collect())
                        .unwrap_or_default(),
                )
            }
            _ => None,
        }
    }

    /// Returns the ids of the rows passing `filter`, in id order, stopping after `limit`.
    fn matching(&self, filter: Option<&Bound>, limit: usize) -> Result<Vec<RowId>, SqlError> {
        let mut ids = Vec::new();
        if limit == 0 {
            return Ok(ids);
        }
        let mut consider = |id: RowId, row: &[Value]| -> Result<bool, SqlError> {
            if passes(filter, row)? {
                ids.push(id);
            }
            Ok(ids.len() < limit)
        };
        match filter.and_then(|f| self.index_candidates(f)) {
            Some(candidates) => {
                for id in candidates {
                    if let Some(row) = self.rows.get(&id) {
                        if !consider(id, row)? {
                            break;
                        }
                    }
                }
            }
            None => {
                for (&id, row) in &self.rows {
                    if !consider(id, row)? {
                        break;
                    }
                }
            }
        }
        Ok(ids)
    }

    fn check_not_null(&self, row: &[Value]) -> Result<(), SqlError> {
        for (column, value) in self.columns.iter().zip(row) {
            if column.not_null && *value == Value::Null {
                return Err(SqlError::NullViolation {
                    table: self.name.clone(),
                    column: column.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// Checks that the table, once `rows` are written and the rows in `replaced` are gone, holds
    /// no value twice in a unique column. The whole statement is judged, not row by row, so the
    /// outcome does not depend on the order in which rows are visited.
    fn check_unique(&self, rows: &[Vec<Value>], replaced: &HashSet<RowId>) -> Result<(), SqlError> {
        for (c, column) in self.columns.iter().enumerate().filter(|(_, c)| c.unique) {
            let Some(index) = self.indexes.iter().find(|i| i.column == c) else {
                continue;
            };
            let mut seen = HashSet::new();
            for value in rows.iter().map(|row| &row[c]) {
                if *value == Value::Null {
                    continue;
                }
                let taken = index
                    .entries
                    .get(value)
                    .is_some_and(|ids| ids.iter().any(|id| !replaced.contains(id)));
                if taken || !seen.insert(value) {
                    return Err(SqlError::UniqueViolation {
                        table: self.name.clone(),
                        column: column.name.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Returns the table's key and the table, for writing.
fn table_mut<'a>(
    tables: &'a mut HashMap<String, Table>,
    name: &str,
) -> Result<(String, &'a mut Table), SqlError> {
    let key = name.to_ascii_lowercase();
    match tables.get_mut(&key) {
        Some(table) => Ok((key, table)),
        None => Err(SqlError::UnknownTable(name.to_owned())),
    }
}

// ---------------------------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------------------------

/// How to undo one statement of the open transaction.
#[derive(Debug)]
enum Undo {
    CreateTable(String),
    CreateIndex {
        table: String,
        name: String,
    },
    Insert {
        table: String,
        ids: Vec<RowId>,
    },
    Delete {
        table: String,
        rows: Vec<(RowId, Vec<Value>)>,
    },
    Update {
        table: String,
        rows: Vec<(RowId, Vec<Value>)>,
    },
}

/// An in-memory database that runs one SQL statement at a time.
///
/// # Example
///
/// ```
/// use sql_store_solution::{Database, QueryResult, Value};
/// let mut db = Database::new();
/// db.execute("CREATE TABLE pets (name TEXT, legs INTEGER)").unwrap();
/// db.execute("INSERT INTO pets VALUES ('cat', 4), ('bird', 2)").unwrap();
/// let got = db.execute("SELECT name FROM pets WHERE legs > 2").unwrap();
/// assert_eq!(got, QueryResult::Rows {
///     columns: vec!["name".into()],
///     rows: vec![vec![Value::Text("cat".into())]],
/// });
/// ```
#[derive(Debug, Default)]
pub struct Database {
    /// Tables by lower-cased name.
    tables: HashMap<String, Table>,
    /// Named indexes: lower-cased index name to lower-cased table name.
    index_names: HashMap<String, String>,
    /// The undo log of the open transaction; `None` in autocommit mode.
    undo: Option<Vec<Undo>>,
}

impl Database {
    /// Returns an empty database in autocommit mode.
    ///
    /// # Example
    ///
    /// ```
    /// use sql_store_solution::{Database, SqlError};
    /// let mut db = Database::new();
    /// assert_eq!(db.execute("SELECT * FROM t"), Err(SqlError::UnknownTable("t".into())));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs one statement (an optional trailing `;` is allowed) and returns its result.
    ///
    /// A statement that fails changes nothing; inside a transaction, the transaction stays open.
    ///
    /// # Example
    ///
    /// ```
    /// use sql_store_solution::{Database, QueryResult, Value};
    /// let mut db = Database::new();
    /// db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)").unwrap();
    /// db.execute("BEGIN").unwrap();
    /// db.execute("INSERT INTO t VALUES (1);").unwrap();
    /// db.execute("ROLLBACK").unwrap();
    /// let got = db.execute("SELECT * FROM t").unwrap();
    /// assert_eq!(got, QueryResult::Rows { columns: vec!["n".into()], rows: vec![] });
    /// ```
    pub fn execute(&mut self, sql: &str) -> Result<QueryResult, SqlError> {
        let statement = Parser::new(sql).statement()?;
        match statement {
            Statement::CreateTable { name, columns } => self.create_table(name, columns),
            Statement::CreateIndex {
                name,
                table,
                column,
            } => self.create_index(name, &table, &column),
            Statement::Insert {
                table,
                columns,
                rows,
            } => self.insert(&table, columns, rows),
            Statement::Select(select) => self.select(select),
            Statement::Update {
                table,
                sets,
                filter,
            } => self.update(&table, sets, filter),
            Statement::Delete { table, filter } => self.delete(&table, filter),
            Statement::Begin => match self.undo {
                Some(_) => Err(SqlError::NestedTransaction),
                None => {
                    self.undo = Some(Vec::new());
                    Ok(QueryResult::Done)
                }
            },
            Statement::Commit => match self.undo.take() {
                Some(_) => Ok(QueryResult::Done),
                None => Err(SqlError::NoTransaction),
            },
            Statement::Rollback => {
                let log = self.undo.take().ok_or(SqlError::NoTransaction)?;
                self.rollback(log);
                Ok(QueryResult::Done)
            }
        }
    }

    fn table(&self, name: &str) -> Result<&Table, SqlError> {
        self.tables
            .get(&name.to_ascii_lowercase())
            .ok_or_else(|| SqlError::UnknownTable(name.to_owned()))
    }

    /// Records how to undo a statement, if a transaction is open.
    fn log(undo: &mut Option<Vec<Undo>>, entry: impl FnOnce() -> Undo) {
        if let Some(log) = undo {
            log.push(entry());
        }
    }

    fn create_table(
        &mut self,
        name: String,
        defs: Vec<ColumnDef>,
    ) -> Result<QueryResult, SqlError> {
        let key = name.to_ascii_lowercase();
        if self.tables.contains_key(&key) {
            return Err(SqlError::TableExists(name));
        }
        let mut columns: Vec<Column> = Vec::with_capacity(defs.len());
        for def in defs {
            if columns
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&def.name))
            {
                return Err(SqlError::DuplicateColumn(def.name));
            }
            columns.push(Column {
                name: def.name,
                ty: def.ty,
                unique: def.unique || def.primary_key,
                not_null: def.not_null || def.primary_key,
            });
        }
        let indexes = (0..columns.len())
            .filter(|&c| columns[c].unique)
            .map(|column| Index {
                name: None,
                column,
                entries: BTreeMap::new(),
            })
            .collect();
        let table = Table {
            name,
            columns,
            rows: BTreeMap::new(),
            next_id: 0,
            indexes,
        };
        self.tables.insert(key.clone(), table);
        Self::log(&mut self.undo, || Undo::CreateTable(key));
        Ok(QueryResult::Done)
    }

    fn create_index(
        &mut self,
        name: String,
        table: &str,
        column: &str,
    ) -> Result<QueryResult, SqlError> {
        let (table_key, target) = table_mut(&mut self.tables, table)?;
        let name_key = name.to_ascii_lowercase();
        if self.index_names.contains_key(&name_key) {
            return Err(SqlError::IndexExists(name));
        }
        let column = target.resolve(column)?;
        let mut index = Index {
            name: Some(name_key.clone()),
            column,
            entries: BTreeMap::new(),
        };
        for (&id, row) in &target.rows {
            index.add(id, row);
        }
        target.indexes.push(index);
        self.index_names.insert(name_key.clone(), table_key.clone());
        Self::log(&mut self.undo, || Undo::CreateIndex {
            table: table_key,
            name: name_key,
        });
        Ok(QueryResult::Done)
    }

    fn insert(
        &mut self,
        table: &str,
        columns: Option<Vec<String>>,
        tuples: Vec<Vec<Parsed>>,
    ) -> Result<QueryResult, SqlError> {
        let (key, table) = table_mut(&mut self.tables, table)?;
        let targets: Vec<usize> = match columns {
            None => (0..table.columns.len()).collect(),
            Some(names) => {
                let mut targets = Vec::with_capacity(names.len());
                for name in names {
                    let index = table.resolve(&name)?;
                    if targets.contains(&index) {
                        return Err(SqlError::DuplicateColumn(name));
                    }
                    targets.push(index);
                }
                targets
            }
        };
        // Build and check every row before writing any, so a failing statement changes nothing.
        let mut rows = Vec::with_capacity(tuples.len());
        for tuple in tuples {
            if tuple.len() != targets.len() {
                return Err(SqlError::Arity {
                    expected: targets.len(),
                    found: tuple.len(),
                });
            }
            let mut row = vec![Value::Null; table.columns.len()];
            for (&column, expr) in targets.iter().zip(tuple) {
                let (bound, ty) = bind(expr, None)?;
                check_assignable(&table.columns[column], ty)?;
                row[column] = constant(bound)?;
            }
            table.check_not_null(&row)?;
            rows.push(row);
        }
        table.check_unique(&rows, &HashSet::new())?;
        let count = rows.len();
        let mut ids = Vec::with_capacity(count);
        for row in rows {
            let id = table.next_id;
            table.next_id += 1;
            table.insert_row(id, row);
            ids.push(id);
        }
        Self::log(&mut self.undo, || Undo::Insert { table: key, ids });
        Ok(QueryResult::Affected(count))
    }

    fn select(&self, select: Select) -> Result<QueryResult, SqlError> {
        let table = self.table(&select.table)?;
        let projection: Vec<usize> = match &select.columns {
            None => (0..table.columns.len()).collect(),
            Some(names) => names
                .iter()
                .map(|n| table.resolve(n))
                .collect::<Result<_, _>>()?,
        };
        // Every name is resolved, in the order written, before any type is checked.
        if let Some(filter) = &select.filter {
            check_names(filter, table)?;
        }
        let order: Vec<(usize, bool)> = select
            .order
            .iter()
            .map(|(name, descending)| Ok((table.resolve(name)?, *descending)))
            .collect::<Result<_, SqlError>>()?;
        let filter = bind_filter(select.filter, table)?;
        let limit = select.limit.unwrap_or(usize::MAX);
        // Without ORDER BY the scan may stop at the limit; with it, every match must be sorted first.
        let scan_limit = if order.is_empty() { limit } else { usize::MAX };
        let ids = table.matching(filter.as_ref(), scan_limit)?;
        let mut rows: Vec<&Vec<Value>> = ids.iter().filter_map(|id| table.rows.get(id)).collect();
        if !order.is_empty() {
            rows.sort_by(|a, b| {
                order
                    .iter()
                    .map(|&(c, descending)| {
                        let ord = a[c].cmp(&b[c]);
                        if descending { ord.reverse() } else { ord }
                    })
                    .find(|ord| ord.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
            rows.truncate(limit);
        }
        Ok(QueryResult::Rows {
            columns: projection
                .iter()
                .map(|&c| table.columns[c].name.clone())
                .collect(),
            rows: rows
                .into_iter()
                .map(|row| projection.iter().map(|&c| row[c].clone()).collect())
                .collect(),
        })
    }

    fn update(
        &mut self,
        table: &str,
        sets: Vec<(String, Parsed)>,
        filter: Option<Parsed>,
    ) -> Result<QueryResult, SqlError> {
        let (key, table) = table_mut(&mut self.tables, table)?;
        // Every name is resolved, in the order written, before any type is checked.
        for (name, expr) in &sets {
            table.resolve(name)?;
            check_names(expr, table)?;
        }
        if let Some(filter) = &filter {
            check_names(filter, table)?;
        }
        let mut assignments = Vec::with_capacity(sets.len());
        for (name, expr) in sets {
            let column = table.resolve(&name)?;
            let (bound, ty) = bind(expr, Some(table))?;
            check_assignable(&table.columns[column], ty)?;
            assignments.push((column, bound));
        }
        let filter = bind_filter(filter, table)?;
        let mut ids = table.matching(filter.as_ref(), usize::MAX)?;
        ids.retain(|id| table.rows.contains_key(id));
        // Every SET expression sees the row as it was before the statement.
        let mut rows = Vec::with_capacity(ids.len());
        for old in ids.iter().filter_map(|id| table.rows.get(id)) {
            let mut new = old.clone();
            for (column, expr) in &assignments {
                new[*column] = eval(expr, old)?.to_value()?;
            }
            table.check_not_null(&new)?;
            rows.push(new);
        }
        table.check_unique(&rows, &ids.iter().copied().collect())?;
        let mut previous = Vec::with_capacity(ids.len());
        for (id, new) in ids.iter().zip(rows) {
            if let Some(old) = table.replace_row(*id, new) {
                previous.push((*id, old));
            }
        }
        Self::log(&mut self.undo, || Undo::Update {
            table: key,
            rows: previous,
        });
        Ok(QueryResult::Affected(ids.len()))
    }

    fn delete(&mut self, table: &str, filter: Option<Parsed>) -> Result<QueryResult, SqlError> {
        let (key, table) = table_mut(&mut self.tables, table)?;
        if let Some(filter) = &filter {
            check_names(filter, table)?;
        }
        let filter = bind_filter(filter, table)?;
        let ids = table.matching(filter.as_ref(), usize::MAX)?;
        let removed: Vec<(RowId, Vec<Value>)> = ids
            .iter()
            .filter_map(|&id| table.remove_row(id).map(|row| (id, row)))
            .collect();
        let count = removed.len();
        Self::log(&mut self.undo, || Undo::Delete {
            table: key,
            rows: removed,
        });
        Ok(QueryResult::Affected(count))
    }

    /// Undoes the transaction's statements, newest first; rows go back through the same
    /// functions that maintain the indexes, so the indexes come back too.
    fn rollback(&mut self, log: Vec<Undo>) {
        for entry in log.into_iter().rev() {
            match entry {
                Undo::CreateTable(key) => {
                    if let Some(table) = self.tables.remove(&key) {
                        for name in table.indexes.iter().filter_map(|i| i.name.as_ref()) {
                            self.index_names.remove(name);
                        }
                    }
                }
                Undo::CreateIndex { table, name } => {
                    if let Some(table) = self.tables.get_mut(&table) {
                        table.indexes.retain(|i| i.name.as_ref() != Some(&name));
                    }
                    self.index_names.remove(&name);
                }
                Undo::Insert { table, ids } => {
                    if let Some(table) = self.tables.get_mut(&table) {
                        for id in ids {
                            table.remove_row(id);
                        }
                    }
                }
                Undo::Delete { table, rows } => {
                    if let Some(table) = self.tables.get_mut(&table) {
                        for (id, row) in rows {
                            table.insert_row(id, row);
                        }
                    }
                }
                Undo::Update { table, rows } => {
                    if let Some(table) = self.tables.get_mut(&table) {
                        for (id, old) in rows {
                            table.replace_row(id, old);
                        }
                    }
                }
            }
        }
    }
}
