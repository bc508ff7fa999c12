//! `cargo xtask compare <drill>`: the reference beside the learner's code, and both timed on one workload.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use colored::Colorize;

use crate::app::App;
use crate::state;
use crate::UsageError;

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill to compare.
    pub drill: String,
    /// Show the reference even though the drill is not complete yet.
    #[arg(long)]
    pub spoilers: bool,
    /// Skip the speed comparison (it needs two release builds).
    #[arg(long)]
    pub no_bench: bool,
}

/// Runs `compare`.
pub fn run(app: &App, args: Args) -> Result<ExitCode> {
    if let Some(round) = crate::cmd::mock::active(app)? {
        return Err(crate::cmd::mock::refused(&round, "compare is off"));
    }
    let (progress, _) = app.progress()?;
    let drill = app.catalog.drill(&args.drill)?;
    let complete = state::current_stage(drill, &progress.drill(&drill.name)).is_none();
    if !complete && !args.spoilers {
        return Err(UsageError(format!(
            "{} is not complete yet, and the reference solves every stage (spoilers).\n  Finish it first, or pass --spoilers if you really want to look now.",
            drill.name
        ))
        .into());
    }
    let mine = app.root.join("exercises").join(&drill.name).join("src");
    let theirs = app.root.join("solutions").join(&drill.name).join("src");
    print!("{}", diff_dirs(&mine, &theirs, &drill.name)?);
    if args.no_bench {
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "\n{}",
        "Speed: the same workload on both crates (release builds) …".bold()
    );
    // Alternate the two three times and keep each workload's fastest time: a busy machine only
    // ever adds time, and alternating spreads the noise over both.
    let (mut yours, mut reference) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (Some(mine), Some(theirs)) = (
            bench(app, &drill.checker_package(), "learner")?,
            bench(app, &drill.checker_package(), "reference")?,
        ) else {
            return Ok(ExitCode::from(1));
        };
        keep_fastest(&mut yours, mine);
        keep_fastest(&mut reference, theirs);
    }
    println!("{}", speed_table(&yours, &reference));
    Ok(ExitCode::SUCCESS)
}

fn files(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, base, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.insert(rel.to_string_lossy().into_owned());
        }
    }
}

/// Returns a coloured unified diff of every file under the two `src` directories.
pub fn diff_dirs(mine: &Path, theirs: &Path, drill: &str) -> Result<String> {
    let mut names = BTreeSet::new();
    files(mine, mine, &mut names);
    files(theirs, theirs, &mut names);
    let mut out = String::new();
    for name in names {
        let a = std::fs::read_to_string(mine.join(&name)).unwrap_or_default();
        let b = std::fs::read_to_string(theirs.join(&name)).unwrap_or_default();
        let diff = similar::TextDiff::from_lines(&a, &b);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("yours      exercises/{drill}/src/{name}"),
                &format!("reference  solutions/{drill}/src/{name}"),
            )
            .to_string();
        for line in text.lines() {
            let painted = if line.starts_with("+++") || line.starts_with("---") {
                line.bold().to_string()
            } else if line.starts_with('+') {
                line.green().to_string()
            } else if line.starts_with('-') {
                line.red().to_string()
            } else if line.starts_with("@@") {
                line.cyan().to_string()
            } else {
                line.to_owned()
            };
            out.push_str(&painted);
            out.push('\n');
        }
    }
    if out.is_empty() {
        out.push_str("Your code and the reference are identical.\n");
    }
    Ok(out)
}

/// One measured workload: label, operations, median nanoseconds.
pub type Timing = (String, u64, u64);

pub fn bench(app: &App, package: &str, subject: &str) -> Result<Option<Vec<Timing>>> {
    let output = crate::grade::cargo(&app.root)
        .args([
            "test",
            "--release",
            "--package",
            package,
            "--test",
            "stages",
            "--no-default-features",
        ])
        .args(["--features", subject, "--", "--bench"])
        .output()
        .context("cannot start cargo")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let timings = parse_bench(&stdout);
    if !output.status.success() || timings.is_empty() {
        let who = if subject == "learner" {
            "your crate"
        } else {
            "the reference"
        };
        eprintln!(
            "{} could not time {who}:\n{}",
            "error:".red(),
            String::from_utf8_lossy(&output.stderr)
        );
        return Ok(None);
    }
    Ok(Some(timings))
}

/// Merges `new` into `best`, keeping each workload's fastest time.
pub fn keep_fastest(best: &mut Vec<Timing>, new: Vec<Timing>) {
    for (label, ops, nanos) in new {
        match best.iter_mut().find(|(l, _, _)| *l == label) {
            Some(entry) => entry.2 = entry.2.min(nanos),
            None => best.push((label, ops, nanos)),
        }
    }
}

/// Parses the `bench<TAB>label<TAB>ops<TAB>nanos` lines of the harness.
pub fn parse_bench(stdout: &str) -> Vec<Timing> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            (parts.next()? == "bench").then_some(())?;
            let label = parts.next()?.to_owned();
            let ops = parts.next()?.parse().ok()?;
            let nanos = parts.next()?.parse().ok()?;
            Some((label, ops, nanos))
        })
        .collect()
}

/// Renders both crates' throughput per workload and the ratio.
pub fn speed_table(yours: &[Timing], reference: &[Timing]) -> String {
    let mut out = format!(
        "{:32} {:>16} {:>16} {:>10}\n",
        "workload", "yours (ops/s)", "reference", "ratio"
    );
    for (label, ops, nanos) in yours {
        let Some((_, rops, rnanos)) = reference.iter().find(|(l, _, _)| l == label) else {
            continue;
        };
        let rate = |ops: u64, nanos: u64| ops as f64 / (nanos.max(1) as f64 / 1e9);
        let (mine, theirs) = (rate(*ops, *nanos), rate(*rops, *rnanos));
        let ratio = mine / theirs;
        let verdict = if ratio >= 0.8 {
            format!("{ratio:.2}×").green().to_string()
        } else {
            format!("{ratio:.2}×").yellow().to_string()
        };
        out.push_str(&format!(
            "{label:32} {mine:>16.0} {theirs:>16.0} {verdict:>10}\n"
        ));
    }
    out.push_str("ratio = your throughput / the reference's (above 1 means yours is faster).\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_lines_are_parsed_and_other_lines_ignored() {
        let out = "running\nbench\tget/put mix\t1000\t2000000\nbench\tbad\tx\t1\n";
        assert_eq!(
            parse_bench(out),
            [("get/put mix".to_string(), 1000, 2_000_000)]
        );
    }

    #[test]
    fn the_speed_table_gives_the_ratio_of_throughputs() {
        colored::control::set_override(false);
        let t = speed_table(&[("w".into(), 100, 2_000)], &[("w".into(), 100, 1_000)]);
        assert!(t.contains("0.50×"), "{t}");
    }
}
