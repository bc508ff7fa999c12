-- An overflow fails a statement only where it could decide a row. In `x AND y`, a side that is
-- false settles the AND as false and a side that is unknown leaves it unknown whatever the other
-- side gives, so an overflow in the other side is ignored; in `x OR y` a side that is true
-- settles it. Either way round: which side is written first does not matter. Anywhere else, an
-- overflow on any row the statement evaluates is `Overflow`, and the statement changes nothing.

-- case: and_settled_by_a_false_side
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (2, 9223372036854775807);
-- Row 2: `v + 1` overflows, but `id = 1` is false there, so the AND is false.
SELECT id FROM t WHERE v + 1 > 0 AND id = 1;
-- columns: id
-- row: 1
SELECT id FROM t WHERE id = 1 AND v + 1 > 0;
-- columns: id
-- row: 1
UPDATE t SET v = v + 1 WHERE v * 2 > 0 AND id < 2;
-- affected: 1
DELETE FROM t WHERE id <> 2 AND -v - 2 < 0;
-- affected: 1
SELECT id, v FROM t;
-- columns: id, v
-- row: 2, 9223372036854775807

-- case: and_settled_by_an_unknown_side
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (NULL, 9223372036854775807);
-- Row 2: `id = 1` is unknown there, so the AND is not true whatever `v + 1 > 0` would be.
SELECT v FROM t WHERE v + 1 > 0 AND id = 1;
-- columns: v
-- row: 1
SELECT v FROM t WHERE id = 1 AND v + 1 > 0;
-- columns: v
-- row: 1

-- case: or_settled_by_a_true_side
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (2, 9223372036854775807);
SELECT id FROM t WHERE v + 1 > 0 OR id > 0;
-- columns: id
-- row: 1
-- row: 2
SELECT id FROM t WHERE id > 0 OR v + 1 > 0;
-- columns: id
-- row: 1
-- row: 2

-- case: an_overflow_nothing_settles
-- sqlite: skip SQLite turns an overflowing integer into a REAL; our dialect reports Overflow
CREATE TABLE t (id INTEGER, v INTEGER);
INSERT INTO t VALUES (1, 1), (2, 9223372036854775807);
-- Row 2: the other side is false in an OR, or true in an AND: the overflow decides the row.
SELECT id FROM t WHERE v + 1 > 0 OR id = 7;
-- error: Overflow
SELECT id FROM t WHERE id = 7 OR v + 1 > 0;
-- error: Overflow
SELECT id FROM t WHERE v + 1 > 0 AND id = 2;
-- error: Overflow
SELECT id FROM t WHERE id > 0 AND v + 1 > 0;
-- error: Overflow
-- Under NOT the AND is still settled by its false side.
SELECT id FROM t WHERE NOT (v + 1 > 0 AND id = 1);
-- columns: id
-- row: 2
DELETE FROM t WHERE NOT v + 1 > 0;
-- error: Overflow
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 1
-- row: 2, 9223372036854775807
