//! Stage streaming: records from any reader, one at a time, in bounded memory, through CRLF, bad UTF-8, runaway records and flaky reads.

use std::io::BufRead;

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{parse, Entry, Level, LogReader, DEFAULT_MAX_RECORD_BYTES};
use crate::records::rec;
use crate::support::{
    excerpt, expect_items, generate, line_ends, parsed_items, split_items, ChunkReader, Endless,
    Item, Style,
};

/// Returns the checks of stage streaming.
pub fn stage() -> Stage {
    Stage {
        slug: "streaming",
        checks: checks![
            the_reader_yields_records_and_problems_in_line_order,
            a_generated_log_with_crlf_and_bad_bytes_matches_line_by_line,
            entries_come_out_as_soon_as_their_lines_are_read,
            a_huge_log_is_read_as_it_goes_not_all_at_once,
            an_endless_record_is_reported_too_long_without_reading_it_all,
            an_endless_line_is_reported_too_long_without_reading_it_all,
            short_reads_and_interrupted_change_nothing,
            an_io_error_is_yielded_once_and_ends_the_stream,
            crlf_ends_a_line_and_its_cr_is_not_kept,
            invalid_utf8_is_decoded_lossily_and_reported_after_its_entry,
            a_record_of_exactly_the_limit_is_kept_and_one_byte_more_is_too_long,
            crlf_endings_do_not_count_toward_the_limit,
            lines_after_a_too_long_record_are_skipped_and_still_counted,
            a_too_long_orphan_line_is_reported_alone,
            problems_before_the_limit_come_after_too_long,
            the_default_limit_is_16_mib,
            the_iterator_keeps_returning_none_after_the_end,
            random_logs_through_random_reads_match_the_known_items,
            parse_agrees_with_the_reader,
        ],
    }
}

/// Turns an entry into an item.
fn item(entry: Entry) -> Item {
    match entry {
        Entry::Record(r) => Item::Record(r),
        Entry::Problem(p) => Item::Problem(p.line, format!("{:?}", p.kind)),
    }
}

/// Reads every entry of `reader`, failing on an I/O error.
#[track_caller]
/// Calls `next()` `n` times, logging each call, and renders each answer as the item it yielded,
/// `"Err"` or `"None"`.
fn next_calls<R: BufRead>(entries: &mut LogReader<R>, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let next = entries.next();
            step(format!(
                "next() -> {}",
                syskata_kit::fail::shorten(&format!("{next:?}"))
            ));
            match next {
                Some(Ok(e)) => format!("{:?}", item(e)),
                Some(Err(_)) => "Err".to_owned(),
                None => "None".to_owned(),
            }
        })
        .collect()
}

fn read_all<R: BufRead>(reader: LogReader<R>) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, entry) in reader.enumerate() {
        match entry {
            Ok(entry) => out.push(item(entry)),
            Err(e) => fail(format!(
                "entry #{i}: the reader returned Err({e:?}) but the input reader never failed \
                 (Interrupted must be retried, never returned)"
            )),
        }
    }
    out
}

/// Reads `input` through chunks of `sizes` (and Interrupted if asked) with `limit`, and compares.
#[track_caller]
fn check_with(
    about: &str,
    input: &[u8],
    sizes: &[usize],
    interrupt: bool,
    limit: usize,
    expected: &[Item],
) {
    scenario(format!(
        "{about}\nLogReader::with_max_record_bytes(reader, {limit}) over this input, handed out in chunks of {sizes:?} bytes{}:\n{}",
        if interrupt { " with ErrorKind::Interrupted before every other chunk" } else { "" },
        excerpt(input, 1, 40)
    ));
    let mut reader = ChunkReader::new(input.to_vec(), sizes);
    if interrupt {
        reader = reader.interrupting();
    }
    step("collect every entry");
    let got = read_all(LogReader::with_max_record_bytes(reader, limit));
    expect_items(
        "the entries (records and problems in line order)",
        input,
        &got,
        expected,
    );
}

#[track_caller]
fn check(about: &str, input: &[u8], expected: &[Item]) {
    check_with(about, input, &[], false, usize::MAX, expected);
}

const T0: i64 = 1_714_564_800_000; // 2024-05-01T12:00:00Z

