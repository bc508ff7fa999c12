-- One UPDATE may assign the same column more than once; the last assignment wins, and every
-- assignment still reads the row as it was before the statement.

-- case: the_last_assignment_wins
CREATE TABLE t (id INTEGER, a INTEGER, b INTEGER);
INSERT INTO t VALUES (1, 10, 20), (2, 30, 40);
UPDATE t SET a = 1, a = 2;
-- affected: 2
SELECT id, a FROM t;
-- columns: id, a
-- row: 1, 2
-- row: 2, 2
-- Both read the old row: the second `a` sees a = 2, not the 0 the first one computed.
UPDATE t SET a = a - 2, b = a, a = a + b WHERE id = 1;
-- affected: 1
SELECT id, a, b FROM t;
-- columns: id, a, b
-- row: 1, 22, 2
-- row: 2, 2, 40

-- case: a_later_null_wins_too
CREATE TABLE t (id INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'x');
UPDATE t SET s = 'y', S = NULL;
-- affected: 1
SELECT s FROM t;
-- columns: s
-- row: NULL
UPDATE t SET s = NULL, s = 'z';
-- affected: 1
SELECT s FROM t;
-- columns: s
-- row: 'z'
