//! log_parser stage 2 (streaming): the "API to add" of prompts/log_parser/2-streaming.md, one `// api` line per item.

// api ProblemKind: InvalidUtf8,
const _: drill::ProblemKind = drill::ProblemKind::InvalidUtf8;

// api ProblemKind: TooLong,
const _: drill::ProblemKind = drill::ProblemKind::TooLong;

// api: pub enum Entry { Record(Record), Problem(Problem), }
const _: fn(drill::Record) -> drill::Entry = drill::Entry::Record;
const _: fn(drill::Problem) -> drill::Entry = drill::Entry::Problem;
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = traits::<drill::Entry>;
};

// api: pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;
const _: usize = drill::DEFAULT_MAX_RECORD_BYTES;

// api LogReader: pub fn new(reader: R) -> Self;
const _: fn(&'static [u8]) -> drill::LogReader<&'static [u8]> = drill::LogReader::new;

// api LogReader: pub fn with_max_record_bytes(reader: R, max_record_bytes: usize) -> Self;
const _: fn(&'static [u8], usize) -> drill::LogReader<&'static [u8]> =
    drill::LogReader::with_max_record_bytes;

// api: impl<R: BufRead> Iterator for LogReader<R> { type Item = std::io::Result<Entry>; }
const _: fn(&mut drill::LogReader<&'static [u8]>) -> Option<std::io::Result<drill::Entry>> =
    <drill::LogReader<&'static [u8]> as Iterator>::next;
