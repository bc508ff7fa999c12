//! A task scheduler: a dependency graph planned by priority, cycle reports, retries with capped backoff on injected time, a worker pool with cancellation, and an aging ready queue.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{self, AtomicBool};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The identifier of a task, chosen by the caller.
pub type TaskId = u64;

/// How often an idle worker of [`Scheduler::run`] looks at its cancel token.
const CANCEL_POLL: Duration = Duration::from_millis(5);

/// Why [`Scheduler::add_task`] or a stepping call refused a request.
///
/// # Example
///
/// ```
/// use scheduler_solution::{ScheduleError, Scheduler};
///
/// let mut s = Scheduler::new();
/// s.add_task(1, 0, &[]).unwrap();
/// assert_eq!(s.add_task(1, 5, &[]), Err(ScheduleError::DuplicateTask(1)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    /// A task with this id already exists.
    DuplicateTask(TaskId),
    /// No task has this id.
    UnknownTask(TaskId),
    /// The task is not running, so it cannot complete or fail.
    NotRunning(TaskId),
    /// Tasks cannot be added once stepping has begun.
    Started,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::DuplicateTask(id) => write!(f, "task {id} already exists"),
            ScheduleError::UnknownTask(id) => write!(f, "no task {id}"),
            ScheduleError::NotRunning(id) => write!(f, "task {id} is not running"),
            ScheduleError::Started => write!(f, "tasks cannot be added once the run has started"),
        }
    }
}

impl std::error::Error for ScheduleError {}

/// Why [`Scheduler::plan`] cannot order the tasks.
///
/// # Example
///
/// ```
/// use scheduler_solution::{PlanError, Scheduler};
///
/// let mut s = Scheduler::new();
/// s.add_task(1, 0, &[2]).unwrap();
/// s.add_task(2, 0, &[1]).unwrap();
/// assert_eq!(s.plan(), Err(PlanError::Cycle(vec![1, 2, 1])));
/// assert_eq!(s.plan().unwrap_err().to_string(), "dependency cycle: 1 → 2 → 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// `task` depends on `dependency`, which was never added.
    UnknownDependency {
        /// The task naming the missing dependency.
        task: TaskId,
        /// The id no task has.
        dependency: TaskId,
    },
    /// The tasks depend on each other in a loop: each one depends on the next, and the last id
    /// repeats the first (`[a, b, c, a]`; a self-dependency is `[a, a]`).
    Cycle(Vec<TaskId>),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::UnknownDependency { task, dependency } => {
                write!(f, "task {task} depends on unknown task {dependency}")
            }
            PlanError::Cycle(path) => {
                f.write_str("dependency cycle: ")?;
                for (i, id) in path.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" → ")?;
                    }
                    write!(f, "{id}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// How often a task is attempted and how long it waits between attempts.
///
/// After the k-th failed attempt the task waits `min(max_delay_ms, base_delay_ms × 2^(k-1))`
/// milliseconds from the instant of that failure.
///
/// # Example
///
/// ```
/// use scheduler_solution::RetryPolicy;
///
/// let policy = RetryPolicy { max_attempts: 5, base_delay_ms: 100, max_delay_ms: 300 };
/// assert_eq!(policy.delay_after(1), 100);
/// assert_eq!(policy.delay_after(2), 200);
/// assert_eq!(policy.delay_after(3), 300);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most attempts, the first included (0 behaves like 1).
    pub max_attempts: u32,
    /// The wait after the first failure, in milliseconds.
    pub base_delay_ms: u64,
    /// The longest wait between two attempts, in milliseconds.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    /// Returns the policy of a task nobody configured: one attempt, no retry.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 1,
            base_delay_ms: 0,
            max_delay_ms: 0,
        }
    }
}

impl RetryPolicy {
    /// Returns the wait, in milliseconds, after the `failures`-th failed attempt (1 for the first).
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::RetryPolicy;
    ///
    /// let policy = RetryPolicy { max_attempts: 100, base_delay_ms: 1_000, max_delay_ms: 60_000 };
    /// assert_eq!(policy.delay_after(99), 60_000);
    /// ```
    pub fn delay_after(&self, failures: u32) -> u64 {
        let factor = 1u64
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u64::MAX);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }
}

