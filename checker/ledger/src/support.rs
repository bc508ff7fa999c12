//! Shared helpers: a plain model of the ledger's rules, random calls, logging helpers and a journal replayer.
//!
//! The model is written the slow, obvious way (one map, every rule spelled out in the documented
//! order) so that a random sequence run on the learner's ledger and on the model side by side shows
//! the first call where they disagree. Helpers that name API added by later stages live in the
//! `keyed` and `reversals` modules, compiled only once those stages are.

// Some helpers are used only by later stages; a build with fewer stages leaves them unused.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use syskata_kit::stress::{run_threads, Chances, SpinBarrier};
use syskata_kit::{expect_eq, fail, step, Rng};

use crate::drill::{AccountId, Amount, Ledger, LedgerError, TxId};

#[cfg(any(
    feature = "stage-idempotency",
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
))]
mod keyed;
#[cfg(any(
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
))]
mod reversals;

#[cfg(any(
    feature = "stage-idempotency",
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
))]
#[allow(unused_imports)] // which of these a build uses depends on the stages compiled in
pub use keyed::{exec, random_keyed, request, Keyed};
#[cfg(any(
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
))]
#[allow(unused_imports)]
pub use reversals::replay;

/// One call of a random scenario, shown in the steps the way the learner would write it.
#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    /// `open_account(a)`
    Open(AccountId),
    /// `deposit(a, amount)`
    Deposit(AccountId, Amount),
    /// `withdraw(a, amount)`
    Withdraw(AccountId, Amount),
    /// `transfer(from, to, amount)`
    Transfer(AccountId, AccountId, Amount),
    /// `reverse(tx)` (generated only from stage history_and_reversals on)
    Reverse(TxId),
}

/// Returns `amount` as a reader wants it: `Amount::MAX` by name, others as digits.
pub fn show_amount(amount: Amount) -> String {
    match Amount::MAX - amount {
        0 => "Amount::MAX".to_owned(),
        d if d < 1000 => format!("Amount::MAX - {d}"),
        _ => amount.to_string(),
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Op::Open(a) => write!(f, "open_account({a})"),
            Op::Deposit(a, x) => write!(f, "deposit({a}, {})", show_amount(x)),
            Op::Withdraw(a, x) => write!(f, "withdraw({a}, {})", show_amount(x)),
            Op::Transfer(from, to, x) => write!(f, "transfer({from}, {to}, {})", show_amount(x)),
            Op::Reverse(tx) => write!(f, "reverse(TxId({}))", tx.0),
        }
    }
}

/// The rules of the ledger, written the obvious way.
#[derive(Debug, Default, Clone)]
pub struct Model {
    balances: BTreeMap<AccountId, Amount>,
    last_tx: u64,
    transfers: HashMap<u64, (AccountId, AccountId, Amount)>,
    reversed: HashSet<u64>,
    keys: HashMap<String, (Op, Result<TxId, LedgerError>)>,
}

impl Model {
    /// Returns the balance of `account`, or `None` if it is not open.
    pub fn balance(&self, account: AccountId) -> Option<Amount> {
        self.balances.get(&account).copied()
    }

    /// Returns how many changes succeeded so far (the last TxId handed out).
    pub fn last_tx(&self) -> u64 {
        self.last_tx
    }

    /// Returns the ids of the transfers made so far.
    pub fn transfer_ids(&self) -> Vec<TxId> {
        let mut ids: Vec<TxId> = self.transfers.keys().map(|&t| TxId(t)).collect();
        ids.sort();
        ids
    }

    fn get(&self, account: AccountId) -> Result<Amount, LedgerError> {
        self.balance(account)
            .ok_or(LedgerError::UnknownAccount(account))
    }

    fn next_tx(&mut self) -> TxId {
        self.last_tx += 1;
        TxId(self.last_tx)
    }

