//! A banking ledger in integer minor units: accounts, idempotent requests, an append-only journal with reversals, a thread-safe variant with scheduled transfers, and a crash-safe journal on disk.
//!
//! [`Ledger`] is the single-threaded core. [`SharedLedger`] offers the same operations through
//! `&self` with one lock per account, taken in ascending account order so that no two transfers
//! can deadlock. [`DurableLedger`] writes every request to a checksummed log (a file, or any
//! [`LogStorage`]) and syncs it before answering, and rebuilds itself from that log when opened.

// Edition 2024 here (merged doctests), yet no let chains: wrong solutions are patches of this
// text that verify compiles as 2021, the learner's edition.
#![allow(clippy::collapsible_if)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};

/// An account's identifier, chosen by the caller when it opens the account.
///
/// # Example
///
/// ```
/// let account: ledger_solution::AccountId = 42;
/// let mut ledger = ledger_solution::Ledger::new();
/// ledger.open_account(account).unwrap();
/// ```
pub type AccountId = u64;

/// An amount of money in integer minor units (cents for EUR or USD); never a float.
///
/// # Example
///
/// ```
/// let twelve_euros_fifty: ledger_solution::Amount = 1_250;
/// let mut ledger = ledger_solution::Ledger::new();
/// ledger.open_account(1).unwrap();
/// ledger.deposit(1, twelve_euros_fifty).unwrap();
/// assert_eq!(ledger.balance(1), Some(1_250));
/// ```
pub type Amount = u64;

/// A point in time on the caller's clock, for example milliseconds since an epoch.
///
/// # Example
///
/// ```
/// let ledger = ledger_solution::SharedLedger::new();
/// let now: ledger_solution::Timestamp = 1_700_000_000_000;
/// assert!(ledger.run_due(now).is_empty());
/// ```
pub type Timestamp = u64;

/// The identifier of one successful change: the first change is `TxId(1)`, each later one the next number.
///
/// # Example
///
/// ```
/// use ledger_solution::{Ledger, TxId};
///
/// let mut ledger = Ledger::new();
/// assert_eq!(ledger.open_account(7), Ok(TxId(1)));
/// assert_eq!(ledger.deposit(7, 250), Ok(TxId(2)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxId(pub u64);

/// The identifier of a scheduled transfer: the first one scheduled is `ScheduleId(1)`, then 2, 3, …
///
/// # Example
///
/// ```
/// use ledger_solution::{ScheduleId, SharedLedger};
///
/// let ledger = SharedLedger::new();
/// ledger.open_account(1).unwrap();
/// ledger.open_account(2).unwrap();
/// assert_eq!(ledger.schedule_transfer(100, 1, 2, 5), Ok(ScheduleId(1)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScheduleId(pub u64);

/// Why the ledger refused a request; a refused request changes nothing.
///
/// # Example
///
/// ```
/// use ledger_solution::{Ledger, LedgerError};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(1).unwrap();
/// let err = ledger.withdraw(1, 10).unwrap_err();
/// assert_eq!(err, LedgerError::InsufficientFunds { account: 1, balance: 0, requested: 10 });
/// assert_eq!(err.to_string(), "account 1 holds 0, cannot take out 10");
/// ```
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
        /// Its balance when the request was checked.
        balance: Amount,
        /// What the request would take out.
        requested: Amount,
    },
    /// The change would push this account's balance past [`Amount::MAX`].
    BalanceOverflow(AccountId),
    /// This idempotency key was first used for a different request.
    IdempotencyConflict(String),
    /// No change has this id.
    UnknownTransaction(TxId),
    /// The change is not a transfer, so it cannot be reversed.
    NotATransfer(TxId),
    /// The transfer has already been reversed.
    AlreadyReversed(TxId),
    /// No scheduled transfer with this id is still waiting to run.
    NotScheduled(ScheduleId),
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerError::UnknownAccount(id) => write!(f, "no account {id}"),
            LedgerError::AccountExists(id) => write!(f, "account {id} is already open"),
            LedgerError::ZeroAmount => write!(f, "the amount must be positive"),
            LedgerError::SameAccount(id) => {
                write!(f, "cannot transfer from account {id} to itself")
            }
            LedgerError::InsufficientFunds {
                account,
                balance,
                requested,
            } => write!(
                f,
                "account {account} holds {balance}, cannot take out {requested}"
            ),
            LedgerError::BalanceOverflow(id) => {
                write!(f, "the balance of account {id} would overflow")
            }
            LedgerError::IdempotencyConflict(key) => {
                write!(
                    f,
                    "idempotency key {key:?} was used for a different request"
                )
            }
            LedgerError::UnknownTransaction(tx) => write!(f, "no change {}", tx.0),
            LedgerError::NotATransfer(tx) => {
                write!(
                    f,
                    "change {} is not a transfer and cannot be reversed",
                    tx.0
                )
            }
            LedgerError::AlreadyReversed(tx) => {
                write!(f, "transfer {} has already been reversed", tx.0)
            }
            LedgerError::NotScheduled(id) => {
                write!(f, "no scheduled transfer {} is waiting to run", id.0)
            }
        }
    }
}

impl std::error::Error for LedgerError {}

