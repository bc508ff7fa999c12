-- Transactions do not nest: BEGIN inside a transaction is NestedTransaction (and the open one
-- carries on). COMMIT or ROLLBACK with no transaction open is NoTransaction.

-- case: begin_twice
CREATE TABLE t (n INTEGER);
BEGIN;
INSERT INTO t VALUES (1);
BEGIN;
-- error: NestedTransaction
INSERT INTO t VALUES (2);
ROLLBACK;
-- ok
-- The first BEGIN's transaction was still open: both inserts are undone.
SELECT n FROM t;
-- columns: n
-- (no rows)

-- case: commit_without_begin
COMMIT;
-- error: NoTransaction

-- case: rollback_without_begin
ROLLBACK;
-- error: NoTransaction

-- case: commit_twice
BEGIN;
COMMIT;
COMMIT;
-- error: NoTransaction
ROLLBACK;
-- error: NoTransaction
