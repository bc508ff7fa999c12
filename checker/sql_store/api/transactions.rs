//! sql_store stage 5 (transactions): the "API to add" of prompts/sql_store/5-transactions.md, one `// api` line per item.

// api SqlError: NestedTransaction
const _: drill::SqlError = drill::SqlError::NestedTransaction;

// api SqlError: NoTransaction
const _: drill::SqlError = drill::SqlError::NoTransaction;
