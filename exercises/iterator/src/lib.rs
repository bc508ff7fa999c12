//! Your resumable iterator: walks a named source, knows its offset, can be rewound.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

/// An iterator over a named source (`source_id`) that knows how many items it has delivered.
///
/// Items are handed out as clones, in source order; once every item has been delivered the
/// iterator stays exhausted (keeps returning `None`) until it is reset.
pub struct ResumableIter<T> {
    _todo: std::marker::PhantomData<T>,
}

impl<T: Clone> ResumableIter<T> {
    /// Returns an iterator at offset 0 over `items`, a source named `source_id`.
    pub fn new(source_id: impl Into<String>, items: Vec<T>) -> Self {
        todo!()
    }

    /// Returns the name of the source this iterator walks.
    pub fn source_id(&self) -> &str {
        todo!()
    }

    /// Returns how many items have been delivered since the start (or the last reset):
    /// 0 before the first `next`, the number of items once exhausted.
    pub fn offset(&self) -> usize {
        todo!()
    }

    /// Rewinds to the first item: the next `next` returns the source's first item again.
    pub fn reset(&mut self) {
        todo!()
    }
}

impl<T: Clone> Iterator for ResumableIter<T> {
    type Item = T;

    /// Returns the next item and advances, or `None` once every item has been delivered
    /// (and `None` again on every later call, until `reset`).
    fn next(&mut self) -> Option<T> {
        todo!()
    }
}
