-- PRIMARY KEY means UNIQUE and NOT NULL, with an index of its own: lookups by key are fast
-- without a CREATE INDEX. A table has at most one PRIMARY KEY column.

-- case: a_duplicate_key_is_rejected
CREATE TABLE k (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO k VALUES (1, 'a'), (2, 'b');
INSERT INTO k VALUES (2, 'c');
-- error: UniqueViolation
SELECT name FROM k WHERE id = 2;
-- columns: name
-- row: 'b'

-- case: lookups_by_key
CREATE TABLE k (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO k VALUES (5, 'e'), (3, 'c'), (9, 'i');
SELECT name FROM k WHERE id = 3;
-- columns: name
-- row: 'c'
SELECT name FROM k WHERE id = 4;
-- columns: name
-- (no rows)

-- case: a_null_key_is_rejected
CREATE TABLE k (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO k VALUES (NULL, 'z');
-- error: NullViolation
-- sqlite: skip SQLite gives an INTEGER PRIMARY KEY a fresh rowid when NULL is inserted; our PRIMARY KEY is UNIQUE NOT NULL

-- case: a_text_primary_key
CREATE TABLE tags (name TEXT PRIMARY KEY, n INTEGER);
INSERT INTO tags VALUES ('x', 1), ('y', 2), ('x', 3);
-- error: UniqueViolation
SELECT * FROM tags;
-- columns: name, n
-- (no rows)

-- case: changing_a_key_to_a_taken_one
CREATE TABLE k (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO k VALUES (1, 'a'), (2, 'b');
UPDATE k SET id = 1 WHERE id = 2;
-- error: UniqueViolation
UPDATE k SET id = 3 WHERE id = 2;
-- affected: 1
SELECT id, name FROM k WHERE id = 3;
-- columns: id, name
-- row: 3, 'b'
SELECT id FROM k WHERE id = 2;
-- columns: id
-- (no rows)

-- case: one_primary_key_per_table
CREATE TABLE two (a INTEGER PRIMARY KEY, b INTEGER PRIMARY KEY);
-- error: Syntax at 51
