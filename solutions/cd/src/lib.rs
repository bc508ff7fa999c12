//! A shell's `cd` over an in-memory directory tree with symbolic links, in physical (`-P`) and logical (`-L`) modes.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::collections::BTreeMap;
use std::fmt;

/// The most symbolic links one path resolution follows, as on Linux; the next one is an error.
const MAX_HOPS: usize = 40;

/// The index of the root directory in a tree's node arena.
const ROOT: usize = 0;

/// Why a `cd`, or a call building a tree, failed; `Display` gives the shell's words.
///
/// # Example
/// ```
/// let mut shell = cd_solution::Shell::new(cd_solution::Tree::new(), "/");
/// let err = shell.cd("nope").unwrap_err();
/// assert_eq!(err, cd_solution::CdError::NotFound);
/// assert_eq!(err.to_string(), "No such file or directory");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdError {
    /// A name on the way does not exist, or a symbolic link points nowhere.
    NotFound,
    /// A name on the way or at the end is a file, or a link to one, where a directory is needed.
    NotADirectory,
    /// A tree builder was asked to create a name that is already taken.
    AlreadyExists,
    /// `cd -` was asked for before any successful `cd`.
    NoOldPwd,
    /// Resolving one path followed more than 40 symbolic links: almost always a cycle.
    TooManyLinks,
}

impl fmt::Display for CdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CdError::NotFound => "No such file or directory",
            CdError::NotADirectory => "Not a directory",
            CdError::AlreadyExists => "File exists",
            CdError::NoOldPwd => "OLDPWD not set",
            CdError::TooManyLinks => "Too many levels of symbolic links",
        })
    }
}

impl std::error::Error for CdError {}

/// What a name in the tree stands for.
#[derive(Debug, Clone)]
enum Kind {
    /// A directory and its entries, by name.
    Dir(BTreeMap<String, usize>),
    /// A regular file.
    File,
    /// A symbolic link and its target, exactly as written.
    Link(String),
}

/// One entry of the tree: its name, the directory holding it and what it is.
#[derive(Debug, Clone)]
struct Node {
    name: String,
    parent: usize,
    kind: Kind,
}

/// An in-memory directory tree of directories, files and symbolic links under a root `/`.
///
/// Entries live in an arena (`Vec`) and refer to each other by index; each directory maps names to
/// its entries, and each entry knows its parent, so `..` and `pwd` need no search.
///
/// # Example
/// ```
/// let mut tree = cd_solution::Tree::new();
/// tree.mkdir_p("/srv/releases/v2").unwrap();
/// tree.symlink("/srv/current", "releases/v2").unwrap();
/// tree.touch("/srv/README").unwrap();
/// let mut shell = cd_solution::Shell::new(tree, "/");
/// shell.cd_physical("/srv/current").unwrap();
/// assert_eq!(shell.pwd(), "/srv/releases/v2");
/// ```
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

impl Tree {
    /// Returns a tree holding only the root directory `/`.
    ///
    /// # Example
    /// ```
    /// let tree = cd_solution::Tree::new();
    /// let shell = cd_solution::Shell::new(tree, "/");
    /// assert_eq!(shell.pwd(), "/");
    /// ```
    pub fn new() -> Self {
        Tree {
            nodes: vec![Node {
                name: String::new(),
                parent: ROOT,
                kind: Kind::Dir(BTreeMap::new()),
            }],
        }
    }

    /// Creates the directory `path` and any missing parents, like `mkdir -p`; existing directories are fine.
    ///
    /// Fails with [`CdError::NotADirectory`] when a parent is not a directory and with
    /// [`CdError::AlreadyExists`] when `path` itself is a file or a link. Builders never follow links.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a/b").unwrap();
    /// tree.mkdir_p("/a").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd("/a/b").unwrap();
    /// ```
    pub fn mkdir_p(&mut self, path: &str) -> Result<(), CdError> {
        let all: Vec<&str> = names(path).collect();
        let mut dir = ROOT;
        for (i, &name) in all.iter().enumerate() {
            dir = match self.child(dir, name) {
                _ if name == ".." => self.nodes[dir].parent,
                None => self.insert(dir, name, Kind::Dir(BTreeMap::new())),
                Some(id) if self.is_dir(id) => id,
                Some(_) if i + 1 == all.len() => return Err(CdError::AlreadyExists),
                Some(_) => return Err(CdError::NotADirectory),
            };
        }
        Ok(())
    }

