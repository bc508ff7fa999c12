-- Which error wins in an UPDATE or a DELETE: syntax, then the table, then every column name in
-- the order written (each SET column and its value, then WHERE), then the types, and only then
-- what the rows reveal (Overflow). So an unknown column anywhere beats a type error earlier in the
-- text, and a type error beats an overflow even on rows that would overflow.

-- case: an_unknown_column_in_where_beats_a_type_error_in_set
CREATE TABLE t (id INTEGER, a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 1, 'x');
UPDATE t SET a = 'x' WHERE nope = 1;
-- error: UnknownColumn
UPDATE t SET a = s + 1, nope = 2;
-- error: UnknownColumn
UPDATE t SET s = 1, a = nope;
-- error: UnknownColumn
DELETE FROM t WHERE s = 1 OR nope = 2;
-- error: UnknownColumn
SELECT id, a, s FROM t;
-- columns: id, a, s
-- row: 1, 1, 'x'

-- case: a_type_error_beats_an_overflow
-- sqlite: skip SQLite neither refuses mixed types nor overflows; our dialect does both
CREATE TABLE t (id INTEGER, a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 9223372036854775807, 'x');
UPDATE t SET a = a + 1, s = 2;
-- error: TypeMismatch
UPDATE t SET a = a + 1 WHERE s = 1;
-- error: TypeMismatch
UPDATE t SET a = a + 1;
-- error: Overflow
SELECT id, a, s FROM t;
-- columns: id, a, s
-- row: 1, 9223372036854775807, 'x'
