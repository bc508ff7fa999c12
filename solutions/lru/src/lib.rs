//! Least-recently-used caches: single-threaded with time-to-live, shared across threads with single-flight loading, and split by tenant.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::any::Any;
use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use std::mem;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Marks the end of the recency list (no previous or next node).
const NIL: usize = usize::MAX;

/// The deadline of an entry that never expires.
const NEVER: u64 = u64::MAX;

/// The most slots a constructor reserves up front; a larger cache grows as it fills.
const RESERVE_LIMIT: usize = 1 << 12;

/// Where a cache reads the time, in milliseconds.
enum Clock {
    /// Milliseconds since the cache was made, from the monotonic clock.
    Monotonic(Instant),
    /// A clock supplied by the caller (tests use it to control time).
    Custom(Box<dyn Fn() -> u64 + Send + Sync>),
}

impl Clock {
    fn now(&self) -> u64 {
        match self {
            Clock::Monotonic(start) => u64::try_from(start.elapsed().as_millis()).unwrap_or(NEVER),
            Clock::Custom(read) => read(),
        }
    }
}

/// One entry, linked into the recency list by slot index.
struct Node<K, V> {
    key: K,
    value: V,
    /// The instant from which the entry is expired, or `NEVER`.
    deadline: u64,
    /// The next more recently used slot, or `NIL` for the most recently used.
    prev: usize,
    /// The next less recently used slot, or `NIL` for the least recently used.
    next: usize,
}

/// What storing an entry did: the value it replaced and whether another entry was evicted to make room.
struct Stored<V> {
    previous: Option<V>,
    evicted: bool,
}

