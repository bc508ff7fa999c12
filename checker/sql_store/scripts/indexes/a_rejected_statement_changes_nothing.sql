-- A constraint is judged on the table as the whole statement would leave it. A statement that
-- breaks one is rejected entirely: no row of a multi-row INSERT or UPDATE is applied, and the
-- indexes are untouched too.

-- case: a_duplicate_within_one_insert
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a'), (2, 'b'), (3, 'a');
-- error: UniqueViolation
SELECT id FROM u;
-- columns: id
-- (no rows)
SELECT id FROM u WHERE email = 'a';
-- columns: id
-- (no rows)

-- case: a_clash_with_an_existing_row_late_in_an_insert
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a');
INSERT INTO u VALUES (2, 'b'), (3, 'c'), (4, 'a');
-- error: UniqueViolation
SELECT id FROM u;
-- columns: id
-- row: 1
SELECT id FROM u WHERE id = 2;
-- columns: id
-- (no rows)
-- Row 2 was never stored, so its key and its email are free.
INSERT INTO u VALUES (2, 'b');
-- affected: 1

-- case: a_null_late_in_an_insert
CREATE TABLE n (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO n VALUES (1, 'a'), (2, 'b'), (3, NULL);
-- error: NullViolation
SELECT id FROM n;
-- columns: id
-- (no rows)

-- case: an_update_clashing_in_a_later_row
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a'), (2, 'b'), (3, 'c');
UPDATE u SET email = 'c' WHERE id < 3;
-- error: UniqueViolation
SELECT id, email FROM u;
-- columns: id, email
-- row: 1, 'a'
-- row: 2, 'b'
-- row: 3, 'c'
SELECT id FROM u WHERE email = 'c';
-- columns: id
-- row: 3

-- case: two_rows_updated_to_one_value
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a'), (2, 'b'), (3, 'c');
UPDATE u SET email = 'z' WHERE id >= 2;
-- error: UniqueViolation
SELECT email FROM u WHERE id = 2;
-- columns: email
-- row: 'b'

-- case: the_table_the_statement_leaves_is_what_counts
-- sqlite: skip SQLite checks UNIQUE row by row during an UPDATE, so whether shifting every key by one fails depends on the order it visits rows; our dialect judges the table the statement leaves
CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a'), (2, 'b'), (3, 'c');
UPDATE u SET id = id + 1;
-- affected: 3
SELECT id, email FROM u;
-- columns: id, email
-- row: 2, 'a'
-- row: 3, 'b'
-- row: 4, 'c'
UPDATE u SET id = id - 1;
-- affected: 3
SELECT id FROM u WHERE id = 1;
-- columns: id
-- row: 1
