//! The real oracles: the same tree built in a temp directory, resolved by the OS and by a real bash.
//!
//! The tree's root `/` becomes a directory R under the temp dir. One difference must be bridged: in
//! the drill `..` at the root stays at the root, while on disk R has a parent. So R sits at the bottom
//! of a stack of directories named [`LEVEL`], each holding a full copy of the tree: a path that
//! climbs above R lands in a copy, which behaves exactly like R (same names, same relative links,
//! absolute links pointing into R, the same number of link hops), and any path there maps back to
//! the model by dropping the levels. Generated arguments hold at most 3 `..` and generated link
//! targets never climb above their own directory, so 3 copies suffice for random trees; a hand-written
//! tree gets as many as its arguments and links could climb.
//!
//! One bash process serves a whole session: each command is written to its stdin after a line that
//! puts bash in the expected state (PWD, OLDPWD, HOME), and its answer is read back.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use syskata_kit::fail;

use crate::support::{expand, Answer, Entry, Outcome, Spec, State, Want};

/// The name of each level directory; no tree may use it.
pub const LEVEL: &str = "sk";

/// The same tree, built for real under a unique temp directory; removed on drop.
pub struct RealTree {
    container: PathBuf,
    /// The real directory standing for `/`, canonical (no links in its path).
    root: String,
    /// How many copies stand above R: the most `..` one resolution may climb above the root.
    levels: usize,
    /// The session's bash, started on first use.
    bash: Option<Bash>,
    /// The state bash was left in by the last command, when known.
    bash_state: Option<State>,
}