/// A mutating request, as carried by [`Ledger::execute`] with its idempotency key.
///
/// # Example
///
/// ```
/// use ledger_solution::{Ledger, Request};
///
/// let mut ledger = Ledger::new();
/// let open = Request::OpenAccount { account: 1 };
/// let first = ledger.execute("open-1", open.clone());
/// assert_eq!(ledger.execute("open-1", open), first);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Opens `account` with a zero balance.
    OpenAccount {
        /// The new account's id.
        account: AccountId,
    },
    /// Puts `amount` into `account`.
    Deposit {
        /// The account credited.
        account: AccountId,
        /// How much, in minor units.
        amount: Amount,
    },
    /// Takes `amount` out of `account`.
    Withdraw {
        /// The account debited.
        account: AccountId,
        /// How much, in minor units.
        amount: Amount,
    },
    /// Moves `amount` from `from` to `to`, all or nothing.
    Transfer {
        /// The account debited.
        from: AccountId,
        /// The account credited.
        to: AccountId,
        /// How much, in minor units.
        amount: Amount,
    },
    /// Reverses the transfer `transfer` by moving its amount back.
    Reverse {
        /// The transfer to undo.
        transfer: TxId,
    },
}

/// What one successful change did; the journal is the list of these.
///
/// # Example
///
/// ```
/// use ledger_solution::{Event, Ledger};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(1).unwrap();
/// ledger.deposit(1, 40).unwrap();
/// assert_eq!(ledger.journal()[1].event, Event::Deposited { account: 1, amount: 40 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `account` was opened with a zero balance.
    Opened {
        /// The new account.
        account: AccountId,
    },
    /// `amount` was put into `account`.
    Deposited {
        /// The account credited.
        account: AccountId,
        /// How much.
        amount: Amount,
    },
    /// `amount` was taken out of `account`.
    Withdrawn {
        /// The account debited.
        account: AccountId,
        /// How much.
        amount: Amount,
    },
    /// `amount` moved from `from` to `to`.
    Transferred {
        /// The account debited.
        from: AccountId,
        /// The account credited.
        to: AccountId,
        /// How much.
        amount: Amount,
    },
    /// Transfer `transfer` was undone: `amount` moved from `from` (its payee) to `to` (its payer).
    Reversed {
        /// The transfer undone.
        transfer: TxId,
        /// The account debited: the original transfer's destination.
        from: AccountId,
        /// The account credited: the original transfer's source.
        to: AccountId,
        /// How much: the original transfer's amount.
        amount: Amount,
    },
}

impl Event {
    /// Returns what this event does to the balances.
    fn effect(&self) -> Effect {
        match *self {
            Event::Opened { account } => Effect::Open(account),
            Event::Deposited { account, amount } => Effect::Move(None, Some(account), amount),
            Event::Withdrawn { account, amount } => Effect::Move(Some(account), None, amount),
            Event::Transferred { from, to, amount }
            | Event::Reversed {
                from, to, amount, ..
            } => Effect::Move(Some(from), Some(to), amount),
        }
    }
}

/// What an event does to the balances.
enum Effect {
    /// Adds an account holding zero.
    Open(AccountId),
    /// Moves an amount from the debited account (`None`: from outside) to the credited one
    /// (`None`: out of the ledger).
    Move(Option<AccountId>, Option<AccountId>, Amount),
}

/// One line of the journal: a change's id and what it did.
///
/// # Example
///
/// ```
/// use ledger_solution::{Entry, Event, Ledger, TxId};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(3).unwrap();
/// assert_eq!(ledger.journal(), &[Entry { tx: TxId(1), event: Event::Opened { account: 3 } }]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The change's id.
    pub tx: TxId,
    /// What the change did.
    pub event: Event,
}

/// One line of an account's statement: a change that moved its money, and the balance after it.
///
/// # Example
///
/// ```
/// use ledger_solution::{Ledger, StatementLine, TxId};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(1).unwrap();
/// ledger.deposit(1, 90).unwrap();
/// let line = StatementLine { tx: TxId(2), paid_in: 90, paid_out: 0, balance: 90 };
/// assert_eq!(ledger.statement(1), Some(vec![line]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// The change.
    pub tx: TxId,
    /// What it put into the account (0 if it took money out).
    pub paid_in: Amount,
    /// What it took out of the account (0 if it put money in).
    pub paid_out: Amount,
    /// The account's balance right after it.
    pub balance: Amount,
}

/// Returns `Err(ZeroAmount)` unless `amount` is positive.
fn positive(amount: Amount) -> Result<(), LedgerError> {
    if amount == 0 {
        Err(LedgerError::ZeroAmount)
    } else {
        Ok(())
    }
}

/// Returns the event of a transfer, after the checks that need no account: amount, then sameness.
fn transfer_event(from: AccountId, to: AccountId, amount: Amount) -> Result<Event, LedgerError> {
    positive(amount)?;
    if from == to {
        return Err(LedgerError::SameAccount(from));
    }
    Ok(Event::Transferred { from, to, amount })
}

/// Checks a movement of `amount` against the balances of the debited and credited accounts.
fn check_funds(
    from: Option<(AccountId, Amount)>,
    to: Option<(AccountId, Amount)>,
    amount: Amount,
) -> Result<(), LedgerError> {
    if let Some((account, balance)) = from {
        if balance < amount {
            return Err(LedgerError::InsufficientFunds {
                account,
                balance,
                requested: amount,
            });
        }
    }
    if let Some((account, balance)) = to {
        if balance.checked_add(amount).is_none() {
            return Err(LedgerError::BalanceOverflow(account));
        }
    }
    Ok(())
}

/// The journal plus the indexes built on it: reversed transfers and each account's lines.
#[derive(Debug, Default)]
struct Book {
    entries: Vec<Entry>,
    reversed: HashSet<TxId>,
    lines: HashMap<AccountId, Vec<usize>>,
}

impl Book {
    /// Returns the entry of change `tx`; ids are positions + 1, so this is O(1).
    fn get(&self, tx: TxId) -> Option<&Entry> {
        let index = usize::try_from(tx.0).ok()?.checked_sub(1)?;
        self.entries.get(index)
    }

