//! iterator stage 5 (exactly_once_batch): the "API to add" of prompts/iterator/5-exactly_once_batch.md, one `// api` line per item.

// api: pub trait Sink<O>
struct Outputs;
impl drill::Sink<u64> for Outputs {
    // api Sink: fn committed(&mut self) -> Result<Option<Checkpoint>, SinkError>
    fn committed(&mut self) -> Result<Option<drill::Checkpoint>, drill::SinkError> {
        Ok(None)
    }
    // api Sink: fn commit(&mut self, outputs: Vec<O>, progress: Checkpoint) -> Result<(), SinkError>
    fn commit(&mut self, _: Vec<u64>, _: drill::Checkpoint) -> Result<(), drill::SinkError> {
        Ok(())
    }
}

// api: pub struct SinkError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq + std::fmt::Display + std::error::Error>() {}
    let _ = derives::<drill::SinkError>;
};

// api SinkError: pub message: String
const _: fn(drill::SinkError) -> String = |e| e.message;

// api SinkError: pub fn new(message: impl Into<String>) -> Self
const _: fn(String) -> drill::SinkError = drill::SinkError::new;

// api: pub enum BatchError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq + std::fmt::Display + std::error::Error>() {}
    let _ = derives::<drill::BatchError>;
};

// api BatchError: ZeroBatchSize
const _: drill::BatchError = drill::BatchError::ZeroBatchSize;

// api BatchError: Sink(SinkError)
const _: fn(drill::SinkError) -> drill::BatchError = drill::BatchError::Sink;

// api BatchError: Restore(IterError)
const _: fn(drill::IterError) -> drill::BatchError = drill::BatchError::Restore;

// api: pub struct BatchReport
const _: fn(usize, usize, usize) -> drill::BatchReport = |resumed_from, processed, commits| {
    drill::BatchReport { resumed_from, processed, commits }
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq>() {}
    let _ = derives::<drill::BatchReport>;
};

// api BatchReport: pub resumed_from: usize
const _: fn(drill::BatchReport) -> usize = |r| r.resumed_from;

// api BatchReport: pub processed: usize
const _: fn(drill::BatchReport) -> usize = |r| r.processed;

// api BatchReport: pub commits: usize
const _: fn(drill::BatchReport) -> usize = |r| r.commits;

// api: pub fn run_batch<T, O, S>(iter: &mut ResumableIter<T>, sink: &mut S, every: usize, process: impl FnMut(T) -> O) -> Result<BatchReport, BatchError> where T: Clone, S: Sink<O> + ?Sized
const _: fn(&mut drill::ResumableIter<u32>, &mut Outputs, usize, fn(u32) -> u64) -> Result<drill::BatchReport, drill::BatchError> =
    drill::run_batch;
const _: fn(&mut drill::ResumableIter<u32>, &mut (dyn drill::Sink<u64> + 'static), usize, fn(u32) -> u64) -> Result<drill::BatchReport, drill::BatchError> =
    drill::run_batch;