/// Where a task stands, as reported by [`Scheduler::summary`] and [`Scheduler::run`].
///
/// # Example
///
/// ```
/// use scheduler_solution::{Scheduler, TaskState};
///
/// let mut s = Scheduler::new();
/// s.add_task(1, 0, &[]).unwrap();
/// assert_eq!(s.summary()[&1], TaskState::Pending);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Not finished and not running: waiting for dependencies, ready, or waiting to retry.
    Pending,
    /// An attempt is running; `attempt` counts from 1.
    Running {
        /// The attempt in progress.
        attempt: u32,
    },
    /// The task succeeded on its `attempts`-th attempt.
    Succeeded {
        /// Attempts made, the successful one included.
        attempts: u32,
    },
    /// Every allowed attempt failed.
    Failed {
        /// Attempts made.
        attempts: u32,
    },
    /// The task never ran because `because`, one of its direct or indirect dependencies, failed.
    Skipped {
        /// The task whose failure caused the skip.
        because: TaskId,
    },
}

/// A flag that asks [`Scheduler::run`] to stop starting tasks; clones share the flag.
///
/// # Example
///
/// ```
/// use scheduler_solution::CancelToken;
///
/// let token = CancelToken::new();
/// let remote = token.clone();
/// remote.cancel();
/// assert!(token.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// Returns a token that is not cancelled.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!scheduler_solution::CancelToken::new().is_cancelled());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every run watching this token (and its clones); it stays cancelled.
    ///
    /// # Example
    ///
    /// ```
    /// let token = scheduler_solution::CancelToken::new();
    /// token.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.0.store(true, atomic::Ordering::SeqCst);
    }

    /// Returns whether [`CancelToken::cancel`] was called on this token or a clone.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!scheduler_solution::CancelToken::default().is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.0.load(atomic::Ordering::SeqCst)
    }
}

/// One task as added.
#[derive(Debug)]
struct Task {
    id: TaskId,
    priority: u32,
    deps: Vec<TaskId>,
    policy: RetryPolicy,
}

/// Where a task stands while stepping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Some dependency has not succeeded yet.
    Waiting,
    /// In the ready heap.
    Ready,
    /// In the retry heap, until its retry instant.
    Backoff,
    Running,
    Succeeded,
    Failed,
    Skipped(TaskId),
}

/// A ready task, ordered so that the heap's top is the highest priority, then the lowest id.
type ReadyKey = (u32, Reverse<TaskId>, usize);

/// The state of a stepped run, built from the tasks on the first stepping call.
#[derive(Debug)]
struct Stepper {
    /// For each task, the tasks that depend on it (each once).
    dependents: Vec<Vec<usize>>,
    /// For each task, how many distinct dependencies have not succeeded (unknown ones never do).
    unmet: Vec<usize>,
    status: Vec<Status>,
    attempts: Vec<u32>,
    ready: BinaryHeap<ReadyKey>,
    /// Tasks waiting to retry, earliest retry instant on top.
    backoff: BinaryHeap<Reverse<(u64, usize)>>,
    running: usize,
}

impl Stepper {
    fn new(tasks: &[Task], index: &HashMap<TaskId, usize>) -> Self {
        let n = tasks.len();
        let mut dependents = vec![Vec::new(); n];
        let mut unmet = vec![0; n];
        for (i, task) in tasks.iter().enumerate() {
            let (known, unknown) = distinct_deps(task, index);
            unmet[i] = known.len() + usize::from(unknown);
            for d in known {
                dependents[d].push(i);
            }
        }
        let mut ready = BinaryHeap::new();
        let mut status = vec![Status::Waiting; n];
        for (i, task) in tasks.iter().enumerate() {
            if unmet[i] == 0 {
                status[i] = Status::Ready;
                ready.push((task.priority, Reverse(task.id), i));
            }
        }
        Stepper {
            dependents,
            unmet,
            status,
            attempts: vec![0; n],
            ready,
            backoff: BinaryHeap::new(),
            running: 0,
        }
    }