    /// Returns the event `request` would record, after every check that needs no balance.
    fn event_for(&self, request: &Request) -> Result<Event, LedgerError> {
        match *request {
            Request::OpenAccount { account } => Ok(Event::Opened { account }),
            Request::Deposit { account, amount } => {
                positive(amount)?;
                Ok(Event::Deposited { account, amount })
            }
            Request::Withdraw { account, amount } => {
                positive(amount)?;
                Ok(Event::Withdrawn { account, amount })
            }
            Request::Transfer { from, to, amount } => transfer_event(from, to, amount),
            Request::Reverse { transfer } => {
                let entry = self
                    .get(transfer)
                    .ok_or(LedgerError::UnknownTransaction(transfer))?;
                let Event::Transferred { from, to, amount } = entry.event else {
                    return Err(LedgerError::NotATransfer(transfer));
                };
                if self.reversed.contains(&transfer) {
                    return Err(LedgerError::AlreadyReversed(transfer));
                }
                Ok(Event::Reversed {
                    transfer,
                    from: to,
                    to: from,
                    amount,
                })
            }
        }
    }

    /// Appends `event` and returns its id.
    fn append(&mut self, event: Event) -> TxId {
        let tx = TxId(self.entries.len() as u64 + 1);
        if let Event::Reversed { transfer, .. } = event {
            self.reversed.insert(transfer);
        }
        if let Effect::Move(from, to, _) = event.effect() {
            for account in [from, to].into_iter().flatten() {
                self.lines
                    .entry(account)
                    .or_default()
                    .push(self.entries.len());
            }
        }
        self.entries.push(Entry { tx, event });
        tx
    }

    /// Returns the statement of `account`, replaying only the entries that touched it.
    fn statement(&self, account: AccountId) -> Vec<StatementLine> {
        let mut balance: Amount = 0;
        let positions = self.lines.get(&account).map_or(&[][..], Vec::as_slice);
        positions
            .iter()
            .filter_map(|&index| {
                let entry = &self.entries[index];
                let Effect::Move(from, _, amount) = entry.event.effect() else {
                    return None;
                };
                let (paid_in, paid_out) = if from == Some(account) {
                    (0, amount)
                } else {
                    (amount, 0)
                };
                balance = balance.saturating_add(paid_in).saturating_sub(paid_out);
                Some(StatementLine {
                    tx: entry.tx,
                    paid_in,
                    paid_out,
                    balance,
                })
            })
            .collect()
    }
}

/// The outcome recorded for an idempotency key, with the request it answered.
#[derive(Debug, Clone)]
struct Recorded {
    request: Request,
    outcome: Result<TxId, LedgerError>,
}

/// A single-threaded ledger of accounts holding integer minor units.
///
/// # Example
///
/// ```
/// use ledger_solution::Ledger;
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(1).unwrap();
/// ledger.open_account(2).unwrap();
/// ledger.deposit(1, 100).unwrap();
/// ledger.transfer(1, 2, 30).unwrap();
/// assert_eq!((ledger.balance(1), ledger.balance(2)), (Some(70), Some(30)));
/// ```
#[derive(Debug, Default)]
pub struct Ledger {
    balances: HashMap<AccountId, Amount>,
    book: Book,
    keys: HashMap<String, Recorded>,
}

impl Ledger {
    /// Returns an empty ledger with no accounts.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::Ledger::new();
    /// assert_eq!(ledger.balance(1), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `account` with a zero balance, or returns `AccountExists`.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{Ledger, LedgerError};
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// assert_eq!(ledger.open_account(1), Err(LedgerError::AccountExists(1)));
    /// ```
    pub fn open_account(&mut self, account: AccountId) -> Result<TxId, LedgerError> {
        self.apply(&Request::OpenAccount { account })
    }

