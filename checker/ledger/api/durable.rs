//! ledger stage 6 (durable): the "API to add" of prompts/ledger/6-durable.md, one `// api` line per item.

// api: pub trait LogStorage
struct Log;
impl drill::LogStorage for Log {
    // api LogStorage: fn read(&mut self) -> std::io::Result<Vec<u8>>
    fn read(&mut self) -> std::io::Result<Vec<u8>> {
        Ok(Vec::new())
    }
    // api LogStorage: fn append(&mut self, bytes: &[u8]) -> std::io::Result<()>
    fn append(&mut self, _: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
    // api LogStorage: fn truncate(&mut self, len: u64) -> std::io::Result<()>
    fn truncate(&mut self, _: u64) -> std::io::Result<()> {
        Ok(())
    }
    // api LogStorage: fn sync(&mut self) -> std::io::Result<()>
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// api: pub struct DurableLedger
const _: fn(drill::DurableLedger) = drop;

// api DurableLedger: pub fn open(dir: impl AsRef<std::path::Path>) -> std::io::Result<DurableLedger>
const _: fn(std::path::PathBuf) -> std::io::Result<drill::DurableLedger> = drill::DurableLedger::open;

// api DurableLedger: pub fn open_with(log: Box<dyn LogStorage>) -> std::io::Result<DurableLedger>
const _: fn(Box<dyn drill::LogStorage>) -> std::io::Result<drill::DurableLedger> =
    drill::DurableLedger::open_with;

// api DurableLedger: pub fn execute(&mut self, key: &str, request: Request) -> std::io::Result<Result<TxId, LedgerError>>
const _: fn(&mut drill::DurableLedger, &str, drill::Request) -> std::io::Result<Result<drill::TxId, drill::LedgerError>> =
    drill::DurableLedger::execute;

// api DurableLedger: pub fn ledger(&self) -> &Ledger
const _: for<'a> fn(&'a drill::DurableLedger) -> &'a drill::Ledger = drill::DurableLedger::ledger;
