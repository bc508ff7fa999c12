//! Time-versioned key-value stores: every write is kept as a version, a read asks for the value a key had at a moment.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Bound, RangeBounds};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The versions of one key, by timestamp; `None` is a tombstone (the key was deleted at that instant).
type History<V> = BTreeMap<u64, Option<V>>;

/// Returns the version a read of `history` at `ts` sees: the latest one at or before `ts`.
fn visible<V>(history: &History<V>, ts: u64) -> Option<&V> {
    history
        .range(..=ts)
        .next_back()
        .and_then(|(_, v)| v.as_ref())
}

/// Returns the horizons from which a compaction must look again at a key just written at `ts`.
///
/// A compaction can drop a version once the horizon reaches a newer version of its key, or, for a
/// tombstone, passes the tombstone itself. So the write files `ts` (older versions may be shadowed
/// from there), the timestamp of the next newer version if there is one (this version is shadowed
/// from there, and that version's own entry may already be spent), and `ts + 1` for a tombstone.
fn dues<V>(history: &History<V>, ts: u64, tombstone: bool) -> [Option<u64>; 3] {
    let next = history
        .range((Bound::Excluded(ts), Bound::Unbounded))
        .next()
        .map(|(&t, _)| t);
    let past = if tombstone { ts.checked_add(1) } else { None };
    [Some(ts), next, past]
}

/// Returns `range` as a pair of bounds, or `None` when it holds no timestamp at all (such as `9..3`
/// or `5..5`), which `BTreeMap::range` would refuse with a panic.
fn checked_bounds(range: &impl RangeBounds<u64>) -> Option<(Bound<u64>, Bound<u64>)> {
    let start = range.start_bound().cloned();
    let end = range.end_bound().cloned();
    let first = match start {
        Bound::Included(s) => s,
        Bound::Excluded(s) => s.checked_add(1)?,
        Bound::Unbounded => 0,
    };
    let empty = match end {
        Bound::Included(e) => e < first,
        Bound::Excluded(e) => e <= first,
        Bound::Unbounded => false,
    };
    (!empty).then_some((Bound::Included(first), end))
}

/// Drops from `history` every version that no read at `horizon` or later can see, and returns how
/// many it dropped: everything older than the version visible at `horizon`, and that version too
/// when it is a tombstone strictly before `horizon`.
fn compact_history<V>(history: &mut History<V>, horizon: u64) -> usize {
    let Some((&seen_at, seen)) = history.range(..=horizon).next_back() else {
        return 0;
    };
    let drop_seen = seen.is_none() && seen_at < horizon;
    let mut dropped = 0;
    while let Some(entry) = history.first_entry() {
        if *entry.key() > seen_at || (*entry.key() == seen_at && !drop_seen) {
            break;
        }
        entry.remove();
        dropped += 1;
    }
    dropped
}

/// A single-threaded store of versioned values: `set` and `delete` write a version of a key at a
/// timestamp, `get` reads the version in force at a timestamp.
///
/// Each key keeps its versions in an ordered map, so writes may arrive in any timestamp order and
/// every point operation costs O(log m) for a key with m versions. Keys are ordered too, so a prefix
/// scan visits only the keys under the prefix. A queue of `(timestamp, key)` entries, ordered by
/// timestamp, tells [`TimeKv::compact`] which keys may hold versions it can drop: each write files
/// the horizons at which it may make a version of its key droppable.
///
/// # Example
///
/// ```
/// let mut kv = timekv_solution::TimeKv::new();
/// kv.set("door", "closed", 10);
/// kv.set("door", "open", 20);
/// assert_eq!(kv.get("door", 15), Some(&"closed"));
/// assert_eq!(kv.get("door", 20), Some(&"open"));
/// assert_eq!(kv.get("door", 9), None);
/// ```
pub struct TimeKv<V> {
    keys: BTreeMap<Arc<str>, History<V>>,
    /// `(due, key)`: a compaction with a horizon at or past `due` must look at `key`.
    pending: BTreeSet<(u64, Arc<str>)>,
    versions: usize,
}

