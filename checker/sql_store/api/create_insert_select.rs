//! sql_store stage 1 (create_insert_select): the stub's API as prompts/sql_store/1-create_insert_select.md spells it, one `// api` line per item.

// api: pub enum Value { Null, Integer(i64), Text(String) }
const _: fn(drill::Value) -> u8 = |v| match v {
    drill::Value::Null => 0,
    drill::Value::Integer(_) => 1,
    drill::Value::Text(_) => 2,
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::Value>;
};

// api: pub enum QueryResult
const _: fn(drill::QueryResult) -> u8 = |r| match r {
    drill::QueryResult::Rows { columns: _, rows: _ } => 0,
    drill::QueryResult::Affected(_) => 1,
    drill::QueryResult::Done => 2,
};
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::QueryResult>;
};

// api QueryResult: Rows { columns: Vec<String>, rows: Vec<Vec<Value>> }
const _: fn(Vec<String>, Vec<Vec<drill::Value>>) -> drill::QueryResult =
    |columns, rows| drill::QueryResult::Rows { columns, rows };

// api QueryResult: Affected(usize)
const _: fn(usize) -> drill::QueryResult = drill::QueryResult::Affected;

// api: pub enum SqlError
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + PartialEq + Eq>() {}
    let _ = derives::<drill::SqlError>;
};

// api SqlError: Syntax { position: usize, message: String }
const _: fn(usize, String) -> drill::SqlError =
    |position, message| drill::SqlError::Syntax { position, message };

// api SqlError: UnknownTable(String)
const _: fn(String) -> drill::SqlError = drill::SqlError::UnknownTable;

// api SqlError: TableExists(String)
const _: fn(String) -> drill::SqlError = drill::SqlError::TableExists;

// api SqlError: UnknownColumn(String)
const _: fn(String) -> drill::SqlError = drill::SqlError::UnknownColumn;

// api SqlError: DuplicateColumn(String)
const _: fn(String) -> drill::SqlError = drill::SqlError::DuplicateColumn;

// api SqlError: Arity { expected: usize, found: usize }
const _: fn(usize, usize) -> drill::SqlError =
    |expected, found| drill::SqlError::Arity { expected, found };

// api SqlError: TypeMismatch(String)
const _: fn(String) -> drill::SqlError = drill::SqlError::TypeMismatch;

// api: impl std::fmt::Display for SqlError
const _: () = {
    fn display<T: std::fmt::Display>() {}
    let _ = display::<drill::SqlError>;
};

// api: impl std::error::Error for SqlError {}
const _: () = {
    fn error<T: std::error::Error>() {}
    let _ = error::<drill::SqlError>;
};

// api Database: pub fn new() -> Self
const _: fn() -> drill::Database = drill::Database::new;

// api Database: pub fn execute(&mut self, sql: &str) -> Result<QueryResult, SqlError>
const _: fn(&mut drill::Database, &str) -> Result<drill::QueryResult, drill::SqlError> =
    drill::Database::execute;
