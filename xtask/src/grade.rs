//! Grades stages by running a drill's checker with `cargo test`, under a runner-level time limit.
//!
//! One drill is one cargo package (`<drill>_checker`) whose stage modules are cargo features; only the
//! stages being graded are compiled, so a locked stage never runs and never even compiles. The
//! checker's harness writes one JSON line per check to a report file, which is parsed here.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::catalog::Drill;

/// Which crate the checker grades.
#[derive(Debug, Clone)]
pub enum Subject {
    /// The learner's `exercises/<drill>`.
    Learner,
    /// The reference `solutions/<drill>`.
    Reference,
    /// A wrong solution compiled from the given source file.
    Mutant(PathBuf),
}

impl Subject {
    fn feature(&self) -> &'static str {
        match self {
            Subject::Learner => "learner",
            Subject::Reference => "reference",
            Subject::Mutant(_) => "mutant",
        }
    }
}

/// The verdict of one check, as the harness reported it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct CheckResult {
    /// The stage slug.
    pub stage: String,
    /// The check (its name states the rule).
    pub check: String,
    /// `pass`, `fail`, `timeout`, `crash` or `skipped`.
    pub status: String,
    /// How long it ran.
    pub elapsed_ms: u64,
    /// The run's seed.
    pub seed: u64,
    /// The explanation, empty on a pass.
    pub message: String,
}

impl CheckResult {
    /// Returns whether the check passed.
    pub fn passed(&self) -> bool {
        self.status == "pass"
    }
}

/// How a grading run ended.
#[derive(Debug)]
pub enum Graded {
    /// The checks ran; one result per check, in run order.
    Ran(Vec<CheckResult>),
    /// The crate (or the checker against it) did not compile; cargo's messages.
    BuildFailed(String),
    /// The whole run exceeded the runner's limit and was killed.
    Killed(Vec<CheckResult>, Duration),
}

/// What to grade.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The drill.
    pub drill: &'a Drill,
    /// Stage indices in the order to run them.
    pub stages: Vec<usize>,
    /// Extra stages to compile without running (a mutant needs the stages before its target).
    pub compile_also: Vec<usize>,
    /// The crate under test.
    pub subject: Subject,
    /// Only these checks (exact names) run; empty runs every check of `stages`.
    pub checks: Vec<String>,
    /// A seed to replay, if any.
    pub seed: Option<u64>,
    /// Colour in cargo's own messages.
    pub color: bool,
}

/// The runner's own limit on the test phase (after compiling), beyond the per-check watchdogs.
fn run_limit(req: &Request) -> Duration {
    let per_stage: u64 = req
        .stages
        .iter()
        .map(|&i| req.drill.stages[i].time_limit_secs)
        .sum();
    Duration::from_secs(60 + 4 * per_stage)
}

/// Returns a `cargo` command run in `root`, using the cargo that runs the xtask when there is one.
pub fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root).stdin(Stdio::null());
    cmd
}

/// Returns `cargo test` on the checker with the crate under test and the compiled stages of `req`
/// chosen, without the harness's arguments (so callers may add cargo flags such as `--no-run`).
pub fn build_command(root: &Path, req: &Request) -> Command {
    let mut compiled: Vec<usize> = req
        .stages
        .iter()
        .chain(&req.compile_also)
        .copied()
        .collect();
    compiled.sort_unstable();
    compiled.dedup();
    let mut features = vec![req.subject.feature().to_owned()];
    features.extend(
        compiled
            .iter()
            .map(|&i| format!("stage-{}", req.drill.stages[i].slug)),
    );
    let mut cmd = cargo(root);
    cmd.args([
        "test",
        "--package",
        &req.drill.checker_package(),
        "--test",
        "stages",
    ]);
    // The reference with every stage is the checker's default build: asking for it by default
    // features reuses the test binary `cargo test --workspace` already built.
    let everything = compiled.len() == req.drill.stages.len();
    if !(matches!(req.subject, Subject::Reference) && everything) {
        cmd.args(["--no-default-features", "--features", &features.join(",")]);
    }
    cmd.arg(if req.color {
        "--color=always"
    } else {
        "--color=never"
    });
    if let Subject::Mutant(src) = &req.subject {
        cmd.env("SYSKATA_MUTANT_SRC", src);
    }
    cmd
}

