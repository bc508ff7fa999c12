//! Stage concurrent: a `SharedLedger` used from many threads: no deadlock, no lost update, one application per key.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use syskata_kit::stress::{run_threads, Chances};
use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{AccountId, Amount, Event, LedgerError, Request, SharedLedger, TxId};
use crate::support::{
    against_model, race, race_with, random_keyed, random_op, replay, request, Model, Op,
    MIN_BATCHES, PER_BATCH, RACE_CAP, RACE_TIME, THREADS,
};

/// Returns the checks of stage concurrent.
pub fn stage() -> Stage {
    Stage {
        slug: "concurrent",
        checks: checks![
            shared_ledger_follows_the_single_threaded_rules,
            opposite_direction_transfers_do_not_deadlock,
            concurrent_transfers_lose_no_update_and_keep_a_valid_journal,
            a_journal_read_after_a_balance_holds_every_change_the_balance_showed,
            concurrent_withdrawals_never_overdraw,
            concurrent_transfers_out_of_shared_accounts_never_overdraw,
            concurrent_duplicates_of_one_key_apply_once,
            concurrent_different_requests_under_one_key_let_exactly_one_through,
            concurrent_reversals_of_one_transfer_apply_once,
            concurrent_opens_of_one_account_let_exactly_one_through,
        ],
    }
}

/// Returns a shared ledger with `accounts` opened and funded, logging the set-up.
fn shared(accounts: &[(AccountId, Amount)]) -> SharedLedger {
    let ledger = SharedLedger::new();
    for &(a, amount) in accounts {
        let opened = ledger.open_account(a);
        let funded = ledger.deposit(a, amount);
        if opened.is_err() || funded.is_err() {
            fail(format!(
                "set-up: open_account({a}) -> {opened:?}, deposit({a}, {amount}) -> {funded:?}; both must succeed on a fresh SharedLedger"
            ));
        }
    }
    step(format!(
        "set-up: accounts opened and funded, as (account, balance): {accounts:?}"
    ));
    ledger
}

/// Deposits 1 into account `side` (opened here) `entries` times, so that `journal()` copies a long
/// journal: a thread sampling it holds the journal's lock for a while, which makes a call that
/// leaves the accounts' locks before it journals (or plans twice) lose its race far more often.
fn lengthen_journal(ledger: &SharedLedger, side: AccountId, entries: usize) {
    if ledger.open_account(side).is_err() {
        fail(format!(
            "set-up: open_account({side}) on a fresh SharedLedger must succeed"
        ));
    }
    for _ in 0..entries {
        if let Err(e) = ledger.deposit(side, 1) {
            fail(format!("set-up: deposit({side}, 1) -> Err({e:?})"));
        }
    }
    step(format!(
        "set-up: {entries} deposits of 1 into account {side}, so the journal is long"
    ));
}

/// Thread 0 of a sampled race: reads the journal while the other threads run and, when `check`
/// is set, checks that the copy is dense (entry i is change i + 1) and that replaying it never
/// overdraws (replaying is O(journal), so long journals are checked every few rounds).
fn sample_journal(ledger: &SharedLedger, check: bool) {
    let journal = ledger.journal();
    if !check {
        return;
    }
    if let Some((i, e)) = journal
        .iter()
        .enumerate()
        .find(|(i, e)| e.tx != TxId(*i as u64 + 1))
    {
        fail(format!(
            "a journal() taken while other threads were calling: entry #{i} is {e:?}, expected \
             change id {:?}; the journal must stay dense at every moment",
            TxId(i as u64 + 1)
        ));
    }
    if let Err(why) = replay(&journal) {
        fail(format!(
            "a journal() taken while other threads were calling cannot be replayed: {why}\n\
             Each call must journal its change while it still holds the locks it changed the \
             balances under, or the journal's order can disagree with the order the balances \
             changed."
        ));
    }
}

/// Compile-time check: the shared ledger can be shared between threads.
fn assert_send_sync<T: Send + Sync>() {}

