//! Stage top_k: error signatures normalised to placeholders, and the k most frequent kept live in O(log k) per record.

use std::collections::HashMap;

use syskata_kit::probe::Scaling;
use syskata_kit::{checks, expect_eq, scenario, step, Ctx, Rng, Stage};

use crate::drill::{normalize_message, signature, Level, Record, TopErrors};

/// Returns the checks of stage top_k.
pub fn stage() -> Stage {
    Stage {
        slug: "top_k",
        checks: checks![
            quoted_text_becomes_a_str_placeholder,
            an_unclosed_quote_is_kept_as_written,
            a_uuid_becomes_a_uuid_placeholder,
            hex_numbers_and_long_hex_words_become_hex,
            near_misses_of_hex_and_uuid_are_kept_or_numbered,
            every_other_run_of_digits_becomes_num,
            non_ascii_text_is_kept_beside_placeholders,
            the_signature_is_the_component_and_the_first_line,
            only_error_and_fatal_records_are_counted,
            ties_go_to_the_signature_seen_first,
            a_signature_enters_the_top_only_when_it_beats_the_worst,
            k_zero_returns_nothing_and_a_large_k_returns_everything,
            random_messages_normalise_token_by_token,
            random_streams_match_a_model_that_sorts_everything,
            top_does_not_grow_with_the_number_of_signatures,
            observe_does_not_grow_with_the_number_of_signatures,
        ],
    }
}

#[track_caller]
fn norm_table(about: &str, cases: &[(&str, &str)]) {
    scenario(format!("normalize_message: {about}"));
    for &(text, want) in cases {
        let got = normalize_message(text);
        step(format!("normalize_message({text:?}) -> {got:?}"));
        expect_eq(format!("normalize_message({text:?})"), got.as_str(), want);
    }
}

fn quoted_text_becomes_a_str_placeholder(_: &mut Ctx) {
    norm_table(
        "a double-quoted span, quotes included, becomes <str>; what is inside is not looked at",
        &[
            ("\"x\"", "<str>"),
            ("user \"bob\" not found", "user <str> not found"),
            ("\"a\" and \"b\"", "<str> and <str>"),
            ("empty \"\" quotes", "empty <str> quotes"),
            (
                "key=\"42 0x1f 550e8400-e29b-41d4-a716-446655440000\"!",
                "key=<str>!",
            ),
            ("glued\"in\"side", "glued<str>side"),
            ("'single' quotes stay", "'single' quotes stay"),
            ("\"日本 🦀\"", "<str>"),
        ],
    );
}

fn an_unclosed_quote_is_kept_as_written(_: &mut Ctx) {
    norm_table(
        "a \" with no closing \" is an ordinary character; the rest is normalised as usual",
        &[
            ("unclosed \" quote 42", "unclosed \" quote <num>"),
            ("\"a\" then \" 7", "<str> then \" <num>"),
            ("\"", "\""),
            ("ends with \"", "ends with \""),
        ],
    );
}

fn a_uuid_becomes_a_uuid_placeholder(_: &mut Ctx) {
    norm_table(
        "8-4-4-4-12 hex digits, either case, starting a word and not followed by a letter or digit",
        &[
            ("550e8400-e29b-41d4-a716-446655440000", "<uuid>"),
            (
                "req 550E8400-E29B-41D4-A716-446655440000 failed",
                "req <uuid> failed",
            ),
            ("id=123e4567-e89b-12d3-a456-426614174000!", "id=<uuid>!"),
            ("(123e4567-e89b-12d3-a456-426614174000)", "(<uuid>)"),
            ("123e4567-e89b-12d3-a456-426614174000-x", "<uuid>-x"),
            ("a-123e4567-e89b-12d3-a456-426614174000", "a-<uuid>"),
        ],
    );
}

