//! Stage durable: the journal survives a crash; a torn or damaged last record is dropped; nothing acknowledged is lost.
//!
//! A process crash is simulated by abandoning a `DurableLedger` with `std::mem::forget` (its
//! destructor never runs, so nothing is flushed on the way out) and opening the same log again. A
//! power loss goes through `MemLog`, a `LogStorage` the checker keeps in memory, which keeps only
//! what `sync` made durable and can also crash in the middle of any storage call. Files live in
//! unique directories under the system's temporary directory and are removed afterwards.

use std::cell::RefCell;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Stage};

use crate::drill::{
    AccountId, Amount, DurableLedger, Entry, LedgerError, LogStorage, Request, TxId,
};
use crate::support::{against_model, random_keyed, request, Keyed, Model};

/// Returns the checks of stage durable.
pub fn stage() -> Stage {
    Stage {
        slug: "durable",
        checks: checks![
            open_creates_a_missing_directory_and_starts_empty,
            acknowledged_requests_survive_a_crash,
            clean_restarts_keep_everything,
            idempotency_keys_survive_a_restart,
            change_ids_continue_after_a_restart,
            a_torn_last_record_is_dropped_and_the_rest_recovered,
            requests_after_recovering_a_torn_log_survive_the_next_restart,
            a_damaged_last_record_is_dropped_not_misread,
            two_neighbouring_bytes_changed_together_are_detected,
            a_damaged_record_ends_the_log_and_drops_everything_after_it,
            every_acknowledged_request_survives_a_power_loss,
            a_crash_during_any_storage_call_loses_nothing_acknowledged,
            random_requests_and_crashes_lose_nothing_acknowledged,
        ],
    }
}

/// The file the ledger keeps its journal in, inside its directory.
const JOURNAL: &str = "journal.log";

/// A fresh, uniquely named directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "syskata-ledger-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        if let Err(e) = fs::create_dir_all(&path) {
            fail(format!(
                "the checker could not create {}: {e}",
                path.display()
            ));
        }
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn journal(&self) -> PathBuf {
        self.0.join(JOURNAL)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Opens the ledger in `dir`, failing the check on an I/O error.
fn open(dir: &Path, why: &str) -> DurableLedger {
    let opened = DurableLedger::open(dir);
    step(format!(
        "DurableLedger::open(dir) -> {}",
        match &opened {
            Ok(l) => format!("Ok ({} journal entries)", l.ledger().journal().len()),
            Err(e) => format!("Err({e})"),
        }
    ));
    opened.unwrap_or_else(|e| fail(format!("DurableLedger::open failed: {e}\n{why}")))
}

/// Abandons `ledger` the way a crash would: no destructor runs, nothing is flushed on the way out.
fn crash(ledger: DurableLedger) {
    step("crash (the DurableLedger is abandoned without being dropped)");
    std::mem::forget(ledger);
}

/// Runs `execute(key, request)`, logging it; an I/O error fails the check.
fn exec(ledger: &mut DurableLedger, key: &str, request: Request) -> Result<TxId, LedgerError> {
    let shown = format!("execute({key:?}, {request:?})");
    match ledger.execute(key, request) {
        Ok(outcome) => {
            step(format!("{shown} -> {outcome:?}"));
            outcome
        }
        Err(e) => fail(format!("{shown} failed with an I/O error: {e}")),
    }
}

/// Returns the length of the journal file in `dir`, or fails the check if there is none.
fn journal_len(dir: &TempDir) -> u64 {
    fs::metadata(dir.journal()).map(|m| m.len()).unwrap_or_else(|e| {
        fail(format!(
            "cannot read {}: {e}\nThe ledger must keep its journal in the file {JOURNAL} inside the directory it was opened on.",
            dir.journal().display()
        ))
    })
}

/// The state a ledger shows: its journal and the balances of accounts 1 to 6.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    journal: Vec<Entry>,
    balances: Vec<(AccountId, Option<Amount>)>,
}

/// Fails unless `got` equals `expected`, naming the first difference (a missing or extra journal
/// entry, a differing entry, or a balance) instead of printing both states whole.
#[track_caller]
fn expect_seen(what: &str, got: &Seen, expected: &Seen) {
    let (g, e) = (&got.journal, &expected.journal);
    if let Some(i) = (0..g.len().min(e.len())).find(|&i| g[i] != e[i]) {
        fail(format!(
            "{what}\njournal entry #{i} differs\nexpected: {:?}\n     got: {:?}",
            e[i], g[i]
        ));
    }
    if g.len() < e.len() {
        fail(format!(
            "{what}\nthe journal has {} entries where {} were acknowledged; missing: {:?}",
            g.len(),
            e.len(),
            &e[g.len()..]
        ));
    }
    if g.len() > e.len() {
        fail(format!(
            "{what}\nthe journal has {} entries where {} were expected; extra: {:?}",
            g.len(),
            e.len(),
            &g[e.len()..]
        ));
    }
    expect_eq(
        format!("{what}: balances of accounts 1–6"),
        &got.balances,
        &expected.balances,
    );
}

fn seen(ledger: &DurableLedger) -> Seen {
    Seen {
        journal: ledger.ledger().journal().to_vec(),
        balances: (1..=6).map(|a| (a, ledger.ledger().balance(a))).collect(),
    }
}