    /// Puts `amount` into `account`.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{Ledger, LedgerError};
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.deposit(1, 5).unwrap();
    /// assert_eq!(ledger.deposit(1, 0), Err(LedgerError::ZeroAmount));
    /// assert_eq!(ledger.balance(1), Some(5));
    /// ```
    pub fn deposit(&mut self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError> {
        self.apply(&Request::Deposit { account, amount })
    }

    /// Takes `amount` out of `account`, or returns `InsufficientFunds` if it holds less.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::Ledger;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.deposit(1, 5).unwrap();
    /// assert!(ledger.withdraw(1, 6).is_err());
    /// ledger.withdraw(1, 5).unwrap();
    /// assert_eq!(ledger.balance(1), Some(0));
    /// ```
    pub fn withdraw(&mut self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError> {
        self.apply(&Request::Withdraw { account, amount })
    }

    /// Moves `amount` from `from` to `to`, all or nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{Ledger, LedgerError};
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.deposit(1, 50).unwrap();
    /// assert_eq!(ledger.transfer(1, 9, 20), Err(LedgerError::UnknownAccount(9)));
    /// assert_eq!(ledger.balance(1), Some(50));
    /// ```
    pub fn transfer(
        &mut self,
        from: AccountId,
        to: AccountId,
        amount: Amount,
    ) -> Result<TxId, LedgerError> {
        self.apply(&Request::Transfer { from, to, amount })
    }

    /// Returns the balance of `account`, or `None` if no such account is open.
    ///
    /// # Example
    ///
    /// ```
    /// let mut ledger = ledger_solution::Ledger::new();
    /// ledger.open_account(4).unwrap();
    /// assert_eq!(ledger.balance(4), Some(0));
    /// assert_eq!(ledger.balance(5), None);
    /// ```
    pub fn balance(&self, account: AccountId) -> Option<Amount> {
        self.balances.get(&account).copied()
    }

    /// Runs `request` once per idempotency `key`: a retry with the same request replays the
    /// recorded outcome, success or error; the same key with another request is a conflict.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{Ledger, LedgerError, Request};
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// let pay = Request::Deposit { account: 1, amount: 10 };
    /// let first = ledger.execute("pay-1", pay.clone());
    /// assert_eq!(ledger.execute("pay-1", pay), first);
    /// assert_eq!(ledger.balance(1), Some(10));
    /// let other = Request::Deposit { account: 1, amount: 11 };
    /// assert_eq!(
    ///     ledger.execute("pay-1", other),
    ///     Err(LedgerError::IdempotencyConflict("pay-1".to_string()))
    /// );
    /// ```
    pub fn execute(&mut self, key: &str, request: Request) -> Result<TxId, LedgerError> {
        if let Some(recorded) = self.keys.get(key) {
            return if recorded.request == request {
                recorded.outcome.clone()
            } else {
                Err(LedgerError::IdempotencyConflict(key.to_owned()))
            };
        }
        let outcome = self.apply(&request);
        self.keys.insert(
            key.to_owned(),
            Recorded {
                request,
                outcome: outcome.clone(),
            },
        );
        outcome
    }

    /// Reverses transfer `transfer` by moving its amount back, at most once.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{Ledger, LedgerError};
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.open_account(2).unwrap();
    /// ledger.deposit(1, 10).unwrap();
    /// let tx = ledger.transfer(1, 2, 10).unwrap();
    /// ledger.reverse(tx).unwrap();
    /// assert_eq!(ledger.balance(1), Some(10));
    /// assert_eq!(ledger.reverse(tx), Err(LedgerError::AlreadyReversed(tx)));
    /// ```
    pub fn reverse(&mut self, transfer: TxId) -> Result<TxId, LedgerError> {
        self.apply(&Request::Reverse { transfer })
    }

    /// Returns every change so far, oldest first; entry `i` has id `TxId(i + 1)`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut ledger = ledger_solution::Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// assert!(ledger.withdraw(1, 3).is_err());
    /// assert_eq!(ledger.journal().len(), 1);
    /// ```
    pub fn journal(&self) -> &[Entry] {
        &self.book.entries
    }

    /// Returns the changes that moved `account`'s money with the balance after each, or `None`
    /// if no such account is open.
    ///
    /// # Example
    ///
    /// ```
    /// let mut ledger = ledger_solution::Ledger::new();
    /// ledger.open_account(1).unwrap();
    /// assert_eq!(ledger.statement(1), Some(vec![]));
    /// assert_eq!(ledger.statement(2), None);
    /// ```
    pub fn statement(&self, account: AccountId) -> Option<Vec<StatementLine>> {
        self.balances
            .contains_key(&account)
            .then(|| self.book.statement(account))
    }

    /// Applies `request` if every rule allows it, and journals it.
    fn apply(&mut self, request: &Request) -> Result<TxId, LedgerError> {
        let event = self.book.event_for(request)?;
        match event.effect() {
            Effect::Open(account) => {
                if self.balances.contains_key(&account) {
                    return Err(LedgerError::AccountExists(account));
                }
                self.balances.insert(account, 0);
            }
            Effect::Move(from, to, amount) => {
                let from = self.resolve(from)?;
                let to = self.resolve(to)?;
                check_funds(from, to, amount)?;
                if let Some((account, balance)) = from {
                    self.balances.insert(account, balance - amount);
                }
                if let Some((account, balance)) = to {
                    self.balances.insert(account, balance + amount);
                }
            }
        }
        Ok(self.book.append(event))
    }

    /// Returns `account` with its balance, or `UnknownAccount`.
    fn resolve(
        &self,
        account: Option<AccountId>,
    ) -> Result<Option<(AccountId, Amount)>, LedgerError> {
        account
            .map(|id| {
                self.balance(id)
                    .map(|balance| (id, balance))
                    .ok_or(LedgerError::UnknownAccount(id))
            })
            .transpose()
    }
}

/// Locks `mutex`, carrying on if another thread panicked while holding it (every critical
/// section here leaves the data consistent before it can panic).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One account's balance in a [`SharedLedger`], behind its own lock.
type Cell = Arc<Mutex<Amount>>;

/// An account whose balance lock is held.
type Locked<'a> = Option<(AccountId, MutexGuard<'a, Amount>)>;

/// Locks the debited and credited accounts, lower account id first: two transfers in opposite
/// directions between the same pair then queue on the same first lock instead of each holding one.
fn lock_in_order<'a>(
    debit: &'a Option<(AccountId, Cell)>,
    credit: &'a Option<(AccountId, Cell)>,
) -> (Locked<'a>, Locked<'a>) {
    let take =
        |side: &'a Option<(AccountId, Cell)>| side.as_ref().map(|(id, cell)| (*id, lock(cell)));
    match (debit, credit) {
        (Some((d, _)), Some((c, _))) if c < d => {
            let credit = take(credit);
            (take(debit), credit)
        }
        _ => {
            let debit = take(debit);
            (debit, take(credit))
        }
    }
}

/// The state of an idempotency key in a [`SharedLedger`].
#[derive(Debug)]
enum KeyState {
    /// A thread is applying this request right now; duplicates wait for it.
    Running(Request),
    /// The request ran; its outcome is replayed.
    Done(Recorded),
}

/// The transfers waiting to run, ordered by (time, id).
#[derive(Debug, Default)]
struct Schedule {
    last_id: u64,
    queue: BTreeMap<(Timestamp, ScheduleId), Request>,
    when: HashMap<ScheduleId, Timestamp>,
}

