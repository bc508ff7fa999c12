//! iterator stage 2 (pause_resume): the "API to add" of prompts/iterator/2-pause_resume.md, one `// api` line per item.

// api: pub enum IterError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::IterError>;
};

// api IterError: Paused
const _: drill::IterError = drill::IterError::Paused;

// api IterError: AlreadyPaused
const _: drill::IterError = drill::IterError::AlreadyPaused;

// api IterError: NotPaused
const _: drill::IterError = drill::IterError::NotPaused;

// api IterError: SourceMismatch { expected: String, found: String }
const _: fn(String, String) -> drill::IterError =
    |expected, found| drill::IterError::SourceMismatch { expected, found };

// api IterError: OffsetOutOfRange { offset: usize, len: usize }
const _: fn(usize, usize) -> drill::IterError =
    |offset, len| drill::IterError::OffsetOutOfRange { offset, len };

// api: impl std::fmt::Display for IterError
const _: () = {
    fn display<T: std::fmt::Display>() {}
    let _ = display::<drill::IterError>;
};

// api: impl std::error::Error for IterError {}
const _: () = {
    fn error<T: std::error::Error>() {}
    let _ = error::<drill::IterError>;
};

// api: pub struct Checkpoint
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Checkpoint>;
};

// api Checkpoint: pub fn new(source_id: impl Into<String>, offset: usize) -> Self
const _: fn(String, usize) -> drill::Checkpoint = drill::Checkpoint::new;

// api Checkpoint: pub fn source_id(&self) -> &str
const _: for<'a> fn(&'a drill::Checkpoint) -> &'a str = drill::Checkpoint::source_id;

// api Checkpoint: pub fn offset(&self) -> usize
const _: fn(&drill::Checkpoint) -> usize = drill::Checkpoint::offset;

// api ResumableIter: pub fn try_next(&mut self) -> Result<Option<T>, IterError>
const _: fn(&mut drill::ResumableIter<u32>) -> Result<Option<u32>, drill::IterError> =
    drill::ResumableIter::try_next;

// api ResumableIter: pub fn pause(&mut self) -> Result<(), IterError>
const _: fn(&mut drill::ResumableIter<u32>) -> Result<(), drill::IterError> =
    drill::ResumableIter::pause;

// api ResumableIter: pub fn resume(&mut self) -> Result<(), IterError>
const _: fn(&mut drill::ResumableIter<u32>) -> Result<(), drill::IterError> =
    drill::ResumableIter::resume;

// api ResumableIter: pub fn is_paused(&self) -> bool
const _: fn(&drill::ResumableIter<u32>) -> bool = drill::ResumableIter::is_paused;

// api ResumableIter: pub fn checkpoint(&self) -> Checkpoint
const _: fn(&drill::ResumableIter<u32>) -> drill::Checkpoint = drill::ResumableIter::checkpoint;

// api ResumableIter: pub fn restore(&mut self, checkpoint: &Checkpoint) -> Result<(), IterError>
const _: fn(&mut drill::ResumableIter<u32>, &drill::Checkpoint) -> Result<(), drill::IterError> =
    drill::ResumableIter::restore;
