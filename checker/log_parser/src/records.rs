//! Stage records: header lines become records, continuation lines join them, broken lines are reported by line number.

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{parse, parse_timestamp, Level, Problem, ProblemKind, Record};
use crate::support::{
    excerpt, expect_items, generate, parsed_items, random_stamp, split_items, Item, Style,
    CONTINUATIONS, MALFORMED,
};

/// Returns the checks of stage records.
pub fn stage() -> Stage {
    Stage {
        slug: "records",
        checks: checks![
            a_header_line_becomes_a_record,
            continuation_lines_join_the_record_above_with_newlines,
            empty_and_blank_lines_inside_a_message_are_kept,
            the_message_is_everything_after_the_components_colon_space,
            a_record_of_a_hundred_thousand_lines_is_one_record,
            a_java_stack_trace_stays_with_its_record,
            a_python_traceback_stays_with_its_record,
            a_rust_panic_with_its_backtrace_stays_with_its_record,
            each_broken_header_is_reported_as_its_first_bad_field,
            broken_headers_between_good_records_keep_their_line_numbers,
            times_convert_to_utc_milliseconds,
            fractions_are_truncated_to_milliseconds,
            parse_timestamp_refuses_what_is_not_a_valid_time,
            levels_are_the_six_exact_upper_case_names,
            lines_after_a_malformed_header_are_orphans,
            lines_before_the_first_header_are_orphans,
            the_last_line_counts_without_a_final_newline,
            an_empty_input_has_no_lines_and_a_lone_newline_has_one,
            a_generated_log_with_every_kind_of_line_matches_line_by_line,
            every_prefix_and_odd_character_of_a_header_is_handled_without_panic,
            problem_display_starts_with_the_line_number,
            random_generated_logs_match_record_by_record,
            random_times_convert_exactly,
            random_junk_never_panics_and_every_line_is_accounted_for,
        ],
    }
}

/// A record, for expectations.
pub fn rec(line: u64, timestamp_ms: i64, level: Level, component: &str, message: &str) -> Item {
    Item::Record(Record {
        line,
        timestamp_ms,
        level,
        component: component.to_owned(),
        message: message.to_owned(),
    })
}

/// Parses `input` and compares records and problems with `expected` (in line order).
#[track_caller]
fn check(about: &str, input: &str, expected: &[Item]) {
    scenario(format!(
        "{about}\nparse() of this input:\n{}",
        excerpt(input.as_bytes(), 1, 40)
    ));
    step("parse(input)");
    let parsed = parse(input);
    let (records, problems) = parsed_items(&parsed);
    let (want_records, want_problems) = split_items(expected);
    expect_items("the records", input.as_bytes(), &records, &want_records);
    expect_items("the problems", input.as_bytes(), &problems, &want_problems);
}

const T0: i64 = 1_714_564_800_000; // 2024-05-01T12:00:00Z

fn a_header_line_becomes_a_record(_: &mut Ctx) {
    check(
        "one header line: <time> <LEVEL> <component>: <message>",
        "2024-05-01T12:00:03.250Z ERROR payments.api: charge failed for order 4411\n",
        &[rec(
            1,
            1_714_564_803_250,
            Level::Error,
            "payments.api",
            "charge failed for order 4411",
        )],
    );
    check(
        "two header lines in a row: two records, no continuation",
        "2024-05-01T12:00:00Z INFO web: up\n2024-05-01T12:00:01Z DEBUG web: tick\n",
        &[
            rec(1, T0, Level::Info, "web", "up"),
            rec(2, T0 + 1000, Level::Debug, "web", "tick"),
        ],
    );
}