fn deposit(account: AccountId, amount: Amount) -> Request {
    Request::Deposit { account, amount }
}

/// The five requests the torn-record checks write; the last one is the one damaged.
fn five_requests() -> [(&'static str, Request); 5] {
    [
        ("open-1", Request::OpenAccount { account: 1 }),
        ("open-2", Request::OpenAccount { account: 2 }),
        ("fund-1", deposit(1, 500)),
        (
            "pay-2",
            Request::Transfer {
                from: 1,
                to: 2,
                amount: 120,
            },
        ),
        ("last", deposit(2, 1_000)),
    ]
}

/// Writes the five requests, crashes, and returns the journal file's length after each request
/// (index 0: after open) and what the ledger showed after the fourth.
fn write_five_and_crash(dir: &TempDir) -> (Vec<u64>, Seen) {
    let mut ledger = open(dir.path(), "opening an empty directory must work");
    let mut sizes = vec![fs::metadata(dir.journal()).map_or(0, |m| m.len())];
    let mut after_four = None;
    for (i, (key, request)) in five_requests().into_iter().enumerate() {
        let shown = format!("execute({key:?}, {request:?})");
        let outcome = exec(&mut ledger, key, request);
        expect(
            outcome.is_ok(),
            format!("{shown} must succeed; got {outcome:?}"),
        );
        let size = journal_len(dir);
        expect(
            size > sizes[i],
            format!(
                "{JOURNAL} is {size} bytes after {shown} returned, no longer than before ({} bytes).\n\
                 A request is acknowledged when execute returns, so its record must be in the file \
                 (written and fsync'ed) by then, not buffered for later.",
                sizes[i]
            ),
        );
        sizes.push(size);
        if i == 3 {
            after_four = Some(seen(&ledger));
        }
    }
    crash(ledger);
    (
        sizes,
        after_four.unwrap_or_else(|| fail("unreachable: four requests ran")),
    )
}

fn open_creates_a_missing_directory_and_starts_empty(_: &mut Ctx) {
    scenario("DurableLedger::open on a directory that does not exist yet (two levels deep)");
    let tmp = TempDir::new("fresh");
    let dir = tmp.path().join("not").join("yet");
    let ledger = open(&dir, "open must create a missing directory");
    expect(
        dir.is_dir(),
        format!("{} should exist after open", dir.display()),
    );
    expect_eq(
        "journal() of a brand-new ledger",
        ledger.ledger().journal().len(),
        0,
    );
    expect_eq(
        "balance(1) of a brand-new ledger",
        ledger.ledger().balance(1),
        None,
    );
}

/// Runs a short history with every kind of request, a refusal among them, on `ledger`.
fn mixed_history(ledger: &mut DurableLedger) {
    exec(ledger, "o1", Request::OpenAccount { account: 1 }).ok();
    exec(ledger, "o2", Request::OpenAccount { account: 2 }).ok();
    exec(ledger, "d1", deposit(1, 500)).ok();
    let transfer = exec(
        ledger,
        "t",
        Request::Transfer {
            from: 1,
            to: 2,
            amount: 200,
        },
    );
    exec(
        ledger,
        "w-too-much",
        Request::Withdraw {
            account: 2,
            amount: 500,
        },
    )
    .ok();
    exec(
        ledger,
        "w",
        Request::Withdraw {
            account: 1,
            amount: 50,
        },
    )
    .ok();
    if let Ok(transfer) = transfer {
        exec(ledger, "undo", Request::Reverse { transfer }).ok();
    }
    exec(ledger, "d2", deposit(2, 7)).ok();
}

fn acknowledged_requests_survive_a_crash(_: &mut Ctx) {
    scenario(
        "a ledger in a fresh directory runs opens, deposits, a transfer, a refused withdrawal, a \
         withdrawal and a reversal, then crashes; the directory is opened again",
    );
    let tmp = TempDir::new("crash");
    let mut ledger = open(tmp.path(), "opening an empty directory must work");
    mixed_history(&mut ledger);
    let before = seen(&ledger);
    let statement = ledger.ledger().statement(1);
    crash(ledger);
    let ledger = open(tmp.path(), "opening after a crash must recover the journal");
    expect_seen(
        "after the crash, every acknowledged request must be back",
        &seen(&ledger),
        &before,
    );
    expect_eq(
        "statement(1) after the crash",
        ledger.ledger().statement(1),
        statement,
    );
}

fn clean_restarts_keep_everything(_: &mut Ctx) {
    scenario("a ledger runs some requests and is dropped normally; reopened, it runs more and is dropped; reopened again");
    let tmp = TempDir::new("clean");
    let mut ledger = open(tmp.path(), "opening an empty directory must work");
    mixed_history(&mut ledger);
    drop(ledger);
    step("drop");
    let mut ledger = open(tmp.path(), "opening after a clean drop");
    exec(&mut ledger, "d3", deposit(1, 1)).ok();
    let before = seen(&ledger);
    drop(ledger);
    step("drop");
    let ledger = open(tmp.path(), "opening a second time");
    expect_seen("after two restarts", &seen(&ledger), &before);
}

fn idempotency_keys_survive_a_restart(_: &mut Ctx) {
    scenario(
        "account 1 is opened with 100; a keyed deposit succeeds and a keyed withdrawal is refused; \
         the ledger crashes; the client, unsure whether its requests landed, retries both after the restart.\n\
         Recorded outcomes are acknowledged too: a retry after a restart replays them.",
    );
    let tmp = TempDir::new("keys");
    let mut ledger = open(tmp.path(), "opening an empty directory must work");
    exec(&mut ledger, "open", Request::OpenAccount { account: 1 }).ok();
    exec(&mut ledger, "fund", deposit(1, 100)).ok();
    let paid = exec(&mut ledger, "pay", deposit(1, 40));
    let withdraw = Request::Withdraw {
        account: 1,
        amount: 500,
    };
    let refused = exec(&mut ledger, "take", withdraw.clone());
    crash(ledger);
    let mut ledger = open(tmp.path(), "opening after a crash must recover the journal");
    exec(&mut ledger, "more", deposit(1, 1_000)).ok();
    expect_eq(
        "retry of \"pay\" after the restart: the recorded answer, not a second deposit",
        exec(&mut ledger, "pay", deposit(1, 40)),
        paid,
    );
    expect_eq(
        "retry of \"take\" after the restart: the recorded refusal, although the account now holds enough",
        exec(&mut ledger, "take", withdraw),
        refused,
    );
    expect_eq(
        "\"pay\" with a different request after the restart",
        exec(&mut ledger, "pay", deposit(1, 41)),
        Err(LedgerError::IdempotencyConflict("pay".to_owned())),
    );
    expect_eq(
        "balance(1): 100 + 40 + 1000, each applied once",
        ledger.ledger().balance(1),
        Some(1_140),
    );
}

fn change_ids_continue_after_a_restart(_: &mut Ctx) {
    scenario("three changes, a crash, then one more change: ids never restart or repeat");
    let tmp = TempDir::new("ids");
    let mut ledger = open(tmp.path(), "opening an empty directory must work");
    exec(&mut ledger, "a", Request::OpenAccount { account: 1 }).ok();
    exec(&mut ledger, "b", deposit(1, 5)).ok();
    exec(&mut ledger, "c", deposit(1, 6)).ok();
    crash(ledger);
    let mut ledger = open(tmp.path(), "opening after a crash must recover the journal");
    expect_eq(
        "the first change after the restart is the fourth change",
        exec(&mut ledger, "d", deposit(1, 7)),
        Ok(TxId(4)),
    );
}

/// How a check damages the tail of the journal file.
#[derive(Debug, Clone, Copy)]
enum Tear {
    /// Only the first byte of the last record reached the disk.
    FirstByteOnly,
    /// Half of the last record reached the disk.
    Half,
    /// All of the last record but its final byte reached the disk.
    AllButOneByte,
}

fn a_torn_last_record_is_dropped_and_the_rest_recovered(_: &mut Ctx) {
    scenario(
        "five keyed requests are acknowledged, then the ledger crashes while the disk holds only part \
         of the last record, sometimes followed by garbage (a crash in mid-append).\n\
         Opening must succeed, keep the first four requests and drop the torn fifth.\n\
         The length of journal.log after each request marks where the records end.",
    );
    let garbage: [(&str, Vec<u8>); 3] = [
        ("nothing", Vec::new()),
        ("64 bytes of 0xFF", vec![0xFF; 64]),
        (
            "37 bytes of noise",
            (0..37u32)
                .map(|i| (i.wrapping_mul(151) % 251) as u8)
                .collect(),
        ),
    ];
    let tmp = TempDir::new("torn");
    let (sizes, after_four) = write_five_and_crash(&tmp);
    let original = read_journal(&tmp);
    let (start, end) = (sizes[4], sizes[5]);
    for tear in [Tear::FirstByteOnly, Tear::Half, Tear::AllButOneByte] {
        for (what, bytes) in &garbage {
            let cut = match tear {
                Tear::FirstByteOnly => start + 1,
                Tear::Half => start + (end - start) / 2,
                Tear::AllButOneByte => end - 1,
            };
            step(format!(
                "damage: the last record spans bytes {start}..{end}; cut the file to {cut} bytes ({tear:?}), then append {what}"
            ));
            write_journal(&tmp, &torn(&original, cut, bytes));
            let ledger = open(
                tmp.path(),
                "a torn last record is what a crash in mid-append leaves: open must drop it, not fail",
            );
            expect_seen(
                &format!("after recovering from the tear ({tear:?}, then {what}), the ledger must hold the first four requests, without the fifth"),
                &seen(&ledger),
                &after_four,
            );
            drop(ledger);
        }
    }
}

/// Returns `original` cut to `len` bytes with `garbage` appended, the garbage's first byte changed
/// if it happens to equal the byte it replaces (or the torn record could come back whole).
fn torn(original: &[u8], len: u64, garbage: &[u8]) -> Vec<u8> {
    let len = len as usize;
    let mut bytes = original[..len].to_vec();
    bytes.extend_from_slice(garbage);
    if let (Some(new), Some(old)) = (bytes.get_mut(len), original.get(len)) {
        if new == old {
            *new ^= 0x80;
        }
    }
    bytes
}

/// Returns the bytes of the journal file in `dir`.
fn read_journal(dir: &TempDir) -> Vec<u8> {
    fs::read(dir.journal()).unwrap_or_else(|e| {
        fail(format!(
            "the checker could not read {}: {e}",
            dir.journal().display()
        ))
    })
}

/// Replaces the journal file in `dir` with `bytes`.
fn write_journal(dir: &TempDir, bytes: &[u8]) {
    if let Err(e) = fs::write(dir.journal(), bytes) {
        fail(format!(
            "the checker could not write {}: {e}",
            dir.journal().display()
        ));
    }
}

fn requests_after_recovering_a_torn_log_survive_the_next_restart(_: &mut Ctx) {
    scenario(
        "five requests, a crash that tears the last record and leaves garbage after it; the ledger is \
         opened, two more requests are acknowledged, and it crashes again.\n\
         If recovery leaves the torn bytes in the file, the new records land after them and the next \
         open stops at the tear: acknowledged requests are lost.",
    );
    let tmp = TempDir::new("after-torn");
    let (sizes, _) = write_five_and_crash(&tmp);
    let cut = sizes[4] + (sizes[5] - sizes[4]) / 2;
    step(format!(
        "damage: cut the file to {cut} bytes, inside the last record, then append 40 bytes of 0xAB"
    ));
    write_journal(&tmp, &torn(&read_journal(&tmp), cut, &[0xAB; 40]));
    let mut ledger = open(
        tmp.path(),
        "a torn last record must be dropped, not fail the open",
    );
    exec(&mut ledger, "after-1", deposit(1, 3)).ok();
    exec(&mut ledger, "after-2", deposit(2, 4)).ok();
    let before = seen(&ledger);
    crash(ledger);
    let ledger = open(tmp.path(), "the second open after the tear");
    expect_seen(
        "after the second crash, the two requests acknowledged after recovery must still be there",
        &seen(&ledger),
        &before,
    );
}

fn a_damaged_last_record_is_dropped_not_misread(_: &mut Ctx) {
    scenario(
        "five requests, a crash; then one byte of the last record (a deposit of 1000 into account 2) \
         is changed (its lowest bit flipped), for each byte of that record in turn, on a copy of the file.\n\
         A record whose bytes do not match its checksum was not fully written: it must be dropped, \
         never read back as a different request.",
    );
    let tmp = TempDir::new("flip");
    let (sizes, after_four) = write_five_and_crash(&tmp);
    let original = read_journal(&tmp);
    let (start, end) = (sizes[4], sizes[5]);
    for at in start..end {
        let mut bytes = original.clone();
        bytes[at as usize] ^= 0x01;
        write_journal(&tmp, &bytes);
        step(format!(
            "damage: flip the lowest bit of byte {at} (the last record spans {start}..{end})"
        ));
        let ledger = DurableLedger::open(tmp.path()).unwrap_or_else(|e| {
            fail(format!(
                "DurableLedger::open failed after byte {at} of the last record was changed: {e}\n\
                 a damaged last record must be dropped, not fail the open"
            ))
        });
        expect_seen(
            &format!(
                "after one bit of byte {at} of the last record was flipped, the damaged record must be dropped, \
                 not read back: the ledger must hold exactly the first four requests"
            ),
            &seen(&ledger),
            &after_four,
        );
        drop(ledger);
    }
}

fn two_neighbouring_bytes_changed_together_are_detected(_: &mut Ctx) {
    scenario(
        "five requests are acknowledged on a log the checker keeps in memory; the last one is a \
         deposit of 1000 into account 2. Then two neighbouring bytes of its record are changed \
         together, each time on a copy of the log that is then opened: for every pair of \
         neighbouring bytes, the same bit flipped in both (every bit), and the first byte's lowest \
         bit flipped with the second byte set to each of its other values.\n\
         A checksum that merely adds or XORs the bytes, or a CRC built wrong, lets some of these \
         pairs cancel out; CRC-32 detects every damage confined to 32 consecutive bits, FNV-1a all \
         but about one in four billion. The damaged record must be dropped, never read back as a \
         different request, so a retry of its key runs as the fifth change.",
    );
    let disk = Rc::new(RefCell::new(Disk::default()));
    let mut ledger = open_mem(&disk, "opening an empty log must work");
    let (mut start, mut after_four) = (0, None);
    for (i, (key, request)) in five_requests().into_iter().enumerate() {
        if i == 4 {
            start = disk.borrow().current.len();
            after_four = Some(seen(&ledger));
        }
        exec(&mut ledger, key, request).ok();
    }
    drop(ledger);
    let after_four = after_four.unwrap_or_else(|| fail("unreachable: five requests ran"));
    let original = disk.borrow().current.clone();
    let end = original.len();
    expect(
        end > start + 1,
        format!(
            "the log grew from {start} to {end} bytes while execute(\"last\", …) was acknowledged: \
             its record must be in the log by then"
        ),
    );
    let mut damages = Vec::new();
    for at in start..end - 1 {
        for bit in 0..8 {
            damages.push((at, 1u8 << bit, 1u8 << bit));
        }
        for value in 0..=u8::MAX {
            if value != original[at + 1] && value != original[at + 1] ^ 1 {
                damages.push((at, 1, value ^ original[at + 1]));
            }
        }
    }
    step(format!(
        "{} damages of the last record (bytes {start}..{end}), each on a fresh copy of the log, \
         then open_with and a retry of \"last\"; only a damage that is not dropped is shown",
        damages.len()
    ));
    for (at, first, second) in damages {
        let mut bytes = original.clone();
        bytes[at] ^= first;
        bytes[at + 1] ^= second;
        let what = || {
            format!(
                "byte {at} XOR {first:#04x} and byte {} XOR {second:#04x} (the last record \
                 spans {start}..{end})",
                at + 1
            )
        };
        let damaged = Rc::new(RefCell::new(Disk::holding(&bytes)));
        let mut ledger = DurableLedger::open_with(Box::new(MemLog(damaged))).unwrap_or_else(|e| {
            step(format!("damage: {}, then open_with -> Err({e})", what()));
            fail(format!(
                "DurableLedger::open_with failed after the damage {}: {e}\n\
                 a damaged last record must be dropped, not fail the open",
                what()
            ))
        });
        let got = seen(&ledger);
        if got != after_four {
            step(format!("damage: {}, then open_with", what()));
            expect_seen(
                &format!(
                    "after the damage {}, the damaged record must be dropped, not read back: the \
                     ledger must hold exactly the first four requests",
                    what()
                ),
                &got,
                &after_four,
            );
        }
        let retry = ledger.execute("last", deposit(2, 1_000));
        if !matches!(retry, Ok(Ok(TxId(5)))) {
            step(format!("damage: {}, then open_with", what()));
            step(format!(
                "execute(\"last\", Deposit {{ account: 2, amount: 1000 }}) -> {retry:?}"
            ));
            expect_eq(
                format!(
                    "the client's retry of execute(\"last\", Deposit {{ account: 2, amount: 1000 \
                     }}) after the damage {}: the damaged record was dropped, so the key is unused \
                     and the request runs as the fifth change (a conflict means the damaged record \
                     was read back as a different request)",
                    what()
                ),
                retry.ok(),
                Some(Ok(TxId(5))),
            );
        }
    }
}

fn a_damaged_record_ends_the_log_and_drops_everything_after_it(_: &mut Ctx) {
    scenario(
        "five requests are acknowledged on a log the checker keeps in memory (open 1, open 2, \
         deposit 500 into 1, transfer 120 from 1 to 2, deposit 1000 into 2); then one byte in the \
         middle of the THIRD record is changed and the log is opened.\n\
         The log ends at the first record that fails its checksum: that record and every record \
         after it are dropped, even though the later ones are intact. Only the two openings remain.",
    );
    let disk = Rc::new(RefCell::new(Disk::default()));
    let mut ledger = open_mem(&disk, "opening an empty log must work");
    let mut ends = vec![0];
    let mut after_two = None;
    for (i, (key, request)) in five_requests().into_iter().enumerate() {
        exec(&mut ledger, key, request).ok();
        ends.push(disk.borrow().current.len());
        if i == 1 {
            after_two = Some(seen(&ledger));
        }
    }
    drop(ledger);
    let after_two = after_two.unwrap_or_else(|| fail("unreachable: five requests ran"));
    let (start, end) = (ends[2], ends[3]);
    let at = start + (end - start) / 2;
    let mut bytes = disk.borrow().current.clone();
    bytes[at] ^= 0x01;
    step(format!(
        "damage: flip the lowest bit of byte {at} (the third record spans {start}..{end}; the log is {} bytes)",
        bytes.len()
    ));
    let damaged = Rc::new(RefCell::new(Disk::holding(&bytes)));
    let ledger = open_mem(
        &damaged,
        "a record that fails its checksum ends the log: open must drop it and what follows, not fail",
    );
    expect_seen(
        "after the third record was damaged, the log ends before it: the ledger must hold the two \
         openings only (records after a damaged one are never replayed, so history keeps no gap)",
        &seen(&ledger),
        &after_two,
    );
}

/// How a simulated crash strikes the storage call it hits.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Strike {
    /// The call never takes effect.
    Before,
    /// The call takes effect, then the machine dies before it returns.
    After,
    /// Only the first `n` bytes of an append reach the log (other calls: as `Before`).
    Torn(usize),
}

