//! Your LRU cache: a fixed-capacity map that evicts the least recently used entry.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

use std::hash::Hash;

/// A cache holding at most `capacity` entries; when it is full, storing a new key evicts the
/// least recently used entry. Every operation should cost O(1) on average.
pub struct LruCache<K, V> {
    _todo: std::marker::PhantomData<(K, V)>,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// Returns an empty cache that holds at most `capacity` entries (0 is allowed: it stores nothing).
    pub fn new(capacity: usize) -> Self {
        todo!()
    }

    /// Returns the most entries the cache holds.
    pub fn capacity(&self) -> usize {
        todo!()
    }

    /// Returns the number of entries in the cache.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Returns `true` when the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// Returns the value for `key` and marks it most recently used, or `None`.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        todo!()
    }

    /// Returns the value for `key` without changing its recency, or `None`.
    pub fn peek(&self, key: &K) -> Option<&V> {
        todo!()
    }

    /// Stores `value` under `key` and marks it most recently used; returns the previous value of
    /// `key`, if any. Updating a key never evicts another; a new key on a full cache evicts the
    /// least recently used entry.
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        todo!()
    }
}
