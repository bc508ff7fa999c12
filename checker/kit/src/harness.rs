//! The suite, stage and check types, and the harness entry point that a checker's test target calls.
//!
//! Command line of a checker's test binary (all optional):
//!
//! ```text
//! --stages ttl,basics     stages to run, in this order (default: every compiled stage, in order)
//! --report PATH           also write one JSON line per check to PATH (what `cargo xtask` reads)
//! --seed N                base seed (also SYSKATA_SEED); printed on every failure
//! --timeout-ms basics=3000,ttl=5000   per-stage time limit of one check
//! --list                  print `stage<TAB>check` for every compiled check and exit
//! --bench                 run the drill's speed workload and print `bench<TAB>label<TAB>ops<TAB>nanos`
//! --repeat N              run each check up to N times, stopping at its first failure (flakiness hunts)
//! FILTER                  run only checks whose name contains FILTER
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::outcome::{Outcome, Status};
use crate::rng::Rng;
use crate::runner;

/// The default time limit of one check when the catalog gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// One rule of a stage, checked by a function.
#[derive(Clone)]
pub struct Check {
    /// The rule, as a snake_case sentence (`get_refreshes_recency`).
    pub name: &'static str,
    /// The function that checks it; it fails by panicking (see [`crate::fail`]).
    pub run: fn(&mut Ctx),
}

impl Check {
    /// Returns a check named `name` that runs `run`.
    pub fn new(name: &'static str, run: fn(&mut Ctx)) -> Self {
        Check { name, run }
    }
}

/// One stage of a drill: its stable slug and its checks.
pub struct Stage {
    /// The stable slug, as in the drill's catalog (`basics`).
    pub slug: &'static str,
    /// The checks, in the order they run.
    pub checks: Vec<Check>,
}

/// The stages of one drill that were compiled in, plus its speed workload.
pub struct Suite {
    /// The drill's name (`lru`).
    pub drill: &'static str,
    /// The compiled stages in catalog order.
    pub stages: Vec<Stage>,
    /// The workload `cargo xtask compare` times on the learner's crate and on the reference.
    pub bench: Option<fn(&mut Bench)>,
}

/// What a running check can ask of the harness: its seed and a generator seeded with it.
pub struct Ctx {
    seed: u64,
    rng: Rng,
}

impl Ctx {
    pub(crate) fn new(seed: u64) -> Self {
        Ctx {
            seed,
            rng: Rng::new(seed),
        }
    }

    /// Returns the generator for this check, seeded from the run's seed.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Returns this check's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// Times a workload; used by `cargo xtask compare`.
#[derive(Default)]
pub struct Bench {
    results: Vec<(String, u64, Duration)>,
}

impl Bench {
    /// Runs `work` (which performs `ops` operations) several times and records its median time.
    pub fn measure(&mut self, label: &str, ops: u64, mut work: impl FnMut()) {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                work();
                start.elapsed()
            })
            .collect();
        times.sort();
        self.results
            .push((label.to_owned(), ops, times[times.len() / 2]));
    }
}

/// Settings of one run, from the command line and the environment.
pub(crate) struct Options {
    pub(crate) stages: Option<Vec<String>>,
    pub(crate) report: Option<String>,
    pub(crate) seed: u64,
    pub(crate) timeouts: HashMap<String, Duration>,
    pub(crate) list: bool,
    pub(crate) bench: bool,
    pub(crate) filter: Option<String>,
    /// Exact check names to run (`--checks a,b`); `None` runs every check of the chosen stages.
    pub(crate) checks: Option<Vec<String>>,
    pub(crate) repeat: u32,
    pub(crate) child: Option<String>,
    pub(crate) result: Option<String>,
}