/// What is left of the log after a crash.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Aftermath {
    /// The process died: every byte appended so far stays in the log.
    ProcessCrash,
    /// The power failed: the log keeps only what `sync` made durable.
    PowerLoss,
}

impl Aftermath {
    fn describe(self) -> &'static str {
        match self {
            Aftermath::ProcessCrash => "the process died (every byte appended so far stays)",
            Aftermath::PowerLoss => {
                "the power failed (the log keeps only what sync() made durable: appends and \
                 truncations since the last sync are lost)"
            }
        }
    }
}

/// The log the checker keeps in memory: what a reader sees now, what survives a power loss, and
/// an optional crash waiting at a given storage call.
#[derive(Debug, Clone, Default)]
struct Disk {
    current: Vec<u8>,
    durable: Vec<u8>,
    calls: usize,
    crash: Option<(usize, Strike)>,
    crashed: bool,
}

impl Disk {
    /// A disk holding `bytes`, all of them durable.
    fn holding(bytes: &[u8]) -> Disk {
        Disk {
            current: bytes.to_vec(),
            durable: bytes.to_vec(),
            ..Disk::default()
        }
    }

    /// The disk as the machine finds it when it comes back after `aftermath`.
    fn recover(&self, aftermath: Aftermath) -> Disk {
        let current = match aftermath {
            Aftermath::ProcessCrash => self.current.clone(),
            Aftermath::PowerLoss => self.durable.clone(),
        };
        Disk {
            current,
            durable: self.durable.clone(),
            ..Disk::default()
        }
    }

