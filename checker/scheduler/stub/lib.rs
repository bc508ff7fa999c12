//! Your task scheduler: tasks with priorities and dependencies, put in an order that respects both.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

/// The identifier of a task, chosen by the caller.
pub type TaskId = u64;

/// Why `add_task` refused a task. Later stages add variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    /// A task with this id already exists (the first one is kept).
    DuplicateTask(TaskId),
}

/// Why `plan` cannot order the tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// `task` depends on `dependency`, which was never added.
    UnknownDependency {
        /// The task naming the missing dependency.
        task: TaskId,
        /// The id no task has.
        dependency: TaskId,
    },
    /// The tasks depend on each other in a loop: each id depends on the next one, and the last id
    /// repeats the first (`[a, b, c, a]`).
    Cycle(Vec<TaskId>),
}

impl std::fmt::Display for ScheduleError {
    /// Writes a one-line message naming the id involved.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        todo!()
    }
}

impl std::error::Error for ScheduleError {}

impl std::fmt::Display for PlanError {
    /// Writes a one-line message naming the ids involved; a cycle reads
    /// `dependency cycle: a → b → c → a`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        todo!()
    }
}

impl std::error::Error for PlanError {}

/// A dependency graph of prioritised tasks.
pub struct Scheduler {
    _todo: (),
}

impl Default for Scheduler {
    fn default() -> Self {
        Self::new()
    }
}

impl Scheduler {
    /// Returns a scheduler without tasks.
    pub fn new() -> Self {
        todo!()
    }

    /// Returns the number of tasks added.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Returns `true` when no task was added.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// Adds task `id` with `priority` (higher goes first) that may run only after every task in
    /// `deps`. Dependencies may name tasks added later. A duplicate `id` is an error.
    pub fn add_task(
        &mut self,
        id: TaskId,
        priority: u32,
        deps: &[TaskId],
    ) -> Result<(), ScheduleError> {
        todo!()
    }

    /// Returns every task once, each after all its dependencies; among the tasks ready at any
    /// point, the highest priority goes first, then the lowest id.
    pub fn plan(&self) -> Result<Vec<TaskId>, PlanError> {
        todo!()
    }
}
