//! Stage workers: `run` on a pool measured by a fake executor that stamps every attempt's start and end: at most N at once, dependencies first, each attempt once, panics, cancellation, and no thread left behind.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::panic;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use syskata_kit::platform::os_threads;
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{CancelToken, RetryPolicy, Scheduler, TaskState};
use crate::support::{random_dag, Graph};

/// Returns the checks of stage workers.
pub fn stage() -> Stage {
    Stage {
        slug: "workers",
        checks: checks![
            at_most_n_attempts_run_at_once_and_all_n_are_used,
            the_pool_stays_whole_after_a_narrow_start,
            a_task_starts_only_after_its_dependencies_returned,
            each_attempt_runs_once_in_order,
            failed_attempts_are_retried_after_their_pause,
            a_panicking_task_is_a_failed_attempt,
            panics_neither_shrink_the_pool_nor_hang_run,
            a_final_failure_skips_dependents_without_calling_them,
            run_returns_when_nothing_can_start,
            cancel_from_a_running_task_stops_new_starts,
            cancel_during_a_retry_pause_returns_promptly,
            a_cancelled_token_or_zero_workers_start_nothing,
            no_thread_outlives_run,
        ],
    }
}

// ---- the fake executor --------------------------------------------------------------------------

/// What one attempt of a task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Succeed,
    Fail,
    Panic,
}

/// How a task behaves: how long each attempt takes, and what attempt k does (the last repeats).
#[derive(Debug, Clone)]
struct Behaviour {
    ms: u64,
    acts: Vec<Act>,
}

/// One attempt as the fake executor saw it.
#[derive(Debug, Clone)]
struct Attempt {
    id: u64,
    attempt: u32,
    /// Global order stamps: every start and end takes the next number.
    start_seq: u64,
    end_seq: u64,
    start: Duration,
    end: Duration,
    act: Act,
}

/// The payload of a deliberate panic, so that the panic hook can keep quiet about it.
struct TaskPanic;

/// A fake executor that stamps every attempt and behaves as told.
struct Fake {
    began: Instant,
    seq: AtomicU64,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    attempts: Mutex<Vec<Attempt>>,
    behaviour: HashMap<u64, Behaviour>,
    default: Behaviour,
    /// Attempts of tasks with ids from `.2` on wait until this many of them run at once (or the
    /// time runs out): the pool must fill up.
    hold_for: Option<(usize, Duration, u64)>,
    /// Attempts of the held tasks running now, and the most at once.
    held_in_flight: AtomicUsize,
    held_peak: AtomicUsize,
    /// The task whose first attempt cancels this token (when it has slept its time).
    cancel_in: Option<(u64, CancelToken)>,
    cancelled_seq: AtomicU64,
    live: Arc<AtomicUsize>,
    owner: Mutex<Option<ThreadId>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Decrements a live-thread counter when the thread that holds it exits.
struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static LIVE: RefCell<Vec<LiveGuard>> = const { RefCell::new(Vec::new()) };
}

impl Fake {
    fn new(ms: u64) -> Self {
        Fake {
            began: Instant::now(),
            seq: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            attempts: Mutex::new(Vec::new()),
            behaviour: HashMap::new(),
            default: Behaviour {
                ms,
                acts: vec![Act::Succeed],
            },
            hold_for: None,
            held_in_flight: AtomicUsize::new(0),
            held_peak: AtomicUsize::new(0),
            cancel_in: None,
            cancelled_seq: AtomicU64::new(u64::MAX),
            live: Arc::new(AtomicUsize::new(0)),
            owner: Mutex::new(None),
        }
    }

    fn task(mut self, id: u64, ms: u64, acts: &[Act]) -> Self {
        self.behaviour.insert(
            id,
            Behaviour {
                ms,
                acts: acts.to_vec(),
            },
        );
        self
    }

    fn hold_for(mut self, n: usize, limit: Duration, from_id: u64) -> Self {
        self.hold_for = Some((n, limit, from_id));
        self
    }

    fn cancel_in(mut self, id: u64, token: &CancelToken) -> Self {
        self.cancel_in = Some((id, token.clone()));
        self
    }

