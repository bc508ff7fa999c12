//! Wrong solution: `next` removes the item from the front of a Vec, so every call shifts the rest (O(n)).

/// An iterator that keeps the unread items and pops them from the front.
pub struct ResumableIter<T> {
    source_id: String,
    all: Vec<T>,
    remaining: Vec<T>,
}

impl<T: Clone> ResumableIter<T> {
    /// Returns an iterator at offset 0.
    pub fn new(source_id: impl Into<String>, items: Vec<T>) -> Self {
        ResumableIter {
            source_id: source_id.into(),
            remaining: items.clone(),
            all: items,
        }
    }

    /// Returns the source's name.
    pub fn source_id(&self) -> &str {
        &self.source_id
    }

    /// Returns how many items were delivered.
    pub fn offset(&self) -> usize {
        self.all.len() - self.remaining.len()
    }

    /// Rewinds to the first item.
    pub fn reset(&mut self) {
        self.remaining = self.all.clone();
    }
}

impl<T: Clone> Iterator for ResumableIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.remaining.is_empty() {
            None
        } else {
            Some(self.remaining.remove(0))
        }
    }
}