/// A cache holding at most `capacity` entries, evicting the least recently used one to make room.
///
/// Entries live in a dense vector and form a doubly linked recency list through slot indices; a hash
/// map finds a key's slot, and an ordered set of `(deadline, slot)` finds the entries that expire first.
///
/// # Example
///
/// ```
/// let mut cache = lru_solution::LruCache::new(2);
/// cache.put("a", 1);
/// cache.put("b", 2);
/// cache.get(&"a");
/// cache.put("c", 3); // "b" was least recently used
/// assert_eq!(cache.get(&"b"), None);
/// ```
pub struct LruCache<K, V> {
    capacity: usize,
    nodes: Vec<Node<K, V>>,
    slots: HashMap<K, usize>,
    /// The most recently used slot, or `NIL` when empty.
    head: usize,
    /// The least recently used slot, or `NIL` when empty.
    tail: usize,
    /// `(deadline, slot)` of every entry that has a time-to-live, earliest first.
    expiry: BTreeSet<(u64, usize)>,
    clock: Clock,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// Returns an empty cache that holds at most `capacity` entries and reads time from the monotonic clock.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::LruCache<u32, String> = lru_solution::LruCache::new(100);
    /// assert!(cache.is_empty());
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self::build(capacity, Clock::Monotonic(Instant::now()), capacity)
    }

    /// Returns an empty cache that holds at most `capacity` entries and reads the time in
    /// milliseconds from `clock`.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// let now = Arc::new(AtomicU64::new(0));
    /// let clock = Arc::clone(&now);
    /// let mut cache = lru_solution::LruCache::with_clock(10, move || clock.load(Ordering::SeqCst));
    /// cache.put_with_ttl("session", 7, 1_000);
    /// now.store(1_000, Ordering::SeqCst);
    /// assert_eq!(cache.get(&"session"), None);
    /// ```
    pub fn with_clock(capacity: usize, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Self::build(capacity, Clock::Custom(Box::new(clock)), capacity)
    }

    fn build(capacity: usize, clock: Clock, reserve: usize) -> Self {
        let reserve = reserve.min(capacity).min(RESERVE_LIMIT);
        LruCache {
            capacity,
            nodes: Vec::with_capacity(reserve),
            slots: HashMap::with_capacity(reserve),
            head: NIL,
            tail: NIL,
            expiry: BTreeSet::new(),
            clock,
        }
    }

    /// Returns the most entries the cache holds.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::LruCache<u8, u8> = lru_solution::LruCache::new(3);
    /// assert_eq!(cache.capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Returns the number of entries not yet removed (expired entries count until they are removed).
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::LruCache::new(3);
    /// cache.put(1, "one");
    /// assert_eq!(cache.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Returns `true` when the cache holds no entry.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::LruCache<u8, u8> = lru_solution::LruCache::new(3);
    /// assert!(cache.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Returns the value of `key` and marks it most recently used, or `None` when it is absent or
    /// expired (an expired entry is removed on the way).
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::LruCache::new(2);
    /// cache.put(1, "one");
    /// assert_eq!(cache.get(&1), Some(&"one"));
    /// assert_eq!(cache.get(&2), None);
    /// ```
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let slot = self.touch(key)?;
        Some(&self.nodes[slot].value)
    }

    /// Returns the value of `key` without changing its recency, or `None` when it is absent or expired.
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::LruCache::new(2);
    /// cache.put(1, "one");
    /// cache.put(2, "two");
    /// assert_eq!(cache.peek(&1), Some(&"one"));
    /// cache.put(3, "three"); // 1 is still the least recently used
    /// assert_eq!(cache.peek(&1), None);
    /// ```
    pub fn peek(&self, key: &K) -> Option<&V> {
        let node = &self.nodes[*self.slots.get(key)?];
        (!self.is_expired(node)).then_some(&node.value)
    }

    /// Stores `value` under `key` without an expiry, marks it most recently used, and returns the
    /// key's previous live value. A new key on a full cache evicts an expired entry if there is one,
    /// else the least recently used entry; a cache of capacity 0 stores nothing.
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::LruCache::new(2);
    /// assert_eq!(cache.put("k", 1), None);
    /// assert_eq!(cache.put("k", 2), Some(1));
    /// ```
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        self.store(key, value, NEVER).previous
    }

    /// Stores `value` under `key` like [`put`](Self::put), live for `ttl_ms` milliseconds from now:
    /// expired from the instant `now + ttl_ms` on.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// let now = Arc::new(AtomicU64::new(100));
    /// let clock = Arc::clone(&now);
    /// let mut cache = lru_solution::LruCache::with_clock(10, move || clock.load(Ordering::SeqCst));
    /// cache.put_with_ttl("token", "abc", 50);
    /// now.store(149, Ordering::SeqCst);
    /// assert_eq!(cache.peek(&"token"), Some(&"abc"));
    /// now.store(150, Ordering::SeqCst);
    /// assert_eq!(cache.peek(&"token"), None);
    /// ```
    pub fn put_with_ttl(&mut self, key: K, value: V, ttl_ms: u64) -> Option<V> {
        let deadline = self.clock.now().saturating_add(ttl_ms);
        self.store(key, value, deadline).previous
    }

    /// Removes every expired entry and returns how many it removed, in time proportional to that
    /// number (times log n), never scanning the live entries.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// let now = Arc::new(AtomicU64::new(0));
    /// let clock = Arc::clone(&now);
    /// let mut cache = lru_solution::LruCache::with_clock(10, move || clock.load(Ordering::SeqCst));
    /// cache.put_with_ttl(1, "short", 10);
    /// cache.put(2, "forever");
    /// now.store(10, Ordering::SeqCst);
    /// assert_eq!(cache.purge_expired(), 1);
    /// assert_eq!(cache.len(), 1);
    /// ```
    pub fn purge_expired(&mut self) -> usize {
        if self.expiry.is_empty() {
            return 0;
        }
        let now = self.clock.now();
        let mut removed = 0;
        while let Some(&(deadline, slot)) = self.expiry.first() {
            if deadline > now {
                break;
            }
            self.remove(slot);
            removed += 1;
        }
        removed
    }

    /// Returns `true` when `node` has a deadline that has passed (the clock is read only then).
    fn is_expired(&self, node: &Node<K, V>) -> bool {
        node.deadline != NEVER && node.deadline <= self.clock.now()
    }

    /// Returns the slot of the live entry of `key`, marked most recently used; removes it if expired.
    fn touch(&mut self, key: &K) -> Option<usize> {
        let slot = *self.slots.get(key)?;
        if self.is_expired(&self.nodes[slot]) {
            self.remove(slot);
            return None;
        }
        self.move_to_front(slot);
        Some(slot)
    }

    /// Stores an entry expiring at `deadline` and reports what that displaced.
    fn store(&mut self, key: K, value: V, deadline: u64) -> Stored<V> {
        if self.capacity == 0 {
            return Stored {
                previous: None,
                evicted: false,
            };
        }
        if let Some(&slot) = self.slots.get(&key) {
            // An update never evicts; an expired entry is overwritten as if it were absent.
            let expired = self.is_expired(&self.nodes[slot]);
            self.set_deadline(slot, deadline);
            let previous = mem::replace(&mut self.nodes[slot].value, value);
            self.move_to_front(slot);
            return Stored {
                previous: (!expired).then_some(previous),
                evicted: false,
            };
        }
        if self.nodes.len() < self.capacity {
            let slot = self.nodes.len();
            self.nodes.push(Node {
                key: key.clone(),
                value,
                deadline: NEVER,
                prev: NIL,
                next: NIL,
            });
            self.slots.insert(key, slot);
            self.set_deadline(slot, deadline);
            self.link_front(slot);
            return Stored {
                previous: None,
                evicted: false,
            };
        }
        // Full: the victim's slot is reused in place for the new entry.
        let slot = self.victim();
        let old_key = mem::replace(&mut self.nodes[slot].key, key.clone());
        self.slots.remove(&old_key);
        self.slots.insert(key, slot);
        self.nodes[slot].value = value;
        self.set_deadline(slot, deadline);
        self.move_to_front(slot);
        Stored {
            previous: None,
            evicted: true,
        }
    }

    /// Returns the slot to give up on a full cache: the earliest-expiring entry if it has expired,
    /// else the least recently used one.
    fn victim(&self) -> usize {
        match self.expiry.first() {
            Some(&(deadline, slot)) if deadline <= self.clock.now() => slot,
            _ => self.tail,
        }
    }

    /// Removes the least recently used entry and returns it, or `None` when empty.
    fn pop_lru(&mut self) -> Option<(K, V)> {
        (self.tail != NIL).then(|| self.remove(self.tail))
    }

    /// Removes the entry in `slot`; the last slot's entry moves into the hole to keep the vector dense.
    fn remove(&mut self, slot: usize) -> (K, V) {
        self.unlink(slot);
        self.set_deadline(slot, NEVER);
        let node = self.nodes.swap_remove(slot);
        self.slots.remove(&node.key);
        if slot < self.nodes.len() {
            let moved_from = self.nodes.len();
            let Node {
                prev,
                next,
                deadline,
                ..
            } = self.nodes[slot];
            match prev {
                NIL => self.head = slot,
                p => self.nodes[p].next = slot,
            }
            match next {
                NIL => self.tail = slot,
                n => self.nodes[n].prev = slot,
            }
            if deadline != NEVER {
                self.expiry.remove(&(deadline, moved_from));
                self.expiry.insert((deadline, slot));
            }
            if let Some(index) = self.slots.get_mut(&self.nodes[slot].key) {
                *index = slot;
            }
        }
        (node.key, node.value)
    }

    /// Sets the deadline of `slot`, keeping the expiry index in step.
    fn set_deadline(&mut self, slot: usize, deadline: u64) {
        let old = mem::replace(&mut self.nodes[slot].deadline, deadline);
        if old == deadline {
            return;
        }
        if old != NEVER {
            self.expiry.remove(&(old, slot));
        }
        if deadline != NEVER {
            self.expiry.insert((deadline, slot));
        }
    }

    fn move_to_front(&mut self, slot: usize) {
        if self.head != slot {
            self.unlink(slot);
            self.link_front(slot);
        }
    }

    fn unlink(&mut self, slot: usize) {
        let Node { prev, next, .. } = self.nodes[slot];
        match prev {
            NIL => self.head = next,
            p => self.nodes[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.nodes[n].prev = prev,
        }
    }

    fn link_front(&mut self, slot: usize) {
        self.nodes[slot].prev = NIL;
        self.nodes[slot].next = self.head;
        match self.head {
            NIL => self.tail = slot,
            h => self.nodes[h].prev = slot,
        }
        self.head = slot;
    }
}