/// A ledger shared by many threads through `&self`: one lock per account, taken in ascending
/// account order, so transfers between disjoint accounts run in parallel and never deadlock.
///
/// # Example
///
/// ```
/// use ledger_solution::SharedLedger;
///
/// let ledger = SharedLedger::new();
/// ledger.open_account(1).unwrap();
/// ledger.open_account(2).unwrap();
/// ledger.deposit(1, 100).unwrap();
/// std::thread::scope(|s| {
///     s.spawn(|| ledger.transfer(1, 2, 10).unwrap());
///     s.spawn(|| ledger.transfer(2, 1, 5));
/// });
/// assert_eq!(ledger.balance(1).unwrap() + ledger.balance(2).unwrap(), 100);
/// ```
#[derive(Debug, Default)]
pub struct SharedLedger {
    accounts: RwLock<HashMap<AccountId, Cell>>,
    book: Mutex<Book>,
    keys: Mutex<HashMap<String, KeyState>>,
    key_done: Condvar,
    schedule: Mutex<Schedule>,
}

impl SharedLedger {
    /// Returns an empty shared ledger with no accounts.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// assert_eq!(ledger.balance(1), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `account` with a zero balance, or returns `AccountExists`.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// assert!(ledger.open_account(1).is_ok());
    /// assert!(ledger.open_account(1).is_err());
    /// ```
    pub fn open_account(&self, account: AccountId) -> Result<TxId, LedgerError> {
        self.apply(&Request::OpenAccount { account })
    }

    /// Puts `amount` into `account`.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.deposit(1, 8).unwrap();
    /// assert_eq!(ledger.balance(1), Some(8));
    /// ```
    pub fn deposit(&self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError> {
        self.apply(&Request::Deposit { account, amount })
    }

    /// Takes `amount` out of `account`, or returns `InsufficientFunds` if it holds less.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// assert!(ledger.withdraw(1, 1).is_err());
    /// ```
    pub fn withdraw(&self, account: AccountId, amount: Amount) -> Result<TxId, LedgerError> {
        self.apply(&Request::Withdraw { account, amount })
    }

    /// Moves `amount` from `from` to `to`, all or nothing.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.open_account(2).unwrap();
    /// ledger.deposit(2, 9).unwrap();
    /// ledger.transfer(2, 1, 9).unwrap();
    /// assert_eq!(ledger.balance(1), Some(9));
    /// ```
    pub fn transfer(
        &self,
        from: AccountId,
        to: AccountId,
        amount: Amount,
    ) -> Result<TxId, LedgerError> {
        self.apply(&Request::Transfer { from, to, amount })
    }

    /// Reverses transfer `transfer` by moving its amount back, at most once.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.open_account(2).unwrap();
    /// ledger.deposit(1, 4).unwrap();
    /// let tx = ledger.transfer(1, 2, 4).unwrap();
    /// ledger.reverse(tx).unwrap();
    /// assert_eq!(ledger.balance(2), Some(0));
    /// ```
    pub fn reverse(&self, transfer: TxId) -> Result<TxId, LedgerError> {
        self.apply(&Request::Reverse { transfer })
    }

    /// Returns the balance of `account`, or `None` if no such account is open.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// assert_eq!(ledger.balance(1), Some(0));
    /// ```
    pub fn balance(&self, account: AccountId) -> Option<Amount> {
        self.cell(account).map(|cell| *lock(&cell))
    }

    /// Runs `request` once per idempotency `key`, like [`Ledger::execute`]; concurrent callers
    /// with the same key wait for the first one and all get its outcome.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{Request, SharedLedger};
    ///
    /// let ledger = SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// let pay = Request::Deposit { account: 1, amount: 3 };
    /// std::thread::scope(|s| {
    ///     for _ in 0..4 {
    ///         s.spawn(|| ledger.execute("pay", pay.clone()).unwrap());
    ///     }
    /// });
    /// assert_eq!(ledger.balance(1), Some(3));
    /// ```
    pub fn execute(&self, key: &str, request: Request) -> Result<TxId, LedgerError> {
        let mut keys = lock(&self.keys);
        loop {
            match keys.get(key) {
                None => break,
                Some(KeyState::Running(running)) if *running == request => {
                    keys = self
                        .key_done
                        .wait(keys)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Some(KeyState::Done(recorded)) if recorded.request == request => {
                    return recorded.outcome.clone();
                }
                Some(_) => return Err(LedgerError::IdempotencyConflict(key.to_owned())),
            }
        }
        keys.insert(key.to_owned(), KeyState::Running(request.clone()));
        drop(keys);

        let outcome = self.apply(&request);
        lock(&self.keys).insert(
            key.to_owned(),
            KeyState::Done(Recorded {
                request,
                outcome: outcome.clone(),
            }),
        );
        self.key_done.notify_all();
        outcome
    }

    /// Returns a copy of every change so far, oldest first; entry `i` has id `TxId(i + 1)`.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// assert_eq!(ledger.journal().len(), 1);
    /// ```
    pub fn journal(&self) -> Vec<Entry> {
        lock(&self.book).entries.clone()
    }

    /// Returns the changes that moved `account`'s money with the balance after each, or `None`
    /// if no such account is open.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.deposit(1, 2).unwrap();
    /// assert_eq!(ledger.statement(1).unwrap().len(), 1);
    /// ```
    pub fn statement(&self, account: AccountId) -> Option<Vec<StatementLine>> {
        self.cell(account)?;
        Some(lock(&self.book).statement(account))
    }

    /// Schedules a transfer of `amount` from `from` to `to` to run at time `at`; the accounts and
    /// the amount are checked now, the funds when it runs.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{LedgerError, SharedLedger};
    ///
    /// let ledger = SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// assert_eq!(ledger.schedule_transfer(5, 1, 2, 1), Err(LedgerError::UnknownAccount(2)));
    /// ```
    pub fn schedule_transfer(
        &self,
        at: Timestamp,
        from: AccountId,
        to: AccountId,
        amount: Amount,
    ) -> Result<ScheduleId, LedgerError> {
        transfer_event(from, to, amount)?;
        for account in [from, to] {
            self.cell(account)
                .ok_or(LedgerError::UnknownAccount(account))?;
        }
        let mut schedule = lock(&self.schedule);
        schedule.last_id += 1;
        let id = ScheduleId(schedule.last_id);
        schedule
            .queue
            .insert((at, id), Request::Transfer { from, to, amount });
        schedule.when.insert(id, at);
        Ok(id)
    }

    /// Cancels scheduled transfer `id`, or returns `NotScheduled` if it already ran, was
    /// cancelled, or never existed.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{LedgerError, SharedLedger};
    ///
    /// let ledger = SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.open_account(2).unwrap();
    /// let id = ledger.schedule_transfer(5, 1, 2, 1).unwrap();
    /// assert_eq!(ledger.cancel(id), Ok(()));
    /// assert_eq!(ledger.cancel(id), Err(LedgerError::NotScheduled(id)));
    /// ```
    pub fn cancel(&self, id: ScheduleId) -> Result<(), LedgerError> {
        let mut schedule = lock(&self.schedule);
        let at = schedule
            .when
            .remove(&id)
            .ok_or(LedgerError::NotScheduled(id))?;
        schedule.queue.remove(&(at, id));
        Ok(())
    }

    /// Runs every scheduled transfer due at `now` (time ≤ `now`) in (time, id) order, each at most
    /// once, and returns their outcomes in that order.
    ///
    /// # Example
    ///
    /// ```
    /// let ledger = ledger_solution::SharedLedger::new();
    /// ledger.open_account(1).unwrap();
    /// ledger.open_account(2).unwrap();
    /// ledger.deposit(1, 10).unwrap();
    /// let id = ledger.schedule_transfer(5, 1, 2, 10).unwrap();
    /// assert!(ledger.run_due(4).is_empty());
    /// assert_eq!(ledger.run_due(5).len(), 1);
    /// assert!(ledger.run_due(5).is_empty());
    /// assert_eq!(ledger.balance(2), Some(10));
    /// # let _ = id;
    /// ```
    pub fn run_due(&self, now: Timestamp) -> Vec<(ScheduleId, Result<TxId, LedgerError>)> {
        // Holding the schedule lock while the transfers run serialises concurrent callers, so
        // each transfer runs once and all of them in (time, id) order. Lock order: schedule,
        // then accounts, then the book; nothing takes them the other way round.
        let mut schedule = lock(&self.schedule);
        let mut outcomes = Vec::new();
        while let Some(entry) = schedule.queue.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((_, id), request) = entry.remove_entry();
            schedule.when.remove(&id);
            outcomes.push((id, self.apply(&request)));
        }
        outcomes
    }

    /// Returns the lock of `account`'s balance, or `None` if no such account is open.
    fn cell(&self, account: AccountId) -> Option<Cell> {
        self.accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&account)
            .cloned()
    }

