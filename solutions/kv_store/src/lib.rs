//! An ordered in-memory key-value database with expiry, versions, nested transactions, snapshots and a thread-safe front.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One stored state of a key: a value (or a deletion marker) and when it was written.
struct Record<V> {
    /// The store-wide write stamp of this record; snapshots compare against it.
    seq: u64,
    /// The version callers see; equal to `seq` except after a rollback restored an older one.
    version: u64,
    /// The value, or `None` for a deletion kept only because a snapshot still sees the value before it.
    value: Option<V>,
    /// The instant (ms) from which the value is expired, if it has a time-to-live.
    deadline: Option<u64>,
}

/// A key's state as a transaction found it before its first write: `None` when absent,
/// else the value, its version and its deadline.
type Saved<V> = Option<(V, u64, Option<u64>)>;

/// An ordered map from keys to values with time-to-live, per-key versions, nested transactions and
/// point-in-time snapshots.
///
/// Each key holds a short chain of records, oldest first; the last one is the current state. Older
/// records are kept only while a live snapshot can still read them. Expiry deadlines sit in an ordered
/// index so that [`KvStore::tick`] touches only the keys that expire.
///
/// # Example
///
/// ```
/// use kv_store_solution::KvStore;
///
/// let mut kv = KvStore::new();
/// kv.set("b", 2);
/// kv.set("a", 1);
/// assert_eq!(kv.get(&"a"), Some(&1));
/// assert_eq!(kv.scan(.., 10), vec![(&"a", &1), (&"b", &2)]);
/// ```
pub struct KvStore<K, V> {
    /// Every key that is present, or whose older records a snapshot still needs.
    keys: BTreeMap<K, Vec<Record<V>>>,
    /// How many keys are present now.
    live: usize,
    /// How many records hold a value (current ones and those kept for snapshots).
    retained: usize,
    /// The last write stamp handed out.
    seq: u64,
    /// The store's clock in milliseconds; it only moves forward.
    now: u64,
    /// `(deadline, key)` for every present key with a time-to-live.
    expiry: BTreeSet<(u64, K)>,
    /// One undo map per open transaction, innermost last.
    undo: Vec<BTreeMap<K, Saved<V>>>,
    /// Live snapshots: their stamp and how many share it.
    snapshots: BTreeMap<u64, usize>,
    /// Keys holding older records, filed under the newest snapshot that still reads them.
    pinned: BTreeMap<u64, BTreeSet<K>>,
}

/// A point-in-time view of a [`KvStore`]; read it with [`KvStore::get_at`] and [`KvStore::scan_at`],
/// and hand it back with [`KvStore::release`] so the versions only it could see are freed.
///
/// # Example
///
/// ```
/// use kv_store_solution::KvStore;
///
/// let mut kv = KvStore::new();
/// kv.set(1, "old");
/// let snap = kv.snapshot();
/// kv.set(1, "new");
/// assert_eq!(kv.get_at(&snap, &1), Some(&"old"));
/// kv.release(snap);
/// ```
#[must_use = "a snapshot keeps old versions alive until it is released"]
#[derive(Debug)]
pub struct Snapshot {
    seq: u64,
}

/// A refused compare-and-set: the key's current version, `None` if the key is absent.
///
/// # Example
///
/// ```
/// use kv_store_solution::{CasError, KvStore};
///
/// let mut kv = KvStore::new();
/// let v = kv.cas("k", None, 1).unwrap();
/// assert_eq!(kv.cas("k", None, 2), Err(CasError { current: Some(v) }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasError {
    /// The key's version when the write was refused, or `None` if the key was absent.
    pub current: Option<u64>,
}

impl fmt::Display for CasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.current {
            Some(version) => write!(f, "stale write: the key is at version {version}"),
            None => write!(f, "stale write: the key is absent"),
        }
    }
}

impl std::error::Error for CasError {}

/// A transaction call made while no transaction is open.
///
/// # Example
///
/// ```
/// use kv_store_solution::{KvStore, NoTransaction};
///
/// let mut kv: KvStore<u32, u32> = KvStore::new();
/// assert_eq!(kv.commit(), Err(NoTransaction));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoTransaction;

impl fmt::Display for NoTransaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no transaction is open")
    }
}

impl std::error::Error for NoTransaction {}

impl<K: Ord + Clone, V: Clone> Default for KvStore<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Ord + Clone, V: Clone> KvStore<K, V> {
    /// Returns an empty store whose clock reads 0.
    ///
    /// # Example
    ///
    /// ```
    /// let kv: kv_store_solution::KvStore<String, u64> = kv_store_solution::KvStore::new();
    /// assert!(kv.is_empty());
    /// ```
    pub fn new() -> Self {
        KvStore {
            keys: BTreeMap::new(),
            live: 0,
            retained: 0,
            seq: 0,
            now: 0,
            expiry: BTreeSet::new(),
            undo: Vec::new(),
            snapshots: BTreeMap::new(),
            pinned: BTreeMap::new(),
        }
    }