    /// Applies `op` by the rules and returns what the ledger must answer.
    pub fn apply(&mut self, op: &Op) -> Result<TxId, LedgerError> {
        match *op {
            Op::Open(a) => {
                if self.balances.contains_key(&a) {
                    return Err(LedgerError::AccountExists(a));
                }
                self.balances.insert(a, 0);
                Ok(self.next_tx())
            }
            Op::Deposit(a, x) => {
                if x == 0 {
                    return Err(LedgerError::ZeroAmount);
                }
                let balance = self.get(a)?;
                let after = balance
                    .checked_add(x)
                    .ok_or(LedgerError::BalanceOverflow(a))?;
                self.balances.insert(a, after);
                Ok(self.next_tx())
            }
            Op::Withdraw(a, x) => {
                if x == 0 {
                    return Err(LedgerError::ZeroAmount);
                }
                let balance = self.get(a)?;
                if balance < x {
                    return Err(LedgerError::InsufficientFunds {
                        account: a,
                        balance,
                        requested: x,
                    });
                }
                self.balances.insert(a, balance - x);
                Ok(self.next_tx())
            }
            Op::Transfer(from, to, x) => {
                if x == 0 {
                    return Err(LedgerError::ZeroAmount);
                }
                if from == to {
                    return Err(LedgerError::SameAccount(from));
                }
                self.move_money(from, to, x)?;
                let tx = self.next_tx();
                self.transfers.insert(tx.0, (from, to, x));
                Ok(tx)
            }
            Op::Reverse(tx) => self.reverse(tx),
        }
    }

    /// Moves `x` from `from` to `to` after checking both accounts, the funds and the overflow.
    fn move_money(&mut self, from: AccountId, to: AccountId, x: Amount) -> Result<(), LedgerError> {
        let from_balance = self.get(from)?;
        let to_balance = self.get(to)?;
        if from_balance < x {
            return Err(LedgerError::InsufficientFunds {
                account: from,
                balance: from_balance,
                requested: x,
            });
        }
        let to_after = to_balance
            .checked_add(x)
            .ok_or(LedgerError::BalanceOverflow(to))?;
        self.balances.insert(from, from_balance - x);
        self.balances.insert(to, to_after);
        Ok(())
    }

    #[cfg(not(any(
        feature = "stage-history_and_reversals",
        feature = "stage-concurrent",
        feature = "stage-scheduled",
        feature = "stage-durable"
    )))]
    fn reverse(&mut self, _: TxId) -> Result<TxId, LedgerError> {
        unreachable!("reversals are generated only from stage history_and_reversals on")
    }
}

/// Returns a ledger with `accounts` opened and funded, logging each call.
pub fn funded(accounts: &[(AccountId, Amount)]) -> Ledger {
    let mut ledger = Ledger::new();
    for &(a, amount) in accounts {
        step(format!("open_account({a}) -> {:?}", ledger.open_account(a)));
        if amount > 0 {
            step(format!(
                "deposit({a}, {}) -> {:?}",
                show_amount(amount),
                ledger.deposit(a, amount)
            ));
        }
    }
    ledger
}

/// Fails unless every listed account holds the expected balance; `why` explains the expectation.
#[track_caller]
pub fn expect_balances(ledger: &Ledger, expected: &[(AccountId, Amount)], why: &str) {
    for &(a, amount) in expected {
        expect_eq(
            format!("balance({a}): {why}"),
            ledger.balance(a),
            Some(amount),
        );
    }
}

/// Applies `op` to the learner's single-threaded ledger through the plain (keyless) calls.
pub fn apply_to(ledger: &mut Ledger, op: &Op) -> Result<TxId, LedgerError> {
    match *op {
        Op::Open(a) => ledger.open_account(a),
        Op::Deposit(a, x) => ledger.deposit(a, x),
        Op::Withdraw(a, x) => ledger.withdraw(a, x),
        Op::Transfer(from, to, x) => ledger.transfer(from, to, x),
        Op::Reverse(tx) => reverse_on(ledger, tx),
    }
}

#[cfg(any(
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
))]
use reversals::reverse_on;

#[cfg(not(any(
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
)))]
fn reverse_on(_: &mut Ledger, _: TxId) -> Result<TxId, LedgerError> {
    unreachable!("reversals are generated only from stage history_and_reversals on")
}