fn shared_ledger_follows_the_single_threaded_rules(ctx: &mut Ctx) {
    assert_send_sync::<SharedLedger>();
    scenario(
        "one thread drives a SharedLedger with random plain and keyed calls, reversals among them; \
         every answer and balance must match the same plain model of the rules as Ledger",
    );
    let ledger = SharedLedger::new();
    let mut history = Vec::new();
    against_model(
        ctx.rng(),
        800,
        &mut Model::default(),
        |rng, model, opening| match opening {
            Some(op) => (None, op),
            None if rng.chance(30) => {
                let (key, op) = random_keyed(rng, model, &mut history, true);
                (Some(key), op)
            }
            None => (None, random_op(rng, model, true)),
        },
        |(key, op): &(Option<String>, Op)| match (key, op) {
            (Some(key), op) => ledger.execute(key, request(op)),
            (None, Op::Open(a)) => ledger.open_account(*a),
            (None, Op::Deposit(a, x)) => ledger.deposit(*a, *x),
            (None, Op::Withdraw(a, x)) => ledger.withdraw(*a, *x),
            (None, Op::Transfer(from, to, x)) => ledger.transfer(*from, *to, *x),
            (None, Op::Reverse(tx)) => ledger.reverse(*tx),
        },
        |model, (key, op)| match key {
            Some(key) => model.execute(key, op),
            None => model.apply(op),
        },
        |a| ledger.balance(a),
    );
    let journal = ledger.journal();
    let rebuilt = replay(&journal).unwrap_or_else(|why| fail(why));
    for a in [1, 2, 3, 4, 5, 6] {
        expect_eq(
            format!("balance({a}) rebuilt by replaying journal(), against balance({a})"),
            rebuilt.get(&a).copied(),
            ledger.balance(a),
        );
        let from_statement = ledger
            .statement(a)
            .map(|lines| lines.last().map_or(0, |l| l.balance));
        expect_eq(
            format!(
                "statement({a}): the balance on its last line (0 with no lines; None if the account is not open), against balance({a})"
            ),
            from_statement,
            ledger.balance(a),
        );
    }
}

/// How long each phase of the deadlock check keeps its threads transferring: on a busy machine
/// a lock-order deadlock needs a thread to be preempted while it holds one of its two locks, so
/// the phases run for a while rather than a fixed count.
const DEADLOCK_PHASE: Duration = Duration::from_millis(80);

/// Transfers 1 from `from` to `to` over and over until `deadline` (at least 500 times); returns
/// how many succeeded and how many were refused.
fn transfer_until(
    ledger: &SharedLedger,
    from: AccountId,
    to: AccountId,
    deadline: Instant,
) -> (Amount, usize) {
    let (mut moved, mut refused) = (0, 0);
    while moved + (refused as Amount) < 500 || Instant::now() < deadline {
        match ledger.transfer(from, to, 1) {
            Ok(_) => moved += 1,
            Err(_) => refused += 1,
        }
    }
    (moved, refused)
}

fn opposite_direction_transfers_do_not_deadlock(_: &mut Ctx) {
    scenario(format!(
        "6 threads for {DEADLOCK_PHASE:?}: three send 1 from account 1 to account 2 over and over, three \
         from 2 to 1; then 6 threads send around the cycle 3 -> 4 -> 5 -> 3.\n\
         Locking the source and then the destination deadlocks as soon as two opposite transfers \
         each hold their first lock: take the locks in one global order (for example by account id)."
    ));
    let start = 1_000_000_000;
    let ledger = shared(&[(1, start), (2, start), (3, start), (4, start), (5, start)]);
    step("phase: opposite-direction transfers (1 -> 2 and 2 -> 1 at the same time)");
    let deadline = Instant::now() + DEADLOCK_PHASE;
    let results = run_threads(6, |i| {
        let (from, to) = if i % 2 == 0 { (1, 2) } else { (2, 1) };
        transfer_until(&ledger, from, to, deadline)
    });
    expect_eq(
        "refused transfers per thread: every account holds plenty, so none may fail",
        results.iter().map(|r| r.1).collect::<Vec<_>>(),
        vec![0; 6],
    );
    let one_to_two: Amount = results.iter().step_by(2).map(|r| r.0).sum();
    let two_to_one: Amount = results.iter().skip(1).step_by(2).map(|r| r.0).sum();
    step(format!(
        "{one_to_two} transfers 1 -> 2, {two_to_one} transfers 2 -> 1"
    ));
    expect_eq(
        "balances of 1 and 2 after the opposite-direction transfers",
        (ledger.balance(1), ledger.balance(2)),
        (
            Some(start - one_to_two + two_to_one),
            Some(start + one_to_two - two_to_one),
        ),
    );
    step("phase: transfers around the cycle 3 -> 4 -> 5 -> 3");
    let deadline = Instant::now() + DEADLOCK_PHASE;
    let results = run_threads(6, |i| {
        let from = 3 + (i % 3) as AccountId;
        let to = 3 + ((i + 1) % 3) as AccountId;
        transfer_until(&ledger, from, to, deadline)
    });
    expect_eq(
        "refused transfers per thread around the cycle",
        results.iter().map(|r| r.1).collect::<Vec<_>>(),
        vec![0; 6],
    );
    let sent: Vec<Amount> = (0..3)
        .map(|edge| results.iter().skip(edge).step_by(3).map(|r| r.0).sum())
        .collect();
    for (k, a) in [3, 4, 5].into_iter().enumerate() {
        let received = sent[(k + 2) % 3];
        expect_eq(
            format!("balance({a}): it sent {} and received {received}", sent[k]),
            ledger.balance(a),
            Some(start - sent[k] + received),
        );
    }
}

