//! A plain stage-1 scheduler as a hurried candidate writes it: the ready tasks in a Vec, scanned for the best on every pick.

use std::collections::HashMap;

pub type TaskId = u64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    DuplicateTask(TaskId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    UnknownDependency { task: TaskId, dependency: TaskId },
    Cycle(Vec<TaskId>),
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScheduleError::DuplicateTask(id) => write!(f, "duplicate task {id}"),
        }
    }
}

impl std::error::Error for ScheduleError {}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::UnknownDependency { task, dependency } => write!(f, "task {task} needs unknown {dependency}"),
            PlanError::Cycle(path) => {
                let ids: Vec<String> = path.iter().map(|id| id.to_string()).collect();
                write!(f, "dependency cycle: {}", ids.join(" → "))
            }
        }
    }
}

impl std::error::Error for PlanError {}

#[derive(Default)]
pub struct Scheduler {
    tasks: Vec<(TaskId, u32, Vec<TaskId>)>,
    index: HashMap<TaskId, usize>,
}

impl Scheduler {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    pub fn add_task(&mut self, id: TaskId, priority: u32, deps: &[TaskId]) -> Result<(), ScheduleError> {
        if self.index.contains_key(&id) {
            return Err(ScheduleError::DuplicateTask(id));
        }
        self.index.insert(id, self.tasks.len());
        self.tasks.push((id, priority, deps.to_vec()));
        Ok(())
    }

    pub fn plan(&self) -> Result<Vec<TaskId>, PlanError> {
        let n = self.tasks.len();
        let mut dependents = vec![Vec::new(); n];
        let mut unmet = vec![0usize; n];
        for (i, (id, _, deps)) in self.tasks.iter().enumerate() {
            let mut known = Vec::new();
            for d in deps {
                match self.index.get(d) {
                    Some(&j) => known.push(j),
                    None => return Err(PlanError::UnknownDependency { task: *id, dependency: *d }),
                }
            }
            known.sort_unstable();
            known.dedup();
            unmet[i] = known.len();
            for j in known {
                dependents[j].push(i);
            }
        }
        self.check_acyclic()?;
        let mut ready: Vec<usize> = (0..n).filter(|&i| unmet[i] == 0).collect();
        let mut order = Vec::with_capacity(n);
        while !ready.is_empty() {
            let mut best = 0;
            for k in 1..ready.len() {
                if self.better(ready[k], ready[best]) {
                    best = k;
                }
            }
            let i = ready.swap_remove(best);
            order.push(self.tasks[i].0);
            for &d in &dependents[i] {
                unmet[d] -= 1;
                if unmet[d] == 0 {
                    ready.push(d);
                }
            }
        }
        if order.len() < n {
            return Err(PlanError::Cycle(Vec::new()));
        }
        Ok(order)
    }

    /// Whether task `a` goes before task `b` when both are ready.
    fn better(&self, a: usize, b: usize) -> bool {
        let (ia, pa, _) = &self.tasks[a];
        let (ib, pb, _) = &self.tasks[b];
        (pa, std::cmp::Reverse(ia)) > (pb, std::cmp::Reverse(ib))
    }

    fn check_acyclic(&self) -> Result<(), PlanError> {
        Ok(())
    }
}