fn hex_numbers_and_long_hex_words_become_hex(_: &mut Ctx) {
    norm_table(
        "0x/0X plus hex digits, or a hex word of 8+ characters with a letter and a digit, becomes <hex>",
        &[
            ("0x1F", "<hex>"),
            ("at 0x7ffd5e8c", "at <hex>"),
            ("(0XdeadBEEF)", "(<hex>)"),
            ("0x0", "<hex>"),
            ("commit 9f8e7d6c", "commit <hex>"),
            ("sha a1b2c3d4e5f60718293a", "sha <hex>"),
            ("DEADBEEF1", "<hex>"),
            ("1abcdef0,2bcdef01", "<hex>,<hex>"),
        ],
    );
}

fn near_misses_of_hex_and_uuid_are_kept_or_numbered(_: &mut Ctx) {
    norm_table(
        "almost-placeholders: only the digit runs change",
        &[
            ("0x", "<num>x"),
            ("0xZZ", "<num>xZZ"),
            ("0x1g", "<num>x<num>g"),
            ("9f8e7d6", "<num>f<num>e<num>d<num>"),
            ("deadbeef", "deadbeef"),
            ("cafebabedead", "cafebabedead"),
            ("12345678", "<num>"),
            (
                "550e8400-e29b-41d4-a716-44665544000",
                "<hex>-e<num>b-<num>d<num>-a<num>-<num>",
            ),
            (
                "550e8400-e29b-41d4-a716-446655440000x",
                "<hex>-e<num>b-<num>d<num>-a<num>-<num>x",
            ),
            (
                "x550e8400-e29b-41d4-a716-446655440000",
                "x<num>e<num>-e<num>b-<num>d<num>-a<num>-<num>",
            ),
            (
                "550e8400_e29b_41d4_a716_446655440000",
                "<hex>_e<num>b_<num>d<num>_a<num>_<num>",
            ),
            (
                "550e840-e29b-41d4-a716-446655440000",
                "<num>e<num>-e<num>b-<num>d<num>-a<num>-<num>",
            ),
        ],
    );
}

fn every_other_run_of_digits_becomes_num(_: &mut Ctx) {
    norm_table(
        "each maximal run of decimal digits in any other word",
        &[
            ("42", "<num>"),
            ("took 35ms", "took <num>ms"),
            ("api v2", "api v<num>"),
            ("pi=3.14", "pi=<num>.<num>"),
            ("-5 degrees", "-<num> degrees"),
            ("user42x7y", "user<num>x<num>y"),
            ("id=42,", "id=<num>,"),
            ("10.0.0.7:8080", "<num>.<num>.<num>.<num>:<num>"),
            ("99999999999999999999999", "<num>"),
            ("no digits here", "no digits here"),
            ("", ""),
        ],
    );
}

fn non_ascii_text_is_kept_beside_placeholders(_: &mut Ctx) {
    norm_table(
        "multi-byte characters are not letters or digits here: they are kept, and split words",
        &[
            ("naïve 42é", "naïve <num>é"),
            ("日本123語", "日本<num>語"),
            ("é\"x\"é", "é<str>é"),
            ("🦀0x1f🦀", "🦀<hex>🦀"),
            ("１２３ full-width", "１２３ full-width"),
            ("ß9f8e7d6cß", "ß<hex>ß"),
        ],
    );
}

/// A record for tallies: `component: message` at `level`.
fn record(level: Level, component: &str, message: &str) -> Record {
    Record {
        line: 1,
        timestamp_ms: 0,
        level,
        component: component.to_owned(),
        message: message.to_owned(),
    }
}

fn the_signature_is_the_component_and_the_first_line(_: &mut Ctx) {
    scenario("signature(record) = component + \": \" + normalised first line; the stack trace below is left out");
    for (component, message, want) in [
        (
            "db",
            "timeout after 30s\n\tat Pool.get(Pool.java:42)\nCaused by: x 7",
            "db: timeout after <num>s",
        ),
        ("api", "user \"bob\" 404", "api: user <str> <num>"),
        ("w2", "", "w2: "),
        ("x", "\nsecond line only", "x: "),
        ("k", "a: b\n", "k: a: b"),
    ] {
        let r = record(Level::Error, component, message);
        let got = signature(&r);
        step(format!(
            "signature(component {component:?}, message {message:?}) -> {got:?}"
        ));
        expect_eq(format!("signature of a record with component {component:?} and message {message:?} (the component is not normalised)"), got.as_str(), want);
    }
}

