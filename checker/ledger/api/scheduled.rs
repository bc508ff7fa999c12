//! ledger stage 5 (scheduled): the "API to add" of prompts/ledger/5-scheduled.md, one `// api` line per item.

// api: pub type Timestamp = u64
const _: fn(drill::Timestamp) -> u64 = |t| t;

// api: pub struct ScheduleId(pub u64)
const _: fn(u64) -> drill::ScheduleId = drill::ScheduleId;
const _: fn(drill::ScheduleId) -> u64 = |s| s.0;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::hash::Hash + PartialOrd + Ord>() {}
    let _ = derives::<drill::ScheduleId>;
};

// api LedgerError: NotScheduled(ScheduleId)
const _: fn(drill::ScheduleId) -> drill::LedgerError = drill::LedgerError::NotScheduled;

// api SharedLedger: pub fn schedule_transfer(&self, at: Timestamp, from: AccountId, to: AccountId, amount: Amount) -> Result<ScheduleId, LedgerError>
const _: fn(&drill::SharedLedger, u64, u64, u64, u64) -> Result<drill::ScheduleId, drill::LedgerError> =
    drill::SharedLedger::schedule_transfer;

// api SharedLedger: pub fn cancel(&self, id: ScheduleId) -> Result<(), LedgerError>
const _: fn(&drill::SharedLedger, drill::ScheduleId) -> Result<(), drill::LedgerError> =
    drill::SharedLedger::cancel;

// api SharedLedger: pub fn run_due(&self, now: Timestamp) -> Vec<(ScheduleId, Result<TxId, LedgerError>)>
const _: fn(&drill::SharedLedger, u64) -> Vec<(drill::ScheduleId, Result<drill::TxId, drill::LedgerError>)> =
    drill::SharedLedger::run_due;
