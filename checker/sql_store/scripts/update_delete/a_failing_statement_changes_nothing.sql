-- A statement that fails changes nothing. Unknown names and type errors are found before any row
-- is touched; an error found while computing the new rows (an integer overflow in row 3) must
-- not leave rows 1 and 2 changed: compute every new row first, then write.

-- case: unknown_names
CREATE TABLE t (id INTEGER, n INTEGER, s TEXT);
INSERT INTO t VALUES (1, 1, 'a');
UPDATE nope SET n = 1;
-- error: UnknownTable
DELETE FROM nope;
-- error: UnknownTable
UPDATE t SET nope = 1;
-- error: UnknownColumn
UPDATE t SET n = nope + 1;
-- error: UnknownColumn
UPDATE t SET n = 2 WHERE nope = 2;
-- error: UnknownColumn
DELETE FROM t WHERE nope = 2;
-- error: UnknownColumn
SELECT * FROM t;
-- columns: id, n, s
-- row: 1, 1, 'a'

-- case: type_errors
CREATE TABLE t (id INTEGER, n INTEGER, s TEXT);
INSERT INTO t VALUES (1, 1, 'a');
UPDATE t SET n = 'x';
-- error: TypeMismatch
-- sqlite: skip SQLite's type affinity stores any value in any column; ours hold only their declared type
UPDATE t SET s = s + 1;
-- error: TypeMismatch
-- sqlite: skip SQLite does arithmetic on text by reading a number from it; our dialect refuses
DELETE FROM t WHERE s - 1 = 0;
-- error: TypeMismatch
-- sqlite: skip SQLite does arithmetic on text by reading a number from it; our dialect refuses
SELECT * FROM t;
-- columns: id, n, s
-- row: 1, 1, 'a'

-- case: an_overflow_in_a_later_row_undoes_the_earlier_ones
-- sqlite: skip SQLite turns an integer that overflows into a REAL instead of failing; our dialect has no REAL
CREATE TABLE t (id INTEGER, n INTEGER, s TEXT);
INSERT INTO t VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 9223372036854775807, 'c'), (4, 4, 'd');
UPDATE t SET n = n + 1;
-- error: Overflow
SELECT id, n FROM t;
-- columns: id, n
-- row: 1, 1
-- row: 2, 2
-- row: 3, 9223372036854775807
-- row: 4, 4
UPDATE t SET n = n * 2, s = 'changed' WHERE id >= 2;
-- error: Overflow
SELECT s FROM t;
-- columns: s
-- row: 'a'
-- row: 'b'
-- row: 'c'
-- row: 'd'
UPDATE t SET n = -9223372036854775808 WHERE id = 4;
-- affected: 1
UPDATE t SET n = -n WHERE id > 2;
-- The smallest i64 has no positive counterpart.
-- error: Overflow
SELECT n FROM t WHERE id = 4;
-- columns: n
-- row: -9223372036854775808

-- case: syntax_errors_in_update_and_delete
CREATE TABLE t (id INTEGER, n INTEGER, s TEXT);
INSERT INTO t VALUES (1, 1, 'a');
UPDATE t SET n;
-- error: Syntax at 14
UPDATE t SET n = 1 WHERE;
-- error: Syntax at 24
UPDATE t SET = 1;
-- error: Syntax at 13
UPDATE t SET n = 1,;
-- error: Syntax at 19
DELETE t WHERE id = 1;
-- error: Syntax at 7
DELETE FROM t WHERE;
-- error: Syntax at 19
UPDATE t SET n = 1 +;
-- error: Syntax at 20
UPDATE t SET n = (1 + 2;
-- error: Syntax at 23
SELECT * FROM t;
-- columns: id, n, s
-- row: 1, 1, 'a'