/// Returns the cargo command that grades `req`, writing its report to `report`.
pub fn command(root: &Path, req: &Request, report: &Path) -> Command {
    let run: Vec<&str> = req
        .stages
        .iter()
        .map(|&i| req.drill.stages[i].slug.as_str())
        .collect();
    let limits: Vec<String> = req
        .stages
        .iter()
        .map(|&i| {
            let s = &req.drill.stages[i];
            format!("{}={}", s.slug, s.time_limit_secs * 1000)
        })
        .collect();
    let mut cmd = build_command(root, req);
    cmd.args([
        "--",
        "--stages",
        &run.join(","),
        "--timeout-ms",
        &limits.join(","),
    ])
    .arg("--report")
    .arg(report);
    if !req.checks.is_empty() {
        cmd.args(["--checks", &req.checks.join(",")]);
    }
    if let Some(seed) = req.seed {
        cmd.args(["--seed", &seed.to_string()]);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Builds what `req` grades without running it, in `target_dir` when given; on failure returns
/// cargo's messages. A later [`run_in`] with the same request and target dir then only runs.
pub fn build_in(root: &Path, req: &Request, target_dir: Option<&Path>) -> Result<Option<String>> {
    let mut cmd = build_command(root, req);
    cmd.args(["--no-run", "--quiet"]).stdout(Stdio::null());
    if let Some(target) = target_dir {
        cmd.env("CARGO_TARGET_DIR", target);
    }
    let out = cmd
        .output()
        .context("cannot start cargo — is it on your PATH?")?;
    if out.status.success() {
        return Ok(None);
    }
    let lines: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_owned)
        .collect();
    Ok(Some(build_log(&lines)))
}

/// Runs the grading and returns how it ended. `on_compile` is told once when cargo starts compiling.
pub fn run(root: &Path, req: &Request, on_compile: impl FnMut()) -> Result<Graded> {
    run_in(root, req, None, on_compile)
}

/// Runs the grading like [`run`], building in `target_dir` when given (so several gradings can
/// compile at once without waiting on one another's cargo lock).
pub fn run_in(
    root: &Path,
    req: &Request,
    target_dir: Option<&Path>,
    mut on_compile: impl FnMut(),
) -> Result<Graded> {
    static GRADINGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = root.join("target").join("syskata");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let report = dir.join(format!(
        "{}-{}-{}-{}.jsonl",
        req.drill.name,
        req.subject.feature(),
        std::process::id(),
        GRADINGS.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_file(&report);
    let mut cmd = command(root, req, &report);
    if let Some(target) = target_dir {
        cmd.env("CARGO_TARGET_DIR", target);
    }
    let mut child = cmd
        .spawn()
        .context("cannot start cargo — is it on your PATH?")?;
    let pid = child.id();

    let running = Arc::new(AtomicBool::new(false));
    let compiling = Arc::new(AtomicBool::new(false));
    let stderr = child.stderr.take().expect("stderr is piped");
    let err_reader = {
        let running = running.clone();
        let compiling = compiling.clone();
        std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let plain = strip_ansi(&line);
                let word = plain.trim_start();
                if word.starts_with("Running") {
                    running.store(true, Ordering::SeqCst);
                } else if word.starts_with("Compiling") {
                    compiling.store(true, Ordering::SeqCst);
                }
                lines.push(line);
            }
            lines
        })
    };
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });

    let limit = run_limit(req);
    let mut test_started: Option<Instant> = None;
    let mut told = false;
    let killed = loop {
        if let Some(_status) = child.try_wait()? {
            break None;
        }
        if !told && compiling.load(Ordering::SeqCst) {
            told = true;
            on_compile();
        }
        if running.load(Ordering::SeqCst) {
            let started = *test_started.get_or_insert_with(Instant::now);
            if started.elapsed() > limit {
                kill_tree(pid);
                let _ = child.kill();
                let _ = child.wait();
                break Some(limit);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let err_lines = err_reader.join().unwrap_or_default();
    let _ = out_reader.join();
    let results = read_report(&report);
    let _ = std::fs::remove_file(&report);
    if let Some(limit) = killed {
        return Ok(Graded::Killed(results, limit));
    }
    if results.is_empty() && !running.load(Ordering::SeqCst) {
        return Ok(Graded::BuildFailed(build_log(&err_lines)));
    }
    Ok(Graded::Ran(results))
}

fn read_report(path: &Path) -> Vec<CheckResult> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Returns cargo's messages without its progress lines.
fn build_log(lines: &[String]) -> String {
    const PROGRESS: [&str; 8] = [
        "Compiling",
        "Checking",
        "Finished",
        "Running",
        "Blocking",
        "Locking",
        "Updating",
        "Downloaded",
    ];
    lines
        .iter()
        .filter(|l| {
            let plain = strip_ansi(l);
            let word = plain.trim_start();
            !PROGRESS.iter().any(|p| word.starts_with(p))
        })
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Returns `text` without ANSI colour sequences.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Kills `pid` and every process descended from it. Who descends from whom is asked of the OS at
/// run time: `/proc` where it lists processes (Linux), else `ps -A -o pid= -o ppid=` (macOS, the
/// BSDs); with neither only `pid` itself is killed. Windows has `taskkill /T`, which walks the tree.
pub fn kill_tree(pid: u32) {
    if cfg!(windows) {
        let _ = Command::new("taskkill")
            .args(["/T", "/F", "/PID", &pid.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        return;
    }
    let table = proc_parents().or_else(ps_parents).unwrap_or_default();
    let victims = descendants(pid, &table);
    let _ = Command::new("kill")
        .arg("-KILL")
        .args(victims.iter().map(|p| p.to_string()))
        .stderr(Stdio::null())
        .status();
}

/// Returns `(pid, parent)` of every process from `/proc`, or `None` where `/proc` lists none.
fn proc_parents() -> Option<Vec<(u32, u32)>> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let table: Vec<(u32, u32)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            Some((p, parent_from_stat(&stat)?))
        })
        .collect();
    (!table.is_empty()).then_some(table)
}

/// Returns the parent pid from a `/proc/<pid>/stat` line. The command name is parenthesised and
/// may contain spaces and parentheses; the fields after the last `)` are state, then parent.
pub fn parent_from_stat(stat: &str) -> Option<u32> {
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Returns `(pid, parent)` of every process as `ps` lists them.
fn ps_parents() -> Option<Vec<(u32, u32)>> {
    let out = Command::new("ps")
        .args(["-A", "-o", "pid=", "-o", "ppid="])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let table = parse_ps_parents(&String::from_utf8_lossy(&out.stdout));
    (out.status.success() && !table.is_empty()).then_some(table)
}

/// Parses `ps -A -o pid= -o ppid=`: two numbers a line; other lines are skipped.
pub fn parse_ps_parents(text: &str) -> Vec<(u32, u32)> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let pid = words.next()?.parse().ok()?;
            let parent = words.next()?.parse().ok()?;
            Some((pid, parent))
        })
        .collect()
}

