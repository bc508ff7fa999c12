//! Helpers shared by the stages: temporary directories, exactly-once accounting and short renderings.
// Each helper serves some stage; builds with fewer stages compiled in leave some unused.
#![allow(dead_code)]

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh directory under the system's temporary directory, removed (with its contents) on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a directory whose name is unique to this process and call.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "syskata-iterator-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("the checker cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    /// Returns the directory's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the path of `name` inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Returns the names of the entries in the directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.path)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Returns `None` when `got` holds each of `0..n` exactly once, or else a description of the
/// duplicated, missing and foreign values (the first few of each).
pub fn exactly_once(got: impl IntoIterator<Item = u64>, n: u64) -> Option<String> {
    let mut counts = vec![0u32; n as usize];
    let mut foreign = Vec::new();
    let mut total = 0u64;
    for value in got {
        total += 1;
        match counts.get_mut(value as usize) {
            Some(c) => *c += 1,
            None => foreign.push(value),
        }
    }
    let twice: Vec<String> = counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 1)
        .map(|(i, c)| format!("{i} ({c}×)"))
        .collect();
    let missing: Vec<usize> = counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c == 0)
        .map(|(i, _)| i)
        .collect();
    if twice.is_empty() && missing.is_empty() && foreign.is_empty() {
        return None;
    }
    let mut text = format!("{total} deliveries for {n} items.");
    if !twice.is_empty() {
        text.push_str(&format!(
            "\ndelivered more than once ({} items): {}",
            twice.len(),
            first_few(&twice)
        ));
    }
    if !missing.is_empty() {
        text.push_str(&format!(
            "\nnever delivered ({} items): {}",
            missing.len(),
            first_few(&missing)
        ));
    }
    if !foreign.is_empty() {
        text.push_str(&format!(
            "\nvalues that are not in the source: {}",
            first_few(&foreign)
        ));
    }
    Some(text)
}

/// Returns the first few elements of `items` for a message, with a count of the rest.
pub fn first_few<T: Display>(items: &[T]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = items.iter().take(SHOWN).map(|x| x.to_string()).collect();
    if items.len() > SHOWN {
        format!("{} … and {} more", shown.join(", "), items.len() - SHOWN)
    } else {
        shown.join(", ")
    }
}

/// Returns `bytes` as space-separated hex pairs.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