fn concurrent_transfers_lose_no_update_and_keep_a_valid_journal(ctx: &mut Ctx) {
    scenario(format!(
        "6 accounts holding 1 000 each; {} threads make random transfers at the same moments \
         (amounts 1–600, so many are refused) between random pairs, both directions mixed, while \
         another thread reads journal() (each copy must replay without overdrawing), in batches \
         of {PER_BATCH} per thread run by fresh threads.\n\
         After each batch every balance must equal its start plus what the successful transfers \
         brought in minus what they took out (the total stays 6 000); at the end, replaying \
         journal() in order must never overdraw and must end at the same balances.",
        DUPLICATES - 1
    ));
    let accounts: Vec<(AccountId, Amount)> = (1..=6).map(|a| (a, 1_000)).collect();
    let ledger = shared(&accounts);
    let mut expected: BTreeMap<AccountId, i128> = (1..=6).map(|a| (a, 1_000)).collect();
    let mut ids = HashSet::new();
    let rng = ctx.rng();
    step("phase: random concurrent transfers");
    race_with(
        DUPLICATES,
        PER_BATCH,
        |_| -> Vec<Vec<(AccountId, AccountId, Amount)>> {
            (0..DUPLICATES)
                .map(|_| {
                    (0..PER_BATCH)
                        .map(|_| {
                            let from = rng.range(1, 6);
                            (from, 1 + (from + rng.range(0, 4)) % 6, rng.range(1, 600))
                        })
                        .collect()
                })
                .collect()
        },
        |planned, i, k| {
            if i == 0 {
                sample_journal(&ledger, true);
                return None;
            }
            let (from, to, amount) = planned[i][k];
            Some((from, to, amount, ledger.transfer(from, to, amount)))
        },
        |_, answers| {
            for (from, to, amount, result) in answers.into_iter().flatten().flatten() {
                match result {
                    Ok(tx) => {
                        *expected.entry(from).or_default() -= i128::from(amount);
                        *expected.entry(to).or_default() += i128::from(amount);
                        expect(ids.insert(tx), format!("two successful transfers both got {tx:?}"));
                    }
                    Err(LedgerError::InsufficientFunds { .. }) => {}
                    Err(e) => fail(format!(
                        "transfer({from}, {to}, {amount}) -> Err({e:?}): only InsufficientFunds can refuse it"
                    )),
                }
            }
            for (&a, &want) in &expected {
                expect_eq(
                    format!(
                        "balance({a}) after {} successful transfers: 1 000 plus what they brought in, minus what they took out",
                        ids.len()
                    ),
                    ledger.balance(a).map(i128::from),
                    Some(want),
                );
            }
        },
    );
    step(format!("{} transfers succeeded", ids.len()));
    let journal = ledger.journal();
    expect_eq(
        "journal() length: 6 openings + 6 deposits + every successful transfer",
        journal.len(),
        12 + ids.len(),
    );
    let rebuilt = replay(&journal).unwrap_or_else(|why| fail(why));
    for a in 1..=6 {
        expect_eq(
            format!("balance({a}) rebuilt by replaying journal(), against balance({a})"),
            rebuilt.get(&a).copied(),
            ledger.balance(a),
        );
    }
}

/// Depositing threads of the journal-after-balance race.
const DEPOSITORS: usize = 2;
/// Threads reading `balance` then `journal` over and over in that race.
const READERS: usize = 2;
/// Deposits of 1 each depositor makes per batch of that race.
const DEPOSITS: usize = 400;
/// Entries journaled before each batch of that race starts, so that every `journal()` copy holds
/// the journal's lock for a while: a deposit that journals in a second lock section, after
/// releasing the account, then waits behind a reader, and the next reader overtakes it.
const PREFILL: usize = 1_500;
/// Reads made while the deposits still ran (balance strictly between 0 and the batch's total)
/// that the race collects before it stops: on a busy machine many batches see no overlap at all,
/// so the race runs until enough of them did (about 10 batches on an idle machine).
const MIDWAY_READS: usize = 600;