fn the_reader_yields_records_and_problems_in_line_order(_: &mut Ctx) {
    check(
        "a small log with a record, a broken header with an orphan under it, and a record at the end",
        b"2024-05-01T12:00:00Z INFO a: one\n  more\n2024-05-01T12:00:01Z NOPE a: x\n\tat y\n2024-05-01T12:00:02Z WARN a: two",
        &[
            rec(1, T0, Level::Info, "a", "one\n  more"),
            Item::problem(3, "BadLevel"),
            Item::problem(4, "OrphanContinuation"),
            rec(5, T0 + 2000, Level::Warn, "a", "two"),
        ],
    );
    check("an empty input", b"", &[]);
}

fn a_generated_log_with_crlf_and_bad_bytes_matches_line_by_line(_: &mut Ctx) {
    let mut rng = Rng::new(77);
    let log = generate(
        &mut rng,
        300,
        Style {
            crlf: true,
            invalid_utf8: true,
        },
    );
    check_with(
        "a fixed generated log: CRLF and LF endings, bad UTF-8 in every kind of line, broken headers, orphans",
        &log.bytes,
        &[4096],
        false,
        usize::MAX,
        &log.items,
    );
}

/// The last line an item needs: a record's last continuation line, or the problem's own line.
fn last_line(item: &Item) -> u64 {
    match item {
        Item::Record(r) => r.line + r.message.matches('\n').count() as u64,
        Item::Problem(line, _) => *line,
    }
}

fn entries_come_out_as_soon_as_their_lines_are_read(_: &mut Ctx) {
    let mut rng = Rng::new(5);
    let log = generate(
        &mut rng,
        60,
        Style {
            crlf: true,
            invalid_utf8: true,
        },
    );
    let ends = line_ends(&log.bytes);
    scenario(format!(
        "a generated log of {} lines handed out ONE BYTE per fill_buf; after each entry we look at how many bytes \
         you took: at most the entry's own lines plus the line after it (a record is only complete once the next \
         header is seen; a problem as soon as its line is read)\n{}",
        log.line_count(),
        excerpt(&log.bytes, 1, 12)
    ));
    let reader = ChunkReader::new(log.bytes.clone(), &[1]);
    let taken = reader.taken.clone();
    let mut entries = LogReader::with_max_record_bytes(reader, usize::MAX);
    // A record is followed by the problems found on its lines: they need the record's lines.
    let mut needed_through = 0;
    for (i, want) in log.items.iter().enumerate() {
        let got = match entries.next() {
            Some(Ok(e)) => item(e),
            other => fail(format!("entry #{i}: expected {want:?}, got {other:?}")),
        };
        expect_eq(format!("entry #{i}"), &got, want);
        if let Item::Record(_) = want {
            needed_through = last_line(want);
        } else if last_line(want) > needed_through {
            needed_through = last_line(want);
        }
        let allowed_line = (needed_through + 1).min(ends.len() as u64);
        let allowed = ends[allowed_line as usize - 1] + 1;
        let took = taken.get();
        step(format!(
            "entry #{i} at line {} -> {took} bytes taken so far",
            want.line()
        ));
        if took > allowed {
            fail(format!(
                "after yielding entry #{i} ({}) you had taken {took} bytes from the reader, but that entry needs \
                 only the input through line {needed_through} and one more line (byte {allowed} at most). \
                 The reader must not read ahead: it holds one record and one line, no more.\n{}",
                crate::support::show_item(want),
                excerpt(&log.bytes, needed_through.saturating_sub(1).max(1), allowed_line + 1)
            ));
        }
    }
}

/// The text of generated record `i` of the huge log: a header and `i % 4` continuation lines.
fn huge_record(i: u64) -> Vec<u8> {
    let mut text = format!(
        "2024-05-01T12:{:02}:{:02}Z INFO gen: record {i}\n",
        i / 60 % 60,
        i % 60
    );
    for k in 0..i % 4 {
        text.push_str(&format!("  at frame {k} of record {i}\n"));
    }
    text.into_bytes()
}