    fn note_thread(&self) {
        if Some(thread::current().id()) == *lock(&self.owner) {
            return;
        }
        let _ = LIVE.try_with(|guards| {
            let mut guards = guards.borrow_mut();
            if !guards.iter().any(|g| Arc::ptr_eq(&g.0, &self.live)) {
                self.live.fetch_add(1, Ordering::SeqCst);
                guards.push(LiveGuard(Arc::clone(&self.live)));
            }
        });
    }

    /// Runs one attempt as told.
    fn call(&self, id: u64, attempt: u32) -> Result<(), String> {
        self.note_thread();
        let start_seq = self.seq.fetch_add(1, Ordering::SeqCst);
        let start = self.began.elapsed();
        let now_running = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now_running, Ordering::SeqCst);
        let b = self.behaviour.get(&id).unwrap_or(&self.default);
        let act = b.acts[(attempt.max(1) as usize - 1).min(b.acts.len() - 1)];
        let held = matches!(self.hold_for, Some((_, _, from)) if id >= from);
        if let Some((n, limit, _)) = self.hold_for.filter(|_| held) {
            let now_held = self.held_in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.held_peak.fetch_max(now_held, Ordering::SeqCst);
            while self.held_peak.load(Ordering::SeqCst) < n && self.began.elapsed() < limit {
                thread::sleep(Duration::from_micros(200));
            }
        }
        thread::sleep(Duration::from_millis(b.ms));
        if let Some((cid, token)) = &self.cancel_in {
            if *cid == id && attempt == 1 {
                self.cancelled_seq
                    .store(self.seq.fetch_add(1, Ordering::SeqCst), Ordering::SeqCst);
                token.cancel();
            }
        }
        let end = self.began.elapsed();
        let end_seq = self.seq.fetch_add(1, Ordering::SeqCst);
        if held {
            self.held_in_flight.fetch_sub(1, Ordering::SeqCst);
        }
        lock(&self.attempts).push(Attempt {
            id,
            attempt,
            start_seq,
            end_seq,
            start,
            end,
            act,
        });
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        match act {
            Act::Succeed => Ok(()),
            Act::Fail => Err(format!("task {id} attempt {attempt} failed (as scripted)")),
            Act::Panic => panic::panic_any(TaskPanic),
        }
    }

    fn attempts(&self) -> Vec<Attempt> {
        let mut all = lock(&self.attempts).clone();
        all.sort_by_key(|a| a.start_seq);
        all
    }

    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }
}

/// Keeps deliberate task panics out of the report (the harness reports the first panic it sees).
fn quiet_task_panics() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<TaskPanic>() {
                previous(info);
            }
        }));
    });
}

/// What a run returned, and when.
struct Ran {
    summary: BTreeMap<u64, TaskState>,
    /// When `run` returned, on the fake's clock.
    returned: Duration,
    /// Attempts still running when `run` returned.
    running_at_return: usize,
}

/// How long a run may take before the check gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(4);

/// Calls `s.run(workers, token, …)` with the fake executor on a helper thread; fails if it does
/// not return within `RUN_LIMIT` or panics.
#[track_caller]
fn run(mut s: Scheduler, workers: usize, token: &CancelToken, fake: &Arc<Fake>) -> Ran {
    quiet_task_panics();
    step(format!("run({workers}, &token, fake executor)"));
    let (tx, rx) = mpsc::channel();
    let token = token.clone();
    let exec = Arc::clone(fake);
    let owner = Arc::clone(fake);
    let handle = thread::Builder::new()
        .name("the check's run() caller".into())
        .spawn(move || {
            *lock(&owner.owner) = Some(thread::current().id());
            let summary = s.run(workers, &token, move |id, attempt| exec.call(id, attempt));
            let returned = owner.began.elapsed();
            let running_at_return = owner.in_flight();
            let _ = tx.send(Ran {
                summary,
                returned,
                running_at_return,
            });
        })
        .expect("spawn the run() caller");
    match rx.recv_timeout(RUN_LIMIT) {
        Ok(ran) => {
            let _ = handle.join();
            ran
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            fail("run() panicked instead of returning: a panic inside a task must become a failed attempt")
        }
        Err(mpsc::RecvTimeoutError::Timeout) => fail(format!(
            "run() had not returned after {} s ({} attempts were running, {} had finished): it must return once \
             no task can start any more — is a worker waiting for work that will never come?",
            RUN_LIMIT.as_secs(),
            fake.in_flight(),
            fake.attempts().len()
        )),
    }
}

