//! Rate limiters on injected time: fixed and sliding windows, a token bucket, a two-level limiter and a thread-safe one.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

// ---------------------------------------------------------------------------------------------
// Stage 1: fixed window
// ---------------------------------------------------------------------------------------------

/// One client's fixed window: which aligned window it is in and how many requests it admitted there.
#[derive(Debug, Clone, Copy)]
struct Window {
    index: u64,
    count: u32,
}

impl Window {
    /// Admits one request made in window `index` if fewer than `limit` passed in the client's window.
    ///
    /// A later window starts a fresh count; an earlier one (a clock that went back) is counted against
    /// the current window, so going back in time never reopens a spent window.
    fn admit(&mut self, index: u64, limit: u32) -> bool {
        if index > self.index {
            *self = Window { index, count: 0 };
        }
        if self.count < limit {
            self.count += 1;
            true
        } else {
            false
        }
    }
}

/// Limits each client to `limit` requests per fixed window of `window_ms` milliseconds.
///
/// Windows are aligned to multiples of `window_ms`: window `k` covers `[k·window_ms, (k+1)·window_ms)`.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::FixedWindowLimiter;
///
/// let mut limiter = FixedWindowLimiter::new(2, 1_000);
/// assert!(limiter.allow("alice", 0));
/// assert!(limiter.allow("alice", 10));
/// assert!(!limiter.allow("alice", 999));
/// assert!(limiter.allow("alice", 1_000)); // a new window
/// ```
#[derive(Debug, Clone)]
pub struct FixedWindowLimiter {
    limit: u32,
    window_ms: u64,
    clients: HashMap<String, Window>,
}

impl FixedWindowLimiter {
    /// Returns a limiter admitting `limit` requests per client per window; a `window_ms` of 0 counts as 1.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::FixedWindowLimiter;
    ///
    /// let mut limiter = FixedWindowLimiter::new(0, 1_000);
    /// assert!(!limiter.allow("anyone", 0)); // a limit of 0 admits nothing
    /// ```
    pub fn new(limit: u32, window_ms: u64) -> Self {
        FixedWindowLimiter {
            limit,
            window_ms: window_ms.max(1),
            clients: HashMap::new(),
        }
    }