/// Feeds `(level, component, message)` records to `TopErrors::new(k)`, checking observe's answers,
/// then compares top().
#[track_caller]
fn tally(about: &str, k: usize, records: &[(Level, &str, &str)], want: &[(&str, u64)]) {
    scenario(format!("TopErrors::new({k}); {about}"));
    let mut top = TopErrors::new(k);
    for &(level, c, m) in records {
        let counted = top.observe(&record(level, c, m));
        step(format!("observe({level:?} {c}: {m:?}) -> {counted}"));
        expect_eq(
            format!("observe of a {level:?} record returns whether it was counted (ERROR and FATAL only)"),
            counted,
            level >= Level::Error,
        );
    }
    let want: Vec<(String, u64)> = want.iter().map(|&(s, c)| (s.to_owned(), c)).collect();
    step("top()");
    expect_eq(
        "top(): at most k (signature, count), higher count first, ties to the signature counted first",
        top.top(),
        want,
    );
}

use Level::{Debug, Error, Fatal, Info, Trace, Warn};

fn only_error_and_fatal_records_are_counted(_: &mut Ctx) {
    tally(
        "records of every level with the same signature; only ERROR and FATAL count",
        3,
        &[
            (Trace, "a", "x"),
            (Debug, "a", "x"),
            (Info, "a", "x"),
            (Warn, "a", "x"),
            (Error, "a", "x"),
            (Fatal, "a", "x"),
            (Warn, "b", "y"),
        ],
        &[("a: x", 2)],
    );
}

fn ties_go_to_the_signature_seen_first(_: &mut Ctx) {
    tally(
        "A, B, C once each: equal counts in first-seen order",
        3,
        &[(Error, "a", "A"), (Error, "b", "B"), (Error, "c", "C")],
        &[("a: A", 1), ("b: B", 1), ("c: C", 1)],
    );
    tally(
        "C reaches 2 first, then B catches up: B was seen before C, so B leads the tie",
        3,
        &[
            (Error, "a", "A"),
            (Error, "b", "B"),
            (Error, "c", "C"),
            (Error, "c", "C"),
            (Error, "b", "B"),
        ],
        &[("b: B", 2), ("c: C", 2), ("a: A", 1)],
    );
    tally(
        "C overtakes with 3, A and B tie at 2 in first-seen order",
        3,
        &[
            (Error, "a", "A"),
            (Error, "b", "B"),
            (Error, "c", "C"),
            (Error, "c", "C"),
            (Error, "b", "B"),
            (Error, "a", "A"),
            (Fatal, "c", "C"),
        ],
        &[("c: C", 3), ("a: A", 2), ("b: B", 2)],
    );
}

fn a_signature_enters_the_top_only_when_it_beats_the_worst(_: &mut Ctx) {
    tally(
        "k = 2: A×3, B×2, then C climbs to 2 (ties B, B seen first: stays out), then to 3 (beats B: in, behind A)",
        2,
        &[
            (Error, "a", "A"),
            (Error, "a", "A"),
            (Error, "a", "A"),
            (Error, "b", "B"),
            (Error, "b", "B"),
            (Error, "c", "C"),
            (Error, "c", "C"),
            (Error, "c", "C"),
        ],
        &[("a: A", 3), ("c: C", 3)],
    );
    tally(
        "k = 2: A×3, B×2, C×2: C ties B and does not overtake it",
        2,
        &[
            (Error, "a", "A"),
            (Error, "a", "A"),
            (Error, "a", "A"),
            (Error, "b", "B"),
            (Error, "b", "B"),
            (Error, "c", "C"),
            (Error, "c", "C"),
        ],
        &[("a: A", 3), ("b: B", 2)],
    );
    tally(
        "k = 1: B leads 2 to 1, then A catches up to 2: A was seen first, so A takes the top on the tie",
        1,
        &[(Error, "a", "A"), (Error, "b", "B"), (Error, "b", "B"), (Error, "a", "A")],
        &[("a: A", 2)],
    );
    tally(
        "k = 1: the leader changes hands twice",
        1,
        &[
            (Error, "a", "A"),
            (Error, "b", "B"),
            (Error, "b", "B"),
            (Error, "a", "A"),
            (Error, "a", "A"),
        ],
        &[("a: A", 3)],
    );
    tally(
        "k = 2: numbers normalised, so 'timeout 1', 'timeout 2', 'timeout 3' are one signature",
        2,
        &[
            (Error, "db", "timeout 1"),
            (Error, "web", "500 on /a"),
            (Error, "db", "timeout 2"),
            (Fatal, "db", "timeout 3\n  at x"),
        ],
        &[("db: timeout <num>", 3), ("web: <num> on /a", 1)],
    );
}