fn continuation_lines_join_the_record_above_with_newlines(_: &mut Ctx) {
    check(
        "continuation lines (not starting with a digit) belong to the record above them",
        "2024-05-01T12:00:00Z ERROR db: query failed\n  at db.rs:10\n  at main.rs:3\nhint: retry\n\
         2024-05-01T12:00:01Z INFO db: recovered\n  after 1 retry\n",
        &[
            rec(
                1,
                T0,
                Level::Error,
                "db",
                "query failed\n  at db.rs:10\n  at main.rs:3\nhint: retry",
            ),
            rec(
                5,
                T0 + 1000,
                Level::Info,
                "db",
                "recovered\n  after 1 retry",
            ),
        ],
    );
    check(
        "continuation lines that start with characters near the digits: '-', ' 1', '.', a letter 'O'",
        "2024-05-01T12:00:00Z WARN q: lag\n-5 behind\n 12 partitions\n.5 ratio\nOx1\n",
        &[rec(1, T0, Level::Warn, "q", "lag\n-5 behind\n 12 partitions\n.5 ratio\nOx1")],
    );
}

fn empty_and_blank_lines_inside_a_message_are_kept(_: &mut Ctx) {
    check(
        "empty lines and lines of spaces are continuation lines, kept exactly (so are trailing spaces)",
        "2024-05-01T12:00:00Z ERROR py: boom  \n\n   \nlast \n2024-05-01T12:00:01Z INFO py: ok\n\n",
        &[
            rec(1, T0, Level::Error, "py", "boom  \n\n   \nlast "),
            rec(5, T0 + 1000, Level::Info, "py", "ok\n"),
        ],
    );
}

fn the_message_is_everything_after_the_components_colon_space(_: &mut Ctx) {
    check(
        "the message may be empty, may contain more \": \" and colons, and keeps every space",
        "2024-05-01T12:00:00Z INFO a: \n\
         2024-05-01T12:00:00Z INFO b: key: value: more\n\
         2024-05-01T12:00:00Z INFO c:  two leading spaces\n\
         2024-05-01T12:00:00Z INFO d: ::\n\
         2024-05-01T12:00:00Z INFO ünï-code.v2/x[1]: 日本 🦀\n",
        &[
            rec(1, T0, Level::Info, "a", ""),
            rec(2, T0, Level::Info, "b", "key: value: more"),
            rec(3, T0, Level::Info, "c", " two leading spaces"),
            rec(4, T0, Level::Info, "d", "::"),
            rec(5, T0, Level::Info, "ünï-code.v2/x[1]", "日本 🦀"),
        ],
    );
}

fn a_record_of_a_hundred_thousand_lines_is_one_record(_: &mut Ctx) {
    const LINES: usize = 100_000;
    scenario(format!(
        "a FATAL record followed by {LINES} continuation lines `\\tat frame_<i>(lib.rs:<i>)`, then one more record"
    ));
    let mut input = String::from("2024-05-01T12:00:00Z FATAL core: stack overflow\n");
    let mut message = String::from("stack overflow");
    for i in 0..LINES {
        let line = format!("\tat frame_{i}(lib.rs:{i})");
        input.push_str(&line);
        input.push('\n');
        message.push('\n');
        message.push_str(&line);
    }
    input.push_str("2024-05-01T12:00:01Z INFO core: restarted\n");
    step("parse(input)");
    let parsed = parse(&input);
    expect_eq("how many records", parsed.records.len(), 2);
    expect_eq("how many problems", parsed.problems.len(), 0);
    let first = &parsed.records[0];
    expect_eq(
        "continuation lines in the first record's message",
        first.message.matches('\n').count(),
        LINES,
    );
    expect(first.message == message, "the first record's message is not the header's message followed by the 100,000 lines joined by '\\n', each exactly as written");
    expect_eq(
        "line of the record after the long one (1 header + 100,000 lines before it)",
        parsed.records[1].line,
        LINES as u64 + 2,
    );
}

/// Checks a hand-written log whose records are listed as (line, time, level, component, message).
#[track_caller]
fn check_trace(about: &str, input: &str, expected: &[(u64, i64, Level, &str, &str)]) {
    let items: Vec<Item> = expected
        .iter()
        .map(|&(line, t, level, c, m)| rec(line, t, level, c, m))
        .collect();
    check(about, input, &items);
}

