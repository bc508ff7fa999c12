//! Helpers for keyed requests (stage idempotency on): the model's `execute`, logging, random retries.

use std::fmt;

use syskata_kit::{step, Rng};

use super::{random_op, Model, Op};
use crate::drill::{Ledger, LedgerError, Request, TxId};

impl Model {
    /// Runs `op` under idempotency `key` by the rules and returns what the ledger must answer.
    pub fn execute(&mut self, key: &str, op: &Op) -> Result<TxId, LedgerError> {
        if let Some((first, outcome)) = self.keys.get(key) {
            return if first == op {
                outcome.clone()
            } else {
                Err(LedgerError::IdempotencyConflict(key.to_owned()))
            };
        }
        let outcome = self.apply(op);
        self.keys
            .insert(key.to_owned(), (op.clone(), outcome.clone()));
        outcome
    }
}

/// Returns `op` as the request `execute` takes.
pub fn request(op: &Op) -> Request {
    match *op {
        Op::Open(account) => Request::OpenAccount { account },
        Op::Deposit(account, amount) => Request::Deposit { account, amount },
        Op::Withdraw(account, amount) => Request::Withdraw { account, amount },
        Op::Transfer(from, to, amount) => Request::Transfer { from, to, amount },
        Op::Reverse(transfer) => reverse_request(transfer),
    }
}

#[cfg(any(
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
))]
fn reverse_request(transfer: TxId) -> Request {
    Request::Reverse { transfer }
}

#[cfg(not(any(
    feature = "stage-history_and_reversals",
    feature = "stage-concurrent",
    feature = "stage-scheduled",
    feature = "stage-durable"
)))]
fn reverse_request(_: TxId) -> Request {
    unreachable!("reversals are generated only from stage history_and_reversals on")
}

/// Runs `execute(key, request)` on `ledger`, logging the call and its answer.
pub fn exec(ledger: &mut Ledger, key: &str, request: &Request) -> Result<TxId, LedgerError> {
    let got = ledger.execute(key, request.clone());
    step(format!("execute({key:?}, {request:?}) -> {got:?}"));
    got
}

/// One keyed call of a random scenario.
pub struct Keyed {
    /// The idempotency key.
    pub key: String,
    /// The request.
    pub op: Op,
}

impl fmt::Debug for Keyed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "execute({:?}, {:?})", self.key, request(&self.op))
    }
}

/// Returns the next keyed call: a retry of an earlier one (a third), a different request under
/// an earlier key (a tenth), or a new key.
pub fn random_keyed(
    rng: &mut Rng,
    model: &Model,
    history: &mut Vec<(String, Op)>,
    reversals: bool,
) -> (String, Op) {
    let roll = rng.below(100);
    if !history.is_empty() && roll < 35 {
        return history[rng.index(history.len())].clone();
    }
    if !history.is_empty() && roll < 45 {
        let key = history[rng.index(history.len())].0.clone();
        return (key, random_op(rng, model, reversals));
    }
    let fresh = (
        format!("key-{}", history.len()),
        random_op(rng, model, reversals),
    );
    history.push(fresh.clone());
    fresh
}