fn k_zero_returns_nothing_and_a_large_k_returns_everything(_: &mut Ctx) {
    let records = [(Error, "a", "A"), (Error, "b", "B"), (Error, "a", "A")];
    tally("k = 0 returns nothing", 0, &records, &[]);
    tally(
        "k = 100 with two signatures returns both",
        100,
        &records,
        &[("a: A", 2), ("b: B", 1)],
    );
    tally("no records at all", 3, &[], &[]);
}

/// A token of a generated message and what it normalises to.
fn token(rng: &mut Rng) -> (String, String) {
    let hex = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(*rng.pick(b"0123456789abcdefABCDEF")))
            .collect()
    };
    match rng.below(9) {
        0 => (
            rng.pick(&["timeout", "user", "naïve", "Δ", "deadbeef", "x"])
                .to_string(),
            String::new(),
        ),
        1 => (rng.range(0, 999_999).to_string(), "<num>".into()),
        2 => {
            let n = rng.range(0, 999);
            let unit = *rng.pick(&["ms", "s", "MB", "x"]);
            (format!("{n}{unit}"), format!("<num>{unit}"))
        }
        3 => {
            let n = rng.range(1, 12) as usize;
            (format!("0x{}", hex(rng, n)), "<hex>".into())
        }
        4 => {
            // 8+ hex characters with at least one letter and one digit.
            let n = rng.range(6, 20) as usize;
            (
                format!("a{}7{}", hex(rng, n / 2), hex(rng, n - n / 2)),
                "<hex>".into(),
            )
        }
        5 => (
            format!(
                "{}-{}-{}-{}-{}",
                hex(rng, 8),
                hex(rng, 4),
                hex(rng, 4),
                hex(rng, 4),
                hex(rng, 12)
            ),
            "<uuid>".into(),
        ),
        6 => (
            format!("\"{}\"", rng.pick(&["", "a b", "42", "x, y=1", "日本"])),
            "<str>".into(),
        ),
        7 => (rng.pick(&["日本", "🦀", "é"]).to_string(), String::new()),
        _ => (rng.pick(&["v", "id", "port"]).to_string(), String::new()),
    }
}

fn random_messages_normalise_token_by_token(ctx: &mut Ctx) {
    scenario("random messages built from tokens (words, numbers, 35ms, 0x.., hex words, UUIDs, quotes, non-ASCII) between separators; each token's placeholder is known");
    for _ in 0..500 {
        let rng = ctx.rng();
        let mut text = String::new();
        let mut want = String::new();
        for i in 0..rng.range(1, 8) {
            if i > 0 {
                let sep = *rng.pick(&[" ", ", ", "=", "(", ") ", ": ", "/", " - "]);
                text.push_str(sep);
                want.push_str(sep);
            }
            let (t, n) = token(rng);
            want.push_str(if n.is_empty() { &t } else { &n });
            text.push_str(&t);
        }
        let got = normalize_message(&text);
        expect_eq(format!("normalize_message({text:?})"), got, want);
    }
}