    /// Returns `account` with its balance lock, or `UnknownAccount`.
    fn resolve(
        &self,
        account: Option<AccountId>,
    ) -> Result<Option<(AccountId, Cell)>, LedgerError> {
        account
            .map(|id| {
                self.cell(id)
                    .map(|cell| (id, cell))
                    .ok_or(LedgerError::UnknownAccount(id))
            })
            .transpose()
    }

    /// Applies `request` under the locks of the accounts it touches, and journals it.
    fn apply(&self, request: &Request) -> Result<TxId, LedgerError> {
        let planned = lock(&self.book).event_for(request)?;
        let (from, to, amount) = match planned.effect() {
            Effect::Open(account) => return self.open(account, planned),
            Effect::Move(from, to, amount) => (from, to, amount),
        };
        let (from, to) = (self.resolve(from)?, self.resolve(to)?);
        let (mut debit, mut credit) = lock_in_order(&from, &to);
        let mut book = lock(&self.book);
        // Plan again under the locks: a concurrent reversal of the same transfer may have won.
        let event = book.event_for(request)?;
        let balance = |side: &Locked<'_>| side.as_ref().map(|(id, guard)| (*id, **guard));
        check_funds(balance(&debit), balance(&credit), amount)?;
        if let Some((_, guard)) = &mut debit {
            **guard -= amount;
        }
        if let Some((_, guard)) = &mut credit {
            **guard += amount;
        }
        // Journal while still holding the account locks, so that the journal's order is one in
        // which replaying it never overdraws.
        Ok(book.append(event))
    }

    /// Opens `account`, journaling `opened`.
    fn open(&self, account: AccountId, opened: Event) -> Result<TxId, LedgerError> {
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if accounts.contains_key(&account) {
            return Err(LedgerError::AccountExists(account));
        }
        let tx = lock(&self.book).append(opened);
        accounts.insert(account, Arc::new(Mutex::new(0)));
        Ok(tx)
    }
}

/// The name of the journal file inside a [`DurableLedger`]'s directory.
const JOURNAL_FILE: &str = "journal.log";

/// Bytes before each record's payload: its length (u32 LE) and its CRC-32 (u32 LE).
const HEADER: usize = 8;