    /// Returns `true` and counts the request if `client` has made fewer than `limit` admitted requests
    /// in the window containing `now_ms`; returns `false` otherwise.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::FixedWindowLimiter;
    ///
    /// let mut limiter = FixedWindowLimiter::new(1, 100);
    /// assert!(limiter.allow("a", 50));
    /// assert!(!limiter.allow("a", 99));
    /// assert!(limiter.allow("b", 99)); // clients are counted separately
    /// ```
    pub fn allow(&mut self, client: &str, now_ms: u64) -> bool {
        if self.limit == 0 {
            return false;
        }
        let index = now_ms / self.window_ms;
        match self.clients.get_mut(client) {
            Some(window) => window.admit(index, self.limit),
            None => {
                self.clients
                    .insert(client.to_owned(), Window { index, count: 1 });
                true
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Stage 2: sliding window
// ---------------------------------------------------------------------------------------------

/// Limits each client to `limit` admitted requests in any span of `window_ms` milliseconds.
///
/// A request at `now_ms` is admitted when fewer than `limit` of the client's earlier admissions happened
/// at a time `t` with `now_ms - t < window_ms`. Rejected requests are not recorded, so a client keeps at
/// most `limit` timestamps.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::SlidingWindowLimiter;
///
/// let mut limiter = SlidingWindowLimiter::new(2, 1_000);
/// assert!(limiter.allow("alice", 900));
/// assert!(limiter.allow("alice", 950));
/// assert!(!limiter.allow("alice", 1_000)); // no fresh burst at the boundary
/// assert!(limiter.allow("alice", 1_900)); // the admission at 900 has left the window
/// ```
#[derive(Debug, Clone)]
pub struct SlidingWindowLimiter {
    limit: u32,
    window_ms: u64,
    logs: HashMap<String, VecDeque<u64>>,
}

impl SlidingWindowLimiter {
    /// Returns a limiter admitting `limit` requests per client in any `window_ms` span; a `window_ms`
    /// of 0 counts as 1.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::SlidingWindowLimiter;
    ///
    /// let mut limiter = SlidingWindowLimiter::new(1, 60_000);
    /// assert!(limiter.allow("bob", 0));
    /// assert!(!limiter.allow("bob", 59_999));
    /// ```
    pub fn new(limit: u32, window_ms: u64) -> Self {
        SlidingWindowLimiter {
            limit,
            window_ms: window_ms.max(1),
            logs: HashMap::new(),
        }
    }

    /// Returns `true` and records the admission if `client` has fewer than `limit` admissions in the
    /// `window_ms` before `now_ms`; returns `false` (and records nothing) otherwise.
    ///
    /// A `now_ms` earlier than the client's latest admission is treated as that latest time.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::SlidingWindowLimiter;
    ///
    /// let mut limiter = SlidingWindowLimiter::new(1, 100);
    /// assert!(limiter.allow("a", 0));
    /// assert!(!limiter.allow("a", 99));
    /// assert!(limiter.allow("a", 100)); // the admission at 0 stops counting at exactly 100
    /// ```
    pub fn allow(&mut self, client: &str, now_ms: u64) -> bool {
        if self.limit == 0 {
            return false;
        }
        let log = match self.logs.get_mut(client) {
            Some(log) => log,
            None => self.logs.entry(client.to_owned()).or_default(),
        };
        let now_ms = log.back().map_or(now_ms, |&last| now_ms.max(last));
        while log.front().is_some_and(|&t| now_ms - t >= self.window_ms) {
            log.pop_front();
        }
        if log.len() < self.limit as usize {
            log.push_back(now_ms);
            true
        } else {
            false
        }
    }

    /// Returns how many admission timestamps the limiter stores for `client` (0 for an unknown client);
    /// never more than `limit`.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::SlidingWindowLimiter;
    ///
    /// let mut limiter = SlidingWindowLimiter::new(2, 1_000);
    /// for t in 0..100 {
    ///     limiter.allow("busy", t);
    /// }
    /// assert_eq!(limiter.log_len("busy"), 2);
    /// assert_eq!(limiter.log_len("nobody"), 0);
    /// ```
    pub fn log_len(&self, client: &str) -> usize {
        self.logs.get(client).map_or(0, VecDeque::len)
    }
}

// ---------------------------------------------------------------------------------------------
// Stage 3: token bucket
// ---------------------------------------------------------------------------------------------

/// A refill rate of `tokens` tokens every `per_ms` milliseconds, so fractional rates are exact.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::Rate;
///
/// let one_every_three_seconds = Rate::new(1, 3_000);
/// assert_eq!(one_every_three_seconds.per_ms, 3_000);
/// assert_eq!(Rate::per_second(5), Rate::new(5, 1_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many tokens are added every `per_ms` milliseconds (0: the bucket never refills).
    pub tokens: u64,
    /// The period in milliseconds over which `tokens` tokens are added (0 counts as 1).
    pub per_ms: u64,
}

impl Rate {
    /// Returns the rate of `tokens` tokens every `per_ms` milliseconds.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::Rate;
    ///
    /// let rate = Rate::new(3, 2_000); // 1.5 tokens per second
    /// assert_eq!((rate.tokens, rate.per_ms), (3, 2_000));
    /// ```
    pub const fn new(tokens: u64, per_ms: u64) -> Self {
        Rate { tokens, per_ms }
    }

    /// Returns the rate of `tokens` tokens per second.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::Rate;
    ///
    /// assert_eq!(Rate::per_second(10), Rate::new(10, 1_000));
    /// ```
    pub const fn per_second(tokens: u64) -> Self {
        Rate::new(tokens, 1_000)
    }
}

/// The answer of a token bucket to one request.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::{Decision, Rate, TokenBucket};
///
/// let mut bucket = TokenBucket::new(3, Rate::per_second(1));
/// let decision = bucket.try_acquire(2, 0).unwrap();
/// assert_eq!(decision, Decision { allowed: true, remaining: 1, retry_after_ms: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request was admitted (and its cost taken from the bucket).
    pub allowed: bool,
    /// The whole tokens left in the bucket after this decision (fractions not counted).
    pub remaining: u64,
    /// 0 when allowed; otherwise the exact wait in milliseconds after which the same request would be
    /// admitted if nothing else is taken meanwhile (`u64::MAX` if the bucket never refills).
    pub retry_after_ms: u64,
}

/// The error of a request whose cost exceeds the bucket's capacity: it could never be admitted.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::{CostExceedsCapacity, Rate, TokenBucket};
///
/// let mut bucket = TokenBucket::new(5, Rate::per_second(1));
/// let err = bucket.try_acquire(6, 0).unwrap_err();
/// assert_eq!(err, CostExceedsCapacity { cost: 6, capacity: 5 });
/// assert_eq!(err.to_string(), "a request costing 6 tokens can never fit a capacity of 5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostExceedsCapacity {
    /// The cost that was asked for.
    pub cost: u64,
    /// The capacity it exceeds.
    pub capacity: u64,
}

impl fmt::Display for CostExceedsCapacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a request costing {} tokens can never fit a capacity of {}",
            self.cost, self.capacity
        )
    }
}