/// Counters of a [`SharedLruCache`]: every `get` is one hit or one miss, and every entry given up to
/// make room is one eviction.
///
/// # Example
///
/// ```
/// let stats = lru_solution::CacheStats::default();
/// assert_eq!(stats.hits + stats.misses, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Lookups that found a live entry.
    pub hits: u64,
    /// Lookups that found nothing (or only an expired entry).
    pub misses: u64,
    /// Entries removed to make room for a new key.
    pub evictions: u64,
}

/// The state behind a [`SharedLruCache`]'s lock.
struct Shared<K, V> {
    cache: LruCache<K, V>,
    stats: CacheStats,
    /// Loads in progress: a caller missing on one of these keys waits for that load.
    loading: HashMap<K, Arc<Flight<V>>>,
}

impl<K: Hash + Eq + Clone, V> Shared<K, V> {
    fn store(&mut self, key: K, value: V, deadline: u64) -> Option<V> {
        let stored = self.cache.store(key, value, deadline);
        self.stats.evictions += u64::from(stored.evicted);
        stored.previous
    }

    fn count_lookup(&mut self, hit: bool) {
        if hit {
            self.stats.hits += 1;
        } else {
            self.stats.misses += 1;
        }
    }
}

/// An LRU cache shared by many threads through `&self`.
///
/// One mutex guards the cache and its counters together, so every operation, and every counter
/// change, is atomic with the others. Loaders run outside that mutex.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
///
/// let cache = Arc::new(lru_solution::SharedLruCache::new(100));
/// let worker = {
///     let cache = Arc::clone(&cache);
///     std::thread::spawn(move || cache.put("answer", 42))
/// };
/// worker.join().unwrap();
/// assert_eq!(cache.get(&"answer"), Some(42));
/// ```
pub struct SharedLruCache<K, V> {
    state: Mutex<Shared<K, V>>,
}