/// The CRC-32 (IEEE 802.3) lookup table, built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// Returns the CRC-32 of the concatenated `parts`.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = !0u32;
    for byte in parts.iter().flat_map(|part| part.iter()) {
        crc = CRC_TABLE[((crc ^ u32::from(*byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Returns the log record of `request` under `key`: `len | crc(len, payload) | payload`.
fn encode_record(key: &str, request: &Request) -> io::Result<Vec<u8>> {
    let too_long = || io::Error::new(io::ErrorKind::InvalidInput, "idempotency key too long");
    let mut payload = Vec::with_capacity(key.len() + 32);
    payload.extend_from_slice(
        &u32::try_from(key.len())
            .map_err(|_| too_long())?
            .to_le_bytes(),
    );
    payload.extend_from_slice(key.as_bytes());
    let (tag, fields): (u8, &[u64]) = match *request {
        Request::OpenAccount { account } => (1, &[account]),
        Request::Deposit { account, amount } => (2, &[account, amount]),
        Request::Withdraw { account, amount } => (3, &[account, amount]),
        Request::Transfer { from, to, amount } => (4, &[from, to, amount]),
        Request::Reverse { transfer } => (5, &[transfer.0]),
    };
    payload.push(tag);
    for field in fields {
        payload.extend_from_slice(&field.to_le_bytes());
    }
    let len = u32::try_from(payload.len())
        .map_err(|_| too_long())?
        .to_le_bytes();
    let mut record = Vec::with_capacity(HEADER + payload.len());
    record.extend_from_slice(&len);
    record.extend_from_slice(&crc32(&[&len, &payload]).to_le_bytes());
    record.extend_from_slice(&payload);
    Ok(record)
}

/// Returns the key and request in a payload whose checksum matched, or `None` if it does not decode.
fn decode_payload(payload: &[u8]) -> Option<(String, Request)> {
    let (key_len, rest) = payload.split_first_chunk::<4>()?;
    let key_len = usize::try_from(u32::from_le_bytes(*key_len)).ok()?;
    let key = rest.get(..key_len)?;
    let key = String::from_utf8(key.to_vec()).ok()?;
    let (&tag, mut rest) = rest[key_len..].split_first()?;
    let mut field = || -> Option<u64> {
        let (bytes, tail) = rest.split_first_chunk::<8>()?;
        rest = tail;
        Some(u64::from_le_bytes(*bytes))
    };
    let request = match tag {
        1 => Request::OpenAccount { account: field()? },
        2 => Request::Deposit {
            account: field()?,
            amount: field()?,
        },
        3 => Request::Withdraw {
            account: field()?,
            amount: field()?,
        },
        4 => Request::Transfer {
            from: field()?,
            to: field()?,
            amount: field()?,
        },
        5 => Request::Reverse {
            transfer: TxId(field()?),
        },
        _ => return None,
    };
    rest.is_empty().then_some((key, request))
}

/// Splits a log into its intact records and the length of the intact prefix. The log ends at the
/// first record that is incomplete or fails its checksum: a write torn by a crash. A record whose
/// checksum matches but which does not decode is real corruption and an error.
fn decode_log(bytes: &[u8]) -> io::Result<(Vec<(String, Request)>, usize)> {
    let mut records = Vec::new();
    let mut offset = 0;
    while let Some((len, rest)) = bytes[offset..].split_first_chunk::<4>() {
        let Some((crc, rest)) = rest.split_first_chunk::<4>() else {
            break;
        };
        let Some(payload) = usize::try_from(u32::from_le_bytes(*len))
            .ok()
            .and_then(|n| rest.get(..n))
        else {
            break;
        };
        if crc32(&[len, payload]) != u32::from_le_bytes(*crc) {
            break;
        }
        let record = decode_payload(payload).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the journal record at byte {offset} passed its checksum but does not decode"
                ),
            )
        })?;
        records.push(record);
        offset += HEADER + payload.len();
    }
    Ok((records, offset))
}

/// The append-only log a [`DurableLedger`] keeps its records in. [`DurableLedger::open`] keeps it
/// in a file; [`DurableLedger::open_with`] takes any storage, such as one that simulates crashes.
///
/// Appends and truncations are not durable until [`LogStorage::sync`] returns: a power loss
/// before that may undo them.
///
/// # Example
///
/// ```
/// use std::io;
/// use ledger_solution::LogStorage;
///
/// /// A log in memory that never loses power.
/// struct MemLog(Vec<u8>);
///
/// impl LogStorage for MemLog {
///     fn read(&mut self) -> io::Result<Vec<u8>> {
///         Ok(self.0.clone())
///     }
///     fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
///         self.0.extend_from_slice(bytes);
///         Ok(())
///     }
///     fn truncate(&mut self, len: u64) -> io::Result<()> {
///         self.0.truncate(len as usize);
///         Ok(())
///     }
///     fn sync(&mut self) -> io::Result<()> {
///         Ok(())
///     }
/// }
///
/// let mut log = MemLog(Vec::new());
/// log.append(b"abc")?;
/// assert_eq!(log.read()?, b"abc");
/// # Ok::<(), io::Error>(())
/// ```
pub trait LogStorage {
    /// Returns the whole log as it is now (empty when nothing was written yet).
    fn read(&mut self) -> io::Result<Vec<u8>>;
    /// Appends `bytes` at the end of the log; not durable until [`LogStorage::sync`].
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Cuts the log to its first `len` bytes; not durable until [`LogStorage::sync`].
    fn truncate(&mut self, len: u64) -> io::Result<()>;
    /// Makes the log's current contents durable: they survive a power loss.
    fn sync(&mut self) -> io::Result<()>;
}

/// The log file `journal.log` of a directory.
struct FileLog {
    file: File,
}

impl FileLog {
    /// Opens (creating it and `dir` if missing) the journal file in `dir`.
    fn open(dir: &Path) -> io::Result<FileLog> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let created = !path.exists();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        if created {
            sync_dir(dir)?;
        }
        Ok(FileLog { file })
    }
}

