//! Stage scheduled: transfers scheduled for a time, run by `run_due(now)` in (time, id) order, each at most once, cancellable.

use std::collections::{BTreeMap, HashMap};

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{
    AccountId, Amount, Entry, Event, LedgerError, ScheduleId, SharedLedger, Timestamp, TxId,
};
use crate::support::{race, race_until_met, THREADS};

/// Returns the checks of stage scheduled.
pub fn stage() -> Stage {
    Stage {
        slug: "scheduled",
        checks: checks![
            due_transfers_run_in_time_then_id_order,
            the_order_decides_which_transfer_finds_the_money,
            a_transfer_runs_when_its_time_comes_and_not_before,
            a_scheduled_transfer_runs_at_most_once,
            a_failed_scheduled_transfer_reports_why_and_is_not_retried,
            a_cancelled_transfer_never_runs,
            scheduling_checks_accounts_and_amount_up_front,
            concurrent_run_due_runs_each_transfer_once_in_order,
            cancel_racing_run_due_has_exactly_one_winner,
        ],
    }
}

/// What `run_due` returns.
type Ran = Vec<(ScheduleId, Result<TxId, LedgerError>)>;

/// Returns a shared ledger with `accounts` opened and funded, logging the set-up.
fn shared(accounts: &[(AccountId, Amount)]) -> SharedLedger {
    let ledger = SharedLedger::new();
    for &(a, amount) in accounts {
        step(format!("open_account({a}) -> {:?}", ledger.open_account(a)));
        if amount > 0 {
            step(format!(
                "deposit({a}, {amount}) -> {:?}",
                ledger.deposit(a, amount)
            ));
        }
    }
    ledger
}

/// Schedules a transfer that must be accepted, logging it, and returns its id.
fn schedule(
    ledger: &SharedLedger,
    at: Timestamp,
    from: AccountId,
    to: AccountId,
    amount: Amount,
) -> ScheduleId {
    let got = ledger.schedule_transfer(at, from, to, amount);
    step(format!(
        "schedule_transfer({at}, {from}, {to}, {amount}) -> {got:?}"
    ));
    got.unwrap_or_else(|e| {
        fail(format!(
            "schedule_transfer({at}, {from}, {to}, {amount}) names open accounts and a positive amount, \
             so it must be accepted; got Err({e:?})"
        ))
    })
}

/// Calls `run_due(now)`, logging it.
fn run_due(ledger: &SharedLedger, now: Timestamp) -> Ran {
    let ran = ledger.run_due(now);
    step(format!("run_due({now}) -> {ran:?}"));
    ran
}

/// Returns the schedule ids in `ran`, in order.
fn ids(ran: &Ran) -> Vec<ScheduleId> {
    ran.iter().map(|(id, _)| *id).collect()
}

fn due_transfers_run_in_time_then_id_order(_: &mut Ctx) {
    scenario(
        "account 1 holds 1000; four transfers are scheduled out of time order, two of them for the \
         same time; one run_due covers them all",
    );
    let ledger = shared(&[(1, 1_000), (2, 0), (3, 0)]);
    let s1 = schedule(&ledger, 30, 1, 2, 10);
    let s2 = schedule(&ledger, 10, 1, 3, 20);
    let s3 = schedule(&ledger, 20, 1, 2, 30);
    let s4 = schedule(&ledger, 10, 1, 2, 40);
    expect_eq(
        "schedule ids count up from 1 in scheduling order",
        vec![s1, s2, s3, s4],
        (1..=4).map(ScheduleId).collect::<Vec<_>>(),
    );
    let journal_before = ledger.journal().len() as u64;
    let ran = run_due(&ledger, 100);
    expect_eq(
        "run_due(100): every transfer is due; earliest time first, and at equal times the lower id first",
        ids(&ran),
        vec![s2, s4, s3, s1],
    );
    expect_eq(
        "their outcomes, in the order they ran: each succeeded with the next change id",
        ran.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
        (1..=4)
            .map(|k| Ok(TxId(journal_before + k)))
            .collect::<Vec<_>>(),
    );
    let journal = ledger.journal();
    let tail: Vec<Event> = journal[journal.len() - 4..]
        .iter()
        .map(|e: &Entry| e.event.clone())
        .collect();
    expect_eq(
        "the last four journal entries: the scheduled transfers in the order they ran",
        tail,
        vec![
            Event::Transferred {
                from: 1,
                to: 3,
                amount: 20,
            },
            Event::Transferred {
                from: 1,
                to: 2,
                amount: 40,
            },
            Event::Transferred {
                from: 1,
                to: 2,
                amount: 30,
            },
            Event::Transferred {
                from: 1,
                to: 2,
                amount: 10,
            },
        ],
    );
    expect_eq(
        "balances of 1, 2 and 3",
        (ledger.balance(1), ledger.balance(2), ledger.balance(3)),
        (Some(900), Some(80), Some(20)),
    );
}

