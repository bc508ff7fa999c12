//! How many threads this process has, asked of the OS at run time (for checks that no thread a learner started outlives the call).
//!
//! Linux lists them in `/proc/self/task`; elsewhere `ps` tells: `ps -o nlwp= -p PID` (the BSDs,
//! Linux without /proc) or one line per thread under `ps -M -p PID` (macOS). Where nothing answers the
//! thread count is unknown and a check relies on its own count of the threads it saw running
//! learner code (the crawler's fake web, the scheduler's fake executor). The parsers are unit-tested on other platforms' output.

use std::process::{Command, Stdio};

/// Returns the number of threads of this process, or `None` where the OS does not tell.
pub fn os_threads() -> Option<usize> {
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        return Some(tasks.count());
    }
    let pid = std::process::id().to_string();
    ps(&["-o", "nlwp=", "-p", &pid])
        .and_then(|out| threads_from_nlwp(&out))
        .or_else(|| ps(&["-M", "-p", &pid]).and_then(|out| threads_from_ps_m(&out)))
}

fn ps(args: &[&str]) -> Option<String> {
    let out = Command::new("ps")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Parses `ps -o nlwp= -p PID`: one number.
pub fn threads_from_nlwp(out: &str) -> Option<usize> {
    out.trim().parse().ok().filter(|n| *n > 0)
}

/// Parses macOS's `ps -M -p PID`: a header, then one line per thread.
pub fn threads_from_ps_m(out: &str) -> Option<usize> {
    let mut lines = out.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next()?;
    if !header.contains("PID") {
        return None;
    }
    Some(lines.count()).filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nlwp_output_is_one_number() {
        assert_eq!(threads_from_nlwp("   7\n"), Some(7));
        assert_eq!(threads_from_nlwp(""), None);
        assert_eq!(threads_from_nlwp("nlwp: keyword not found"), None);
    }

    #[test]
    fn macos_lists_one_line_per_thread_under_a_header() {
        let out = "USER   PID   TT  %CPU STAT PRI     STIME     UTIME COMMAND\n\
                   me    4242 s000   0.0 S    31T   0:00.01   0:00.02 stages --run-check a\n\
                   \x20       4242         0.0 S    31T   0:00.00   0:00.00\n\
                   \x20       4242         0.0 S    31T   0:00.00   0:00.00\n";
        assert_eq!(threads_from_ps_m(out), Some(3));
        assert_eq!(threads_from_ps_m("ps: illegal option -- M\n"), None);
    }

    #[test]
    fn this_machine_tells_its_thread_count() {
        let before = os_threads();
        if cfg!(target_os = "linux") {
            assert!(before.is_some_and(|n| n >= 1));
        }
        let t = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(200)));
        if let (Some(b), Some(during)) = (before, os_threads()) {
            assert!(during > b, "{during} threads with one more than {b}");
        }
        t.join().unwrap();
    }
}
