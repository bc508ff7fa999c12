-- INSERT stores rows; SELECT * returns every column in the order CREATE TABLE declared them; a
-- column list returns the columns asked for, in that order (one may be asked twice). Without
-- ORDER BY the rows may come back in any order.

-- case: a_new_table_is_empty
CREATE TABLE pets (name TEXT, legs INTEGER);
-- ok
SELECT * FROM pets;
-- columns: name, legs
-- (no rows)

-- case: rows_inserted_one_at_a_time
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4);
-- affected: 1
INSERT INTO pets VALUES ('bird', 2);
-- affected: 1
SELECT * FROM pets;
-- columns: name, legs
-- row: 'cat', 4
-- row: 'bird', 2

-- case: one_insert_many_rows
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4), ('bird', 2), ('snake', 0);
-- affected: 3
SELECT * FROM pets;
-- columns: name, legs
-- row: 'cat', 4
-- row: 'bird', 2
-- row: 'snake', 0

-- case: a_column_list_picks_and_orders_columns
CREATE TABLE pets (name TEXT, legs INTEGER, owner TEXT);
INSERT INTO pets VALUES ('cat', 4, 'ann'), ('bird', 2, 'bo');
SELECT legs, name FROM pets;
-- columns: legs, name
-- row: 4, 'cat'
-- row: 2, 'bird'
SELECT owner FROM pets;
-- columns: owner
-- row: 'ann'
-- row: 'bo'
SELECT name, name FROM pets;
-- columns: name, name
-- row: 'cat', 'cat'
-- row: 'bird', 'bird'

-- case: identical_rows_are_all_kept
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4), ('cat', 4);
INSERT INTO pets VALUES ('cat', 4);
SELECT * FROM pets;
-- columns: name, legs
-- row: 'cat', 4
-- row: 'cat', 4
-- row: 'cat', 4

-- case: tables_are_independent
CREATE TABLE cats (name TEXT);
CREATE TABLE dogs (name TEXT);
INSERT INTO cats VALUES ('tom');
SELECT * FROM dogs;
-- columns: name
-- (no rows)
SELECT * FROM cats;
-- columns: name
-- row: 'tom'

-- case: a_statement_may_span_lines
CREATE TABLE pets (
    name TEXT,
    legs INTEGER
);
INSERT INTO pets
VALUES ('cat', 4),
       ('bird', 2);
-- affected: 2
SELECT legs
FROM pets;
-- columns: legs
-- row: 4
-- row: 2

-- case: many_columns
CREATE TABLE wide (c1 INTEGER, c2 TEXT, c3 INTEGER, c4 TEXT, c5 INTEGER, c6 TEXT);
INSERT INTO wide VALUES (1, 'two', 3, 'four', 5, 'six');
SELECT c6, c1, c4 FROM wide;
-- columns: c6, c1, c4
-- row: 'six', 1, 'four'
