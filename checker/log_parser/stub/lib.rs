//! Your multiline log parser: turns log text into records, reporting the lines it cannot use.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

use std::fmt;

/// The severity of a record, from least to most severe (the derived order follows the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// `TRACE`
    Trace,
    /// `DEBUG`
    Debug,
    /// `INFO`
    Info,
    /// `WARN`
    Warn,
    /// `ERROR`
    Error,
    /// `FATAL`
    Fatal,
}

impl Level {
    /// Every level, from least to most severe.
    pub const ALL: [Level; 6] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Fatal,
    ];

    /// Returns the level spelled exactly `name` (upper case, as in a log line), or `None`.
    pub fn from_name(name: &str) -> Option<Level> {
        todo!()
    }

    /// Returns the level's name as it appears in a log line (`"INFO"`).
    pub fn as_str(self) -> &'static str {
        todo!()
    }
}

/// One log record: a header line and the continuation lines that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The 1-based line number of the header line.
    pub line: u64,
    /// The header's time in milliseconds since 1970-01-01T00:00:00Z (negative before it).
    pub timestamp_ms: i64,
    /// The header's level.
    pub level: Level,
    /// The header's component (the text before `": "`).
    pub component: String,
    /// The header's message, then each continuation line, joined by `'\n'`.
    pub message: String,
}

/// Why a line could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// The line starts with a digit but its first field is not an RFC 3339 time.
    BadTimestamp,
    /// The time is followed by no level, or by a word that is not one of the six levels.
    BadLevel,
    /// The level is followed by no `component: ` (a non-empty word without spaces or colons, then `": "`).
    BadComponent,
    /// A continuation line with no record to continue (at the start, or after a malformed line).
    OrphanContinuation,
}

/// A line that could not be used, with its 1-based line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Problem {
    /// The 1-based line number.
    pub line: u64,
    /// What is wrong with it.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

impl std::error::Error for Problem {}

/// Everything [`parse`] found: the records and the problems, each in line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The records, in line order.
    pub records: Vec<Record>,
    /// The problems, in line order.
    pub problems: Vec<Problem>,
}

/// Parses a whole log held in memory; never panics, whatever the input.
pub fn parse(input: &str) -> Parsed {
    todo!()
}

/// Returns the RFC 3339 time `text` in milliseconds since the Unix epoch, or `None` if it is not one.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    todo!()
}