fn random_streams_match_a_model_that_sorts_everything(ctx: &mut Ctx) {
    for round in 0..30 {
        let rng = ctx.rng();
        let k = rng.range(0, 6) as usize;
        let kinds = rng.range(1, 12);
        scenario(format!("random stream #{round}: TopErrors::new({k}), records of {kinds} signatures at random levels; top() after every record against a model that sorts every signature"));
        let mut top = TopErrors::new(k);
        let mut counts: HashMap<String, (u64, usize)> = HashMap::new();
        for _ in 0..150 {
            let level = *rng.pick(&Level::ALL);
            let which = rng.below(kinds);
            let component = format!("c{}", char::from(b'a' + which as u8));
            let message = format!("failed {} times", rng.below(100));
            let r = record(level, &component, &message);
            let counted = top.observe(&r);
            step(format!(
                "observe({level:?} {component}: {message:?}) -> {counted}"
            ));
            if level >= Level::Error {
                let seen = counts.len();
                counts
                    .entry(format!("{component}: failed <num> times"))
                    .or_insert((0, seen))
                    .0 += 1;
            }
            let mut all: Vec<(String, u64, usize)> = counts
                .iter()
                .map(|(s, &(c, f))| (s.clone(), c, f))
                .collect();
            all.sort_by_key(|(_, c, f)| (std::cmp::Reverse(*c), *f));
            let want: Vec<(String, u64)> =
                all.into_iter().take(k).map(|(s, c, _)| (s, c)).collect();
            expect_eq(
                "observe's answer (ERROR and FATAL are counted)",
                counted,
                level >= Level::Error,
            );
            expect_eq("top() after this record", top.top(), want);
        }
    }
}

/// A component name made of letters only (digits would be normalised away): a, b, …, z, ba, bb, …
fn letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (i % 26) as u8);
        i /= 26;
        if i == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A tally of `n` distinct signatures, the first five counted twice.
fn tally_of(n: usize) -> (TopErrors, Vec<Record>) {
    let mut top = TopErrors::new(5);
    let records: Vec<Record> = (0..n)
        .map(|i| record(Level::Error, &letters(i), "disk full"))
        .collect();
    for r in records.iter().chain(records.iter().take(5)) {
        top.observe(r);
    }
    (top, records)
}

/// The two tallies a probe compares, built once (building is the slow part in a debug build).
fn prebuilt() -> [std::cell::RefCell<(TopErrors, Vec<Record>)>; 2] {
    [tally_of(SMALL), tally_of(LARGE)].map(std::cell::RefCell::new)
}

const SMALL: usize = 500;
const LARGE: usize = 16_000;

fn top_does_not_grow_with_the_number_of_signatures(_: &mut Ctx) {
    scenario("TopErrors::new(5) with 500 and with 16,000 distinct signatures; we time 300 calls of top()");
    let tallies = prebuilt();
    Scaling::new("TopErrors::top with k = 5", SMALL, LARGE)
        .demanding("O(k)")
        .run(
            |n| &tallies[usize::from(n == LARGE)],
            |tally| {
                let tally = tally.borrow();
                for _ in 0..300 {
                    std::hint::black_box(tally.0.top());
                }
            },
        );
}

fn observe_does_not_grow_with_the_number_of_signatures(_: &mut Ctx) {
    scenario(
        "TopErrors::new(5) with 500 and with 16,000 distinct signatures; we time 1,000 more observes, each of a \
         signature not seen before (so a lookup that walks the signatures walks all of them)",
    );
    let tallies = prebuilt();
    let next = std::cell::Cell::new(LARGE + 1);
    let probe = Scaling {
        rounds: 5,
        ..Scaling::new("TopErrors::observe with k = 5", SMALL, LARGE)
    }
    .max_ratio(6.0);
    probe.demanding("O(log k) beyond the signature").run(
        |n| &tallies[usize::from(n == LARGE)],
        |tally| {
            let (top, _) = &mut *tally.borrow_mut();
            // Fresh names are made before the clock starts counting the observes that use them.
            let fresh: Vec<Record> = (0..1000)
                .map(|i| record(Level::Error, &letters(next.get() + i), "disk full"))
                .collect();
            next.set(next.get() + 1000);
            for r in &fresh {
                std::hint::black_box(top.observe(r));
            }
        },
    );
}