impl<V> Default for TimeKv<V> {
    fn default() -> Self {
        TimeKv {
            keys: BTreeMap::new(),
            pending: BTreeSet::new(),
            versions: 0,
        }
    }
}

impl<V> TimeKv<V> {
    /// Returns an empty store.
    ///
    /// # Example
    ///
    /// ```
    /// let kv: timekv_solution::TimeKv<u32> = timekv_solution::TimeKv::new();
    /// assert!(kv.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `version` (a value, or `None` for a tombstone) of `key` at `ts`; returns the version it
    /// replaced at exactly that timestamp (`None` when there was none).
    fn write(&mut self, key: &str, version: Option<V>, ts: u64) -> Option<Option<V>> {
        let tombstone = version.is_none();
        let name = match self.keys.get_key_value(key) {
            Some((name, _)) => Arc::clone(name),
            None => Arc::from(key),
        };
        let history = self.keys.entry(Arc::clone(&name)).or_default();
        let replaced = history.insert(ts, version);
        let dues = dues(history, ts, tombstone);
        if replaced.is_none() {
            self.versions += 1;
        }
        for due in dues.into_iter().flatten() {
            self.pending.insert((due, Arc::clone(&name)));
        }
        replaced
    }

    /// Stores `value` as the version of `key` at `ts` and returns the value it replaced at exactly
    /// that timestamp, or `None` (nothing there, or a tombstone). Timestamps may arrive in any order.
    /// Costs O(log m) for a key with m versions (plus O(log n) to find the key).
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// assert_eq!(kv.set("k", 1, 5), None);
    /// assert_eq!(kv.set("k", 2, 5), Some(1)); // same timestamp: replaced
    /// assert_eq!(kv.set("k", 0, 3), None); // older timestamp: a new version
    /// assert_eq!(kv.len(), 2);
    /// ```
    pub fn set(&mut self, key: &str, value: V, ts: u64) -> Option<V> {
        self.write(key, Some(value), ts).flatten()
    }

    /// Returns the value of `key` at `ts`: the latest version written at or before `ts`, or `None`
    /// when there is no such version or it is a tombstone. Costs O(log m).
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// kv.set("k", "a", 10);
    /// assert_eq!(kv.get("k", 10), Some(&"a"));
    /// assert_eq!(kv.get("k", u64::MAX), Some(&"a"));
    /// assert_eq!(kv.get("k", 9), None);
    /// ```
    pub fn get(&self, key: &str, ts: u64) -> Option<&V> {
        visible(self.keys.get(key)?, ts)
    }

