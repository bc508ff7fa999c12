//! kv_store stage 4 (transactions): the "API to add" of prompts/kv_store/4-transactions.md, one `// api` line per item.

// api: pub struct NoTransaction
const _: drill::NoTransaction = drill::NoTransaction;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::fmt::Display + std::error::Error>() {}
    let _ = derives::<drill::NoTransaction>;
};

// api KvStore: pub fn begin(&mut self)
const _: fn(&mut drill::KvStore<u32, u32>) = drill::KvStore::begin;

// api KvStore: pub fn commit(&mut self) -> Result<(), NoTransaction>
const _: fn(&mut drill::KvStore<u32, u32>) -> Result<(), drill::NoTransaction> = drill::KvStore::commit;

// api KvStore: pub fn rollback(&mut self) -> Result<(), NoTransaction>
const _: fn(&mut drill::KvStore<u32, u32>) -> Result<(), drill::NoTransaction> = drill::KvStore::rollback;

// api KvStore: pub fn depth(&self) -> usize
const _: fn(&drill::KvStore<u32, u32>) -> usize = drill::KvStore::depth;