fn a_huge_log_is_read_as_it_goes_not_all_at_once(_: &mut Ctx) {
    const LIMIT: u64 = 20 << 20;
    const CHUNK: usize = 4096;
    const SLACK: u64 = 64 * 1024;
    const CHECKED: u64 = 3000;
    scenario(format!(
        "a reader that makes up a {} MB log as it goes (record i = a header `record i` and i % 4 continuation \
         lines), {CHUNK} bytes per fill_buf; we take the first {CHECKED} records and check after each how much \
         of the input you took: at most that record, the next header and {} KiB of buffering",
        LIMIT >> 20,
        SLACK / 1024
    ));
    let reader = Endless::new(b"", huge_record, CHUNK, LIMIT);
    let (taken, overran) = (reader.taken.clone(), reader.overran.clone());
    let mut entries = LogReader::new(reader);
    let mut end_of_record = 0u64;
    for i in 0..CHECKED {
        let got = entries.next();
        if overran.get() {
            fail(format!(
                "you read the whole {} MB input before yielding record {i}: records must come out while the \
                 input is read (memory must follow the longest record, not the input)",
                LIMIT >> 20
            ));
        }
        let record = match got {
            Some(Ok(Entry::Record(r))) => r,
            other => fail(format!(
                "entry #{i}: expected the record `record {i}`, got {other:?}"
            )),
        };
        end_of_record += huge_record(i).len() as u64;
        let next_header = huge_record(i + 1).len() as u64;
        let allowed = end_of_record + next_header + CHUNK as u64 + SLACK;
        if record.message.lines().next() != Some(format!("record {i}").as_str()) {
            fail(format!(
                "entry #{i}: expected the record `record {i}`, got {record:?}"
            ));
        }
        if taken.get() > allowed {
            fail(format!(
                "after yielding record {i} (which ends at byte {end_of_record}) you had taken {} bytes from the \
                 reader; at most {allowed} are needed (the next header, one buffer, {SLACK} bytes of slack). \
                 Reading far ahead means memory follows the input instead of the longest record.",
                taken.get()
            ));
        }
    }
}

/// A reader whose input is a header and then whatever `unit` makes, forever (capped at `cap`).
fn endless_after_header(unit: fn(u64) -> Vec<u8>, cap: u64) -> Endless<fn(u64) -> Vec<u8>> {
    Endless::new(
        b"2024-05-01T12:00:00Z FATAL gc: out of memory\n",
        unit,
        4096,
        cap,
    )
}

#[track_caller]
fn check_endless(about: &str, unit: fn(u64) -> Vec<u8>) {
    const MAX: usize = 64 * 1024;
    const CAP: u64 = 64 << 20;
    scenario(format!(
        "{about}\nLogReader::with_max_record_bytes(reader, {MAX}); the first next() must report \
         Problem {{ line: 1, kind: TooLong }} as soon as the record passes {MAX} bytes"
    ));
    let reader = endless_after_header(unit, CAP);
    let (taken, overran) = (reader.taken.clone(), reader.overran.clone());
    let mut entries = LogReader::with_max_record_bytes(reader, MAX);
    step("next()");
    let first = entries.next();
    if overran.get() {
        fail(format!(
            "you read {} MB without reporting anything: a record that passes the limit must be reported \
             as TooLong right away, without reading the rest of it (it may never end)",
            CAP >> 20
        ));
    }
    match first {
        Some(Ok(Entry::Problem(p))) if p.line == 1 && format!("{:?}", p.kind) == "TooLong" => {}
        other => fail(format!(
            "the first entry: expected Problem {{ line: 1, kind: TooLong }}, got {other:?}"
        )),
    }
    let allowed = MAX as u64 + 2 * 4096 + 64 * 1024;
    expect(
        taken.get() <= allowed,
        format!(
            "when TooLong came out you had taken {} bytes; the limit is {MAX}, so about that much (plus a \
             buffer, at most {allowed}) is all you need to read to know",
            taken.get()
        ),
    );
}

fn an_endless_record_is_reported_too_long_without_reading_it_all(_: &mut Ctx) {
    check_endless(
        "a FATAL header followed by continuation lines `\\tat frame_<i>` forever",
        |i| format!("\tat frame_{i}\n").into_bytes(),
    );
}

fn an_endless_line_is_reported_too_long_without_reading_it_all(_: &mut Ctx) {
    check_endless(
        "a FATAL header followed by one continuation line that never ends (`xxxx…`, no newline ever)",
        |_| vec![b'x'; 1000],
    );
}