    /// Returns the number of versions stored, tombstones included.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// kv.set("a", 1, 1);
    /// kv.set("a", 2, 2);
    /// kv.set("b", 3, 1);
    /// assert_eq!(kv.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.versions
    }

    /// Returns `true` when the store holds no version.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// assert!(kv.is_empty());
    /// kv.set("a", 1, 1);
    /// assert!(!kv.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.versions == 0
    }

    /// Writes a tombstone for `key` at `ts`: reads from `ts` until the key's next version see no
    /// value. Returns `true` when a read at `ts` saw a value just before. The tombstone is written
    /// even when there was nothing to delete, and it replaces a version at exactly `ts`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// kv.set("k", 1, 10);
    /// assert!(kv.delete("k", 20));
    /// assert_eq!(kv.get("k", 25), None);
    /// assert_eq!(kv.get("k", 19), Some(&1));
    /// assert!(!kv.delete("k", 30)); // already gone at 30
    /// ```
    pub fn delete(&mut self, key: &str, ts: u64) -> bool {
        let was_live = self.get(key, ts).is_some();
        self.write(key, None, ts);
        was_live
    }

    /// Returns the versions of `key` whose timestamps lie in `range`, oldest first; a tombstone is
    /// `(ts, None)`. An empty or inverted range returns nothing. Costs O(log m + what it returns).
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// kv.set("k", "a", 1);
    /// kv.delete("k", 2);
    /// kv.set("k", "c", 3);
    /// assert_eq!(kv.history("k", 2..), vec![(2, None), (3, Some(&"c"))]);
    /// assert_eq!(kv.history("k", ..=1), vec![(1, Some(&"a"))]);
    /// assert!(kv.history("k", 3..2).is_empty());
    /// ```
    pub fn history(&self, key: &str, range: impl RangeBounds<u64>) -> Vec<(u64, Option<&V>)> {
        let (Some(history), Some(bounds)) = (self.keys.get(key), checked_bounds(&range)) else {
            return Vec::new();
        };
        history
            .range(bounds)
            .map(|(&ts, version)| (ts, version.as_ref()))
            .collect()
    }

    /// Returns every key that starts with `prefix` and has a value at `ts`, in key order, with that
    /// value. Costs O(log n) plus O(log m) per key under the prefix; other keys are never visited.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// kv.set("user:1", "ann", 1);
    /// kv.set("user:2", "bob", 1);
    /// kv.delete("user:2", 5);
    /// kv.set("order:1", "book", 1);
    /// assert_eq!(kv.scan_at("user:", 3), vec![("user:1", &"ann"), ("user:2", &"bob")]);
    /// assert_eq!(kv.scan_at("user:", 5), vec![("user:1", &"ann")]);
    /// ```
    pub fn scan_at(&self, prefix: &str, ts: u64) -> Vec<(&str, &V)> {
        self.keys
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(prefix))
            .filter_map(|(name, history)| Some((&**name, visible(history, ts)?)))
            .collect()
    }

    /// Drops every version that no read at `horizon` or later can see, and nothing else; returns how
    /// many versions it dropped. For each key that is everything older than the version a read at
    /// `horizon` sees, and that version too when it is a tombstone older than `horizon`; a key left
    /// with no version is forgotten. Answers of `get`, `scan_at` and `history` at or after `horizon`
    /// do not change. The cost follows the writes since the last compaction up to `horizon`, not
    /// the size of the store.
    ///
    /// # Example
    ///
    /// ```
    /// let mut kv = timekv_solution::TimeKv::new();
    /// kv.set("k", 1, 10);
    /// kv.set("k", 2, 20);
    /// kv.set("k", 3, 30);
    /// assert_eq!(kv.compact(25), 1); // the version at 10; a read at 25 still needs the one at 20
    /// assert_eq!(kv.get("k", 25), Some(&2));
    /// assert_eq!(kv.len(), 2);
    /// ```
    pub fn compact(&mut self, horizon: u64) -> usize {
        let mut dropped = 0;
        while let Some(first) = self.pending.first() {
            if first.0 > horizon {
                break;
            }
            let Some((_, name)) = self.pending.pop_first() else {
                break;
            };
            let Some(history) = self.keys.get_mut(&*name) else {
                continue;
            };
            dropped += compact_history(history, horizon);
            if history.is_empty() {
                self.keys.remove(&*name);
            }
        }
        self.versions -= dropped;
        dropped
    }
}

/// The shared form of one key's versions; `forgotten` marks a history a compaction removed from the
/// key map, so a writer that fetched it just before knows to look the key up again.
struct Slot<V> {
    history: History<V>,
    forgotten: bool,
}

/// One key's shared history, locked on its own.
type SharedSlot<V> = Arc<RwLock<Slot<V>>>;

/// What the compaction of a shared store owns: the entries writers sent, ordered.
struct Compactor {
    incoming: Receiver<(u64, Arc<str>)>,
    pending: BTreeSet<(u64, Arc<str>)>,
}