/// Locks `mutex`, carrying on past a poisoned lock: every critical section leaves the state
/// consistent before it calls code that could panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<K: Hash + Eq + Clone + Send, V: Clone + Send> SharedLruCache<K, V> {
    /// Returns an empty shared cache that holds at most `capacity` entries.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::SharedLruCache<u64, String> = lru_solution::SharedLruCache::new(8);
    /// assert_eq!(cache.len(), 0);
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self::around(LruCache::new(capacity))
    }

    /// Returns an empty shared cache that reads the time in milliseconds from `clock`.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::with_clock(8, || 0);
    /// cache.put_with_ttl(1, "x", 0);
    /// assert_eq!(cache.get(&1), None);
    /// ```
    pub fn with_clock(capacity: usize, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Self::around(LruCache::with_clock(capacity, clock))
    }

    fn around(cache: LruCache<K, V>) -> Self {
        SharedLruCache {
            state: Mutex::new(Shared {
                cache,
                stats: CacheStats::default(),
                loading: HashMap::new(),
            }),
        }
    }

    /// Returns a copy of the live value of `key`, marked most recently used, or `None`; counts a hit or a miss.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::new(8);
    /// cache.put(1, "one");
    /// assert_eq!(cache.get(&1), Some("one"));
    /// assert_eq!(cache.stats().hits, 1);
    /// ```
    pub fn get(&self, key: &K) -> Option<V> {
        let mut state = lock(&self.state);
        let found = state.cache.get(key).cloned();
        state.count_lookup(found.is_some());
        found
    }

    /// Stores `value` under `key` without an expiry; returns the key's previous live value.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::new(8);
    /// assert_eq!(cache.put(1, "one"), None);
    /// assert_eq!(cache.put(1, "uno"), Some("one"));
    /// ```
    pub fn put(&self, key: K, value: V) -> Option<V> {
        lock(&self.state).store(key, value, NEVER)
    }

    /// Stores `value` under `key`, live for `ttl_ms` milliseconds; returns the key's previous live value.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::with_clock(8, || 5);
    /// cache.put_with_ttl(1, "one", 10);
    /// assert_eq!(cache.get(&1), Some("one"));
    /// ```
    pub fn put_with_ttl(&self, key: K, value: V, ttl_ms: u64) -> Option<V> {
        let mut state = lock(&self.state);
        let deadline = state.cache.clock.now().saturating_add(ttl_ms);
        state.store(key, value, deadline)
    }

    /// Replaces the value of `key` with `f(current live value)` in one atomic step, stores it without
    /// an expiry, and returns it. `f` runs under the cache's lock, so it must not use this cache.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::new(8);
    /// cache.update("hits", |n| n.map_or(1, |n| n + 1));
    /// assert_eq!(cache.update("hits", |n| n.map_or(1, |n| n + 1)), 2);
    /// ```
    pub fn update(&self, key: K, f: impl FnOnce(Option<&V>) -> V) -> V {
        let mut state = lock(&self.state);
        let value = f(state.cache.peek(&key));
        state.store(key, value.clone(), NEVER);
        value
    }

    /// Returns the number of entries not yet removed.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::new(8);
    /// cache.put('a', 1);
    /// assert_eq!(cache.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        lock(&self.state).cache.len()
    }

    /// Returns `true` when the cache holds no entry.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::SharedLruCache<u8, u8> = lru_solution::SharedLruCache::new(8);
    /// assert!(cache.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        lock(&self.state).cache.is_empty()
    }

    /// Returns the hit, miss and eviction counts so far.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::SharedLruCache<u8, u8> = lru_solution::SharedLruCache::new(8);
    /// cache.get(&1);
    /// assert_eq!(cache.stats().misses, 1);
    /// ```
    pub fn stats(&self) -> CacheStats {
        lock(&self.state).stats
    }

    /// Returns the live value of `key`, or loads it with `loader`, stores it and returns it.
    ///
    /// Concurrent misses on one key run one loader; the others wait and share its outcome, value or
    /// error. An error is not stored, so the next call loads again. Loads of different keys run in
    /// parallel: no lock is held while a loader runs. If the loader panics, the panic reaches this
    /// caller and the waiters load again themselves. Each call counts one hit or one miss.
    ///
    /// # Example
    ///
    /// ```
    /// let cache = lru_solution::SharedLruCache::new(8);
    /// let loaded: Result<u32, String> = cache.get_or_load("port", || Ok(8080));
    /// assert_eq!(loaded, Ok(8080));
    /// let failed: Result<u32, String> = cache.get_or_load("host", || Err("down".to_string()));
    /// assert_eq!(failed, Err("down".to_string()));
    /// assert_eq!(cache.get_or_load::<String>("port", || unreachable!()), Ok(8080));
    /// ```
    pub fn get_or_load<E>(&self, key: K, loader: impl FnOnce() -> Result<V, E>) -> Result<V, E>
    where
        E: Clone + Send + 'static,
    {
        let mut counted = false;
        loop {
            let flight = {
                let mut state = lock(&self.state);
                if let Some(value) = state.cache.get(&key).cloned() {
                    if !counted {
                        state.count_lookup(true);
                    }
                    return Ok(value);
                }
                if !counted {
                    state.count_lookup(false);
                    counted = true;
                }
                match state.loading.get(&key) {
                    Some(flight) => Arc::clone(flight),
                    None => {
                        let flight = Arc::new(Flight::new());
                        state.loading.insert(key.clone(), Arc::clone(&flight));
                        drop(state);
                        return self.lead(key, flight, loader);
                    }
                }
            };
            // `None`: the load was abandoned (its loader panicked) or failed with an error of another
            // type than ours; go round again and find the value, a newer load, or load ourselves.
            if let Some(outcome) = flight.wait::<E>() {
                return outcome;
            }
        }
    }

    /// Runs `loader` as the one load of `key`, then publishes its outcome to the cache and the waiters.
    fn lead<E>(
        &self,
        key: K,
        flight: Arc<Flight<V>>,
        loader: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E>
    where
        E: Clone + Send + 'static,
    {
        let leader = Leader {
            state: &self.state,
            key: Some(key),
            flight,
        };
        let outcome = loader();
        match &outcome {
            Ok(value) => leader.finish(Some(value.clone()), Landing::Loaded(value.clone())),
            Err(error) => leader.finish(None, Landing::Failed(Box::new(error.clone()))),
        }
        outcome
    }
}

