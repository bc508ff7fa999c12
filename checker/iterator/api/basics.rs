//! iterator stage 1 (basics): the stub's API as prompts/iterator/1-basics.md spells it, one `// api` line per item.

// api: pub struct ResumableIter<T>
const _: fn(drill::ResumableIter<u32>) = drop;

// api ResumableIter: pub fn new(source_id: impl Into<String>, items: Vec<T>) -> Self
const _: fn(String, Vec<u32>) -> drill::ResumableIter<u32> = drill::ResumableIter::new;

// api ResumableIter: pub fn source_id(&self) -> &str
const _: for<'a> fn(&'a drill::ResumableIter<u32>) -> &'a str = drill::ResumableIter::source_id;

// api ResumableIter: pub fn offset(&self) -> usize
const _: fn(&drill::ResumableIter<u32>) -> usize = drill::ResumableIter::offset;

// api ResumableIter: pub fn reset(&mut self)
const _: fn(&mut drill::ResumableIter<u32>) = drill::ResumableIter::reset;

// api: impl<T: Clone> Iterator for ResumableIter<T>
const _: fn(&mut drill::ResumableIter<u32>) -> Option<u32> =
    <drill::ResumableIter<u32> as Iterator>::next;
