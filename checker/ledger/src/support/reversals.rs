//! Helpers for reversals and the journal (stage history_and_reversals on): the model's rules and a journal replayer.

use std::collections::BTreeMap;

use crate::drill::{AccountId, Amount, Entry, Event, Ledger, LedgerError, TxId};

use super::Model;

impl Model {
    /// Reverses transfer `tx` by the rules and returns what the ledger must answer.
    pub(super) fn reverse(&mut self, tx: TxId) -> Result<TxId, LedgerError> {
        if tx.0 == 0 || tx.0 > self.last_tx {
            return Err(LedgerError::UnknownTransaction(tx));
        }
        let Some(&(from, to, x)) = self.transfers.get(&tx.0) else {
            return Err(LedgerError::NotATransfer(tx));
        };
        if self.reversed.contains(&tx.0) {
            return Err(LedgerError::AlreadyReversed(tx));
        }
        self.move_money(to, from, x)?;
        self.reversed.insert(tx.0);
        Ok(self.next_tx())
    }
}

/// Calls `reverse(tx)` on the learner's ledger.
pub fn reverse_on(ledger: &mut Ledger, tx: TxId) -> Result<TxId, LedgerError> {
    ledger.reverse(tx)
}

/// Replays `journal` from nothing and returns the balances it implies, or what is wrong with it
/// (ids out of sequence, money moved on an account not yet opened, an overdraft or overflow
/// along the way, a reversal that mirrors no earlier transfer).
pub fn replay(journal: &[Entry]) -> Result<BTreeMap<AccountId, Amount>, String> {
    let mut balances: BTreeMap<AccountId, Amount> = BTreeMap::new();
    for (i, entry) in journal.iter().enumerate() {
        let expected = TxId(i as u64 + 1);
        if entry.tx != expected {
            return Err(format!(
                "journal entry #{i} has id {:?}; ids must run 1, 2, 3, … in journal order, so it should be {expected:?}",
                entry.tx
            ));
        }
        let (from, to, amount) = match entry.event {
            Event::Opened { account } => {
                if balances.insert(account, 0).is_some() {
                    return Err(format!("{entry:?} opens account {account} a second time"));
                }
                continue;
            }
            Event::Deposited { account, amount } => (None, Some(account), amount),
            Event::Withdrawn { account, amount } => (Some(account), None, amount),
            Event::Transferred { from, to, amount } => (Some(from), Some(to), amount),
            Event::Reversed {
                transfer,
                from,
                to,
                amount,
            } => {
                let original = transfer
                    .0
                    .checked_sub(1)
                    .and_then(|k| journal.get(usize::try_from(k).ok()?))
                    .filter(|e| e.tx < entry.tx)
                    .map(|e| &e.event);
                let mirrors = matches!(original, Some(Event::Transferred { from: f, to: t, amount: x })
                    if *f == to && *t == from && *x == amount);
                if !mirrors {
                    return Err(format!(
                        "{entry:?} does not mirror an earlier transfer {transfer:?} (found {original:?}); \
                         a reversal moves the same amount from the transfer's payee back to its payer"
                    ));
                }
                (Some(from), Some(to), amount)
            }
        };
        if let Some(a) = from {
            let balance = balances.get_mut(&a).ok_or_else(|| {
                format!("{entry:?} takes money from account {a}, which no earlier entry opened")
            })?;
            *balance = balance.checked_sub(amount).ok_or_else(|| {
                format!(
                    "replaying the journal in order, {entry:?} overdraws account {a} (it holds {balance} \
                     at that point); the journal's order must be an order in which every change was allowed"
                )
            })?;
        }
        if let Some(a) = to {
            let balance = balances.get_mut(&a).ok_or_else(|| {
                format!("{entry:?} puts money into account {a}, which no earlier entry opened")
            })?;
            *balance = balance
                .checked_add(amount)
                .ok_or_else(|| format!("replaying the journal, {entry:?} overflows account {a}"))?;
        }
    }
    Ok(balances)
}
