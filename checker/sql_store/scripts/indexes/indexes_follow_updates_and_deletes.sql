-- An index answers exactly as a full scan would, whatever happened since it was built: an
-- UPDATE moves a row to its new value's entry, a DELETE removes its entry.

-- case: an_update_moves_the_row
CREATE TABLE t (id INTEGER, k INTEGER);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 10);
CREATE INDEX t_k ON t (k);
UPDATE t SET k = 30 WHERE id = 1;
-- affected: 1
SELECT id FROM t WHERE k = 10;
-- columns: id
-- row: 3
SELECT id FROM t WHERE k = 30;
-- columns: id
-- row: 1

-- case: an_update_found_through_the_index
CREATE TABLE t (id INTEGER, k INTEGER);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 10);
CREATE INDEX t_k ON t (k);
UPDATE t SET k = 11 WHERE k = 10;
-- affected: 2
SELECT id FROM t WHERE k = 10;
-- columns: id
-- (no rows)
SELECT id FROM t WHERE k = 11;
-- columns: id
-- row: 1
-- row: 3
UPDATE t SET k = k + 1 WHERE k = 11;
-- affected: 2
SELECT id FROM t WHERE k = 12;
-- columns: id
-- row: 1
-- row: 3

-- case: to_null_and_back
CREATE TABLE t (id INTEGER, k INTEGER);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 10);
CREATE INDEX t_k ON t (k);
UPDATE t SET k = NULL WHERE id = 2;
SELECT id FROM t WHERE k = 20;
-- columns: id
-- (no rows)
SELECT id FROM t WHERE k IS NULL;
-- columns: id
-- row: 2
UPDATE t SET k = 20 WHERE id = 2;
SELECT id FROM t WHERE k = 20;
-- columns: id
-- row: 2

-- case: changing_another_column_keeps_the_entry
CREATE TABLE t (id INTEGER, k INTEGER, note TEXT);
INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b');
CREATE INDEX t_k ON t (k);
UPDATE t SET note = 'changed' WHERE k = 10;
SELECT id, note FROM t WHERE k = 10;
-- columns: id, note
-- row: 1, 'changed'

-- case: a_delete_removes_the_entry
CREATE TABLE t (id INTEGER, k INTEGER);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 10);
CREATE INDEX t_k ON t (k);
DELETE FROM t WHERE id = 1;
-- affected: 1
SELECT id FROM t WHERE k = 10;
-- columns: id
-- row: 3
DELETE FROM t WHERE k = 10;
-- affected: 1
SELECT id FROM t WHERE k = 10;
-- columns: id
-- (no rows)
INSERT INTO t VALUES (4, 10);
SELECT id FROM t WHERE k = 10;
-- columns: id
-- row: 4

-- case: an_indexed_text_column_updated
CREATE TABLE t (id INTEGER, name TEXT);
INSERT INTO t VALUES (1, 'ann'), (2, 'bo');
CREATE INDEX t_name ON t (name);
UPDATE t SET name = 'bo' WHERE name = 'ann';
SELECT id FROM t WHERE name = 'bo';
-- columns: id
-- row: 1
-- row: 2
SELECT id FROM t WHERE name = 'ann';
-- columns: id
-- (no rows)
