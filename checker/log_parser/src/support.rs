//! Shared helpers: an independent time formatter, a log generator with known answers, and comparisons that show the input around a mismatch.

use std::fmt::Write as _;

use syskata_kit::{fail, Rng};

use crate::drill::{Level, Parsed, Record};

/// One expected (or observed) item of a parse, in line order: a record or a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A record, exactly as the parser must build it.
    Record(Record),
    /// A problem: its line and the name of its kind (`"BadLevel"`).
    Problem(u64, String),
}

impl Item {
    /// The line the item starts at.
    pub fn line(&self) -> u64 {
        match self {
            Item::Record(r) => r.line,
            Item::Problem(line, _) => *line,
        }
    }

    /// A problem item.
    pub fn problem(line: u64, kind: &str) -> Item {
        Item::Problem(line, kind.to_owned())
    }
}

/// A short, readable rendering of an item.
pub fn show_item(item: &Item) -> String {
    match item {
        Item::Record(r) => format!(
            "Record {{ line: {}, timestamp_ms: {}, level: {:?}, component: {:?}, message: {} }}",
            r.line,
            r.timestamp_ms,
            r.level,
            r.component,
            syskata_kit::fail::shorten(&format!("{:?}", r.message))
        ),
        Item::Problem(line, kind) => format!("Problem {{ line: {line}, kind: {kind} }}"),
    }
}

/// Turns a stage-1 `Parsed` into items: records and problems (each list stays in its own order).
pub fn parsed_items(parsed: &Parsed) -> (Vec<Item>, Vec<Item>) {
    let records = parsed.records.iter().cloned().map(Item::Record).collect();
    let problems = parsed
        .problems
        .iter()
        .map(|p| Item::Problem(p.line, format!("{:?}", p.kind)))
        .collect();
    (records, problems)
}

/// Splits items into (records, problems), keeping the order within each.
pub fn split_items(items: &[Item]) -> (Vec<Item>, Vec<Item>) {
    items
        .iter()
        .cloned()
        .partition(|i| matches!(i, Item::Record(_)))
}

/// Shows the input lines `from..=to` (1-based) with their numbers, escaped so `\r` and bad bytes show
/// (an empty input shows nothing).
pub fn excerpt(input: &[u8], from: u64, to: u64) -> String {
    let mut out = String::new();
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let n = i as u64 + 1;
        if n < from {
            continue;
        }
        if n > to {
            break;
        }
        let shown = syskata_kit::fail::shorten(&format!("{:?}", String::from_utf8_lossy(line)));
        let bad = if std::str::from_utf8(line).is_err() {
            "   (not valid UTF-8 on this line)"
        } else {
            ""
        };
        let _ = writeln!(out, "  {n:>6} | {shown}{bad}");
    }
    out
}

/// Fails at the first difference between `got` and `expected`, showing the input lines around it.
#[track_caller]
pub fn expect_items(what: &str, input: &[u8], got: &[Item], expected: &[Item]) {
    let first_diff = got
        .iter()
        .zip(expected)
        .position(|(g, e)| g != e)
        .or_else(|| (got.len() != expected.len()).then(|| got.len().min(expected.len())));
    let Some(i) = first_diff else { return };
    let line = expected.get(i).or_else(|| got.get(i)).map_or(1, Item::line);
    let nearby = excerpt(input, line.saturating_sub(2).max(1), line + 3);
    let exp = expected.get(i).map_or("nothing more".to_owned(), show_item);
    let got_s = got.get(i).map_or("nothing more".to_owned(), show_item);
    fail(format!(
        "{what}: item #{i} (counting from 0) differs.\nThe input around line {line}:\n{nearby}\
         expected: {exp}\n     got: {got_s}\n({} items expected, {} returned)",
        expected.len(),
        got.len()
    ));
}

/// Days since 1970-01-01 to a civil date and back (Hinnant's algorithms), written here
/// independently of any parser under test.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A time written as RFC 3339, with the value it stands for.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// The text.
    pub text: String,
    /// Milliseconds since the epoch (UTC), the fraction truncated.
    pub ms: i64,
}