impl std::error::Error for CostExceedsCapacity {}

/// A bucket's capacity and rate in exact integer units: one token is `per_ms` units and every
/// millisecond adds `tokens` units, so no fraction of a token is ever rounded away.
#[derive(Debug, Clone, Copy)]
struct Spec {
    capacity: u64,
    tokens: u64,
    per_ms: u64,
}

/// A bucket's content in units of [`Spec`], as of the instant `at_ms`.
#[derive(Debug, Clone, Copy)]
struct Level {
    units: u128,
    at_ms: u64,
}

impl Spec {
    fn new(capacity: u64, rate: Rate) -> Self {
        Spec {
            capacity,
            tokens: rate.tokens,
            per_ms: rate.per_ms.max(1),
        }
    }

    /// Returns `cost` tokens in units.
    fn units(&self, cost: u64) -> u128 {
        u128::from(cost) * u128::from(self.per_ms)
    }

    /// Returns a full bucket as of `at_ms`.
    fn full(&self, at_ms: u64) -> Level {
        Level {
            units: self.units(self.capacity),
            at_ms,
        }
    }

    /// Adds what accrued between `level.at_ms` and `now_ms`, up to capacity; an earlier `now_ms` adds
    /// nothing and leaves `at_ms` where it is, so a clock going back and forth mints nothing.
    fn refill(&self, level: &mut Level, now_ms: u64) {
        if now_ms > level.at_ms {
            let gained = u128::from(now_ms - level.at_ms) * u128::from(self.tokens);
            level.units = level
                .units
                .saturating_add(gained)
                .min(self.units(self.capacity));
            level.at_ms = now_ms;
        }
    }

    /// Returns the milliseconds until `level` holds `need` units: 0 if it already does, `None` if it
    /// never will.
    fn wait_ms(&self, level: &Level, need: u128) -> Option<u64> {
        if level.units >= need {
            return Some(0);
        }
        if self.tokens == 0 {
            return None;
        }
        let deficit = need - level.units;
        Some(u64::try_from(deficit.div_ceil(u128::from(self.tokens))).unwrap_or(u64::MAX))
    }

    /// Returns the whole tokens in `level`.
    fn whole_tokens(&self, level: &Level) -> u64 {
        u64::try_from(level.units / u128::from(self.per_ms)).unwrap_or(u64::MAX)
    }

    /// Returns the instant `level` is full again, or `None` if it never refills; `at_ms` if already full.
    fn full_at(&self, level: &Level) -> Option<u64> {
        let wait = self.wait_ms(level, self.units(self.capacity))?;
        Some(level.at_ms.saturating_add(wait))
    }
}

/// A token bucket: holds up to `capacity` tokens, refills at a fixed rate, and admits a request when
/// it holds at least the request's cost.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::{Rate, TokenBucket};
///
/// let mut bucket = TokenBucket::new(2, Rate::new(1, 500)); // 2 tokens per second
/// assert!(bucket.try_acquire(2, 0).unwrap().allowed);
/// let refused = bucket.try_acquire(1, 100).unwrap();
/// assert!(!refused.allowed);
/// assert_eq!(refused.retry_after_ms, 400);
/// assert!(bucket.try_acquire(1, 500).unwrap().allowed);
/// ```
#[derive(Debug, Clone)]
pub struct TokenBucket {
    spec: Spec,
    level: Level,
}