/// Counts a finished depositor when dropped, even by a panicking one, so the readers stop.
struct Finished<'a>(&'a AtomicUsize);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn a_journal_read_after_a_balance_holds_every_change_the_balance_showed(_: &mut Ctx) {
    scenario(format!(
        "batch after batch, a fresh SharedLedger with account 1 opened at 0 and {PREFILL} deposits \
         into account 2; then {DEPOSITORS} threads each call deposit(1, 1) {DEPOSITS} times while \
         {READERS} threads read balance(1) and then journal(), over and over, until the deposits end.\n\
         Each call is atomic: once a deposit shows in balance(1), a journal() read afterwards must \
         hold it. A call that changes the balance and journals the change in a second step, after \
         releasing the account, lets a reader see half of it."
    ));
    let chances = Chances::new(RACE_TIME, RACE_CAP);
    let (mut batches, mut midway_reads) = (0, 0);
    while !chances.enough(batches >= MIN_BATCHES && midway_reads >= MIDWAY_READS) {
        let ledger = SharedLedger::new();
        for (call, result) in [
            ("open_account(1)", ledger.open_account(1)),
            ("open_account(2)", ledger.open_account(2)),
        ] {
            if let Err(e) = result {
                fail(format!(
                    "set-up: {call} on a fresh SharedLedger -> Err({e:?})"
                ));
            }
        }
        for _ in 0..PREFILL {
            if let Err(e) = ledger.deposit(2, 1) {
                fail(format!("set-up: deposit(2, 1) -> Err({e:?})"));
            }
        }
        let finished = AtomicUsize::new(0);
        let midway = AtomicUsize::new(0);
        run_threads(DEPOSITORS + READERS, |i| {
            if i < DEPOSITORS {
                let _finished = Finished(&finished);
                for _ in 0..DEPOSITS {
                    if let Err(e) = ledger.deposit(1, 1) {
                        fail(format!(
                            "deposit(1, 1) -> Err({e:?}): account 1 is open, so it must succeed"
                        ));
                    }
                }
                return;
            }
            while finished.load(Ordering::SeqCst) < DEPOSITORS {
                let Some(seen) = ledger.balance(1) else {
                    fail("balance(1) -> None while account 1 is open");
                };
                let journal = ledger.journal();
                if seen > 0 && seen < (DEPOSITORS * DEPOSITS) as Amount {
                    midway.fetch_add(1, Ordering::Relaxed);
                }
                let journaled: Amount = journal
                    .iter()
                    .map(|e| match e.event {
                        Event::Deposited { account: 1, amount } => amount,
                        _ => 0,
                    })
                    .sum();
                if journaled < seen {
                    fail(format!(
                        "batch {batches}: balance(1) returned {seen}, and a journal() called right after it \
                         holds deposits into account 1 of only {journaled} in all ({} entries)\n\
                         A deposit changed the balance before its journal entry existed, and another \
                         thread saw that half-done call. Journal the change while still holding the \
                         lock the balance changed under.",
                        journal.len()
                    ));
                }
            }
        });
        expect_eq(
            format!("balance(1) after batch {batches}: one deposit of 1 per call"),
            ledger.balance(1),
            Some((DEPOSITORS * DEPOSITS) as Amount),
        );
        batches += 1;
        midway_reads += midway.into_inner();
    }
    step(format!(
        "{batches} batches ran, with {midway_reads} balance reads made while deposits were still running"
    ));
}

/// Rounds per batch of the sampled races (one fresh account, transfer or key per round).
const ROUNDS: usize = PER_BATCH;

