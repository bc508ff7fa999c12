-- Which error wins in a SELECT: syntax first, then the table, then every column name in the
-- order written — the selected columns, then WHERE, then ORDER BY — and only then the types. A
-- statement naming an unknown column anywhere is UnknownColumn, even when a type error comes
-- earlier in the text.

-- case: an_unknown_order_by_column_beats_a_type_error_in_where
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'x');
SELECT a FROM t WHERE s = 1 ORDER BY nope;
-- error: UnknownColumn
SELECT a FROM t WHERE NOT s ORDER BY a, nope DESC;
-- error: UnknownColumn

-- case: an_unknown_column_later_in_where_beats_a_type_error
CREATE TABLE t (a INTEGER, s TEXT);
SELECT a FROM t WHERE s = 1 AND nope = 2;
-- error: UnknownColumn
SELECT a FROM t WHERE a = 'x' OR (s IS NULL AND a < nope);
-- error: UnknownColumn
SELECT nope FROM t WHERE s = 1;
-- error: UnknownColumn

-- case: the_type_error_alone
-- sqlite: skip SQLite compares values of different types; our dialect refuses
CREATE TABLE t (a INTEGER, s TEXT);
SELECT a FROM t WHERE s = 1 ORDER BY a;
-- error: TypeMismatch