/// The accounts random scenarios use: 1 to 5 get opened, 6 only sometimes, 42 never.
pub const ACCOUNTS: [AccountId; 7] = [1, 2, 3, 4, 5, 6, 42];

/// Returns the opening calls of a random scenario: accounts 1–4 opened and funded.
pub fn opening_ops() -> Vec<Op> {
    let mut ops: Vec<Op> = (1..=4).map(Op::Open).collect();
    ops.extend((1..=4).map(|a| Op::Deposit(a, 1_000)));
    ops
}

/// Returns a random amount: mostly small, sometimes larger than any balance, sometimes zero,
/// rarely close to `Amount::MAX` (to reach the overflow rule).
pub fn random_amount(rng: &mut Rng) -> Amount {
    match rng.below(100) {
        0..=3 => 0,
        4..=5 => Amount::MAX - rng.below(3),
        6..=20 => rng.range(500, 3_000),
        _ => rng.range(1, 300),
    }
}

/// Returns a random call; with `reversals`, one in ten reverses a (mostly real) transfer.
pub fn random_op(rng: &mut Rng, model: &Model, reversals: bool) -> Op {
    let account = |rng: &mut Rng| *rng.pick(&ACCOUNTS);
    let roll = rng.below(100);
    if reversals && roll < 10 {
        let transfers = model.transfer_ids();
        return if !transfers.is_empty() && rng.chance(80) {
            Op::Reverse(*rng.pick(&transfers))
        } else {
            Op::Reverse(TxId(rng.below(model.last_tx() + 3)))
        };
    }
    match roll {
        0..=14 => Op::Open(rng.range(1, 6)),
        15..=39 => Op::Deposit(account(rng), random_amount(rng)),
        40..=59 => Op::Withdraw(account(rng), random_amount(rng)),
        _ => Op::Transfer(account(rng), account(rng), random_amount(rng)),
    }
}

/// Runs `calls` calls: the opening calls first, then ones drawn by `next`. Each goes to the
/// learner's ledger (`real`) and to the model (`rule`); the check fails at the first answer or
/// balance (of every account in [`ACCOUNTS`]) that differs, naming the call.
pub fn against_model<C: fmt::Debug>(
    rng: &mut Rng,
    calls: usize,
    model: &mut Model,
    mut next: impl FnMut(&mut Rng, &Model, Option<Op>) -> C,
    mut real: impl FnMut(&C) -> Result<TxId, LedgerError>,
    mut rule: impl FnMut(&mut Model, &C) -> Result<TxId, LedgerError>,
    mut balance: impl FnMut(AccountId) -> Option<Amount>,
) {
    let mut opening = opening_ops().into_iter();
    for i in 0..calls {
        let call = next(rng, model, opening.next());
        let got = real(&call);
        step(format!("#{i} {call:?} -> {got:?}"));
        let expected = rule(model, &call);
        if got != expected {
            fail(format!(
                "call #{i}, {call:?}, answered differently from a plain model of the rules\nexpected: {expected:?}\n     got: {got:?}"
            ));
        }
        for &a in &ACCOUNTS {
            let (got, expected) = (balance(a), model.balance(a));
            if got != expected {
                fail(format!(
                    "right after call #{i}, {call:?}, balance({a}) disagrees with a plain model of the rules\nexpected: {expected:?}\n     got: {got:?}"
                ));
            }
        }
    }
}

/// How many threads the stress phases run (more than the cores, to force interleaving).
pub const THREADS: usize = 4;

/// How many calls each thread makes per batch of a race.
pub const PER_BATCH: usize = 30;

/// How long a race check keeps starting new batches (on the reference it never fails, so it
/// runs this long); a race that shows only when two threads truly run at once on a busy machine
/// needs many short batches of fresh threads to be caught.
pub const RACE_TIME: Duration = Duration::from_millis(100);
/// The fewest batches a race check runs, unless [`RACE_CAP`] has passed.
pub const MIN_BATCHES: usize = 10;
/// When a starved machine (other builds at full tilt) has not finished [`MIN_BATCHES`] after this
/// long, the race starts no more batches, so that a check of several races stays well inside the
/// stage's watchdog on the reference.
pub const RACE_CAP: Duration = Duration::from_millis(800);

