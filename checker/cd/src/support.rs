//! Shared helpers: tree specifications, outcomes, and a session that runs your shell beside the real OS.

use std::fmt;

use syskata_kit::{expect_eq, fail, step};

use crate::drill::{CdError, Shell, Tree};
use crate::oracle::RealTree;

/// One entry of a tree specification, by absolute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A directory (its parents are directories too).
    Dir(String),
    /// An empty regular file.
    File(String),
    /// A symbolic link and its target, as written.
    Link(String, String),
}

impl Entry {
    /// Returns the entry's absolute path.
    pub fn path(&self) -> &str {
        match self {
            Entry::Dir(p) | Entry::File(p) | Entry::Link(p, _) => p,
        }
    }
}

/// A directory tree to build twice: with your `Tree` builders and for real in a temp directory.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// The entries, in creation order.
    pub entries: Vec<Entry>,
}

impl Spec {
    /// Returns the tree in the notation of the scenario: `/a/` a directory, `/a/f` a file,
    /// `/l -> a/b` a link; several entries per line.
    pub fn describe(&self) -> String {
        let items: Vec<String> = self
            .entries
            .iter()
            .map(|e| match e {
                Entry::Dir(p) => format!("{p}/"),
                Entry::File(p) => p.clone(),
                Entry::Link(p, t) => format!("{p} -> {t}"),
            })
            .collect();
        if items.is_empty() {
            return "  (only the root /)".to_owned();
        }
        items
            .chunks(6)
            .map(|line| format!("  {}", line.join("   ")))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Builds the tree with your `Tree` builders; a builder error fails the check.
    pub fn build(&self) -> Tree {
        let mut tree = Tree::new();
        let mut made: Vec<String> = Vec::new();
        for entry in &self.entries {
            let path = entry.path();
            let parent = &path[..path.rfind('/').unwrap_or(0)];
            if !matches!(entry, Entry::Dir(_))
                && !parent.is_empty()
                && !made.iter().any(|m| m == parent)
            {
                built(format!("tree.mkdir_p({parent:?})"), tree.mkdir_p(parent));
                made.push(parent.to_owned());
            }
            match entry {
                Entry::Dir(p) => {
                    built(format!("tree.mkdir_p({p:?})"), tree.mkdir_p(p));
                    made.push(p.clone());
                }
                Entry::File(p) => built(format!("tree.touch({p:?})"), tree.touch(p)),
                Entry::Link(p, t) => link(&mut tree, p, t),
            }
        }
        tree
    }
}

#[cfg(feature = "stage-symlinks")]
fn link(tree: &mut Tree, path: &str, target: &str) {
    built(
        format!("tree.symlink({path:?}, {target:?})"),
        tree.symlink(path, target),
    );
}

#[cfg(not(feature = "stage-symlinks"))]
fn link(_: &mut Tree, path: &str, _: &str) {
    fail(format!(
        "internal: the checker asked for the link {path} before the symlinks stage is compiled"
    ));
}

/// Fails the check when a tree builder refused a valid request.
#[track_caller]
fn built(call: String, result: Result<(), CdError>) {
    if let Err(e) = result {
        fail(format!(
            "building the tree: {call} failed, but the request is valid (absolute path, parent \
             already created, name not taken)\nexpected: Ok(())\n     got: Err({})",
            kind_of(&e)
        ));
    }
}

/// A kind of `cd` failure, as the checker names it (your `CdError` variants map onto these).
#[derive(Clone, PartialEq, Eq)]
pub enum Want {
    /// `CdError::NotFound`: ENOENT.
    NotFound,
    /// `CdError::NotADirectory`: ENOTDIR.
    NotADirectory,
    /// `CdError::TooManyLinks`: ELOOP.
    TooManyLinks,
    /// `CdError::NoOldPwd`: `cd -` with no previous directory.
    NoOldPwd,
    /// Any other variant of your `CdError`, by its `Debug` name.
    Other(String),
}

impl Want {
    /// Returns the kind named `name` (a `CdError` variant name), if the checker knows it.
    pub fn parse(name: &str) -> Option<Want> {
        Some(match name {
            "NotFound" => Want::NotFound,
            "NotADirectory" => Want::NotADirectory,
            "TooManyLinks" => Want::TooManyLinks,
            "NoOldPwd" => Want::NoOldPwd,
            _ => return None,
        })
    }
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Want::NotFound => f.write_str("NotFound"),
            Want::NotADirectory => f.write_str("NotADirectory"),
            Want::TooManyLinks => f.write_str("TooManyLinks"),
            Want::NoOldPwd => f.write_str("NoOldPwd"),
            Want::Other(name) => f.write_str(name),
        }
    }
}

