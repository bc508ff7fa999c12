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
