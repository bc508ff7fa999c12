//! scheduler stage 3 (retries): the "API to add" of prompts/scheduler/3-retries.md, one `// api` line per item.

use std::collections::BTreeMap;

// api ScheduleError: UnknownTask(TaskId)
const _: fn(u64) -> drill::ScheduleError = drill::ScheduleError::UnknownTask;

// api ScheduleError: NotRunning(TaskId)
const _: fn(u64) -> drill::ScheduleError = drill::ScheduleError::NotRunning;

// api ScheduleError: Started
const _: drill::ScheduleError = drill::ScheduleError::Started;

// api: pub struct RetryPolicy
const _: fn(u32, u64, u64) -> drill::RetryPolicy = |max_attempts, base_delay_ms, max_delay_ms| {
    drill::RetryPolicy { max_attempts, base_delay_ms, max_delay_ms }
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + Default>() {}
    let _ = derives::<drill::RetryPolicy>;
};

// api: pub enum TaskState
const _: fn(drill::TaskState) -> u32 = |s| match s {
    drill::TaskState::Pending => 0,
    drill::TaskState::Running { attempt } => attempt,
    drill::TaskState::Succeeded { attempts } => attempts,
    drill::TaskState::Failed { attempts } => attempts,
    drill::TaskState::Skipped { because: _ } => 0,
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq>() {}
    let _ = derives::<drill::TaskState>;
};

// api Scheduler: pub fn set_retry(&mut self, id: TaskId, policy: RetryPolicy) -> Result<(), ScheduleError>
const _: fn(&mut drill::Scheduler, u64, drill::RetryPolicy) -> Result<(), drill::ScheduleError> =
    drill::Scheduler::set_retry;

// api Scheduler: pub fn next_ready(&mut self, now: u64) -> Option<TaskId>
const _: fn(&mut drill::Scheduler, u64) -> Option<u64> = drill::Scheduler::next_ready;

// api Scheduler: pub fn complete(&mut self, id: TaskId) -> Result<(), ScheduleError>
const _: fn(&mut drill::Scheduler, u64) -> Result<(), drill::ScheduleError> = drill::Scheduler::complete;

// api Scheduler: pub fn fail(&mut self, id: TaskId, now: u64) -> Result<(), ScheduleError>
const _: fn(&mut drill::Scheduler, u64, u64) -> Result<(), drill::ScheduleError> = drill::Scheduler::fail;

// api Scheduler: pub fn summary(&self) -> std::collections::BTreeMap<TaskId, TaskState>
const _: fn(&drill::Scheduler) -> BTreeMap<u64, drill::TaskState> = drill::Scheduler::summary;