impl TokenBucket {
    /// Returns a full bucket of `capacity` tokens refilling at `rate`.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::{Rate, TokenBucket};
    ///
    /// let mut bucket = TokenBucket::new(10, Rate::per_second(1));
    /// assert_eq!(bucket.try_acquire(0, 0).unwrap().remaining, 10);
    /// ```
    pub fn new(capacity: u64, rate: Rate) -> Self {
        let spec = Spec::new(capacity, rate);
        TokenBucket {
            spec,
            level: spec.full(0),
        }
    }

    /// Takes `cost` tokens if the bucket holds them at `now_ms`, and returns the decision; a rejected
    /// request takes nothing.
    ///
    /// # Errors
    ///
    /// [`CostExceedsCapacity`] if `cost` is above the capacity (it could never be admitted); the
    /// bucket is left as it was.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::{Decision, Rate, TokenBucket};
    ///
    /// let mut bucket = TokenBucket::new(1, Rate::new(1, 3_000));
    /// assert!(bucket.try_acquire(1, 0).unwrap().allowed);
    /// let refused = bucket.try_acquire(1, 1_000).unwrap();
    /// assert_eq!(refused, Decision { allowed: false, remaining: 0, retry_after_ms: 2_000 });
    /// assert!(bucket.try_acquire(1, 3_000).unwrap().allowed);
    /// ```
    pub fn try_acquire(&mut self, cost: u64, now_ms: u64) -> Result<Decision, CostExceedsCapacity> {
        if cost > self.spec.capacity {
            return Err(CostExceedsCapacity {
                cost,
                capacity: self.spec.capacity,
            });
        }
        self.spec.refill(&mut self.level, now_ms);
        let need = self.spec.units(cost);
        let wait = self.spec.wait_ms(&self.level, need);
        let allowed = wait == Some(0);
        if allowed {
            self.level.units -= need;
        }
        Ok(Decision {
            allowed,
            remaining: self.spec.whole_tokens(&self.level),
            retry_after_ms: wait.unwrap_or(u64::MAX),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Stage 4: hierarchical
// ---------------------------------------------------------------------------------------------

/// Which limit turned a request away.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::Gate;
///
/// assert_ne!(Gate::User, Gate::Global);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// The requesting user's own bucket.
    User,
    /// The bucket shared by all users.
    Global,
}

/// The answer of a [`HierarchicalLimiter`] to one request.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::{Gate, HierarchicalLimiter, Rate, Verdict};
///
/// let mut limiter = HierarchicalLimiter::new(1, Rate::per_second(1), 10, Rate::per_second(10));
/// assert_eq!(limiter.try_acquire("ann", 1, 0), Ok(Verdict::Allowed));
/// assert_eq!(
///     limiter.try_acquire("ann", 1, 0),
///     Ok(Verdict::Rejected { by: Gate::User, retry_after_ms: 1_000 })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Admitted: the cost was taken from the user's bucket and from the global one.
    Allowed,
    /// Turned away; nothing was taken from either bucket.
    Rejected {
        /// The gate that refused: [`Gate::User`] whenever the user's bucket is short, else [`Gate::Global`].
        by: Gate,
        /// The exact wait after which both buckets would admit the same request if nothing else is
        /// taken meanwhile (`u64::MAX` if that never happens).
        retry_after_ms: u64,
    },
}

/// A user's bucket that is not full, and the instant it will be (`None`: never).
#[derive(Debug, Clone, Copy)]
struct UserBucket {
    level: Level,
    full_at: Option<u64>,
}

/// Admits a request only when both the user's own token bucket and one global bucket hold its cost,
/// and takes it from both; forgets users whose bucket has refilled, so memory follows active users.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::{Gate, HierarchicalLimiter, Rate, Verdict};
///
/// let mut limiter = HierarchicalLimiter::new(5, Rate::per_second(1), 6, Rate::per_second(1));
/// assert_eq!(limiter.try_acquire("ann", 5, 0), Ok(Verdict::Allowed));
/// assert_eq!(
///     limiter.try_acquire("bob", 2, 0),
///     Ok(Verdict::Rejected { by: Gate::Global, retry_after_ms: 1_000 })
/// );
/// assert_eq!(limiter.tracked_users(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct HierarchicalLimiter {
    user: Spec,
    global: Spec,
    global_level: Level,
    users: HashMap<Arc<str>, UserBucket>,
    /// Users that will refill, ordered by the instant their bucket is full again.
    refills: BTreeSet<(u64, Arc<str>)>,
    latest_ms: u64,
}

impl HierarchicalLimiter {
    /// Returns a limiter giving every user a full bucket of `user_capacity` tokens refilling at
    /// `user_rate`, all of them also drawing on one global bucket of `global_capacity` at `global_rate`.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::{HierarchicalLimiter, Rate};
    ///
    /// let limiter = HierarchicalLimiter::new(10, Rate::per_second(1), 100, Rate::per_second(20));
    /// assert_eq!(limiter.tracked_users(), 0);
    /// ```
    pub fn new(
        user_capacity: u64,
        user_rate: Rate,
        global_capacity: u64,
        global_rate: Rate,
    ) -> Self {
        let global = Spec::new(global_capacity, global_rate);
        HierarchicalLimiter {
            user: Spec::new(user_capacity, user_rate),
            global,
            global_level: global.full(0),
            users: HashMap::new(),
            refills: BTreeSet::new(),
            latest_ms: 0,
        }
    }

