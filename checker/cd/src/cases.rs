//! Hand-written cases read from `cases/<stage>.txt`: one `## section` per check, one command per line.
//!
//! ```text
//! ## dotdot_at_the_root_stays_at_the_root      <- the check of the same name runs this section
//! tree /a/b/ /a/f /l->a/b                      <- `/x/` a directory, `/x` a file, `/x->t` a link
//! home /a                                      <- Shell::new(tree, "/a") (default "/")
//! cd ..          -> /       # why it must be so <- shell.cd(".."): Ok and pwd() is "/"
//! cd a/f         -> NotADirectory              <- shell.cd("a/f") is Err(CdError::NotADirectory)
//! cd             -> /a                         <- a bare cd: shell.cd_home()
//! cd -P l/..     -> /a                         <- shell.cd_physical("l/..")
//! cd -L l/..     -> /                          <- shell.cd_logical("l/..")
//! cd ''          -> NotFound                   <- an empty argument
//! oldpwd         -> none                       <- shell.oldpwd() is None (or `-> /path`)
//! pwd            -> /a                         <- shell.pwd()
//! ```
//!
//! A `tree` line after commands starts a fresh shell on a new tree. Every `cd` line is also run on
//! the same tree built for real; a line the real OS disagrees with is reported as a checker bug.

use syskata_kit::{fail, scenario};

use crate::support::{Cmd, Entry, Outcome, Session, Spec, Want};

/// One line of a section.
enum Line {
    Run(Cmd, Outcome, String),
    Pwd(String, String),
    Oldpwd(Option<String>, String),
}

/// One tree, its home, and the commands run on it.
#[derive(Default)]
struct Case {
    spec: Spec,
    home: Option<String>,
    lines: Vec<Line>,
}

impl Case {
    /// Returns how far above the root one resolution may climb, so the real tree gets enough
    /// copies: the `..` in an argument, plus what link targets climb beyond their own depth.
    fn climb(&self) -> usize {
        let dotdots = |path: &str| path.split('/').filter(|n| *n == "..").count();
        let links: usize = self
            .spec
            .entries
            .iter()
            .map(|e| match e {
                Entry::Link(path, target) => {
                    dotdots(target).saturating_sub(path.matches('/').count() - 1)
                }
                _ => 0,
            })
            .sum();
        let args = self
            .lines
            .iter()
            .map(|line| match line {
                Line::Run(Cmd::Cd(a) | Cmd::Physical(a) | Cmd::Logical(a), ..) => dotdots(a),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        args + links
    }
}

/// Runs section `section` of the case file `file` (named `file_name` in messages).
///
/// `level` is the stage number the check belongs to: from 2 on, `oldpwd()` is compared after
/// every command.
pub fn run(file: &str, file_name: &str, section: &str, level: u8) {
    let cases = parse(file, file_name, section);
    let count = cases.len();
    for (i, case) in cases.into_iter().enumerate() {
        let home = case.home.clone().unwrap_or_else(|| "/".to_owned());
        let part = if count > 1 {
            format!(" (tree {} of {count})", i + 1)
        } else {
            String::new()
        };
        scenario(format!(
            "hand-written case{part}; the tree, built with your Tree and for real in a temp dir \
             whose root stands for /:\n{}\nhome: {home}\neach command is also run on the real tree, \
             and your shell must agree with it",
            case.spec.describe()
        ));
        let mut session = Session::new(&case.spec, case.climb(), &home, level >= 2);
        for line in &case.lines {
            match line {
                Line::Run(cmd, expected, why) => session.run(cmd, Some((expected, why))),
                Line::Pwd(pwd, why) => session.expect_pwd(pwd, why),
                Line::Oldpwd(old, why) => session.check_claimed_oldpwd(old.as_deref(), why),
            }
        }
    }
}

/// Returns the cases of `section`, failing on a malformed line (a checker bug).
fn parse(file: &str, file_name: &str, section: &str) -> Vec<Case> {
    let header = format!("## {section}");
    let Some(start) = file.lines().position(|l| l.trim_end() == header) else {
        fail(format!("internal: {file_name} has no section {header:?}"));
    };
    let mut cases: Vec<Case> = vec![Case::default()];
    for (n, raw) in file.lines().enumerate().skip(start + 1) {
        let bad =
            |why: &str| -> ! { fail(format!("internal: {file_name}:{}: {why}: {raw}", n + 1)) };
        let line = raw.trim();
        if line.starts_with("## ") {
            break;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (line, why) = match line.split_once(" # ") {
            Some((line, why)) => (line.trim(), why.trim().to_owned()),
            None => (line, String::new()),
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let case = cases.last_mut().expect("one case at least");
        match words[0] {
            "tree" => {
                if !case.lines.is_empty() {
                    cases.push(Case::default());
                }
                let case = cases.last_mut().expect("just pushed");
                for word in &words[1..] {
                    case.spec
                        .entries
                        .push(entry(word).unwrap_or_else(|| bad("bad tree entry")));
                }
            }
            "home" => {
                if words.len() != 2 {
                    bad("home wants one path");
                }
                case.home = Some(words[1].to_owned());
            }
            _ => {
                let Some(arrow) = words.iter().position(|w| *w == "->") else {
                    bad("a command needs `-> expected`");
                };
                if arrow + 2 != words.len() {
                    bad("one expected value after `->`");
                }
                let expected = words[arrow + 1];
                let arg = |w: &str| {
                    if w == "''" {
                        String::new()
                    } else {
                        w.to_owned()
                    }
                };
                let parsed = match &words[..arrow] {
                    ["pwd"] if expected.starts_with('/') => Line::Pwd(expected.to_owned(), why),
                    ["oldpwd"] => {
                        let old = match expected {
                            "none" => None,
                            p if p.starts_with('/') => Some(p.to_owned()),
                            _ => bad("oldpwd wants `none` or a path"),
                        };
                        Line::Oldpwd(old, why)
                    }
                    cmd => {
                        let cmd = match cmd {
                            ["cd"] => Cmd::Home,
                            ["cd", "-P", a] => Cmd::Physical(arg(a)),
                            ["cd", "-L", a] => Cmd::Logical(arg(a)),
                            ["cd", a] => Cmd::Cd(arg(a)),
                            _ => bad("unknown command"),
                        };
                        let outcome = if expected.starts_with('/') {
                            Outcome::Moved(expected.to_owned())
                        } else {
                            Outcome::Failed(
                                Want::parse(expected).unwrap_or_else(|| bad("unknown error")),
                            )
                        };
                        Line::Run(cmd, outcome, why)
                    }
                };
                case.lines.push(parsed);
            }
        }
    }
    if cases.iter().all(|c| c.lines.is_empty()) {
        fail(format!(
            "internal: {file_name} section {section} has no commands"
        ));
    }
    cases
}

/// Returns the entry written as `word`: `/a/` a directory, `/a/f` a file, `/l->target` a link.
fn entry(word: &str) -> Option<Entry> {
    if !word.starts_with('/') {
        return None;
    }
    Some(match word.split_once("->") {
        Some((path, target)) => Entry::Link(path.to_owned(), target.to_owned()),
        None => match word.strip_suffix('/') {
            Some(dir) => Entry::Dir(dir.to_owned()),
            None => Entry::File(word.to_owned()),
        },
    })
}