/// A store of versioned values shared by many threads through `&self`, with the rules of [`TimeKv`].
///
/// Each key has its own lock, so operations on different keys never wait for each other; the key map
/// is locked only to find a key (shared) or to add or forget one (exclusive), never while a value is
/// read, cloned or written. Writers hand compaction work over a channel, which needs no lock, and
/// the compaction holds one key's lock at a time.
///
/// # Example
///
/// ```
/// let kv = std::sync::Arc::new(timekv_solution::SharedTimeKv::new());
/// let writers: Vec<_> = (0..4u64)
///     .map(|t| {
///         let kv = kv.clone();
///         std::thread::spawn(move || kv.set("counter", t, t))
///     })
///     .collect();
/// for writer in writers {
///     writer.join().unwrap();
/// }
/// assert_eq!(kv.len(), 4);
/// assert_eq!(kv.get("counter", 10), Some(3));
/// ```
pub struct SharedTimeKv<V> {
    keys: RwLock<BTreeMap<Arc<str>, SharedSlot<V>>>,
    outbox: Sender<(u64, Arc<str>)>,
    compactor: Mutex<Compactor>,
    versions: AtomicUsize,
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

fn lock<T>(lock: &Mutex<T>) -> MutexGuard<'_, T> {
    lock.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<V> Default for SharedTimeKv<V> {
    fn default() -> Self {
        let (outbox, incoming) = mpsc::channel();
        SharedTimeKv {
            keys: RwLock::new(BTreeMap::new()),
            outbox,
            compactor: Mutex::new(Compactor {
                incoming,
                pending: BTreeSet::new(),
            }),
            versions: AtomicUsize::new(0),
        }
    }
}

impl<V: Clone + Send + Sync> SharedTimeKv<V> {
    /// Returns an empty shared store.
    ///
    /// # Example
    ///
    /// ```
    /// let kv: timekv_solution::SharedTimeKv<String> = timekv_solution::SharedTimeKv::new();
    /// assert!(kv.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the slot of `key` if it exists.
    fn slot(&self, key: &str) -> Option<SharedSlot<V>> {
        read(&self.keys).get(key).cloned()
    }

    /// Writes `version` of `key` at `ts` under the key's own lock; returns the replaced version.
    fn write(&self, key: &str, version: Option<V>, ts: u64) -> (Option<Option<V>>, bool) {
        let tombstone = version.is_none();
        loop {
            let (name, slot) = {
                let found = read(&self.keys)
                    .get_key_value(key)
                    .map(|(name, slot)| (Arc::clone(name), Arc::clone(slot)));
                match found {
                    Some(found) => found,
                    None => {
                        let mut keys = write(&self.keys);
                        let name: Arc<str> = Arc::from(key);
                        let slot = keys.entry(name.clone()).or_insert_with(|| {
                            Arc::new(RwLock::new(Slot {
                                history: BTreeMap::new(),
                                forgotten: false,
                            }))
                        });
                        (name, Arc::clone(slot))
                    }
                }
            };
            let mut slot = write(&slot);
            if slot.forgotten {
                // A compaction emptied this key and removed it from the map after we found it:
                // writing here would lose the version, so look the key up again.
                continue;
            }
            let was_live = visible(&slot.history, ts).is_some();
            let replaced = slot.history.insert(ts, version);
            if replaced.is_none() {
                // Counted under the key's lock: a compaction dropping this version subtracts it
                // only after it was added, so `len` never dips below zero while threads run.
                self.versions.fetch_add(1, Ordering::Relaxed);
            }
            let dues = dues(&slot.history, ts, tombstone);
            drop(slot);
            for due in dues.into_iter().flatten() {
                // The receiver lives as long as `self`, so the send cannot fail.
                let _ = self.outbox.send((due, Arc::clone(&name)));
            }
            return (replaced, was_live);
        }
    }

    /// Stores `value` as the version of `key` at `ts` and returns the value it replaced at exactly
    /// that timestamp, as [`TimeKv::set`] does.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// assert_eq!(kv.set("k", 1, 5), None);
    /// assert_eq!(kv.set("k", 2, 5), Some(1));
    /// ```
    pub fn set(&self, key: &str, value: V, ts: u64) -> Option<V> {
        self.write(key, Some(value), ts).0.flatten()
    }

    /// Returns a clone of the value of `key` at `ts`, as [`TimeKv::get`] does.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// kv.set("k", "a".to_string(), 10);
    /// assert_eq!(kv.get("k", 12), Some("a".to_string()));
    /// assert_eq!(kv.get("k", 9), None);
    /// ```
    pub fn get(&self, key: &str, ts: u64) -> Option<V> {
        let slot = self.slot(key)?;
        let slot = read(&slot);
        visible(&slot.history, ts).cloned()
    }