fn a_java_stack_trace_stays_with_its_record(_: &mut Ctx) {
    let trace = "Request processing failed: java.lang.IllegalStateException: ledger closed\n\
\tat com.acme.ledger.Ledger.post(Ledger.java:211)\n\
\tat com.acme.api.PaymentsController.charge(PaymentsController.java:87)\n\
\tat java.base/java.lang.Thread.run(Thread.java:833)\n\
Caused by: java.io.IOException: Broken pipe\n\
\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)\n\
\t... 3 more";
    let input = format!(
        "2024-05-01T12:00:00.120+02:00 INFO http-nio-8080-exec-3: GET /orders/7\n\
         2024-05-01T12:00:00.450+02:00 ERROR http-nio-8080-exec-3: {trace}\n\
         2024-05-01T12:00:01+02:00 WARN pool: connection 9 evicted\n"
    );
    let offset = -2 * 3_600_000;
    check_trace(
        "a Java service log: a request, an exception with its stack trace and cause, a warning",
        &input,
        &[
            (
                1,
                T0 + offset + 120,
                Level::Info,
                "http-nio-8080-exec-3",
                "GET /orders/7",
            ),
            (
                2,
                T0 + offset + 450,
                Level::Error,
                "http-nio-8080-exec-3",
                trace,
            ),
            (
                9,
                T0 + offset + 1000,
                Level::Warn,
                "pool",
                "connection 9 evicted",
            ),
        ],
    );
}

fn a_python_traceback_stays_with_its_record(_: &mut Ctx) {
    let trace = "unhandled exception in worker\n\
Traceback (most recent call last):\n  \
File \"/srv/app/jobs.py\", line 42, in run\n    \
total = int(row[\"amount\"])\n\
ValueError: invalid literal for int() with base 10: '12,50'\n\
\n\
During handling of the above exception, another exception occurred:\n\
\n\
Traceback (most recent call last):\n  \
File \"/srv/app/jobs.py\", line 44, in run\n    \
raise JobFailed(row_id)\n\
app.errors.JobFailed: 7781";
    let input = format!(
        "2024-05-01T12:00:00Z INFO celery.worker: job 7781 started\n\
         2024-05-01T12:00:00.5Z ERROR celery.worker: {trace}\n\
         2024-05-01T12:00:02Z INFO celery.worker: job 7782 started\n"
    );
    check_trace(
        "a Python worker log with a chained traceback (blank lines inside it)",
        &input,
        &[
            (1, T0, Level::Info, "celery.worker", "job 7781 started"),
            (2, T0 + 500, Level::Error, "celery.worker", trace),
            (
                14,
                T0 + 2000,
                Level::Info,
                "celery.worker",
                "job 7782 started",
            ),
        ],
    );
}

fn a_rust_panic_with_its_backtrace_stays_with_its_record(_: &mut Ctx) {
    let trace = "worker thread died\n\
thread 'tokio-runtime-worker' panicked at src/ingest.rs:88:14:\n\
called `Option::unwrap()` on a `None` value\n\
stack backtrace:\n   \
0: rust_begin_unwind\n             \
at /rustc/90b35a62/library/std/src/panicking.rs:652:5\n   \
1: core::panicking::panic\n   \
2: ingest::Batch::flush\n             \
at ./src/ingest.rs:88:14\n\
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.";
    let input = format!(
        "2024-05-01t12:00:00z DEBUG ingest: batch of 512\n\
         2024-05-01T12:00:00.999999999Z FATAL ingest: {trace}\n"
    );
    check_trace(
        "a Rust service log: a panic message and its backtrace (frame lines start with spaces, \
         lower-case t and z in the first time)",
        &input,
        &[
            (1, T0, Level::Debug, "ingest", "batch of 512"),
            (2, T0 + 999, Level::Fatal, "ingest", trace),
        ],
    );
}

fn each_broken_header_is_reported_as_its_first_bad_field(_: &mut Ctx) {
    for (line, kind) in MALFORMED {
        check(
            "a header line broken in one field is one problem, with the first bad field as its kind",
            &format!("{line}\n"),
            &[Item::problem(1, kind)],
        );
    }
}