    /// Counts a storage call; returns the strike if the crash hits this one, or an error if the
    /// machine is already down.
    fn enter(&mut self) -> io::Result<Option<Strike>> {
        if self.crashed {
            return Err(crashed());
        }
        let n = self.calls;
        self.calls += 1;
        match self.crash {
            Some((at, strike)) if at == n => {
                self.crashed = true;
                Ok(Some(strike))
            }
            _ => Ok(None),
        }
    }
}

fn crashed() -> io::Error {
    io::Error::other("simulated crash: the machine is down")
}

/// A `LogStorage` over a shared in-memory `Disk`; the check keeps another handle to the disk.
struct MemLog(Rc<RefCell<Disk>>);

impl LogStorage for MemLog {
    fn read(&mut self) -> io::Result<Vec<u8>> {
        let mut disk = self.0.borrow_mut();
        match disk.enter()? {
            None => Ok(disk.current.clone()),
            Some(_) => Err(crashed()),
        }
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut disk = self.0.borrow_mut();
        match disk.enter()? {
            None => {
                disk.current.extend_from_slice(bytes);
                Ok(())
            }
            Some(Strike::Before) => Err(crashed()),
            Some(Strike::After) => {
                disk.current.extend_from_slice(bytes);
                Err(crashed())
            }
            Some(Strike::Torn(n)) => {
                disk.current.extend_from_slice(&bytes[..n.min(bytes.len())]);
                Err(crashed())
            }
        }
    }