/// Fails unless no two attempts of one task overlap, attempt numbers go 1, 2, … once each, and
/// nothing runs after a success.
#[track_caller]
fn expect_attempts_once_in_order(attempts: &[Attempt]) {
    let mut by_task: BTreeMap<u64, Vec<&Attempt>> = BTreeMap::new();
    for a in attempts {
        by_task.entry(a.id).or_default().push(a);
    }
    for (id, list) in by_task {
        let numbers: Vec<u32> = list.iter().map(|a| a.attempt).collect();
        let expected: Vec<u32> = (1..=list.len() as u32).collect();
        if numbers != expected {
            fail(format!(
                "task {id} was called with attempts {numbers:?} (in start order); each attempt runs exactly once, \
                 numbered from 1: expected {expected:?}"
            ));
        }
        for pair in list.windows(2) {
            if pair[1].start_seq < pair[0].end_seq {
                fail(format!(
                    "attempt {} of task {id} started before attempt {} had returned: a retry runs only after the \
                     failed attempt is over",
                    pair[1].attempt, pair[0].attempt
                ));
            }
            if pair[0].act == Act::Succeed {
                fail(format!(
                    "task {id} was called again (attempt {}) after attempt {} had succeeded",
                    pair[1].attempt, pair[0].attempt
                ));
            }
        }
    }
}

/// Fails unless every attempt started after every dependency's successful attempt ended.
#[track_caller]
fn expect_dependencies_first(g: &Graph, attempts: &[Attempt]) {
    let success: HashMap<u64, &Attempt> = attempts
        .iter()
        .filter(|a| a.act == Act::Succeed)
        .map(|a| (a.id, a))
        .collect();
    for a in attempts {
        let spec = g.tasks.iter().find(|t| t.id == a.id).expect("a known task");
        for d in &spec.deps {
            match success.get(d) {
                Some(dep) if dep.end_seq < a.start_seq => {}
                Some(dep) => fail(format!(
                    "task {} (attempt {}) started at {:?}, but its dependency {d} was still running (it returned at \
                     {:?}): a task starts only after every dependency's successful attempt has returned",
                    a.id, a.attempt, a.start, dep.end
                )),
                None => fail(format!(
                    "task {} (attempt {}) was called, but its dependency {d} never succeeded",
                    a.id, a.attempt
                )),
            }
        }
    }
}

/// Returns `n` independent tasks `1..=n`.
fn independent(n: u64) -> Graph {
    let mut g = Graph::new();
    for id in 1..=n {
        g.push(id, 0, vec![]);
    }
    g
}

/// Waits up to `limit` for `done`; returns whether it became true.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

// ---- the checks ---------------------------------------------------------------------------------

fn at_most_n_attempts_run_at_once_and_all_n_are_used(_: &mut Ctx) {
    for workers in [1usize, 3, 8] {
        scenario(format!(
            "40 independent tasks, {workers} workers; each attempt takes 2 ms, and the first ones wait (up to 1 s) \
             until {workers} are running at once, so a pool that really runs {workers} in parallel shows it"
        ));
        let fake = Arc::new(Fake::new(2).hold_for(workers, Duration::from_millis(1_000), 0));
        let ran = run(independent(40).build(), workers, &CancelToken::new(), &fake);
        let attempts = fake.attempts();
        expect_eq(
            "how many attempts were made (one per task)",
            attempts.len(),
            40,
        );
        let peak = fake.peak.load(Ordering::SeqCst);
        expect(
            peak <= workers,
            format!("{peak} attempts ran at the same time on a pool of {workers} workers: at most {workers} may"),
        );
        expect_eq(
            format!("the most attempts running at once with {workers} workers and 40 ready tasks"),
            peak,
            workers,
        );
        for id in 1..=40 {
            expect_eq(
                format!("summary[&{id}]"),
                ran.summary.get(&id).copied(),
                Some(TaskState::Succeeded { attempts: 1 }),
            );
        }
    }
}