impl fmt::Debug for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Returns the checker's name for one of your errors; variants of later stages map only once
/// those stages are compiled.
#[allow(unreachable_patterns)]
pub fn kind_of(e: &CdError) -> Want {
    match e {
        CdError::NotFound => Want::NotFound,
        CdError::NotADirectory => Want::NotADirectory,
        #[cfg(feature = "stage-home_and_back")]
        CdError::NoOldPwd => Want::NoOldPwd,
        #[cfg(feature = "stage-loops_and_broken")]
        CdError::TooManyLinks => Want::TooManyLinks,
        other => Want::Other(format!("{other:?}")),
    }
}

/// What one `cd` did: moved to a new working directory, or failed.
#[derive(Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Succeeded; `pwd()` is now this path.
    Moved(String),
    /// Failed with this kind of error.
    Failed(Want),
}

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Moved(pwd) => write!(f, "Ok, pwd() = {pwd:?}"),
            Outcome::Failed(w) => write!(f, "Err({w})"),
        }
    }
}

/// One command typed at the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    /// `cd ARG`: `shell.cd(arg)`.
    Cd(String),
    /// A bare `cd`: `shell.cd_home()`.
    Home,
    /// `cd -P ARG`: `shell.cd_physical(arg)`.
    Physical(String),
    /// `cd -L ARG`: `shell.cd_logical(arg)`.
    Logical(String),
}

impl Cmd {
    /// Returns the call made on your `Shell`, as Rust.
    pub fn call(&self) -> String {
        match self {
            Cmd::Cd(a) => format!("cd({a:?})"),
            Cmd::Home => "cd_home()".to_owned(),
            Cmd::Physical(a) => format!("cd_physical({a:?})"),
            Cmd::Logical(a) => format!("cd_logical({a:?})"),
        }
    }
}

/// What the real tree says one command must do, and who said it.
pub struct Answer {
    /// The outcome the real OS or bash gives.
    pub outcome: Outcome,
    /// OLDPWD afterwards.
    pub oldpwd: Option<String>,
    /// Who decided the outcome, in words for the report (bash, the OS, or both and which part).
    pub source: String,
}

/// The state a shell must be in: where it is, where it was, and its home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// What `pwd()` must return.
    pub pwd: String,
    /// What `oldpwd()` must return.
    pub oldpwd: Option<String>,
    /// The home directory given to `Shell::new`.
    pub home: String,
}

/// Your shell and the same tree built for real, driven in step; every command is compared.
pub struct Session {
    shell: Shell,
    real: RealTree,
    /// The expected state, as the real OS says it must be.
    pub state: State,
    check_oldpwd: bool,
}

impl Session {
    /// Builds `spec` both ways and starts a shell at `/` with home `home`; `levels` copies of the
    /// real tree absorb `..` above the root (see `oracle`).
    ///
    /// `check_oldpwd` compares `oldpwd()` after every command (stages from home_and_back on).
    pub fn new(spec: &Spec, levels: usize, home: &str, check_oldpwd: bool) -> Session {
        let real = RealTree::build(spec, levels);
        let shell = Shell::new(spec.build(), home);
        let session = Session {
            shell,
            real,
            state: State {
                pwd: "/".to_owned(),
                oldpwd: None,
                home: home.to_owned(),
            },
            check_oldpwd,
        };
        expect_eq(
            format!("pwd() of Shell::new(tree, {home:?}): a new shell starts in the root"),
            session.shell.pwd(),
            "/".to_owned(),
        );
        session
    }