    /// Returns how many keys are present (expired ones are gone).
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, 1);
    /// kv.set(1, 2);
    /// assert_eq!(kv.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.live
    }

    /// Returns `true` if no key is present.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, 1);
    /// kv.delete(&1);
    /// assert!(kv.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Returns the value of `key`, or `None` if it is absent.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set("k", 7);
    /// assert_eq!(kv.get(&"k"), Some(&7));
    /// assert_eq!(kv.get(&"x"), None);
    /// ```
    pub fn get(&self, key: &K) -> Option<&V> {
        self.current(key)?.value.as_ref()
    }

    /// Stores `value` under `key` without a time-to-live, returning the value it replaced.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// assert_eq!(kv.set("k", 1), None);
    /// assert_eq!(kv.set("k", 2), Some(1));
    /// ```
    pub fn set(&mut self, key: K, value: V) -> Option<V> {
        self.write(key, Some(value), None)
    }

    /// Removes `key`, returning its value, or `None` (and changing nothing) if it was absent.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set("k", 1);
    /// assert_eq!(kv.delete(&"k"), Some(1));
    /// assert_eq!(kv.delete(&"k"), None);
    /// ```
    pub fn delete(&mut self, key: &K) -> Option<V> {
        self.get(key)?;
        self.write(key.clone(), None, None)
    }

    /// Returns up to `limit` present entries whose keys lie in `range`, in key order.
    ///
    /// An empty or backwards range returns nothing. The cost is O(log n + returned).
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// for k in 1..=5 {
    ///     kv.set(k, k * 10);
    /// }
    /// assert_eq!(kv.scan(2..5, 2), vec![(&2, &20), (&3, &30)]);
    /// assert!(kv.scan(4..2, 9).is_empty());
    /// ```
    pub fn scan<R: RangeBounds<K>>(&self, range: R, limit: usize) -> Vec<(&K, &V)> {
        self.scan_records(range, limit, |chain| chain.last())
    }

    /// Moves the clock to `now` (ms) and removes every key whose deadline has come, returning how
    /// many it removed. A `now` before the current time changes nothing.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set_with_ttl("k", 1, 100);
    /// assert_eq!(kv.tick(99), 0);
    /// assert_eq!(kv.tick(100), 1);
    /// assert_eq!(kv.get(&"k"), None);
    /// ```
    pub fn tick(&mut self, now: u64) -> usize {
        self.now = self.now.max(now);
        let mut removed = 0;
        while let Some((deadline, _)) = self.expiry.first() {
            if *deadline > self.now {
                break;
            }
            if let Some((_, key)) = self.expiry.pop_first() {
                self.write_untracked(key, None, None, None);
                removed += 1;
            }
        }
        removed
    }

    /// Returns the store's clock (ms): the largest time passed to [`KvStore::tick`], or 0.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv: kv_store_solution::KvStore<u8, u8> = kv_store_solution::KvStore::new();
    /// kv.tick(50);
    /// kv.tick(20);
    /// assert_eq!(kv.now(), 50);
    /// ```
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Stores `value` under `key` until `ttl` ms from now, returning the value it replaced.
    /// A `ttl` of 0 leaves the key absent.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set_with_ttl("k", 1, 30);
    /// assert_eq!(kv.ttl(&"k"), Some(Some(30)));
    /// ```
    pub fn set_with_ttl(&mut self, key: K, value: V, ttl: u64) -> Option<V> {
        let deadline = self.now.saturating_add(ttl);
        if deadline <= self.now {
            return self.delete(&key);
        }
        self.write(key, Some(value), Some(deadline))
    }

    /// Returns `None` if `key` is absent, `Some(None)` if it never expires, else `Some(Some(ms))` with
    /// the milliseconds it has left.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set("forever", 1);
    /// kv.set_with_ttl("soon", 2, 10);
    /// kv.tick(4);
    /// assert_eq!(kv.ttl(&"forever"), Some(None));
    /// assert_eq!(kv.ttl(&"soon"), Some(Some(6)));
    /// assert_eq!(kv.ttl(&"none"), None);
    /// ```
    pub fn ttl(&self, key: &K) -> Option<Option<u64>> {
        let record = self.current(key)?;
        record.value.as_ref()?;
        Some(record.deadline.map(|d| d.saturating_sub(self.now)))
    }

    /// Returns the version of `key`, or `None` if it is absent.
    ///
    /// Every write gives the key a version larger than any the store handed out before.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set("k", 1);
    /// let first = kv.version(&"k").unwrap();
    /// kv.set("k", 2);
    /// assert!(kv.version(&"k").unwrap() > first);
    /// ```
    pub fn version(&self, key: &K) -> Option<u64> {
        let record = self.current(key)?;
        record.value.as_ref().map(|_| record.version)
    }

    /// Stores `value` under `key` (without a time-to-live) only if the key's version is `expected`
    /// (`None`: only if absent), returning the new version; otherwise changes nothing.
    ///
    /// # Errors
    ///
    /// [`CasError`] with the current version when it differs from `expected`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// let v1 = kv.cas("k", None, "a").unwrap();
    /// let v2 = kv.cas("k", Some(v1), "b").unwrap();
    /// assert!(kv.cas("k", Some(v1), "c").is_err());
    /// assert_eq!(kv.version(&"k"), Some(v2));
    /// ```
    pub fn cas(&mut self, key: K, expected: Option<u64>, value: V) -> Result<u64, CasError> {
        let current = self.version(&key);
        if current != expected {
            return Err(CasError { current });
        }
        self.write(key, Some(value), None);
        Ok(self.seq)
    }

    /// Removes `key` only if its version is `expected`, returning its value; otherwise changes nothing.
    ///
    /// # Errors
    ///
    /// [`CasError`] with the current version (`None` if absent) when it is not `expected`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// let v = kv.cas("k", None, 5).unwrap();
    /// assert_eq!(kv.delete_if(&"k", v + 1).unwrap_err().current, Some(v));
    /// assert_eq!(kv.delete_if(&"k", v), Ok(5));
    /// ```
    pub fn delete_if(&mut self, key: &K, expected: u64) -> Result<V, CasError> {
        let current = self.version(key);
        if current != Some(expected) {
            return Err(CasError { current });
        }
        self.delete(key).ok_or(CasError { current: None })
    }

    /// Opens a transaction, nested inside any already open; it copies nothing.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.begin();
    /// kv.set(1, 1);
    /// kv.rollback().unwrap();
    /// assert_eq!(kv.get(&1), None);
    /// ```
    pub fn begin(&mut self) {
        self.undo.push(BTreeMap::new());
    }

    /// Returns how many transactions are open.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv: kv_store_solution::KvStore<u8, u8> = kv_store_solution::KvStore::new();
    /// kv.begin();
    /// kv.begin();
    /// assert_eq!(kv.depth(), 2);
    /// ```
    pub fn depth(&self) -> usize {
        self.undo.len()
    }

    /// Closes the innermost transaction keeping its writes; inside another one they become part of it.
    ///
    /// # Errors
    ///
    /// [`NoTransaction`] if none is open.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.begin();
    /// kv.begin();
    /// kv.set(1, 1);
    /// kv.commit().unwrap();
    /// kv.rollback().unwrap();
    /// assert_eq!(kv.get(&1), None);
    /// ```
    pub fn commit(&mut self) -> Result<(), NoTransaction> {
        let inner = self.undo.pop().ok_or(NoTransaction)?;
        if let Some(outer) = self.undo.last_mut() {
            for (key, saved) in inner {
                outer.entry(key).or_insert(saved);
            }
        }
        Ok(())
    }

    /// Closes the innermost transaction undoing its writes: values, time-to-live and versions return
    /// to what they were at its `begin`, except that a key whose deadline has passed since stays gone.
    ///
    /// # Errors
    ///
    /// [`NoTransaction`] if none is open.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, "a");
    /// let v = kv.version(&1);
    /// kv.begin();
    /// kv.set(1, "b");
    /// kv.rollback().unwrap();
    /// assert_eq!((kv.get(&1), kv.version(&1)), (Some(&"a"), v));
    /// ```
    pub fn rollback(&mut self) -> Result<(), NoTransaction> {
        let saved = self.undo.pop().ok_or(NoTransaction)?;
        for (key, state) in saved {
            match state {
                Some((value, version, deadline)) if deadline.is_none_or(|d| d > self.now) => {
                    self.write_untracked(key, Some(value), deadline, Some(version));
                }
                _ => {
                    if self.get(&key).is_some() {
                        self.write_untracked(key, None, None, None);
                    }
                }
            }
        }
        Ok(())
    }

    /// Takes a read-only view of the store as it is now; later writes and expiry never change it.
    /// It copies nothing.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// let snap = kv.snapshot();
    /// kv.set(1, 1);
    /// assert_eq!(kv.get_at(&snap, &1), None);
    /// kv.release(snap);
    /// ```
    pub fn snapshot(&mut self) -> Snapshot {
        *self.snapshots.entry(self.seq).or_insert(0) += 1;
        Snapshot { seq: self.seq }
    }

    /// Returns the value `key` had when `snapshot` was taken.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, 1);
    /// let snap = kv.snapshot();
    /// kv.delete(&1);
    /// assert_eq!(kv.get_at(&snap, &1), Some(&1));
    /// kv.release(snap);
    /// ```
    pub fn get_at(&self, snapshot: &Snapshot, key: &K) -> Option<&V> {
        visible(self.keys.get(key)?, snapshot.seq)?.value.as_ref()
    }

    /// Returns up to `limit` entries in `range` as they were when `snapshot` was taken, in key order.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, 1);
    /// let snap = kv.snapshot();
    /// kv.set(2, 2);
    /// assert_eq!(kv.scan_at(&snap, .., 10), vec![(&1, &1)]);
    /// kv.release(snap);
    /// ```
    pub fn scan_at<R: RangeBounds<K>>(
        &self,
        snapshot: &Snapshot,
        range: R,
        limit: usize,
    ) -> Vec<(&K, &V)> {
        self.scan_records(range, limit, |chain| visible(chain, snapshot.seq))
    }

    /// Gives a snapshot back, freeing every older version no remaining snapshot can see.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, 1);
    /// let snap = kv.snapshot();
    /// kv.set(1, 2);
    /// assert_eq!(kv.retained_versions(), 2);
    /// kv.release(snap);
    /// assert_eq!(kv.retained_versions(), 1);
    /// ```
    pub fn release(&mut self, snapshot: Snapshot) {
        let Some(count) = self.snapshots.get_mut(&snapshot.seq) else {
            return;
        };
        *count -= 1;
        if *count > 0 {
            return;
        }
        self.snapshots.remove(&snapshot.seq);
        for key in self.pinned.remove(&snapshot.seq).unwrap_or_default() {
            self.prune(&key);
        }
    }

    /// Returns how many distinct versions the store holds: the current version of each present key
    /// plus each older version a live snapshot can still read (deletions count nothing).
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = kv_store_solution::KvStore::new();
    /// kv.set(1, 1);
    /// kv.set(1, 2);
    /// assert_eq!(kv.retained_versions(), 1);
    /// ```
    pub fn retained_versions(&self) -> usize {
        self.retained
    }

    /// The current record of `key`, which may be a deletion marker.
    fn current(&self, key: &K) -> Option<&Record<V>> {
        self.keys.get(key)?.last()
    }

    /// Scans `range`, reading each key's chain through `pick`, and keeps the entries with a value.
    fn scan_records<'a, R, F>(&'a self, range: R, limit: usize, pick: F) -> Vec<(&'a K, &'a V)>
    where
        R: RangeBounds<K>,
        F: Fn(&'a [Record<V>]) -> Option<&'a Record<V>>,
    {
        if limit == 0 || is_empty_range(&range) {
            return Vec::new();
        }
        self.keys
            .range(range)
            .filter_map(|(key, chain)| Some((key, pick(chain)?.value.as_ref()?)))
            .take(limit)
            .collect()
    }

    /// Writes a new state of `key`, recording its old state for the innermost transaction, and
    /// returns the value it replaced.
    fn write(&mut self, key: K, value: Option<V>, deadline: Option<u64>) -> Option<V> {
        if let Some(undo) = self.undo.last_mut() {
            if !undo.contains_key(&key) {
                let saved = self
                    .keys
                    .get(&key)
                    .and_then(|chain| chain.last())
                    .and_then(|r| Some((r.value.clone()?, r.version, r.deadline)));
                undo.insert(key.clone(), saved);
            }
        }
        self.write_untracked(key, value, deadline, None)
    }

    /// Appends a new record to `key` (with `version`, or a fresh one) and drops what nobody can see.
    fn write_untracked(
        &mut self,
        key: K,
        value: Option<V>,
        deadline: Option<u64>,
        version: Option<u64>,
    ) -> Option<V> {
        self.seq += 1;
        let seq = self.seq;
        let record = Record {
            seq,
            version: version.unwrap_or(seq),
            value,
            deadline,
        };
        let present = record.value.is_some();
        if let Some(d) = deadline {
            self.expiry.insert((d, key.clone()));
        }
        let chain = self.keys.entry(key.clone()).or_default();
        let previous = chain
            .last()
            .and_then(|r| Some((r.value.clone()?, r.deadline)));
        let before = distinct_versions(chain);
        chain.push(record);
        self.retained = self.retained + distinct_versions(chain) - before;
        if let Some((_, Some(d))) = &previous {
            // Skip the removal when the new record re-uses the same deadline entry.
            if deadline != Some(*d) {
                self.expiry.remove(&(*d, key.clone()));
            }
        }
        match (previous.is_some(), present) {
            (false, true) => self.live += 1,
            (true, false) => self.live -= 1,
            _ => {}
        }
        self.prune(&key);
        previous.map(|(v, _)| v)
    }

    /// Drops the records of `key` that are neither current nor read by a live snapshot, files the key
    /// under each snapshot that still pins one of them, and forgets the key when nothing is left.
    fn prune(&mut self, key: &K) {
        let Some(chain) = self.keys.get_mut(key) else {
            return;
        };
        let mut keep = vec![true; chain.len()];
        let mut readers = Vec::new();
        for (i, pair) in chain.windows(2).enumerate() {
            match self.snapshots.range(pair[0].seq..pair[1].seq).next_back() {
                Some((&reader, _)) => readers.push(reader),
                None => keep[i] = false,
            }
        }
        let before = distinct_versions(chain);
        let mut index = 0;
        chain.retain(|_| {
            index += 1;
            keep[index - 1]
        });
        self.retained -= before - distinct_versions(chain);
        if chain.len() == 1 && chain[0].value.is_none() {
            self.keys.remove(key);
        } else {
            for reader in readers {
                self.pinned.entry(reader).or_default().insert(key.clone());
            }
        }
    }
}

