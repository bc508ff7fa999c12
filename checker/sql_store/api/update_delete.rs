//! sql_store stage 3 (update_delete): the "API to add" of prompts/sql_store/3-update_delete.md, one `// api` line per item.

// api SqlError: Overflow
const _: drill::SqlError = drill::SqlError::Overflow;
