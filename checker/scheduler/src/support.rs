//! Helpers shared by the scheduler stages: graphs as data, validators that judge a plan or a cycle against the graph itself, and generators.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use syskata_kit::{fail, step, Rng};

use crate::drill::{PlanError, Scheduler, TaskId};

/// One task as the checker adds it.
#[derive(Debug, Clone)]
pub struct Spec {
    pub id: TaskId,
    pub priority: u32,
    pub deps: Vec<TaskId>,
}

/// A graph of tasks in the order they are added.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub tasks: Vec<Spec>,
}

/// How many tasks a graph's description lists before it abbreviates.
const DESCRIBE_LIMIT: usize = 30;

impl Graph {
    /// Returns an empty graph.
    pub fn new() -> Self {
        Graph::default()
    }

    /// Adds task `id` with `priority` and `deps` (builder style).
    pub fn task(mut self, id: TaskId, priority: u32, deps: &[TaskId]) -> Self {
        self.push(id, priority, deps.to_vec());
        self
    }

    /// Adds task `id` with `priority` and `deps`.
    pub fn push(&mut self, id: TaskId, priority: u32, deps: Vec<TaskId>) {
        self.tasks.push(Spec { id, priority, deps });
    }

    /// Returns the number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Returns the graph in words, one task per line (abbreviated when large).
    pub fn describe(&self) -> String {
        if self.tasks.is_empty() {
            return "  (no tasks)".into();
        }
        let mut out = String::new();
        for spec in self.tasks.iter().take(DESCRIBE_LIMIT) {
            let _ = writeln!(out, "  {}", call(spec));
        }
        if self.tasks.len() > DESCRIBE_LIMIT {
            let _ = writeln!(out, "  … and {} more", self.tasks.len() - DESCRIBE_LIMIT);
        }
        out.trim_end().to_owned()
    }

    /// Adds every task to a new scheduler, logging each call when the graph is small; a refused
    /// task fails the check.
    #[track_caller]
    pub fn build(&self) -> Scheduler {
        let log = self.tasks.len() <= DESCRIBE_LIMIT;
        if !log {
            step(format!(
                "add_task(…) for {} tasks (as described above)",
                self.tasks.len()
            ));
        }
        let mut s = Scheduler::new();
        for spec in &self.tasks {
            if log {
                step(call(spec));
            }
            if let Err(e) = s.add_task(spec.id, spec.priority, &spec.deps) {
                fail(format!(
                    "{} returned Err({e:?}), but the id is new: only a duplicate id is refused",
                    call(spec)
                ));
            }
        }
        s
    }

    /// Returns the index of every task by id.
    pub fn index(&self) -> HashMap<TaskId, usize> {
        self.tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect()
    }

    /// Returns each task's distinct known dependencies as indices.
    fn dep_indices(&self, index: &HashMap<TaskId, usize>) -> Vec<Vec<usize>> {
        self.tasks
            .iter()
            .map(|t| {
                let mut d: Vec<usize> = t
                    .deps
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect();
                d.sort_unstable();
                d.dedup();
                d
            })
            .collect()
    }

    /// Returns the plan the rules demand, or `None` when the graph has a cycle or an unknown id.
    pub fn model_plan(&self) -> Option<Vec<TaskId>> {
        let index = self.index();
        if self
            .tasks
            .iter()
            .any(|t| t.deps.iter().any(|d| !index.contains_key(d)))
        {
            return None;
        }
        let deps = self.dep_indices(&index);
        let mut dependents = vec![Vec::new(); self.len()];
        let mut unmet: Vec<usize> = deps.iter().map(Vec::len).collect();
        for (i, ds) in deps.iter().enumerate() {
            for &d in ds {
                dependents[d].push(i);
            }
        }
        let key = |i: usize| (Reverse(self.tasks[i].priority), self.tasks[i].id, i);
        let mut ready: BTreeSet<_> = (0..self.len())
            .filter(|&i| unmet[i] == 0)
            .map(key)
            .collect();
        let mut plan = Vec::with_capacity(self.len());
        while let Some((_, id, i)) = ready.pop_first() {
            plan.push(id);
            for &d in &dependents[i] {
                unmet[d] -= 1;
                if unmet[d] == 0 {
                    ready.insert(key(d));
                }
            }
        }
        (plan.len() == self.len()).then_some(plan)
    }
}