fn short_reads_and_interrupted_change_nothing(_: &mut Ctx) {
    let mut rng = Rng::new(99);
    let log = generate(
        &mut rng,
        40,
        Style {
            crlf: true,
            invalid_utf8: true,
        },
    );
    for sizes in [&[1usize][..], &[3], &[2, 7, 1, 5, 3, 11], &[64]] {
        check_with(
            "the same generated log through a reader that hands out a few bytes at a time, so lines and \
             `\\r\\n` endings are split across fill_buf calls",
            &log.bytes,
            sizes,
            true,
            usize::MAX,
            &log.items,
        );
    }
    let java = "2024-05-01T12:00:00Z ERROR api: boom\n\tat a.B.c(B.java:1)\r\nCaused by: x\n\t... 2 more\n2024-05-01T12:00:01Z INFO api: ok";
    check_with(
        "a short Java trace through 1-byte reads with Interrupted between them",
        java.as_bytes(),
        &[1],
        true,
        usize::MAX,
        &[
            rec(
                1,
                T0,
                Level::Error,
                "api",
                "boom\n\tat a.B.c(B.java:1)\nCaused by: x\n\t... 2 more",
            ),
            rec(5, T0 + 1000, Level::Info, "api", "ok"),
        ],
    );
}

fn an_io_error_is_yielded_once_and_ends_the_stream(_: &mut Ctx) {
    let input = b"2024-05-01T12:00:00Z INFO a: one\n2024-05-01T12:00:01Z INFO a: two\n2024-05-01T12:00:02Z ERROR a: three\n  at x\n  at y\n";
    let fail_at = input.len() - 4; // in the middle of "  at y"
    scenario(format!(
        "a reader that fails with ErrorKind::Other after {fail_at} bytes (in the last continuation line of record 3), \
         handed out in chunks of 5 bytes:\n{}",
        excerpt(input, 1, 5)
    ));
    let reader = ChunkReader::new(input.to_vec(), &[5]).failing_at(fail_at);
    let mut entries = LogReader::new(reader);
    let got = next_calls(&mut entries, 6);
    let expected: Vec<String> = vec![
        format!("{:?}", rec(1, T0, Level::Info, "a", "one")),
        format!("{:?}", rec(2, T0 + 1000, Level::Info, "a", "two")),
        "Err".to_owned(),
        "None".to_owned(),
        "None".to_owned(),
        "None".to_owned(),
    ];
    expect_eq(
        "six calls of next(): records 1 and 2 (complete before the failure), then the error once, then None \
         for good (record 3 was still being assembled: it is dropped)",
        got,
        expected,
    );
    let cut = b"2024-05-01T12:00:00Z INFO a: one\n  more\n2024-05-01T12:00:01Z INFO a: two\n";
    let fail_at = cut.iter().rposition(|&b| b == b'Z').unwrap_or(0); // inside the second header
    scenario(format!(
        "a reader that fails after {fail_at} bytes, in the middle of the header line of record 2, handed out in \
         chunks of 7 bytes: record 1 is complete (the next header has started), so it comes out before the error:\n{}",
        excerpt(cut, 1, 3)
    ));
    let mut entries = LogReader::new(ChunkReader::new(cut.to_vec(), &[7]).failing_at(fail_at));
    let got = next_calls(&mut entries, 4);
    expect_eq(
        "four calls of next(): the complete record 1, then the error once, then None",
        got,
        vec![
            format!("{:?}", rec(1, T0, Level::Info, "a", "one\n  more")),
            "Err".to_owned(),
            "None".to_owned(),
            "None".to_owned(),
        ],
    );
    scenario("a reader that fails on its very first read");
    let mut entries = LogReader::new(ChunkReader::new(input.to_vec(), &[5]).failing_at(0));
    let first = entries.next();
    expect(
        matches!(first, Some(Err(_))),
        format!("first next(): expected Some(Err(..)), got {first:?}"),
    );
    let second = entries.next();
    expect(
        second.is_none(),
        format!("second next(): expected None (the stream ended with the error), got {second:?}"),
    );
}

