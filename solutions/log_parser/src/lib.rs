//! A multiline log parser: records from text or any reader, level counts over a sliding window, and the most frequent error signatures.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::io::{self, BufRead};

/// The severity of a record, from least to most severe.
///
/// # Example
/// ```
/// use log_parser_solution::Level;
/// assert!(Level::Error > Level::Warn);
/// assert_eq!(Level::from_name("WARN"), Some(Level::Warn));
/// ```
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
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::Level;
    /// assert_eq!(Level::ALL.len(), 6);
    /// assert_eq!(Level::ALL[0], Level::Trace);
    /// ```
    pub const ALL: [Level; 6] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Fatal,
    ];

    /// Returns the level spelled exactly `name` (upper case, as in a log line), or `None`.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::Level;
    /// assert_eq!(Level::from_name("FATAL"), Some(Level::Fatal));
    /// assert_eq!(Level::from_name("info"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|level| level.as_str() == name)
    }

    /// Returns the level's name as it appears in a log line.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::Level;
    /// assert_eq!(Level::Info.as_str(), "INFO");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log record: a header line and the continuation lines that follow it.
///
/// # Example
/// ```
/// use log_parser_solution::{parse, Level};
/// let parsed = parse("2024-05-01T12:00:00Z ERROR db: lost connection\n  at pool.rs:10\n");
/// let record = &parsed.records[0];
/// assert_eq!((record.line, record.level), (1, Level::Error));
/// assert_eq!(record.component, "db");
/// assert_eq!(record.message, "lost connection\n  at pool.rs:10");
/// ```
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
///
/// # Example
/// ```
/// use log_parser_solution::{parse, ProblemKind};
/// let parsed = parse("2024-05-01 INFO app: no T in the time\n");
/// assert_eq!(parsed.problems[0].kind, ProblemKind::BadTimestamp);
/// ```
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
    /// The line is not valid UTF-8; it was decoded with U+FFFD replacement characters and kept.
    InvalidUtf8,
    /// The record (or line) grew past the reader's byte limit; the rest of it is skipped.
    TooLong,
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProblemKind::BadTimestamp => "the time is not an RFC 3339 timestamp",
            ProblemKind::BadLevel => "the level is missing or unknown",
            ProblemKind::BadComponent => "the component is missing or not followed by \": \"",
            ProblemKind::OrphanContinuation => "a continuation line with no record to continue",
            ProblemKind::InvalidUtf8 => "the line is not valid UTF-8",
            ProblemKind::TooLong => "the record is longer than the limit",
        })
    }
}

/// A line that could not be used, with its 1-based line number.
///
/// # Example
/// ```
/// use log_parser_solution::{parse, Problem, ProblemKind};
/// let parsed = parse("  stray line\n");
/// assert_eq!(parsed.problems, vec![Problem { line: 1, kind: ProblemKind::OrphanContinuation }]);
/// assert_eq!(parsed.problems[0].to_string(), "line 1: a continuation line with no record to continue");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Problem {
    /// The 1-based line number (for `TooLong`, the record's first line).
    pub line: u64,
    /// What is wrong with it.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for Problem {}

/// Everything [`parse`] found: the records and the problems, each in line order.
///
/// # Example
/// ```
/// use log_parser_solution::parse;
/// let parsed = parse("");
/// assert!(parsed.records.is_empty() && parsed.problems.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The records, in line order.
    pub records: Vec<Record>,
    /// The problems, in line order.
    pub problems: Vec<Problem>,
}

/// Parses a whole log held in memory; never panics, whatever the input.
///
/// # Example
/// ```
/// use log_parser_solution::{parse, Problem, ProblemKind};
/// let log = "2024-05-01T12:00:00Z INFO web: started\n\
///            2024-05-01T12:00:01Z LOUD web: nope\n\
///            2024-05-01T12:00:02.5+02:00 WARN web: slow\n";
/// let parsed = parse(log);
/// assert_eq!(parsed.records.len(), 2);
/// assert_eq!(parsed.records[1].line, 3);
/// assert_eq!(parsed.problems, vec![Problem { line: 2, kind: ProblemKind::BadLevel }]);
/// ```
pub fn parse(input: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for entry in LogReader::with_max_record_bytes(input.as_bytes(), usize::MAX).flatten() {
        match entry {
            Entry::Record(record) => parsed.records.push(record),
            Entry::Problem(problem) => parsed.problems.push(problem),
        }
    }
    parsed
}