/// Returns the `add_task` call that adds `spec`.
pub fn call(spec: &Spec) -> String {
    format!("add_task({}, {}, &{:?})", spec.id, spec.priority, spec.deps)
}

/// Returns `ids` as a short list (abbreviated in the middle when long).
pub fn short(ids: &[TaskId]) -> String {
    if ids.len() <= 24 {
        return format!("{ids:?}");
    }
    format!(
        "[{} … {}] ({} ids)",
        join(&ids[..12]),
        join(&ids[ids.len() - 6..]),
        ids.len()
    )
}

fn join(ids: &[TaskId]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Judges `plan` against the graph itself: every task once, each after its dependencies, and the
/// tie rule at every position. Returns what is wrong, in words.
pub fn plan_problem(g: &Graph, plan: &[TaskId]) -> Option<String> {
    let index = g.index();
    let deps = g.dep_indices(&index);
    let mut dependents = vec![Vec::new(); g.len()];
    let mut unmet: Vec<usize> = deps.iter().map(Vec::len).collect();
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(i);
        }
    }
    let key = |i: usize| (Reverse(g.tasks[i].priority), g.tasks[i].id, i);
    let mut ready: BTreeSet<_> = (0..g.len()).filter(|&i| unmet[i] == 0).map(key).collect();
    let mut placed_at: HashMap<TaskId, usize> = HashMap::new();
    for (pos, &id) in plan.iter().enumerate() {
        let Some(&i) = index.get(&id) else {
            return Some(format!(
                "position {pos} of the plan is task {id}, which was never added"
            ));
        };
        if let Some(first) = placed_at.get(&id) {
            return Some(format!(
                "task {id} appears twice in the plan, at positions {first} and {pos}: every task goes in once"
            ));
        }
        if unmet[i] > 0 {
            let missing: Vec<TaskId> = deps[i]
                .iter()
                .map(|&d| g.tasks[d].id)
                .filter(|d| !placed_at.contains_key(d))
                .collect();
            return Some(format!(
                "task {id} is at position {pos}, but its dependencies {missing:?} are not placed before it: a task \
                 goes after every one of its dependencies"
            ));
        }
        let best = *ready
            .first()
            .expect("a task with no unmet dependency is ready");
        if best.2 != i {
            let ready_list: Vec<String> = ready
                .iter()
                .take(6)
                .map(|(p, id, _)| format!("{id} (priority {})", p.0))
                .collect();
            return Some(format!(
                "the tie rule is broken at position {pos}: the tasks whose dependencies were all placed were {}{} — \
                 the highest priority goes first, then the lowest id, so task {} belongs there, but the plan has \
                 task {id} (priority {})",
                ready_list.join(", "),
                if ready.len() > 6 { ", …" } else { "" },
                best.1,
                g.tasks[i].priority
            ));
        }
        ready.remove(&best);
        placed_at.insert(id, pos);
        for &d in &dependents[i] {
            unmet[d] -= 1;
            if unmet[d] == 0 {
                ready.insert(key(d));
            }
        }
    }
    if plan.len() < g.len() {
        let missing: Vec<TaskId> = g
            .tasks
            .iter()
            .map(|t| t.id)
            .filter(|id| !placed_at.contains_key(id))
            .take(10)
            .collect();
        return Some(format!(
            "the plan has {} tasks but {} were added; missing, among others: {missing:?}",
            plan.len(),
            g.len()
        ));
    }
    None
}

/// Plans `g` and fails unless the result is `Ok` and obeys the rules (checked against the graph).
#[track_caller]
pub fn expect_valid_plan(g: &Graph, s: &Scheduler, why: &str) -> Vec<TaskId> {
    step("plan()");
    match s.plan() {
        Ok(plan) => {
            if let Some(problem) = plan_problem(g, &plan) {
                let expected = g.model_plan().map(|p| short(&p)).unwrap_or_default();
                fail(format!(
                    "plan() returned Ok({}) — {problem}.\n{why}\nThe plan the rules give: {expected}",
                    short(&plan)
                ));
            }
            plan
        }
        Err(e) => fail(format!(
            "plan() returned Err({}), but every dependency exists and there is no loop: expected Ok(plan). {why}",
            describe_plan_error(&e)
        )),
    }
}

