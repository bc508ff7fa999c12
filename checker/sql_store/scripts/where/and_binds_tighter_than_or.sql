-- Precedence, loosest first: OR, then AND, then NOT, then comparisons. So `a OR b AND c` means
-- `a OR (b AND c)`, `NOT x = 1 AND y = 1` means `(NOT (x = 1)) AND y = 1`, and parentheses
-- override. Reading AND and OR left to right at one level gives different rows below.

-- case: and_before_or
CREATE TABLE t (id INTEGER, x INTEGER, y INTEGER);
INSERT INTO t VALUES (1, 1, 0), (2, 0, 1), (3, 1, 1), (4, 0, 0);
-- x = 1 OR (x = 0 AND y = 1): rows 1 and 3 by the left side, row 2 by the right.
SELECT id FROM t WHERE x = 1 OR x = 0 AND y = 1;
-- columns: id
-- row: 1
-- row: 2
-- row: 3
-- y = 0 OR (x = 1 AND y = 1): rows 1 and 4 by the left side, row 3 by the right.
SELECT id FROM t WHERE y = 0 OR x = 1 AND y = 1;
-- columns: id
-- row: 1
-- row: 3
-- row: 4
-- (x = 0 AND y = 1) OR x = 1: the same rows whichever side AND is on.
SELECT id FROM t WHERE x = 0 AND y = 1 OR x = 1;
-- columns: id
-- row: 1
-- row: 2
-- row: 3

-- case: parentheses_override
CREATE TABLE t (id INTEGER, x INTEGER, y INTEGER);
INSERT INTO t VALUES (1, 1, 0), (2, 0, 1), (3, 1, 1), (4, 0, 0);
SELECT id FROM t WHERE (x = 1 OR x = 0) AND y = 1;
-- columns: id
-- row: 2
-- row: 3
SELECT id FROM t WHERE ((x = 1) AND ((y = 1) OR (id = 1)));
-- columns: id
-- row: 1
-- row: 3

-- case: not_binds_tighter_than_and
CREATE TABLE t (id INTEGER, x INTEGER, y INTEGER);
INSERT INTO t VALUES (1, 1, 0), (2, 0, 1), (3, 1, 1), (4, 0, 0);
-- (NOT x = 1) AND y = 1 keeps row 2 only; NOT (x = 1 AND y = 1) would keep 1, 2 and 4.
SELECT id FROM t WHERE NOT x = 1 AND y = 1;
-- columns: id
-- row: 2
SELECT id FROM t WHERE NOT (x = 1 AND y = 1);
-- columns: id
-- row: 1
-- row: 2
-- row: 4

-- case: not_binds_looser_than_a_comparison
CREATE TABLE t (id INTEGER, x INTEGER, y INTEGER);
INSERT INTO t VALUES (1, 1, 0), (2, 0, 1), (3, 1, 1), (4, 0, 0);
-- NOT x = y is NOT (x = y).
SELECT id FROM t WHERE NOT x = y;
-- columns: id
-- row: 1
-- row: 2
SELECT id FROM t WHERE NOT NOT x = 1;
-- columns: id
-- row: 1
-- row: 3

-- case: long_chains
CREATE TABLE t (id INTEGER, x INTEGER, y INTEGER);
INSERT INTO t VALUES (1, 1, 0), (2, 0, 1), (3, 1, 1), (4, 0, 0);
-- id = 1 OR id = 2 OR (id = 3 AND x = 0): row 3 has x = 1.
SELECT id FROM t WHERE id = 1 OR id = 2 OR id = 3 AND x = 0;
-- columns: id
-- row: 1
-- row: 2
-- (x = 1 AND y = 1 AND id = 3) OR id = 4
SELECT id FROM t WHERE x = 1 AND y = 1 AND id = 3 OR id = 4;
-- columns: id
-- row: 3
-- row: 4
SELECT id FROM t WHERE id = 4 OR x = 1 AND y = 0 OR id = 2 AND NOT y = 0;
-- columns: id
-- row: 1
-- row: 2
-- row: 4
