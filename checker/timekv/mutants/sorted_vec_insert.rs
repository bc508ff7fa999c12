//! A wrong timekv solution: each history is a sorted Vec, and a late write is a `Vec::insert` that shifts every later version.

use std::collections::HashMap;

/// A store of versioned values, one sorted vector of versions per key.
pub struct TimeKv<V> {
    keys: HashMap<String, Vec<(u64, V)>>,
    versions: usize,
}

impl<V> Default for TimeKv<V> {
    fn default() -> Self {
        TimeKv {
            keys: HashMap::new(),
            versions: 0,
        }
    }
}

impl<V> TimeKv<V> {
    /// Returns an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a version; a late one is inserted in place, shifting the newer versions.
    pub fn set(&mut self, key: &str, value: V, ts: u64) -> Option<V> {
        let history = match self.keys.get_mut(key) {
            Some(history) => history,
            None => self.keys.entry(key.to_owned()).or_default(),
        };
        match history.binary_search_by_key(&ts, |(t, _)| *t) {
            Ok(at) => Some(std::mem::replace(&mut history[at].1, value)),
            Err(at) => {
                history.insert(at, (ts, value));
                self.versions += 1;
                None
            }
        }
    }

    /// Returns the version in force at `ts`.
    pub fn get(&self, key: &str, ts: u64) -> Option<&V> {
        let history = self.keys.get(key)?;
        let at = history.partition_point(|(t, _)| *t <= ts);
        at.checked_sub(1).map(|i| &history[i].1)
    }

    /// Returns the number of versions.
    pub fn len(&self) -> usize {
        self.versions
    }

    /// Returns `true` when there is no version.
    pub fn is_empty(&self) -> bool {
        self.versions == 0
    }
}
