//! ledger stage 1 (accounts): the stub's API as prompts/ledger/1-accounts.md spells it, one `// api` line per item.

// api: pub type AccountId = u64
const _: fn(drill::AccountId) -> u64 = |a| a;

// api: pub type Amount = u64
const _: fn(drill::Amount) -> u64 = |a| a;

// api: pub struct TxId(pub u64)
const _: fn(u64) -> drill::TxId = drill::TxId;
const _: fn(drill::TxId) -> u64 = |t| t.0;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::hash::Hash + PartialOrd + Ord>() {}
    let _ = derives::<drill::TxId>;
};

// api: pub enum LedgerError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::LedgerError>;
};

// api LedgerError: UnknownAccount(AccountId)
const _: fn(u64) -> drill::LedgerError = drill::LedgerError::UnknownAccount;

// api LedgerError: AccountExists(AccountId)
const _: fn(u64) -> drill::LedgerError = drill::LedgerError::AccountExists;

// api LedgerError: ZeroAmount
const _: drill::LedgerError = drill::LedgerError::ZeroAmount;

// api LedgerError: SameAccount(AccountId)
const _: fn(u64) -> drill::LedgerError = drill::LedgerError::SameAccount;

// api LedgerError: InsufficientFunds { account: AccountId, balance: Amount, requested: Amount }
const _: fn(u64, u64, u64) -> drill::LedgerError = |account, balance, requested| {
    drill::LedgerError::InsufficientFunds { account, balance, requested }
};

// api LedgerError: BalanceOverflow(AccountId)
const _: fn(u64) -> drill::LedgerError = drill::LedgerError::BalanceOverflow;

// api: impl std::fmt::Display for LedgerError
const _: () = {
    fn display<T: std::fmt::Display>() {}
    let _ = display::<drill::LedgerError>;
};

// api: impl std::error::Error for LedgerError {}
const _: () = {
    fn error<T: std::error::Error>() {}
    let _ = error::<drill::LedgerError>;
};

// api Ledger: pub fn new() -> Self
const _: fn() -> drill::Ledger = drill::Ledger::new;

// api Ledger: pub fn open_account(&mut self, account: AccountId) -> Result<TxId, LedgerError>
const _: fn(&mut drill::Ledger, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::Ledger::open_account;

// api Ledger: pub fn deposit(&mut self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError>
const _: fn(&mut drill::Ledger, u64, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::Ledger::deposit;

// api Ledger: pub fn withdraw(&mut self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError>
const _: fn(&mut drill::Ledger, u64, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::Ledger::withdraw;

// api Ledger: pub fn transfer(&mut self, from: AccountId, to: AccountId, amount: Amount) -> Result<TxId, LedgerError>
const _: fn(&mut drill::Ledger, u64, u64, u64) -> Result<drill::TxId, drill::LedgerError> =
    drill::Ledger::transfer;

// api Ledger: pub fn balance(&self, account: AccountId) -> Option<Amount>
const _: fn(&drill::Ledger, u64) -> Option<u64> = drill::Ledger::balance;