/// Returns how many different versions the value records of `chain` hold (a rollback can restore a
/// version an older record still has).
fn distinct_versions<V>(chain: &[Record<V>]) -> usize {
    let mut versions: Vec<u64> = chain
        .iter()
        .filter(|r| r.value.is_some())
        .map(|r| r.version)
        .collect();
    versions.sort_unstable();
    versions.dedup();
    versions.len()
}

/// The record of `chain` a snapshot taken at stamp `seq` reads: the last one written at or before it.
fn visible<V>(chain: &[Record<V>], seq: u64) -> Option<&Record<V>> {
    let after = chain.partition_point(|r| r.seq <= seq);
    after.checked_sub(1).map(|i| &chain[i])
}

/// Returns `true` if no key can lie in `range` (start after end, or an excluded single point), the
/// cases where `BTreeMap::range` would panic.
fn is_empty_range<K: Ord, R: RangeBounds<K>>(range: &R) -> bool {
    match (range.start_bound(), range.end_bound()) {
        (Bound::Included(s), Bound::Included(e)) => s > e,
        (Bound::Included(s), Bound::Excluded(e))
        | (Bound::Excluded(s), Bound::Included(e))
        | (Bound::Excluded(s), Bound::Excluded(e)) => s >= e,
        _ => false,
    }
}

