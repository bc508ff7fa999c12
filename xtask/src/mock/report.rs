//! What a mock round prints: the time left, the scorecard, the history. Pure functions returning
//! strings, snapshot-tested.

use std::fmt::Write as _;

use colored::Colorize;

use super::{clock, Record, Round};

/// The rubric dimensions a check can grade, in the order the scorecard lists them.
pub const DIMENSIONS: [&str; 6] = [
    "correctness",
    "edge_case",
    "complexity",
    "concurrency",
    "durability",
    "error_handling",
];

/// Returns `12:05`-style minutes and seconds.
fn mm_ss(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// The line every grading and `status` prints while a round runs.
pub fn time_left(round: &Round, now: u64) -> String {
    let left = round.left(now);
    let passed = round
        .stages
        .iter()
        .filter(|s| s.passed_at.is_some())
        .count();
    let text = format!(
        "⏱  mock round · {} · {} left (ends {}) · {passed}/{} stages",
        round.drill,
        mm_ss(left),
        clock(round.deadline()),
        round.stages.len()
    );
    if left < 5 * 60 {
        text.red().bold().to_string()
    } else {
        text.cyan().to_string()
    }
}

fn ending_words(ended: &str) -> &'static str {
    match ended {
        "all_passed" => "every stage passed",
        "time_up" => "time is up",
        _ => "ended early (mock --end)",
    }
}

fn failed_list(record: &Record, stage: usize) -> String {
    let parts: Vec<String> = record.stages[stage]
        .failed_checks
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(d, n)| format!("{d} {n}"))
        .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// Renders the scorecard of a finished round, beside `earlier` rounds of the same drill (oldest first).
pub fn scorecard(record: &Record, earlier: &[Record]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        format!(
            "Scorecard · mock round · {} · {} · {} of {} min",
            record.drill,
            ending_words(&record.ended),
            record.minutes_used(),
            record.minutes
        )
        .bold()
    );
    let _ = writeln!(out, "started {}\n", record.started);
    let _ = writeln!(
        out,
        "  {:<28} {:>15} {:>9}  failed checks on the way",
        "stage", "time / target", "attempts"
    );
    for (i, s) in record.stages.iter().enumerate() {
        let mark = if s.passed {
            "✓".green().to_string()
        } else {
            "✗".red().to_string()
        };
        let time = s.seconds.map_or_else(|| "—".to_owned(), mm_ss);
        let target = s
            .target_minutes
            .map_or_else(|| "—".to_owned(), |t| format!("{t}:00"));
        let time_target = format!("{time} / {target}");
        let late = matches!((s.seconds, s.target_minutes), (Some(secs), Some(t)) if secs > t * 60);
        let time_target = if late {
            format!("{time_target:>15}").yellow().to_string()
        } else {
            format!("{time_target:>15}")
        };
        let _ = writeln!(
            out,
            "  {mark} {:<26} {time_target} {:>9}  {}",
            format!("{} {}", i + 1, s.slug),
            s.attempts,
            failed_list(record, i)
        );
    }
    let _ = writeln!(out, "\n  {}", "Rubric".bold());
    let regressions = record.regressions();
    let _ = writeln!(
        out,
        "  {:<15} {}/{} stages passed in time; {} failed check(s); {regressions} regression(s) broken on the way",
        "correctness",
        record.passed(),
        record.stages.len(),
        record.failed("correctness")
    );
    for d in &DIMENSIONS[1..] {
        let n = record.failed(d);
        let _ = writeln!(
            out,
            "  {d:<15} {}",
            if n == 0 {
                "no failed check".to_owned()
            } else {
                format!("{n} failed check(s) before passing")
            }
        );
    }
    let _ = writeln!(out, "  {:<15} {}", "code", code_line(record));
    let _ = writeln!(
        out,
        "  {:<15} {}",
        "speed",
        match record.speed_ratio {
            Some(r) => format!(
                "{r:.2}× the reference's throughput on the compare workload (release builds; above 1 is faster)"
            ),
            None => "not measured".to_owned(),
        }
    );
    let _ = write!(out, "\n{}", against_earlier(record, earlier));
    out
}

fn code_line(record: &Record) -> String {
    let c = &record.code;
    let clippy = match c.clippy_warnings {
        None => "clippy did not run".to_owned(),
        Some(0) => "0 clippy warnings".to_owned(),
        Some(n) => {
            let lints: Vec<String> = c
                .clippy_lints
                .iter()
                .map(|(lint, k)| format!("{lint} {k}"))
                .collect();
            format!("{n} clippy warning(s) ({})", lints.join(", "))
        }
    };
    let longest = if c.longest_fn.is_empty() {
        format!("longest fn {} lines", c.longest_fn_lines)
    } else {
        format!("longest fn `{}` {} lines", c.longest_fn, c.longest_fn_lines)
    };
    format!(
        "{clippy} · {longest} · {} unwrap/expect outside tests · {} pub item(s) without docs",
        c.unwraps, c.undocumented_pub
    )
}

/// One comparison: `now` against the last and best of `before`, where lower is better unless `higher`.
fn compare(now: f64, before: &[f64], higher: bool, show: impl Fn(f64) -> String) -> String {
    let Some(&last) = before.last() else {
        return show(now);
    };
    let best = before
        .iter()
        .copied()
        .fold(last, |a, b| if higher { a.max(b) } else { a.min(b) });
    let better = if higher { now > last } else { now < last };
    let worse = if higher { now < last } else { now > last };
    let verdict = if better {
        "better than last time".green().to_string()
    } else if worse {
        "worse than last time".yellow().to_string()
    } else {
        "same as last time".to_owned()
    };
    format!(
        "{} (last {}, best {}) — {verdict}",
        show(now),
        show(last),
        show(best)
    )
}