    /// Creates an empty file at `path`; its parent directory must exist. Touching an existing file is fine.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a").unwrap();
    /// tree.touch("/a/f").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// assert_eq!(shell.cd("/a/f"), Err(cd_solution::CdError::NotADirectory));
    /// ```
    pub fn touch(&mut self, path: &str) -> Result<(), CdError> {
        let (dir, name) = self.parent_of_new(path)?;
        match self.child(dir, name) {
            None => {
                self.insert(dir, name, Kind::File);
                Ok(())
            }
            Some(id) if matches!(self.nodes[id].kind, Kind::File) => Ok(()),
            Some(_) => Err(CdError::AlreadyExists),
        }
    }

    /// Creates a symbolic link at `path` pointing to `target`, stored as written and resolved only when used.
    ///
    /// A relative target is read from the link's own directory. The parent must exist and the name
    /// must be free.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a/b").unwrap();
    /// tree.symlink("/a/l", "b").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd_physical("/a/l").unwrap();
    /// assert_eq!(shell.pwd(), "/a/b");
    /// ```
    pub fn symlink(&mut self, path: &str, target: &str) -> Result<(), CdError> {
        if target.is_empty() {
            return Err(CdError::NotFound);
        }
        let (dir, name) = self.parent_of_new(path)?;
        if self.child(dir, name).is_some() {
            return Err(CdError::AlreadyExists);
        }
        self.insert(dir, name, Kind::Link(target.to_owned()));
        Ok(())
    }

    /// Returns the directory that will hold the last name of `path`, and that name.
    fn parent_of_new<'p>(&self, path: &'p str) -> Result<(usize, &'p str), CdError> {
        let all: Vec<&str> = names(path).collect();
        let Some((&name, parents)) = all.split_last() else {
            return Err(CdError::AlreadyExists); // the root itself
        };
        if name == ".." {
            return Err(CdError::AlreadyExists);
        }
        let mut dir = ROOT;
        for &parent in parents {
            dir = match self.child(dir, parent) {
                _ if parent == ".." => self.nodes[dir].parent,
                None => return Err(CdError::NotFound),
                Some(id) if self.is_dir(id) => id,
                Some(_) => return Err(CdError::NotADirectory),
            };
        }
        Ok((dir, name))
    }

    /// Adds `name` to directory `dir` and returns the new node's index.
    fn insert(&mut self, dir: usize, name: &str, kind: Kind) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            name: name.to_owned(),
            parent: dir,
            kind,
        });
        if let Kind::Dir(entries) = &mut self.nodes[dir].kind {
            entries.insert(name.to_owned(), id);
        }
        id
    }

    /// Returns the entry `name` of directory `dir`, if any.
    fn child(&self, dir: usize, name: &str) -> Option<usize> {
        match &self.nodes[dir].kind {
            Kind::Dir(entries) => entries.get(name).copied(),
            _ => None,
        }
    }

    fn is_dir(&self, id: usize) -> bool {
        matches!(self.nodes[id].kind, Kind::Dir(_))
    }

    /// Resolves `path` physically from directory `start` (absolute paths from the root), following
    /// every link, and returns the directory it names.
    ///
    /// The walk is iterative: a link's target is spliced in front of the names still to walk, so a
    /// cycle costs one hop per turn and ends at the hop limit instead of growing the call stack.
    fn resolve(&self, start: usize, path: &str) -> Result<usize, CdError> {
        if path.is_empty() {
            return Err(CdError::NotFound);
        }
        let mut dir = if path.starts_with('/') { ROOT } else { start };
        // Names still to walk, the next one last.
        let mut pending: Vec<&str> = path.rsplit('/').collect();
        let mut hops = 0;
        while let Some(name) = pending.pop() {
            match name {
                "" | "." => {}
                ".." => dir = self.nodes[dir].parent,
                _ => {
                    let Some(child) = self.child(dir, name) else {
                        return Err(CdError::NotFound);
                    };
                    match &self.nodes[child].kind {
                        Kind::Dir(_) => dir = child,
                        Kind::File => return Err(CdError::NotADirectory),
                        Kind::Link(target) => {
                            hops += 1;
                            if hops > MAX_HOPS {
                                return Err(CdError::TooManyLinks);
                            }
                            if target.starts_with('/') {
                                dir = ROOT;
                            }
                            pending.extend(target.rsplit('/'));
                        }
                    }
                }
            }
        }
        Ok(dir)
    }

    /// Returns the physical path of directory `id`: `""` for the root, else `/a/b`.
    fn path_of(&self, mut id: usize) -> String {
        let mut names = Vec::new();
        while id != ROOT {
            names.push(self.nodes[id].name.as_str());
            id = self.nodes[id].parent;
        }
        names.iter().rev().fold(String::new(), |mut path, name| {
            path.push('/');
            path.push_str(name);
            path
        })
    }
}