/// Writes the UTC second `secs` as RFC 3339 with `offset_min` minutes of offset, the fraction
/// `frac` (digits, may be empty) and lower-case `t`/`z` when `lower`.
pub fn stamp(secs: i64, offset_min: i64, frac: &str, lower: bool) -> Stamp {
    let local = secs + offset_min * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let sod = local.rem_euclid(86_400);
    let (t, z) = if lower { ('t', 'z') } else { ('T', 'Z') };
    let mut text = format!(
        "{y:04}-{m:02}-{d:02}{t}{:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if !frac.is_empty() {
        text.push('.');
        text.push_str(frac);
    }
    if offset_min == 0 && frac.len() % 2 == 1 {
        text.push(z);
    } else {
        let sign = if offset_min < 0 { '-' } else { '+' };
        let a = offset_min.abs();
        let _ = write!(text, "{sign}{:02}:{:02}", a / 60, a % 60);
    }
    let millis: i64 = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |acc, c| acc * 10 + i64::from(c - b'0'));
    Stamp {
        text,
        ms: secs * 1000 + millis,
    }
}

/// A random valid time, mostly in recent years, sometimes far away (year 0 to 9999).
pub fn random_stamp(rng: &mut Rng) -> Stamp {
    // 0000-01-01 and 9999-12-31 in seconds, kept a day inside so any offset stays in range.
    const MIN: i64 = -62_167_219_200 + 86_400;
    const MAX: i64 = 253_402_300_799 - 86_400;
    let secs = if rng.chance(80) {
        1_700_000_000 + rng.below(100_000_000) as i64
    } else {
        MIN + rng.below((MAX - MIN) as u64) as i64
    };
    let offset = if rng.chance(50) {
        0
    } else {
        rng.range(0, 2 * 1439) as i64 - 1439
    };
    let digits = *rng.pick(&[0usize, 0, 1, 2, 3, 3, 4, 6, 9]);
    let frac: String = (0..digits)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect();
    stamp(secs, offset, &frac, rng.chance(10))
}

/// Components a generated log uses.
pub const COMPONENTS: &[&str] = &[
    "api",
    "db.pool",
    "payments-v2",
    "auth_svc",
    "k8s/sched",
    "ünïcode",
    "x",
    "Worker[3]",
];

/// Messages a generated log uses (none contains a line break).
pub const MESSAGES: &[&str] = &[
    "started",
    "",
    "request took 35ms",
    "user 42 logged in from 10.0.0.7",
    "ratio: 3: odd: colons",
    "trailing spaces   ",
    " leading space",
    "quoted \"text\" here",
    "日本語のメッセージ",
    "emoji 🦀 crab",
    "tab\tinside",
    "ERROR: nested level word",
    "2024-05-01T00:00:00Z INFO fake: header inside",
];

/// Continuation lines a generated log uses (none starts with an ASCII digit).
pub const CONTINUATIONS: &[&str] = &[
    "\tat com.acme.Billing.charge(Billing.java:42)",
    "Caused by: java.io.IOException: Broken pipe",
    "\t... 12 more",
    "Traceback (most recent call last):",
    "  File \"/srv/app.py\", line 7, in <module>",
    "ValueError: invalid literal for int() with base 10: 'x'",
    "   0: std::panicking::begin_panic",
    "             at /rustc/library/std/src/panicking.rs:616:12",
    "",
    "    ",
    " 123 indented digits",
    "-5 starts with a minus",
    "ünicode first",
    "note: run with `RUST_BACKTRACE=1`",
];