/// A [`KvStore`] shared by many threads through `&self`: every call is one atomic step, snapshot reads
/// never wait for writers, and transactions are optimistic (they lock nothing while open and are
/// checked at commit).
///
/// The data lives in a persistent search tree: a write copies the path to the key it changes (the
/// rest is shared) and publishes the new root by swapping one pointer. A reader or a snapshot holds a
/// root, which never changes, so it reads without any lock. Writers take turns on a lock that readers
/// never touch; the pointer swap happens under a second lock that is held for nothing else than
/// integer bookkeeping.
///
/// # Example
///
/// ```
/// use kv_store_solution::SharedKv;
///
/// let kv = SharedKv::new();
/// std::thread::scope(|s| {
///     for t in 0..4 {
///         let kv = &kv;
///         s.spawn(move || kv.set(t, t * 2));
///     }
/// });
/// assert_eq!(kv.len(), 4);
/// ```
pub struct SharedKv<K, V> {
    /// Writers take turns here; held while a write compares keys and copies a path.
    writer: Mutex<Writer<K>>,
    /// The published state and the live snapshots; held only to swap or clone a root and to count.
    board: Mutex<Board<K, V>>,
}

/// What only writers use.
struct Writer<K> {
    /// The store's clock in milliseconds; it only moves forward.
    now: u64,
    /// `(deadline, key)` for every present key with a time-to-live.
    expiry: BTreeSet<(u64, K)>,
}

/// The published state and what snapshots pin.
struct Board<K, V> {
    /// The state every call but a snapshot read sees.
    current: Arc<State<K, V>>,
    /// Live snapshots by stamp: the state each reads, and how many share it.
    snapshots: BTreeMap<u64, (Arc<State<K, V>>, usize)>,
    /// Replaced versions a live snapshot still reads, as `(written, replaced)` stamps, filed under the
    /// newest snapshot that reads each.
    pinned: BTreeMap<u64, Vec<(u64, u64)>>,
    /// How many replaced versions live snapshots still read.
    old: usize,
}

