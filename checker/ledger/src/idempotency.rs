//! Stage idempotency: a key per request; a retry replays the recorded outcome, a different request under the key is a conflict.

use syskata_kit::{checks, expect, expect_eq, scenario, Ctx, Stage};

use crate::drill::{AccountId, Amount, Ledger, LedgerError, Request, TxId};
use crate::support::{
    against_model, exec, expect_balances, funded, random_keyed, request, Keyed, Model,
};

/// Returns the checks of stage idempotency.
pub fn stage() -> Stage {
    Stage {
        slug: "idempotency",
        checks: checks![
            a_retry_replays_the_first_success_without_applying_it_again,
            a_retry_after_other_changes_still_returns_the_original_id,
            a_refused_request_is_replayed_even_after_it_would_succeed,
            the_same_key_with_a_different_request_is_a_conflict_and_changes_nothing,
            a_key_that_recorded_a_refusal_still_conflicts_with_a_different_request,
            a_conflict_leaves_the_recorded_outcome_in_place,
            different_keys_are_independent_requests,
            plain_methods_take_no_key_and_record_nothing,
            random_retries_and_conflicts_match_a_model,
        ],
    }
}

fn deposit(account: AccountId, amount: Amount) -> Request {
    Request::Deposit { account, amount }
}

fn withdraw(account: AccountId, amount: Amount) -> Request {
    Request::Withdraw { account, amount }
}

fn transfer(from: AccountId, to: AccountId, amount: Amount) -> Request {
    Request::Transfer { from, to, amount }
}

/// A keyed request sent twice, and the balances expected afterwards.
type Retried = (&'static str, Request, &'static [(AccountId, Amount)]);

fn a_retry_replays_the_first_success_without_applying_it_again(_: &mut Ctx) {
    scenario(
        "account 1 holds 500, account 2 holds 0; each kind of request is sent twice under its own key,\n\
         as a client does when the first answer was lost on the network",
    );
    let mut ledger = funded(&[(1, 500), (2, 0)]);
    let cases: [Retried; 4] = [
        ("open-3", Request::OpenAccount { account: 3 }, &[(3, 0)]),
        ("dep-1", deposit(1, 100), &[(1, 600)]),
        ("wd-1", withdraw(1, 50), &[(1, 550)]),
        ("tr-1", transfer(1, 2, 25), &[(1, 525), (2, 25)]),
    ];
    for (key, request, after) in cases {
        let first = exec(&mut ledger, key, &request);
        expect(
            first.is_ok(),
            format!("execute({key:?}, {request:?}) is a first, valid request and must succeed; got {first:?}"),
        );
        let retry = exec(&mut ledger, key, &request);
        expect_eq(
            format!(
                "the retry of {key:?} must replay the first answer (the same TxId), not run again"
            ),
            retry,
            first,
        );
        expect_balances(
            &ledger,
            after,
            &format!("request {key:?} was applied once, however often it was sent"),
        );
    }
}

fn a_retry_after_other_changes_still_returns_the_original_id(_: &mut Ctx) {
    scenario(
        "account 1 holds 100; a keyed deposit, other changes, then a late retry of the deposit",
    );
    let mut ledger = funded(&[(1, 100)]);
    let first = exec(&mut ledger, "late", &deposit(1, 40));
    expect_eq(
        "the keyed deposit is the third change",
        first.clone(),
        Ok(TxId(3)),
    );
    call!(ledger.deposit(1, 5)).ok();
    call!(ledger.withdraw(1, 20)).ok();
    exec(&mut ledger, "other", &deposit(1, 1)).ok();
    expect_eq(
        "retry of \"late\": the recorded answer, TxId(3), even though later changes took ids 4 to 6",
        exec(&mut ledger, "late", &deposit(1, 40)),
        first,
    );
    expect_balances(
        &ledger,
        &[(1, 126)],
        "100 + 40 + 5 - 20 + 1: the retry added nothing",
    );
}

