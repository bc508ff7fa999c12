//! scheduler stage 5 (priority_aging): the "API to add" of prompts/scheduler/5-priority_aging.md, one `// api` line per item.

// api: pub struct AgingQueue<T>
const _: fn(drill::AgingQueue<u32>) = drop;

// api AgingQueue: pub fn new(aging_ms: u64) -> Self
const _: fn(u64) -> drill::AgingQueue<u32> = drill::AgingQueue::new;

// api AgingQueue: pub fn len(&self) -> usize
const _: fn(&drill::AgingQueue<u32>) -> usize = drill::AgingQueue::len;

// api AgingQueue: pub fn is_empty(&self) -> bool
const _: fn(&drill::AgingQueue<u32>) -> bool = drill::AgingQueue::is_empty;

// api AgingQueue: pub fn push(&mut self, item: T, priority: u32, now: u64)
const _: fn(&mut drill::AgingQueue<u32>, u32, u32, u64) = drill::AgingQueue::push;

// api AgingQueue: pub fn pop(&mut self) -> Option<T>
const _: fn(&mut drill::AgingQueue<u32>) -> Option<u32> = drill::AgingQueue::pop;

// api AgingQueue: pub fn peek(&self) -> Option<&T>
const _: for<'a> fn(&'a drill::AgingQueue<u32>) -> Option<&'a u32> = drill::AgingQueue::peek;
