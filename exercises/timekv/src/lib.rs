//! Your time-versioned key-value store: every write is a version of a key at a timestamp.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

/// A store that keeps every version of every key: `set` writes the value of a key at a timestamp,
/// `get` asks for the value the key had at a timestamp (the latest version at or before it).
pub struct TimeKv<V> {
    _todo: std::marker::PhantomData<V>,
}

impl<V> Default for TimeKv<V> {
    /// Returns an empty store, as [`TimeKv::new`] does.
    fn default() -> Self {
        Self::new()
    }
}

impl<V> TimeKv<V> {
    /// Returns an empty store.
    pub fn new() -> Self {
        todo!()
    }

    /// Stores `value` as the version of `key` at timestamp `ts`. Returns the value it replaced at
    /// exactly that timestamp, or `None` if `key` had no version at `ts`. For now the timestamps of
    /// one key arrive in non-decreasing order. Should not slow down as a key's history grows.
    pub fn set(&mut self, key: &str, value: V, ts: u64) -> Option<V> {
        todo!()
    }

    /// Returns the value of `key` at `ts`: its latest version with a timestamp at or before `ts`,
    /// or `None` if there is none. Should cost O(log m) for a key with m versions.
    pub fn get(&self, key: &str, ts: u64) -> Option<&V> {
        todo!()
    }

    /// Returns the number of versions stored, over all keys.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Returns `true` when the store holds no version.
    pub fn is_empty(&self) -> bool {
        todo!()
    }
}
