//! Your banking ledger: accounts holding integer minor units, with deposits, withdrawals and transfers.
// Remove this line once you start: it only keeps the untouched stub free of warnings.
#![allow(unused_variables, dead_code)]

use std::fmt;

/// An account's identifier, chosen by the caller when it opens the account.
pub type AccountId = u64;

/// An amount of money in integer minor units (cents for EUR or USD); never a float.
pub type Amount = u64;

/// The identifier of one successful change: the first change is `TxId(1)`, each later one the
/// next number. A refused call uses no id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxId(pub u64);

/// Why the ledger refused a call; a refused call changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// No account has this id.
    UnknownAccount(AccountId),
    /// An account with this id is already open.
    AccountExists(AccountId),
    /// The amount is zero; every change moves a positive amount.
    ZeroAmount,
    /// A transfer names this account as both source and destination.
    SameAccount(AccountId),
    /// The account holds less than the change would take out of it.
    InsufficientFunds {
        /// The account that would be overdrawn.
        account: AccountId,
        /// Its balance when the call was checked.
        balance: Amount,
        /// What the call would take out.
        requested: Amount,
    },
    /// The change would push this account's balance past `Amount::MAX`.
    BalanceOverflow(AccountId),
}

impl fmt::Display for LedgerError {
    /// Writes a one-line, human-readable explanation (not the `Debug` form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

impl std::error::Error for LedgerError {}

/// A single-threaded ledger of accounts.
#[derive(Debug, Default)]
pub struct Ledger {
    // Your fields here.
}

impl Ledger {
    /// Returns an empty ledger with no accounts.
    pub fn new() -> Self {
        todo!()
    }

    /// Opens `account` with a zero balance, or returns `AccountExists`.
    pub fn open_account(&mut self, account: AccountId) -> Result<TxId, LedgerError> {
        todo!()
    }

    /// Puts `amount` into `account`.
    pub fn deposit(&mut self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError> {
        todo!()
    }

    /// Takes `amount` out of `account`, or returns `InsufficientFunds` if it holds less.
    pub fn withdraw(&mut self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError> {
        todo!()
    }

    /// Moves `amount` from `from` to `to`, all or nothing.
    pub fn transfer(
        &mut self,
        from: AccountId,
        to: AccountId,
        amount: Amount,
    ) -> Result<TxId, LedgerError> {
        todo!()
    }

    /// Returns the balance of `account`, or `None` if no such account is open.
    pub fn balance(&self, account: AccountId) -> Option<Amount> {
        todo!()
    }
}
