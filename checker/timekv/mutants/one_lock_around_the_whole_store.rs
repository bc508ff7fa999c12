
// ---- the wrong part: one lock around the whole store ----------------------------------------

/// A shared store that is a single `Mutex` around a `TimeKv`.
pub struct SharedTimeKv<V> {
    inner: Mutex<TimeKv<V>>,
}

impl<V> Default for SharedTimeKv<V> {
    fn default() -> Self {
        SharedTimeKv {
            inner: Mutex::new(TimeKv::new()),
        }
    }
}

impl<V: Clone + Send + Sync> SharedTimeKv<V> {
    /// Returns an empty shared store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a version under the one lock.
    pub fn set(&self, key: &str, value: V, ts: u64) -> Option<V> {
        lock(&self.inner).set(key, value, ts)
    }

    /// Reads a version under the one lock.
    pub fn get(&self, key: &str, ts: u64) -> Option<V> {
        lock(&self.inner).get(key, ts).cloned()
    }

    /// Writes a tombstone under the one lock.
    pub fn delete(&self, key: &str, ts: u64) -> bool {
        lock(&self.inner).delete(key, ts)
    }

    /// Lists versions under the one lock.
    pub fn history(&self, key: &str, range: impl RangeBounds<u64>) -> Vec<(u64, Option<V>)> {
        lock(&self.inner)
            .history(key, range)
            .into_iter()
            .map(|(t, v)| (t, v.cloned()))
            .collect()
    }

    /// Scans under the one lock.
    pub fn scan_at(&self, prefix: &str, ts: u64) -> Vec<(String, V)> {
        lock(&self.inner)
            .scan_at(prefix, ts)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect()
    }

    /// Compacts under the one lock.
    pub fn compact(&self, horizon: u64) -> usize {
        lock(&self.inner).compact(horizon)
    }

    /// Counts versions under the one lock.
    pub fn len(&self) -> usize {
        lock(&self.inner).len()
    }

    /// Returns `true` when there is no version.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
