-- ROLLBACK ends the transaction and undoes every change made since BEGIN, newest first: rows
-- inserted are gone, rows deleted are back, rows updated have their old values.

-- case: rollback_undoes_insert_update_and_delete
CREATE TABLE t (id INTEGER, v TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
BEGIN;
INSERT INTO t VALUES (4, 'd');
UPDATE t SET v = 'z' WHERE id = 1;
DELETE FROM t WHERE id = 2;
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'z'
-- row: 3, 'c'
-- row: 4, 'd'
ROLLBACK;
-- ok
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'a'
-- row: 2, 'b'
-- row: 3, 'c'

-- case: several_changes_to_one_row
CREATE TABLE t (id INTEGER, v TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
BEGIN;
UPDATE t SET v = 'x' WHERE id = 1;
UPDATE t SET v = 'y' WHERE id = 1;
DELETE FROM t WHERE id = 1;
ROLLBACK;
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'a'
-- row: 2, 'b'

-- case: a_row_inserted_then_changed
CREATE TABLE t (id INTEGER, v TEXT);
INSERT INTO t VALUES (1, 'a');
BEGIN;
INSERT INTO t VALUES (9, 'n');
UPDATE t SET v = 'm' WHERE id = 9;
DELETE FROM t WHERE id = 9;
INSERT INTO t VALUES (9, 'again');
ROLLBACK;
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'a'

-- case: delete_everything_then_roll_back
CREATE TABLE t (id INTEGER, v TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
BEGIN;
DELETE FROM t;
-- affected: 3
SELECT id FROM t;
-- columns: id
-- (no rows)
ROLLBACK;
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'a'
-- row: 2, 'b'
-- row: 3, 'c'

-- case: rollback_touches_every_table
CREATE TABLE a (n INTEGER);
CREATE TABLE b (n INTEGER);
INSERT INTO a VALUES (1);
BEGIN;
INSERT INTO a VALUES (2);
INSERT INTO b VALUES (3);
UPDATE a SET n = n * 10;
ROLLBACK;
SELECT n FROM a;
-- columns: n
-- row: 1
SELECT n FROM b;
-- columns: n
-- (no rows)
