-- CREATE INDEX name ON table (column) makes equality lookups on that column fast; it must never
-- change an answer. Index names are case-insensitive and unique; the table and the column must
-- exist; two indexes may cover one column.

-- case: lookups_through_an_index
CREATE TABLE u (id INTEGER, email TEXT, age INTEGER);
INSERT INTO u VALUES (1, 'a@x', 30), (2, 'b@x', 40), (3, 'c@x', 30), (4, NULL, NULL);
CREATE INDEX u_age ON u (age);
-- ok
SELECT id FROM u WHERE age = 30;
-- columns: id
-- row: 1
-- row: 3
SELECT id FROM u WHERE 40 = age;
-- columns: id
-- row: 2
SELECT id FROM u WHERE age = 99;
-- columns: id
-- (no rows)
SELECT id FROM u WHERE age = NULL;
-- columns: id
-- (no rows)
SELECT id FROM u WHERE age IS NULL;
-- columns: id
-- row: 4

-- case: an_indexed_equality_combined_with_more
CREATE TABLE u (id INTEGER, email TEXT, age INTEGER);
INSERT INTO u VALUES (1, 'a@x', 30), (2, 'b@x', 40), (3, 'c@x', 30), (4, NULL, NULL);
CREATE INDEX u_age ON u (age);
SELECT id FROM u WHERE age = 30 AND id > 1;
-- columns: id
-- row: 3
SELECT id FROM u WHERE id < 3 AND age = 30;
-- columns: id
-- row: 1
SELECT id FROM u WHERE age = 30 OR id = 2;
-- columns: id
-- row: 1
-- row: 2
-- row: 3
SELECT id FROM u WHERE NOT age = 30;
-- columns: id
-- row: 2
SELECT id FROM u WHERE age = 30 AND age = 40;
-- columns: id
-- (no rows)
SELECT id FROM u WHERE age = 30 ORDER BY id DESC LIMIT 1;
-- columns: id
-- row: 3

-- case: an_index_on_text
CREATE TABLE u (id INTEGER, email TEXT, age INTEGER);
INSERT INTO u VALUES (1, 'a@x', 30), (2, 'b@x', 40), (3, 'c@x', 30), (4, NULL, NULL);
CREATE INDEX u_email ON u (email);
SELECT id FROM u WHERE email = 'b@x';
-- columns: id
-- row: 2
SELECT id FROM u WHERE email = 'B@x';
-- columns: id
-- (no rows)

-- case: rows_inserted_after_the_index_are_found
CREATE TABLE u (id INTEGER, email TEXT, age INTEGER);
CREATE INDEX u_age ON u (age);
INSERT INTO u VALUES (1, 'a@x', 30);
INSERT INTO u VALUES (2, 'b@x', 30), (3, 'c@x', 31);
SELECT id FROM u WHERE age = 30;
-- columns: id
-- row: 1
-- row: 2

-- case: two_indexes_on_one_column
CREATE TABLE u (id INTEGER, email TEXT, age INTEGER);
INSERT INTO u VALUES (1, 'a@x', 30);
CREATE INDEX first_age ON u (age);
CREATE INDEX second_age ON u (AGE);
-- ok
SELECT id FROM u WHERE age = 30;
-- columns: id
-- row: 1

-- case: index_errors
CREATE TABLE u (id INTEGER, email TEXT, age INTEGER);
CREATE INDEX ix ON nope (age);
-- error: UnknownTable
CREATE INDEX ix ON u (nope);
-- error: UnknownColumn
CREATE INDEX ix ON u (age);
-- ok
CREATE INDEX IX ON u (id);
-- error: IndexExists
CREATE INDEX ix2 ON u age;
-- error: Syntax at 22
CREATE INDEX ON u (age);
-- error: Syntax at 13

-- case: an_index_skipping_a_row_that_would_overflow
-- An index only skips rows its equality rules out, and such a row's AND is false whatever its
-- other side does: with or without the index, row 2's overflow in `v + 1` is never raised.
CREATE TABLE p (id INTEGER PRIMARY KEY, v INTEGER);
CREATE TABLE q (id INTEGER, v INTEGER);
INSERT INTO p VALUES (1, 1), (2, 9223372036854775807);
INSERT INTO q VALUES (1, 1), (2, 9223372036854775807);
SELECT * FROM p WHERE v + 1 > 0 AND id = 1;
-- columns: id, v
-- row: 1, 1
SELECT * FROM q WHERE v + 1 > 0 AND id = 1;
-- columns: id, v
-- row: 1, 1
SELECT * FROM p WHERE 1 = id AND v * 2 > 0;
-- columns: id, v
-- row: 1, 1
UPDATE p SET v = v + 1 WHERE v + 1 > 0 AND id = 1;
-- affected: 1
SELECT * FROM p;
-- columns: id, v
-- row: 1, 2
-- row: 2, 9223372036854775807