    /// Returns whether nothing is running, ready or waiting to retry: no task can start any more.
    fn is_idle(&self) -> bool {
        self.running == 0 && self.ready.is_empty() && self.backoff.is_empty()
    }

    /// Returns the earliest retry instant of a task in backoff.
    fn next_retry(&self) -> Option<u64> {
        self.backoff.peek().map(|Reverse((at, _))| *at)
    }
}

/// Returns the distinct indices of `task`'s known dependencies, and whether it names an unknown one.
fn distinct_deps(task: &Task, index: &HashMap<TaskId, usize>) -> (Vec<usize>, bool) {
    let mut unknown = false;
    let mut known: Vec<usize> = task
        .deps
        .iter()
        .filter_map(|dep| {
            let found = index.get(dep).copied();
            unknown |= found.is_none();
            found
        })
        .collect();
    known.sort_unstable();
    known.dedup();
    (known, unknown)
}

/// A dependency graph of prioritised tasks: planned in one go, stepped on injected time, or run
/// by a pool of worker threads.
///
/// # Example
///
/// ```
/// use scheduler_solution::Scheduler;
///
/// let mut s = Scheduler::new();
/// s.add_task(1, 0, &[]).unwrap();
/// s.add_task(2, 9, &[]).unwrap();
/// s.add_task(3, 5, &[1]).unwrap();
/// assert_eq!(s.plan(), Ok(vec![2, 1, 3]));
/// ```
#[derive(Debug, Default)]
pub struct Scheduler {
    tasks: Vec<Task>,
    index: HashMap<TaskId, usize>,
    stepper: Option<Stepper>,
}

impl Scheduler {
    /// Returns a scheduler without tasks.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(scheduler_solution::Scheduler::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the number of tasks added.
    ///
    /// # Example
    ///
    /// ```
    /// let mut s = scheduler_solution::Scheduler::new();
    /// s.add_task(7, 1, &[8]).unwrap();
    /// assert_eq!(s.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Returns `true` when no task was added.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(scheduler_solution::Scheduler::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Adds task `id` with `priority` (higher runs first) that runs only after every task in `deps`.
    ///
    /// Dependencies may name tasks added later; [`Scheduler::plan`] reports any that never appear.
    /// Fails with [`ScheduleError::DuplicateTask`] if `id` exists (the first one is kept), and with
    /// [`ScheduleError::Started`] once stepping has begun.
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{ScheduleError, Scheduler};
    ///
    /// let mut s = Scheduler::new();
    /// assert_eq!(s.add_task(2, 0, &[1]), Ok(()));
    /// assert_eq!(s.add_task(2, 0, &[]), Err(ScheduleError::DuplicateTask(2)));
    /// ```
    pub fn add_task(
        &mut self,
        id: TaskId,
        priority: u32,
        deps: &[TaskId],
    ) -> Result<(), ScheduleError> {
        if self.stepper.is_some() {
            return Err(ScheduleError::Started);
        }
        if self.index.contains_key(&id) {
            return Err(ScheduleError::DuplicateTask(id));
        }
        self.index.insert(id, self.tasks.len());
        self.tasks.push(Task {
            id,
            priority,
            deps: deps.to_vec(),
            policy: RetryPolicy::default(),
        });
        Ok(())
    }