fn broken_headers_between_good_records_keep_their_line_numbers(_: &mut Ctx) {
    let mut input = String::new();
    let mut expected = Vec::new();
    let mut line = 0;
    for (i, (bad, kind)) in MALFORMED.iter().enumerate() {
        line += 1;
        input.push_str(&format!("2024-05-01T12:00:00Z INFO seq: record {i}\n"));
        expected.push(rec(line, T0, Level::Info, "seq", &format!("record {i}")));
        line += 1;
        input.push_str(bad);
        input.push('\n');
        expected.push(Item::problem(line, kind));
    }
    check(
        "good records alternating with every kind of broken header: each problem on its own line number, \
         and no broken line glued onto the record above it",
        &input,
        &expected,
    );
}

/// (text, milliseconds) pairs of valid times.
const TIMES: &[(&str, i64)] = &[
    ("1970-01-01T00:00:00Z", 0),
    ("1970-01-01T00:00:00.001Z", 1),
    ("1969-12-31T23:59:59.999Z", -1),
    ("1969-07-20T20:17:40Z", -14_182_940_000),
    ("2000-01-01T00:00:00Z", 946_684_800_000),
    ("2000-02-29T12:00:00Z", 951_825_600_000),
    ("2024-02-29T23:59:59Z", 1_709_251_199_000),
    ("2024-05-01T12:00:00Z", T0),
    ("2024-05-01T12:00:00z", T0),
    ("2024-05-01t12:00:00Z", T0),
    ("2024-05-01T12:00:00+00:00", T0),
    ("2024-05-01T12:00:00-00:00", T0),
    ("2024-05-01T23:30:00-05:30", 1_714_626_000_000),
    ("2024-05-01T00:10:00+23:59", 1_714_435_860_000),
    ("2024-05-01T12:00:00.5+01:00", T0 - 3_600_000 + 500),
    ("0000-01-01T00:00:00Z", -62_167_219_200_000),
    ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
];

fn times_convert_to_utc_milliseconds(_: &mut Ctx) {
    scenario("parse_timestamp on valid RFC 3339 times: epoch, before 1970, leap days, offsets, year 0000 and 9999");
    for &(text, ms) in TIMES {
        step(format!("parse_timestamp({text:?})"));
        expect_eq(
            format!("parse_timestamp({text:?}): milliseconds since 1970-01-01T00:00:00Z, the offset subtracted to get UTC"),
            parse_timestamp(text),
            Some(ms),
        );
    }
    let input: String = TIMES
        .iter()
        .map(|(t, _)| format!("{t} INFO t: x\n"))
        .collect();
    let expected: Vec<Item> = TIMES
        .iter()
        .enumerate()
        .map(|(i, &(_, ms))| rec(i as u64 + 1, ms, Level::Info, "t", "x"))
        .collect();
    check("the same times in header lines", &input, &expected);
}

fn fractions_are_truncated_to_milliseconds(_: &mut Ctx) {
    scenario("fractions of 1 to 9 digits: milliseconds are the first three digits (padded), never rounded");
    for (frac, ms) in [
        ("1", 100),
        ("12", 120),
        ("123", 123),
        ("9999", 999),
        ("0009", 0),
        ("000999", 0),
        ("123456789", 123),
        ("999999999", 999),
        ("0", 0),
    ] {
        let text = format!("1970-01-01T00:00:10.{frac}Z");
        step(format!("parse_timestamp({text:?})"));
        expect_eq(
            format!("parse_timestamp({text:?}): the fraction .{frac} is truncated to whole milliseconds"),
            parse_timestamp(&text),
            Some(10_000 + ms),
        );
    }
}