fn a_refused_request_is_replayed_even_after_it_would_succeed(_: &mut Ctx) {
    scenario(
        "account 1 holds 30. A keyed withdrawal of 100 is refused; then 200 is deposited and the \
         client retries with the same key.\nThe key's outcome is the refusal: replaying it keeps \
         a retry from doing something the client already gave up on.",
    );
    let mut ledger = funded(&[(1, 30)]);
    let refused = LedgerError::InsufficientFunds {
        account: 1,
        balance: 30,
        requested: 100,
    };
    expect_eq(
        "execute(\"pay\", withdraw 100) with 30 in the account",
        exec(&mut ledger, "pay", &withdraw(1, 100)),
        Err(refused.clone()),
    );
    call!(ledger.deposit(1, 200)).ok();
    expect_eq(
        "the retry of \"pay\" replays the recorded refusal, exactly as first answered (balance 30), \
         although the account now holds enough",
        exec(&mut ledger, "pay", &withdraw(1, 100)),
        Err(refused),
    );
    expect_balances(&ledger, &[(1, 230)], "the retry must not withdraw anything");

    expect_eq(
        "execute(\"to-7\", transfer(1, 7, 10)) while account 7 does not exist",
        exec(&mut ledger, "to-7", &transfer(1, 7, 10)),
        Err(LedgerError::UnknownAccount(7)),
    );
    call!(ledger.open_account(7)).ok();
    expect_eq(
        "the retry of \"to-7\" replays UnknownAccount(7) although account 7 is open now",
        exec(&mut ledger, "to-7", &transfer(1, 7, 10)),
        Err(LedgerError::UnknownAccount(7)),
    );
    expect_balances(
        &ledger,
        &[(1, 230), (7, 0)],
        "the replayed refusal moves nothing",
    );
}

fn the_same_key_with_a_different_request_is_a_conflict_and_changes_nothing(_: &mut Ctx) {
    scenario(
        "accounts 1 (500) and 2 (0); key \"k\" is used for deposit(1, 100), then reused for other requests.\n\
         A reused key with a different request is a client bug: it must be refused, not replayed and not run.",
    );
    let mut ledger = funded(&[(1, 500), (2, 0)]);
    let first = exec(&mut ledger, "k", &deposit(1, 100));
    expect(
        first.is_ok(),
        format!("the first use of \"k\" must succeed; got {first:?}"),
    );
    for other in [
        deposit(1, 101),
        deposit(2, 100),
        withdraw(1, 100),
        transfer(1, 2, 100),
        Request::OpenAccount { account: 1 },
    ] {
        expect_eq(
            format!("execute(\"k\", {other:?}): \"k\" already answered deposit(1, 100)"),
            exec(&mut ledger, "k", &other),
            Err(LedgerError::IdempotencyConflict("k".to_owned())),
        );
    }
    expect_balances(
        &ledger,
        &[(1, 600), (2, 0)],
        "only the first request under \"k\" ran",
    );
}

fn a_key_that_recorded_a_refusal_still_conflicts_with_a_different_request(_: &mut Ctx) {
    scenario(
        "account 1 holds 50. Key \"w\" is first used for a withdrawal the ledger refuses, \
         then for a smaller withdrawal.\nThe refusal is the key's recorded outcome: the key is \
         used up, not free for another request.",
    );
    let mut ledger = funded(&[(1, 50)]);
    expect(
        exec(&mut ledger, "w", &withdraw(1, 80)).is_err(),
        "withdrawing 80 from 50 must be refused",
    );
    expect_eq(
        "execute(\"w\", withdraw(1, 10)): a different request under a used key",
        exec(&mut ledger, "w", &withdraw(1, 10)),
        Err(LedgerError::IdempotencyConflict("w".to_owned())),
    );
    expect_balances(&ledger, &[(1, 50)], "nothing was withdrawn");
}

