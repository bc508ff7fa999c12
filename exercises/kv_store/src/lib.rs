//! Your in-memory key-value database: an ordered map with point operations and range scans.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

use std::ops::RangeBounds;

/// An ordered map from keys to values. Point operations should cost O(log n); a scan should cost
/// O(log n + what it returns), never the size of the store.
///
/// Later stages add methods to this type (and new types beside it); design with that in mind.
pub struct KvStore<K, V> {
    _todo: std::marker::PhantomData<(K, V)>,
}

impl<K: Ord + Clone, V: Clone> Default for KvStore<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Ord + Clone, V: Clone> KvStore<K, V> {
    /// Returns an empty store.
    pub fn new() -> Self {
        todo!()
    }

    /// Returns how many keys are present.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Returns `true` if no key is present.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// Returns the value of `key`, or `None` if it is absent.
    pub fn get(&self, key: &K) -> Option<&V> {
        todo!()
    }

    /// Stores `value` under `key`, returning the value it replaced (`None` if the key was new).
    pub fn set(&mut self, key: K, value: V) -> Option<V> {
        todo!()
    }

    /// Removes `key`, returning its value, or `None` (changing nothing) if it was absent.
    pub fn delete(&mut self, key: &K) -> Option<V> {
        todo!()
    }

    /// Returns up to `limit` entries whose keys lie in `range`, in ascending key order.
    /// An empty or backwards range returns nothing; it never panics.
    pub fn scan<R: RangeBounds<K>>(&self, range: R, limit: usize) -> Vec<(&K, &V)> {
        todo!()
    }
}
