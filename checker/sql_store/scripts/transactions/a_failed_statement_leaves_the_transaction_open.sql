-- Inside a transaction a statement that fails changes nothing, as always, and the transaction
-- stays open: the changes made before it are still pending, and COMMIT or ROLLBACK decides them.

-- case: a_constraint_error_undoes_only_its_statement
CREATE TABLE u (id INTEGER PRIMARY KEY);
BEGIN;
INSERT INTO u VALUES (1);
INSERT INTO u VALUES (2), (1);
-- error: UniqueViolation
INSERT INTO u VALUES (3);
COMMIT;
SELECT id FROM u;
-- columns: id
-- row: 1
-- row: 3

-- case: an_unknown_table_inside
CREATE TABLE u (id INTEGER PRIMARY KEY);
BEGIN;
INSERT INTO u VALUES (4);
SELECT * FROM nope;
-- error: UnknownTable
INSERT INTO u VALUES (5);
ROLLBACK;
SELECT id FROM u;
-- columns: id
-- (no rows)

-- case: a_syntax_error_inside
CREATE TABLE u (id INTEGER PRIMARY KEY);
BEGIN;
INSERT INTO u VALUES (;
-- error: Syntax at 22
INSERT INTO u VALUES (6);
COMMIT;
SELECT id FROM u;
-- columns: id
-- row: 6

-- case: a_failed_update_inside_keeps_earlier_changes
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a'), (2, 'b');
BEGIN;
UPDATE u SET email = 'x' WHERE id = 1;
UPDATE u SET email = 'x' WHERE id = 2;
-- error: UniqueViolation
SELECT id, email FROM u;
-- columns: id, email
-- row: 1, 'x'
-- row: 2, 'b'
ROLLBACK;
SELECT id, email FROM u;
-- columns: id, email
-- row: 1, 'a'
-- row: 2, 'b'