fn a_conflict_leaves_the_recorded_outcome_in_place(_: &mut Ctx) {
    scenario("account 1 holds 10; key \"k\" answers a deposit, a conflicting reuse is refused, then the original is retried");
    let mut ledger = funded(&[(1, 10)]);
    let first = exec(&mut ledger, "k", &deposit(1, 5));
    expect_eq(
        "execute(\"k\", deposit(1, 6)) after \"k\" answered deposit(1, 5)",
        exec(&mut ledger, "k", &deposit(1, 6)),
        Err(LedgerError::IdempotencyConflict("k".to_owned())),
    );
    expect_eq(
        "retrying the original request still replays its answer: the conflict did not overwrite it",
        exec(&mut ledger, "k", &deposit(1, 5)),
        first,
    );
    expect_balances(&ledger, &[(1, 15)], "the deposit ran once");
}

fn different_keys_are_independent_requests(_: &mut Ctx) {
    scenario(
        "account 1 holds 0; the same deposit is sent under keys \"pay\", \"Pay\", \"pay \" and \"pay-2\".\n\
         Idempotency is by key, not by content: two customers may pay the same amount, and keys \
         are compared exactly.",
    );
    let mut ledger = funded(&[(1, 0)]);
    let mut ids = Vec::new();
    for key in ["pay", "Pay", "pay ", "pay-2"] {
        let got = exec(&mut ledger, key, &deposit(1, 10));
        expect(
            got.is_ok(),
            format!("execute({key:?}, deposit(1, 10)) is the first use of that key and must run; got {got:?}"),
        );
        ids.extend(got.ok());
    }
    expect_eq(
        "the four ids: each key ran its own deposit",
        ids,
        vec![TxId(2), TxId(3), TxId(4), TxId(5)],
    );
    expect_balances(&ledger, &[(1, 40)], "four keys, four deposits of 10");
}

fn plain_methods_take_no_key_and_record_nothing(_: &mut Ctx) {
    scenario(
        "account 1 holds 0; plain deposit(1, 10) twice, then execute under the keys \"\" (empty) \
         and \"deposit\" with that same deposit.\n\
         The plain methods record nothing: they are not retries of each other, and they leave \
         every key free.",
    );
    let mut ledger = funded(&[(1, 0)]);
    expect_eq("deposit(1, 10)", call!(ledger.deposit(1, 10)), Ok(TxId(2)));
    expect_eq(
        "deposit(1, 10) again: a plain call takes no key, so it is a second change",
        call!(ledger.deposit(1, 10)),
        Ok(TxId(3)),
    );
    for (key, id) in [("", TxId(4)), ("deposit", TxId(5))] {
        expect_eq(
            format!(
                "execute({key:?}, deposit(1, 10)) after plain deposits: the key was never used, \
                 so the request runs"
            ),
            exec(&mut ledger, key, &deposit(1, 10)),
            Ok(id),
        );
    }
    expect_balances(&ledger, &[(1, 40)], "four deposits of 10, each applied");
}

fn random_retries_and_conflicts_match_a_model(ctx: &mut Ctx) {
    scenario(
        "random keyed requests on accounts 1–6 and 42: a third retry an earlier key with its request, \
         a tenth reuse a key for another request, the rest use new keys; every answer and balance is \
         compared with a plain model of the rules",
    );
    let ledger = std::cell::RefCell::new(Ledger::new());
    let mut history = Vec::new();
    against_model(
        ctx.rng(),
        1_000,
        &mut Model::default(),
        |rng, model, opening| {
            let (key, op) = match opening {
                Some(op) => (format!("setup-{op:?}"), op),
                None => random_keyed(rng, model, &mut history, false),
            };
            Keyed { key, op }
        },
        |call| ledger.borrow_mut().execute(&call.key, request(&call.op)),
        |model, call| model.execute(&call.key, &call.op),
        |a| ledger.borrow().balance(a),
    );
}