    /// Admits `user`'s request of `cost` tokens at `now_ms` if both the user's bucket and the global
    /// one hold `cost`, taking it from both; otherwise takes nothing and reports which gate refused.
    ///
    /// # Errors
    ///
    /// [`CostExceedsCapacity`] (with the smaller of the two capacities) if `cost` exceeds either
    /// capacity; nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::{Gate, HierarchicalLimiter, Rate, Verdict};
    ///
    /// let mut limiter = HierarchicalLimiter::new(2, Rate::per_second(1), 3, Rate::per_second(1));
    /// assert_eq!(limiter.try_acquire("ann", 2, 0), Ok(Verdict::Allowed));
    /// assert_eq!(
    ///     limiter.try_acquire("ann", 1, 0),
    ///     Ok(Verdict::Rejected { by: Gate::User, retry_after_ms: 1_000 })
    /// );
    /// assert!(limiter.try_acquire("ann", 3, 0).is_err());
    /// ```
    pub fn try_acquire(
        &mut self,
        user: &str,
        cost: u64,
        now_ms: u64,
    ) -> Result<Verdict, CostExceedsCapacity> {
        let capacity = self.user.capacity.min(self.global.capacity);
        if cost > capacity {
            return Err(CostExceedsCapacity { cost, capacity });
        }
        // An earlier instant than one already seen is treated as that one: time never runs back.
        let now_ms = self.latest_ms.max(now_ms);
        self.latest_ms = now_ms;
        self.forget_full_users();

        let mut level = self
            .users
            .get(user)
            .map_or_else(|| self.user.full(now_ms), |bucket| bucket.level);
        self.user.refill(&mut level, now_ms);
        self.global.refill(&mut self.global_level, now_ms);

        let user_need = self.user.units(cost);
        let global_need = self.global.units(cost);
        let user_wait = self.user.wait_ms(&level, user_need);
        let global_wait = self.global.wait_ms(&self.global_level, global_need);
        // Both gates are consulted before either is charged: a refusal by one costs nothing at the other.
        if user_wait != Some(0) {
            return Ok(Verdict::Rejected {
                by: Gate::User,
                retry_after_ms: wait_for_both(user_wait, global_wait),
            });
        }
        if global_wait != Some(0) {
            return Ok(Verdict::Rejected {
                by: Gate::Global,
                retry_after_ms: wait_for_both(user_wait, global_wait),
            });
        }
        level.units -= user_need;
        self.global_level.units -= global_need;
        self.store(user, level);
        Ok(Verdict::Allowed)
    }

    /// Returns how many users the limiter keeps state for: those whose bucket is not yet full again
    /// as of the latest `now_ms` it was given.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::{HierarchicalLimiter, Rate};
    ///
    /// let mut limiter = HierarchicalLimiter::new(1, Rate::per_second(1), 100, Rate::per_second(100));
    /// limiter.try_acquire("ann", 1, 0).unwrap();
    /// assert_eq!(limiter.tracked_users(), 1);
    /// limiter.try_acquire("bob", 0, 1_000).unwrap(); // ann's bucket is full again at 1000
    /// assert_eq!(limiter.tracked_users(), 0);
    /// ```
    pub fn tracked_users(&self) -> usize {
        self.users.len()
    }

