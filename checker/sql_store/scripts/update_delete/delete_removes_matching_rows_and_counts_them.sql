-- DELETE FROM t [WHERE cond] removes the rows whose condition is true (every row without WHERE)
-- and returns how many it removed. A row whose condition is unknown stays.

-- case: delete_the_rows_matching_where
CREATE TABLE t (id INTEGER, tag TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL);
DELETE FROM t WHERE tag = 'a';
-- affected: 2
SELECT id FROM t;
-- columns: id
-- row: 2
-- row: 4

-- case: delete_every_row_then_insert_again
CREATE TABLE t (id INTEGER, tag TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL);
DELETE FROM t;
-- affected: 4
SELECT id FROM t;
-- columns: id
-- (no rows)
INSERT INTO t VALUES (5, 'e');
-- affected: 1
SELECT * FROM t;
-- columns: id, tag
-- row: 5, 'e'

-- case: an_unknown_condition_deletes_nothing
CREATE TABLE t (id INTEGER, tag TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL);
-- Row 4's tag is NULL: NULL != 'a' is unknown, so row 4 stays.
DELETE FROM t WHERE tag != 'a';
-- affected: 1
SELECT id FROM t;
-- columns: id
-- row: 1
-- row: 3
-- row: 4

-- case: nothing_matches
CREATE TABLE t (id INTEGER, tag TEXT);
INSERT INTO t VALUES (1, 'a');
DELETE FROM t WHERE id > 5;
-- affected: 0
DELETE FROM t WHERE tag = NULL;
-- affected: 0
SELECT id FROM t;
-- columns: id
-- row: 1

-- case: delete_with_not_and_is_null
CREATE TABLE t (id INTEGER, tag TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL);
DELETE FROM t WHERE NOT tag IS NULL AND id > 1;
-- affected: 2
SELECT id, tag FROM t;
-- columns: id, tag
-- row: 1, 'a'
-- row: 4, NULL

-- case: delete_twice
CREATE TABLE t (id INTEGER, tag TEXT);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
DELETE FROM t WHERE id = 1;
-- affected: 1
DELETE FROM t WHERE id = 1;
-- affected: 0