    /// Returns every task once, each after all its dependencies; whenever several tasks are ready,
    /// the highest priority goes first, then the lowest id. Costs O((V + E) log V), without recursion.
    ///
    /// Fails with [`PlanError::UnknownDependency`] when a dependency was never added (checked
    /// first), and with [`PlanError::Cycle`] naming one real cycle when tasks depend on each other
    /// in a loop.
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{PlanError, Scheduler};
    ///
    /// let mut s = Scheduler::new();
    /// s.add_task(1, 0, &[3]).unwrap();
    /// assert_eq!(s.plan(), Err(PlanError::UnknownDependency { task: 1, dependency: 3 }));
    /// ```
    pub fn plan(&self) -> Result<Vec<TaskId>, PlanError> {
        let n = self.tasks.len();
        let mut dependents = vec![Vec::new(); n];
        let mut unmet = vec![0usize; n];
        for (i, task) in self.tasks.iter().enumerate() {
            if let Some(&dependency) = task.deps.iter().find(|d| !self.index.contains_key(d)) {
                return Err(PlanError::UnknownDependency {
                    task: task.id,
                    dependency,
                });
            }
            let (known, _) = distinct_deps(task, &self.index);
            unmet[i] = known.len();
            for d in known {
                dependents[d].push(i);
            }
        }
        let mut ready: BinaryHeap<ReadyKey> = self
            .tasks
            .iter()
            .enumerate()
            .filter(|(i, _)| unmet[*i] == 0)
            .map(|(i, t)| (t.priority, Reverse(t.id), i))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some((_, Reverse(id), i)) = ready.pop() {
            order.push(id);
            for &d in &dependents[i] {
                unmet[d] -= 1;
                if unmet[d] == 0 {
                    let t = &self.tasks[d];
                    ready.push((t.priority, Reverse(t.id), d));
                }
            }
        }
        if order.len() < n {
            return Err(PlanError::Cycle(self.find_cycle(&unmet)));
        }
        Ok(order)
    }

    /// Returns one cycle among the tasks left with unmet dependencies after planning.
    ///
    /// Every such task waits on another such task, so walking "an unmet dependency" from any of
    /// them must come back to a task already on the walk; the walk from that task on is a cycle.
    /// Each task is entered at most once, so this costs O(V + E).
    fn find_cycle(&self, unmet: &[usize]) -> Vec<TaskId> {
        let mut on_walk = vec![usize::MAX; self.tasks.len()];
        let mut walk: Vec<usize> = Vec::new();
        let Some(mut at) = unmet.iter().position(|&u| u > 0) else {
            return Vec::new();
        };
        while on_walk[at] == usize::MAX {
            on_walk[at] = walk.len();
            walk.push(at);
            let next = self.tasks[at]
                .deps
                .iter()
                .filter_map(|d| self.index.get(d).copied())
                .find(|&d| unmet[d] > 0);
            match next {
                Some(d) => at = d,
                None => return Vec::new(),
            }
        }
        let mut cycle: Vec<TaskId> = walk[on_walk[at]..]
            .iter()
            .map(|&i| self.tasks[i].id)
            .collect();
        cycle.push(self.tasks[at].id);
        cycle
    }

    /// Sets how often task `id` is attempted and how long it waits between attempts (tasks
    /// start with [`RetryPolicy::default`]: one attempt).
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{RetryPolicy, ScheduleError, Scheduler};
    ///
    /// let mut s = Scheduler::new();
    /// let policy = RetryPolicy { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 100 };
    /// assert_eq!(s.set_retry(4, policy), Err(ScheduleError::UnknownTask(4)));
    /// ```
    pub fn set_retry(&mut self, id: TaskId, policy: RetryPolicy) -> Result<(), ScheduleError> {
        let i = self.position(id)?;
        self.tasks[i].policy = policy;
        Ok(())
    }

    fn position(&self, id: TaskId) -> Result<usize, ScheduleError> {
        self.index
            .get(&id)
            .copied()
            .ok_or(ScheduleError::UnknownTask(id))
    }

    /// Returns the stepping state, building it on the first call.
    fn stepper(&mut self) -> &mut Stepper {
        self.parts().1
    }

    /// Returns the tasks and the stepping state (built on the first call), borrowed apart.
    fn parts(&mut self) -> (&[Task], &mut Stepper) {
        let (tasks, index) = (&self.tasks, &self.index);
        let st = self
            .stepper
            .get_or_insert_with(|| Stepper::new(tasks, index));
        (tasks, st)
    }

    /// Starts the next task due at `now`: the ready task (all dependencies succeeded, any retry
    /// wait over) with the highest priority, then the lowest id. Marks it running and returns it,
    /// or `None` if no task is due. Costs O(log V).
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::Scheduler;
    ///
    /// let mut s = Scheduler::new();
    /// s.add_task(1, 0, &[]).unwrap();
    /// s.add_task(2, 0, &[1]).unwrap();
    /// assert_eq!(s.next_ready(0), Some(1));
    /// assert_eq!(s.next_ready(0), None); // 2 waits for 1
    /// s.complete(1).unwrap();
    /// assert_eq!(s.next_ready(0), Some(2));
    /// ```
    pub fn next_ready(&mut self, now: u64) -> Option<TaskId> {
        self.start_next(now).map(|(id, _)| id)
    }