    /// Returns what the real OS (for `-P`) or a real bash (otherwise) does for `cmd` from the
    /// expected state.
    pub fn oracle(&mut self, cmd: &Cmd) -> Answer {
        match cmd {
            Cmd::Physical(arg) => {
                let (outcome, source) = self.real.physical(&self.state, arg);
                let oldpwd = match &outcome {
                    Outcome::Moved(_) => Some(self.state.pwd.clone()),
                    Outcome::Failed(_) => self.state.oldpwd.clone(),
                };
                Answer {
                    outcome,
                    oldpwd,
                    source,
                }
            }
            Cmd::Cd(arg) | Cmd::Logical(arg) => self.real.shell(&self.state, Some(arg)),
            Cmd::Home => self.real.shell(&self.state, None),
        }
    }

    /// Runs `cmd` on your shell and on the real tree and fails at any difference.
    ///
    /// `claimed` is a hand-written case's expectation and the reason for it; the real OS must agree
    /// with it (else the case itself is wrong on this machine).
    #[track_caller]
    pub fn run(&mut self, cmd: &Cmd, claimed: Option<(&Outcome, &str)>) {
        let Answer {
            outcome: mut os,
            oldpwd: mut os_oldpwd,
            mut source,
        } = self.oracle(cmd);
        let why = match claimed {
            Some((claim, why)) => {
                let loop_verdict = |o: &Outcome| *o == Outcome::Failed(Want::TooManyLinks);
                if *claim != os
                    && (loop_verdict(claim) || loop_verdict(&os))
                    && !crate::platform::os_agrees_on_hops(crate::platform::os_hop_limit())
                {
                    // This OS follows another number of links than the drill's rule allows: the
                    // hand-written case states the rule, the OS cannot speak for it here.
                    source = format!(
                        "the drill's rule, at most {} links per path (this OS follows {}, so the real tree cannot say)",
                        crate::platform::DRILL_HOP_LIMIT,
                        crate::platform::os_hop_limit().unwrap_or_default()
                    );
                    os = claim.clone();
                    os_oldpwd = match &os {
                        Outcome::Moved(_) => Some(self.state.pwd.clone()),
                        Outcome::Failed(_) => self.state.oldpwd.clone(),
                    };
                }
                if *claim != os {
                    fail(format!(
                        "internal: the hand-written case expects {claim:?} for {} in {}, but the real tree \
                         says {os:?} on this machine ({source}). The case is wrong here, not your code: \
                         please report it.",
                        cmd.call(),
                        self.state.pwd,
                    ));
                }
                why.to_owned()
            }
            None => String::new(),
        };
        let result = self.apply(cmd);
        let got_pwd = self.shell.pwd();
        let got = match result {
            Ok(()) => Outcome::Moved(got_pwd.clone()),
            Err(e) => Outcome::Failed(kind_of(&e)),
        };
        step(format!("{}  ->  {got:?}", cmd.call()));
        let because = if why.is_empty() {
            String::new()
        } else {
            format!(": {why}")
        };
        expect_eq(
            format!(
                "shell.{} with pwd() = {:?}{because}\n(on the same tree built for real: {source})",
                cmd.call(),
                self.state.pwd,
            ),
            got.clone(),
            os.clone(),
        );
        if let Outcome::Failed(_) = got {
            expect_eq(
                format!(
                    "pwd() after the failed shell.{}: a failed cd leaves the working directory where it was",
                    cmd.call()
                ),
                got_pwd,
                self.state.pwd.clone(),
            );
        }
        if let Outcome::Moved(pwd) = &os {
            self.state.pwd = pwd.clone();
        }
        self.state.oldpwd = os_oldpwd;
        if self.check_oldpwd {
            self.expect_oldpwd(cmd, &got);
        }
    }

