//! log_parser stage 1 (records): the stub's API as prompts/log_parser/1-records.md spells it, one `// api` line per item.

// api: pub enum Level { Trace, Debug, Info, Warn, Error, Fatal }
const _: [drill::Level; 6] = [
    drill::Level::Trace,
    drill::Level::Debug,
    drill::Level::Info,
    drill::Level::Warn,
    drill::Level::Error,
    drill::Level::Fatal,
];
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + PartialOrd + Ord + std::hash::Hash>() {}
    let _ = traits::<drill::Level>;
};

// api Level: pub const ALL: [Level; 6];
const _: [drill::Level; 6] = drill::Level::ALL;

// api Level: pub fn from_name(name: &str) -> Option<Level>;
const _: fn(&str) -> Option<drill::Level> = drill::Level::from_name;

// api Level: pub fn as_str(self) -> &'static str;
const _: fn(drill::Level) -> &'static str = drill::Level::as_str;

// api: pub struct Record { pub line: u64, pub timestamp_ms: i64, pub level: Level, pub component: String, pub message: String }
const _: fn(u64, i64, drill::Level, String, String) -> drill::Record =
    |line, timestamp_ms, level, component, message| drill::Record {
        line,
        timestamp_ms,
        level,
        component,
        message,
    };
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = traits::<drill::Record>;
};

// api: pub enum ProblemKind { BadTimestamp, BadLevel, BadComponent, OrphanContinuation }
const _: [drill::ProblemKind; 4] = [
    drill::ProblemKind::BadTimestamp,
    drill::ProblemKind::BadLevel,
    drill::ProblemKind::BadComponent,
    drill::ProblemKind::OrphanContinuation,
];
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::hash::Hash>() {}
    let _ = traits::<drill::ProblemKind>;
};

// api: pub struct Problem { pub line: u64, pub kind: ProblemKind }
const _: fn(u64, drill::ProblemKind) -> drill::Problem = |line, kind| drill::Problem { line, kind };
const _: () = {
    fn traits<
        T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::hash::Hash + std::fmt::Display + std::error::Error,
    >() {
    }
    let _ = traits::<drill::Problem>;
};

// api: pub struct Parsed { pub records: Vec<Record>, pub problems: Vec<Problem> }
const _: fn(Vec<drill::Record>, Vec<drill::Problem>) -> drill::Parsed =
    |records, problems| drill::Parsed { records, problems };
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + Default + PartialEq + Eq>() {}
    let _ = traits::<drill::Parsed>;
};

// api: pub fn parse(input: &str) -> Parsed;
const _: fn(&str) -> drill::Parsed = drill::parse;

// api: pub fn parse_timestamp(text: &str) -> Option<i64>;
const _: fn(&str) -> Option<i64> = drill::parse_timestamp;