fn parse_timestamp_refuses_what_is_not_a_valid_time(_: &mut Ctx) {
    scenario("parse_timestamp on strings that are not valid RFC 3339 times (as the stage describes them)");
    let mut bad: Vec<String> = MALFORMED
        .iter()
        .filter(|(_, kind)| *kind == "BadTimestamp")
        .map(|(line, _)| line.split(' ').next().unwrap_or(line).to_owned())
        .collect();
    bad.extend(
        [
            "",
            "1900-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2024-06-31T00:00:00Z",
            "2024-05-01T12:00Z",
            "2024-05-01T12:00:00",
            "2024-05-01T12:00:00+01",
            "2024-05-01T12:00:00+1:00",
            "2024-05-01T12:00:00ZZ",
            "2024-05-01T12:00:00Z ",
            " 2024-05-01T12:00:00Z",
            "2024-05-01T12:00:00.1.2Z",
            "+2024-05-01T12:00:00Z",
            "-001-05-01T12:00:00Z",
            "10000-01-01T00:00:00Z",
            "２024-05-01T12:00:00Z",
            "2024-05-01T12:00:0éZ",
            "2024-05-01T12:00:00é",
            "2024-05-01T12:00:00+01:0é",
            "2024-05-01T12:00:00.é",
            "2024-05-01T12:00:00.12é",
            "2024-05-01T12:00:00.1234567890123456789Z",
            "2024-05-01T12:00:00Z\n",
        ]
        .map(str::to_owned),
    );
    for text in &bad {
        step(format!("parse_timestamp({text:?})"));
        expect_eq(
            format!("parse_timestamp({text:?}): not a valid time (wrong field, impossible date, missing or extra characters)"),
            parse_timestamp(text),
            None,
        );
    }
}

fn levels_are_the_six_exact_upper_case_names(_: &mut Ctx) {
    scenario("Level::from_name and as_str, then each level in a header line");
    for level in Level::ALL {
        let name = level.as_str();
        step(format!("Level::{level:?}.as_str() -> {name:?}"));
        expect_eq(
            format!("Level::from_name({name:?})"),
            Level::from_name(name),
            Some(level),
        );
    }
    let names: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
    expect_eq(
        "the names of Level::ALL",
        names,
        vec!["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"],
    );
    for wrong in [
        "info", "Info", "WARNING", "ERR", "", " INFO", "INFO ", "FATAL!", "ΙNFO",
    ] {
        step(format!("Level::from_name({wrong:?})"));
        expect_eq(
            format!("Level::from_name({wrong:?}): only the exact upper-case names"),
            Level::from_name(wrong),
            None,
        );
    }
    let input: String = Level::ALL
        .iter()
        .map(|l| format!("2024-05-01T12:00:00Z {} svc: {}\n", l.as_str(), l.as_str()))
        .collect();
    let expected: Vec<Item> = Level::ALL
        .iter()
        .enumerate()
        .map(|(i, l)| rec(i as u64 + 1, T0, *l, "svc", l.as_str()))
        .collect();
    check("one header line per level", &input, &expected);
}

fn lines_after_a_malformed_header_are_orphans(_: &mut Ctx) {
    check(
        "a broken header followed by its stack trace: the trace lines have no record to continue, \
         so each is an OrphanContinuation (never glued onto the good record above)",
        "2024-05-01T12:00:00Z INFO api: fine\n  fine detail\n2024-05-01T12:00:01Z BOOM api: broken\n\tat a\n\tat b\n\
         2024-05-01T12:00:02Z INFO api: fine again\n  detail\n",
        &[
            rec(1, T0, Level::Info, "api", "fine\n  fine detail"),
            Item::problem(3, "BadLevel"),
            Item::problem(4, "OrphanContinuation"),
            Item::problem(5, "OrphanContinuation"),
            rec(6, T0 + 2000, Level::Info, "api", "fine again\n  detail"),
        ],
    );
}

fn lines_before_the_first_header_are_orphans(_: &mut Ctx) {
    check(
        "the log starts in the middle of a stack trace (a rotated file): those lines are orphans",
        "\tat com.acme.Foo.bar(Foo.java:1)\n\n... 2 more\n2024-05-01T12:00:00Z INFO api: first\n",
        &[
            Item::problem(1, "OrphanContinuation"),
            Item::problem(2, "OrphanContinuation"),
            Item::problem(3, "OrphanContinuation"),
            rec(4, T0, Level::Info, "api", "first"),
        ],
    );
}