fn crlf_ends_a_line_and_its_cr_is_not_kept(_: &mut Ctx) {
    let input = "2024-05-01T12:00:00Z ERROR win: failed\r\n  at a\r\n\r\n  at b\n2024-05-01T12:00:01Z INFO win: mid\rdle\r\n2024-05-01T12:00:02Z INFO win: cr at the end\r";
    let expected = [
        rec(1, T0, Level::Error, "win", "failed\n  at a\n\n  at b"),
        rec(5, T0 + 1000, Level::Info, "win", "mid\rdle"),
        rec(6, T0 + 2000, Level::Info, "win", "cr at the end\r"),
    ];
    check(
        "`\\r\\n` and `\\n` endings mixed, an empty `\\r\\n` line, a `\\r` inside a message, and a `\\r` as the very \
         last byte (no `\\n` after it: an ordinary character)",
        input.as_bytes(),
        &expected,
    );
    check_with(
        "the same through 1-byte reads",
        input.as_bytes(),
        &[1],
        false,
        usize::MAX,
        &expected,
    );
    scenario(format!(
        "parse() of the same input:\n{}",
        excerpt(input.as_bytes(), 1, 10)
    ));
    step("parse(input)");
    let (records, problems) = parsed_items(&parse(input));
    expect_items(
        "parse's records (CRLF rules hold for parse too)",
        input.as_bytes(),
        &records,
        &expected,
    );
    expect_items("parse's problems", input.as_bytes(), &problems, &[]);
    check(
        "a broken header ending in `\\r\\n`: the `\\r` does not change its kind",
        b"2024-05-01T12:00:00Z INFO\r\n2024-05-01T12:00:00Z\r\n",
        &[
            Item::problem(1, "BadComponent"),
            Item::problem(2, "BadLevel"),
        ],
    );
}

fn invalid_utf8_is_decoded_lossily_and_reported_after_its_entry(_: &mut Ctx) {
    let input: &[u8] = b"2024-05-01T12:00:00Z ERROR io: bad \xff byte\n  frame \xc3(\n  ok\n\
2024-05-01T12:00:01Z NOPE io: \xe2\x82 x\n\xed\xa0\x80 orphan\n2024-05-01T12:00:02Z INFO io: fine\n";
    check(
        "bad UTF-8 in a header's message, in a continuation line, in a broken header and in an orphan line",
        input,
        &[
            rec(1, T0, Level::Error, "io", "bad \u{fffd} byte\n  frame \u{fffd}(\n  ok"),
            Item::problem(1, "InvalidUtf8"),
            Item::problem(2, "InvalidUtf8"),
            Item::problem(4, "BadLevel"),
            Item::problem(4, "InvalidUtf8"),
            Item::problem(5, "OrphanContinuation"),
            Item::problem(5, "InvalidUtf8"),
            rec(6, T0 + 2000, Level::Info, "io", "fine"),
        ],
    );
    check(
        "a bad byte in the component: the line is decoded with U+FFFD and used as usual",
        b"2024-05-01T12:00:00Z WARN d\xffb: x\n",
        &[
            rec(1, T0, Level::Warn, "d\u{fffd}b", "x"),
            Item::problem(1, "InvalidUtf8"),
        ],
    );
}

/// A header (31 bytes) and a continuation line, `extra` bytes over `limit` in all.
fn sized_record(limit: usize, extra: usize, ending: &str) -> (Vec<u8>, String) {
    let header = "2024-05-01T12:00:00Z INFO s: m";
    let body = "x".repeat(limit + extra - header.len());
    (
        format!("{header}{ending}{body}{ending}2024-05-01T12:00:01Z INFO s: next{ending}")
            .into_bytes(),
        body,
    )
}

