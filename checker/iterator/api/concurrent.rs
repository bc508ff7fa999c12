//! iterator stage 4 (concurrent): the "API to add" of prompts/iterator/4-concurrent.md, one `// api` line per item.

// api: pub struct SharedIter<T>
const _: () = {
    fn shared<T: Send + Sync>() {}
    let _ = shared::<drill::SharedIter<u32>>;
};

// api SharedIter: pub fn new(source_id: impl Into<String>, items: Vec<T>) -> Self
const _: fn(String, Vec<u32>) -> drill::SharedIter<u32> = drill::SharedIter::new;

// api SharedIter: pub fn next(&self) -> Option<T>
const _: fn(&drill::SharedIter<u32>) -> Option<u32> = drill::SharedIter::next;

// api SharedIter: pub fn try_next(&self) -> Result<Option<T>, IterError>
const _: fn(&drill::SharedIter<u32>) -> Result<Option<u32>, drill::IterError> =
    drill::SharedIter::try_next;

// api SharedIter: pub fn next_batch(&self, max: usize) -> Vec<T>
const _: fn(&drill::SharedIter<u32>, usize) -> Vec<u32> = drill::SharedIter::next_batch;

// api SharedIter: pub fn pause(&self) -> Result<(), IterError>
const _: fn(&drill::SharedIter<u32>) -> Result<(), drill::IterError> = drill::SharedIter::pause;

// api SharedIter: pub fn resume(&self) -> Result<(), IterError>
const _: fn(&drill::SharedIter<u32>) -> Result<(), drill::IterError> = drill::SharedIter::resume;

// api SharedIter: pub fn is_paused(&self) -> bool
const _: fn(&drill::SharedIter<u32>) -> bool = drill::SharedIter::is_paused;

// api SharedIter: pub fn offset(&self) -> usize
const _: fn(&drill::SharedIter<u32>) -> usize = drill::SharedIter::offset;

// api SharedIter: pub fn checkpoint(&self) -> Checkpoint
const _: fn(&drill::SharedIter<u32>) -> drill::Checkpoint = drill::SharedIter::checkpoint;

// api SharedIter: pub fn restore(&self, checkpoint: &Checkpoint) -> Result<(), IterError>
const _: fn(&drill::SharedIter<u32>, &drill::Checkpoint) -> Result<(), drill::IterError> =
    drill::SharedIter::restore;

// api: impl<T> From<ResumableIter<T>> for SharedIter<T>
const _: fn(drill::ResumableIter<u32>) -> drill::SharedIter<u32> =
    <drill::SharedIter<u32> as From<drill::ResumableIter<u32>>>::from;