fn the_last_line_counts_without_a_final_newline(_: &mut Ctx) {
    check(
        "the input ends in a header line with no final newline",
        "2024-05-01T12:00:00Z INFO api: a\n2024-05-01T12:00:01Z INFO api: last",
        &[
            rec(1, T0, Level::Info, "api", "a"),
            rec(2, T0 + 1000, Level::Info, "api", "last"),
        ],
    );
    check(
        "the input ends in a continuation line with no final newline",
        "2024-05-01T12:00:00Z ERROR api: a\n  at x",
        &[rec(1, T0, Level::Error, "api", "a\n  at x")],
    );
    check(
        "the input ends in a broken header with no final newline",
        "2024-05-01T12:00:00Z INFO api: a\n2024-05-01T12:00:01Z INFO api",
        &[
            rec(1, T0, Level::Info, "api", "a"),
            Item::problem(2, "BadComponent"),
        ],
    );
    check(
        "the input ends in an orphan line with no final newline",
        "  orphan",
        &[Item::problem(1, "OrphanContinuation")],
    );
}

fn an_empty_input_has_no_lines_and_a_lone_newline_has_one(_: &mut Ctx) {
    check("an empty input: no lines, nothing to report", "", &[]);
    check(
        "a single \"\\n\": one empty line, which has no record to continue",
        "\n",
        &[Item::problem(1, "OrphanContinuation")],
    );
    check(
        "\"\\n\\n\": two empty lines",
        "\n\n",
        &[
            Item::problem(1, "OrphanContinuation"),
            Item::problem(2, "OrphanContinuation"),
        ],
    );
    check(
        "a header then an empty last line: the empty line continues the record",
        "2024-05-01T12:00:00Z INFO api: a\n\n",
        &[rec(1, T0, Level::Info, "api", "a\n")],
    );
}

#[track_caller]
fn check_generated(about: &str, rng: &mut Rng, blocks: usize) {
    let log = generate(rng, blocks, Style::default());
    let text = log.text();
    scenario(format!(
        "{about}\na generated log of {} lines (records with continuation lines, every kind of broken \
         header, orphans, no final newline sometimes); the items expected are known line by line",
        log.line_count()
    ));
    step("parse(log)");
    let parsed = parse(&text);
    let (records, problems) = parsed_items(&parsed);
    let (want_records, want_problems) = split_items(&log.items);
    expect_items("the records", &log.bytes, &records, &want_records);
    expect_items("the problems", &log.bytes, &problems, &want_problems);
}

fn a_generated_log_with_every_kind_of_line_matches_line_by_line(_: &mut Ctx) {
    let mut rng = Rng::new(20_240_501);
    check_generated("a fixed generated log", &mut rng, 400);
}

fn random_generated_logs_match_record_by_record(ctx: &mut Ctx) {
    for _ in 0..20 {
        let blocks = ctx.rng().range(0, 120) as usize;
        check_generated("a random generated log", ctx.rng(), blocks);
    }
}

fn random_times_convert_exactly(ctx: &mut Ctx) {
    scenario("random valid times (years 0000-9999, random offsets, 0-9 fraction digits) through parse_timestamp");
    for _ in 0..2000 {
        let stamp = random_stamp(ctx.rng());
        expect_eq(
            format!("parse_timestamp({:?})", stamp.text),
            parse_timestamp(&stamp.text),
            Some(stamp.ms),
        );
    }
}

/// Fails unless the records and problems of `parsed` cover lines `1..=lines` exactly once each.
#[track_caller]
fn expect_every_line_accounted_for(input: &str, lines: u64) {
    let parsed = parse(input);
    let mut owner = vec![0u32; lines as usize + 2];
    for r in &parsed.records {
        let span = r.message.matches('\n').count() as u64;
        for l in r.line..=r.line + span {
            if let Some(o) = owner.get_mut(l as usize) {
                *o += 1;
            }
        }
    }
    for p in &parsed.problems {
        if let Some(o) = owner.get_mut(p.line as usize) {
            *o += 1;
        }
    }
    for l in 1..=lines {
        let n = owner[l as usize];
        if n != 1 {
            fail(format!(
                "line {l} belongs to {n} records/problems; every line must end up in exactly one record or \
                 one problem.\nThe input:\n{}records: {:?}\nproblems: {:?}",
                excerpt(input.as_bytes(), 1, 30),
                parsed.records,
                parsed.problems
            ));
        }
    }
}

