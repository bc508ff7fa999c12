//! Stage history_and_reversals: an append-only journal that rebuilds the balances, reversals written once, statements.

use syskata_kit::{checks, expect, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::{Amount, Entry, Event, Ledger, LedgerError, Request, StatementLine, TxId};
use crate::support::{
    against_model, apply_to, exec, expect_balances, funded, random_keyed, random_op, replay,
    request, Model, Op, ACCOUNTS,
};

/// Returns the checks of stage history_and_reversals.
pub fn stage() -> Stage {
    Stage {
        slug: "history_and_reversals",
        checks: checks![
            the_journal_lists_every_change_in_order,
            refused_calls_and_replays_leave_no_trace_in_the_journal,
            a_reversal_moves_the_money_back_and_is_journaled,
            a_transfer_is_reversed_at_most_once,
            a_reversal_that_would_overdraw_is_refused_and_can_be_retried_later,
            only_transfers_can_be_reversed,
            a_keyed_reversal_replays_and_a_second_key_is_refused,
            statements_list_each_movement_with_the_running_balance,
            balances_rebuilt_from_the_journal_match_after_random_calls,
        ],
    }
}

/// Returns the journal entry with id `tx` doing `event`.
fn entry(tx: u64, event: Event) -> Entry {
    Entry {
        tx: TxId(tx),
        event,
    }
}

/// Returns a copy of the journal, logging how long it is.
fn journal(ledger: &Ledger) -> Vec<Entry> {
    let journal = ledger.journal().to_vec();
    step(format!("journal() -> {} entries", journal.len()));
    journal
}

fn the_journal_lists_every_change_in_order(_: &mut Ctx) {
    scenario("a fresh ledger: two accounts opened, a deposit, a transfer and a withdrawal");
    let mut ledger = Ledger::new();
    call!(ledger.open_account(1)).ok();
    call!(ledger.open_account(2)).ok();
    call!(ledger.deposit(1, 500)).ok();
    call!(ledger.transfer(1, 2, 200)).ok();
    call!(ledger.withdraw(2, 50)).ok();
    expect_eq(
        "journal(): one entry per successful change, oldest first, entry i with id TxId(i + 1)",
        journal(&ledger),
        vec![
            entry(1, Event::Opened { account: 1 }),
            entry(2, Event::Opened { account: 2 }),
            entry(
                3,
                Event::Deposited {
                    account: 1,
                    amount: 500,
                },
            ),
            entry(
                4,
                Event::Transferred {
                    from: 1,
                    to: 2,
                    amount: 200,
                },
            ),
            entry(
                5,
                Event::Withdrawn {
                    account: 2,
                    amount: 50,
                },
            ),
        ],
    );
}

fn refused_calls_and_replays_leave_no_trace_in_the_journal(_: &mut Ctx) {
    scenario("accounts 1 (100) and 2 (0), one keyed deposit; then only calls that are refused or replayed");
    let mut ledger = funded(&[(1, 100), (2, 0)]);
    let deposit = Request::Deposit {
        account: 1,
        amount: 10,
    };
    exec(&mut ledger, "d", &deposit).ok();
    let before = journal(&ledger);
    call!(ledger.open_account(1)).ok();
    call!(ledger.deposit(9, 5)).ok();
    call!(ledger.withdraw(1, 0)).ok();
    call!(ledger.withdraw(2, 1)).ok();
    call!(ledger.transfer(1, 1, 5)).ok();
    call!(ledger.transfer(1, 2, 1_000)).ok();
    exec(&mut ledger, "d", &deposit).ok();
    exec(
        &mut ledger,
        "d",
        &Request::Deposit {
            account: 1,
            amount: 11,
        },
    )
    .ok();
    expect_eq(
        "journal() after calls that were all refused or replayed: it records changes, and none happened",
        journal(&ledger),
        before,
    );
}

fn a_reversal_moves_the_money_back_and_is_journaled(_: &mut Ctx) {
    scenario("account 1 holds 500, account 2 holds 0; 200 moves from 1 to 2 and is reversed");
    let mut ledger = funded(&[(1, 500), (2, 0)]);
    let transfer = call!(ledger.transfer(1, 2, 200));
    expect_eq(
        "transfer(1, 2, 200) is the fourth change",
        transfer.clone(),
        Ok(TxId(4)),
    );
    let before = journal(&ledger);
    expect_eq(
        "reverse(TxId(4)) is the fifth change",
        call!(ledger.reverse(TxId(4))),
        Ok(TxId(5)),
    );
    expect_balances(
        &ledger,
        &[(1, 500), (2, 0)],
        "the reversal moved the 200 back from account 2 to account 1",
    );
    let after = journal(&ledger);
    expect(
        after.starts_with(&before),
        format!(
            "the journal is append-only: a reversal adds compensating entries and keeps the transfer.\n\
             before the reversal: {before:?}\n after the reversal: {after:?}"
        ),
    );
    expect_eq(
        "the entries the reversal added: money moves from the transfer's payee (2) back to its payer (1)",
        after[before.len()..].to_vec(),
        vec![entry(
            5,
            Event::Reversed {
                transfer: TxId(4),
                from: 2,
                to: 1,
                amount: 200,
            },
        )],
    );
}

fn a_transfer_is_reversed_at_most_once(_: &mut Ctx) {
    scenario("account 1 holds 500, account 2 holds 100; 200 moves from 1 to 2 and is reversed, then reversed again");
    let mut ledger = funded(&[(1, 500), (2, 100)]);
    let transfer = call!(ledger.transfer(1, 2, 200)).unwrap_or(TxId(0));
    expect(
        call!(ledger.reverse(transfer)).is_ok(),
        "the first reversal must succeed: account 2 holds 300",
    );
    let before = journal(&ledger);
    expect_eq(
        "the second reversal of the same transfer",
        call!(ledger.reverse(transfer)),
        Err(LedgerError::AlreadyReversed(transfer)),
    );
    call!(ledger.deposit(2, 50)).ok();
    expect_eq(
        "a third reversal, later: still AlreadyReversed",
        call!(ledger.reverse(transfer)),
        Err(LedgerError::AlreadyReversed(transfer)),
    );
    expect_balances(
        &ledger,
        &[(1, 500), (2, 150)],
        "the transfer was undone exactly once (then 50 was deposited into 2)",
    );
    expect_eq(
        "journal() length: only the deposit was added after the refused reversals",
        journal(&ledger).len(),
        before.len() + 1,
    );
}

fn a_reversal_that_would_overdraw_is_refused_and_can_be_retried_later(_: &mut Ctx) {
    scenario(
        "account 1 holds 500, account 2 holds 0; 300 moves from 1 to 2, then account 2 spends 250.\n\
         Reversing now would overdraw account 2; once it is topped up, the reversal goes through.",
    );
    let mut ledger = funded(&[(1, 500), (2, 0)]);
    let transfer = call!(ledger.transfer(1, 2, 300)).unwrap_or(TxId(0));
    call!(ledger.withdraw(2, 250)).ok();
    let before = journal(&ledger);
    expect_eq(
        "reverse(the transfer): account 2 holds only 50 of the 300 to move back",
        call!(ledger.reverse(transfer)),
        Err(LedgerError::InsufficientFunds {
            account: 2,
            balance: 50,
            requested: 300,
        }),
    );
    expect_balances(
        &ledger,
        &[(1, 200), (2, 50)],
        "a refused reversal moves nothing",
    );
    expect_eq(
        "journal(): a refused reversal writes no entry",
        journal(&ledger),
        before,
    );
    call!(ledger.deposit(2, 250)).ok();
    expect(
        call!(ledger.reverse(transfer)).is_ok(),
        "after the top-up account 2 holds 300, so the reversal must succeed: the refused attempt \
         must not have marked the transfer as reversed",
    );
    expect_balances(
        &ledger,
        &[(1, 500), (2, 0)],
        "the 300 went back to account 1",
    );

    call!(ledger.open_account(3)).ok();
    let small = call!(ledger.transfer(1, 3, 1)).unwrap_or(TxId(0));
    call!(ledger.deposit(1, Amount::MAX - 499)).ok();
    expect_eq(
        "reversing transfer(1, 3, 1) when account 1 is full would overflow account 1",
        call!(ledger.reverse(small)),
        Err(LedgerError::BalanceOverflow(1)),
    );
}

fn only_transfers_can_be_reversed(_: &mut Ctx) {
    scenario("accounts 1 (500) and 2 (0), a transfer of 100 from 1 to 2 and its reversal; then every other kind of change is 'reversed'");
    let mut ledger = funded(&[(1, 500), (2, 0)]);
    let withdrawal = call!(ledger.withdraw(1, 10)).unwrap_or(TxId(0));
    let transfer = call!(ledger.transfer(1, 2, 100)).unwrap_or(TxId(0));
    let reversal = call!(ledger.reverse(transfer)).unwrap_or(TxId(0));
    let last = reversal.0;
    for (what, tx, expected) in [
        (
            "the opening of account 1",
            TxId(1),
            LedgerError::NotATransfer(TxId(1)),
        ),
        (
            "the deposit into account 1",
            TxId(2),
            LedgerError::NotATransfer(TxId(2)),
        ),
        (
            "the withdrawal",
            withdrawal,
            LedgerError::NotATransfer(withdrawal),
        ),
        (
            "the reversal itself",
            reversal,
            LedgerError::NotATransfer(reversal),
        ),
        (
            "TxId(0), which no change has",
            TxId(0),
            LedgerError::UnknownTransaction(TxId(0)),
        ),
        (
            "an id past the last change",
            TxId(last + 1),
            LedgerError::UnknownTransaction(TxId(last + 1)),
        ),
    ] {
        let got = ledger.reverse(tx);
        step(format!("reverse({tx:?}) -> {got:?}"));
        expect_eq(format!("reverse({tx:?}), {what}"), got, Err(expected));
    }
    expect_balances(
        &ledger,
        &[(1, 490), (2, 0)],
        "refused reversals move nothing",
    );
}

fn a_keyed_reversal_replays_and_a_second_key_is_refused(_: &mut Ctx) {
    scenario("accounts 1 (500) and 2 (0), a transfer of 100; the reversal is sent as a keyed request, retried, then sent under a new key");
    let mut ledger = funded(&[(1, 500), (2, 0)]);
    let transfer = call!(ledger.transfer(1, 2, 100)).unwrap_or(TxId(0));
    let reverse = Request::Reverse { transfer };
    let first = exec(&mut ledger, "undo", &reverse);
    expect(
        first.is_ok(),
        format!("the first keyed reversal must succeed; got {first:?}"),
    );
    expect_eq(
        "the retry under the same key replays the answer",
        exec(&mut ledger, "undo", &reverse),
        first,
    );
    expect_eq(
        "the same reversal under a new key is a new request, and the transfer is already reversed",
        exec(&mut ledger, "undo-again", &reverse),
        Err(LedgerError::AlreadyReversed(transfer)),
    );
    expect_balances(&ledger, &[(1, 500), (2, 0)], "the transfer was undone once");
}

fn statements_list_each_movement_with_the_running_balance(_: &mut Ctx) {
    scenario(
        "accounts 1, 2 and 3 opened (ids 1–3); account 1 gets a deposit, sends and receives transfers, \
         withdraws, and its first transfer is reversed; a refused withdrawal happens along the way",
    );
    let mut ledger = Ledger::new();
    for a in 1..=3 {
        call!(ledger.open_account(a)).ok();
    }
    call!(ledger.deposit(1, 500)).ok();
    call!(ledger.deposit(2, 80)).ok();
    call!(ledger.transfer(1, 2, 200)).ok();
    call!(ledger.transfer(2, 1, 50)).ok();
    call!(ledger.withdraw(1, 1_000)).ok();
    call!(ledger.withdraw(1, 100)).ok();
    call!(ledger.reverse(TxId(6))).ok();
    let line = |tx, paid_in, paid_out, balance| StatementLine {
        tx: TxId(tx),
        paid_in,
        paid_out,
        balance,
    };
    expect_eq(
        "statement(1): every change that moved account 1's money, oldest first, with the balance after it",
        call!(ledger.statement(1)),
        Some(vec![
            line(4, 500, 0, 500),
            line(6, 0, 200, 300),
            line(7, 50, 0, 350),
            line(8, 0, 100, 250),
            line(9, 200, 0, 450),
        ]),
    );
    expect_eq(
        "statement(2)",
        call!(ledger.statement(2)),
        Some(vec![
            line(5, 80, 0, 80),
            line(6, 200, 0, 280),
            line(7, 0, 50, 230),
            line(9, 0, 200, 30),
        ]),
    );
    expect_eq(
        "statement(3): open, but no money ever moved",
        call!(ledger.statement(3)),
        Some(vec![]),
    );
    expect_eq(
        "statement(9): no such account",
        call!(ledger.statement(9)),
        None,
    );
}

fn balances_rebuilt_from_the_journal_match_after_random_calls(ctx: &mut Ctx) {
    scenario(
        "random plain and keyed calls, reversals among them, compared with a plain model; then the \
         journal is replayed from nothing and must give every balance, be append-only, and agree \
         with each account's statement",
    );
    let ledger = std::cell::RefCell::new(Ledger::new());
    let mut history = Vec::new();
    let mut snapshots: Vec<Vec<Entry>> = Vec::new();
    let mut calls = 0;
    against_model(
        ctx.rng(),
        1_200,
        &mut Model::default(),
        |rng, model, opening| match opening {
            Some(op) => (None, op),
            None if rng.chance(30) => {
                let (key, op) = random_keyed(rng, model, &mut history, true);
                (Some(key), op)
            }
            None => (None, random_op(rng, model, true)),
        },
        |(key, op): &(Option<String>, Op)| {
            calls += 1;
            if calls % 100 == 0 {
                snapshots.push(ledger.borrow().journal().to_vec());
            }
            let mut ledger = ledger.borrow_mut();
            match key {
                Some(key) => ledger.execute(key, request(op)),
                None => apply_to(&mut ledger, op),
            }
        },
        |model, (key, op)| match key {
            Some(key) => model.execute(key, op),
            None => model.apply(op),
        },
        |a| ledger.borrow().balance(a),
    );
    let ledger = ledger.into_inner();
    let journal = ledger.journal();
    for (i, earlier) in snapshots.iter().enumerate() {
        expect(
            journal.starts_with(earlier),
            format!(
                "the journal is append-only, yet the copy taken after {} calls ({} entries) is not a \
                 prefix of the final journal ({} entries)",
                (i + 1) * 100,
                earlier.len(),
                journal.len()
            ),
        );
    }
    let rebuilt = replay(journal).unwrap_or_else(|why| syskata_kit::fail(why));
    for &a in &ACCOUNTS {
        expect_eq(
            format!(
                "balance({a}) rebuilt by replaying journal() from nothing, against balance({a})"
            ),
            rebuilt.get(&a).copied(),
            ledger.balance(a),
        );
        let Some(statement) = ledger.statement(a) else {
            continue;
        };
        let net: i128 = statement
            .iter()
            .map(|l| i128::from(l.paid_in) - i128::from(l.paid_out))
            .sum();
        expect_eq(
            format!(
                "statement({a}): paid in minus paid out over all its lines, against balance({a})"
            ),
            Some(net),
            ledger.balance(a).map(i128::from),
        );
        expect_eq(
            format!("statement({a}): the balance on its last line, against balance({a})"),
            statement.last().map_or(0, |l| l.balance),
            ledger.balance(a).unwrap_or(0),
        );
    }
}