/// Returns `root` and every process below it in `table` (`(pid, parent)` pairs), parents first.
pub fn descendants(root: u32, table: &[(u32, u32)]) -> Vec<u32> {
    let mut victims = vec![root];
    let mut i = 0;
    while i < victims.len() {
        let parent = victims[i];
        for (p, _) in table.iter().filter(|(p, pp)| *pp == parent && *p != parent) {
            if !victims.contains(p) {
                victims.push(*p);
            }
        }
        i += 1;
    }
    victims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_below_a_process_is_found_in_a_parent_table() {
        let table = [
            (1, 0),
            (10, 1),
            (11, 10),
            (12, 11),
            (13, 10),
            (20, 1),
            (21, 20),
        ];
        assert_eq!(descendants(10, &table), vec![10, 11, 13, 12]);
        assert_eq!(descendants(99, &table), vec![99]);
        // A table where a pid names itself as parent (pid 0 on some systems) does not loop.
        assert_eq!(descendants(0, &[(0, 0), (1, 0)]), vec![0, 1]);
    }

    #[test]
    fn ps_output_of_macos_and_the_bsds_parses_into_parents() {
        let out = "    1     0\n  312     1\n 4242   312\nPID PPID\n\n";
        assert_eq!(parse_ps_parents(out), vec![(1, 0), (312, 1), (4242, 312)]);
    }

    #[test]
    fn proc_stat_lines_give_the_parent_even_with_odd_command_names() {
        assert_eq!(parent_from_stat("4242 (cargo) S 312 4242 312 0"), Some(312));
        assert_eq!(parent_from_stat("77 (a) b (c)) R 5 77 5 0"), Some(5));
        assert_eq!(parent_from_stat("garbage"), None);
    }

    #[test]
    fn this_machine_lists_its_processes_one_way_or_the_other() {
        let table = proc_parents().or_else(ps_parents).unwrap_or_default();
        let me = std::process::id();
        if cfg!(unix) {
            assert!(
                table.iter().any(|(p, _)| *p == me),
                "{me} not in {} rows",
                table.len()
            );
        }
        if cfg!(target_os = "linux") {
            let ps = ps_parents();
            if let Some(ps) = ps {
                assert!(ps.iter().any(|(p, _)| *p == me));
            }
        }
    }

    #[test]
    fn ansi_sequences_are_stripped() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[32mCompiling\u{1b}[0m lru"),
            "Compiling lru"
        );
    }

    #[test]
    fn the_build_log_keeps_errors_and_drops_progress_lines() {
        let lines: Vec<String> = [
            "   Compiling lru v0.1.0",
            "error[E0599]: no method named `peek`",
            "    Finished",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(build_log(&lines), "error[E0599]: no method named `peek`");
    }

    #[test]
    fn report_lines_parse_and_garbage_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        std::fs::write(
            &path,
            "{\"stage\":\"basics\",\"check\":\"a\",\"status\":\"pass\",\"elapsed_ms\":3,\"seed\":7,\"message\":\"\"}\nnot json\n",
        )
        .unwrap();
        let results = read_report(&path);
        assert_eq!(results.len(), 1);
        assert!(results[0].passed());
    }
}