fn a_record_of_exactly_the_limit_is_kept_and_one_byte_more_is_too_long(_: &mut Ctx) {
    const LIMIT: usize = 100;
    let (input, body) = sized_record(LIMIT, 0, "\n");
    check_with(
        "a record whose two lines add up to exactly the limit (endings not counted): it is kept",
        &input,
        &[7],
        false,
        LIMIT,
        &[
            rec(1, T0, Level::Info, "s", &format!("m\n{body}")),
            rec(3, T0 + 1000, Level::Info, "s", "next"),
        ],
    );
    let (input, _) = sized_record(LIMIT, 1, "\n");
    check_with(
        "the same record one byte longer: TooLong at its first line, then the next record as usual",
        &input,
        &[7],
        false,
        LIMIT,
        &[
            Item::problem(1, "TooLong"),
            rec(3, T0 + 1000, Level::Info, "s", "next"),
        ],
    );
    // Header (30 bytes) and three continuation lines of 20, 25 and 25: exactly 100 without the endings.
    let lines = [
        "2024-05-01T12:00:00Z INFO s: m",
        &"a".repeat(20),
        &"b".repeat(25),
        &"c".repeat(25),
    ];
    let several = format!("{}\n2024-05-01T12:00:01Z INFO s: next\n", lines.join("\n"));
    let message = format!("m\n{}\n{}\n{}", lines[1], lines[2], lines[3]);
    check_with(
        "a record of four lines adding up to exactly the limit (100): the line endings are not part of its size",
        several.as_bytes(),
        &[5],
        false,
        LIMIT,
        &[rec(1, T0, Level::Info, "s", &message), rec(5, T0 + 1000, Level::Info, "s", "next")],
    );
    check_with(
        "the same four lines with `\\r\\n` endings",
        several.replace('\n', "\r\n").as_bytes(),
        &[5],
        false,
        LIMIT,
        &[
            rec(1, T0, Level::Info, "s", &message),
            rec(5, T0 + 1000, Level::Info, "s", "next"),
        ],
    );
    let longer = several.replacen("ccc", "cccc", 1);
    check_with(
        "the same record with one byte more on its last line: TooLong",
        longer.as_bytes(),
        &[5],
        false,
        LIMIT,
        &[
            Item::problem(1, "TooLong"),
            rec(5, T0 + 1000, Level::Info, "s", "next"),
        ],
    );
    let header = b"2024-05-01T12:00:00Z INFO s: a header longer than the limit of forty\nnext\n2024-05-01T12:00:01Z INFO s: ok\n";
    check_with(
        "a header line alone longer than the limit (40): TooLong, and its continuation line goes with it",
        header,
        &[],
        false,
        40,
        &[Item::problem(1, "TooLong"), rec(3, T0 + 1000, Level::Info, "s", "ok")],
    );
}

fn crlf_endings_do_not_count_toward_the_limit(_: &mut Ctx) {
    const LIMIT: usize = 100;
    let (input, body) = sized_record(LIMIT, 0, "\r\n");
    check_with(
        "a record of exactly the limit written with `\\r\\n` endings (the `\\r` is part of the ending, not the line)",
        &input,
        &[1],
        false,
        LIMIT,
        &[rec(1, T0, Level::Info, "s", &format!("m\n{body}")), rec(3, T0 + 1000, Level::Info, "s", "next")],
    );
    let (input, _) = sized_record(LIMIT, 1, "\r\n");
    check_with(
        "one byte more, with `\\r\\n` endings",
        &input,
        &[1],
        false,
        LIMIT,
        &[
            Item::problem(1, "TooLong"),
            rec(3, T0 + 1000, Level::Info, "s", "next"),
        ],
    );
}

fn lines_after_a_too_long_record_are_skipped_and_still_counted(_: &mut Ctx) {
    let mut input = b"2024-05-01T12:00:00Z ERROR big: dump\n".to_vec();
    for i in 0..2000 {
        input.extend_from_slice(format!("  line {i} of a big dump\n").as_bytes());
    }
    input.extend_from_slice(b"2024-05-01T12:00:01Z INFO big: after\n  tail\n\tmore\n2024-05-01T12:00:02Z INFO big: last\n");
    check_with(
        "a record of 2,001 lines (about 50 KB) with a limit of 1,000 bytes, then two good records",
        &input,
        &[512],
        false,
        1000,
        &[
            Item::problem(1, "TooLong"),
            rec(2002, T0 + 1000, Level::Info, "big", "after\n  tail\n\tmore"),
            rec(2005, T0 + 2000, Level::Info, "big", "last"),
        ],
    );
}

fn a_too_long_orphan_line_is_reported_alone(_: &mut Ctx) {
    let long = "y".repeat(300);
    let input = format!("  {long}\n  short orphan\n2024-05-01T12:00:00Z INFO o: ok\n");
    check_with(
        "an orphan line longer than the limit (100), then a short orphan and a record",
        input.as_bytes(),
        &[16],
        false,
        100,
        &[
            Item::problem(1, "TooLong"),
            Item::problem(2, "OrphanContinuation"),
            rec(3, T0, Level::Info, "o", "ok"),
        ],
    );
}

fn problems_before_the_limit_come_after_too_long(_: &mut Ctx) {
    let input: &[u8] = b"2024-05-01T12:00:00Z ERROR u: start\n  bad \xff here\n  and \xfe here\n  \xffzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\n2024-05-01T12:00:01Z INFO u: ok\n";
    check_with(
        "a record with bad UTF-8 on lines 2 and 3 that passes the limit (80) on line 4, which has a bad byte too \
         (never decoded: no problem for it)",
        input,
        &[9],
        false,
        80,
        &[
            Item::problem(1, "TooLong"),
            Item::problem(2, "InvalidUtf8"),
            Item::problem(3, "InvalidUtf8"),
            rec(5, T0 + 1000, Level::Info, "u", "ok"),
        ],
    );
}