fn the_pool_stays_whole_after_a_narrow_start(_: &mut Ctx) {
    let mut g = Graph::new();
    g.push(1, 0, vec![]);
    g.push(2, 0, vec![1]);
    g.push(3, 0, vec![2]);
    for id in 10..30 {
        g.push(id, 0, vec![3]);
    }
    scenario(
        "a chain 1 → 2 → 3 (20 ms each; only one task can run) and then 20 tasks that all need 3, on 4 workers; \
         the fan's attempts wait (up to 1 s) until 4 run at once. Workers that found nothing to do during the \
         chain must still be there for the fan.",
    );
    let fake = Arc::new(
        Fake::new(2)
            .task(1, 20, &[Act::Succeed])
            .task(2, 20, &[Act::Succeed])
            .task(3, 20, &[Act::Succeed])
            .hold_for(4, Duration::from_millis(1_000), 10),
    );
    run(g.build(), 4, &CancelToken::new(), &fake);
    let attempts = fake.attempts();
    expect_dependencies_first(&g, &attempts);
    expect_eq("how many attempts were made", attempts.len(), 23);
    expect_eq(
        "the most of tasks 10..30 running at once (4 workers): a worker that saw nothing ready while 1, 2 and 3 \
         ran must wait, not leave",
        fake.held_peak.load(Ordering::SeqCst),
        4,
    );
}

fn a_task_starts_only_after_its_dependencies_returned(ctx: &mut Ctx) {
    let diamond = Graph::new()
        .task(1, 0, &[])
        .task(2, 0, &[1])
        .task(3, 0, &[1])
        .task(4, 0, &[2, 3])
        .task(5, 0, &[4])
        .task(6, 9, &[]);
    scenario(format!(
        "a diamond 1 → {{2, 3}} → 4 → 5 and a free task 6, on 4 workers; attempts take 3 ms; every start must be \
         stamped after the end of each dependency:\n{}",
        diamond.describe()
    ));
    let fake = Arc::new(Fake::new(3));
    run(diamond.build(), 4, &CancelToken::new(), &fake);
    expect_dependencies_first(&diamond, &fake.attempts());
    expect_eq("how many attempts were made", fake.attempts().len(), 6);
    for round in 0..6 {
        let g = random_dag(ctx.rng(), 30, 3, 3);
        scenario(format!(
            "random graph {round} of 6 (30 tasks), 3 workers, attempts of 0–1 ms:\n{}",
            g.describe()
        ));
        let mut fake = Fake::new(0);
        for t in &g.tasks {
            fake = fake.task(t.id, t.id % 2, &[Act::Succeed]);
        }
        let fake = Arc::new(fake);
        let ran = run(g.build(), 3, &CancelToken::new(), &fake);
        let attempts = fake.attempts();
        expect_dependencies_first(&g, &attempts);
        expect_eq("how many attempts were made", attempts.len(), 30);
        expect(
            ran.summary
                .values()
                .all(|s| *s == TaskState::Succeeded { attempts: 1 }),
            format!(
                "every task succeeds on its first attempt; summary: {:?}",
                ran.summary
            ),
        );
    }
}

fn each_attempt_runs_once_in_order(_: &mut Ctx) {
    scenario(
        "12 independent tasks on 4 workers, each allowed 3 attempts without pauses: tasks 1–4 fail twice then \
         succeed, tasks 5–8 fail once, tasks 9–12 succeed at once; attempts take 1 ms",
    );
    let mut fake = Fake::new(1);
    for id in 1..=12u64 {
        let acts: &[Act] = match id {
            1..=4 => &[Act::Fail, Act::Fail, Act::Succeed],
            5..=8 => &[Act::Fail, Act::Succeed],
            _ => &[Act::Succeed],
        };
        fake = fake.task(id, 1, acts);
    }
    let fake = Arc::new(fake);
    let mut s = independent(12).build();
    for id in 1..=12 {
        let _ = s.set_retry(
            id,
            RetryPolicy {
                max_attempts: 3,
                base_delay_ms: 0,
                max_delay_ms: 0,
            },
        );
    }
    let ran = run(s, 4, &CancelToken::new(), &fake);
    let attempts = fake.attempts();
    expect_attempts_once_in_order(&attempts);
    expect_eq(
        "how many attempts were made (3 × 4 + 2 × 4 + 4)",
        attempts.len(),
        24,
    );
    for id in 1..=12u64 {
        let want = match id {
            1..=4 => 3,
            5..=8 => 2,
            _ => 1,
        };
        expect_eq(
            format!("summary[&{id}]"),
            ran.summary.get(&id).copied(),
            Some(TaskState::Succeeded { attempts: want }),
        );
    }
}