impl Options {
    fn parse(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let env_seed = std::env::var("SYSKATA_SEED").ok();
        let mut opts = Options {
            stages: None,
            report: None,
            seed: 0,
            timeouts: HashMap::new(),
            list: false,
            bench: false,
            filter: None,
            checks: None,
            repeat: 1,
            child: None,
            result: None,
        };
        let mut seed_text = env_seed;
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--stages" => {
                    opts.stages = Some(value("--stages")?.split(',').map(str::to_owned).collect())
                }
                "--report" => opts.report = Some(value("--report")?),
                "--checks" => {
                    opts.checks = Some(value("--checks")?.split(',').map(str::to_owned).collect())
                }
                "--seed" => seed_text = Some(value("--seed")?),
                "--timeout-ms" => {
                    for pair in value("--timeout-ms")?.split(',') {
                        let (stage, ms) = pair
                            .split_once('=')
                            .ok_or_else(|| format!("--timeout-ms wants stage=ms, got {pair}"))?;
                        let ms: u64 = ms
                            .parse()
                            .map_err(|_| format!("--timeout-ms: {ms} is not a number"))?;
                        opts.timeouts
                            .insert(stage.to_owned(), Duration::from_millis(ms));
                    }
                }
                "--list" => opts.list = true,
                "--repeat" => {
                    let n = value("--repeat")?;
                    opts.repeat =
                        n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                            format!("--repeat wants a whole number above 0, got {n}")
                        })?;
                }
                "--bench" => opts.bench = true,
                "--run-check" => opts.child = Some(value("--run-check")?),
                "--result" => opts.result = Some(value("--result")?),
                // Flags cargo or libtest users habitually pass; they have no meaning here.
                "--nocapture" | "--quiet" | "-q" | "--show-output" | "--color" => {}
                other if other.starts_with("--") => {
                    eprintln!("syskata: ignoring unknown option {other}")
                }
                other => opts.filter = Some(other.to_owned()),
            }
        }
        match seed_text {
            Some(text) => {
                opts.seed = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("the seed must be a whole number, got {text:?}"))?;
            }
            None => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1);
                opts.seed = (nanos ^ u64::from(std::process::id())) % 1_000_000;
            }
        }
        Ok(opts)
    }

    pub(crate) fn timeout(&self, stage: &str) -> Duration {
        self.timeouts.get(stage).copied().unwrap_or(DEFAULT_TIMEOUT)
    }
}

/// Returns the seed one check runs with, derived from the run's seed and the check's identity.
pub(crate) fn check_seed(base: u64, stage: &str, check: &str) -> u64 {
    // FNV-1a over the names, mixed with the base seed: stable across runs and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in stage.bytes().chain([b':']).chain(check.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ base.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Runs the suite as the command line asks and exits: 0 when every check passed, 1 otherwise.
pub fn main(suite: Suite) -> ! {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(e) => {
            eprintln!("syskata: {e}");
            std::process::exit(2);
        }
    };
    if let Some(id) = &opts.child {
        runner::run_child(&suite, id, &opts);
    }
    if opts.list {
        for stage in &suite.stages {
            for check in &stage.checks {
                println!("{}\t{}", stage.slug, check.name);
            }
        }
        std::process::exit(0);
    }
    if opts.bench {
        let Some(bench) = suite.bench else {
            eprintln!("syskata: the {} drill has no speed workload", suite.drill);
            std::process::exit(2);
        };
        let mut b = Bench::default();
        bench(&mut b);
        for (label, ops, time) in &b.results {
            println!("bench\t{label}\t{ops}\t{}", time.as_nanos());
        }
        std::process::exit(0);
    }
    std::process::exit(run_suite(&suite, &opts));
}