/// Abandons its race when dropped by a panicking thread.
struct AbandonOnPanic<'a>(&'a SpinBarrier);

impl Drop for AbandonOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.abandon();
        }
    }
}

/// Races [`THREADS`] threads on the same calls, batch after batch, until [`RACE_TIME`] has passed
/// (and at least [`MIN_BATCHES`], unless [`RACE_CAP`] has passed). For each batch, `prepare(batch)` sets it up; then for
/// every k in `0..per_batch` all threads are released together (a spin barrier) to run
/// `call(&data, thread, k)`; then `judge(&data, answers)` checks the batch, with the answers by k,
/// then by thread. Returns how many batches ran.
pub fn race<D: Sync, T: Send>(
    per_batch: usize,
    prepare: impl FnMut(usize) -> D,
    call: impl Fn(&D, usize, usize) -> T + Sync,
    judge: impl FnMut(&D, Vec<Vec<T>>),
) -> usize {
    race_with(THREADS, per_batch, prepare, call, judge)
}

/// [`race`] with `threads` threads instead of [`THREADS`]: more callers meeting at once make a
/// narrow window (a check and a claim in two lock sections) far likelier to be hit.
pub fn race_with<D: Sync, T: Send>(
    threads: usize,
    per_batch: usize,
    prepare: impl FnMut(usize) -> D,
    call: impl Fn(&D, usize, usize) -> T + Sync,
    judge: impl FnMut(&D, Vec<Vec<T>>),
) -> usize {
    race_until_met(threads, per_batch, 0, prepare, call, judge)
}

/// [`race_with`] that also runs until `meetings` rounds had at least two calls overlapping in
/// time (unless [`RACE_CAP`] has passed). Released together on an idle machine, nearly every round
/// overlaps; on a busy one the threads often run in turns, so the race runs longer until it has
/// had as many chances for its window to be hit as an idle machine gives.
pub fn race_until_met<D: Sync, T: Send>(
    threads: usize,
    per_batch: usize,
    meetings_wanted: usize,
    mut prepare: impl FnMut(usize) -> D,
    call: impl Fn(&D, usize, usize) -> T + Sync,
    mut judge: impl FnMut(&D, Vec<Vec<T>>),
) -> usize {
    let chances = Chances::new(RACE_TIME, RACE_CAP);
    let (mut batch, mut meetings) = (0, 0);
    while !chances.enough(batch >= MIN_BATCHES && meetings >= meetings_wanted) {
        let data = prepare(batch);
        let barrier = SpinBarrier::new(threads);
        let by_thread: Vec<Vec<(T, Instant, Instant)>> = run_threads(threads, |i| {
            // If a call panics (the harness has recorded its message), the guard lets the other
            // threads leave the barrier instead of waiting for this one until the watchdog blames
            // a deadlock.
            let _guard = AbandonOnPanic(&barrier);
            (0..per_batch)
                .map_while(|k| {
                    barrier.wait(k).then(|| {
                        let began = Instant::now();
                        let answer = call(&data, i, k);
                        (answer, began, Instant::now())
                    })
                })
                .collect()
        });
        let mut columns: Vec<_> = by_thread.into_iter().map(Vec::into_iter).collect();
        let by_call: Vec<Vec<(T, Instant, Instant)>> = (0..per_batch)
            .map(|_| columns.iter_mut().filter_map(Iterator::next).collect())
            .collect();
        meetings += by_call
            .iter()
            .filter(|round| {
                round.iter().enumerate().any(|(i, (_, b1, e1))| {
                    round[i + 1..].iter().any(|(_, b2, e2)| b1 < e2 && b2 < e1)
                })
            })
            .count();
        let answers = by_call
            .into_iter()
            .map(|round| round.into_iter().map(|(answer, _, _)| answer).collect())
            .collect();
        judge(&data, answers);
        batch += 1;
    }
    batch
}