/// Header lines broken in one field, with the kind each must be reported as.
pub const MALFORMED: &[(&str, &str)] = &[
    ("2024-02-30T10:00:00Z INFO api: 30 February", "BadTimestamp"),
    (
        "2023-02-29T10:00:00Z INFO api: not a leap year",
        "BadTimestamp",
    ),
    ("2024-13-01T10:00:00Z INFO api: month 13", "BadTimestamp"),
    ("2024-00-10T10:00:00Z INFO api: month 0", "BadTimestamp"),
    ("2024-05-00T10:00:00Z INFO api: day 0", "BadTimestamp"),
    ("2024-04-31T10:00:00Z INFO api: 31 April", "BadTimestamp"),
    ("2024-05-01T24:00:00Z INFO api: hour 24", "BadTimestamp"),
    ("2024-05-01T10:60:00Z INFO api: minute 60", "BadTimestamp"),
    ("2024-05-01T10:00:60Z INFO api: leap second", "BadTimestamp"),
    ("2024-05-01T10:00:00 INFO api: no offset", "BadTimestamp"),
    (
        "2024-05-01T10:00:00.Z INFO api: empty fraction",
        "BadTimestamp",
    ),
    (
        "2024-05-01T10:00:00.1234567890Z INFO api: ten digits",
        "BadTimestamp",
    ),
    (
        "2024-05-01T10:00:00+24:00 INFO api: offset hour 24",
        "BadTimestamp",
    ),
    (
        "2024-05-01T10:00:00+05:60 INFO api: offset minute 60",
        "BadTimestamp",
    ),
    (
        "2024-05-01T10:00:00+0500 INFO api: offset without colon",
        "BadTimestamp",
    ),
    ("2024-05-01 10:00:00Z INFO api: space for T", "BadTimestamp"),
    (
        "2024-5-01T10:00:00Z INFO api: one-digit month",
        "BadTimestamp",
    ),
    ("20240501T100000Z INFO api: basic format", "BadTimestamp"),
    ("2024-05-01T10:00:00ZINFO api: no space", "BadTimestamp"),
    ("2024-05-01X10:00:00Z INFO api: X for T", "BadTimestamp"),
    ("2024-05-01T10:00:00Z+01:00 INFO api: both", "BadTimestamp"),
    ("42 INFO api: just a number", "BadTimestamp"),
    ("2024-05-01T10:00:00Z info api: lower case", "BadLevel"),
    ("2024-05-01T10:00:00Z WARNING api: long name", "BadLevel"),
    ("2024-05-01T10:00:00Z Error api: mixed case", "BadLevel"),
    ("2024-05-01T10:00:00Z  INFO api: two spaces", "BadLevel"),
    ("2024-05-01T10:00:00Z", "BadLevel"),
    ("2024-05-01T10:00:00Z ", "BadLevel"),
    ("2024-05-01T10:00:00Z INF api: short", "BadLevel"),
    ("2024-05-01T10:00:00Z INFO", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO ", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO api:no space", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO api message", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO my api: space", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO : empty", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO a:b: colon", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO  api: two spaces", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO tab\tapi: tab", "BadComponent"),
    ("2024-05-01T10:00:00Z INFO api:", "BadComponent"),
];

/// How to write a generated log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// End some lines with `\r\n`.
    pub crlf: bool,
    /// Put bytes that are not UTF-8 into some lines.
    pub invalid_utf8: bool,
}

/// A generated log: its bytes and every item a parser must produce from it, in line order.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// The input.
    pub bytes: Vec<u8>,
    /// The items, in line order (a record before the problems on its lines).
    pub items: Vec<Item>,
    lines: u64,
    open: Option<(Record, Vec<Item>)>,
}

/// Byte sequences that are not valid UTF-8.
const BAD_BYTES: &[&[u8]] = &[
    b"\xff",
    b"\xc3(",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\x80\x80",
    b"\xf0\x9f\xa6",
];

impl Generated {
    fn close(&mut self) {
        if let Some((record, problems)) = self.open.take() {
            self.items.push(Item::Record(record));
            self.items.extend(problems);
        }
    }

    /// Appends one line (without its ending) written with `ending`.
    fn push_line(&mut self, line: &[u8], ending: &[u8]) {
        self.bytes.extend_from_slice(line);
        self.bytes.extend_from_slice(ending);
        self.lines += 1;
    }

    /// Appends a valid header line and opens its record.
    pub fn header(
        &mut self,
        stamp: &Stamp,
        level: Level,
        component: &str,
        message: &[u8],
        ending: &[u8],
    ) {
        self.close();
        let mut line = format!("{} {} {component}: ", stamp.text, level.as_str()).into_bytes();
        line.extend_from_slice(message);
        self.push_line(&line, ending);
        let bad = std::str::from_utf8(message).is_err();
        let record = Record {
            line: self.lines,
            timestamp_ms: stamp.ms,
            level,
            component: component.to_owned(),
            message: String::from_utf8_lossy(message).into_owned(),
        };
        let problems = if bad {
            vec![Item::problem(self.lines, "InvalidUtf8")]
        } else {
            Vec::new()
        };
        self.open = Some((record, problems));
    }

    /// Appends a continuation line (must not start with a digit).
    pub fn continuation(&mut self, text: &[u8], ending: &[u8]) {
        self.push_line(text, ending);
        let bad = std::str::from_utf8(text).is_err();
        let line = self.lines;
        match self.open.as_mut() {
            Some((record, problems)) => {
                record.message.push('\n');
                record.message.push_str(&String::from_utf8_lossy(text));
                if bad {
                    problems.push(Item::problem(line, "InvalidUtf8"));
                }
            }
            None => {
                self.items.push(Item::problem(line, "OrphanContinuation"));
                if bad {
                    self.items.push(Item::problem(line, "InvalidUtf8"));
                }
            }
        }
    }