impl RealTree {
    /// Builds `spec` for real, with `levels` copies above it, and returns it.
    pub fn build(spec: &Spec, levels: usize) -> RealTree {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        sweep_stale();
        let name = format!(
            "syskata-cd-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let container = std::env::temp_dir().join(name);
        let _ = fs::remove_dir_all(&container);
        fs::create_dir_all(&container).unwrap_or_else(|e| {
            fail(format!(
                "cannot create the real tree under {container:?}: {e}"
            ))
        });
        let container = fs::canonicalize(&container)
            .unwrap_or_else(|e| fail(format!("cannot canonicalize {container:?}: {e}")));
        let mut copies = Vec::new();
        let mut dir = container.clone();
        for _ in 0..=levels {
            dir = dir.join(LEVEL);
            copies.push(dir.clone());
        }
        let real = RealTree {
            root: text(&dir),
            container,
            levels,
            bash: None,
            bash_state: None,
        };
        for copy in &copies {
            fs::create_dir(copy).unwrap_or_else(|e| real.broke("create", copy, e));
            real.populate(copy, spec);
        }
        real
    }

    /// Creates every entry of `spec` under `base` (which exists), one system call per name.
    fn populate(&self, base: &Path, spec: &Spec) {
        let base = text(base);
        let mut made: HashSet<&str> = HashSet::new();
        for entry in &spec.entries {
            let path = entry.path();
            if path.split('/').any(|n| n == LEVEL) {
                fail(format!(
                    "internal: the name {LEVEL:?} is reserved by the checker ({entry:?})"
                ));
            }
            // Parents first (a hand-written `/a/b/c/` names only the deepest directory).
            let dir_end = match entry {
                Entry::Dir(_) => path.len(),
                _ => path.rfind('/').unwrap_or(0),
            };
            for (end, _) in path[..dir_end]
                .match_indices('/')
                .skip(1)
                .chain([(dir_end, "")])
            {
                let dir = &path[..end];
                if !dir.is_empty() && made.insert(dir) {
                    let at = format!("{base}{dir}");
                    fs::create_dir(&at).unwrap_or_else(|e| self.broke("create", &at, e));
                }
            }
            let at = format!("{base}{path}");
            match entry {
                Entry::Dir(_) => {}
                Entry::File(_) => {
                    fs::File::create(&at).unwrap_or_else(|e| self.broke("create", &at, e));
                }
                Entry::Link(_, target) => {
                    let target = if target.starts_with('/') {
                        format!("{}{target}", self.root)
                    } else {
                        target.clone()
                    };
                    std::os::unix::fs::symlink(&target, &at)
                        .unwrap_or_else(|e| self.broke("symlink", &at, e));
                }
            }
        }
    }

    fn broke(&self, what: &str, path: impl AsRef<Path>, e: io::Error) -> ! {
        let path = path.as_ref();
        fail(format!(
            "internal: could not {what} {path:?} while building the real tree: {e}"
        ))
    }

    /// Returns the real path of model path `model` (absolute).
    pub fn real(&self, model: &str) -> String {
        if model == "/" {
            self.root.clone()
        } else {
            format!("{}{model}", self.root)
        }
    }

    /// Returns the model path of real path `real`: the levels above R all stand for `/`.
    pub fn model(&self, real: &Path) -> String {
        let Ok(rest) = real.strip_prefix(&self.container) else {
            fail(format!(
                "internal: the real path {real:?} escaped the checker's temp tree {:?}",
                self.container
            ));
        };
        let all: Vec<String> = rest
            .iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        let levels = all.iter().take_while(|n| *n == LEVEL).count();
        if levels == 0 {
            fail(format!(
                "internal: the real path {real:?} climbed above every copy of the tree"
            ));
        }
        format!("/{}", all[levels..].join("/"))
    }

    /// Returns what `cd -P arg` does from `state` on the real tree (`std::fs::canonicalize` of the
    /// argument, read from the physical working directory, must be a directory), and who said so.
    pub fn physical(&self, state: &State, arg: &str) -> (Outcome, String) {
        let path = match expand(arg, state) {
            Ok(path) => path,
            Err(w) => return (Outcome::Failed(w), NO_OLDPWD.to_owned()),
        };
        self.guard(&path);
        if path.is_empty() {
            return (Outcome::Failed(empty_path()), EMPTY.to_owned());
        }
        let full = if path.starts_with('/') {
            format!("{}{path}", self.root)
        } else {
            let here = fs::canonicalize(self.real(&state.pwd)).unwrap_or_else(|e| {
                fail(format!(
                    "internal: the expected working directory {} is not valid on disk: {e}",
                    state.pwd
                ))
            });
            format!("{}/{path}", text(&here))
        };
        let outcome = match fs::canonicalize(&full) {
            Ok(p) if p.is_dir() => Outcome::Moved(self.model(&p)),
            Ok(_) => Outcome::Failed(Want::NotADirectory),
            Err(e) => Outcome::Failed(os_kind(&e)),
        };
        let source = match &outcome {
            Outcome::Moved(_) => "std::fs::canonicalize of the same path names that directory",
            Outcome::Failed(Want::NotADirectory) => {
                "std::fs::canonicalize of the same path ends at a file, or fails with ENOTDIR"
            }
            Outcome::Failed(Want::NotFound) => {
                "std::fs::canonicalize of the same path fails with ENOENT"
            }
            Outcome::Failed(_) => "std::fs::canonicalize of the same path fails with ELOOP",
        };
        (outcome, source.to_owned())
    }

    /// Fails (as a checker bug) when `path` could climb above every copy of the tree.
    fn guard(&self, path: &str) {
        let climbs = path.split('/').filter(|n| *n == "..").count();
        if climbs > self.levels {
            fail(format!(
                "internal: {path:?} may climb {climbs} levels above the root; the real tree has {} copies",
                self.levels
            ));
        }
    }

    /// Returns what a real bash in POSIX mode does for `cd -L arg` (a bare `cd` when `arg` is `None`)
    /// from `state`, its OLDPWD afterwards, and who decided: bash says whether the command
    /// succeeds and where it lands, the OS names the error.
    pub fn shell(&mut self, state: &State, arg: Option<&str>) -> Answer {
        if arg == Some("") {
            // bash treats `cd ''` as `cd .`; POSIX.1-2024 and chdir("") call it an error.
            return Answer {
                outcome: Outcome::Failed(empty_path()),
                oldpwd: state.oldpwd.clone(),
                source: EMPTY.to_owned(),
            };
        }
        if let Ok(path) = expand(arg.unwrap_or("~"), state) {
            self.guard(&path);
        }
        let word = match arg {
            None => String::new(),
            Some("~") => " -- ~".to_owned(),
            Some(a) => match a.strip_prefix("~/") {
                Some(rest) => format!(" -- ~/{}", quote(rest)),
                None if a.starts_with('/') => format!(" -- \"$R\"{}", quote(a)),
                None => format!(" -- {}", quote(a)),
            },
        };
        let command = format!("cd -L{word}");
        let mut script = String::new();
        if self.bash_state.as_ref() != Some(state) {
            // Put bash where the session expects it (after a -P command, or at the start).
            let old = state.oldpwd.as_deref().map_or("''".to_owned(), in_root);
            script = format!("q {} {} {old}; ", in_root(&state.pwd), in_root(&state.home));
        }
        script.push_str(&format!("{command} 2>&1 >/dev/null; a $?\n"));
        let reply = self.bash().ask(&script);
        let said = reply.said.join("\n");
        if said.contains("cannot enter") {
            fail(format!(
                "internal: bash could not enter the expected directory {}",
                state.pwd
            ));
        }
        let answer = if reply.status == "0" {
            let old = (!reply.oldpwd.is_empty()).then(|| self.model(Path::new(&reply.oldpwd)));
            Answer {
                outcome: Outcome::Moved(self.model(Path::new(&reply.pwd))),
                oldpwd: old,
                source: "a real bash (`cd -L`, POSIX mode) lands there".to_owned(),
            }
        } else {
            let (outcome, source) = self.failure(state, arg, &command, &said);
            Answer {
                outcome,
                oldpwd: state.oldpwd.clone(),
                source,
            }
        };
        let after = State {
            pwd: match &answer.outcome {
                Outcome::Moved(pwd) => pwd.clone(),
                Outcome::Failed(_) => state.pwd.clone(),
            },
            oldpwd: answer.oldpwd.clone(),
            home: state.home.clone(),
        };
        // Bash stays in step only if it is really in R (a `..` above the root leaves it in a copy).
        let in_step = reply.pwd == self.real(&after.pwd)
            && reply.oldpwd
                == after
                    .oldpwd
                    .as_deref()
                    .map_or(String::new(), |o| self.real(o));
        self.bash_state = in_step.then_some(after);
        answer
    }

    /// Returns the kind of a failure bash reported for `command` (which printed `said`), and who
    /// decided it: bash refused, and the OS names the error of the path that failed.
    fn failure(
        &self,
        state: &State,
        arg: Option<&str>,
        command: &str,
        said: &str,
    ) -> (Outcome, String) {
        if said.contains("OLDPWD not set") {
            return (Outcome::Failed(Want::NoOldPwd), NO_OLDPWD.to_owned());
        }
        // bash in POSIX mode reports a loop as "Not a directory"; the OS names the kind exactly.
        let Some((kind, failed)) = self.logical_failure(state, arg) else {
            fail(format!(
                "internal: bash failed `{command}` in {} but every step resolves on disk: {said}",
                state.pwd
            ));
        };
        let consistent = match kind {
            Want::NotFound => said.contains("No such file or directory"),
            Want::NotADirectory | Want::TooManyLinks => {
                said.contains("Not a directory") || said.contains("symbolic links")
            }
            _ => false,
        };
        if !consistent {
            fail(format!(
                "internal: bash says {said:?} for `{command}` in {} but the OS says {kind}",
                state.pwd
            ));
        }
        let words = said.rsplit(": ").next().unwrap_or(said).trim();
        let errno = match kind {
            Want::NotFound => "ENOENT",
            Want::NotADirectory => "ENOTDIR (or a file)",
            _ => "ELOOP",
        };
        let mut source = format!(
            "a real bash (`cd -L`, POSIX mode) refuses it too, printing {words:?}; which error it \
             is comes from the OS, which answers {errno} for the path {failed}"
        );
        if kind == Want::TooManyLinks && !said.contains("symbolic links") {
            source.push_str(
                " (bash in POSIX mode words a loop as \"Not a directory\"; the OS's own answer is ELOOP, TooManyLinks)",
            );
        }
        (Outcome::Failed(kind), source)
    }

    /// Returns the session's bash, starting it on first use.
    fn bash(&mut self) -> &mut Bash {
        let root = self.root.clone();
        self.bash.get_or_insert_with(|| Bash::start(&root))
    }

    /// Returns the first error of a logical walk of `arg` from `state`, asking the OS at each step
    /// (the path before every `..` must be a directory, and so must the final path), and the model
    /// path that failed.
    fn logical_failure(&self, state: &State, arg: Option<&str>) -> Option<(Want, String)> {
        let path = expand(arg.unwrap_or("~"), state).ok()?;
        let mut names: Vec<&str> = if path.starts_with('/') {
            Vec::new()
        } else {
            state.pwd.split('/').filter(|n| !n.is_empty()).collect()
        };
        for name in path.split('/') {
            match name {
                "" | "." => {}
                ".." => {
                    if let Err(w) = self.is_dir(&names) {
                        return Some((w, format!("/{}", names.join("/"))));
                    }
                    names.pop();
                }
                _ => names.push(name),
            }
        }
        let failed = format!("/{}", names.join("/"));
        self.is_dir(&names).err().map(|w| (w, failed))
    }

    /// Asks the OS whether `/names…` is a directory (following links).
    fn is_dir(&self, names: &[&str]) -> Result<(), Want> {
        let model = format!("/{}", names.join("/"));
        match fs::metadata(self.real(&model)) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(Want::NotADirectory),
            Err(e) => Err(os_kind(&e)),
        }
    }
}

