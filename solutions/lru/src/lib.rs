//! Reference LRU cache (placeholder while the drill is written).

use std::collections::HashMap;
use std::hash::Hash;

/// A cache holding at most `capacity` entries.
pub struct LruCache<K, V> {
    cap: usize,
    tick: u64,
    map: HashMap<K, (V, u64)>,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// Returns an empty cache.
    pub fn new(capacity: usize) -> Self {
        LruCache {
            cap: capacity,
            tick: 0,
            map: HashMap::new(),
        }
    }
    /// Returns the value for `key`.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.tick += 1;
        let t = self.tick;
        self.map.get_mut(key).map(|e| {
            e.1 = t;
            &e.0
        })
    }
    /// Stores a value.
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        self.tick += 1;
        if self.cap == 0 {
            return None;
        }
        if !self.map.contains_key(&key) && self.map.len() == self.cap {
            let victim = self.map.iter().min_by_key(|e| (e.1).1).map(|e| e.0.clone());
            if let Some(v) = victim {
                self.map.remove(&v);
            }
        }
        self.map.insert(key, (value, self.tick)).map(|e| e.0)
    }
}