/// How a load ended, as its waiters see it.
enum Landing<V> {
    Pending,
    Loaded(V),
    /// The loader's error, type-erased because each `get_or_load` call picks its own error type.
    Failed(Box<dyn Any + Send>),
    /// The loader panicked: no outcome will come.
    Abandoned,
}

/// One load in progress; waiters sleep on `done` until `landing` is no longer pending.
struct Flight<V> {
    landing: Mutex<Landing<V>>,
    done: Condvar,
}

impl<V> Flight<V> {
    fn new() -> Self {
        Flight {
            landing: Mutex::new(Landing::Pending),
            done: Condvar::new(),
        }
    }

    fn land(&self, landing: Landing<V>) {
        *lock(&self.landing) = landing;
        self.done.notify_all();
    }
}

impl<V: Clone> Flight<V> {
    /// Waits for the load to end; returns its outcome, or `None` when there is none this caller can use.
    fn wait<E: Clone + 'static>(&self) -> Option<Result<V, E>> {
        let landing = self
            .done
            .wait_while(lock(&self.landing), |l| matches!(l, Landing::Pending))
            .unwrap_or_else(PoisonError::into_inner);
        match &*landing {
            Landing::Loaded(value) => Some(Ok(value.clone())),
            Landing::Failed(error) => error.downcast_ref::<E>().map(|e| Err(e.clone())),
            Landing::Pending | Landing::Abandoned => None,
        }
    }
}