    /// Writes a tombstone for `key` at `ts`, as [`TimeKv::delete`] does; returns `true` when a read
    /// at `ts` saw a value just before.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// kv.set("k", 1, 10);
    /// assert!(kv.delete("k", 20));
    /// assert_eq!(kv.get("k", 20), None);
    /// ```
    pub fn delete(&self, key: &str, ts: u64) -> bool {
        self.write(key, None, ts).1
    }

    /// Returns clones of the versions of `key` in `range`, oldest first, as [`TimeKv::history`] does.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// kv.set("k", 'a', 1);
    /// kv.delete("k", 2);
    /// assert_eq!(kv.history("k", ..), vec![(1, Some('a')), (2, None)]);
    /// ```
    pub fn history(&self, key: &str, range: impl RangeBounds<u64>) -> Vec<(u64, Option<V>)> {
        let (Some(slot), Some(bounds)) = (self.slot(key), checked_bounds(&range)) else {
            return Vec::new();
        };
        let slot = read(&slot);
        slot.history
            .range(bounds)
            .map(|(&ts, version)| (ts, version.clone()))
            .collect()
    }

    /// Returns the keys starting with `prefix` that have a value at `ts`, in key order, with clones
    /// of their values, as [`TimeKv::scan_at`] does. Each key is read under its own lock, one after
    /// the other, so the answer is per key, not one snapshot of the whole store.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// kv.set("a:1", 1, 1);
    /// kv.set("a:2", 2, 1);
    /// kv.set("b:1", 3, 1);
    /// assert_eq!(kv.scan_at("a:", 1), vec![("a:1".to_string(), 1), ("a:2".to_string(), 2)]);
    /// ```
    pub fn scan_at(&self, prefix: &str, ts: u64) -> Vec<(String, V)> {
        let slots: Vec<(Arc<str>, SharedSlot<V>)> = read(&self.keys)
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(name, slot)| (Arc::clone(name), Arc::clone(slot)))
            .collect();
        slots
            .into_iter()
            .filter_map(|(name, slot)| {
                let value = visible(&read(&slot).history, ts).cloned()?;
                Some((name.to_string(), value))
            })
            .collect()
    }

    /// Drops every version no read at `horizon` or later can see, as [`TimeKv::compact`] does, while
    /// other threads keep reading and writing; returns how many versions it dropped. One compaction
    /// runs at a time, and it holds one key's lock at a time.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// kv.set("k", 1, 10);
    /// kv.set("k", 2, 20);
    /// assert_eq!(kv.compact(20), 1);
    /// assert_eq!(kv.get("k", 20), Some(2));
    /// ```
    pub fn compact(&self, horizon: u64) -> usize {
        let mut compactor = lock(&self.compactor);
        let Compactor { incoming, pending } = &mut *compactor;
        pending.extend(incoming.try_iter());
        let mut dropped = 0;
        while let Some(first) = pending.first() {
            if first.0 > horizon {
                break;
            }
            let Some((_, name)) = pending.pop_first() else {
                break;
            };
            let Some(slot) = self.slot(&name) else {
                continue;
            };
            let emptied = {
                let mut slot = write(&slot);
                dropped += compact_history(&mut slot.history, horizon);
                slot.history.is_empty()
            };
            if emptied {
                let mut keys = write(&self.keys);
                let mut slot = write(&slot);
                // A writer may have added a version between the two locks: forget only an empty key.
                if slot.history.is_empty() && !slot.forgotten {
                    slot.forgotten = true;
                    keys.remove(&*name);
                }
            }
        }
        self.versions.fetch_sub(dropped, Ordering::Relaxed);
        dropped
    }

    /// Returns the number of versions stored, tombstones included.
    ///
    /// # Example
    ///
    /// ```
    /// let kv = timekv_solution::SharedTimeKv::new();
    /// kv.set("a", 1, 1);
    /// kv.delete("a", 2);
    /// assert_eq!(kv.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.versions.load(Ordering::Relaxed)
    }

    /// Returns `true` when the store holds no version.
    ///
    /// # Example
    ///
    /// ```
    /// let kv: timekv_solution::SharedTimeKv<u8> = timekv_solution::SharedTimeKv::new();
    /// assert!(kv.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