    /// Like [`Scheduler::next_ready`], also returning the attempt number it starts.
    fn start_next(&mut self, now: u64) -> Option<(TaskId, u32)> {
        let (tasks, st) = self.parts();
        while let Some(&Reverse((at, i))) = st.backoff.peek() {
            if at > now {
                break;
            }
            st.backoff.pop();
            st.status[i] = Status::Ready;
            st.ready.push((tasks[i].priority, Reverse(tasks[i].id), i));
        }
        let (_, Reverse(id), i) = st.ready.pop()?;
        st.status[i] = Status::Running;
        st.attempts[i] += 1;
        st.running += 1;
        Some((id, st.attempts[i]))
    }

    /// Returns the index of running task `id`, or why it is not running.
    fn running_task(&mut self, id: TaskId) -> Result<usize, ScheduleError> {
        let i = self.position(id)?;
        let running = self.stepper.as_ref().map(|st| st.status[i]);
        if running == Some(Status::Running) {
            Ok(i)
        } else {
            Err(ScheduleError::NotRunning(id))
        }
    }

    /// Records that running task `id` succeeded; dependents whose dependencies have all succeeded
    /// become ready.
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{ScheduleError, Scheduler, TaskState};
    ///
    /// let mut s = Scheduler::new();
    /// s.add_task(1, 0, &[]).unwrap();
    /// assert_eq!(s.complete(1), Err(ScheduleError::NotRunning(1)));
    /// s.next_ready(0);
    /// s.complete(1).unwrap();
    /// assert_eq!(s.summary()[&1], TaskState::Succeeded { attempts: 1 });
    /// ```
    pub fn complete(&mut self, id: TaskId) -> Result<(), ScheduleError> {
        let i = self.running_task(id)?;
        let (tasks, st) = self.parts();
        st.status[i] = Status::Succeeded;
        st.running -= 1;
        for k in 0..st.dependents[i].len() {
            let d = st.dependents[i][k];
            st.unmet[d] -= 1;
            if st.unmet[d] == 0 && st.status[d] == Status::Waiting {
                st.status[d] = Status::Ready;
                st.ready.push((tasks[d].priority, Reverse(tasks[d].id), d));
            }
        }
        Ok(())
    }

    /// Records that running task `id` failed at `now`. With attempts left it becomes due again at
    /// `now` plus its backoff; otherwise it fails for good and every task depending on it, directly
    /// or not, is skipped naming it.
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{Scheduler, TaskState};
    ///
    /// let mut s = Scheduler::new();
    /// s.add_task(1, 0, &[]).unwrap();
    /// s.add_task(2, 0, &[1]).unwrap();
    /// s.add_task(3, 0, &[2]).unwrap();
    /// s.next_ready(0);
    /// s.fail(1, 5).unwrap();
    /// assert_eq!(s.summary()[&3], TaskState::Skipped { because: 1 });
    /// ```
    pub fn fail(&mut self, id: TaskId, now: u64) -> Result<(), ScheduleError> {
        let i = self.running_task(id)?;
        let (tasks, st) = self.parts();
        let policy = tasks[i].policy;
        st.running -= 1;
        let attempts = st.attempts[i];
        if attempts < policy.max_attempts {
            let at = now.saturating_add(policy.delay_after(attempts));
            st.status[i] = Status::Backoff;
            st.backoff.push(Reverse((at, i)));
            return Ok(());
        }
        st.status[i] = Status::Failed;
        let mut stack = vec![i];
        while let Some(t) = stack.pop() {
            for k in 0..st.dependents[t].len() {
                let d = st.dependents[t][k];
                if st.status[d] == Status::Waiting {
                    st.status[d] = Status::Skipped(tasks[i].id);
                    stack.push(d);
                }
            }
        }
        Ok(())
    }