/// One published state of a [`SharedKv`]: immutable, shared by everyone who holds it.
struct State<K, V> {
    tree: Tree<K, V>,
    /// How many keys are present.
    len: usize,
    /// The stamp of the last write it contains.
    seq: u64,
}

/// A persistent treap: nodes never change once built, and versions of the tree share them.
type Tree<K, V> = Option<Arc<Node<K, V>>>;

/// A node of a [`Tree`]: ordered by key, a max-heap by priority.
struct Node<K, V> {
    key: K,
    /// Shared, so that copying the node for a new version of the tree copies no value.
    entry: Arc<Entry<V>>,
    priority: u64,
    left: Tree<K, V>,
    right: Tree<K, V>,
}

/// A present key's value, its version (the stamp of the write that stored it) and its deadline.
struct Entry<V> {
    value: V,
    version: u64,
    deadline: Option<u64>,
}

impl<K: Clone, V> Node<K, V> {
    /// Returns a copy of this node with other children.
    fn with(&self, left: Tree<K, V>, right: Tree<K, V>) -> Tree<K, V> {
        Some(Arc::new(Node {
            key: self.key.clone(),
            entry: Arc::clone(&self.entry),
            priority: self.priority,
            left,
            right,
        }))
    }
}

/// Returns the entry of `key` in `tree`. O(log n) expected.
fn find<'t, K: Ord, V>(mut tree: &'t Tree<K, V>, key: &K) -> Option<&'t Arc<Entry<V>>> {
    while let Some(node) = tree {
        tree = match key.cmp(&node.key) {
            Ordering::Less => &node.left,
            Ordering::Greater => &node.right,
            Ordering::Equal => return Some(&node.entry),
        };
    }
    None
}

/// Returns `tree` with the entry of `key`, which is present, replaced; only the path to it is copied.
fn replace<K: Ord + Clone, V>(tree: &Tree<K, V>, key: &K, entry: Arc<Entry<V>>) -> Tree<K, V> {
    let node = tree.as_ref()?;
    match key.cmp(&node.key) {
        Ordering::Less => node.with(replace(&node.left, key, entry), node.right.clone()),
        Ordering::Greater => node.with(node.left.clone(), replace(&node.right, key, entry)),
        Ordering::Equal => Some(Arc::new(Node {
            key: node.key.clone(),
            entry,
            priority: node.priority,
            left: node.left.clone(),
            right: node.right.clone(),
        })),
    }
}

/// Returns `tree` with `key`, which is absent, inserted at the depth its priority gives it.
fn insert<K: Ord + Clone, V>(
    tree: &Tree<K, V>,
    key: K,
    entry: Arc<Entry<V>>,
    priority: u64,
) -> Tree<K, V> {
    match tree {
        Some(node) if node.priority >= priority => {
            if key < node.key {
                node.with(insert(&node.left, key, entry, priority), node.right.clone())
            } else {
                node.with(node.left.clone(), insert(&node.right, key, entry, priority))
            }
        }
        _ => {
            let (left, right) = split(tree, &key);
            Some(Arc::new(Node {
                key,
                entry,
                priority,
                left,
                right,
            }))
        }
    }
}

/// Splits `tree` into the keys below `key` and the keys above it (`key` itself is absent).
fn split<K: Ord + Clone, V>(tree: &Tree<K, V>, key: &K) -> (Tree<K, V>, Tree<K, V>) {
    let Some(node) = tree else {
        return (None, None);
    };
    if node.key < *key {
        let (below, above) = split(&node.right, key);
        (node.with(node.left.clone(), below), above)
    } else {
        let (below, above) = split(&node.left, key);
        (below, node.with(above, node.right.clone()))
    }
}

/// Returns `tree` without `key`, which is present.
fn remove<K: Ord + Clone, V>(tree: &Tree<K, V>, key: &K) -> Tree<K, V> {
    let node = tree.as_ref()?;
    match key.cmp(&node.key) {
        Ordering::Less => node.with(remove(&node.left, key), node.right.clone()),
        Ordering::Greater => node.with(node.left.clone(), remove(&node.right, key)),
        Ordering::Equal => merge(&node.left, &node.right),
    }
}

/// Joins two trees whose keys are all below (`left`) and all above (`right`) one another.
fn merge<K: Clone, V>(left: &Tree<K, V>, right: &Tree<K, V>) -> Tree<K, V> {
    match (left, right) {
        (None, tree) | (tree, None) => tree.clone(),
        (Some(l), Some(r)) => {
            if l.priority >= r.priority {
                l.with(l.left.clone(), merge(&l.right, right))
            } else {
                r.with(merge(left, &r.left), r.right.clone())
            }
        }
    }
}

/// Returns copies of up to `limit` entries of `tree` in `range`, in key order: O(log n + returned).
fn scan_tree<K: Ord + Clone, V: Clone, R: RangeBounds<K>>(
    tree: &Tree<K, V>,
    range: &R,
    limit: usize,
) -> Vec<(K, V)> {
    let mut found = Vec::new();
    if limit == 0 || is_empty_range(range) {
        return found;
    }
    let after_start = |key: &K| match range.start_bound() {
        Bound::Included(start) => key >= start,
        Bound::Excluded(start) => key > start,
        Bound::Unbounded => true,
    };
    // The path to the first key in range: every node kept on the stack is at or after the start.
    let mut stack = Vec::new();
    let mut cursor = tree.as_deref();
    while let Some(node) = cursor {
        if after_start(&node.key) {
            stack.push(node);
            cursor = node.left.as_deref();
        } else {
            cursor = node.right.as_deref();
        }
    }
    while let Some(node) = stack.pop() {
        if !range.contains(&node.key) {
            break;
        }
        found.push((node.key.clone(), node.entry.value.clone()));
        if found.len() == limit {
            break;
        }
        let mut cursor = node.right.as_deref();
        while let Some(next) = cursor {
            stack.push(next);
            cursor = next.left.as_deref();
        }
    }
    found
}

