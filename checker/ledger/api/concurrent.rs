//! ledger stage 4 (concurrent): the "API to add" of prompts/ledger/4-concurrent.md, one `// api` line per item.

// api: pub struct SharedLedger
const _: () = {
    fn shared<T: Send + Sync>() {}
    let _ = shared::<drill::SharedLedger>;
};

// api SharedLedger: pub fn new() -> Self
const _: fn() -> drill::SharedLedger = drill::SharedLedger::new;

// api SharedLedger: pub fn open_account(&self, account: AccountId) -> Result<TxId, LedgerError>
const _: fn(&drill::SharedLedger, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::SharedLedger::open_account;

// api SharedLedger: pub fn deposit(&self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError>
const _: fn(&drill::SharedLedger, u64, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::SharedLedger::deposit;

// api SharedLedger: pub fn withdraw(&self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError>
const _: fn(&drill::SharedLedger, u64, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::SharedLedger::withdraw;

// api SharedLedger: pub fn transfer(&self, from: AccountId, to: AccountId, amount: Amount) -> Result<TxId, LedgerError>
const _: fn(&drill::SharedLedger, u64, u64, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::SharedLedger::transfer;

// api SharedLedger: pub fn reverse(&self, transfer: TxId) -> Result<TxId, LedgerError>
const _: fn(&drill::SharedLedger, drill::TxId) -> Result<drill::TxId, drill::LedgerError> =
    drill::SharedLedger::reverse;

// api SharedLedger: pub fn balance(&self, account: AccountId) -> Option<Amount>
const _: fn(&drill::SharedLedger, u64) -> Option<u64> = drill::SharedLedger::balance;

// api SharedLedger: pub fn execute(&self, key: &str, request: Request) -> Result<TxId, LedgerError>
const _: fn(&drill::SharedLedger, &str, drill::Request) -> Result<drill::TxId, drill::LedgerError> =
    drill::SharedLedger::execute;

// api SharedLedger: pub fn journal(&self) -> Vec<Entry>
const _: fn(&drill::SharedLedger) -> Vec<drill::Entry> = drill::SharedLedger::journal;

// api SharedLedger: pub fn statement(&self, account: AccountId) -> Option<Vec<StatementLine>>
const _: fn(&drill::SharedLedger, u64) -> Option<Vec<drill::StatementLine>> =
    drill::SharedLedger::statement;
