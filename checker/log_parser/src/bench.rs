//! The speed workload `cargo xtask compare log_parser` times: parsing a realistic log with stage 1's API.

use std::hint::black_box;

use syskata_kit::{Bench, Rng};

use crate::support::{generate, Style};

/// Times `parse` on a generated log of about 2 MB: records, stack traces, broken lines.
pub fn bench(b: &mut Bench) {
    let mut rng = Rng::new(0x5EED);
    let log = generate(&mut rng, 20_000, Style::default());
    let text = log.text();
    b.measure(
        "parse a 20k-record log with stack traces and broken lines",
        log.line_count(),
        || {
            let parsed = crate::drill::parse(&text);
            black_box(parsed.records.len() + parsed.problems.len());
        },
    );
}
