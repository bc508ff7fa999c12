-- A condition is a comparison, an IS [NOT] NULL, or conditions joined by AND, OR, NOT and
-- parentheses. A bare operand — a column, a number, a text, and NULL too — is not a condition,
-- and a condition is not an operand: parentheses make `(a = 1) = 1` parseable, but comparing or
-- testing a condition is a TypeMismatch, even against NULL. Found before any row is read, even
-- on an empty table.

-- case: null_is_not_a_condition
-- sqlite: skip SQLite treats NULL as an unknown condition; our dialect wants a condition
CREATE TABLE t (a INTEGER, s TEXT);
CREATE TABLE empty (a INTEGER);
INSERT INTO t VALUES (1, 'x'), (NULL, NULL);
SELECT a FROM t WHERE NULL;
-- error: TypeMismatch
SELECT a FROM t WHERE (NULL);
-- error: TypeMismatch
SELECT a FROM t WHERE NOT NULL;
-- error: TypeMismatch
SELECT a FROM t WHERE a = 1 AND NULL;
-- error: TypeMismatch
SELECT a FROM t WHERE NULL OR a = 1;
-- error: TypeMismatch
SELECT a FROM empty WHERE NULL;
-- error: TypeMismatch

-- case: a_condition_is_not_an_operand
-- sqlite: skip SQLite treats a condition as the number 0 or 1; our dialect keeps them apart
CREATE TABLE t (a INTEGER, s TEXT);
CREATE TABLE empty (a INTEGER);
INSERT INTO t VALUES (1, 'x'), (NULL, NULL);
SELECT a FROM t WHERE (a = 1) = (a = 1);
-- error: TypeMismatch
SELECT a FROM t WHERE (a = 1) IS NULL;
-- error: TypeMismatch
SELECT a FROM t WHERE (a IS NULL) IS NOT NULL;
-- error: TypeMismatch
SELECT a FROM t WHERE (a IS NULL) = 1;
-- error: TypeMismatch
SELECT a FROM t WHERE s < (a = 1);
-- error: TypeMismatch
SELECT a FROM empty WHERE (a = 1) IS NULL;
-- error: TypeMismatch
-- NULL fits an operand of either type, never a condition on the other side.
SELECT a FROM t WHERE (a = 1) = NULL;
-- error: TypeMismatch
SELECT a FROM t WHERE NULL <> (a IS NULL);
-- error: TypeMismatch
SELECT a FROM empty WHERE (NULL) < (a = 1);
-- error: TypeMismatch

-- case: operands_and_conditions_in_their_places
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'x'), (NULL, NULL);
-- An operand in parentheses is still an operand; a condition in parentheses still a condition.
SELECT s FROM t WHERE (a) IS NULL;
-- columns: s
-- row: NULL
SELECT s FROM t WHERE (NULL) IS NULL AND (a = 1);
-- columns: s
-- row: 'x'
SELECT s FROM t WHERE NULL = NULL OR (s) = 'x';
-- columns: s
-- row: 'x'