fn the_order_decides_which_transfer_finds_the_money(_: &mut Ctx) {
    scenario(
        "account 1 holds 100; three transfers of 100 out of it are due at once: only the first in \
         (time, id) order can succeed",
    );
    let ledger = shared(&[(1, 100), (2, 0), (3, 0)]);
    let late = schedule(&ledger, 20, 1, 2, 100);
    let first = schedule(&ledger, 10, 1, 3, 100);
    let second = schedule(&ledger, 10, 1, 2, 100);
    let empty = LedgerError::InsufficientFunds {
        account: 1,
        balance: 0,
        requested: 100,
    };
    let ran = run_due(&ledger, 20);
    expect_eq(
        "run_due(20): the transfer to 3 (time 10, lowest id) takes the money; the other two find account 1 empty",
        ran.iter()
            .map(|(id, r)| (*id, r.as_ref().err().cloned()))
            .collect::<Vec<_>>(),
        vec![(first, None), (second, Some(empty.clone())), (late, Some(empty))],
    );
    expect_eq(
        "balances of 1, 2 and 3",
        (ledger.balance(1), ledger.balance(2), ledger.balance(3)),
        (Some(0), Some(0), Some(100)),
    );
}

fn a_transfer_runs_when_its_time_comes_and_not_before(_: &mut Ctx) {
    scenario(
        "account 1 holds 500; a transfer is scheduled for time 50; the clock is advanced by hand",
    );
    let ledger = shared(&[(1, 500), (2, 0)]);
    let id = schedule(&ledger, 50, 1, 2, 70);
    expect_eq("run_due(0)", ids(&run_due(&ledger, 0)), vec![]);
    expect_eq(
        "run_due(49): one tick early, nothing is due",
        ids(&run_due(&ledger, 49)),
        vec![],
    );
    expect_eq("balance(2) before time 50", ledger.balance(2), Some(0));
    expect_eq(
        "run_due(50): due at exactly its time",
        ids(&run_due(&ledger, 50)),
        vec![id],
    );
    expect_eq("balance(2) after it ran", ledger.balance(2), Some(70));
    let past = schedule(&ledger, 10, 1, 2, 5);
    expect_eq(
        "run_due(50) again: a transfer scheduled for a time already past runs at the next call",
        ids(&run_due(&ledger, 50)),
        vec![past],
    );
}

fn a_scheduled_transfer_runs_at_most_once(_: &mut Ctx) {
    scenario("account 1 holds 500; one transfer scheduled for time 10; run_due is called again and again");
    let ledger = shared(&[(1, 500), (2, 0)]);
    let id = schedule(&ledger, 10, 1, 2, 100);
    expect_eq("run_due(10)", ids(&run_due(&ledger, 10)), vec![id]);
    for now in [10, 11, 10_000] {
        expect_eq(
            format!("run_due({now}): the transfer already ran"),
            ids(&run_due(&ledger, now)),
            vec![],
        );
    }
    expect_eq(
        "balance(2): the transfer ran once",
        ledger.balance(2),
        Some(100),
    );
}

fn a_failed_scheduled_transfer_reports_why_and_is_not_retried(_: &mut Ctx) {
    scenario(
        "account 1 holds 30; a transfer of 100 is scheduled for time 5. When it runs it is refused; \
         the refusal is its outcome, and topping the account up later does not bring it back",
    );
    let ledger = shared(&[(1, 30), (2, 0)]);
    let id = schedule(&ledger, 5, 1, 2, 100);
    expect_eq(
        "run_due(5)",
        run_due(&ledger, 5),
        vec![(
            id,
            Err(LedgerError::InsufficientFunds {
                account: 1,
                balance: 30,
                requested: 100,
            }),
        )],
    );
    call!(ledger.deposit(1, 500)).ok();
    expect_eq(
        "run_due(6): the refused transfer is done with, not retried",
        ids(&run_due(&ledger, 6)),
        vec![],
    );
    expect_eq("balance(2)", ledger.balance(2), Some(0));
    expect_eq(
        "cancel of a transfer that already ran (and failed)",
        call!(ledger.cancel(id)),
        Err(LedgerError::NotScheduled(id)),
    );
}