/// A short line per dimension comparing `record` with `earlier` rounds of its drill.
fn against_earlier(record: &Record, earlier: &[Record]) -> String {
    let mut out = String::new();
    if earlier.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            format!(
                "Your first recorded round of {}: the next one will be compared with it (`cargo xtask history`).",
                record.drill
            )
            .dimmed()
        );
        return out;
    }
    let _ = writeln!(
        out,
        "  {}",
        format!(
            "Against your {} earlier round(s) of {}",
            earlier.len(),
            record.drill
        )
        .bold()
    );
    let stages = record.stages.len();
    let series = |f: &dyn Fn(&Record) -> f64| earlier.iter().map(f).collect::<Vec<f64>>();
    let _ = writeln!(
        out,
        "  {:<15} {}",
        "stages",
        compare(
            record.passed() as f64,
            &series(&|r| r.passed() as f64),
            true,
            |v| format!("{v}/{stages}")
        )
    );
    let _ = writeln!(
        out,
        "  {:<15} {}",
        "minutes",
        compare(
            record.minutes_used() as f64,
            &series(&|r| r.minutes_used() as f64),
            false,
            |v| format!("{v}")
        )
    );
    for d in DIMENSIONS {
        let _ = writeln!(
            out,
            "  {d:<15} {}",
            compare(
                f64::from(record.failed(d)),
                &series(&|r| f64::from(r.failed(d))),
                false,
                |v| format!("{v} failed")
            )
        );
    }
    let _ = writeln!(
        out,
        "  {:<15} {}",
        "code",
        compare(
            f64::from(record.code_findings()),
            &series(&|r| f64::from(r.code_findings())),
            false,
            |v| format!("{v} finding(s)")
        )
    );
    let speeds: Vec<f64> = earlier.iter().filter_map(|r| r.speed_ratio).collect();
    if let Some(now) = record.speed_ratio {
        let _ = writeln!(
            out,
            "  {:<15} {}",
            "speed",
            compare(now, &speeds, true, |v| format!("{v:.2}×"))
        );
    }
    out
}

/// Renders `cargo xtask history`: every round, oldest first, and the trend per drill.
pub fn history(records: &[Record]) -> String {
    if records.is_empty() {
        return "No mock rounds yet. Start one with `cargo xtask mock` (60 minutes, no hints).\n"
            .to_owned();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        format!(
            "{:<13} {:<17} {:>7} {:>6} {:<10}  {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>6}",
            "drill",
            "started (UTC)",
            "min",
            "stages",
            "ended",
            "corr",
            "edge",
            "cplx",
            "conc",
            "dur",
            "err",
            "code",
            "speed"
        )
        .bold()
    );
    for r in records {
        let started = r.started.replace('T', " ");
        let started = started.get(..16).unwrap_or(&started);
        let mut line = format!(
            "{:<13} {:<17} {:>7} {:>6} {:<10} ",
            r.drill,
            started,
            format!("{}/{}", r.minutes_used(), r.minutes),
            format!("{}/{}", r.passed(), r.stages.len()),
            r.ended
        );
        for d in DIMENSIONS {
            let _ = write!(line, " {:>4}", r.failed(d));
        }
        let speed = r
            .speed_ratio
            .map_or_else(|| "—".to_owned(), |s| format!("{s:.2}×"));
        let _ = write!(line, " {:>4} {speed:>6}", r.code_findings());
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "{}",
        "Columns corr … err: checks failed on the way, by rubric dimension; code: clippy warnings + unwrap/expect + undocumented pub items (lower is better)."
            .dimmed()
    );
    let mut drills: Vec<&str> = records.iter().map(|r| r.drill.as_str()).collect();
    drills.sort_unstable();
    drills.dedup();
    let mut trends = String::new();
    for drill in drills {
        let mine: Vec<&Record> = records.iter().filter(|r| r.drill == drill).collect();
        let (Some(first), Some(last)) = (mine.first(), mine.last()) else {
            continue;
        };
        if mine.len() < 2 {
            continue;
        }
        let failed = |r: &Record| DIMENSIONS.iter().map(|d| r.failed(d)).sum::<u32>();
        let _ = writeln!(
            trends,
            "  {drill}: {} rounds · stages {}/{} → {}/{} · minutes {} → {} · failed checks {} → {} · code {} → {}",
            mine.len(),
            first.passed(),
            first.stages.len(),
            last.passed(),
            last.stages.len(),
            first.minutes_used(),
            last.minutes_used(),
            failed(first),
            failed(last),
            first.code_findings(),
            last.code_findings()
        );
    }
    if !trends.is_empty() {
        let _ = write!(out, "\n{}\n{trends}", "Trend (first round → latest)".bold());
    }
    out
}

/// Renders `history --json`: `{"rounds": [...]}`.
pub fn history_json(records: &[Record]) -> String {
    #[derive(serde::Serialize)]
    struct Rounds<'a> {
        rounds: &'a [Record],
    }
    serde_json::to_string_pretty(&Rounds { rounds: records })
        .unwrap_or_else(|_| "{\"rounds\":[]}".to_owned())
}
