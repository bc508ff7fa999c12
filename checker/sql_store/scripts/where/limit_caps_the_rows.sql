-- LIMIT n returns at most n rows, counted after WHERE and after ORDER BY. LIMIT 0 returns none;
-- a limit above the row count returns them all.

-- case: limit_after_order
CREATE TABLE t (v INTEGER);
INSERT INTO t VALUES (5), (1), (4), (2), (3);
SELECT v FROM t ORDER BY v LIMIT 2;
-- columns: v
-- row: 1
-- row: 2
SELECT v FROM t ORDER BY v DESC LIMIT 3;
-- columns: v
-- row: 5
-- row: 4
-- row: 3

-- case: limit_zero
CREATE TABLE t (v INTEGER);
INSERT INTO t VALUES (5), (1), (4);
SELECT v FROM t LIMIT 0;
-- columns: v
-- (no rows)
SELECT v FROM t ORDER BY v LIMIT 0;
-- columns: v
-- (no rows)

-- case: limit_above_the_row_count
CREATE TABLE t (v INTEGER);
INSERT INTO t VALUES (5), (1), (4);
SELECT v FROM t ORDER BY v LIMIT 100;
-- columns: v
-- row: 1
-- row: 4
-- row: 5
SELECT v FROM t LIMIT 3;
-- columns: v
-- row: 5
-- row: 1
-- row: 4

-- case: limit_counts_after_where
CREATE TABLE t (v INTEGER);
INSERT INTO t VALUES (5), (1), (4), (2), (3);
SELECT v FROM t WHERE v > 1 ORDER BY v LIMIT 2;
-- columns: v
-- row: 2
-- row: 3
SELECT v FROM t WHERE v > 3 ORDER BY v DESC LIMIT 1;
-- columns: v
-- row: 5

-- case: limit_without_order_by
-- Without ORDER BY which rows come first is unspecified, so these rows are alike where it matters:
-- any n of them is the same answer, and exactly n must come back.
CREATE TABLE t (a INTEGER, b TEXT);
INSERT INTO t VALUES (1, 'x'), (1, 'x'), (1, 'x'), (1, 'x'), (2, 'y');
SELECT a FROM t WHERE b = 'x' LIMIT 2;
-- columns: a
-- row: 1
-- row: 1
SELECT a FROM t WHERE a = 1 LIMIT 1;
-- columns: a
-- row: 1
SELECT b FROM t WHERE a < 2 LIMIT 3;
-- columns: b
-- row: 'x'
-- row: 'x'
-- row: 'x'