/// Returns a plan error for a message (a long cycle abbreviated).
pub fn describe_plan_error(e: &PlanError) -> String {
    match e {
        PlanError::Cycle(path) => format!("Cycle({})", short(path)),
        other => format!("{other:?}"),
    }
}

/// Judges a reported cycle against the graph: `[a, …, a]`, each id depending on the next, no
/// repeat apart from the ends. Returns what is wrong, in words.
pub fn cycle_problem(g: &Graph, path: &[TaskId]) -> Option<String> {
    if path.len() < 2 {
        return Some(format!(
            "the path {path:?} is too short: a cycle lists at least a task and itself again, like [a, a]"
        ));
    }
    if path.first() != path.last() {
        return Some(format!(
            "the path {} does not come back to where it started: its last id must repeat the first",
            short(path)
        ));
    }
    let index = g.index();
    let mut seen = HashSet::new();
    for &id in &path[..path.len() - 1] {
        if !index.contains_key(&id) {
            return Some(format!("the path names task {id}, which was never added"));
        }
        if !seen.insert(id) {
            return Some(format!(
                "task {id} appears twice on the path {} (apart from the closing repeat): report one simple loop",
                short(path)
            ));
        }
    }
    for pair in path.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if !g.tasks[index[&a]].deps.contains(&b) {
            return Some(format!(
                "the path {} says {a} → {b}, but task {a} does not depend on task {b} (its dependencies are {:?}): \
                 each id on the path must depend directly on the next",
                short(path),
                g.tasks[index[&a]].deps
            ));
        }
    }
    None
}

/// Plans `g` and fails unless the result is a cycle that really is one of the graph.
#[track_caller]
pub fn expect_real_cycle(g: &Graph, s: &Scheduler, why: &str) -> Vec<TaskId> {
    step("plan()");
    match s.plan() {
        Err(PlanError::Cycle(path)) => {
            if let Some(problem) = cycle_problem(g, &path) {
                fail(format!(
                    "plan() returned Err(Cycle({})) — {problem}.\n{why}",
                    short(&path)
                ));
            }
            path
        }
        Ok(plan) => fail(format!(
            "plan() returned Ok({}), but the graph has a loop, so no order exists: expected Err(Cycle(path)). {why}",
            short(&plan)
        )),
        Err(e) => fail(format!(
            "plan() returned Err({e:?}), but every dependency exists and the graph has a loop: expected \
             Err(Cycle(path)). {why}"
        )),
    }
}

/// Returns a random acyclic graph of `n` tasks: ids spread over the whole range (edge values
/// included), up to `max_deps` dependencies each (sometimes one listed twice), priorities from
/// `0..=max_priority` (edge values included), added in a shuffled order so that forward references
/// occur.
pub fn random_dag(rng: &mut Rng, n: usize, max_deps: u64, max_priority: u32) -> Graph {
    let mut ids = HashSet::new();
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let id = if n > 64 {
            rng.below(u64::MAX)
        } else {
            rng.edgy(0, u64::MAX)
        };
        if ids.insert(id) {
            order.push(id);
        }
    }
    let mut g = Graph::new();
    for i in 0..n {
        let mut deps = Vec::new();
        if i > 0 {
            for _ in 0..rng.below(max_deps + 1) {
                deps.push(order[rng.index(i)]);
            }
            if !deps.is_empty() && rng.chance(10) {
                deps.push(deps[0]);
            }
        }
        let priority = rng.edgy(0, u64::from(max_priority)) as u32;
        g.push(order[i], priority, deps);
    }
    rng.shuffle(&mut g.tasks);
    g
}

/// Runs `work` on a thread with Rust's default 2 MiB stack and returns its result; a stack
/// overflow there aborts the process, which the harness reports as a crash.
pub fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .name("plan on a 2 MiB stack".into())
        .stack_size(2 << 20)
        .spawn(work)
        .expect("spawn a thread");
    match handle.join() {
        Ok(value) => value,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Sets how many rounds of each size a scaling probe runs (the kit's default is 7).
pub trait Rounds {
    /// Returns the probe with `n` rounds per size.
    fn rounds(self, n: usize) -> Self;
}

impl Rounds for syskata_kit::probe::Scaling {
    fn rounds(mut self, n: usize) -> Self {
        self.rounds = n;
        self
    }
}