fn run_suite(suite: &Suite, opts: &Options) -> i32 {
    let order: Vec<&Stage> = match &opts.stages {
        None => suite.stages.iter().collect(),
        Some(wanted) => {
            let mut order = Vec::new();
            for slug in wanted {
                match suite.stages.iter().find(|s| s.slug == slug) {
                    Some(stage) => order.push(stage),
                    None => {
                        let known: Vec<&str> = suite.stages.iter().map(|s| s.slug).collect();
                        eprintln!(
                            "syskata: stage {slug:?} of {} is not compiled in (compiled: {})",
                            suite.drill,
                            known.join(", ")
                        );
                        return 2;
                    }
                }
            }
            order
        }
    };
    let mut report = opts.report.as_ref().map(|path| {
        std::fs::File::create(path).unwrap_or_else(|e| {
            eprintln!("syskata: cannot write the report {path}: {e}");
            std::process::exit(2)
        })
    });

    let total: usize = order
        .iter()
        .map(|s| s.checks.iter().filter(|c| matches(opts, c)).count())
        .sum();
    println!(
        "\nrunning {total} checks of the {} drill (seed {})",
        suite.drill, opts.seed
    );
    let start = Instant::now();
    let (mut passed, mut failed, mut not_run) = (0, 0, 0);
    let mut failures: Vec<(String, String)> = Vec::new();
    execute(&order, opts, |stage, check, outcome| {
        let id = format!("{}::{}", stage.slug, check.name);
        let text = render(suite.drill, outcome, opts, check.name);
        println!("check {id} ... {}", outcome.status.word());
        if outcome.status == Status::Pass {
            passed += 1;
        } else if outcome.status == Status::Skipped {
            not_run += 1;
        } else {
            failed += 1;
            failures.push((id.clone(), text.clone()));
        }
        if let Some(file) = report.as_mut() {
            use std::io::Write as _;
            let line = format!(
                "{{\"stage\":{},\"check\":{},\"status\":{},\"elapsed_ms\":{},\"seed\":{},\"message\":{}}}\n",
                json(stage.slug),
                json(check.name),
                json(outcome.status.word()),
                outcome.elapsed.as_millis(),
                opts.seed,
                json(&text)
            );
            let _ = file.write_all(line.as_bytes());
            let _ = file.flush();
        }
    });
    if !failures.is_empty() {
        println!("\nfailures:");
        for (id, text) in &failures {
            println!("\n---- {id} ----\n{text}");
        }
        println!(
            "\nreproduce with SYSKATA_SEED={} (the same seed replays the same random scenarios)",
            opts.seed
        );
    }
    if not_run > 0 {
        println!(
            "\n{not_run} checks were not run: a check timed out, and the rest are skipped so that one hang costs one time limit"
        );
    }
    let verdict = if failed == 0 && not_run == 0 {
        "ok"
    } else {
        "FAILED"
    };
    println!(
        "\ntest result: {verdict}. {passed} passed; {failed} failed; {not_run} ignored; 0 measured; 0 filtered out; finished in {:.2}s\n",
        start.elapsed().as_secs_f64()
    );
    i32::from(failed > 0 || not_run > 0)
}

/// Runs the checks of `order` one by one in child processes and hands each outcome to `each`.
/// After a timeout the remaining checks are not run (reported as skipped): one hang must cost one
/// time limit, not one per check.
fn execute(order: &[&Stage], opts: &Options, mut each: impl FnMut(&Stage, &Check, &Outcome)) {
    let mut stop_reason: Option<String> = None;
    for stage in order {
        for check in stage.checks.iter().filter(|c| matches(opts, c)) {
            let id = format!("{}::{}", stage.slug, check.name);
            let outcome = match &stop_reason {
                Some(reason) => Outcome::new(Status::Skipped, reason.clone()),
                None => {
                    let mut outcome = runner::run_in_child(&id, stage.slug, opts);
                    let mut run = 1;
                    while outcome.status == Status::Pass && run < opts.repeat {
                        outcome = runner::run_in_child(&id, stage.slug, opts);
                        run += 1;
                    }
                    if outcome.status != Status::Pass && run > 1 {
                        outcome.message = format!(
                            "{}\n(failed on run {run} of up to {}; the earlier runs passed)",
                            outcome.message, opts.repeat
                        );
                    }
                    outcome
                }
            };
            if outcome.status == Status::Timeout {
                stop_reason = Some(format!(
                    "not run: {id} timed out, so the remaining checks were skipped (fix the hang first)"
                ));
            }
            each(stage, check, &outcome);
        }
    }
}

