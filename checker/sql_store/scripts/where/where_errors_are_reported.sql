-- Errors in WHERE, ORDER BY and LIMIT: unknown columns; a comparison between an INTEGER and a
-- TEXT (no conversions; found from the column types before any row is read, so even on an empty
-- table); something that is not a condition used as one; and syntax errors, at their position.

-- case: an_unknown_column_in_where
CREATE TABLE t (a INTEGER, s TEXT);
SELECT a FROM t WHERE b = 1;
-- error: UnknownColumn

-- case: an_unknown_column_in_order_by
CREATE TABLE t (a INTEGER, s TEXT);
SELECT a FROM t ORDER BY b;
-- error: UnknownColumn

-- case: comparing_text_with_a_number
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'x');
SELECT a FROM t WHERE s = 1;
-- error: TypeMismatch
-- sqlite: skip SQLite compares values of different types (every number sorts before all text); our dialect refuses
SELECT a FROM t WHERE a < 'x';
-- error: TypeMismatch
-- sqlite: skip SQLite compares values of different types (every number sorts before all text); our dialect refuses

-- case: type_errors_are_found_before_any_row
CREATE TABLE t (a INTEGER, s TEXT);
SELECT a FROM t WHERE a = 1 OR s > 2;
-- error: TypeMismatch
-- sqlite: skip SQLite compares values of different types (every number sorts before all text); our dialect refuses

-- case: a_number_is_not_a_condition
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'x');
SELECT a FROM t WHERE a;
-- error: TypeMismatch
-- sqlite: skip SQLite treats a non-zero number as true; our dialect wants a condition

-- case: syntax_errors_in_a_select
CREATE TABLE t (a INTEGER, s TEXT);
SELECT a FROM t WHERE;
-- error: Syntax at 21
SELECT a FROM t WHERE a = ;
-- error: Syntax at 26
SELECT a FROM t WHERE (a = 1;
-- error: Syntax at 28
SELECT a FROM t WHERE a = 1);
-- error: Syntax at 27
SELECT a FROM t WHERE NOT;
-- error: Syntax at 25
SELECT a FROM t ORDER a;
-- error: Syntax at 22
SELECT a FROM t ORDER BY;
-- error: Syntax at 24
SELECT a FROM t LIMIT;
-- error: Syntax at 21
SELECT a FROM t LIMIT 1 ORDER BY a;
-- error: Syntax at 24
SELECT a FROM t WHERE a = 1 WHERE a = 2;
-- error: Syntax at 28
SELECT a FROM t WHERE a ! 1;
-- error: Syntax at 24