fn the_default_limit_is_16_mib(_: &mut Ctx) {
    scenario("DEFAULT_MAX_RECORD_BYTES, and LogReader::new with a record of about 2 MB (under it) and an endless one");
    expect_eq(
        "DEFAULT_MAX_RECORD_BYTES",
        DEFAULT_MAX_RECORD_BYTES,
        16 << 20,
    );
    let mut input = b"2024-05-01T12:00:00Z ERROR m: big\n".to_vec();
    let line = format!("  {}\n", "z".repeat(1021));
    for _ in 0..2048 {
        input.extend_from_slice(line.as_bytes());
    }
    step("LogReader::new over a 2 MB record");
    let got = read_all(LogReader::new(ChunkReader::new(input, &[65536])));
    expect_eq(
        "how many entries a 2 MB record gives with the default limit",
        got.len(),
        1,
    );
    expect(
        matches!(got[0], Item::Record(_)),
        format!(
            "a 2 MB record is under the default limit; got {:?}",
            got[0].line()
        ),
    );
    step("LogReader::new over a record whose second line never ends");
    let reader = endless_after_header(|_| vec![b'x'; 4096], 40 << 20);
    let (taken, overran) = (reader.taken.clone(), reader.overran.clone());
    let first = LogReader::new(reader).next();
    expect(!overran.get(), "LogReader::new read 40 MB of an endless record without reporting it: the default limit is 16 MiB");
    match first {
        Some(Ok(Entry::Problem(p))) if format!("{:?}", p.kind) == "TooLong" && p.line == 1 => {}
        other => fail(format!(
            "LogReader::new over an endless record: expected TooLong at line 1, got {other:?}"
        )),
    }
    let taken = taken.get();
    expect(
        taken > 16 << 20 && taken <= (16 << 20) + 256 * 1024,
        format!("TooLong came after {taken} bytes; with the default limit it must come just past 16 MiB ({} bytes)", 16 << 20),
    );
}

fn the_iterator_keeps_returning_none_after_the_end(_: &mut Ctx) {
    scenario("next() called again and again after the last entry");
    let mut entries = LogReader::new(ChunkReader::new(
        b"2024-05-01T12:00:00Z INFO a: x\n  y".to_vec(),
        &[4],
    ));
    let first = entries.next();
    expect(
        matches!(first, Some(Ok(Entry::Record(_)))),
        format!("the first entry: expected the record, got {first:?}"),
    );
    for call in 2..6 {
        let next = entries.next();
        step(format!("next() #{call} -> {next:?}"));
        expect(
            next.is_none(),
            format!("next() call #{call}: expected None after the end, got {next:?}"),
        );
    }
}

fn random_logs_through_random_reads_match_the_known_items(ctx: &mut Ctx) {
    for _ in 0..15 {
        let rng = ctx.rng();
        let blocks = rng.range(0, 80) as usize;
        let style = Style {
            crlf: rng.chance(70),
            invalid_utf8: rng.chance(70),
        };
        let log = generate(rng, blocks, style);
        let sizes: Vec<usize> = (0..5).map(|_| rng.range(1, 40) as usize).collect();
        let interrupt = rng.chance(50);
        check_with(
            "a random generated log",
            &log.bytes,
            &sizes,
            interrupt,
            usize::MAX,
            &log.items,
        );
    }
}

fn parse_agrees_with_the_reader(ctx: &mut Ctx) {
    for _ in 0..15 {
        let rng = ctx.rng();
        let blocks = rng.range(0, 80) as usize;
        let log = generate(
            rng,
            blocks,
            Style {
                crlf: true,
                invalid_utf8: false,
            },
        );
        let text = log.text();
        scenario(format!(
            "parse() of a generated log with CRLF endings:\n{}",
            excerpt(&log.bytes, 1, 20)
        ));
        step("parse(log)");
        let (records, problems) = parsed_items(&parse(&text));
        let (want_records, want_problems) = split_items(&log.items);
        expect_items("parse's records", &log.bytes, &records, &want_records);
        expect_items("parse's problems", &log.bytes, &problems, &want_problems);
    }
}
