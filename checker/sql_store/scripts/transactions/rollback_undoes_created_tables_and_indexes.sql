-- CREATE TABLE and CREATE INDEX inside a transaction are undone by ROLLBACK like any change:
-- the table or index is gone and its name is free again.

-- case: a_table_created_then_rolled_back
BEGIN;
CREATE TABLE t (a INTEGER);
INSERT INTO t VALUES (1);
ROLLBACK;
SELECT * FROM t;
-- error: UnknownTable
CREATE TABLE t (b TEXT);
-- ok
SELECT * FROM t;
-- columns: b
-- (no rows)

-- case: an_index_created_then_rolled_back
CREATE TABLE t (a INTEGER);
INSERT INTO t VALUES (1), (2);
BEGIN;
CREATE INDEX t_a ON t (a);
INSERT INTO t VALUES (3);
ROLLBACK;
CREATE INDEX t_a ON t (a);
-- ok
SELECT a FROM t WHERE a = 2;
-- columns: a
-- row: 2
SELECT a FROM t WHERE a = 3;
-- columns: a
-- (no rows)

-- case: a_committed_table_stays
BEGIN;
CREATE TABLE t (a INTEGER);
COMMIT;
INSERT INTO t VALUES (1);
-- affected: 1