    /// Appends a malformed header line reported as `kind`.
    pub fn malformed(&mut self, text: &[u8], kind: &str, ending: &[u8]) {
        self.close();
        self.push_line(text, ending);
        self.items.push(Item::problem(self.lines, kind));
        if std::str::from_utf8(text).is_err() {
            self.items.push(Item::problem(self.lines, "InvalidUtf8"));
        }
    }

    /// Ends the log: the last record is closed.
    pub fn finish(mut self) -> Generated {
        self.close();
        self
    }

    /// The bytes as text (only for logs without bad bytes).
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).unwrap_or_default()
    }

    /// How many lines the log has.
    pub fn line_count(&self) -> u64 {
        self.lines
    }
}

/// Returns `text` with a bad byte sequence inserted after its first character (or alone if empty).
fn with_bad_bytes(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut at = text.char_indices().nth(1).map_or(text.len(), |(i, _)| i);
    if rng.chance(50) {
        at = text.len();
    }
    let mut out = text.as_bytes()[..at].to_vec();
    out.extend_from_slice(BAD_BYTES[rng.index(BAD_BYTES.len())]);
    out.extend_from_slice(&text.as_bytes()[at..]);
    out
}

/// Generates a random log of about `blocks` records and problems in `style`, ending with a
/// newline or not at random.
pub fn generate(rng: &mut Rng, blocks: usize, style: Style) -> Generated {
    let mut log = Generated::default();
    let endings: &[&[u8]] = if style.crlf {
        &[b"\n", b"\r\n", b"\r\n"]
    } else {
        &[b"\n"]
    };
    let ending = |rng: &mut Rng| -> &'static [u8] { endings[rng.index(endings.len())] };
    let bad = |rng: &mut Rng| style.invalid_utf8 && rng.chance(15);
    if rng.chance(20) {
        for _ in 0..rng.range(1, 3) {
            let text = *rng.pick(CONTINUATIONS);
            let e = ending(rng);
            log.continuation(text.as_bytes(), e);
        }
    }
    for _ in 0..blocks {
        if rng.chance(15) {
            let (text, kind) = *rng.pick(MALFORMED);
            // Bad bytes go at the end, after the third space, where they cannot change the kind.
            let mut bytes = text.as_bytes().to_vec();
            if bad(rng) && text.matches(' ').count() >= 3 {
                bytes.extend_from_slice(BAD_BYTES[rng.index(BAD_BYTES.len())]);
            }
            let e = ending(rng);
            log.malformed(&bytes, kind, e);
        } else {
            let stamp = random_stamp(rng);
            let level = *rng.pick(&Level::ALL);
            let component = *rng.pick(COMPONENTS);
            let message = *rng.pick(MESSAGES);
            let bytes = if bad(rng) {
                with_bad_bytes(rng, message)
            } else {
                message.as_bytes().to_vec()
            };
            let e = ending(rng);
            log.header(&stamp, level, component, &bytes, e);
        }
        let extra = if rng.chance(40) { rng.range(1, 6) } else { 0 };
        for _ in 0..extra {
            let text = *rng.pick(CONTINUATIONS);
            let bytes = if bad(rng) {
                with_bad_bytes(rng, text)
            } else {
                text.as_bytes().to_vec()
            };
            let e = ending(rng);
            log.continuation(&bytes, e);
        }
    }
    if rng.chance(40) {
        // No final newline: drop the last line's ending, which changes nothing in the items.
        // (Only when the last line is not empty: an empty last line would vanish with its ending.)
        let ending_len = if log.bytes.ends_with(b"\r\n") { 2 } else { 1 };
        let last_line_empty =
            log.bytes.len() <= ending_len || log.bytes[log.bytes.len() - ending_len - 1] == b'\n';
        if log.bytes.ends_with(b"\n") && !last_line_empty {
            log.bytes.truncate(log.bytes.len() - ending_len);
        }
    }
    log.finish()
}

/// How many bytes a reader has handed out (consumed by the reader's user), shared with the check.
pub type Taken = std::rc::Rc<std::cell::Cell<u64>>;