    fn truncate(&mut self, len: u64) -> io::Result<()> {
        let mut disk = self.0.borrow_mut();
        let strike = disk.enter()?;
        if matches!(strike, None | Some(Strike::After)) {
            let len = usize::try_from(len).unwrap_or(usize::MAX);
            if len > disk.current.len() + (1 << 20) {
                return Err(io::Error::other("truncate far past the end of the log"));
            }
            disk.current.resize(len, 0);
        }
        match strike {
            None => Ok(()),
            Some(_) => Err(crashed()),
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        let mut disk = self.0.borrow_mut();
        let strike = disk.enter()?;
        if matches!(strike, None | Some(Strike::After)) {
            disk.durable = disk.current.clone();
        }
        match strike {
            None => Ok(()),
            Some(_) => Err(crashed()),
        }
    }
}

/// Opens a ledger on a fresh handle to `disk`, failing the check on an I/O error.
fn open_mem(disk: &Rc<RefCell<Disk>>, why: &str) -> DurableLedger {
    let opened = DurableLedger::open_with(Box::new(MemLog(Rc::clone(disk))));
    step(format!(
        "DurableLedger::open_with(log of {} bytes) -> {}",
        disk.borrow().current.len(),
        match &opened {
            Ok(l) => format!("Ok ({} journal entries)", l.ledger().journal().len()),
            Err(e) => format!("Err({e})"),
        }
    ));
    opened.unwrap_or_else(|e| fail(format!("DurableLedger::open_with failed: {e}\n{why}")))
}

/// The requests of the power-loss checks: every kind, a refusal and a replayed retry among them.
fn power_history() -> Vec<(&'static str, Request)> {
    vec![
        ("o1", Request::OpenAccount { account: 1 }),
        ("o2", Request::OpenAccount { account: 2 }),
        ("d1", deposit(1, 500)),
        (
            "t",
            Request::Transfer {
                from: 1,
                to: 2,
                amount: 200,
            },
        ),
        (
            "w-too-much",
            Request::Withdraw {
                account: 2,
                amount: 500,
            },
        ),
        (
            "w",
            Request::Withdraw {
                account: 1,
                amount: 50,
            },
        ),
        ("undo", Request::Reverse { transfer: TxId(4) }),
        ("d1", deposit(1, 500)),
        ("d2", deposit(2, 7)),
    ]
}

fn every_acknowledged_request_survives_a_power_loss(_: &mut Ctx) {
    scenario(
        "a ledger on a log the checker keeps in memory (DurableLedger::open_with) runs opens, \
         deposits, a transfer, a refused withdrawal, a withdrawal, a reversal and a retry.\n\
         Right after each answer the power fails on a copy of the log: the copy keeps only what \
         sync() made durable. The copy is opened and must hold every request acknowledged so far.",
    );
    let disk = Rc::new(RefCell::new(Disk::default()));
    let mut ledger = open_mem(&disk, "opening an empty log must work");
    for (key, request) in power_history() {
        let shown = format!("execute({key:?}, {request:?})");
        exec(&mut ledger, key, request).ok();
        step("the power fails on a copy of the log; the copy is opened");
        let copy = Rc::new(RefCell::new(disk.borrow().recover(Aftermath::PowerLoss)));
        let reopened = open_mem(&copy, "opening the log after a power loss must work");
        expect_seen(
            &format!(
                "{shown} returned, then the power failed. A request is acknowledged when execute \
                 returns: its record must have been appended AND synced (LogStorage::sync) by \
                 then, so that a power loss cannot take it back"
            ),
            &seen(&reopened),
            &seen(&ledger),
        );
    }
}

fn a_crash_during_any_storage_call_loses_nothing_acknowledged(_: &mut Ctx) {
    scenario(
        "four requests are acknowledged on a log the checker keeps in memory; the ledger is \
         reopened and a fifth request (a deposit of 1000 into account 2) is sent, and the machine \
         crashes at one of the storage calls it makes: before the call takes effect, right after \
         it, or in the middle of an append (only its first 0 bytes, 1 byte or half of them reach \
         the log). Then either the process died or the power failed.\n\
         The log is opened again: it must hold the first four requests, with or without the fifth \
         (it was never acknowledged). One more request is acknowledged, the power fails, and the \
         log is opened once more: that request must be there too. So must a retry of the fifth \
         request answered right after the recovery, when the power fails at once.",
    );
    let base = Rc::new(RefCell::new(Disk::default()));
    let mut ledger = open_mem(&base, "opening an empty log must work");
    let five = five_requests();
    for (key, request) in five.iter().take(4).cloned() {
        exec(&mut ledger, key, request).ok();
    }
    let before = seen(&ledger);
    drop(ledger);
    // The four acknowledged records, all of them durable, are where every crash starts from.
    let synced = base.borrow().current.clone();
    // A dry run tells which storage calls the fifth request makes, and what "after" looks like.
    let dry = Rc::new(RefCell::new(Disk::holding(&synced)));
    let mut ledger = open_mem(&dry, "opening the log of four requests must work");
    let opened_calls = dry.borrow().calls;
    let (key, request) = five[4].clone();
    exec(&mut ledger, key, request.clone()).ok();
    let after = seen(&ledger);
    let request_calls = dry.borrow().calls - opened_calls;
    let record_len = dry.borrow().current.len() - synced.len();
    drop(ledger);
    let strikes = [
        Strike::Before,
        Strike::After,
        Strike::Torn(0),
        Strike::Torn(1),
        Strike::Torn(record_len / 2),
    ];
    for call in 0..request_calls {
        for strike in strikes {
            for aftermath in [Aftermath::ProcessCrash, Aftermath::PowerLoss] {
                let disk = Rc::new(RefCell::new(Disk::holding(&synced)));
                let mut ledger = open_mem(&disk, "opening the log of four requests must work");
                disk.borrow_mut().crash = Some((opened_calls + call, strike));
                let what = format!(
                    "a crash at storage call #{} of execute(\"last\", {request:?}) ({strike:?}), \
                     then {}",
                    call + 1,
                    aftermath.describe()
                );
                step(what.clone());
                let answer = ledger.execute(key, request.clone());
                std::mem::forget(ledger);
                if let Ok(answer) = &answer {
                    // The crash struck a call whose failure the ledger ignored: it acknowledged.
                    step(format!(
                        "execute answered Ok({answer:?}) although a storage call failed"
                    ));
                }
                let recovered = Rc::new(RefCell::new(disk.borrow().recover(aftermath)));
                let mut ledger = open_mem(
                    &recovered,
                    &format!("after {what}, open must recover the log, not fail"),
                );
                let got = seen(&ledger);
                if got != before && got != after {
                    expect_seen(
                        &format!(
                            "after {what}, the ledger must hold the first four requests (the \
                             fifth was not acknowledged, so it may be there or not)"
                        ),
                        &got,
                        &before,
                    );
                }
                if answer.is_ok() {
                    expect_seen(
                        &format!("after {what}: execute had answered Ok, so the fifth request was acknowledged"),
                        &got,
                        &after,
                    );
                }
                // A retry of the fifth request after recovery is answered (replayed from the log,
                // or run anew), so it is acknowledged too: it must survive a power failure that
                // follows at once, before anything else is written.
                let twin = Rc::new(RefCell::new(
                    recovered.borrow().recover(Aftermath::ProcessCrash),
                ));
                let mut again = open_mem(
                    &twin,
                    &format!("after {what}, opening the recovered log must work"),
                );
                if let Ok(retried) = again.execute(key, request.clone()) {
                    let acknowledged = seen(&again);
                    drop(again);
                    step(format!(
                        "on a copy of the recovered log: execute(\"last\", {request:?}) retried -> \
                         Ok({retried:?}); then the power fails and the log is opened again"
                    ));
                    let lost = Rc::new(RefCell::new(twin.borrow().recover(Aftermath::PowerLoss)));
                    let reopened = open_mem(&lost, "opening after the power failure must work");
                    expect_seen(
                        &format!(
                            "after {what}, recovery, a retry of execute(\"last\", …) answered \
                             Ok({retried:?}) and a power failure, what the retry acknowledged must \
                             still be there: a record read back at open but never synced is not \
                             durable, so sync the log before answering from it"
                        ),
                        &seen(&reopened),
                        &acknowledged,
                    );
                }
                exec(&mut ledger, "after", deposit(1, 3)).ok();
                let expected = seen(&ledger);
                drop(ledger);
                let (appended, synced_now) = {
                    let disk = recovered.borrow();
                    (disk.current.len(), disk.durable.len())
                };
                let why = if synced_now < appended {
                    format!(
                        "when execute answered, the log held {appended} bytes but only \
                         {synced_now} of them were synced: the record was appended but never \
                         made durable with sync()"
                    )
                } else {
                    "everything was synced, so the record is in the log but open did not reach \
                     it: recovery left the torn bytes in the log (or did not cut them off before \
                     appending), the new record landed behind them and open stopped at the tear"
                        .to_owned()
                };
                step("the power fails; the log is opened once more");
                let last = Rc::new(RefCell::new(
                    recovered.borrow().recover(Aftermath::PowerLoss),
                ));
                let ledger = open_mem(&last, "opening after the second failure must work");
                expect_seen(
                    &format!(
                        "after {what}, recovery, one more acknowledged request (a deposit of 3 \
                         into account 1) and a power loss, that request must still be there; \
                         {why}"
                    ),
                    &seen(&ledger),
                    &expected,
                );
            }
        }
    }
}

/// One call of the random durable scenario: perhaps a restart first, then a keyed request.
struct Call {
    restart: Option<Restart>,
    keyed: Keyed,
}

/// How the ledger is restarted before a call.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Restart {
    /// Abandoned without its destructor running, then opened again.
    Crash,
    /// Abandoned, and the log keeps only what was synced; then opened again.
    PowerLoss,
    /// Dropped normally, then opened again.
    Drop,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.restart {
            Some(Restart::Crash) => write!(f, "[crash, reopen] {:?}", self.keyed),
            Some(Restart::PowerLoss) => write!(f, "[power loss, reopen] {:?}", self.keyed),
            Some(Restart::Drop) => write!(f, "[drop, reopen] {:?}", self.keyed),
            None => write!(f, "{:?}", self.keyed),
        }
    }
}