    /// Returns every task's state, by id.
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{Scheduler, TaskState};
    ///
    /// let mut s = Scheduler::new();
    /// s.add_task(1, 0, &[]).unwrap();
    /// s.next_ready(0);
    /// assert_eq!(s.summary()[&1], TaskState::Running { attempt: 1 });
    /// ```
    pub fn summary(&self) -> BTreeMap<TaskId, TaskState> {
        self.tasks
            .iter()
            .enumerate()
            .map(|(i, task)| {
                let state = match &self.stepper {
                    None => TaskState::Pending,
                    Some(st) => {
                        let attempts = st.attempts[i];
                        match st.status[i] {
                            Status::Waiting | Status::Ready | Status::Backoff => TaskState::Pending,
                            Status::Running => TaskState::Running { attempt: attempts },
                            Status::Succeeded => TaskState::Succeeded { attempts },
                            Status::Failed => TaskState::Failed { attempts },
                            Status::Skipped(because) => TaskState::Skipped { because },
                        }
                    }
                };
                (task.id, state)
            })
            .collect()
    }

    /// Runs the tasks on `workers` threads, calling `task(id, attempt)` for each attempt (attempts
    /// count from 1); `Err` or a panic is a failed attempt, retried by the task's policy on the
    /// real clock (milliseconds since `run` began). At most `workers` attempts run at once, a task
    /// starts only after its dependencies succeeded, and no thread outlives the call.
    ///
    /// Returns the summary once no task can start any more, or, once `cancel` is cancelled, as
    /// soon as the attempts already running have finished: unstarted tasks stay
    /// [`TaskState::Pending`].
    ///
    /// # Example
    ///
    /// ```
    /// use scheduler_solution::{CancelToken, Scheduler, TaskState};
    ///
    /// let mut s = Scheduler::new();
    /// s.add_task(1, 0, &[]).unwrap();
    /// s.add_task(2, 0, &[1]).unwrap();
    /// let summary = s.run(2, &CancelToken::new(), |id, _attempt| {
    ///     if id == 1 { Err("disk full".to_string()) } else { Ok(()) }
    /// });
    /// assert_eq!(summary[&1], TaskState::Failed { attempts: 1 });
    /// assert_eq!(summary[&2], TaskState::Skipped { because: 1 });
    /// ```
    pub fn run<F>(
        &mut self,
        workers: usize,
        cancel: &CancelToken,
        task: F,
    ) -> BTreeMap<TaskId, TaskState>
    where
        F: Fn(TaskId, u32) -> Result<(), String> + Sync,
    {
        self.stepper();
        let began = Instant::now();
        let shared = Mutex::new(&mut *self);
        let wake = Condvar::new();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| work(&shared, &wake, cancel, &task, began));
            }
        });
        self.summary()
    }
}

/// Returns the milliseconds elapsed since `began`.
fn millis_since(began: Instant) -> u64 {
    u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn lock<'a, T>(mutex: &'a Mutex<T>) -> MutexGuard<'a, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One worker of [`Scheduler::run`]: starts due tasks until none can start any more or the run
/// is cancelled. The lock is never held while a task runs.
fn work<F>(
    shared: &Mutex<&mut Scheduler>,
    wake: &Condvar,
    cancel: &CancelToken,
    task: &F,
    began: Instant,
) where
    F: Fn(TaskId, u32) -> Result<(), String> + Sync,
{
    let mut guard = lock(shared);
    while !cancel.is_cancelled() {
        if let Some((id, attempt)) = guard.start_next(millis_since(began)) {
            drop(guard);
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| task(id, attempt)));
            guard = lock(shared);
            // The task is running (this worker started it), so neither call can fail.
            let _ = match outcome {
                Ok(Ok(())) => guard.complete(id),
                _ => guard.fail(id, millis_since(began)),
            };
            wake.notify_all();
            continue;
        }
        let st = guard.stepper();
        if st.is_idle() {
            break;
        }
        let mut pause = CANCEL_POLL;
        if let Some(at) = st.next_retry() {
            let due_in = Duration::from_millis(at.saturating_sub(millis_since(began)));
            pause = pause.min(due_in.max(Duration::from_millis(1)));
        }
        guard = wake
            .wait_timeout(guard, pause)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    wake.notify_all();
}

