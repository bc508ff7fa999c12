-- An item of VALUES is a value and nothing else: an integer (a `-` may stand before it, spaces
-- allowed), a quoted text or NULL. Arithmetic, parentheses, comparisons and column names are
-- not values, so the syntax error points at the first token that cannot belong to a value (the
-- `+`, the inner `(`, the column name), and the table is left as it was.

-- case: values_of_every_kind_are_accepted
CREATE TABLE t (a INTEGER, s TEXT);
-- A minus with spaces after it still belongs to the literal.
INSERT INTO t VALUES (-5, 'x'), (- 6, NULL), (NULL, '1 + 2');
-- affected: 3
SELECT a, s FROM t;
-- columns: a, s
-- row: -5, 'x'
-- row: -6, NULL
-- row: NULL, '1 + 2'

-- case: an_expression_is_not_a_value
-- sqlite: skip SQLite takes any expression in VALUES; our dialect takes values only
CREATE TABLE t (a INTEGER, s TEXT);
-- After the value `1`, a `+` can neither continue it nor end the row.
INSERT INTO t VALUES (1 + 2, 'x');
-- error: Syntax at 24
-- The same after a valid first row: still the whole statement is refused.
INSERT INTO t VALUES (7, 'y'), (3 * 4, 'x');
-- error: Syntax at 34
INSERT INTO t VALUES (1 = 1, 'x');
-- error: Syntax at 24
-- Parentheses around a value: the inner `(` starts no value.
INSERT INTO t VALUES ((1), 'x');
-- error: Syntax at 22
SELECT a, s FROM t;
-- columns: a, s
-- (no rows)

-- case: a_column_name_is_not_a_value
-- sqlite: skip SQLite reports no such column; our dialect takes values only, so it is a syntax error
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (a, 'x');
-- error: Syntax at 22
INSERT INTO t (s, a) VALUES ('x', a);
-- error: Syntax at 34
SELECT a, s FROM t;
-- columns: a, s
-- (no rows)

-- case: a_minus_needs_a_number_after_it
-- sqlite: skip SQLite negates any expression; our dialect takes a minus only before a number
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (-a, 'x');
-- error: Syntax at 23
INSERT INTO t VALUES (-NULL, 'x');
-- error: Syntax at 23
INSERT INTO t VALUES (1, -'x');
-- error: Syntax at 26
INSERT INTO t VALUES (- -1, 'x');
-- error: Syntax at 24
SELECT a, s FROM t;
-- columns: a, s
-- (no rows)
