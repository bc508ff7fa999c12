-- A comparison with NULL, on either side, is neither true nor false: it is unknown, and WHERE
-- keeps only rows whose condition is true. `= NULL` therefore matches nothing, not even NULL;
-- IS NULL and IS NOT NULL are the tests for NULL, and they are always true or false.

-- case: equals_null_matches_nothing
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (2, NULL), (3, 3);
SELECT id FROM t WHERE v = NULL;
-- columns: id
-- (no rows)
SELECT id FROM t WHERE v != NULL;
-- columns: id
-- (no rows)
SELECT id FROM t WHERE NULL = NULL;
-- columns: id
-- (no rows)
SELECT id FROM t WHERE NULL < 1;
-- columns: id
-- (no rows)

-- case: a_null_cell_fails_every_comparison
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (2, NULL), (3, 3);
SELECT id FROM t WHERE v < 10;
-- columns: id
-- row: 1
-- row: 3
SELECT id FROM t WHERE v >= 0;
-- columns: id
-- row: 1
-- row: 3
-- NULL != 1 is unknown, not true.
SELECT id FROM t WHERE v != 1;
-- columns: id
-- row: 3

-- case: is_null_and_is_not_null
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (2, NULL), (3, 3);
SELECT id FROM t WHERE v IS NULL;
-- columns: id
-- row: 2
SELECT id FROM t WHERE v IS NOT NULL;
-- columns: id
-- row: 1
-- row: 3
SELECT id FROM t WHERE NULL IS NULL;
-- columns: id
-- row: 1
-- row: 2
-- row: 3
SELECT id FROM t WHERE id IS NULL;
-- columns: id
-- (no rows)

-- case: text_nulls_too
CREATE TABLE s (id INTEGER, name TEXT);
INSERT INTO s VALUES (1, 'a'), (2, NULL), (3, '');
SELECT id FROM s WHERE name <> 'a';
-- The empty string is a value; NULL is not.
-- columns: id
-- row: 3
SELECT id FROM s WHERE name IS NULL;
-- columns: id
-- row: 2