/// Returns the RFC 3339 time `text` (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`) in milliseconds
/// since the Unix epoch, or `None` if it is not one. The fraction (1 to 9 digits) is truncated to
/// milliseconds; `t` and `z` may be lower case; a 60th second is refused.
///
/// # Example
/// ```
/// use log_parser_solution::parse_timestamp;
/// assert_eq!(parse_timestamp("1970-01-01T00:00:01.2349Z"), Some(1234));
/// assert_eq!(parse_timestamp("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(parse_timestamp("2023-02-29T00:00:00Z"), None);
/// ```
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        b.get(from..to)?.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let at = |i: usize, expected: &[u8]| b.get(i).is_some_and(|c| expected.contains(c));
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let separators = [(4, b"-"), (7, b"-"), (13, b":"), (16, b":")];
    if !separators.iter().all(|&(i, s)| at(i, s)) || !at(10, b"Tt") {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if at(i, b".") {
        let start = i + 1;
        let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        millis = (0..3).fold(0, |acc, k| {
            acc * 10
                + if k < digits {
                    i64::from(b[start + k] - b'0')
                } else {
                    0
                }
        });
        i = start + digits;
    }
    let offset_minutes = if at(i, b"Zz") {
        i += 1;
        0
    } else if at(i, b"+-") {
        let sign = if b[i] == b'-' { -1 } else { 1 };
        let (oh, om) = (num(i + 1, i + 3)?, num(i + 4, i + 6)?);
        if !at(i + 3, b":") || oh > 23 || om > 59 {
            return None;
        }
        i += 6;
        sign * (oh * 60 + om)
    } else {
        return None;
    };
    let valid = i == b.len()
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 59;
    if !valid {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Splits off the text up to the first space; the rest starts after that space.
fn field(text: &str) -> (&str, &str) {
    text.split_once(' ').unwrap_or((text, ""))
}

/// Parses a header line (one that starts with a digit) into a record, or names its first bad field.
fn parse_header(line: u64, text: &str) -> Result<Record, ProblemKind> {
    let (time, rest) = field(text);
    let timestamp_ms = parse_timestamp(time).ok_or(ProblemKind::BadTimestamp)?;
    let (level, rest) = field(rest);
    let level = Level::from_name(level).ok_or(ProblemKind::BadLevel)?;
    let (component, message) = rest.split_once(": ").ok_or(ProblemKind::BadComponent)?;
    if component.is_empty() || component.contains(|c: char| c == ':' || c.is_whitespace()) {
        return Err(ProblemKind::BadComponent);
    }
    Ok(Record {
        line,
        timestamp_ms,
        level,
        component: component.to_owned(),
        message: message.to_owned(),
    })
}

/// What a [`LogReader`] yields: a record or a problem, in line order.
///
/// # Example
/// ```
/// use log_parser_solution::{Entry, LogReader};
/// let mut reader = LogReader::new("2024-05-01T12:00:00Z INFO app: hi".as_bytes());
/// assert!(matches!(reader.next(), Some(Ok(Entry::Record(_)))));
/// assert!(reader.next().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A complete record.
    Record(Record),
    /// A line (or record) that could not be used.
    Problem(Problem),
}

/// The record size limit of [`LogReader::new`]: 16 MiB.
///
/// # Example
/// ```
/// assert_eq!(log_parser_solution::DEFAULT_MAX_RECORD_BYTES, 16 << 20);
/// ```
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;

/// The record being assembled, with the problems found on its lines so far.
struct Open {
    record: Record,
    bytes: usize,
    problems: Vec<Problem>,
}

/// Reads records one at a time from any [`BufRead`], holding at most one record (and one line) in
/// memory; an I/O error other than `Interrupted` is yielded once and ends the stream.
///
/// # Example
/// ```
/// use log_parser_solution::{Entry, LogReader, ProblemKind};
/// let input: &[u8] = b"2024-05-01T12:00:00Z INFO app: a\r\n  more\r\n2024-05-01T12:00:01Z INFO app: \xff\n";
/// let entries: Vec<Entry> = LogReader::new(input).map(Result::unwrap).collect();
/// assert!(matches!(&entries[0], Entry::Record(r) if r.message == "a\n  more"));
/// assert!(matches!(&entries[1], Entry::Record(r) if r.message == "\u{fffd}"));
/// assert!(matches!(&entries[2], Entry::Problem(p) if p.kind == ProblemKind::InvalidUtf8 && p.line == 3));
/// ```
pub struct LogReader<R> {
    reader: R,
    max_record_bytes: usize,
    lines: u64,
    open: Option<Open>,
    ready: VecDeque<Entry>,
    line: Vec<u8>,
    skip_line_rest: bool,
    skip_record: bool,
    done: bool,
    /// An I/O error to return once the entries completed before it have been handed out.
    error: Option<io::Error>,
}

/// Calls `f` with the reader's buffered bytes (retrying `Interrupted`) and consumes what it used.
fn with_buffer<R: BufRead, T>(
    reader: &mut R,
    f: impl FnOnce(&[u8]) -> (usize, T),
) -> io::Result<T> {
    loop {
        match reader.fill_buf() {
            Ok(buffer) => {
                let (used, out) = f(buffer);
                reader.consume(used);
                return Ok(out);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// How a chunk of a line ended.
enum Chunk {
    /// More of the line follows in the next buffer.
    More,
    /// The line ended with `'\n'` (consumed).
    Newline,
    /// The input ended.
    Eof,
    /// The line grew past the budget; the rest of it is still unread.
    Overflow,
}

impl<R: BufRead> LogReader<R> {
    /// Returns a reader of `reader` with the default limit, [`DEFAULT_MAX_RECORD_BYTES`].
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::LogReader;
    /// assert_eq!(LogReader::new(&b""[..]).count(), 0);
    /// ```
    pub fn new(reader: R) -> Self {
        Self::with_max_record_bytes(reader, DEFAULT_MAX_RECORD_BYTES)
    }

    /// Returns a reader of `reader` that reports a record whose lines (endings not counted) add up
    /// to more than `max_record_bytes` as `TooLong`, as soon as it passes the limit.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{Entry, LogReader, Problem, ProblemKind};
    /// let input = "2024-05-01T12:00:00Z INFO app: 0123456789\n  more\n";
    /// let first = LogReader::with_max_record_bytes(input.as_bytes(), 40).next();
    /// let too_long = Problem { line: 1, kind: ProblemKind::TooLong };
    /// assert_eq!(first.unwrap().unwrap(), Entry::Problem(too_long));
    /// ```
    pub fn with_max_record_bytes(reader: R, max_record_bytes: usize) -> Self {
        LogReader {
            reader,
            max_record_bytes,
            lines: 0,
            open: None,
            ready: VecDeque::new(),
            line: Vec::new(),
            skip_line_rest: false,
            skip_record: false,
            done: false,
            error: None,
        }
    }

    /// Moves the record being assembled, then the problems found on its lines, to the output.
    fn close_record(&mut self) {
        if let Some(open) = self.open.take() {
            self.ready.push_back(Entry::Record(open.record));
            self.ready
                .extend(open.problems.into_iter().map(Entry::Problem));
        }
    }

    /// Consumes the rest of the current line, ending included, without keeping it.
    fn skip_line(&mut self) -> io::Result<()> {
        loop {
            let finished = with_buffer(&mut self.reader, |buffer| {
                match buffer.iter().position(|&b| b == b'\n') {
                    Some(end) => (end + 1, true),
                    None => (buffer.len(), buffer.is_empty()),
                }
            })?;
            if finished {
                return Ok(());
            }
        }
    }

    /// Reads the current line into `self.line` (ending removed); returns `false` if it is longer
    /// than `budget`, in which case `skip_line_rest` tells whether part of it is still unread.
    fn read_line(&mut self, budget: usize) -> io::Result<bool> {
        self.line.clear();
        // One byte more than the budget may be the '\r' of a "\r\n" ending.
        let room = budget.saturating_add(1);
        let end = loop {
            let line = &mut self.line;
            let chunk = with_buffer(&mut self.reader, |buffer| {
                if buffer.is_empty() {
                    return (0, Chunk::Eof);
                }
                let newline = buffer.iter().position(|&b| b == b'\n');
                let take = newline.unwrap_or(buffer.len());
                let left = room - line.len();
                if take > left {
                    line.extend_from_slice(&buffer[..left]);
                    return (left, Chunk::Overflow);
                }
                line.extend_from_slice(&buffer[..take]);
                match newline {
                    Some(_) => (take + 1, Chunk::Newline),
                    None => (take, Chunk::More),
                }
            })?;
            match chunk {
                Chunk::More => {}
                end => break end,
            }
        };
        if let Chunk::Overflow = end {
            self.skip_line_rest = true;
            return Ok(false);
        }
        if matches!(end, Chunk::Newline) && self.line.ends_with(b"\r") {
            self.line.pop();
        }
        Ok(self.line.len() <= budget)
    }

    /// Reads one line and turns it into entries; marks the stream done at the end of the input.
    fn step(&mut self) -> io::Result<()> {
        if self.skip_line_rest {
            self.skip_line()?;
            self.skip_line_rest = false;
        }
        let first = with_buffer(&mut self.reader, |buffer| (0, buffer.first().copied()))?;
        let Some(first) = first else {
            self.close_record();
            self.done = true;
            return Ok(());
        };
        self.lines += 1;
        let line = self.lines;
        let starts_record = first.is_ascii_digit();
        if starts_record {
            self.skip_record = false;
            self.close_record();
        } else if self.skip_record {
            return self.skip_line();
        }
        let used = self.open.as_ref().map_or(0, |open| open.bytes);
        let budget = self.max_record_bytes - used;
        if !self.read_line(budget)? {
            self.overflow(line, starts_record);
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.line);
        let invalid = matches!(text, Cow::Owned(_)).then_some(Problem {
            line,
            kind: ProblemKind::InvalidUtf8,
        });
        let bytes = self.line.len();
        if starts_record {
            match parse_header(line, &text) {
                Ok(record) => {
                    let problems = invalid.into_iter().collect();
                    self.open = Some(Open {
                        record,
                        bytes,
                        problems,
                    });
                }
                Err(kind) => {
                    self.ready.push_back(Entry::Problem(Problem { line, kind }));
                    self.ready.extend(invalid.map(Entry::Problem));
                }
            }
        } else if let Some(open) = self.open.as_mut() {
            open.record.message.push('\n');
            open.record.message.push_str(&text);
            open.bytes += bytes;
            open.problems.extend(invalid);
        } else {
            let orphan = Problem {
                line,
                kind: ProblemKind::OrphanContinuation,
            };
            self.ready.push_back(Entry::Problem(orphan));
            self.ready.extend(invalid.map(Entry::Problem));
        }
        Ok(())
    }

    /// Reports the record (or orphan line) that passed the limit and skips what is left of it.
    fn overflow(&mut self, line: u64, starts_record: bool) {
        let (first_line, problems) = match self.open.take() {
            Some(open) if !starts_record => (open.record.line, open.problems),
            _ => (line, Vec::new()),
        };
        // An orphan line that is too long is skipped alone; a record's later lines go with it.
        self.skip_record = starts_record || first_line != line;
        let too_long = Problem {
            line: first_line,
            kind: ProblemKind::TooLong,
        };
        self.ready.push_back(Entry::Problem(too_long));
        self.ready.extend(problems.into_iter().map(Entry::Problem));
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = io::Result<Entry>;

    fn next(&mut self) -> Option<io::Result<Entry>> {
        loop {
            if let Some(entry) = self.ready.pop_front() {
                return Some(Ok(entry));
            }
            if self.done {
                return self.error.take().map(Err);
            }
            if let Err(e) = self.step() {
                // Entries completed before the failure (a record closed by the header being read)
                // still come out first; the record being assembled is dropped.
                self.done = true;
                self.open = None;
                self.error = Some(e);
            }
        }
    }
}

/// How many records of each level a window holds.
///
/// # Example
/// ```
/// use log_parser_solution::{Level, LevelWindow};
/// let mut window = LevelWindow::new(1000, 0);
/// window.observe(5, Level::Warn);
/// assert_eq!(window.counts().get(Level::Warn), 1);
/// assert_eq!(window.counts().total(), 1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    counts: [u64; 6],
}

impl LevelCounts {
    /// Returns how many records of `level` are counted.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{Level, LevelCounts};
    /// assert_eq!(LevelCounts::default().get(Level::Error), 0);
    /// ```
    pub fn get(&self, level: Level) -> u64 {
        self.counts[level as usize]
    }

    /// Returns how many records are counted, all levels together.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::LevelCounts;
    /// assert_eq!(LevelCounts::default().total(), 0);
    /// ```
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Whether [`LevelWindow::observe`] took a record in or turned it away as late.
///
/// # Example
/// ```
/// use log_parser_solution::{Arrival, Level, LevelWindow};
/// let mut window = LevelWindow::new(60_000, 500);
/// assert_eq!(window.observe(10_000, Level::Info), Arrival::OnTime);
/// assert_eq!(window.observe(9_499, Level::Info), Arrival::Late);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// No more than the tolerance behind the newest time seen: taken in.
    OnTime,
    /// More than the tolerance behind the newest time seen: only counted as late.
    Late,
}

/// Counts per level over the last `window_ms` milliseconds before the newest record's time,
/// accepting records up to `tolerance_ms` out of order; O(1) amortised per in-order record.
///
/// # Example
/// ```
/// use log_parser_solution::{Level, LevelWindow};
/// let mut window = LevelWindow::new(1000, 100);
/// window.observe(0, Level::Error);
/// window.observe(999, Level::Info);
/// assert_eq!(window.counts().total(), 2);
/// window.observe(1000, Level::Info); // the record at 0 leaves: the window is (0, 1000]
/// assert_eq!(window.counts().get(Level::Error), 0);
/// assert_eq!(window.counts().get(Level::Info), 2);
/// ```
#[derive(Debug, Clone)]
pub struct LevelWindow {
    window_ms: u64,
    tolerance_ms: u64,
    watermark: Option<i64>,
    held: VecDeque<(i64, Level)>,
    counts: LevelCounts,
    late: u64,
}

impl LevelWindow {
    /// Returns an empty window of `window_ms` milliseconds that accepts records up to
    /// `tolerance_ms` behind the newest time seen.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::LevelWindow;
    /// let window = LevelWindow::new(60_000, 1_000);
    /// assert_eq!((window.counts().total(), window.late(), window.watermark()), (0, 0, None));
    /// ```
    pub fn new(window_ms: u64, tolerance_ms: u64) -> Self {
        LevelWindow {
            window_ms,
            tolerance_ms,
            watermark: None,
            held: VecDeque::new(),
            counts: LevelCounts::default(),
            late: 0,
        }
    }

    /// Takes in a record's time and level; the window then ends at the newest time seen.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{Arrival, Level, LevelWindow};
    /// let mut window = LevelWindow::new(1000, 50);
    /// window.observe(2000, Level::Info);
    /// assert_eq!(window.observe(1950, Level::Warn), Arrival::OnTime);
    /// assert_eq!(window.counts().get(Level::Warn), 1);
    /// ```
    pub fn observe(&mut self, timestamp_ms: i64, level: Level) -> Arrival {
        let newest = match self.watermark {
            Some(mark)
                if i128::from(timestamp_ms) < i128::from(mark) - i128::from(self.tolerance_ms) =>
            {
                self.late += 1;
                return Arrival::Late;
            }
            Some(mark) => mark.max(timestamp_ms),
            None => timestamp_ms,
        };
        self.watermark = Some(newest);
        let start = i128::from(newest) - i128::from(self.window_ms);
        if i128::from(timestamp_ms) > start {
            let at = self
                .held
                .iter()
                .rposition(|&(t, _)| t <= timestamp_ms)
                .map_or(0, |i| i + 1);
            self.held.insert(at, (timestamp_ms, level));
            self.counts.counts[level as usize] += 1;
        }
        while let Some(&(t, old)) = self.held.front() {
            if i128::from(t) > start {
                break;
            }
            self.held.pop_front();
            self.counts.counts[old as usize] -= 1;
        }
        Arrival::OnTime
    }

    /// Returns the counts of the records in the window `(newest - window_ms, newest]`.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{Level, LevelWindow};
    /// let mut window = LevelWindow::new(10, 0);
    /// window.observe(0, Level::Info);
    /// window.observe(10, Level::Info);
    /// assert_eq!(window.counts().get(Level::Info), 1);
    /// ```
    pub fn counts(&self) -> LevelCounts {
        self.counts
    }

    /// Returns how many records were turned away as late.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{Level, LevelWindow};
    /// let mut window = LevelWindow::new(10, 0);
    /// window.observe(5, Level::Info);
    /// window.observe(4, Level::Info);
    /// assert_eq!(window.late(), 1);
    /// ```
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Returns the newest time taken in so far, or `None` before the first record.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{Level, LevelWindow};
    /// let mut window = LevelWindow::new(10, 5);
    /// window.observe(7, Level::Info);
    /// window.observe(3, Level::Info);
    /// assert_eq!(window.watermark(), Some(7));
    /// ```
    pub fn watermark(&self) -> Option<i64> {
        self.watermark
    }
}

/// Returns `text` with its variable parts replaced by placeholders: a double-quoted span by
/// `<str>`, a UUID by `<uuid>`, a `0x` hex number or a hex word of 8+ characters with a digit by
/// `<hex>`, and every other run of decimal digits by `<num>`.
///
/// # Example
/// ```
/// use log_parser_solution::normalize_message;
/// assert_eq!(
///     normalize_message("user 42 sent \"hi\" from 0x1F, req 9f8e7d6c5b, took 35ms"),
///     "user <num> sent <str> from <hex>, req <hex>, took <num>ms"
/// );
/// assert_eq!(normalize_message("id=123e4567-e89b-12d3-a456-426614174000!"), "id=<uuid>!");
/// ```
pub fn normalize_message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Every letter or digit met at the top of the loop starts a word: words are taken whole.
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            if let Some(end) = rest[1..].find('"') {
                out.push_str("<str>");
                rest = &rest[end + 2..];
                continue;
            }
        }
        if !c.is_ascii_alphanumeric() {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if is_uuid_at(rest) {
            out.push_str("<uuid>");
            rest = &rest[36..];
            continue;
        }
        let len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let (word, tail) = rest.split_at(len);
        normalize_word(word, &mut out);
        rest = tail;
    }
    out
}

/// Whether `text` starts with a UUID (8-4-4-4-12 hex digits) not followed by a letter or digit.
fn is_uuid_at(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 36
        && b[..36].iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
        && !b.get(36).is_some_and(u8::is_ascii_alphanumeric)
}

/// Appends the normalised form of one word (a maximal run of ASCII letters and digits).
fn normalize_word(word: &str, out: &mut String) {
    let b = word.as_bytes();
    let hex_prefixed = b.len() > 2
        && b[0] == b'0'
        && (b[1] == b'x' || b[1] == b'X')
        && b[2..].iter().all(u8::is_ascii_hexdigit);
    let all_digits = b.iter().all(u8::is_ascii_digit);
    let hex_word =
        b.len() >= 8 && b.iter().all(u8::is_ascii_hexdigit) && b.iter().any(u8::is_ascii_digit);
    if hex_prefixed || (hex_word && !all_digits) {
        out.push_str("<hex>");
        return;
    }
    let mut in_number = false;
    for c in word.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push_str("<num>");
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
}

/// Returns a record's error signature: its component, `": "`, and the first line of its message,
/// normalised by [`normalize_message`].
///
/// # Example
/// ```
/// use log_parser_solution::{parse, signature};
/// let parsed = parse("2024-05-01T12:00:00Z ERROR db: timeout after 30s\n  at db.rs:7\n");
/// assert_eq!(signature(&parsed.records[0]), "db: timeout after <num>s");
/// ```
pub fn signature(record: &Record) -> String {
    let first_line = record.message.split('\n').next().unwrap_or_default();
    format!("{}: {}", record.component, normalize_message(first_line))
}

/// The `k` most frequent error signatures (records at `ERROR` or `FATAL`), ties to the signature
/// seen first; each record costs O(log k) beyond computing its signature, and `top` O(k).
///
/// # Example
/// ```
/// use log_parser_solution::{parse, TopErrors};
/// let log = "2024-05-01T12:00:00Z ERROR db: timeout 1\n\
///            2024-05-01T12:00:01Z ERROR web: 500 on /a\n\
///            2024-05-01T12:00:02Z ERROR db: timeout 2\n\
///            2024-05-01T12:00:03Z INFO db: timeout 3\n";
/// let mut top = TopErrors::new(1);
/// for record in &parse(log).records {
///     top.observe(record);
/// }
/// assert_eq!(top.top(), vec![("db: timeout <num>".to_string(), 2)]);
/// ```
#[derive(Debug, Clone)]
pub struct TopErrors {
    k: usize,
    ids: HashMap<String, usize>,
    /// Per signature id (ids grow in first-seen order): its text and count.
    signatures: Vec<(String, u64)>,
    /// The current top k, best first: more frequent first, then seen first.
    top: BTreeSet<(Reverse<u64>, usize)>,
}

impl TopErrors {
    /// Returns an empty tally that reports the `k` most frequent signatures.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::TopErrors;
    /// assert!(TopErrors::new(3).top().is_empty());
    /// ```
    pub fn new(k: usize) -> Self {
        TopErrors {
            k,
            ids: HashMap::new(),
            signatures: Vec::new(),
            top: BTreeSet::new(),
        }
    }

    /// Counts `record` if its level is `ERROR` or `FATAL`; returns whether it was counted.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{parse, TopErrors};
    /// let parsed = parse("2024-05-01T12:00:00Z WARN db: slow\n");
    /// assert!(!TopErrors::new(3).observe(&parsed.records[0]));
    /// ```
    pub fn observe(&mut self, record: &Record) -> bool {
        if record.level < Level::Error {
            return false;
        }
        let text = signature(record);
        let id = match self.ids.get(&text) {
            Some(&id) => id,
            None => {
                let id = self.signatures.len();
                self.ids.insert(text.clone(), id);
                self.signatures.push((text, 0));
                id
            }
        };
        let count = &mut self.signatures[id].1;
        let old = (Reverse(*count), id);
        *count += 1;
        let new = (Reverse(*count), id);
        if self.top.remove(&old) || self.top.len() < self.k {
            self.top.insert(new);
        } else if let Some(&worst) = self.top.last() {
            if new < worst {
                self.top.remove(&worst);
                self.top.insert(new);
            }
        }
        true
    }

    /// Returns the top signatures with their counts, most frequent first, ties to the one seen first.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{parse, TopErrors};
    /// let log = "2024-05-01T12:00:00Z ERROR a: x\n2024-05-01T12:00:01Z ERROR b: y\n";
    /// let mut top = TopErrors::new(5);
    /// parse(log).records.iter().for_each(|r| { top.observe(r); });
    /// assert_eq!(top.top(), vec![("a: x".to_string(), 1), ("b: y".to_string(), 1)]);
    /// ```
    pub fn top(&self) -> Vec<(String, u64)> {
        self.top
            .iter()
            .map(|&(Reverse(count), id)| (self.signatures[id].0.clone(), count))
            .collect()
    }
}

/// One signature with records in a [`TrendingErrors`] window.
#[derive(Debug, Clone)]
struct Trend {
    text: String,
    count: u64,
    /// When the signature entered the window (a counter of entries), for ties.
    since: u64,
}

/// The `k` most frequent error signatures among the records of the last `window_ms`
/// milliseconds, kept up to date as records arrive and as old ones leave the window.
///
/// # Example
/// ```
/// use log_parser_solution::{parse, TrendingErrors};
/// let log = "2024-05-01T12:00:00Z ERROR db: timeout 1\n\
///            2024-05-01T12:00:01Z ERROR web: 500\n\
///            2024-05-01T12:00:02Z ERROR web: 502\n";
/// let mut trending = TrendingErrors::new(1, 60_000);
/// parse(log).records.iter().for_each(|r| { trending.observe(r); });
/// assert_eq!(trending.top(), vec![("web: <num>".to_string(), 2)]);
/// trending.advance(parse(log).records[2].timestamp_ms + 60_000); // everything has left
/// assert!(trending.top().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct TrendingErrors {
    k: usize,
    window_ms: u64,
    watermark: Option<i64>,
    ids: HashMap<String, usize>,
    /// Per slot: the signature using it, or `None` when the slot is free.
    slots: Vec<Option<Trend>>,
    free: Vec<usize>,
    entries: u64,
    /// Every signature in the window, best first: more frequent, then earlier `since`.
    ranked: BTreeSet<(Reverse<u64>, u64, usize)>,
    /// The counted records, ordered by time: (timestamp, slot).
    held: VecDeque<(i64, usize)>,
}

impl TrendingErrors {
    /// Returns an empty tally of the `k` most frequent signatures over `window_ms` milliseconds.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::TrendingErrors;
    /// assert!(TrendingErrors::new(3, 1000).top().is_empty());
    /// ```
    pub fn new(k: usize, window_ms: u64) -> Self {
        TrendingErrors {
            k,
            window_ms,
            watermark: None,
            ids: HashMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            entries: 0,
            ranked: BTreeSet::new(),
            held: VecDeque::new(),
        }
    }

    /// Counts `record` if its level is `ERROR` or `FATAL` and its time is inside the window
    /// `(newest - window_ms, newest]`, where newest is the latest time seen; returns whether it was
    /// counted. Records that are now outside the window leave it.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{parse, TrendingErrors};
    /// let log = "2024-05-01T12:00:10Z ERROR a: x\n2024-05-01T12:00:00Z ERROR a: x\n";
    /// let mut trending = TrendingErrors::new(3, 10_000);
    /// let counted: Vec<bool> = parse(log).records.iter().map(|r| trending.observe(r)).collect();
    /// assert_eq!(counted, vec![true, false]); // 10 s older than the newest: outside
    /// ```
    pub fn observe(&mut self, record: &Record) -> bool {
        if record.level < Level::Error {
            return false;
        }
        let time = record.timestamp_ms;
        self.advance(time);
        if !self.inside(time) {
            return false;
        }
        let text = signature(record);
        let slot = match self.ids.get(&text) {
            Some(&slot) => slot,
            None => self.enter(text),
        };
        self.bump(slot, 1);
        let at = self
            .held
            .iter()
            .rposition(|&(t, _)| t <= time)
            .map_or(0, |i| i + 1);
        self.held.insert(at, (time, slot));
        true
    }

    /// Moves the window's end to `now_ms` if that is later than the newest time seen, and lets the
    /// records that fall out of the window leave.
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{parse, TrendingErrors};
    /// let parsed = parse("1970-01-01T00:00:01Z ERROR a: x\n");
    /// let mut trending = TrendingErrors::new(3, 1000);
    /// trending.observe(&parsed.records[0]);
    /// trending.advance(1999);
    /// assert_eq!(trending.top().len(), 1);
    /// trending.advance(2000);
    /// assert!(trending.top().is_empty());
    /// ```
    pub fn advance(&mut self, now_ms: i64) {
        let newest = self.watermark.map_or(now_ms, |mark| mark.max(now_ms));
        self.watermark = Some(newest);
        while let Some(&(time, slot)) = self.held.front() {
            if self.inside(time) {
                break;
            }
            self.held.pop_front();
            self.bump(slot, -1);
        }
    }

    /// Returns the top signatures in the window with their counts, most frequent first, ties to
    /// the one that entered the window first (a signature whose count fell to 0 enters anew).
    ///
    /// # Example
    /// ```
    /// use log_parser_solution::{parse, TrendingErrors};
    /// let parsed = parse("1970-01-01T00:00:01Z ERROR b: y\n1970-01-01T00:00:01Z ERROR a: x\n");
    /// let mut trending = TrendingErrors::new(3, 1000);
    /// parsed.records.iter().for_each(|r| { trending.observe(r); });
    /// assert_eq!(trending.top(), vec![("b: y".to_string(), 1), ("a: x".to_string(), 1)]);
    /// ```
    pub fn top(&self) -> Vec<(String, u64)> {
        self.ranked
            .iter()
            .take(self.k)
            .filter_map(|&(Reverse(count), _, slot)| {
                let trend = self.slots[slot].as_ref()?;
                Some((trend.text.clone(), count))
            })
            .collect()
    }

    /// Whether `time` lies in the window `(newest - window_ms, newest]`.
    fn inside(&self, time: i64) -> bool {
        let newest = self.watermark.map_or(i128::from(time), i128::from);
        i128::from(time) > newest - i128::from(self.window_ms) && i128::from(time) <= newest
    }

    /// Gives a new signature a slot, with a count of 0 (ranked once `bump` counts it).
    fn enter(&mut self, text: String) -> usize {
        let trend = Trend {
            text: text.clone(),
            count: 0,
            since: self.entries,
        };
        self.entries += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = Some(trend);
                slot
            }
            None => {
                self.slots.push(Some(trend));
                self.slots.len() - 1
            }
        };
        self.ids.insert(text, slot);
        slot
    }

    /// Adds `delta` (+1 or -1) to a signature's count, re-ranks it, and frees it at 0.
    fn bump(&mut self, slot: usize, delta: i64) {
        let Some(trend) = self.slots[slot].as_mut() else {
            return;
        };
        self.ranked
            .remove(&(Reverse(trend.count), trend.since, slot));
        trend.count = trend.count.saturating_add_signed(delta);
        if trend.count > 0 {
            self.ranked
                .insert((Reverse(trend.count), trend.since, slot));
        } else if let Some(trend) = self.slots[slot].take() {
            self.ids.remove(&trend.text);
            self.free.push(slot);
        }
    }
}