/// Returns the names of `path` that move somewhere: empty names and `.` are dropped.
fn names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter(|name| !name.is_empty() && *name != ".")
}

/// Returns `path` as `pwd` prints it: the root is `/`, never the empty string.
fn or_root(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// How `cd` treats a symbolic link on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `cd -P`: links are resolved, so the new working directory has none in its path.
    Physical,
    /// `cd -L`, the default: the path keeps link names and `..` removes the last name.
    Logical,
}

/// A shell session over a tree: a working directory that `cd` changes, a home and the previous directory.
///
/// # Example
/// ```
/// let mut tree = cd_solution::Tree::new();
/// tree.mkdir_p("/srv/releases/v2").unwrap();
/// tree.symlink("/srv/current", "releases/v2").unwrap();
/// let mut shell = cd_solution::Shell::new(tree, "/srv");
/// shell.cd("/srv/current").unwrap();
/// assert_eq!(shell.pwd(), "/srv/current"); // logical: the link's name stays
/// shell.cd_physical(".").unwrap();
/// assert_eq!(shell.pwd(), "/srv/releases/v2"); // physical: where it really is
/// shell.cd("-").unwrap();
/// assert_eq!(shell.pwd(), "/srv/current");
/// ```
#[derive(Debug, Clone)]
pub struct Shell {
    tree: Tree,
    home: String,
    /// The working directory as `pwd` prints it, `""` for the root; may name links (logical mode).
    pwd: String,
    /// The directory `pwd` leads to, where relative physical paths start.
    cwd: usize,
    /// The working directory before the last successful `cd`.
    oldpwd: Option<String>,
}

impl Shell {
    /// Returns a shell over `tree`, working in the root directory, whose home directory is `home`.
    ///
    /// # Example
    /// ```
    /// let shell = cd_solution::Shell::new(cd_solution::Tree::new(), "/home");
    /// assert_eq!(shell.pwd(), "/");
    /// assert_eq!(shell.oldpwd(), None);
    /// ```
    pub fn new(tree: Tree, home: &str) -> Self {
        Shell {
            tree,
            home: home.to_owned(),
            pwd: String::new(),
            cwd: ROOT,
            oldpwd: None,
        }
    }

    /// Returns the working directory as `pwd` prints it: absolute, `/` for the root, no trailing slash.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a/b").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd("a//b/").unwrap();
    /// assert_eq!(shell.pwd(), "/a/b");
    /// ```
    pub fn pwd(&self) -> String {
        or_root(&self.pwd).to_owned()
    }

    /// Returns the working directory before the last successful `cd`, or `None` before the first one.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd("a").unwrap();
    /// assert_eq!(shell.oldpwd().as_deref(), Some("/"));
    /// ```
    pub fn oldpwd(&self) -> Option<String> {
        self.oldpwd.as_deref().map(|old| or_root(old).to_owned())
    }

