//! Your `cd`: a shell's working directory over an in-memory directory tree.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

use std::fmt;

/// Why a `cd`, or a call building a tree, failed.
///
/// Later stages add variants; the checker compares variants, and reads `Display` for the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdError {
    /// A name on the way does not exist. Displays as "No such file or directory".
    NotFound,
    /// A name on the way or at the end is a file where a directory is needed. Displays as "Not a directory".
    NotADirectory,
    /// A tree builder was asked to create a name that is already taken. Displays as "File exists".
    AlreadyExists,
}

impl fmt::Display for CdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

impl std::error::Error for CdError {}

/// An in-memory directory tree: directories and files under a root `/`.
///
/// The checker builds trees with these calls, always with absolute paths made of plain names
/// (no `.` or `..`), and creates a file's parent directory with `mkdir_p` before `touch`.
pub struct Tree {
    // Your fields here.
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

impl Tree {
    /// Returns a tree holding only the root directory `/`.
    pub fn new() -> Self {
        todo!()
    }

    /// Creates the directory `path` and any missing parents, like `mkdir -p`; existing directories are fine.
    ///
    /// Fails with `NotADirectory` when a parent is a file, `AlreadyExists` when `path` itself is a file.
    pub fn mkdir_p(&mut self, path: &str) -> Result<(), CdError> {
        todo!()
    }

    /// Creates an empty file at `path`; its parent directory must exist (else `NotFound`).
    /// Touching an existing file is fine; touching a directory is `AlreadyExists`.
    pub fn touch(&mut self, path: &str) -> Result<(), CdError> {
        todo!()
    }
}

/// A shell session over a tree: the working directory that `cd` changes.
pub struct Shell {
    // Your fields here.
}

impl Shell {
    /// Returns a shell over `tree`, working in the root directory `/`.
    ///
    /// `home` is the user's home directory (an absolute path); a later stage uses it.
    pub fn new(tree: Tree, home: &str) -> Self {
        todo!()
    }

    /// Returns the working directory as `pwd` prints it: absolute, `/` for the root, single slashes,
    /// no trailing slash, no `.` or `..` (for example `/a/b`).
    pub fn pwd(&self) -> String {
        todo!()
    }

    /// Changes the working directory to `arg`, like the shell's `cd arg`.
    ///
    /// `arg` is absolute (`/a/b`) or relative to the working directory (`b/c`, `../x`); `.` is the
    /// directory itself, `..` its parent (the root's parent is the root), and runs of slashes count
    /// as one. A missing name is `NotFound`, a file where a directory is needed `NotADirectory`
    /// (also before a `..`: `f/..` is an error), an empty `arg` is `NotFound`. On error the working
    /// directory does not change.
    pub fn cd(&mut self, arg: &str) -> Result<(), CdError> {
        todo!()
    }
}