fn concurrent_withdrawals_never_overdraw(_: &mut Ctx) {
    scenario(format!(
        "round after round, a fresh account is opened holding 1 (every fourth round 2); then \
         {DUPLICATES} threads call withdraw(account, 1) on it at the same instant ({ROUNDS} rounds \
         per batch of fresh threads, many batches).\n\
         Checking the balance and debiting it must be one step: exactly as many withdrawals as the \
         balance allows succeed, the others get InsufficientFunds, and the account ends at 0."
    ));
    let ledger = shared(&[]);
    let account = |pass: usize, batch: usize, k: usize| {
        (1_000 + pass * 1_000_000 + batch * ROUNDS + k) as AccountId
    };
    // Mostly 1: then any two threads that both pass the funds check before either debits break it.
    let funds = |k: usize| 1 + Amount::from(k % 4 == 3);
    step("phase: concurrent withdrawals, one fresh account per round");
    // The window (funds checked, lock let go, then the debit) is narrow: twice the usual racing
    // time, spent only here.
    for pass in 0..2 {
        race_with(
            DUPLICATES,
            ROUNDS,
            |batch| {
                for k in 0..ROUNDS {
                    let a = account(pass, batch, k);
                    if let Err(e) = ledger
                        .open_account(a)
                        .and_then(|_| ledger.deposit(a, funds(k)))
                    {
                        fail(format!(
                            "opening and funding account {a} before batch {batch} -> Err({e:?})"
                        ));
                    }
                }
                batch
            },
            |&batch, _, k| ledger.withdraw(account(pass, batch, k), 1),
            |&batch, answers| {
                for (k, round) in answers.into_iter().enumerate() {
                    let a = account(pass, batch, k);
                    let mut succeeded = 0;
                    for result in &round {
                        match result {
                            Ok(_) => succeeded += 1,
                            Err(LedgerError::InsufficientFunds { .. }) => {}
                            Err(e) => fail(format!(
                                "withdraw({a}, 1) -> Err({e:?}): only InsufficientFunds can refuse it"
                            )),
                        }
                    }
                    if succeeded != funds(k) as usize || ledger.balance(a) != Some(0) {
                        fail(format!(
                            "account {a} held {} and {DUPLICATES} threads called withdraw({a}, 1) at the \
                             same instant\nexpected: {} successes and balance 0\n     got: {succeeded} \
                             successes ({round:?}) and balance {:?}\nTwo withdrawals both passed the \
                             funds check before either debited: check and debit must happen under \
                             one lock.",
                            funds(k),
                            funds(k),
                            ledger.balance(a)
                        ));
                    }
                }
            },
        );
    }
}

/// Accounts drained in each round of the transfers-out race: every thread transfers out of each of
/// them, thread i starting at source i mod SOURCES, so that with [`THREADS`] = 4 two threads meet
/// on each source while the other two hold the destination's lock.
const SOURCES: usize = 2;

fn concurrent_transfers_out_of_shared_accounts_never_overdraw(_: &mut Ctx) {
    scenario(format!(
        "round after round, {SOURCES} fresh accounts are opened holding 1 each (every fourth round 2); \
         then {THREADS} threads released at the same instant each call transfer(source, {SINK}, 1) once \
         on each of them, thread i starting with source i mod {SOURCES}: two threads meet on each \
         source while the other two hold the lock of the one destination {SINK} ({ROUNDS} rounds \
         per batch of fresh threads, many batches).\n\
         Checking the source's balance and debiting it must be one step, under the lock the debit \
         takes: exactly as many transfers out of each source succeed as its balance allows, the \
         others get InsufficientFunds, each source ends at 0 and {SINK} gains exactly what the \
         successful transfers moved."
    ));
    let ledger = SharedLedger::new();
    if let Err(e) = ledger.open_account(SINK) {
        fail(format!(
            "set-up: open_account({SINK}) on a fresh SharedLedger -> Err({e:?})"
        ));
    }
    // Mostly 1: then any two transfers that both pass the funds check before either debits break it.
    let funds = |k: usize| 1 + Amount::from(k % 4 == 3);
    let mut sink_balance: Amount = 0;
    let mut opened: AccountId = 0;
    step(format!(
        "phase: concurrent transfers out of {SOURCES} fresh accounts per round into account {SINK}"
    ));
    // A transfer that checks its source before locking it is caught only when another transfer
    // out of the same source runs while it waits for the destination's lock: twice the usual
    // racing time, spent only here.
    for _ in 0..2 {
        race(
            ROUNDS,
            |batch| -> Vec<[AccountId; SOURCES]> {
                (0..ROUNDS)
                    .map(|k| {
                        [(); SOURCES].map(|()| {
                            opened += 1;
                            let a = opened;
                            if let Err(e) = ledger
                                .open_account(a)
                                .and_then(|_| ledger.deposit(a, funds(k)))
                            {
                                fail(format!(
                                    "opening and funding account {a} before batch {batch} -> Err({e:?})"
                                ));
                            }
                            a
                        })
                    })
                    .collect()
            },
            |sources, i, k| -> Vec<(AccountId, Result<TxId, LedgerError>)> {
                (0..SOURCES)
                    .map(|m| {
                        let a = sources[k][(i + m) % SOURCES];
                        (a, ledger.transfer(a, SINK, 1))
                    })
                    .collect()
            },
            |sources, answers| {
                for (k, round) in answers.into_iter().enumerate() {
                    for &a in &sources[k] {
                        let calls: Vec<&Result<TxId, LedgerError>> = round
                            .iter()
                            .flatten()
                            .filter(|(from, _)| *from == a)
                            .map(|(_, result)| result)
                            .collect();
                        let mut succeeded = 0;
                        for result in &calls {
                            match result {
                                Ok(_) => succeeded += 1,
                                Err(LedgerError::InsufficientFunds { .. }) => {}
                                Err(e) => fail(format!(
                                    "transfer({a}, {SINK}, 1) -> Err({e:?}): only InsufficientFunds can refuse it"
                                )),
                            }
                        }
                        if succeeded != funds(k) as usize || ledger.balance(a) != Some(0) {
                            let why = if succeeded > funds(k) as usize {
                                "More transfers succeeded than the money allowed: two passed the funds \
                                 check before either debited. Check and debit must happen under one lock."
                            } else {
                                "A transfer was refused, or a debit lost, while the account still held \
                                 enough: each successful transfer must debit exactly once, and only an \
                                 empty account refuses."
                            };
                            fail(format!(
                                "account {a} held {} and {THREADS} threads called transfer({a}, {SINK}, 1) \
                                 at about the same instant\nexpected: {} successes and balance 0\n     \
                                 got: {succeeded} successes ({calls:?}) and balance {:?}\n{why}",
                                funds(k),
                                funds(k),
                                ledger.balance(a)
                            ));
                        }
                        sink_balance += succeeded as Amount;
                    }
                }
                expect_eq(
                    format!(
                        "balance({SINK}) after the batch ending with account {}: one unit for every successful transfer so far",
                        sources[ROUNDS - 1][SOURCES - 1]
                    ),
                    ledger.balance(SINK),
                    Some(sink_balance),
                );
            },
        );
    }
}

