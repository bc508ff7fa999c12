//! Seeded random trees and `cd` arguments, and random sessions compared with the real OS.

use syskata_kit::{scenario, Ctx, Rng};

use crate::support::{Cmd, Entry, Session, Spec, State};

/// Names of generated directories, files and links (never the reserved level name). Directory
/// names include a few that only look special (`...`, `.a`) and one that is not ASCII.
const DIRS: [&str; 7] = ["a", "b", "c", "d", "...", ".a", "é"];
const FILES: [&str; 2] = ["f", "g"];
const LINKS: [&str; 4] = ["l", "m", "n", "k"];
/// A name that never exists.
const MISSING: &str = "zz";
/// The most `..` in one generated argument (the real tree has this many copies above its root).
const MAX_CLIMB: usize = 3;

/// What a generated tree holds.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    /// Directories besides the root.
    pub dirs: usize,
    /// Regular files.
    pub files: usize,
    /// Links to directories or to earlier links: never broken, never a cycle.
    pub good_links: usize,
    /// Links to anything, missing names included: broken links, links to files, cycles.
    pub bad_links: usize,
}

/// Returns a random tree: directories at most 4 deep; every relative link target climbs at most
/// to the root (its `..` come first and never outnumber the link's depth).
pub fn tree(rng: &mut Rng, mix: Mix) -> Spec {
    let mut dirs: Vec<String> = vec![String::new()];
    let mut taken: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    let free = |rng: &mut Rng, parent: &str, pool: &[&str], taken: &[String]| -> Option<String> {
        for _ in 0..6 {
            let path = format!("{parent}/{}", rng.pick(pool));
            if !taken.contains(&path) {
                return Some(path);
            }
        }
        None
    };
    for _ in 0..mix.dirs {
        let shallow: Vec<&String> = dirs.iter().filter(|d| depth(d) < 4).collect();
        let parent = rng.pick(&shallow).to_string();
        if let Some(path) = free(rng, &parent, &DIRS, &taken) {
            taken.push(path.clone());
            dirs.push(path.clone());
            entries.push(Entry::Dir(path));
        }
    }
    let mut files = Vec::new();
    for _ in 0..mix.files {
        let parent = rng.pick(&dirs).clone();
        if let Some(path) = free(rng, &parent, &FILES, &taken) {
            taken.push(path.clone());
            files.push(path.clone());
            entries.push(Entry::File(path));
        }
    }
    let mut links: Vec<(String, bool)> = Vec::new();
    for i in 0..mix.good_links + mix.bad_links {
        let parent = rng.pick(&dirs).clone();
        if let Some(path) = free(rng, &parent, &LINKS, &taken) {
            taken.push(path.clone());
            links.push((path, i >= mix.good_links));
        }
    }
    let all_links: Vec<String> = links.iter().map(|(p, _)| p.clone()).collect();
    let bad_links: Vec<&String> = links.iter().filter(|l| l.1).map(|l| &l.0).collect();
    // Often, the first two bad links point at each other: a cycle the arguments can reach.
    let pair = bad_links.len() >= 2 && rng.chance(70);
    for (i, (path, bad)) in links.iter().enumerate() {
        let dir = &path[..path.rfind('/').unwrap_or(0)];
        let dest = if pair && *path == *bad_links[0] {
            bad_links[1].clone()
        } else if pair && *path == *bad_links[1] {
            bad_links[0].clone()
        } else if !bad {
            if i > 0 && rng.chance(30) {
                all_links[rng.index(i)].clone()
            } else {
                rng.pick(&dirs).clone()
            }
        } else {
            match rng.below(5) {
                0 => format!("{}/{MISSING}", rng.pick(&dirs)),
                1 if !files.is_empty() => rng.pick(&files).clone(),
                2 => path.clone(),
                3 => rng.pick(&dirs).clone(),
                _ => rng.pick(&all_links).clone(),
            }
        };
        let mut target = if rng.chance(40) {
            if dest.is_empty() {
                "/".to_owned()
            } else {
                dest
            }
        } else {
            relative(dir, &dest)
        };
        if rng.chance(10) {
            target.push_str(if rng.chance(50) { "/" } else { "/." });
        }
        entries.push(Entry::Link(path.clone(), target));
    }
    Spec { entries }
}

/// Returns the depth of model path `path` (`""` is the root, depth 0).
fn depth(path: &str) -> usize {
    path.split('/').filter(|n| !n.is_empty()).count()
}