fn a_cancelled_transfer_never_runs(_: &mut Ctx) {
    scenario("account 1 holds 500; two transfers scheduled for time 10; the first is cancelled");
    let ledger = shared(&[(1, 500), (2, 0)]);
    let cancelled = schedule(&ledger, 10, 1, 2, 100);
    let kept = schedule(&ledger, 10, 1, 2, 1);
    expect_eq(
        "cancel(first) before it is due",
        call!(ledger.cancel(cancelled)),
        Ok(()),
    );
    expect_eq(
        "cancel(first) a second time: nothing is waiting under that id any more",
        call!(ledger.cancel(cancelled)),
        Err(LedgerError::NotScheduled(cancelled)),
    );
    expect_eq(
        "run_due(10): only the transfer that was not cancelled",
        ids(&run_due(&ledger, 10)),
        vec![kept],
    );
    expect_eq("balance(2)", ledger.balance(2), Some(1));
    expect_eq(
        "cancel(second) after it ran",
        call!(ledger.cancel(kept)),
        Err(LedgerError::NotScheduled(kept)),
    );
    expect_eq(
        "cancel(ScheduleId(99)), an id never handed out",
        call!(ledger.cancel(ScheduleId(99))),
        Err(LedgerError::NotScheduled(ScheduleId(99))),
    );
}

fn scheduling_checks_accounts_and_amount_up_front(_: &mut Ctx) {
    scenario(
        "accounts 1 (holding 10) and 2; account 9 does not exist. Bad transfers are refused when \
         scheduled, in the same order of rules as transfer; funds are checked only when it runs",
    );
    let ledger = shared(&[(1, 10), (2, 0)]);
    let journal = ledger.journal().len();
    for (what, got, want) in [
        (
            "schedule_transfer(5, 1, 2, 0)",
            ledger.schedule_transfer(5, 1, 2, 0),
            LedgerError::ZeroAmount,
        ),
        (
            "schedule_transfer(5, 1, 1, 3)",
            ledger.schedule_transfer(5, 1, 1, 3),
            LedgerError::SameAccount(1),
        ),
        (
            "schedule_transfer(5, 9, 2, 3)",
            ledger.schedule_transfer(5, 9, 2, 3),
            LedgerError::UnknownAccount(9),
        ),
        (
            "schedule_transfer(5, 1, 9, 3)",
            ledger.schedule_transfer(5, 1, 9, 3),
            LedgerError::UnknownAccount(9),
        ),
        (
            "schedule_transfer(5, 9, 9, 0): zero amount comes first",
            ledger.schedule_transfer(5, 9, 9, 0),
            LedgerError::ZeroAmount,
        ),
        (
            "schedule_transfer(5, 9, 9, 3): same account comes before unknown account",
            ledger.schedule_transfer(5, 9, 9, 3),
            LedgerError::SameAccount(9),
        ),
        (
            "schedule_transfer(5, 9, 8, 3): the source is checked before the destination",
            ledger.schedule_transfer(5, 9, 8, 3),
            LedgerError::UnknownAccount(9),
        ),
    ] {
        step(format!("{what} -> {got:?}"));
        expect_eq(what, got, Err(want));
    }
    expect_eq(
        "schedule_transfer(5, 1, 2, 1000): more than account 1 holds, but funds are checked when it runs",
        call!(ledger.schedule_transfer(5, 1, 2, 1_000)),
        Ok(ScheduleId(1)),
    );
    expect_eq(
        "schedule_transfer(6, 2, 1, 1): the second accepted schedule, after seven refused ones",
        call!(ledger.schedule_transfer(6, 2, 1, 1)),
        Ok(ScheduleId(2)),
    );
    expect_eq(
        "journal() length: scheduling changes no balance and writes no entry",
        ledger.journal().len(),
        journal,
    );
    expect_eq(
        "deposit(1, 1) after the schedules: scheduling used no change id, so this is the next one",
        call!(ledger.deposit(1, 1)),
        Ok(TxId(journal as u64 + 1)),
    );
    expect_eq(
        "balance(1): only the deposit moved money",
        ledger.balance(1),
        Some(11),
    );
}

/// Rounds with two `run_due` calls overlapping that the run_due race collects before it stops.
const RUN_DUE_MEETINGS: usize = 60;

