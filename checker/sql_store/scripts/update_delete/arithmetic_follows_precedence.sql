-- Integer arithmetic: + - * and unary minus. * binds tighter than + and -, which are left
-- associative (10 - a - b is (10 - a) - b); unary minus binds tightest; parentheses override.
-- Arithmetic binds tighter than comparisons. NULL in any operand gives NULL.

-- case: multiplication_before_addition
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES (2, 3), (4, 1), (0, 7);
-- a + (b * 2) = 8 holds for (2, 3) only.
SELECT a FROM t WHERE a + b * 2 = 8;
-- columns: a
-- row: 2
SELECT a FROM t WHERE (a + b) * 2 = 10;
-- columns: a
-- row: 2
-- row: 4

-- case: subtraction_is_left_associative
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES (2, 3), (4, 1), (0, 7);
-- (10 - a) - b: 5, 5, 3. Read as 10 - (a - b) it would be 11, 7, 17.
SELECT a FROM t WHERE 10 - a - b = 5;
-- columns: a
-- row: 2
-- row: 4

-- case: unary_minus
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES (2, 3), (4, 1), (0, 7);
SELECT a FROM t WHERE -a < -1;
-- columns: a
-- row: 2
-- row: 4
SELECT a FROM t WHERE -a * b = -6;
-- columns: a
-- row: 2
SELECT a FROM t WHERE a - -b = 7;
-- columns: a
-- row: 0

-- case: arithmetic_in_set
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES (2, 3), (4, 1);
UPDATE t SET a = -a + b * 3 WHERE b = 3;
UPDATE t SET a = (a - 1) * -2 WHERE b = 1;
SELECT a, b FROM t;
-- columns: a, b
-- row: 7, 3
-- row: -6, 1

-- case: null_in_arithmetic_is_null
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES (NULL, 1), (2, 2);
SELECT b FROM t WHERE a + 1 IS NULL;
-- columns: b
-- row: 1
SELECT b FROM t WHERE a * 0 = 0;
-- columns: b
-- row: 2
SELECT b FROM t WHERE -a IS NOT NULL;
-- columns: b
-- row: 2