fn failed_attempts_are_retried_after_their_pause(_: &mut Ctx) {
    scenario(
        "task 1 fails twice then succeeds, policy { max_attempts: 3, base_delay_ms: 20, max_delay_ms: 40 }; task 2 \
         needs 1; 2 workers; each attempt of task 1 takes 50 ms, longer than the pauses. The gap between a failed \
         attempt returning and the next one starting must be at least 20 ms (19 allowing for whole milliseconds), \
         then at least 40 ms (39)",
    );
    let fake = Arc::new(Fake::new(1).task(1, 50, &[Act::Fail, Act::Fail, Act::Succeed]));
    let g = Graph::new().task(1, 0, &[]).task(2, 0, &[1]);
    let mut s = g.build();
    step("set_retry(1, RetryPolicy { max_attempts: 3, base_delay_ms: 20, max_delay_ms: 40 })");
    let _ = s.set_retry(
        1,
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 20,
            max_delay_ms: 40,
        },
    );
    let ran = run(s, 2, &CancelToken::new(), &fake);
    let attempts = fake.attempts();
    expect_attempts_once_in_order(&attempts);
    expect_dependencies_first(&g, &attempts);
    let ones: Vec<&Attempt> = attempts.iter().filter(|a| a.id == 1).collect();
    expect_eq("attempts of task 1", ones.len(), 3);
    for (k, least) in [(1usize, 19u128), (2, 39)] {
        let gap = ones[k].start.saturating_sub(ones[k - 1].end);
        expect(
            gap.as_millis() >= least,
            format!(
                "attempt {} of task 1 started {gap:?} after attempt {k} failed: the pause is {} ms, counted from the \
                 moment the failed attempt returned",
                k + 1,
                least + 1
            ),
        );
        expect(
            gap < Duration::from_millis(1_500),
            format!(
                "attempt {} started {gap:?} after the failure: far longer than its pause",
                k + 1
            ),
        );
    }
    expect_eq(
        "summary[&1]",
        ran.summary.get(&1).copied(),
        Some(TaskState::Succeeded { attempts: 3 }),
    );
    expect_eq(
        "summary[&2]",
        ran.summary.get(&2).copied(),
        Some(TaskState::Succeeded { attempts: 1 }),
    );
}

fn a_panicking_task_is_a_failed_attempt(_: &mut Ctx) {
    scenario(
        "task 1 panics on its first attempt and succeeds on its second (2 attempts allowed, no pause); task 2 needs \
         1; task 3 panics with no retry; 2 workers",
    );
    let fake = Arc::new(Fake::new(1).task(1, 1, &[Act::Panic, Act::Succeed]).task(
        3,
        1,
        &[Act::Panic],
    ));
    let g = Graph::new()
        .task(1, 0, &[])
        .task(2, 0, &[1])
        .task(3, 0, &[]);
    let mut s = g.build();
    step("set_retry(1, RetryPolicy { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 })");
    let _ = s.set_retry(
        1,
        RetryPolicy {
            max_attempts: 2,
            base_delay_ms: 0,
            max_delay_ms: 0,
        },
    );
    let ran = run(s, 2, &CancelToken::new(), &fake);
    expect_attempts_once_in_order(&fake.attempts());
    let expected: BTreeMap<u64, TaskState> = [
        (1, TaskState::Succeeded { attempts: 2 }),
        (2, TaskState::Succeeded { attempts: 1 }),
        (3, TaskState::Failed { attempts: 1 }),
    ]
    .into_iter()
    .collect();
    expect_eq(
        "run()'s summary: a panic counts as a failed attempt",
        ran.summary,
        expected,
    );
}