fn every_prefix_and_odd_character_of_a_header_is_handled_without_panic(_: &mut Ctx) {
    let header = "2024-05-01T12:00:00.123+05:30 ERROR db.pool: lost";
    scenario(format!("every prefix of {header:?}, and the header with each character replaced by 'é', '日' or '🦀', parsed alone: no panic, one record or one problem"));
    let chars: Vec<(usize, char)> = header.char_indices().collect();
    let mut inputs: Vec<String> = (1..=header.len()).map(|n| header[..n].to_owned()).collect();
    for &(i, c) in &chars {
        for odd in ['é', '日', '🦀'] {
            inputs.push(format!(
                "{}{odd}{}",
                &header[..i],
                &header[i + c.len_utf8()..]
            ));
        }
    }
    for input in &inputs {
        step(format!("parse({input:?})"));
        let parsed = parse(input);
        let items = parsed.records.len() + parsed.problems.len();
        expect_eq(
            format!("records + problems for the one line {input:?}"),
            items,
            1,
        );
        if !input.starts_with(|c: char| c.is_ascii_digit()) {
            expect_eq(
                format!("the problems of {input:?}, a line not starting with a digit"),
                parsed.problems,
                vec![Problem {
                    line: 1,
                    kind: ProblemKind::OrphanContinuation,
                }],
            );
        }
    }
}

fn problem_display_starts_with_the_line_number(_: &mut Ctx) {
    scenario("Problem's Display");
    for (line, kind) in [
        (7, ProblemKind::BadLevel),
        (1, ProblemKind::OrphanContinuation),
        (123_456, ProblemKind::BadTimestamp),
    ] {
        let problem = Problem { line, kind };
        let shown = problem.to_string();
        step(format!(
            "Problem {{ line: {line}, kind: {kind:?} }}.to_string() -> {shown:?}"
        ));
        expect(
            shown.starts_with(&format!("line {line}: ")) && shown.len() > format!("line {line}: ").len(),
            format!("Display of {problem:?} must start with \"line {line}: \" followed by a description; got {shown:?}"),
        );
    }
}

fn random_junk_never_panics_and_every_line_is_accounted_for(ctx: &mut Ctx) {
    const PIECES: &[&str] = &[
        "2024-05-01T12:00:00Z",
        "2024-02-29T00:00:00.5+01:00",
        "9",
        "0",
        "-",
        ":",
        ": ",
        " ",
        "T",
        "Z",
        ".",
        "+",
        "INFO",
        "ERROR",
        "info",
        "api",
        "é",
        "日本",
        "🦀",
        "\t",
        "\"",
        "a",
        "99999999999999999999",
        "2024-05-01T12:00:00.",
        "2024-05-01T12:00:00+",
        "１",
    ];
    for round in 0..300 {
        let rng = ctx.rng();
        let lines = rng.range(1, 8);
        let mut input = String::new();
        for l in 0..lines {
            for _ in 0..rng.range(0, 8) {
                input.push_str(PIECES[rng.index(PIECES.len())]);
            }
            if l + 1 < lines || rng.chance(50) {
                input.push('\n');
            }
        }
        let line_count = if input.is_empty() {
            0
        } else {
            input.split_inclusive('\n').count() as u64
        };
        scenario(format!(
            "random junk #{round} made of header-like pieces and multi-byte characters:\n{}",
            excerpt(input.as_bytes(), 1, 10)
        ));
        step("parse(input)");
        expect_every_line_accounted_for(&input, line_count);
    }
    let _ = CONTINUATIONS;
}
