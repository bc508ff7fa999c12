//! log_parser stage 3 (windows): the "API to add" of prompts/log_parser/3-windows.md, one `// api` line per item.

// api: pub struct LevelCounts { /* … */ }
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + Copy + Default + PartialEq + Eq>() {}
    let _ = traits::<drill::LevelCounts>;
};

// api LevelCounts: pub fn get(&self, level: Level) -> u64;
const _: fn(&drill::LevelCounts, drill::Level) -> u64 = drill::LevelCounts::get;

// api LevelCounts: pub fn total(&self) -> u64;
const _: fn(&drill::LevelCounts) -> u64 = drill::LevelCounts::total;

// api: pub enum Arrival { OnTime, Late, }
const _: [drill::Arrival; 2] = [drill::Arrival::OnTime, drill::Arrival::Late];
const _: () = {
    fn traits<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq>() {}
    let _ = traits::<drill::Arrival>;
};

// api LevelWindow: pub fn new(window_ms: u64, tolerance_ms: u64) -> Self;
const _: fn(u64, u64) -> drill::LevelWindow = drill::LevelWindow::new;

// api LevelWindow: pub fn observe(&mut self, timestamp_ms: i64, level: Level) -> Arrival;
const _: fn(&mut drill::LevelWindow, i64, drill::Level) -> drill::Arrival = drill::LevelWindow::observe;

// api LevelWindow: pub fn counts(&self) -> LevelCounts;
const _: fn(&drill::LevelWindow) -> drill::LevelCounts = drill::LevelWindow::counts;

// api LevelWindow: pub fn late(&self) -> u64;
const _: fn(&drill::LevelWindow) -> u64 = drill::LevelWindow::late;

// api LevelWindow: pub fn watermark(&self) -> Option<i64>;
const _: fn(&drill::LevelWindow) -> Option<i64> = drill::LevelWindow::watermark;