fn panics_neither_shrink_the_pool_nor_hang_run(_: &mut Ctx) {
    scenario("10 tasks that all panic, on 1 worker: run must return with every task Failed");
    let mut fake = Fake::new(0);
    for id in 1..=10 {
        fake = fake.task(id, 0, &[Act::Panic]);
    }
    let fake = Arc::new(fake);
    let ran = run(independent(10).build(), 1, &CancelToken::new(), &fake);
    expect_eq(
        "attempts made (the one worker survives every panic)",
        fake.attempts().len(),
        10,
    );
    for id in 1..=10 {
        expect_eq(
            format!("summary[&{id}]"),
            ran.summary.get(&id).copied(),
            Some(TaskState::Failed { attempts: 1 }),
        );
    }

    let mut g = Graph::new();
    for id in 1..=3 {
        g.push(id, 9, vec![]);
    }
    for id in 10..30 {
        g.push(id, 0, vec![]);
    }
    scenario(
        "3 workers; tasks 1, 2, 3 (priority 9, so they go first) panic; then 20 tasks whose attempts wait (up to \
         1 s) until 3 run at once: the pool must still have all 3 workers after the panics",
    );
    let mut fake = Fake::new(2);
    for id in 1..=3 {
        fake = fake.task(id, 0, &[Act::Panic]);
    }
    let fake = Arc::new(fake.hold_for(3, Duration::from_millis(1_000), 10));
    let ran = run(g.build(), 3, &CancelToken::new(), &fake);
    expect_eq("attempts made", fake.attempts().len(), 23);
    expect_eq(
        "the most of tasks 10..30 running at once after three panics (3 workers)",
        fake.held_peak.load(Ordering::SeqCst),
        3,
    );
    expect_eq(
        "summary[&1]",
        ran.summary.get(&1).copied(),
        Some(TaskState::Failed { attempts: 1 }),
    );
}

fn a_final_failure_skips_dependents_without_calling_them(_: &mut Ctx) {
    let g = Graph::new()
        .task(1, 0, &[])
        .task(2, 0, &[1])
        .task(3, 0, &[2])
        .task(4, 0, &[]);
    scenario(format!(
        "task 1 fails (one attempt); 2 needs 1 and 3 needs 2; 4 is free; 3 workers:\n{}",
        g.describe()
    ));
    let fake = Arc::new(Fake::new(1).task(1, 1, &[Act::Fail]));
    let ran = run(g.build(), 3, &CancelToken::new(), &fake);
    let called: Vec<u64> = fake.attempts().iter().map(|a| a.id).collect();
    expect(
        !called.contains(&2) && !called.contains(&3),
        format!("the executor was called for {called:?}: 2 and 3 depend on the failed task 1 and must never run"),
    );
    let expected: BTreeMap<u64, TaskState> = [
        (1, TaskState::Failed { attempts: 1 }),
        (2, TaskState::Skipped { because: 1 }),
        (3, TaskState::Skipped { because: 1 }),
        (4, TaskState::Succeeded { attempts: 1 }),
    ]
    .into_iter()
    .collect();
    expect_eq("run()'s summary", ran.summary, expected);
}

fn run_returns_when_nothing_can_start(_: &mut Ctx) {
    let g = Graph::new()
        .task(1, 0, &[])
        .task(2, 0, &[3])
        .task(3, 0, &[2])
        .task(4, 0, &[99])
        .task(5, 0, &[1]);
    scenario(format!(
        "tasks 2 and 3 wait on each other, 4 waits on 99 (never added); 1 and 5 can run; 3 workers:\n{}",
        g.describe()
    ));
    let fake = Arc::new(Fake::new(1));
    let ran = run(g.build(), 3, &CancelToken::new(), &fake);
    let expected: BTreeMap<u64, TaskState> = [
        (1, TaskState::Succeeded { attempts: 1 }),
        (2, TaskState::Pending),
        (3, TaskState::Pending),
        (4, TaskState::Pending),
        (5, TaskState::Succeeded { attempts: 1 }),
    ]
    .into_iter()
    .collect();
    expect_eq(
        "run()'s summary: the tasks that can never start stay Pending and do not keep run() waiting",
        ran.summary,
        expected,
    );
    let last_end = fake
        .attempts()
        .iter()
        .map(|a| a.end)
        .max()
        .unwrap_or_default();
    expect(
        ran.returned.saturating_sub(last_end) < Duration::from_millis(500),
        format!(
            "run() returned {:?} after the last attempt ended: once no task can start it should return promptly",
            ran.returned.saturating_sub(last_end)
        ),
    );
}