impl Drop for RealTree {
    fn drop(&mut self) {
        if let Some(bash) = self.bash.take() {
            bash.stop();
        }
        let _ = fs::remove_dir_all(&self.container);
    }
}

/// A bash in POSIX mode reading commands from a pipe, its errors merged into its output.
struct Bash {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

/// What bash said about one command.
struct Reply {
    /// Lines printed before the answer: the error message of a failed `cd`.
    said: Vec<String>,
    /// The exit status of the `cd`.
    status: String,
    /// `$PWD` afterwards.
    pwd: String,
    /// `$OLDPWD` afterwards (empty if unset).
    oldpwd: String,
}

impl Bash {
    /// Starts the shell [`crate::platform::pick_shell`] finds (`$SYSKATA_BASH`, else `bash` on PATH
    /// or in the usual places, else a POSIX `sh`) in `dir` with an empty environment (no CDPATH) and
    /// the C locale.
    fn start(dir: &str) -> Bash {
        let configured = std::env::var("SYSKATA_BASH").ok();
        let Some(pick) =
            crate::platform::pick_shell(configured.as_deref(), crate::platform::find_program)
        else {
            fail(
                "this check compares your cd with a real shell, but neither bash nor sh was found.\n\
                 Install bash (the cd drill's checker needs it on PATH, or named by SYSKATA_BASH) and run again.",
            )
        };
        let program = pick.program.display().to_string();
        let mut child = Command::new(&pick.program)
            .args(&pick.args)
            .env_clear()
            .env("LC_ALL", "C")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                fail(format!(
                    "this check compares your cd with a real bash, but `{program}` could not be \
                     started: {e}.\nInstall bash (the cd drill's checker needs it on PATH, or named \
                     by SYSKATA_BASH) and run again."
                ))
            });
        let input = child.stdin.take().expect("piped stdin");
        let output = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut bash = Bash {
            child,
            input,
            output,
        };
        // R: the real root; q PWD HOME OLDPWD: enter a state; a STATUS: print the answer.
        bash.send(&format!(
            "exec 2>&1; R={}\n\
             q() {{ cd -L -- \"$1\" >/dev/null 2>&1 || echo 'cannot enter'; HOME=$2; \
             if [ -n \"$3\" ]; then OLDPWD=$3; else unset OLDPWD; fi; }}\n\
             a() {{ printf '\\001%s\\n%s\\n%s\\n' \"$1\" \"$PWD\" \"${{OLDPWD-}}\"; }}\n",
            quote(dir)
        ));
        bash
    }

    fn send(&mut self, text: &str) {
        if let Err(e) = self
            .input
            .write_all(text.as_bytes())
            .and_then(|()| self.input.flush())
        {
            fail(format!(
                "internal: the oracle bash stopped reading commands: {e}"
            ));
        }
    }

    /// Sends `script` and reads lines up to the answer line (marked by \x01) and the two after it.
    fn ask(&mut self, script: &str) -> Reply {
        self.send(script);
        let mut said = Vec::new();
        loop {
            let line = self.line();
            if let Some(status) = line.strip_prefix('\u{1}') {
                let status = status.to_owned();
                let pwd = self.line();
                let oldpwd = self.line();
                return Reply {
                    said,
                    status,
                    pwd,
                    oldpwd,
                };
            }
            said.push(line);
        }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        match self.output.read_line(&mut line) {
            Ok(0) | Err(_) => fail("internal: the oracle bash exited unexpectedly"),
            Ok(_) => line.trim_end_matches('\n').to_owned(),
        }
    }

    /// Closes bash's input (it exits at end of input) and waits for it.
    fn stop(self) {
        let Bash {
            mut child, input, ..
        } = self;
        drop(input);
        let _ = child.wait();
    }
}

