//! Wrong solution: a HashMap for values plus a VecDeque recency list searched linearly on every hit and update.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A cache holding at most `capacity` entries.
pub struct LruCache<K, V> {
    capacity: usize,
    values: HashMap<K, V>,
    /// Least recently used at the front.
    order: VecDeque<K>,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// Returns an empty cache.
    pub fn new(capacity: usize) -> Self {
        LruCache {
            capacity,
            values: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Returns the capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Returns the number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Returns `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn touch(&mut self, key: &K) {
        // The O(n) slip: finding the key in the recency list is a linear search.
        if let Some(at) = self.order.iter().position(|k| k == key) {
            let k = self.order.remove(at).expect("position is in range");
            self.order.push_back(k);
        }
    }

    /// Returns the value and marks it most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        if !self.values.contains_key(key) {
            return None;
        }
        self.touch(key);
        self.values.get(key)
    }

    /// Returns the value without touching recency.
    pub fn peek(&self, key: &K) -> Option<&V> {
        self.values.get(key)
    }

    /// Stores the value; returns the previous one.
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        if self.capacity == 0 {
            return None;
        }
        if self.values.contains_key(&key) {
            self.touch(&key);
            return self.values.insert(key, value);
        }
        if self.values.len() == self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.values.remove(&old);
            }
        }
        self.order.push_back(key.clone());
        self.values.insert(key, value);
        None
    }
}