/// How late `run` may return after the cancel or the last running attempt (the prompt's bound).
const PROMPT: Duration = Duration::from_millis(100);

fn cancel_from_a_running_task_stops_new_starts(_: &mut Ctx) {
    for workers in [1usize, 4] {
        scenario(format!(
            "400 independent tasks of 10 ms each on {workers} workers ({} s of work); task 5's first attempt calls \
             cancel() on the run's token just before it returns (tasks go by id: all have priority 0)",
            400 * 10 / 1000 / workers as u64
        ));
        let token = CancelToken::new();
        let fake = Arc::new(Fake::new(10).cancel_in(5, &token));
        let ran = run(independent(400).build(), workers, &token, &fake);
        let attempts = fake.attempts();
        let cancelled = fake.cancelled_seq.load(Ordering::SeqCst);
        expect(
            cancelled != u64::MAX,
            "task 5 never ran, so nothing cancelled the run",
        );
        let late: Vec<u64> = attempts
            .iter()
            .filter(|a| a.start_seq > cancelled)
            .map(|a| a.id)
            .collect();
        expect(
            late.len() <= workers,
            format!(
                "{} attempts started after cancel() (tasks {:?}…): at most one per worker ({workers}) may start, one \
                 that had already picked its task",
                late.len(),
                &late[..late.len().min(8)]
            ),
        );
        expect_eq(
            "attempts still running when run() returned",
            ran.running_at_return,
            0,
        );
        let last_end = attempts.iter().map(|a| a.end).max().unwrap_or_default();
        let waited = ran.returned.saturating_sub(last_end);
        expect(
            waited <= PROMPT,
            format!(
                "run() returned {waited:?} after the last running attempt ended; after a cancel it must return within \
                 {PROMPT:?}"
            ),
        );
        let started = attempts.len();
        let pending = ran
            .summary
            .values()
            .filter(|s| **s == TaskState::Pending)
            .count();
        expect_eq(
            "tasks left Pending (every task that never started)",
            pending,
            400 - started,
        );
        expect_eq(
            "summary[&5]",
            ran.summary.get(&5).copied(),
            Some(TaskState::Succeeded { attempts: 1 }),
        );
    }
}

fn cancel_during_a_retry_pause_returns_promptly(_: &mut Ctx) {
    scenario(
        "task 1 fails its first attempt and waits 60 s before its second (policy { max_attempts: 2, base_delay_ms: \
         60000, .. }); task 2 needs 1; 2 workers. Another thread calls cancel() 30 ms after the failure: run must \
         return within 100 ms of the cancel, not after the pause",
    );
    let token = CancelToken::new();
    let fake = Arc::new(Fake::new(1).task(1, 1, &[Act::Fail, Act::Succeed]));
    let g = Graph::new().task(1, 0, &[]).task(2, 0, &[1]);
    let mut s = g.build();
    let _ = s.set_retry(
        1,
        RetryPolicy {
            max_attempts: 2,
            base_delay_ms: 60_000,
            max_delay_ms: 60_000,
        },
    );
    let canceller = {
        let fake = Arc::clone(&fake);
        let token = token.clone();
        thread::spawn(move || {
            if wait_for(Duration::from_secs(2), || !lock(&fake.attempts).is_empty()) {
                thread::sleep(Duration::from_millis(30));
            }
            let at = fake.began.elapsed();
            token.cancel();
            at
        })
    };
    let ran = run(s, 2, &token, &fake);
    let cancelled_at = canceller.join().unwrap_or_default();
    let waited = ran.returned.saturating_sub(cancelled_at);
    expect(
        waited <= PROMPT,
        format!(
            "run() returned {waited:?} after cancel(); nothing was running, so it must return within {PROMPT:?} — a \
             worker waiting out a retry pause must notice the cancel"
        ),
    );
    expect_eq("attempts made", fake.attempts().len(), 1);
    expect_eq(
        "summary[&1]",
        ran.summary.get(&1).copied(),
        Some(TaskState::Pending),
    );
    expect_eq(
        "summary[&2]",
        ran.summary.get(&2).copied(),
        Some(TaskState::Pending),
    );
}

