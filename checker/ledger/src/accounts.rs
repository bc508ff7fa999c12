//! Stage accounts: open, deposit, withdraw and transfer in integer minor units, all or nothing.

use syskata_kit::{checks, expect, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::{Amount, Ledger, LedgerError, TxId};
use crate::support::{
    against_model, apply_to, expect_balances, funded, random_op, Model, Op, ACCOUNTS,
};

/// Returns the checks of stage accounts.
pub fn stage() -> Stage {
    Stage {
        slug: "accounts",
        checks: checks![
            a_new_account_starts_empty_and_unknown_accounts_have_no_balance,
            opening_an_open_account_is_refused,
            deposits_and_withdrawals_move_the_balance,
            withdrawing_more_than_the_balance_is_refused,
            zero_amounts_are_refused,
            calls_on_unknown_accounts_are_refused,
            a_transfer_moves_money_between_two_accounts,
            a_transfer_that_would_overdraw_changes_nothing,
            a_transfer_involving_an_unknown_account_changes_nothing,
            a_transfer_to_the_same_account_is_refused,
            a_balance_never_overflows,
            change_ids_count_up_from_one_and_skip_refused_calls,
            errors_are_reported_in_the_documented_order,
            errors_explain_themselves_when_displayed,
            random_calls_match_a_model_and_conserve_money,
        ],
    }
}

fn a_new_account_starts_empty_and_unknown_accounts_have_no_balance(_: &mut Ctx) {
    scenario("an empty ledger; account 1 is opened, account 2 never is");
    let mut ledger = Ledger::new();
    expect_eq(
        "balance(1) before any account is opened",
        ledger.balance(1),
        None,
    );
    let opened = call!(ledger.open_account(1));
    expect_eq(
        "open_account(1) on an empty ledger is the first change, so its id is TxId(1)",
        opened,
        Ok(TxId(1)),
    );
    expect_eq(
        "balance(1): a new account starts at zero",
        ledger.balance(1),
        Some(0),
    );
    expect_eq(
        "balance(2): account 2 was never opened",
        ledger.balance(2),
        None,
    );
}

fn opening_an_open_account_is_refused(_: &mut Ctx) {
    scenario("account 1 is opened and funded with 500, then opened again");
    let mut ledger = funded(&[(1, 500)]);
    expect_eq(
        "open_account(1) a second time",
        call!(ledger.open_account(1)),
        Err(LedgerError::AccountExists(1)),
    );
    expect_balances(
        &ledger,
        &[(1, 500)],
        "a refused re-opening must not reset the account",
    );
}

fn deposits_and_withdrawals_move_the_balance(_: &mut Ctx) {
    scenario("account 1 receives deposits and withdrawals, down to exactly zero and up again");
    let mut ledger = funded(&[(1, 0)]);
    type Call = fn(&mut Ledger) -> Result<TxId, LedgerError>;
    #[rustfmt::skip]
    let calls: [(&str, Call, Amount); 5] = [
        ("deposit(1, 250)", |l| l.deposit(1, 250), 250),
        ("deposit(1, 50)", |l| l.deposit(1, 50), 300),
        ("withdraw(1, 120)", |l| l.withdraw(1, 120), 180),
        ("withdraw(1, 180)", |l| l.withdraw(1, 180), 0),
        ("deposit(1, 1)", |l| l.deposit(1, 1), 1),
    ];
    for (what, call, expected) in calls {
        let result = call(&mut ledger);
        step(format!("{what} -> {result:?}"));
        expect(
            result.is_ok(),
            format!("{what} must succeed: the account holds enough; got {result:?}"),
        );
        expect_eq(
            format!("balance(1) right after {what}"),
            ledger.balance(1),
            Some(expected),
        );
    }
}

fn withdrawing_more_than_the_balance_is_refused(_: &mut Ctx) {
    scenario("account 1 holds 100; account 2 is open but empty");
    let mut ledger = funded(&[(1, 100), (2, 0)]);
    expect_eq(
        "withdraw(1, 101): one more than the balance; the error carries the account, its balance and the amount asked",
        call!(ledger.withdraw(1, 101)),
        Err(LedgerError::InsufficientFunds {
            account: 1,
            balance: 100,
            requested: 101,
        }),
    );
    expect_balances(&ledger, &[(1, 100)], "a refused withdrawal takes nothing");
    expect_eq(
        "withdraw(2, 1) from an empty account",
        call!(ledger.withdraw(2, 1)),
        Err(LedgerError::InsufficientFunds {
            account: 2,
            balance: 0,
            requested: 1,
        }),
    );
    expect_balances(
        &ledger,
        &[(2, 0)],
        "a refused withdrawal takes nothing (and a balance never goes below zero)",
    );
    expect(
        call!(ledger.withdraw(1, 100)).is_ok(),
        "withdraw(1, 100): taking out exactly the whole balance is allowed",
    );
    expect_balances(&ledger, &[(1, 0)], "the whole balance was withdrawn");
}

fn zero_amounts_are_refused(_: &mut Ctx) {
    scenario("accounts 1 (holding 100) and 2 (empty); every call moves zero");
    let mut ledger = funded(&[(1, 100), (2, 0)]);
    expect_eq(
        "deposit(1, 0)",
        call!(ledger.deposit(1, 0)),
        Err(LedgerError::ZeroAmount),
    );
    expect_eq(
        "withdraw(1, 0)",
        call!(ledger.withdraw(1, 0)),
        Err(LedgerError::ZeroAmount),
    );
    expect_eq(
        "transfer(1, 2, 0)",
        call!(ledger.transfer(1, 2, 0)),
        Err(LedgerError::ZeroAmount),
    );
    expect_balances(&ledger, &[(1, 100), (2, 0)], "refused calls change nothing");
}

fn calls_on_unknown_accounts_are_refused(_: &mut Ctx) {
    scenario("account 1 holds 100; account 9 was never opened");
    let mut ledger = funded(&[(1, 100)]);
    for (what, got) in [
        ("deposit(9, 10)", call!(ledger.deposit(9, 10))),
        ("withdraw(9, 10)", call!(ledger.withdraw(9, 10))),
        ("transfer(9, 1, 10)", call!(ledger.transfer(9, 1, 10))),
        ("transfer(1, 9, 10)", call!(ledger.transfer(1, 9, 10))),
    ] {
        expect_eq(
            format!("{what}: the error names the unknown account"),
            got,
            Err(LedgerError::UnknownAccount(9)),
        );
    }
    expect_balances(&ledger, &[(1, 100)], "refused calls change nothing");
    expect_eq(
        "balance(9): a refused deposit must not open the account",
        ledger.balance(9),
        None,
    );
}

fn a_transfer_moves_money_between_two_accounts(_: &mut Ctx) {
    scenario("account 1 holds 300, account 2 holds 20");
    let mut ledger = funded(&[(1, 300), (2, 20)]);
    expect(
        call!(ledger.transfer(1, 2, 120)).is_ok(),
        "transfer(1, 2, 120) must succeed: account 1 holds 300",
    );
    expect_balances(
        &ledger,
        &[(1, 180), (2, 140)],
        "120 moved from account 1 to account 2",
    );
    expect(
        call!(ledger.transfer(2, 1, 140)).is_ok(),
        "transfer(2, 1, 140) must succeed: it is exactly account 2's balance",
    );
    expect_balances(
        &ledger,
        &[(1, 320), (2, 0)],
        "account 2 sent its whole balance back",
    );
}

fn a_transfer_that_would_overdraw_changes_nothing(_: &mut Ctx) {
    scenario("account 1 holds 100, account 2 holds 7");
    let mut ledger = funded(&[(1, 100), (2, 7)]);
    expect_eq(
        "transfer(1, 2, 150): account 1 holds only 100",
        call!(ledger.transfer(1, 2, 150)),
        Err(LedgerError::InsufficientFunds {
            account: 1,
            balance: 100,
            requested: 150,
        }),
    );
    expect_balances(
        &ledger,
        &[(1, 100), (2, 7)],
        "a refused transfer moves nothing: neither side changes",
    );
}

fn a_transfer_involving_an_unknown_account_changes_nothing(_: &mut Ctx) {
    scenario(
        "account 1 holds 100, account 2 holds 50; account 9 does not exist.\n\
         A transfer that debits first and only then finds the destination missing is half-applied.",
    );
    let mut ledger = funded(&[(1, 100), (2, 50)]);
    expect_eq(
        "transfer(1, 9, 60): the destination is unknown",
        call!(ledger.transfer(1, 9, 60)),
        Err(LedgerError::UnknownAccount(9)),
    );
    expect_balances(
        &ledger,
        &[(1, 100)],
        "the transfer was refused, so account 1 must not have been debited",
    );
    expect_eq(
        "transfer(9, 2, 60): the source is unknown",
        call!(ledger.transfer(9, 2, 60)),
        Err(LedgerError::UnknownAccount(9)),
    );
    expect_balances(
        &ledger,
        &[(2, 50)],
        "the transfer was refused, so account 2 must not have been credited",
    );
}

fn a_transfer_to_the_same_account_is_refused(_: &mut Ctx) {
    scenario(
        "account 1 holds 100. A transfer that reads both balances first and writes both back \
         mints money when source and destination are the same account.",
    );
    let mut ledger = funded(&[(1, 100)]);
    expect_eq(
        "transfer(1, 1, 40)",
        call!(ledger.transfer(1, 1, 40)),
        Err(LedgerError::SameAccount(1)),
    );
    expect_balances(&ledger, &[(1, 100)], "a refused transfer changes nothing");
}

fn a_balance_never_overflows(_: &mut Ctx) {
    scenario(format!(
        "account 1 is filled to Amount::MAX ({}); account 2 holds 10",
        Amount::MAX
    ));
    let mut ledger = funded(&[(1, 0), (2, 10)]);
    expect(
        call!(ledger.deposit(1, Amount::MAX)).is_ok(),
        "deposit(1, Amount::MAX) into an empty account must succeed",
    );
    expect_eq(
        "deposit(1, 1) would push the balance past Amount::MAX (an unchecked `+` panics in a debug build)",
        call!(ledger.deposit(1, 1)),
        Err(LedgerError::BalanceOverflow(1)),
    );
    expect_eq(
        "transfer(2, 1, 5) would overflow the destination",
        call!(ledger.transfer(2, 1, 5)),
        Err(LedgerError::BalanceOverflow(1)),
    );
    expect_balances(
        &ledger,
        &[(1, Amount::MAX), (2, 10)],
        "refused calls change nothing: the source of the refused transfer keeps its money",
    );
}

fn change_ids_count_up_from_one_and_skip_refused_calls(_: &mut Ctx) {
    scenario("a fresh ledger; successful and refused calls are mixed");
    let mut ledger = Ledger::new();
    type Call = fn(&mut Ledger) -> Result<TxId, LedgerError>;
    let insufficient = LedgerError::InsufficientFunds {
        account: 2,
        balance: 0,
        requested: 5,
    };
    #[rustfmt::skip]
    let cases: [(&str, Call, Result<TxId, LedgerError>); 7] = [
        ("open_account(1)", |l| l.open_account(1), Ok(TxId(1))),
        ("open_account(2)", |l| l.open_account(2), Ok(TxId(2))),
        ("deposit(1, 90)", |l| l.deposit(1, 90), Ok(TxId(3))),
        ("withdraw(2, 5)", |l| l.withdraw(2, 5), Err(insufficient)),
        ("deposit(3, 5)", |l| l.deposit(3, 5), Err(LedgerError::UnknownAccount(3))),
        ("transfer(1, 2, 40)", |l| l.transfer(1, 2, 40), Ok(TxId(4))),
        ("withdraw(2, 40)", |l| l.withdraw(2, 40), Ok(TxId(5))),
    ];
    for (what, call, want) in cases {
        let got = call(&mut ledger);
        step(format!("{what} -> {got:?}"));
        expect_eq(
            format!("{what}: each successful change takes the next id; refused calls take none"),
            got,
            want,
        );
    }
}

fn errors_are_reported_in_the_documented_order(_: &mut Ctx) {
    scenario(
        "account 1 holds 100, account 2 holds Amount::MAX; accounts 8 and 9 do not exist.\n\
         Each call breaks several rules; the first rule in the documented order decides the error.",
    );
    let mut ledger = funded(&[(1, 100), (2, Amount::MAX)]);
    let insufficient = LedgerError::InsufficientFunds {
        account: 1,
        balance: 100,
        requested: 200,
    };
    #[rustfmt::skip]
    let cases: [(&str, Result<TxId, LedgerError>, LedgerError); 8] = [
        ("transfer(8, 9, 0): zero amount before unknown accounts", ledger.transfer(8, 9, 0), LedgerError::ZeroAmount),
        ("transfer(9, 9, 5): same account before unknown account", ledger.transfer(9, 9, 5), LedgerError::SameAccount(9)),
        ("transfer(1, 1, 0): zero amount before same account", ledger.transfer(1, 1, 0), LedgerError::ZeroAmount),
        ("transfer(8, 9, 5): the source is checked before the destination", ledger.transfer(8, 9, 5), LedgerError::UnknownAccount(8)),
        ("transfer(1, 9, 200): unknown destination before insufficient funds", ledger.transfer(1, 9, 200), LedgerError::UnknownAccount(9)),
        ("transfer(1, 2, 200): insufficient funds before overflow", ledger.transfer(1, 2, 200), insufficient),
        ("withdraw(9, 0): zero amount before unknown account", ledger.withdraw(9, 0), LedgerError::ZeroAmount),
        ("deposit(9, 0): zero amount before unknown account", ledger.deposit(9, 0), LedgerError::ZeroAmount),
    ];
    for (what, got, want) in cases {
        step(format!(
            "{} -> {got:?}",
            &what[..what.find(':').unwrap_or(what.len())]
        ));
        expect_eq(what, got, Err(want));
    }
}

fn errors_explain_themselves_when_displayed(_: &mut Ctx) {
    scenario("each error is formatted with Display (`{}`), as a caller would log it");
    let errors = [
        (LedgerError::UnknownAccount(4242), vec!["4242"]),
        (LedgerError::AccountExists(4242), vec!["4242"]),
        (LedgerError::ZeroAmount, vec![]),
        (LedgerError::SameAccount(4242), vec!["4242"]),
        (
            LedgerError::InsufficientFunds {
                account: 4242,
                balance: 31,
                requested: 977,
            },
            vec!["4242", "31", "977"],
        ),
        (LedgerError::BalanceOverflow(4242), vec!["4242"]),
    ];
    for (error, must_mention) in errors {
        let shown = error.to_string();
        step(format!("format!(\"{{}}\", {error:?}) -> {shown:?}"));
        expect(
            !shown.trim().is_empty() && shown != format!("{error:?}"),
            format!("Display of {error:?} should be a sentence for a person, not empty and not the Debug form; got {shown:?}"),
        );
        for needle in must_mention {
            expect(
                shown.contains(needle),
                format!("Display of {error:?} should mention {needle}; got {shown:?}"),
            );
        }
    }
    let _: &dyn std::error::Error = &LedgerError::ZeroAmount;
}

fn random_calls_match_a_model_and_conserve_money(ctx: &mut Ctx) {
    scenario(
        "random calls on accounts 1–6 and 42 (some never opened), with zero, huge and ordinary \
         amounts; each answer and every balance is compared with a plain model of the rules, \
         and the total held must equal deposits minus withdrawals",
    );
    let mut ledger = Ledger::new();
    let (mut deposited, mut withdrawn) = (0u128, 0u128);
    let mut results: Vec<(Op, bool)> = Vec::new();
    {
        let ledger = &mut ledger;
        let mut model = Model::default();
        let cell = std::cell::RefCell::new(ledger);
        against_model(
            ctx.rng(),
            1_500,
            &mut model,
            |rng, model, opening| opening.unwrap_or_else(|| random_op(rng, model, false)),
            |op| {
                let result = apply_to(&mut cell.borrow_mut(), op);
                results.push((op.clone(), result.is_ok()));
                result
            },
            |model, op| model.apply(op),
            |a| cell.borrow().balance(a),
        );
    }
    for (op, ok) in results {
        match (op, ok) {
            (Op::Deposit(_, x), true) => deposited += u128::from(x),
            (Op::Withdraw(_, x), true) => withdrawn += u128::from(x),
            _ => {}
        }
    }
    let total: u128 = ACCOUNTS
        .iter()
        .filter_map(|&a| ledger.balance(a))
        .map(u128::from)
        .sum();
    expect_eq(
        "total of all balances after the random calls: money only enters by deposit and leaves by withdrawal",
        total,
        deposited - withdrawn,
    );
}