/// A well-mixed priority for the node written at stamp `seq` (SplitMix64), so that the treap stays
/// balanced in expectation whatever order keys arrive in.
fn priority(seq: u64) -> u64 {
    let mut z = seq.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A write in progress: the writer's turn, and the new state built from the current one.
struct Draft<'a, K, V> {
    kv: &'a SharedKv<K, V>,
    writer: MutexGuard<'a, Writer<K>>,
    tree: Tree<K, V>,
    len: usize,
    seq: u64,
    /// The stamp of the state the draft started from.
    base: u64,
    /// The versions this draft replaced, as `(written, replaced)` stamps.
    replaced: Vec<(u64, u64)>,
}

impl<K: Ord + Clone, V: Clone> Draft<'_, K, V> {
    /// Returns the entry of `key` in the draft.
    fn entry(&self, key: &K) -> Option<&Arc<Entry<V>>> {
        find(&self.tree, key)
    }

    /// Stores `value` under `key` (`None`: removes it) with `deadline`, returning the value it replaced.
    /// Removing an absent key writes nothing.
    fn write(&mut self, key: K, value: Option<V>, deadline: Option<u64>) -> Option<V> {
        let old = self.entry(&key).cloned();
        if old.is_none() && value.is_none() {
            return None;
        }
        self.seq += 1;
        if let Some(old) = &old {
            self.replaced.push((old.version, self.seq));
            if let Some(d) = old.deadline {
                self.writer.expiry.remove(&(d, key.clone()));
            }
        }
        match value {
            Some(value) => {
                if let Some(d) = deadline {
                    self.writer.expiry.insert((d, key.clone()));
                }
                let entry = Arc::new(Entry {
                    value,
                    version: self.seq,
                    deadline,
                });
                self.tree = if old.is_some() {
                    replace(&self.tree, &key, entry)
                } else {
                    self.len += 1;
                    insert(&self.tree, key, entry, priority(self.seq))
                };
            }
            None => {
                self.tree = remove(&self.tree, &key);
                self.len -= 1;
            }
        }
        old.map(|e| e.value.clone())
    }

    /// Publishes the draft as the current state (if it wrote anything): files each replaced version under the newest live
    /// snapshot that still reads it (or lets it go), then swaps the root.
    fn publish(self) {
        if self.seq == self.base {
            return;
        }
        let state = Arc::new(State {
            tree: self.tree,
            len: self.len,
            seq: self.seq,
        });
        let mut board = self.kv.board();
        for (written, replaced) in self.replaced {
            board.pin(written, replaced);
        }
        let previous = std::mem::replace(&mut board.current, state);
        drop(board);
        // The old root is dropped with no lock held but the writer's turn.
        drop(previous);
    }
}

impl<K, V> Board<K, V> {
    /// Files the version written at stamp `written` and replaced at `replaced` under the newest live
    /// snapshot that reads it, counting it as retained; a version no snapshot reads is not counted.
    fn pin(&mut self, written: u64, replaced: u64) {
        if let Some((&reader, _)) = self.snapshots.range(written..replaced).next_back() {
            self.pinned
                .entry(reader)
                .or_default()
                .push((written, replaced));
            self.old += 1;
        }
    }
}

/// An optimistic transaction on a [`SharedKv`]: writes are buffered, reads remember the version they
/// saw, and [`Transaction::commit`] applies the writes only if none of those versions changed.
/// Dropping it without committing discards it.
///
/// # Example
///
/// ```
/// use kv_store_solution::SharedKv;
///
/// let kv = SharedKv::new();
/// kv.set("n", 1);
/// let mut txn = kv.transaction();
/// let n = txn.get(&"n").unwrap();
/// txn.set("n", n + 1);
/// txn.commit().unwrap();
/// assert_eq!(kv.get(&"n"), Some(2));
/// ```
pub struct Transaction<'a, K, V> {
    kv: &'a SharedKv<K, V>,
    /// Every key read from the store and the version it had then (`None`: absent).
    reads: BTreeMap<K, Option<u64>>,
    /// Buffered writes: `None` deletes.
    writes: BTreeMap<K, Option<V>>,
}

/// An optimistic transaction refused at commit: a key it read was written by someone else since.
///
/// # Example
///
/// ```
/// use kv_store_solution::{Conflict, SharedKv};
///
/// let kv = SharedKv::new();
/// let mut txn = kv.transaction();
/// txn.get(&1);
/// kv.set(1, 1);
/// txn.set(1, 2);
/// assert_eq!(txn.commit(), Err(Conflict));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflict;

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "conflict: a key the transaction read was changed by another commit"
        )
    }
}

impl std::error::Error for Conflict {}

impl<K: Ord + Clone, V: Clone> Default for SharedKv<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Ord + Clone, V: Clone> SharedKv<K, V> {
    /// Returns an empty shared store whose clock reads 0.
    ///
    /// # Example
    ///
    /// ```
    /// let kv: kv_store_solution::SharedKv<u8, u8> = kv_store_solution::SharedKv::new();
    /// assert_eq!(kv.len(), 0);
    /// ```
    pub fn new() -> Self {
        SharedKv {
            writer: Mutex::new(Writer {
                now: 0,
                expiry: BTreeSet::new(),
            }),
            board: Mutex::new(Board {
                current: Arc::new(State {
                    tree: None,
                    len: 0,
                    seq: 0,
                }),
                snapshots: BTreeMap::new(),
                pinned: BTreeMap::new(),
                old: 0,
            }),
        }
    }