/// Returns a relative path from directory `from` to `to` (both `""` or `/a/b`): `..`s, then names.
fn relative(from: &str, to: &str) -> String {
    let a: Vec<&str> = from.split('/').filter(|n| !n.is_empty()).collect();
    let b: Vec<&str> = to.split('/').filter(|n| !n.is_empty()).collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; a.len() - common];
    parts.extend(&b[common..]);
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Returns a random `cd` argument from `pwd`: 1 to 5 names, `.`, `..` and extra slashes, mostly
/// names that exist where the path has got to, so deep directories and links are reached.
pub fn arg(rng: &mut Rng, spec: &Spec, pwd: &str) -> String {
    let absolute = rng.chance(25);
    let mut at: Option<Vec<String>> = Some(if absolute { Vec::new() } else { names(pwd) });
    let mut parts: Vec<String> = Vec::new();
    let mut climbs = 0;
    for _ in 0..rng.range(1, 5) {
        let roll = match rng.below(100) {
            roll if roll < 18 && climbs == MAX_CLIMB => 18 + rng.below(82),
            roll => roll,
        };
        let children = at.as_ref().map(|at| children(spec, at)).unwrap_or_default();
        let name = if roll < 18
            || (roll < 93 && children.is_empty() && climbs < MAX_CLIMB && rng.chance(50))
        {
            climbs += 1;
            "..".to_owned()
        } else if roll < 22 {
            ".".to_owned()
        } else if roll < 25 {
            String::new()
        } else if roll < 93 && !children.is_empty() {
            rng.pick(&children).clone()
        } else {
            let pools: [&[&str]; 4] = [&DIRS, &FILES, &LINKS, &[MISSING]];
            let pool = *rng.pick(&pools);
            rng.pick(pool).to_string()
        };
        at = match (at, name.as_str()) {
            (Some(mut at), "..") => {
                at.pop();
                Some(at)
            }
            (at, "" | ".") => at,
            (Some(mut at), name) => {
                at.push(name.to_owned());
                locate(spec, at, 0)
            }
            (None, _) => None,
        };
        parts.push(name);
    }
    let mut arg = parts.join("/");
    if absolute {
        arg.insert(0, '/');
    }
    if arg.is_empty() {
        arg.push('.');
    }
    if rng.chance(8) {
        arg.push('/');
    }
    arg
}

/// Returns the names of `path`.
fn names(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Returns the names of the entries of directory `/at…` in `spec`.
fn children(spec: &Spec, at: &[String]) -> Vec<String> {
    let here = format!("/{}", at.join("/"));
    spec.entries
        .iter()
        .filter_map(|e| {
            let (parent, name) = e.path().rsplit_once('/')?;
            (if parent.is_empty() { "/" } else { parent } == here).then(|| name.to_owned())
        })
        .collect()
}

/// Returns roughly where `/at…` leads, following the spec's links a few times; only a guide for
/// choosing names that exist (the real answers come from the OS).
fn locate(spec: &Spec, at: Vec<String>, hops: usize) -> Option<Vec<String>> {
    let path = format!("/{}", at.join("/"));
    let target = spec.entries.iter().find_map(|e| match e {
        Entry::Link(p, t) if *p == path => Some(t.clone()),
        _ => None,
    });
    let Some(target) = target else {
        return Some(at);
    };
    if hops > 8 {
        return None;
    }
    let mut next = if target.starts_with('/') {
        Vec::new()
    } else {
        at[..at.len() - 1].to_vec()
    };
    for name in target.split('/') {
        match name {
            "" | "." => {}
            ".." => {
                next.pop();
            }
            name => {
                next.push(name.to_owned());
                next = locate(spec, next, hops + 1)?;
            }
        }
    }
    Some(next)
}

/// Returns a random home directory: usually an existing directory, sometimes one through a link.
pub fn home(rng: &mut Rng, spec: &Spec) -> String {
    let dirs: Vec<&str> = spec
        .entries
        .iter()
        .filter(|e| matches!(e, Entry::Dir(_) | Entry::Link(..)))
        .map(Entry::path)
        .collect();
    if rng.chance(5) {
        return format!("/{MISSING}");
    }
    if dirs.is_empty() || rng.chance(10) {
        return "/".to_owned();
    }
    rng.pick(&dirs).to_string()
}

/// Returns a random plain `cd`: mostly paths, sometimes `-`, `~`, `~/…` or a bare `cd`.
#[allow(dead_code)] // used from stage home_and_back on
pub fn plain(rng: &mut Rng, spec: &Spec, state: &State) -> Cmd {
    match rng.below(100) {
        0..=7 => Cmd::Cd("-".to_owned()),
        8..=12 => Cmd::Cd("~".to_owned()),
        13..=17 => Cmd::Home,
        18..=25 => {
            let rest = arg(rng, spec, &state.home);
            Cmd::Cd(format!("~/{}", rest.trim_start_matches('/')))
        }
        _ => Cmd::Cd(arg(rng, spec, &state.pwd)),
    }
}

/// Runs `sessions` random sessions of `commands` commands each on trees of `mix`, comparing every
/// command with the real OS; `next` picks each command.
pub fn sessions(
    ctx: &mut Ctx,
    level: u8,
    sessions: usize,
    commands: usize,
    mix: Mix,
    with_home: bool,
    next: fn(&mut Rng, &Spec, &State) -> Cmd,
) {
    for s in 0..sessions {
        let rng = ctx.rng();
        let spec = tree(rng, mix);
        let home = if with_home {
            home(rng, &spec)
        } else {
            "/".to_owned()
        };
        scenario(format!(
            "random session {} of {sessions} (seeded: the seed below replays it); the tree, built \
             with your Tree and for real in a temp dir whose root stands for /:\n{}\nhome: {home}\n\
             each command is run on your shell and on the real tree; they must agree",
            s + 1,
            spec.describe()
        ));
        let mut session = Session::new(&spec, MAX_CLIMB, &home, level >= 2);
        for _ in 0..commands {
            let cmd = next(ctx.rng(), &spec, &session.state);
            session.run(&cmd, None);
        }
    }
}