    /// Drops every user whose bucket is full again by `latest_ms`: it is indistinguishable from a new one.
    fn forget_full_users(&mut self) {
        while self
            .refills
            .first()
            .is_some_and(|(at, _)| *at <= self.latest_ms)
        {
            if let Some((_, name)) = self.refills.pop_first() {
                self.users.remove(&name);
            }
        }
    }

    /// Records `user`'s new bucket level and when it will be full again.
    fn store(&mut self, user: &str, level: Level) {
        let key = match self.users.remove_entry(user) {
            Some((key, old)) => {
                if let Some(at) = old.full_at {
                    self.refills.remove(&(at, Arc::clone(&key)));
                }
                key
            }
            None => Arc::from(user),
        };
        let full_at = self.user.full_at(&level);
        if full_at.is_some_and(|at| at <= self.latest_ms) {
            return;
        }
        if let Some(at) = full_at {
            self.refills.insert((at, Arc::clone(&key)));
        }
        self.users.insert(key, UserBucket { level, full_at });
    }
}

/// Returns the wait until both gates admit, `u64::MAX` if one never will.
fn wait_for_both(user: Option<u64>, global: Option<u64>) -> u64 {
    match (user, global) {
        (Some(u), Some(g)) => u.max(g),
        _ => u64::MAX,
    }
}

// ---------------------------------------------------------------------------------------------
// Stage 5: concurrent
// ---------------------------------------------------------------------------------------------

/// How many independently locked parts the client table of [`ConcurrentLimiter`] is split into.
const SHARDS: usize = 16;

/// A fixed-window limiter shared by many threads through `&self`: each client's check and count
/// happen under one lock, and clients are spread over several locks so unrelated clients rarely wait.
///
/// # Example
///
/// ```
/// use rate_limiter_solution::ConcurrentLimiter;
/// use std::sync::Arc;
///
/// let limiter = Arc::new(ConcurrentLimiter::new(3, 1_000));
/// let handles: Vec<_> = (0..8)
///     .map(|_| {
///         let limiter = Arc::clone(&limiter);
///         std::thread::spawn(move || limiter.allow("shared", 0))
///     })
///     .collect();
/// let admitted = handles.into_iter().map(|h| h.join().unwrap()).filter(|&ok| ok).count();
/// assert_eq!(admitted, 3);
/// ```
#[derive(Debug)]
pub struct ConcurrentLimiter {
    limit: u32,
    window_ms: u64,
    hasher: RandomState,
    shards: Box<[Mutex<HashMap<String, Window>>]>,
}

impl ConcurrentLimiter {
    /// Returns a limiter admitting `limit` requests per client per aligned window of `window_ms`
    /// milliseconds (0 counts as 1), usable from many threads at once.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::ConcurrentLimiter;
    ///
    /// let limiter = ConcurrentLimiter::new(1, 1_000);
    /// assert!(limiter.allow("a", 0));
    /// assert!(!limiter.allow("a", 1));
    /// ```
    pub fn new(limit: u32, window_ms: u64) -> Self {
        ConcurrentLimiter {
            limit,
            window_ms: window_ms.max(1),
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// Returns `true` and counts the request if `client` has fewer than `limit` admitted requests in
    /// the window containing `now_ms`, with the same rules as [`FixedWindowLimiter::allow`]; the check
    /// and the count are one atomic step, whatever other threads do.
    ///
    /// # Example
    ///
    /// ```
    /// use rate_limiter_solution::ConcurrentLimiter;
    ///
    /// let limiter = ConcurrentLimiter::new(2, 100);
    /// assert!(limiter.allow("a", 0));
    /// assert!(limiter.allow("a", 0));
    /// assert!(!limiter.allow("a", 99));
    /// assert!(limiter.allow("a", 100));
    /// ```
    pub fn allow(&self, client: &str, now_ms: u64) -> bool {
        if self.limit == 0 {
            return false;
        }
        let index = now_ms / self.window_ms;
        let mut clients = self.shard(client);
        match clients.get_mut(client) {
            Some(window) => window.admit(index, self.limit),
            None => {
                clients.insert(client.to_owned(), Window { index, count: 1 });
                true
            }
        }
    }

    /// Locks and returns the part of the client table that holds `client`.
    fn shard(&self, client: &str) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        let slot = self.hasher.hash_one(client) as usize % SHARDS;
        // A panic elsewhere cannot leave a window half-updated, so a poisoned lock is still consistent.
        self.shards[slot]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