/// The destination every transfer of the transfers-out race goes to.
const SINK: AccountId = 1_000_000;

/// Threads meeting in the races with the narrowest windows (one key, one account or one
/// transfer per round): more callers at once make a window far likelier to be hit.
const DUPLICATES: usize = 2 * THREADS;

/// Length of the key the busy thread of the duplicates race retries: looking it up holds the key
/// map's lock for microseconds, so the duplicates that arrive meanwhile queue up (and sleep) on it.
const LONG_KEY: usize = 16 * 1024;

/// Keys per stream in the first phase of the duplicates race.
const STREAM: usize = 300;

fn concurrent_duplicates_of_one_key_apply_once(_: &mut Ctx) {
    scenario(format!(
        "account 1 holds 1; {DUPLICATES} threads send execute(key, Deposit {{ account: 1, amount: 1 }}) with the same keys \
         (a client retrying through several gateways).\n\
         Phase 1: each thread sends the same stream of {STREAM} keys, one after the other, without \
         waiting for the other threads (fresh threads and keys for each stream, many streams).\n\
         Phase 2: the threads send each key at the same moment, key after key, in batches of \
         {ROUNDS} keys run by fresh threads; at each of those moments one more thread retries an \
         earlier deposit under a {LONG_KEY}-byte key, which keeps the key map busy while the \
         duplicates arrive.\n\
         Each key must apply once and every caller must get that one outcome: checking the key and \
         claiming it must be one step, and a duplicate that arrives while the first is still running \
         must wait for its outcome. The retry under the long key must replay its first outcome."
    ));
    let ledger = shared(&[(1, 1)]);
    let deposit = Request::Deposit {
        account: 1,
        amount: 1,
    };
    let mut keys = 0;
    let expect_one_outcome = |name: &str, answers: &[Result<TxId, LedgerError>]| {
        expect(
            answers[0].is_ok() && answers.iter().all(|r| *r == answers[0]),
            format!(
                "key {name:?}: every thread must get the same successful answer (one TxId); got {answers:?}"
            ),
        );
    };

    // Phase 1: streams. A key's first caller applies it while the others wait for its outcome;
    // when it is published they all move on to the next key together and meet on it.
    step(format!(
        "phase 1: {DUPLICATES} threads send the same stream of {STREAM} keys"
    ));
    let started = Instant::now();
    let mut streams = 0;
    while started.elapsed() < RACE_TIME || (streams < 3 && started.elapsed() < RACE_CAP) {
        let names: Vec<String> = (0..STREAM)
            .map(|k| format!("stream-{streams}-{k}"))
            .collect();
        let by_thread = run_threads(DUPLICATES, |_| {
            names
                .iter()
                .map(|name| ledger.execute(name, deposit.clone()))
                .collect::<Vec<_>>()
        });
        for (k, name) in names.iter().enumerate() {
            let answers: Vec<_> = by_thread.iter().map(|answers| answers[k].clone()).collect();
            expect_one_outcome(name, &answers);
        }
        keys += STREAM;
        streams += 1;
        expect_eq(
            format!(
                "balance(1) after the stream ending with key {:?}: 1 + one deposit of 1 for each of the {keys} keys so far",
                names[STREAM - 1]
            ),
            ledger.balance(1),
            Some(1 + keys as Amount),
        );
    }

    // Phase 2: every key sent at one instant, while a long key keeps the key map busy.
    let long_key = "k".repeat(LONG_KEY);
    let first = ledger.execute(&long_key, deposit.clone());
    step(format!(
        "execute(<a key of {LONG_KEY} \"k\"s>, {deposit:?}) -> {first:?}"
    ));
    if first.is_err() {
        fail("a deposit into an open account under a fresh key must succeed");
    }
    keys += 1;
    step(format!(
        "phase 2: {DUPLICATES} threads send each key at the same moment"
    ));
    let batches = race_with(
        1 + DUPLICATES,
        ROUNDS,
        // The keys are made before the threads are released, so that they reach execute together.
        |batch| -> Vec<String> { (0..ROUNDS).map(|k| format!("dup-{batch}-{k}")).collect() },
        |names, i, k| {
            if i == 0 {
                ledger.execute(&long_key, deposit.clone())
            } else {
                ledger.execute(&names[k], deposit.clone())
            }
        },
        |names, answers| {
            for (name, per_thread) in names.iter().zip(&answers) {
                expect_eq(
                    "execute(<the long key>, the same deposit) retried while the duplicates ran: it must replay its first outcome",
                    &per_thread[0],
                    &first,
                );
                expect_one_outcome(name, &per_thread[1..]);
            }
            keys += ROUNDS;
            expect_eq(
                format!(
                    "balance(1) after the batch with keys {:?} to {:?}: 1 + one deposit of 1 for each of the {keys} keys so far (the long one included)",
                    names[0],
                    names[ROUNDS - 1]
                ),
                ledger.balance(1),
                Some(1 + keys as Amount),
            );
        },
    );
    step(format!(
        "{streams} streams and {batches} batches, {keys} keys"
    ));
    expect_eq(
        "journal() length: open + deposit + one entry per key",
        ledger.journal().len(),
        2 + keys,
    );
}