fn concurrent_run_due_runs_each_transfer_once_in_order(ctx: &mut Ctx) {
    scenario(format!(
        "accounts 1–4 hold 1 000 000 each; in each batch 150 transfers are scheduled at random times \
         within the batch's window of 100 ticks; then {THREADS} threads call run_due at the same \
         moments, all with the same clock, which advances 10 ticks at a time, in batches run by fresh threads.\n\
         Each transfer must run exactly once over all callers, and the transfers must run (see their \
         change ids) in (time, id) order, as if one caller had run them all."
    ));
    let ledger = shared(&[
        (1, 1_000_000),
        (2, 1_000_000),
        (3, 1_000_000),
        (4, 1_000_000),
    ]);
    let rng = ctx.rng();
    step("phase: concurrent run_due");
    // Callers that run in turns (a busy machine) never interleave their transfers, so the race
    // goes on until enough rounds had two run_due calls at once.
    race_until_met(
        THREADS,
        10,
        RUN_DUE_MEETINGS,
        |batch| -> (Timestamp, HashMap<ScheduleId, Timestamp>) {
            let base = batch as Timestamp * 100;
            let mut when = HashMap::new();
            for _ in 0..150 {
                let at = base + rng.range(1, 100);
                let from = rng.range(1, 4);
                let to = 1 + from % 4;
                match ledger.schedule_transfer(at, from, to, rng.range(1, 9)) {
                    Ok(id) => {
                        when.insert(id, at);
                    }
                    Err(e) => fail(format!(
                        "schedule_transfer({at}, {from}, {to}, …) -> Err({e:?}): it names open accounts and a positive amount"
                    )),
                }
            }
            (base, when)
        },
        |(base, _), _, k| ledger.run_due(base + 10 * (k as Timestamp + 1)),
        |(base, when), answers| {
            let base = *base;
            let mut ran: Vec<(TxId, ScheduleId)> = Vec::new();
            let mut seen: BTreeMap<ScheduleId, usize> = BTreeMap::new();
            for (id, result) in answers.into_iter().flatten().flatten() {
                *seen.entry(id).or_default() += 1;
                match result {
                    Ok(tx) => ran.push((tx, id)),
                    Err(e) => fail(format!(
                        "scheduled transfer {id:?} -> Err({e:?}): every account holds plenty"
                    )),
                }
            }
            let due: Vec<ScheduleId> = when.keys().copied().collect();
            for id in &due {
                expect_eq(
                    format!("how many run_due calls returned {id:?} (due at {}) in the batch for times {}–{}", when[id], base + 1, base + 100),
                    seen.get(id).copied().unwrap_or(0),
                    1,
                );
            }
            expect_eq(
                "how many scheduled transfers ran in the batch",
                seen.len(),
                due.len(),
            );
            ran.sort();
            let order: Vec<(Timestamp, ScheduleId)> =
                ran.iter().map(|(_, id)| (when[id], *id)).collect();
            let mut sorted = order.clone();
            sorted.sort();
            expect_eq(
                "the transfers as (time, id), in the order their change ids say they ran",
                order,
                sorted,
            );
        },
    );
    let total: Amount = (1..=4).filter_map(|a| ledger.balance(a)).sum();
    expect_eq(
        "total of the four balances: transfers only move money",
        total,
        4_000_000,
    );
}

fn cancel_racing_run_due_has_exactly_one_winner(_: &mut Ctx) {
    scenario(format!(
        "account 1 holds plenty; over and over a transfer of 1 is scheduled and then, at the same moment, \
         one thread cancels it while {} threads call run_due for its time.\n\
         Either the cancel succeeds and the transfer never runs, or it runs (once) and the cancel gets NotScheduled.",
        THREADS - 1
    ));
    let ledger = shared(&[(1, 10_000_000), (2, 0)]);
    let mut expected: Amount = 0;
    step("phase: cancel racing run_due");
    race(
        30,
        |batch| -> Vec<(ScheduleId, Timestamp)> {
            (0..30)
                .map(|k| {
                    let at = (batch * 30 + k) as Timestamp;
                    let id = ledger.schedule_transfer(at, 1, 2, 1).unwrap_or_else(|e| {
                        fail(format!("schedule_transfer({at}, 1, 2, 1) -> Err({e:?})"))
                    });
                    (id, at)
                })
                .collect()
        },
        |planned, i, k| {
            let (id, at) = planned[k];
            if i == 0 {
                (ledger.cancel(id).is_ok(), Vec::new())
            } else {
                (false, ledger.run_due(at))
            }
        },
        |planned, answers| {
            for (&(id, _), per_thread) in planned.iter().zip(&answers) {
                let cancelled = per_thread[0].0;
                let runs = per_thread
                    .iter()
                    .flat_map(|(_, ran)| ran.iter())
                    .filter(|(ran, _)| *ran == id)
                    .count();
                expect(
                    runs + usize::from(cancelled) == 1,
                    format!(
                        "{id:?}: cancel succeeded: {cancelled}; run_due returned it {runs} time(s). \
                         Exactly one of the two may win"
                    ),
                );
                expected += runs as Amount;
            }
            expect_eq(
                "balance(2): one per transfer that ran",
                ledger.balance(2),
                Some(expected),
            );
        },
    );
}