/// One queued item with its ordering key.
#[derive(Debug)]
struct Aging<T> {
    /// `priority × aging_ms − pushed_at`: larger means a higher effective priority at any instant.
    key: i128,
    /// Push order, for ties.
    seq: u64,
    item: T,
}

impl<T> PartialEq for Aging<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T> Eq for Aging<T> {}

impl<T> PartialOrd for Aging<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Aging<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .cmp(&other.key)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A ready queue whose items gain one priority level per `aging_ms` milliseconds of waiting, so a
/// steady stream of high-priority work cannot starve a low-priority item.
///
/// The effective priority at `now` of an item pushed at `t` is `priority + (now − t) / aging_ms`
/// (exactly, not rounded). Comparing two items at any instant is the same as comparing
/// `priority × aging_ms − t`, which never changes while they wait, so one binary heap keyed on it
/// serves every instant: push and pop cost O(log n), with no re-sorting.
///
/// # Example
///
/// ```
/// use scheduler_solution::AgingQueue;
///
/// let mut q = AgingQueue::new(10);
/// q.push("report", 1, 0);   // waits from t = 0
/// q.push("deploy", 3, 25);  // priority 3 at t = 25; "report" has aged to 3.5 by then
/// assert_eq!(q.pop(), Some("report"));
/// assert_eq!(q.pop(), Some("deploy"));
/// ```
#[derive(Debug)]
pub struct AgingQueue<T> {
    heap: BinaryHeap<Aging<T>>,
    aging_ms: u64,
    pushed: u64,
}

impl<T> AgingQueue<T> {
    /// Returns an empty queue in which waiting `aging_ms` milliseconds is worth one priority
    /// level; 0 turns aging off (plain priority, ties by arrival).
    ///
    /// # Example
    ///
    /// ```
    /// let q = scheduler_solution::AgingQueue::<u64>::new(50);
    /// assert!(q.is_empty());
    /// ```
    pub fn new(aging_ms: u64) -> Self {
        AgingQueue {
            heap: BinaryHeap::new(),
            aging_ms,
            pushed: 0,
        }
    }

    /// Returns the number of queued items.
    ///
    /// # Example
    ///
    /// ```
    /// let mut q = scheduler_solution::AgingQueue::new(5);
    /// q.push('a', 0, 0);
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Returns `true` when no item is queued.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(scheduler_solution::AgingQueue::<()>::new(5).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Queues `item` with `priority` (higher first), waiting from `now`. Costs O(log n).
    ///
    /// # Example
    ///
    /// ```
    /// let mut q = scheduler_solution::AgingQueue::new(0);
    /// q.push("low", 1, 0);
    /// q.push("high", 2, 1_000);
    /// assert_eq!(q.pop(), Some("high")); // aging is off
    /// ```
    pub fn push(&mut self, item: T, priority: u32, now: u64) {
        let key = if self.aging_ms == 0 {
            i128::from(priority)
        } else {
            i128::from(priority) * i128::from(self.aging_ms) - i128::from(now)
        };
        self.heap.push(Aging {
            key,
            seq: self.pushed,
            item,
        });
        self.pushed += 1;
    }

    /// Removes and returns the item with the highest effective priority, the earliest pushed among
    /// equals, or `None` when empty. Costs O(log n).
    ///
    /// # Example
    ///
    /// ```
    /// let mut q = scheduler_solution::AgingQueue::new(10);
    /// q.push('a', 2, 0);
    /// q.push('b', 2, 0);
    /// assert_eq!(q.pop(), Some('a'));
    /// ```
    pub fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|entry| entry.item)
    }

    /// Returns the item [`AgingQueue::pop`] would return, without removing it.
    ///
    /// # Example
    ///
    /// ```
    /// let mut q = scheduler_solution::AgingQueue::new(10);
    /// q.push('a', 0, 0);
    /// assert_eq!(q.peek(), Some(&'a'));
    /// ```
    pub fn peek(&self) -> Option<&T> {
        self.heap.peek().map(|entry| &entry.item)
    }
}