fn concurrent_different_requests_under_one_key_let_exactly_one_through(_: &mut Ctx) {
    scenario(format!(
        "account 1 holds 1; {THREADS} threads send execute(key, Deposit {{ account: 1, amount: i + 1 }}) with the same \
         key at once, thread i with its own amount, key after key, in batches of {PER_BATCH} keys run by fresh threads.\n\
         Exactly one request per key may run; every other caller gets IdempotencyConflict."
    ));
    let ledger = shared(&[(1, 1)]);
    step("phase: concurrent conflicting requests under each key");
    let mut expected_balance: Amount = 1;
    race(
        PER_BATCH,
        |batch| batch,
        |batch, i, k| {
            ledger.execute(
                &format!("c-{batch}-{k}"),
                Request::Deposit {
                    account: 1,
                    amount: i as Amount + 1,
                },
            )
        },
        |batch, answers| {
            for (k, per_thread) in answers.iter().enumerate() {
                let key = format!("c-{batch}-{k}");
                let winners: Vec<usize> = (0..THREADS).filter(|&i| per_thread[i].is_ok()).collect();
                expect(
                    winners.len() == 1,
                    format!("key {key:?}: exactly one thread's deposit may run; answers per thread: {per_thread:?}"),
                );
                for (i, answer) in per_thread.iter().enumerate() {
                    if i != winners[0] {
                        expect_eq(
                            format!(
                                "key {key:?}, thread {i}: another thread's request owns the key"
                            ),
                            answer.clone(),
                            Err(LedgerError::IdempotencyConflict(key.clone())),
                        );
                    }
                }
                expected_balance += winners[0] as Amount + 1;
            }
            expect_eq(
                format!(
                    "balance(1) after batch {batch}: 1 + the winning deposit of each key so far"
                ),
                ledger.balance(1),
                Some(expected_balance),
            );
        },
    );
}