/// Returns `path` as text (the temp dir's path is valid UTF-8 on every machine we support).
fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Returns model path `model` as a bash word naming it under the real root `$R`.
fn in_root(model: &str) -> String {
    if model == "/" {
        "\"$R\"".to_owned()
    } else {
        format!("\"$R\"{}", quote(model))
    }
}

/// Returns `text` quoted for bash.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Who decides that an empty argument fails.
const EMPTY: &str =
    "an empty argument fails: chdir(\"\") is ENOENT and POSIX.1-2024 makes `cd ''` an error \
                     (bash alone would read it as `cd .`)";

/// Who decides that `cd -` fails before any successful cd.
const NO_OLDPWD: &str =
    "a real bash refuses `cd -` too while OLDPWD is unset: `cd: OLDPWD not set`";

/// Returns what the OS says about an empty path.
fn empty_path() -> Want {
    match fs::metadata("") {
        Err(e) => os_kind(&e),
        Ok(_) => fail("internal: the OS accepts an empty path"),
    }
}

/// Returns the kind of a path-resolution error from the OS.
fn os_kind(e: &io::Error) -> Want {
    const ENOENT: i32 = 2;
    const ENOTDIR: i32 = 20;
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    match e.raw_os_error() {
        Some(ENOENT) => Want::NotFound,
        Some(ENOTDIR) => Want::NotADirectory,
        Some(ELOOP) => Want::TooManyLinks,
        _ => fail(format!(
            "internal: unexpected OS error while resolving a path: {e}"
        )),
    }
}

/// Removes temp trees left by check processes that were killed (a timeout skips destructors).
fn sweep_stale() {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("syskata-cd-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !proc.join(pid).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