fn random_requests_and_crashes_lose_nothing_acknowledged(ctx: &mut Ctx) {
    scenario(
        "random keyed requests (retries and key conflicts among them, reversals too) on a log the \
         checker keeps in memory, with a process crash, a power loss or a clean drop and a reopen \
         every few requests; every answer and balance must match a plain model of the rules that \
         never restarted",
    );
    let disk = RefCell::new(Rc::new(RefCell::new(Disk::default())));
    let slot = RefCell::new(Some(open_mem(
        &disk.borrow(),
        "opening an empty log must work",
    )));
    let mut history = Vec::new();
    let mut until_restart = 10u64;
    against_model(
        ctx.rng(),
        100,
        &mut Model::default(),
        |rng, model, opening| {
            let restart = if until_restart == 0 {
                until_restart = rng.range(3, 25);
                Some(*rng.pick(&[Restart::Crash, Restart::PowerLoss, Restart::Drop]))
            } else {
                until_restart -= 1;
                None
            };
            let (key, op) = match opening {
                Some(op) => (format!("setup-{op:?}"), op),
                None => random_keyed(rng, model, &mut history, true),
            };
            Call {
                restart,
                keyed: Keyed { key, op },
            }
        },
        |call| {
            let mut slot = slot.borrow_mut();
            if let Some(restart) = call.restart {
                let old = slot
                    .take()
                    .unwrap_or_else(|| fail("unreachable: the ledger is open"));
                let recovered = match restart {
                    Restart::Crash => {
                        std::mem::forget(old);
                        disk.borrow().borrow().recover(Aftermath::ProcessCrash)
                    }
                    Restart::PowerLoss => {
                        std::mem::forget(old);
                        disk.borrow().borrow().recover(Aftermath::PowerLoss)
                    }
                    Restart::Drop => {
                        drop(old);
                        disk.borrow().borrow().clone()
                    }
                };
                *disk.borrow_mut() = Rc::new(RefCell::new(recovered));
                let reopened =
                    DurableLedger::open_with(Box::new(MemLog(Rc::clone(&disk.borrow()))))
                        .unwrap_or_else(|e| {
                            fail(format!(
                                "DurableLedger::open_with after a restart failed: {e}"
                            ))
                        });
                *slot = Some(reopened);
            }
            let ledger = slot
                .as_mut()
                .unwrap_or_else(|| fail("unreachable: the ledger is open"));
            match ledger.execute(&call.keyed.key, request(&call.keyed.op)) {
                Ok(outcome) => outcome,
                Err(e) => fail(format!("{call:?} failed with an I/O error: {e}")),
            }
        },
        |model, call| model.execute(&call.keyed.key, &call.keyed.op),
        |a| slot.borrow().as_ref().and_then(|l| l.ledger().balance(a)),
    );
    let ledger = slot
        .into_inner()
        .unwrap_or_else(|| fail("unreachable: the ledger is open"));
    let before = seen(&ledger);
    std::mem::forget(ledger);
    step("power loss; the log is opened again");
    let last = Rc::new(RefCell::new(
        disk.borrow().borrow().recover(Aftermath::PowerLoss),
    ));
    let ledger = open_mem(&last, "the final reopen");
    expect_seen("after the final power loss", &seen(&ledger), &before);
}