fn concurrent_reversals_of_one_transfer_apply_once(_: &mut Ctx) {
    scenario(format!(
        "account 1 holds 10 000 000, account 2 holds 1; in each batch, {ROUNDS} transfers of 1–{ROUNDS} \
         from 1 to 2, then, transfer after transfer, {} threads call reverse on it at once while \
         another thread reads journal().\n\
         Exactly one reversal per transfer succeeds; the others get AlreadyReversed.",
        DUPLICATES - 1
    ));
    let ledger = shared(&[(1, 10_000_000), (2, 1)]);
    lengthen_journal(&ledger, 999, 1_000);
    step("phase: concurrent reversals of each transfer");
    race_with(
        DUPLICATES,
        ROUNDS,
        |_| -> Vec<TxId> {
            (1..=ROUNDS as Amount)
                .map(|x| ledger.transfer(1, 2, x).unwrap_or(TxId(0)))
                .collect()
        },
        |transfers, i, k| {
            if i == 0 {
                sample_journal(&ledger, k % 16 == 15);
                None
            } else {
                Some(ledger.reverse(transfers[k]))
            }
        },
        |transfers, answers| {
            for (per_thread, &tx) in answers.into_iter().zip(transfers) {
                let per_thread: Vec<_> = per_thread.into_iter().flatten().collect();
                expect(
                    one_success_and_the_rest(&per_thread, &LedgerError::AlreadyReversed(tx)),
                    format!("reverse({tx:?}) from {} threads: one success and AlreadyReversed for the rest; got {per_thread:?}", DUPLICATES - 1),
                );
            }
            expect_eq(
                "balances of 1 and 2 after the batch: every transfer was undone exactly once",
                (ledger.balance(1), ledger.balance(2)),
                (Some(10_000_000), Some(1)),
            );
        },
    );
}

/// Whether `answers` hold exactly one success and `refusal` for every other caller.
fn one_success_and_the_rest(answers: &[Result<TxId, LedgerError>], refusal: &LedgerError) -> bool {
    answers.iter().filter(|r| r.is_ok()).count() == 1
        && answers
            .iter()
            .filter(|r| r.as_ref().err() == Some(refusal))
            .count()
            == answers.len() - 1
}

fn concurrent_opens_of_one_account_let_exactly_one_through(_: &mut Ctx) {
    scenario(format!(
        "round after round, {DUPLICATES} threads call open_account(a) on the same new account a at \
         the same instant ({ROUNDS} rounds per batch of fresh threads, many batches); the winner \
         then deposits 5 into it.\n\
         Opening is atomic: exactly one call succeeds, the others get AccountExists(a), the \
         journal holds one opening per account, and the winner's deposit stays in the account."
    ));
    let ledger = shared(&[]);
    let mut opened = 0;
    step("phase: concurrent opens of one new account per round");
    race_with(
        DUPLICATES,
        ROUNDS,
        |batch| -> Vec<AccountId> {
            (1..=ROUNDS)
                .map(|k| (batch * ROUNDS + k) as AccountId)
                .collect()
        },
        |accounts, _, k| {
            let a = accounts[k];
            let answer = ledger.open_account(a);
            if answer.is_ok() {
                // Whoever won funds it at once: a second opener that replaced the account would
                // wipe this out.
                let _ = ledger.deposit(a, 5);
            }
            answer
        },
        |accounts, answers| {
            for (&a, per_thread) in accounts.iter().zip(&answers) {
                expect(
                    one_success_and_the_rest(per_thread, &LedgerError::AccountExists(a)),
                    format!(
                        "open_account({a}) from {DUPLICATES} threads at once: one success and \
                         AccountExists({a}) for the rest; got {per_thread:?}\n\
                         Checking that the account is new and adding it must be one step."
                    ),
                );
                expect_eq(
                    format!("balance({a}) after its one successful opening and a deposit of 5"),
                    ledger.balance(a),
                    Some(5),
                );
            }
            opened += ROUNDS;
        },
    );
    let openings = ledger
        .journal()
        .iter()
        .filter(|e| matches!(e.event, Event::Opened { .. }))
        .count();
    expect_eq(
        format!("journal() entries opening an account, after {opened} accounts were opened"),
        openings,
        opened,
    );
}