    /// Calls your shell for `cmd`.
    fn apply(&mut self, cmd: &Cmd) -> Result<(), CdError> {
        match cmd {
            Cmd::Cd(arg) => self.shell.cd(arg),
            Cmd::Home => home(&mut self.shell),
            Cmd::Physical(arg) => physical(&mut self.shell, arg),
            Cmd::Logical(arg) => logical(&mut self.shell, arg),
        }
    }

    /// Fails unless your `pwd()` is `expected` (and the session agrees).
    #[track_caller]
    pub fn expect_pwd(&self, expected: &str, why: &str) {
        if self.state.pwd != expected {
            fail(format!(
                "internal: the hand-written case expects pwd {expected}, the real OS says {}",
                self.state.pwd
            ));
        }
        expect_eq(
            format!("shell.pwd(): {why}"),
            self.shell.pwd(),
            expected.to_owned(),
        );
    }

    #[cfg(feature = "stage-home_and_back")]
    #[track_caller]
    fn expect_oldpwd(&self, cmd: &Cmd, got: &Outcome) {
        let rule = match got {
            Outcome::Moved(_) => "a successful cd sets OLDPWD to the directory it left",
            Outcome::Failed(_) => "a failed cd leaves OLDPWD as it was",
        };
        let who = match cmd {
            Cmd::Physical(_) => "as bash's `cd -P` does",
            _ => "a real bash's OLDPWD after the same command",
        };
        expect_eq(
            format!("shell.oldpwd() after shell.{} ({rule}; {who})", cmd.call()),
            self.shell.oldpwd(),
            self.state.oldpwd.clone(),
        );
    }

    #[cfg(not(feature = "stage-home_and_back"))]
    fn expect_oldpwd(&self, _: &Cmd, _: &Outcome) {}

    /// Fails unless your `oldpwd()` is `expected` (and the session agrees).
    #[track_caller]
    pub fn check_claimed_oldpwd(&self, expected: Option<&str>, why: &str) {
        if self.state.oldpwd.as_deref() != expected {
            fail(format!(
                "internal: the hand-written case expects oldpwd {expected:?}, the real bash says {:?}",
                self.state.oldpwd
            ));
        }
        self.oldpwd_is(expected, why);
    }

    #[cfg(feature = "stage-home_and_back")]
    #[track_caller]
    fn oldpwd_is(&self, expected: Option<&str>, why: &str) {
        expect_eq(
            format!("shell.oldpwd(): {why}"),
            self.shell.oldpwd(),
            expected.map(str::to_owned),
        );
    }

    #[cfg(not(feature = "stage-home_and_back"))]
    fn oldpwd_is(&self, _: Option<&str>, _: &str) {
        fail("internal: a case checks oldpwd() before the home_and_back stage is compiled");
    }

    /// Returns your shell, for checks that call it directly.
    #[allow(dead_code)] // used from stage loops_and_broken on
    pub fn shell(&mut self) -> &mut Shell {
        &mut self.shell
    }
}

#[cfg(feature = "stage-home_and_back")]
fn home(shell: &mut Shell) -> Result<(), CdError> {
    shell.cd_home()
}

#[cfg(not(feature = "stage-home_and_back"))]
fn home(_: &mut Shell) -> Result<(), CdError> {
    fail("internal: a bare cd before the home_and_back stage is compiled")
}

#[cfg(feature = "stage-symlinks")]
fn physical(shell: &mut Shell, arg: &str) -> Result<(), CdError> {
    shell.cd_physical(arg)
}

#[cfg(not(feature = "stage-symlinks"))]
fn physical(_: &mut Shell, _: &str) -> Result<(), CdError> {
    fail("internal: cd -P before the symlinks stage is compiled")
}

#[cfg(feature = "stage-logical")]
fn logical(shell: &mut Shell, arg: &str) -> Result<(), CdError> {
    shell.cd_logical(arg)
}