/// The caller running a load; if it is dropped unfinished (the loader panicked), it withdraws the
/// load so waiters do not sleep forever.
struct Leader<'a, K: Hash + Eq, V> {
    state: &'a Mutex<Shared<K, V>>,
    /// `Some` until the load is finished or withdrawn.
    key: Option<K>,
    flight: Arc<Flight<V>>,
}

impl<K: Hash + Eq + Clone, V: Clone> Leader<'_, K, V> {
    /// Stores `value` (if any) and retires the load in one critical section, then wakes the waiters.
    fn finish(mut self, value: Option<V>, landing: Landing<V>) {
        if let Some(key) = self.key.take() {
            let mut state = lock(self.state);
            state.loading.remove(&key);
            if let Some(value) = value {
                state.store(key, value, NEVER);
            }
        }
        self.flight.land(landing);
    }
}

impl<K: Hash + Eq, V> Drop for Leader<'_, K, V> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            lock(self.state).loading.remove(&key);
            self.flight.land(Landing::Abandoned);
        }
    }
}

/// A value with the tick of its last use, so tenants can be compared by their oldest entry.
struct Stamped<V> {
    value: V,
    used: u64,
}

/// Orders tenants by who gives up an entry first on a full cache: most entries, then oldest
/// least recently used entry. Ticks are unique, so no two tenants share a rank.
type Rank = (Reverse<usize>, u64);

/// Returns the rank of a tenant's cache, or `None` when it is empty.
fn rank<K, V>(cache: &LruCache<K, Stamped<V>>) -> Option<Rank> {
    let lru = cache.nodes.get(cache.tail)?;
    Some((Reverse(cache.nodes.len()), lru.value.used))
}

/// Moves the tenant ranked `before` to rank `after` (`None` drops it).
fn rerank<T>(ranks: &mut BTreeMap<Rank, T>, before: Option<Rank>, after: Option<Rank>) {
    if before == after {
        return;
    }
    if let Some(tenant) = before.and_then(|r| ranks.remove(&r)) {
        if let Some(after) = after {
            ranks.insert(after, tenant);
        }
    }
}

/// An LRU cache shared by tenants: keys are per tenant, each tenant holds at most a quota of
/// entries, and a full cache takes room from the tenant holding the most.
///
/// Each tenant has its own [`LruCache`] sized to the quota (so a tenant at its quota evicts its own
/// least recently used entry), and an ordered map ranks tenants to find the one to evict from.
///
/// # Example
///
/// ```
/// let mut cache = lru_solution::TenantLruCache::new(4, 3);
/// for key in 0..10 {
///     cache.put("noisy", key, ());
/// }
/// cache.put("quiet", 0, ());
/// assert_eq!(cache.tenant_len(&"noisy"), 3);
/// assert_eq!(cache.tenant_len(&"quiet"), 1);
/// ```
pub struct TenantLruCache<T, K, V> {
    capacity: usize,
    quota: usize,
    len: usize,
    /// Counts uses; each use stamps its entry with a fresh tick.
    tick: u64,
    tenants: HashMap<T, LruCache<K, Stamped<V>>>,
    /// Every tenant holding entries, the next to give one up first.
    ranks: BTreeMap<Rank, T>,
}

impl<T: Hash + Eq + Clone, K: Hash + Eq + Clone, V> TenantLruCache<T, K, V> {
    /// Returns an empty cache holding at most `capacity` entries, at most `tenant_quota` per tenant.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::TenantLruCache<&str, u32, u32> = lru_solution::TenantLruCache::new(100, 10);
    /// assert_eq!(cache.len(), 0);
    /// ```
    pub fn new(capacity: usize, tenant_quota: usize) -> Self {
        TenantLruCache {
            capacity,
            quota: tenant_quota,
            len: 0,
            tick: 0,
            tenants: HashMap::new(),
            ranks: BTreeMap::new(),
        }
    }