/// The verdict on one check, for testing the harness itself.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// `stage::check`.
    pub id: String,
    /// `pass`, `fail`, `timeout`, `crash` or `skipped`.
    pub status: &'static str,
    /// The explanation the learner would read.
    pub message: String,
    /// How long the check took, child process included.
    pub elapsed: Duration,
}

/// Runs every check of `suite` in child processes with the given time limit and returns the
/// verdicts instead of printing them. The calling binary must hand `--run-check` invocations to
/// [`main`] (the children are re-executions of it).
pub fn verdicts(suite: &Suite, timeout: Duration) -> Vec<Verdict> {
    let mut opts = Options::parse(std::iter::empty()).expect("no arguments parse");
    opts.seed = 1;
    for stage in &suite.stages {
        opts.timeouts.insert(stage.slug.to_owned(), timeout);
    }
    let order: Vec<&Stage> = suite.stages.iter().collect();
    let mut out = Vec::new();
    execute(&order, &opts, |stage, check, outcome| {
        out.push(Verdict {
            id: format!("{}::{}", stage.slug, check.name),
            status: outcome.status.word(),
            message: render(suite.drill, outcome, &opts, check.name),
            elapsed: outcome.elapsed,
        });
    });
    out
}

fn matches(opts: &Options, check: &Check) -> bool {
    opts.filter
        .as_deref()
        .is_none_or(|f| check.name.contains(f))
        && opts
            .checks
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == check.name))
}

/// Returns the explanation of a non-passing outcome as the learner reads it.
fn render(drill: &str, o: &Outcome, opts: &Options, check: &str) -> String {
    if o.status == Status::Pass {
        return String::new();
    }
    let mut text = String::new();
    let rule = check.replace('_', " ");
    let _ = writeln!(text, "rule: {rule}");
    if !o.scenario.is_empty() {
        let _ = writeln!(text, "scenario:");
        for line in &o.scenario {
            let _ = writeln!(text, "  {line}");
        }
    }
    if !o.steps.is_empty() {
        let _ = writeln!(text, "steps:");
        if o.dropped_steps > 0 {
            let _ = writeln!(text, "  … {} earlier steps not shown", o.dropped_steps);
        }
        for line in &o.steps {
            let _ = writeln!(text, "  {line}");
        }
    }
    let _ = writeln!(text, "{}", o.message.trim_end());
    let output = o.output.trim_end();
    if !output.is_empty() {
        let lines: Vec<&str> = output.lines().collect();
        let shown = &lines[lines.len().saturating_sub(20)..];
        let _ = writeln!(text, "your code printed (last {} lines):", shown.len());
        for line in shown {
            let _ = writeln!(text, "  | {line}");
        }
    }
    if o.status != Status::Skipped {
        let _ = write!(
            text,
            "seed: {} (replay the same scenario: SYSKATA_SEED={} cargo xtask test {drill})",
            opts.seed, opts.seed
        );
    }
    text
}

/// Returns `text` as a JSON string literal.
pub(crate) fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::parse(args.iter().map(|s| s.to_string())).expect("parses")
    }

    #[test]
    fn options_read_stages_timeouts_and_seed() {
        let o = parse(&[
            "--stages",
            "ttl,basics",
            "--timeout-ms",
            "ttl=900,basics=100",
            "--seed",
            "42",
        ]);
        assert_eq!(
            o.stages,
            Some(vec!["ttl".to_string(), "basics".to_string()])
        );
        assert_eq!(o.timeout("ttl"), Duration::from_millis(900));
        assert_eq!(o.timeout("other"), DEFAULT_TIMEOUT);
        assert_eq!(o.seed, 42);
    }

    #[test]
    fn a_check_seed_depends_on_the_base_and_the_check() {
        assert_eq!(check_seed(1, "a", "b"), check_seed(1, "a", "b"));
        assert_ne!(check_seed(1, "a", "b"), check_seed(2, "a", "b"));
        assert_ne!(check_seed(1, "a", "b"), check_seed(1, "a", "c"));
    }

    #[test]
    fn json_escapes_quotes_newlines_and_control_characters() {
        assert_eq!(json("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
