//! sql_store stage 4 (indexes): the "API to add" of prompts/sql_store/4-indexes.md, one `// api` line per item.

// api SqlError: IndexExists(String)
const _: fn(String) -> drill::SqlError = drill::SqlError::IndexExists;

// api SqlError: UniqueViolation { table: String, column: String }
const _: fn(String, String) -> drill::SqlError =
    |table, column| drill::SqlError::UniqueViolation { table, column };

// api SqlError: NullViolation { table: String, column: String }
const _: fn(String, String) -> drill::SqlError =
    |table, column| drill::SqlError::NullViolation { table, column };
