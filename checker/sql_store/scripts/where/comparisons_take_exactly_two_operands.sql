-- A comparison has exactly two operands. After `a = b` (or `a IS NULL`) a condition can only go
-- on with AND, OR, a closing parenthesis or the next clause, so a second comparison operator or a
-- second IS is a syntax error at that operator.

-- case: chained_comparisons
CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER);
INSERT INTO t VALUES (1, 1, 1), (1, 2, 3);
SELECT a FROM t WHERE a = b = c;
-- error: Syntax at 28
-- sqlite: skip SQLite chains comparisons ((a = b) = c); our grammar allows two operands
SELECT a FROM t WHERE a < b < c;
-- error: Syntax at 28
-- sqlite: skip SQLite chains comparisons; our grammar allows two operands
SELECT a FROM t WHERE a = 1 <> 0;
-- error: Syntax at 28
-- sqlite: skip SQLite chains comparisons; our grammar allows two operands
-- Next to it: the same three columns joined with AND are fine.
SELECT b FROM t WHERE a = b AND b = c;
-- columns: b
-- row: 1

-- case: is_null_with_another_comparison
CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER);
INSERT INTO t VALUES (1, NULL, 1);
SELECT a FROM t WHERE a < b IS NULL;
-- error: Syntax at 28
-- sqlite: skip SQLite applies IS NULL to the comparison; our grammar allows two operands
SELECT a FROM t WHERE b IS NULL = 1;
-- error: Syntax at 32
-- sqlite: skip SQLite compares the IS NULL result; our grammar allows two operands
SELECT a FROM t WHERE b IS NULL IS NOT NULL;
-- error: Syntax at 32
-- sqlite: skip SQLite chains IS; our grammar allows two operands
SELECT a FROM t WHERE b IS NULL AND a = 1;
-- columns: a
-- row: 1
