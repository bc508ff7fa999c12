//! kv_store stage 3 (compare_and_set): the "API to add" of prompts/kv_store/3-compare_and_set.md, one `// api` line per item.

// api: pub struct CasError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + PartialEq + Eq + std::fmt::Display + std::error::Error>() {}
    let _ = derives::<drill::CasError>;
};

// api CasError: pub current: Option<u64>
const _: fn(Option<u64>) -> drill::CasError = |current| drill::CasError { current };

// api KvStore: pub fn version(&self, key: &K) -> Option<u64>
const _: fn(&drill::KvStore<u32, u32>, &u32) -> Option<u64> = drill::KvStore::version;

// api KvStore: pub fn cas(&mut self, key: K, expected: Option<u64>, value: V) -> Result<u64, CasError>
const _: fn(&mut drill::KvStore<u32, u32>, u32, Option<u64>, u32) -> Result<u64, drill::CasError> =
    drill::KvStore::cas;

// api KvStore: pub fn delete_if(&mut self, key: &K, expected: u64) -> Result<V, CasError>
const _: fn(&mut drill::KvStore<u32, u32>, &u32, u64) -> Result<u32, drill::CasError> =
    drill::KvStore::delete_if;