/// A `BufRead` over fixed bytes that hands them out in chunks of the given sizes (cycled), can
/// return `Interrupted` before every other chunk, and can fail for good at a byte offset.
pub struct ChunkReader {
    data: Vec<u8>,
    pos: usize,
    chunk_end: usize,
    sizes: Vec<usize>,
    next_size: usize,
    interrupt: bool,
    interrupted_last: bool,
    fail_at: Option<usize>,
    /// Bytes consumed so far.
    pub taken: Taken,
}

impl ChunkReader {
    /// A reader of `data` in chunks of `sizes` (cycled; 0 entries mean "all at once").
    pub fn new(data: Vec<u8>, sizes: &[usize]) -> Self {
        ChunkReader {
            data,
            pos: 0,
            chunk_end: 0,
            sizes: sizes.to_vec(),
            next_size: 0,
            interrupt: false,
            interrupted_last: false,
            fail_at: None,
            taken: Taken::default(),
        }
    }

    /// Also returns `ErrorKind::Interrupted` before every other chunk.
    pub fn interrupting(mut self) -> Self {
        self.interrupt = true;
        self
    }

    /// Fails with `ErrorKind::Other` once `at` bytes have been handed out (and on every later call).
    pub fn failing_at(mut self, at: usize) -> Self {
        self.fail_at = Some(at);
        self
    }
}

impl std::io::Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead as _;
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl std::io::BufRead for ChunkReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos == self.chunk_end {
            if self.fail_at.is_some_and(|at| self.pos >= at) {
                return Err(std::io::Error::other(
                    "the disk went away (injected by the test)",
                ));
            }
            if self.interrupt && !self.interrupted_last && self.pos < self.data.len() {
                self.interrupted_last = true;
                return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
            }
            self.interrupted_last = false;
            let size = if self.sizes.is_empty() {
                self.data.len()
            } else {
                let s = self.sizes[self.next_size % self.sizes.len()];
                self.next_size += 1;
                s.max(1)
            };
            let mut end = (self.pos + size).min(self.data.len());
            if let Some(at) = self.fail_at {
                if self.pos < at {
                    end = end.min(at);
                }
            }
            self.chunk_end = end;
        }
        Ok(&self.data[self.pos..self.chunk_end])
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.chunk_end - self.pos);
        self.pos += amt;
        self.taken.set(self.taken.get() + amt as u64);
    }
}

/// A `BufRead` that makes its bytes up as it goes: `prefix` once, then `unit(i)` for i = 0, 1, …
/// until `limit` bytes have been handed out, after which it reports the end of the input and sets
/// `overran`. Hands out at most `chunk` bytes per `fill_buf`.
pub struct Endless<F: FnMut(u64) -> Vec<u8>> {
    unit: F,
    next: u64,
    buffer: Vec<u8>,
    pos: usize,
    chunk: usize,
    limit: u64,
    /// Bytes consumed so far.
    pub taken: Taken,
    /// Set once the reader hit `limit`.
    pub overran: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<F: FnMut(u64) -> Vec<u8>> Endless<F> {
    /// A reader of `prefix` then `unit(0)`, `unit(1)`, …, ending at `limit` bytes.
    pub fn new(prefix: &[u8], unit: F, chunk: usize, limit: u64) -> Self {
        Endless {
            unit,
            next: 0,
            buffer: prefix.to_vec(),
            pos: 0,
            chunk,
            limit,
            taken: Taken::default(),
            overran: Default::default(),
        }
    }
}

impl<F: FnMut(u64) -> Vec<u8>> std::io::Read for Endless<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead as _;
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<F: FnMut(u64) -> Vec<u8>> std::io::BufRead for Endless<F> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.taken.get() >= self.limit {
            self.overran.set(true);
            return Ok(&[]);
        }
        while self.pos >= self.buffer.len() {
            self.buffer = (self.unit)(self.next);
            self.next += 1;
            self.pos = 0;
        }
        let left = (self.limit - self.taken.get()).min(self.chunk as u64) as usize;
        let end = (self.pos + left).min(self.buffer.len());
        Ok(&self.buffer[self.pos..end])
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.buffer.len() - self.pos);
        self.pos += amt;
        self.taken.set(self.taken.get() + amt as u64);
    }
}

/// The byte offset just past the end of each line of `input` (index 0 is line 1), ending included.
pub fn line_ends(input: &[u8]) -> Vec<u64> {
    let mut ends: Vec<u64> = input
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i as u64 + 1)
        .collect();
    if ends.last().copied().unwrap_or(0) < input.len() as u64 {
        ends.push(input.len() as u64);
    }
    ends
}