    fn board(&self) -> MutexGuard<'_, Board<K, V>> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the current state; reading it takes no lock.
    fn current(&self) -> Arc<State<K, V>> {
        Arc::clone(&self.board().current)
    }

    /// Takes the writer's turn and starts a draft from the current state.
    fn draft(&self) -> Draft<'_, K, V> {
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let current = self.current();
        Draft {
            kv: self,
            writer,
            tree: current.tree.clone(),
            len: current.len,
            seq: current.seq,
            base: current.seq,
            replaced: Vec::new(),
        }
    }

    /// Returns how many keys are present.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, 1);
    /// assert_eq!(kv.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.current().len
    }

    /// Returns `true` if no key is present.
    ///
    /// # Example
    ///
    /// ```
    /// let kv: kv_store_solution::SharedKv<u8, u8> = kv_store_solution::SharedKv::new();
    /// assert!(kv.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns a copy of the value of `key`, or `None` if it is absent.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set("k", 1);
    /// assert_eq!(kv.get(&"k"), Some(1));
    /// ```
    pub fn get(&self, key: &K) -> Option<V> {
        find(&self.current().tree, key).map(|e| e.value.clone())
    }

    /// Stores `value` under `key` without a time-to-live, returning the value it replaced.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// assert_eq!(kv.set("k", 1), None);
    /// ```
    pub fn set(&self, key: K, value: V) -> Option<V> {
        let mut draft = self.draft();
        let old = draft.write(key, Some(value), None);
        draft.publish();
        old
    }

    /// Stores `value` under `key` until `ttl` ms from the store's clock, returning the value it replaced.
    /// A `ttl` of 0 leaves the key absent.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set_with_ttl("k", 1, 10);
    /// kv.tick(10);
    /// assert_eq!(kv.get(&"k"), None);
    /// ```
    pub fn set_with_ttl(&self, key: K, value: V, ttl: u64) -> Option<V> {
        let mut draft = self.draft();
        let now = draft.writer.now;
        let deadline = now.saturating_add(ttl);
        let old = if deadline <= now {
            draft.write(key, None, None)
        } else {
            draft.write(key, Some(value), Some(deadline))
        };
        draft.publish();
        old
    }

    /// Removes `key`, returning its value.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set("k", 1);
    /// assert_eq!(kv.delete(&"k"), Some(1));
    /// ```
    pub fn delete(&self, key: &K) -> Option<V> {
        let mut draft = self.draft();
        let old = draft.write(key.clone(), None, None);
        draft.publish();
        old
    }

    /// Returns copies of up to `limit` present entries in `range`, in key order.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(2, 20);
    /// kv.set(1, 10);
    /// assert_eq!(kv.scan(.., 5), vec![(1, 10), (2, 20)]);
    /// ```
    pub fn scan<R: RangeBounds<K>>(&self, range: R, limit: usize) -> Vec<(K, V)> {
        scan_tree(&self.current().tree, &range, limit)
    }

    /// Moves the shared clock to `now` and removes the keys that expire, returning how many.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set_with_ttl(1, 1, 5);
    /// assert_eq!(kv.tick(5), 1);
    /// ```
    pub fn tick(&self, now: u64) -> usize {
        let mut draft = self.draft();
        draft.writer.now = draft.writer.now.max(now);
        let mut removed = 0;
        while let Some((deadline, _)) = draft.writer.expiry.first() {
            if *deadline > draft.writer.now {
                break;
            }
            if let Some((_, key)) = draft.writer.expiry.pop_first() {
                draft.write(key, None, None);
                removed += 1;
            }
        }
        draft.publish();
        removed
    }

    /// Returns the version of `key`, or `None` if it is absent.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, 1);
    /// assert!(kv.version(&1).is_some());
    /// ```
    pub fn version(&self, key: &K) -> Option<u64> {
        find(&self.current().tree, key).map(|e| e.version)
    }

    /// Compare-and-set as [`KvStore::cas`], atomically: of racing callers expecting one version,
    /// exactly one wins.
    ///
    /// # Errors
    ///
    /// [`CasError`] with the current version when it is not `expected`.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// assert!(kv.cas(1, None, "a").is_ok());
    /// assert!(kv.cas(1, None, "b").is_err());
    /// ```
    pub fn cas(&self, key: K, expected: Option<u64>, value: V) -> Result<u64, CasError> {
        let mut draft = self.draft();
        let current = draft.entry(&key).map(|e| e.version);
        if expected != current {
            return Err(CasError { current });
        }
        draft.write(key, Some(value), None);
        let version = draft.seq;
        draft.publish();
        Ok(version)
    }

    /// Delete-if-version as [`KvStore::delete_if`], atomically.
    ///
    /// # Errors
    ///
    /// [`CasError`] with the current version when it is not `expected`.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// let v = kv.cas(1, None, "a").unwrap();
    /// assert_eq!(kv.delete_if(&1, v), Ok("a"));
    /// ```
    pub fn delete_if(&self, key: &K, expected: u64) -> Result<V, CasError> {
        let mut draft = self.draft();
        let current = draft.entry(key).map(|e| e.version);
        if Some(expected) != current {
            return Err(CasError { current });
        }
        let old = draft.write(key.clone(), None, None);
        draft.publish();
        old.ok_or(CasError { current: None })
    }

    /// Takes a point-in-time view; read it with [`SharedKv::get_at`] and give it back with
    /// [`SharedKv::release`]. It copies nothing: it holds the current root.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, "a");
    /// let snap = kv.snapshot();
    /// kv.set(1, "b");
    /// assert_eq!(kv.get_at(&snap, &1), Some("a"));
    /// kv.release(snap);
    /// ```
    pub fn snapshot(&self) -> Snapshot {
        let mut board = self.board();
        let state = Arc::clone(&board.current);
        let seq = state.seq;
        board.snapshots.entry(seq).or_insert((state, 0)).1 += 1;
        Snapshot { seq }
    }

    /// Returns the state `snapshot` reads, or `None` if it is not live.
    fn state_at(&self, snapshot: &Snapshot) -> Option<Arc<State<K, V>>> {
        let board = self.board();
        board
            .snapshots
            .get(&snapshot.seq)
            .map(|(s, _)| Arc::clone(s))
    }

    /// Returns a copy of the value `key` had when `snapshot` was taken; it never waits for a writer.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// let snap = kv.snapshot();
    /// kv.set(1, 1);
    /// assert_eq!(kv.get_at(&snap, &1), None);
    /// kv.release(snap);
    /// ```
    pub fn get_at(&self, snapshot: &Snapshot, key: &K) -> Option<V> {
        let state = self.state_at(snapshot)?;
        find(&state.tree, key).map(|e| e.value.clone())
    }

    /// Returns copies of up to `limit` entries in `range` as `snapshot` saw them; it never waits for
    /// a writer.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, 1);
    /// let snap = kv.snapshot();
    /// kv.delete(&1);
    /// assert_eq!(kv.scan_at(&snap, .., 9), vec![(1, 1)]);
    /// kv.release(snap);
    /// ```
    pub fn scan_at<R: RangeBounds<K>>(
        &self,
        snapshot: &Snapshot,
        range: R,
        limit: usize,
    ) -> Vec<(K, V)> {
        match self.state_at(snapshot) {
            Some(state) => scan_tree(&state.tree, &range, limit),
            None => Vec::new(),
        }
    }

    /// Gives a snapshot back, freeing the versions only it could see.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, 1);
    /// let snap = kv.snapshot();
    /// kv.set(1, 2);
    /// kv.release(snap);
    /// assert_eq!(kv.retained_versions(), 1);
    /// ```
    pub fn release(&self, snapshot: Snapshot) {
        let mut board = self.board();
        match board.snapshots.get_mut(&snapshot.seq) {
            Some((_, count)) if *count > 1 => {
                *count -= 1;
                return;
            }
            Some(_) => {}
            None => return,
        }
        let state = board.snapshots.remove(&snapshot.seq);
        for (written, replaced) in board.pinned.remove(&snapshot.seq).unwrap_or_default() {
            board.old -= 1;
            board.pin(written, replaced);
        }
        drop(board);
        // The versions only this snapshot held are freed here, with no lock held.
        drop(state);
    }

    /// Returns how many values the store holds, as [`KvStore::retained_versions`].
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, 1);
    /// assert_eq!(kv.retained_versions(), 1);
    /// ```
    pub fn retained_versions(&self) -> usize {
        let board = self.board();
        board.current.len + board.old
    }

    /// Opens an optimistic transaction; it holds no lock while open.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// let mut txn = kv.transaction();
    /// txn.set(1, 1);
    /// assert_eq!(kv.get(&1), None);
    /// txn.commit().unwrap();
    /// assert_eq!(kv.get(&1), Some(1));
    /// ```
    pub fn transaction(&self) -> Transaction<'_, K, V> {
        Transaction {
            kv: self,
            reads: BTreeMap::new(),
            writes: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Clone, V: Clone> Transaction<'_, K, V> {
    /// Returns the value of `key` as this transaction sees it: its own write if it made one, else the
    /// store's current value (whose version the commit will check).
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// let mut txn = kv.transaction();
    /// txn.set(1, 9);
    /// assert_eq!(txn.get(&1), Some(9));
    /// ```
    pub fn get(&mut self, key: &K) -> Option<V> {
        if let Some(write) = self.writes.get(key) {
            return write.clone();
        }
        let state = self.kv.current();
        let entry = find(&state.tree, key);
        self.reads
            .entry(key.clone())
            .or_insert(entry.map(|e| e.version));
        entry.map(|e| e.value.clone())
    }

    /// Buffers a write of `value` under `key` (without a time-to-live).
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// let mut txn = kv.transaction();
    /// txn.set(1, 1);
    /// drop(txn);
    /// assert_eq!(kv.get(&1), None);
    /// ```
    pub fn set(&mut self, key: K, value: V) {
        self.writes.insert(key, Some(value));
    }

    /// Buffers a delete of `key`.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// kv.set(1, 1);
    /// let mut txn = kv.transaction();
    /// txn.delete(&1);
    /// txn.commit().unwrap();
    /// assert_eq!(kv.get(&1), None);
    /// ```
    pub fn delete(&mut self, key: &K) {
        self.writes.insert(key.clone(), None);
    }

    /// Applies every buffered write as one atomic step, if every key read still has the version it
    /// had when read; otherwise applies nothing.
    ///
    /// # Errors
    ///
    /// [`Conflict`] when another commit changed a key this transaction read.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = kv_store_solution::SharedKv::new();
    /// let mut a = kv.transaction();
    /// let mut b = kv.transaction();
    /// a.get(&1);
    /// b.get(&1);
    /// a.set(1, "a");
    /// b.set(1, "b");
    /// assert!(a.commit().is_ok());
    /// assert!(b.commit().is_err());
    /// ```
    pub fn commit(self) -> Result<(), Conflict> {
        let mut draft = self.kv.draft();
        if self
            .reads
            .iter()
            .any(|(key, seen)| draft.entry(key).map(|e| e.version) != *seen)
        {
            return Err(Conflict);
        }
        for (key, write) in self.writes {
            draft.write(key, write, None);
        }
        draft.publish();
        Ok(())
    }
}
