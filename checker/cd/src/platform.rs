//! The facts the cd oracles take from the machine at run time: the OS's symlink hop limit and the shell that answers for `cd -L`.
//!
//! The drill's own rule is [`DRILL_HOP_LIMIT`] links per resolution (Linux's and glibc's number,
//! stated in the prompt). Where the OS follows fewer (macOS and the BSDs: 32), the real tree cannot
//! speak for a resolution of more hops than the OS allows, so a hand-written case's claim (the
//! drill's rule) is taken there instead of the OS's answer. The decisions are pure functions of the
//! probed facts, unit-tested with facts of other platforms injected.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Links one resolution may follow, by the drill's rule (the prompt's number).
pub const DRILL_HOP_LIMIT: usize = 40;

/// Returns how many links this OS follows while resolving one path (probed once per process by
/// resolving chains of links in a temp dir), or `None` when it cannot be measured.
pub fn os_hop_limit() -> Option<usize> {
    static LIMIT: OnceLock<Option<usize>> = OnceLock::new();
    *LIMIT.get_or_init(probe_hop_limit)
}

#[cfg(unix)]
fn probe_hop_limit() -> Option<usize> {
    const MOST: usize = 80;
    let dir = std::env::temp_dir().join(format!("syskata-cd-hops-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("d")).ok()?;
    let mut target = "d".to_owned();
    for i in 1..=MOST {
        std::os::unix::fs::symlink(&target, dir.join(format!("l{i}"))).ok()?;
        target = format!("l{i}");
    }
    let resolves = |n: usize| std::fs::canonicalize(dir.join(format!("l{n}"))).is_ok();
    let limit = largest_passing(MOST, resolves);
    let _ = std::fs::remove_dir_all(&dir);
    limit
}

#[cfg(not(unix))]
fn probe_hop_limit() -> Option<usize> {
    None
}

/// Returns the largest `n` in `1..=most` for which `resolves(n)` holds, assuming it holds up to some
/// point and fails from there on; `None` if it never holds or never fails (nothing to learn).
pub fn largest_passing(most: usize, resolves: impl Fn(usize) -> bool) -> Option<usize> {
    if !resolves(1) || resolves(most) {
        return None;
    }
    let (mut ok, mut bad) = (1, most);
    while bad - ok > 1 {
        let mid = (ok + bad) / 2;
        if resolves(mid) {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    Some(ok)
}

/// Whether the OS's answers about link hops can be compared with the drill's rule: the OS follows
/// exactly as many links as the drill allows (or the limit could not be measured, and the OS is
/// trusted as before).
pub fn os_agrees_on_hops(os_limit: Option<usize>) -> bool {
    os_limit.is_none_or(|n| n == DRILL_HOP_LIMIT)
}

/// The shell that answers for `cd -L`, and the arguments that put it in POSIX mode reading stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellPick {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<&'static str>,
}

/// Picks the shell: `SYSKATA_BASH` when set, else `bash` found on PATH or in the usual places, else
/// a POSIX `sh` (whose `cd -L` follows the same POSIX rule); `find` looks a program up.
pub fn pick_shell(
    configured: Option<&str>,
    find: impl Fn(&str) -> Option<PathBuf>,
) -> Option<ShellPick> {
    let bash = |program: PathBuf| ShellPick {
        program,
        args: vec!["--posix", "-s"],
    };
    if let Some(c) = configured.filter(|c| !c.trim().is_empty()) {
        return Some(bash(PathBuf::from(c)));
    }
    for name in [
        "bash",
        "/bin/bash",
        "/usr/bin/bash",
        "/usr/local/bin/bash",
        "/opt/homebrew/bin/bash",
    ] {
        if let Some(found) = find(name) {
            return Some(bash(found));
        }
    }
    find("sh").map(|program| ShellPick {
        program,
        args: vec!["-s"],
    })
}

/// Looks `name` up: an absolute path if it is a file, else each directory of `PATH`.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    if path.is_absolute() {
        return path.is_file().then(|| path.to_path_buf());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_finds_the_last_chain_that_resolves() {
        assert_eq!(largest_passing(80, |n| n <= 40), Some(40));
        assert_eq!(largest_passing(80, |n| n <= 32), Some(32));
        assert_eq!(largest_passing(80, |_| true), None);
        assert_eq!(largest_passing(80, |_| false), None);
    }

    #[test]
    fn the_os_speaks_for_the_drill_only_with_the_same_hop_limit() {
        assert!(os_agrees_on_hops(Some(40))); // Linux
        assert!(!os_agrees_on_hops(Some(32))); // macOS, the BSDs
        assert!(os_agrees_on_hops(None));
    }

    #[test]
    fn this_machine_has_a_measurable_hop_limit() {
        let limit = os_hop_limit();
        if cfg!(target_os = "linux") {
            assert_eq!(limit, Some(40));
        }
    }

    #[test]
    fn the_shell_is_the_configured_one_then_bash_then_sh() {
        let only = |names: &'static [&'static str]| {
            move |n: &str| {
                names
                    .contains(&n)
                    .then(|| PathBuf::from(format!("/found/{n}")))
            }
        };
        let configured = pick_shell(Some("/opt/bash5"), only(&["bash"])).unwrap();
        assert_eq!(configured.program, PathBuf::from("/opt/bash5"));
        let bash = pick_shell(None, only(&["bash", "sh"])).unwrap();
        assert_eq!(bash.program, PathBuf::from("/found/bash"));
        assert_eq!(bash.args, ["--posix", "-s"]);
        let homebrew = pick_shell(None, only(&["/opt/homebrew/bin/bash"])).unwrap();
        assert_eq!(
            homebrew.program,
            PathBuf::from("/found//opt/homebrew/bin/bash")
        );
        let sh = pick_shell(None, only(&["sh"])).unwrap();
        assert_eq!(
            (sh.program, sh.args),
            (PathBuf::from("/found/sh"), vec!["-s"])
        );
        assert_eq!(pick_shell(None, only(&[])), None);
    }
}