impl LogStorage for FileLog {
    fn read(&mut self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.file.seek(SeekFrom::Start(0))?;
        self.file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        // Opened in append mode: every write lands at the end, wherever the cursor is.
        self.file.write_all(bytes)
    }

    fn truncate(&mut self, len: u64) -> io::Result<()> {
        self.file.set_len(len)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }
}

/// A [`Ledger`] whose requests survive a crash: each one is appended to its log and synced
/// before it is answered, and opening replays them.
///
/// # Example
///
/// ```
/// use ledger_solution::{DurableLedger, Request};
///
/// let dir = std::env::temp_dir().join(format!("ledger-doc-{}", std::process::id()));
/// let mut ledger = DurableLedger::open(&dir)?;
/// ledger.execute("open-1", Request::OpenAccount { account: 1 })?.unwrap();
/// ledger.execute("pay-1", Request::Deposit { account: 1, amount: 5 })?.unwrap();
/// drop(ledger);
/// let reopened = DurableLedger::open(&dir)?;
/// assert_eq!(reopened.ledger().balance(1), Some(5));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct DurableLedger {
    ledger: Ledger,
    log: Box<dyn LogStorage>,
    len: u64,
}

impl fmt::Debug for DurableLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DurableLedger")
            .field("ledger", &self.ledger)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl DurableLedger {
    /// Opens the ledger kept in `dir/journal.log` (both created if missing), replaying its log;
    /// a torn last record is dropped and cut off the file.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::DurableLedger;
    ///
    /// let dir = std::env::temp_dir().join(format!("ledger-doc-open-{}", std::process::id()));
    /// let ledger = DurableLedger::open(&dir)?;
    /// assert!(ledger.ledger().journal().is_empty());
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open(dir: impl AsRef<Path>) -> io::Result<DurableLedger> {
        DurableLedger::open_with(Box::new(FileLog::open(dir.as_ref())?))
    }

    /// Opens the ledger kept in `log`, replaying it; a torn last record is dropped and cut off.
    /// A record that passes its checksum but does not decode is an `InvalidData` error.
    ///
    /// # Example
    ///
    /// ```
    /// use std::io;
    /// use ledger_solution::{DurableLedger, LogStorage};
    ///
    /// struct Empty;
    /// impl LogStorage for Empty {
    ///     fn read(&mut self) -> io::Result<Vec<u8>> { Ok(Vec::new()) }
    ///     fn append(&mut self, _: &[u8]) -> io::Result<()> { Ok(()) }
    ///     fn truncate(&mut self, _: u64) -> io::Result<()> { Ok(()) }
    ///     fn sync(&mut self) -> io::Result<()> { Ok(()) }
    /// }
    ///
    /// let ledger = DurableLedger::open_with(Box::new(Empty))?;
    /// assert!(ledger.ledger().journal().is_empty());
    /// # Ok::<(), io::Error>(())
    /// ```
    pub fn open_with(mut log: Box<dyn LogStorage>) -> io::Result<DurableLedger> {
        let bytes = log.read()?;
        let (records, intact) = decode_log(&bytes)?;
        if intact < bytes.len() {
            // Cut the torn tail so the next record follows the last intact one.
            log.truncate(intact as u64)?;
        }
        // Sync on every open: what was read may have been appended and never synced (a crash
        // right after an append whose sync failed), and a retry answered from it is acknowledged,
        // so it must survive a power loss.
        log.sync()?;
        let mut ledger = Ledger::new();
        for (key, request) in records {
            // Replaying the same requests in the same order rebuilds the same balances, change
            // ids and recorded outcomes: the ledger is deterministic.
            let _ = ledger.execute(&key, request);
        }
        Ok(DurableLedger {
            ledger,
            log,
            len: intact as u64,
        })
    }

    /// Runs `request` once per idempotency `key` like [`Ledger::execute`]; a new request is
    /// durable in the log before this returns. The outer error is a storage failure, the inner
    /// one the ledger's answer.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::{DurableLedger, LedgerError, Request};
    ///
    /// let dir = std::env::temp_dir().join(format!("ledger-doc-exec-{}", std::process::id()));
    /// let mut ledger = DurableLedger::open(&dir)?;
    /// let take = Request::Withdraw { account: 1, amount: 5 };
    /// assert_eq!(ledger.execute("w", take)?, Err(LedgerError::UnknownAccount(1)));
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn execute(
        &mut self,
        key: &str,
        request: Request,
    ) -> io::Result<Result<TxId, LedgerError>> {
        if !self.ledger.keys.contains_key(key) {
            // Write ahead: log the request, then apply it. Replaying the log repeats the same
            // outcome, so even a request the ledger refuses is logged: its key must replay it.
            let record = encode_record(key, &request)?;
            if let Err(e) = self.append(&record) {
                // Best effort: drop a partly written record so later ones stay readable.
                let _ = self.log.truncate(self.len);
                return Err(e);
            }
            self.len += record.len() as u64;
        }
        Ok(self.ledger.execute(key, request))
    }

    /// Returns the ledger in memory, for balances, the journal and statements.
    ///
    /// # Example
    ///
    /// ```
    /// use ledger_solution::DurableLedger;
    ///
    /// let dir = std::env::temp_dir().join(format!("ledger-doc-view-{}", std::process::id()));
    /// let ledger = DurableLedger::open(&dir)?;
    /// assert_eq!(ledger.ledger().balance(1), None);
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Appends `record` to the log and waits until it is durable.
    fn append(&mut self, record: &[u8]) -> io::Result<()> {
        self.log.append(record)?;
        self.log.sync()
    }
}

/// Makes a newly created file's directory entry durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
