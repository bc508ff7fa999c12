//! scheduler stage 4 (workers): the "API to add" of prompts/scheduler/4-workers.md, one `// api` line per item.

use std::collections::BTreeMap;

// api: pub struct CancelToken
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Default + Send + Sync>() {}
    let _ = derives::<drill::CancelToken>;
};

// api CancelToken: pub fn new() -> Self
const _: fn() -> drill::CancelToken = drill::CancelToken::new;

// api CancelToken: pub fn cancel(&self)
const _: fn(&drill::CancelToken) = drill::CancelToken::cancel;

// api CancelToken: pub fn is_cancelled(&self) -> bool
const _: fn(&drill::CancelToken) -> bool = drill::CancelToken::is_cancelled;

// api Scheduler: pub fn run<F>(&mut self, workers: usize, cancel: &CancelToken, task: F) -> std::collections::BTreeMap<TaskId, TaskState> where F: Fn(TaskId, u32) -> Result<(), String> + Sync
const _: fn(&mut drill::Scheduler, usize, &drill::CancelToken, fn(u64, u32) -> Result<(), String>) -> BTreeMap<u64, drill::TaskState> =
    drill::Scheduler::run;
