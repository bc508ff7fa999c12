//! Wrong solution: each entry carries a last-use tick and eviction scans every entry for the oldest.

use std::collections::HashMap;
use std::hash::Hash;

/// A cache holding at most `capacity` entries.
pub struct LruCache<K, V> {
    capacity: usize,
    tick: u64,
    entries: HashMap<K, (V, u64)>,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// Returns an empty cache.
    pub fn new(capacity: usize) -> Self {
        LruCache {
            capacity,
            tick: 0,
            entries: HashMap::new(),
        }
    }

    /// Returns the capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Returns the number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Returns the value and marks it most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.tick += 1;
        let now = self.tick;
        self.entries.get_mut(key).map(|entry| {
            entry.1 = now;
            &entry.0
        })
    }

    /// Returns the value without touching recency.
    pub fn peek(&self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|entry| &entry.0)
    }

    /// Stores the value; returns the previous one.
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        self.tick += 1;
        if self.capacity == 0 {
            return None;
        }
        if !self.entries.contains_key(&key) && self.entries.len() == self.capacity {
            // The O(n) slip: the least recently used entry is found by scanning them all.
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.1)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (value, self.tick)).map(|entry| entry.0)
    }
}
