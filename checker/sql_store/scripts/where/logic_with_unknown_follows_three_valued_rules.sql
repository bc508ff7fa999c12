-- AND, OR and NOT follow three-valued logic: NOT unknown is unknown; false AND anything is false;
-- true OR anything is true; otherwise an unknown operand makes the result unknown. Treating
-- unknown as false goes wrong as soon as a NOT is applied to it.

-- case: not_of_unknown_is_unknown
CREATE TABLE t (id INTEGER, v INTEGER, w TEXT);
INSERT INTO t VALUES (1, 1, 'x'), (2, NULL, 'x'), (3, NULL, 'y'), (4, 5, NULL);
-- Rows 2 and 3 compare NULL with 1: unknown, and NOT unknown is still unknown.
SELECT id FROM t WHERE NOT v = 1;
-- columns: id
-- row: 4
SELECT id FROM t WHERE NOT (v = NULL);
-- columns: id
-- (no rows)
SELECT id FROM t WHERE NOT (w != 'x');
-- columns: id
-- row: 1
-- row: 2

-- case: false_and_unknown_is_false
CREATE TABLE t (id INTEGER, v INTEGER, w TEXT);
INSERT INTO t VALUES (1, 1, 'x'), (2, NULL, 'x'), (3, NULL, 'y'), (4, 5, NULL);
-- Row 3: unknown AND false = false, so NOT gives true. Rows 2 and 4: unknown AND true = unknown.
SELECT id FROM t WHERE NOT (v > 0 AND w = 'x');
-- columns: id
-- row: 3
-- Every row has a false side, so NOT makes each one true.
SELECT id FROM t WHERE NOT (v = 1 AND w = 'z');
-- columns: id
-- row: 1
-- row: 2
-- row: 3
-- row: 4

-- case: true_or_unknown_is_true
CREATE TABLE t (id INTEGER, v INTEGER, w TEXT);
INSERT INTO t VALUES (1, 1, 'x'), (2, NULL, 'x'), (3, NULL, 'y'), (4, 5, NULL);
-- Row 2: unknown OR true = true. Row 3: unknown OR false = unknown. Row 4: true OR unknown = true.
SELECT id FROM t WHERE v > 0 OR w = 'x';
-- columns: id
-- row: 1
-- row: 2
-- row: 4
-- Row 1: false OR false = false, so NOT gives true. Rows 2 and 4: unknown, and NOT keeps it so.
SELECT id FROM t WHERE NOT (v < 0 OR w = 'y');
-- columns: id
-- row: 1

-- case: is_null_is_never_unknown
CREATE TABLE t (id INTEGER, v INTEGER, w TEXT);
INSERT INTO t VALUES (1, 1, 'x'), (2, NULL, 'x'), (3, NULL, 'y'), (4, 5, NULL);
SELECT id FROM t WHERE v IS NULL AND NOT w = 'y';
-- columns: id
-- row: 2
SELECT id FROM t WHERE NOT (v IS NULL OR w IS NULL);
-- columns: id
-- row: 1
