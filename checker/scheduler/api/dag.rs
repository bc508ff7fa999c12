//! scheduler stage 1 (dag): the stub's API as prompts/scheduler/1-dag.md spells it, one `// api` line per item.

// api: pub type TaskId = u64
const _: fn(drill::TaskId) -> u64 = |t| t;

// api: pub enum ScheduleError { DuplicateTask(TaskId) }
const _: fn(u64) -> drill::ScheduleError = drill::ScheduleError::DuplicateTask;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::ScheduleError>;
};

// api: pub enum PlanError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::PlanError>;
};

// api PlanError: UnknownDependency { task: TaskId, dependency: TaskId }
const _: fn(u64, u64) -> drill::PlanError =
    |task, dependency| drill::PlanError::UnknownDependency { task, dependency };

// api PlanError: Cycle(Vec<TaskId>)
const _: fn(Vec<u64>) -> drill::PlanError = drill::PlanError::Cycle;

// api: pub struct Scheduler
const _: fn(drill::Scheduler) = drop;

// api Scheduler: pub fn new() -> Self
const _: fn() -> drill::Scheduler = drill::Scheduler::new;

// api Scheduler: pub fn len(&self) -> usize
const _: fn(&drill::Scheduler) -> usize = drill::Scheduler::len;

// api Scheduler: pub fn is_empty(&self) -> bool
const _: fn(&drill::Scheduler) -> bool = drill::Scheduler::is_empty;

// api Scheduler: pub fn add_task(&mut self, id: TaskId, priority: u32, deps: &[TaskId]) -> Result<(), ScheduleError>
const _: fn(&mut drill::Scheduler, u64, u32, &[u64]) -> Result<(), drill::ScheduleError> =
    drill::Scheduler::add_task;

// api Scheduler: pub fn plan(&self) -> Result<Vec<TaskId>, PlanError>
const _: fn(&drill::Scheduler) -> Result<Vec<u64>, drill::PlanError> = drill::Scheduler::plan;