#[cfg(not(feature = "stage-logical"))]
fn logical(_: &mut Shell, _: &str) -> Result<(), CdError> {
    fail("internal: cd -L before the logical stage is compiled")
}

/// Returns the shell's expansion of `arg`: `-` the previous directory, `~` or `~/…` under home.
pub fn expand(arg: &str, state: &State) -> Result<String, Want> {
    Ok(match arg {
        "-" => state.oldpwd.clone().ok_or(Want::NoOldPwd)?,
        "~" => state.home.clone(),
        _ => match arg.strip_prefix("~/") {
            Some(rest) => format!("{}/{rest}", state.home),
            None => arg.to_owned(),
        },
    })
}

/// Fails unless `e`'s `Display` contains `words` (case-insensitively).
#[track_caller]
pub fn expect_display(e: CdError, words: &str, why: &str) {
    let shown = e.to_string();
    if !shown.to_lowercase().contains(&words.to_lowercase()) {
        fail(format!(
            "format!(\"{{}}\", CdError::{}) should read like the shell's message: {why}\n\
             expected: text containing {words:?}\n     got: {shown:?}",
            kind_of(&e)
        ));
    }
}

/// A tree built one checked call at a time; [`Builder::shell`] replays every call, refused ones
/// included, on a fresh tree, so a refusal that changed the tree anyway shows in the next `cd`.
pub struct Builder {
    tree: Tree,
    calls: Vec<(&'static str, String, String)>,
}

impl Builder {
    /// Returns a builder holding an empty tree (only the root).
    pub fn new() -> Builder {
        Builder {
            tree: Tree::new(),
            calls: Vec::new(),
        }
    }

    /// Calls `op` (`mkdir_p`, `touch` or `symlink`, whose target is `target`) on the tree and fails
    /// unless it returns `expected`, because of `why`.
    #[track_caller]
    pub fn expect(
        &mut self,
        op: &'static str,
        path: &str,
        target: &str,
        expected: Result<(), CdError>,
        why: &str,
    ) {
        let call = match op {
            "symlink" => format!("tree.symlink({path:?}, {target:?})"),
            _ => format!("tree.{op}({path:?})"),
        };
        let got = build_call(&mut self.tree, op, path, target);
        step(format!("{call}  ->  {:?}", shown(&got)));
        self.calls.push((op, path.to_owned(), target.to_owned()));
        expect_eq(format!("{call}: {why}"), shown(&got), shown(&expected));
    }

    /// Returns a shell in `/` (home `/`) over a fresh tree built by the same calls.
    pub fn shell(&self) -> Shell {
        let mut tree = Tree::new();
        for (op, path, target) in &self.calls {
            let _ = build_call(&mut tree, op, path, target);
        }
        Shell::new(tree, "/")
    }
}

/// A builder result as the report shows it (`Ok(())`, `Err(NotFound)`), without quotes.
#[derive(PartialEq, Eq)]
struct Shown(String);

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Returns a builder result as the report shows it.
fn shown(result: &Result<(), CdError>) -> Shown {
    Shown(match result {
        Ok(()) => "Ok(())".to_owned(),
        Err(e) => format!("Err({})", kind_of(e)),
    })
}

/// Makes one builder call on `tree`.
fn build_call(tree: &mut Tree, op: &str, path: &str, target: &str) -> Result<(), CdError> {
    match op {
        "mkdir_p" => tree.mkdir_p(path),
        "touch" => tree.touch(path),
        _ => try_symlink(tree, path, target),
    }
}

#[cfg(feature = "stage-symlinks")]
fn try_symlink(tree: &mut Tree, path: &str, target: &str) -> Result<(), CdError> {
    tree.symlink(path, target)
}

#[cfg(not(feature = "stage-symlinks"))]
fn try_symlink(_: &mut Tree, path: &str, _: &str) -> Result<(), CdError> {
    fail(format!(
        "internal: the checker asked for the link {path} before the symlinks stage is compiled"
    ))
}