fn a_cancelled_token_or_zero_workers_start_nothing(_: &mut Ctx) {
    scenario("5 tasks; run with a token cancelled before the call, 3 workers");
    let token = CancelToken::new();
    step("token.cancel()");
    token.cancel();
    let fake = Arc::new(Fake::new(1));
    let began = fake.began.elapsed();
    let ran = run(independent(5).build(), 3, &token, &fake);
    expect_eq("attempts made", fake.attempts().len(), 0);
    expect(
        ran.summary.values().all(|s| *s == TaskState::Pending),
        format!("every task stays Pending; summary: {:?}", ran.summary),
    );
    expect(
        ran.returned.saturating_sub(began) <= PROMPT,
        format!(
            "run() took {:?} with a cancelled token: it should return at once",
            ran.returned - began
        ),
    );
    scenario("5 tasks; run with 0 workers and a fresh token");
    let fake = Arc::new(Fake::new(1));
    let began = fake.began.elapsed();
    let ran = run(independent(5).build(), 0, &CancelToken::new(), &fake);
    expect_eq("attempts made with 0 workers", fake.attempts().len(), 0);
    expect(
        ran.summary.values().all(|s| *s == TaskState::Pending),
        format!("every task stays Pending; summary: {:?}", ran.summary),
    );
    expect(
        ran.returned.saturating_sub(began) <= PROMPT,
        format!(
            "run() took {:?} with 0 workers: it should return at once",
            ran.returned - began
        ),
    );
    let clone = token.clone();
    expect(
        clone.is_cancelled(),
        "a clone of a cancelled token is cancelled",
    );
}

fn no_thread_outlives_run(_: &mut Ctx) {
    scenario(
        "three runs (8 workers over 30 tasks; 4 workers with a retry; 3 workers cancelled midway); after each, no \
         thread that ran a task may still be alive (within 300 ms), and (where the OS tells) the process must be back to its \
         thread count from before the run",
    );
    for phase in 0..3 {
        let before = os_threads();
        let token = CancelToken::new();
        let (fake, s, workers) = match phase {
            0 => (Fake::new(1), independent(30).build(), 8),
            1 => {
                let mut s = independent(6).build();
                let _ = s.set_retry(
                    1,
                    RetryPolicy {
                        max_attempts: 2,
                        base_delay_ms: 5,
                        max_delay_ms: 5,
                    },
                );
                (Fake::new(1).task(1, 1, &[Act::Fail, Act::Succeed]), s, 4)
            }
            _ => (
                Fake::new(3).cancel_in(4, &token),
                independent(40).build(),
                3,
            ),
        };
        step(format!("phase {}", phase + 1));
        let fake = Arc::new(fake);
        let ran = run(s, workers, &token, &fake);
        expect_eq(
            "attempts still running when run() returned",
            ran.running_at_return,
            0,
        );
        if !wait_for(Duration::from_millis(300), || {
            fake.live.load(Ordering::SeqCst) == 0
        }) {
            fail(format!(
                "{} threads that ran tasks were still alive 300 ms after run() returned: join every worker before \
                 returning",
                fake.live.load(Ordering::SeqCst)
            ));
        }
        if let Some(before) = before {
            if !wait_for(Duration::from_millis(300), || {
                os_threads().is_some_and(|now| now <= before)
            }) {
                fail(format!(
                    "the process had {before} threads before run() and {} threads 300 ms after it returned: a thread \
                     run() started (a worker, a watcher, a timer…) is still running",
                    os_threads().unwrap_or_default()
                ));
            }
        }
    }
}
