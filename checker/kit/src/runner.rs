//! Runs each check in a child process under a watchdog, and turns hangs and crashes into verdicts.
//!
//! The harness re-executes its own binary with `--run-check stage::check`. The child runs the one
//! check, catching panics, and writes its [`Outcome`] to a result file. A watchdog thread in the child
//! reports a timeout (with the scenario so far) and exits; the parent also kills the child a little
//! later in case the child cannot even do that. A child that dies without a result (stack overflow,
//! abort, `process::exit`) is reported from its exit status and the tail of what it printed.

use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::fail::{Failure, LOG};
use crate::harness::{check_seed, Ctx, Options, Suite};
use crate::outcome::{Outcome, Status};

/// Extra time the parent grants beyond the child's own watchdog before killing it.
const PARENT_GRACE: Duration = Duration::from_millis(1500);

/// The first failure seen by the panic hook in this check process.
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn snapshot(status: Status, message: String) -> Outcome {
    let mut outcome = Outcome::new(status, message);
    // The check's thread may hold the log; wait briefly rather than block a watchdog forever.
    for _ in 0..50 {
        if let Ok(log) = LOG.try_lock() {
            outcome.scenario = log.scenario.clone();
            outcome.steps = log.steps.iter().cloned().collect();
            outcome.dropped_steps = log.dropped;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    outcome
}

fn write_result(path: &str, outcome: &Outcome) {
    let tmp = format!("{path}.tmp");
    if std::fs::write(&tmp, outcome.encode()).is_ok() {
        let _ = std::fs::rename(&tmp, path);
    }
}

/// Runs one check in this (child) process, writes its outcome and exits.
pub(crate) fn run_child(suite: &Suite, id: &str, opts: &Options) -> ! {
    let Some(result_path) = opts.result.clone() else {
        eprintln!("syskata: --run-check needs --result");
        std::process::exit(2);
    };
    let found = suite.stages.iter().find_map(|stage| {
        stage
            .checks
            .iter()
            .find(|c| format!("{}::{}", stage.slug, c.name) == id)
            .map(|c| (stage.slug, c))
    });
    let Some((stage, check)) = found else {
        eprintln!("syskata: no check {id}");
        std::process::exit(2);
    };

    crate::fail::journal_to(&journal_path(Path::new(&result_path)));
    panic::set_hook(Box::new(|info| {
        let message = if let Some(f) = info.payload().downcast_ref::<Failure>() {
            f.message.clone()
        } else {
            let text = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(a panic without a message)".to_owned());
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("a spawned thread");
            if text.starts_with("not yet implemented") {
                format!("your code reached a todo!() at {place}: that function is not written yet")
            } else {
                format!("your code panicked in {name} at {place}:\n  {text}")
            }
        };
        let mut first = FIRST_PANIC.lock().unwrap_or_else(|p| p.into_inner());
        if first.is_none() {
            *first = Some(message);
        }
    }));

    let timeout = opts.timeout(stage);
    {
        let result_path = result_path.clone();
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            let outcome = snapshot(Status::Timeout, timeout_message(timeout));
            write_result(&result_path, &outcome);
            std::process::exit(124);
        });
    }

    let mut ctx = Ctx::new(check_seed(opts.seed, stage, check.name));
    let run = check.run;
    let result = panic::catch_unwind(AssertUnwindSafe(|| run(&mut ctx)));
    let outcome = match result {
        Ok(()) => Outcome::new(Status::Pass, ""),
        Err(_) => {
            let message = FIRST_PANIC
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .unwrap_or_else(|| "the check failed".to_owned());
            snapshot(Status::Fail, message)
        }
    };
    write_result(&result_path, &outcome);
    std::process::exit(0);
}

fn timeout_message(limit: Duration) -> String {
    format!(
        "timed out after {} s — possible deadlock or endless loop",
        fmt_secs(limit)
    )
}

fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

