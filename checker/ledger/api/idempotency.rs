//! ledger stage 2 (idempotency): the "API to add" of prompts/ledger/2-idempotency.md, one `// api` line per item.

// api: pub enum Request
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Request>;
};

// api Request: OpenAccount { account: AccountId }
const _: fn(u64) -> drill::Request = |account| drill::Request::OpenAccount { account };

// api Request: Deposit { account: AccountId, amount: Amount }
const _: fn(u64, u64) -> drill::Request = |account, amount| drill::Request::Deposit { account, amount };

// api Request: Withdraw { account: AccountId, amount: Amount }
const _: fn(u64, u64) -> drill::Request = |account, amount| drill::Request::Withdraw { account, amount };

// api Request: Transfer { from: AccountId, to: AccountId, amount: Amount }
const _: fn(u64, u64, u64) -> drill::Request =
    |from, to, amount| drill::Request::Transfer { from, to, amount };

// api LedgerError: IdempotencyConflict(String)
const _: fn(String) -> drill::LedgerError = drill::LedgerError::IdempotencyConflict;

// api Ledger: pub fn execute(&mut self, key: &str, request: Request) -> Result<TxId, LedgerError>
const _: fn(&mut drill::Ledger, &str, drill::Request) -> Result<drill::TxId, drill::LedgerError> =
    drill::Ledger::execute;
