-- Outside a transaction every statement is committed as soon as it succeeds (autocommit): a
-- later ROLLBACK cannot undo it.

-- case: statements_outside_a_transaction_stick
CREATE TABLE t (n INTEGER);
INSERT INTO t VALUES (1);
ROLLBACK;
-- error: NoTransaction
SELECT n FROM t;
-- columns: n
-- row: 1

-- case: changes_before_begin_survive_a_rollback
CREATE TABLE t (n INTEGER);
INSERT INTO t VALUES (1);
BEGIN;
INSERT INTO t VALUES (2);
ROLLBACK;
SELECT n FROM t;
-- columns: n
-- row: 1

-- case: changes_after_commit_are_autocommitted
CREATE TABLE t (n INTEGER);
BEGIN;
INSERT INTO t VALUES (1);
COMMIT;
INSERT INTO t VALUES (2);
UPDATE t SET n = n + 10;
ROLLBACK;
-- error: NoTransaction
SELECT n FROM t;
-- columns: n
-- row: 11
-- row: 12