fn journal_path(result: &Path) -> PathBuf {
    let mut name = result.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn scratch_file(id: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let unique = format!(
        "syskata-{}-{n}-{}.result",
        std::process::id(),
        id.replace("::", "-"),
    );
    std::env::temp_dir().join(unique)
}

/// Runs check `id` in a child process and returns its outcome, whatever the child did.
pub(crate) fn run_in_child(id: &str, stage: &str, opts: &Options) -> Outcome {
    let started = Instant::now();
    let result_path = scratch_file(id);
    let _ = std::fs::remove_file(&result_path);
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return Outcome::new(Status::Crash, format!("cannot find the test binary: {e}")),
    };
    let mut cmd = Command::new(exe);
    cmd.arg("--run-check")
        .arg(id)
        .arg("--result")
        .arg(&result_path)
        .arg("--seed")
        .arg(opts.seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let timeouts: Vec<String> = opts
        .timeouts
        .iter()
        .map(|(s, t)| format!("{s}={}", t.as_millis()))
        .collect();
    if !timeouts.is_empty() {
        cmd.arg("--timeout-ms").arg(timeouts.join(","));
    }
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::new(Status::Crash, format!("cannot start the check: {e}")),
    };
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                // Keep at most 1 MiB of output; a check that prints forever must not eat memory.
                let _ = pipe.by_ref().take(1 << 20).read_to_end(&mut bytes);
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );

    let limit = opts.timeout(stage) + PARENT_GRACE;
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(5));
            }
            Err(_) => break None,
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let recorded = std::fs::read_to_string(&result_path)
        .ok()
        .and_then(|text| Outcome::decode(&text));
    let _ = std::fs::remove_file(&result_path);
    let journal = std::fs::read_to_string(journal_path(&result_path)).unwrap_or_default();
    let _ = std::fs::remove_file(journal_path(&result_path));

    let mut outcome = match (recorded, status) {
        (Some(o), _) => o,
        (None, killed) => {
            let mut o = match killed {
                None => Outcome::new(Status::Timeout, timeout_message(opts.timeout(stage))),
                Some(status) => Outcome::new(Status::Crash, crash_message(status, &stderr)),
            };
            // The check died without a word: its journal still tells what it was doing.
            (o.scenario, o.steps, o.dropped_steps) = crate::fail::replay_journal(&journal);
            o
        }
    };
    let mut output = stdout;
    let stderr_clean = stderr
        .lines()
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .filter(|l| !l.starts_with("thread '") || !l.contains("panicked at"))
        .collect::<Vec<_>>()
        .join("\n");
    if !stderr_clean.trim().is_empty() && outcome.status != Status::Crash {
        output.push_str(&stderr_clean);
    }
    outcome.output = output;
    outcome.elapsed = started.elapsed();
    outcome
}

fn crash_message(status: std::process::ExitStatus, stderr: &str) -> String {
    let tail: Vec<&str> = stderr
        .lines()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let what = if stderr.contains("overflowed its stack") {
        "crashed with a stack overflow — unbounded recursion?".to_owned()
    } else {
        describe_exit(status)
    };
    if tail.is_empty() {
        what
    } else {
        format!("{what}\nlast lines on stderr:\n  {}", tail.join("\n  "))
    }
}

#[cfg(unix)]
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(6)) => "crashed: the process aborted (SIGABRT) — a panic while panicking, or abort()".to_owned(),
        (_, Some(11)) => "crashed: segmentation fault (SIGSEGV)".to_owned(),
        (_, Some(9)) => "was killed (SIGKILL) — out of memory?".to_owned(),
        (_, Some(sig)) => format!("crashed: killed by signal {sig}"),
        (Some(code), None) => format!("the process exited with code {code} before the check finished — does your code call process::exit?"),
        (None, None) => "the process ended without a result".to_owned(),
    }
}

#[cfg(not(unix))]
fn describe_exit(status: std::process::ExitStatus) -> String {
    format!("the process ended without a result ({status})")
}