    /// Stores `value` under `tenant`'s `key`, marks it most recently used, and returns the previous
    /// value. A new key evicts the tenant's own least recently used entry when the tenant is at its
    /// quota, else, when the cache is full, the least recently used entry of the largest tenant.
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::TenantLruCache::new(10, 5);
    /// assert_eq!(cache.put("acme", "plan", "free"), None);
    /// assert_eq!(cache.put("acme", "plan", "pro"), Some("free"));
    /// ```
    pub fn put(&mut self, tenant: T, key: K, value: V) -> Option<V> {
        if self.capacity == 0 || self.quota == 0 {
            return None;
        }
        let (known, held) = self.tenants.get(&tenant).map_or((false, 0), |cache| {
            (cache.slots.contains_key(&key), cache.len())
        });
        if !known && held < self.quota && self.len >= self.capacity {
            self.evict_from_largest();
        }
        self.tick += 1;
        let stamped = Stamped {
            value,
            used: self.tick,
        };
        let (cache, new_tenant) = match self.tenants.entry(tenant) {
            Entry::Occupied(entry) => (entry.into_mut(), None),
            Entry::Vacant(entry) => {
                let name = entry.key().clone();
                let cache = LruCache::build(self.quota, Clock::Monotonic(Instant::now()), 0);
                (entry.insert(cache), Some(name))
            }
        };
        let before = rank(cache);
        let held_before = cache.len();
        let previous = cache.put(key, stamped);
        self.len = self.len + cache.len() - held_before;
        match (new_tenant, rank(cache)) {
            (Some(name), Some(after)) => {
                self.ranks.insert(after, name);
            }
            (_, after) => rerank(&mut self.ranks, before, after),
        }
        previous.map(|stamped| stamped.value)
    }

    /// Returns the value of `tenant`'s `key` and marks it most recently used, or `None`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::TenantLruCache::new(10, 5);
    /// cache.put("acme", 1, "a");
    /// assert_eq!(cache.get(&"acme", &1), Some(&"a"));
    /// assert_eq!(cache.get(&"globex", &1), None);
    /// ```
    pub fn get(&mut self, tenant: &T, key: &K) -> Option<&V> {
        let cache = self.tenants.get_mut(tenant)?;
        let before = rank(cache);
        let slot = cache.touch(key)?;
        self.tick += 1;
        cache.nodes[slot].value.used = self.tick;
        rerank(&mut self.ranks, before, rank(cache));
        Some(&cache.nodes[slot].value.value)
    }

    /// Returns the number of entries of all tenants.
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::TenantLruCache::new(10, 5);
    /// cache.put("a", 1, ());
    /// cache.put("b", 1, ());
    /// assert_eq!(cache.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns `true` when no tenant holds an entry.
    ///
    /// # Example
    ///
    /// ```
    /// let cache: lru_solution::TenantLruCache<u8, u8, u8> = lru_solution::TenantLruCache::new(10, 5);
    /// assert!(cache.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Returns the number of entries `tenant` holds (0 for a tenant never seen).
    ///
    /// # Example
    ///
    /// ```
    /// let mut cache = lru_solution::TenantLruCache::new(10, 5);
    /// cache.put("a", 1, ());
    /// assert_eq!(cache.tenant_len(&"a"), 1);
    /// assert_eq!(cache.tenant_len(&"b"), 0);
    /// ```
    pub fn tenant_len(&self, tenant: &T) -> usize {
        self.tenants.get(tenant).map_or(0, LruCache::len)
    }

    /// Evicts the least recently used entry of the top-ranked tenant; forgets a tenant left empty.
    fn evict_from_largest(&mut self) {
        let Some((_, tenant)) = self.ranks.pop_first() else {
            return;
        };
        let Some(cache) = self.tenants.get_mut(&tenant) else {
            return;
        };
        if cache.pop_lru().is_some() {
            self.len -= 1;
        }
        match rank(cache) {
            Some(after) => {
                self.ranks.insert(after, tenant);
            }
            None => {
                self.tenants.remove(&tenant);
            }
        }
    }
}
