//! ledger stage 3 (history_and_reversals): the "API to add" of prompts/ledger/3-history_and_reversals.md, one `// api` line per item.

// api: pub enum Event
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Event>;
};

// api Event: Opened { account: AccountId }
const _: fn(u64) -> drill::Event = |account| drill::Event::Opened { account };

// api Event: Deposited { account: AccountId, amount: Amount }
const _: fn(u64, u64) -> drill::Event = |account, amount| drill::Event::Deposited { account, amount };

// api Event: Withdrawn { account: AccountId, amount: Amount }
const _: fn(u64, u64) -> drill::Event = |account, amount| drill::Event::Withdrawn { account, amount };

// api Event: Transferred { from: AccountId, to: AccountId, amount: Amount }
const _: fn(u64, u64, u64) -> drill::Event =
    |from, to, amount| drill::Event::Transferred { from, to, amount };

// api Event: Reversed { transfer: TxId, from: AccountId, to: AccountId, amount: Amount }
const _: fn(drill::TxId, u64, u64, u64) -> drill::Event =
    |transfer, from, to, amount| drill::Event::Reversed { transfer, from, to, amount };

// api: pub struct Entry
const _: fn(drill::TxId, drill::Event) -> drill::Entry = |tx, event| drill::Entry { tx, event };
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Entry>;
};

// api Entry: pub tx: TxId
const _: fn(&drill::Entry) -> drill::TxId = |e| e.tx;

// api Entry: pub event: Event
const _: fn(&drill::Entry) -> &drill::Event = |e| &e.event;

// api: pub struct StatementLine
const _: fn(drill::TxId, u64, u64, u64) -> drill::StatementLine =
    |tx, paid_in, paid_out, balance| drill::StatementLine { tx, paid_in, paid_out, balance };
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::StatementLine>;
};

// api StatementLine: pub tx: TxId
const _: fn(&drill::StatementLine) -> drill::TxId = |l| l.tx;

// api StatementLine: pub paid_in: Amount
const _: fn(&drill::StatementLine) -> u64 = |l| l.paid_in;

// api StatementLine: pub paid_out: Amount
const _: fn(&drill::StatementLine) -> u64 = |l| l.paid_out;

// api StatementLine: pub balance: Amount
const _: fn(&drill::StatementLine) -> u64 = |l| l.balance;

// api Request: Reverse { transfer: TxId }
const _: fn(drill::TxId) -> drill::Request = |transfer| drill::Request::Reverse { transfer };

// api LedgerError: UnknownTransaction(TxId)
const _: fn(drill::TxId) -> drill::LedgerError = drill::LedgerError::UnknownTransaction;

// api LedgerError: NotATransfer(TxId)
const _: fn(drill::TxId) -> drill::LedgerError = drill::LedgerError::NotATransfer;

// api LedgerError: AlreadyReversed(TxId)
const _: fn(drill::TxId) -> drill::LedgerError = drill::LedgerError::AlreadyReversed;

// api Ledger: pub fn reverse(&mut self, transfer: TxId) -> Result<TxId, LedgerError>
const _: fn(&mut drill::Ledger, drill::TxId) -> Result<drill::TxId, drill::LedgerError> =
    drill::Ledger::reverse;

// api Ledger: pub fn journal(&self) -> &[Entry]
const _: for<'a> fn(&'a drill::Ledger) -> &'a [drill::Entry] = drill::Ledger::journal;

// api Ledger: pub fn statement(&self, account: AccountId) -> Option<Vec<StatementLine>>
const _: fn(&drill::Ledger, u64) -> Option<Vec<drill::StatementLine>> = drill::Ledger::statement;
