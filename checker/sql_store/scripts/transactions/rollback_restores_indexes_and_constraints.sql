-- After ROLLBACK every index and every UNIQUE / PRIMARY KEY column is as it was at BEGIN: a
-- lookup finds exactly the old rows, a value the transaction freed is taken again, and a value
-- it took is free again.

-- case: index_lookups_after_rollback
CREATE TABLE t (id INTEGER, k INTEGER);
INSERT INTO t VALUES (1, 10), (2, 20);
CREATE INDEX t_k ON t (k);
BEGIN;
UPDATE t SET k = 99 WHERE id = 1;
DELETE FROM t WHERE id = 2;
INSERT INTO t VALUES (3, 10);
ROLLBACK;
SELECT id FROM t WHERE k = 10;
-- columns: id
-- row: 1
SELECT id FROM t WHERE k = 99;
-- columns: id
-- (no rows)
SELECT id FROM t WHERE k = 20;
-- columns: id
-- row: 2

-- case: an_update_through_the_index_rolled_back
CREATE TABLE t (id INTEGER, k INTEGER);
INSERT INTO t VALUES (1, 10), (2, 10), (3, 30);
CREATE INDEX t_k ON t (k);
BEGIN;
UPDATE t SET k = k + 1 WHERE k = 10;
-- affected: 2
UPDATE t SET k = k + 1 WHERE k = 11;
-- affected: 2
ROLLBACK;
SELECT id FROM t WHERE k = 10;
-- columns: id
-- row: 1
-- row: 2
SELECT id FROM t WHERE k = 12;
-- columns: id
-- (no rows)

-- case: a_value_freed_in_a_rolled_back_transaction_is_taken_again
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a');
BEGIN;
DELETE FROM u WHERE id = 1;
INSERT INTO u VALUES (2, 'a');
-- affected: 1
ROLLBACK;
INSERT INTO u VALUES (3, 'a');
-- error: UniqueViolation
INSERT INTO u VALUES (1, 'b');
-- error: UniqueViolation
INSERT INTO u VALUES (2, 'b');
-- affected: 1
SELECT id, email FROM u;
-- columns: id, email
-- row: 1, 'a'
-- row: 2, 'b'

-- case: a_value_taken_in_a_rolled_back_transaction_is_free_again
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a');
BEGIN;
UPDATE u SET email = 'q', id = 7 WHERE id = 1;
ROLLBACK;
INSERT INTO u VALUES (7, 'q');
-- affected: 1
SELECT id FROM u WHERE email = 'a';
-- columns: id
-- row: 1
SELECT email FROM u WHERE id = 7;
-- columns: email
-- row: 'q'