    /// Changes the working directory the way a shell's plain `cd arg` does, which is `cd -L arg`.
    ///
    /// `-` means the previous directory, `~` and `~/…` the home directory. On error nothing changes.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a/b").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd("/a/b/../..").unwrap();
    /// assert_eq!(shell.pwd(), "/");
    /// assert_eq!(shell.cd("nope"), Err(cd_solution::CdError::NotFound));
    /// ```
    pub fn cd(&mut self, arg: &str) -> Result<(), CdError> {
        self.change(arg, Mode::Logical)
    }

    /// Changes to the home directory, like a bare `cd`.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/home/me").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/home/me");
    /// shell.cd_home().unwrap();
    /// assert_eq!(shell.pwd(), "/home/me");
    /// ```
    pub fn cd_home(&mut self) -> Result<(), CdError> {
        self.change("~", Mode::Logical)
    }

    /// Changes the working directory like `cd -P arg`: every link is resolved, so `pwd` names no link
    /// and `..` goes to the parent of the directory actually reached.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a/b").unwrap();
    /// tree.symlink("/l", "a/b").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd_physical("l/..").unwrap();
    /// assert_eq!(shell.pwd(), "/a");
    /// ```
    pub fn cd_physical(&mut self, arg: &str) -> Result<(), CdError> {
        self.change(arg, Mode::Physical)
    }

    /// Changes the working directory like `cd -L arg`: the new path keeps the link names typed, and
    /// `..` removes the last name once the path before it is known to be a directory.
    ///
    /// # Example
    /// ```
    /// let mut tree = cd_solution::Tree::new();
    /// tree.mkdir_p("/a/b").unwrap();
    /// tree.symlink("/l", "a/b").unwrap();
    /// let mut shell = cd_solution::Shell::new(tree, "/");
    /// shell.cd_logical("l").unwrap();
    /// assert_eq!(shell.pwd(), "/l");
    /// shell.cd_logical("..").unwrap();
    /// assert_eq!(shell.pwd(), "/");
    /// ```
    pub fn cd_logical(&mut self, arg: &str) -> Result<(), CdError> {
        self.change(arg, Mode::Logical)
    }

    /// Moves to `arg` in `mode`, recording the previous directory; changes nothing on error.
    fn change(&mut self, arg: &str, mode: Mode) -> Result<(), CdError> {
        let path = self.expand(arg)?;
        let (pwd, cwd) = match mode {
            Mode::Physical => {
                let cwd = self.tree.resolve(self.cwd, &path)?;
                (self.tree.path_of(cwd), cwd)
            }
            Mode::Logical => self.logical(&path)?,
        };
        self.oldpwd = Some(std::mem::replace(&mut self.pwd, pwd));
        self.cwd = cwd;
        Ok(())
    }

    /// Returns `arg` with the shell's shorthands replaced: `-` by the previous directory, a leading
    /// `~` (alone or before `/`) by the home directory.
    fn expand(&self, arg: &str) -> Result<String, CdError> {
        Ok(match arg {
            "-" => or_root(self.oldpwd.as_deref().ok_or(CdError::NoOldPwd)?).to_owned(),
            "~" => self.home.clone(),
            _ => match arg.strip_prefix("~/") {
                Some(rest) => format!("{}/{rest}", self.home),
                None => arg.to_owned(),
            },
        })
    }

    /// Returns the logical path `path` leads to from the working directory, and its directory.
    ///
    /// Each `..` drops the last name, after checking that the path so far is a directory (as POSIX
    /// asks); the final path is then resolved from the root like the kernel's `chdir` would.
    fn logical(&self, path: &str) -> Result<(String, usize), CdError> {
        if path.is_empty() {
            return Err(CdError::NotFound);
        }
        let mut logical = if path.starts_with('/') {
            String::new()
        } else {
            self.pwd.clone()
        };
        for name in path.split('/') {
            match name {
                "" | "." => {}
                ".." => {
                    self.tree.resolve(ROOT, or_root(&logical))?;
                    logical.truncate(logical.rfind('/').unwrap_or(0));
                }
                _ => {
                    logical.push('/');
                    logical.push_str(name);
                }
            }
        }
        let dir = self.tree.resolve(ROOT, or_root(&logical))?;
        Ok((logical, dir))
    }
}
