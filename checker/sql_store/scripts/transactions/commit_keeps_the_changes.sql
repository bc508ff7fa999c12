-- BEGIN [TRANSACTION] opens a transaction; COMMIT [TRANSACTION] ends it and keeps its changes.
-- Inside, every statement sees the transaction's own changes.

-- case: commit_keeps_inserts_updates_and_deletes
CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
BEGIN;
-- ok
INSERT INTO t VALUES (3, 'c');
-- affected: 1
UPDATE t SET v = 'z' WHERE id = 1;
-- affected: 1
DELETE FROM t WHERE id = 2;
-- affected: 1
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'z'
-- row: 3, 'c'
COMMIT;
-- ok
SELECT id, v FROM t;
-- columns: id, v
-- row: 1, 'z'
-- row: 3, 'c'

-- case: the_optional_transaction_keyword
CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
BEGIN TRANSACTION;
-- ok
INSERT INTO t VALUES (1, 'a');
COMMIT TRANSACTION;
-- ok
begin transaction;
INSERT INTO t VALUES (2, 'b');
rollback transaction;
-- ok
SELECT id FROM t;
-- columns: id
-- row: 1

-- case: one_transaction_after_another
CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
BEGIN;
INSERT INTO t VALUES (1, 'a');
COMMIT;
BEGIN;
INSERT INTO t VALUES (2, 'b');
ROLLBACK;
BEGIN;
INSERT INTO t VALUES (3, 'c');
COMMIT;
SELECT id FROM t;
-- columns: id
-- row: 1
-- row: 3

-- case: an_empty_transaction
CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
BEGIN;
COMMIT;
-- ok
BEGIN;
ROLLBACK;
-- ok
