-- Naming a table or a column that does not exist is an error naming it; so is creating a table
-- that exists, or naming a column twice. The table is looked up before its columns.

-- case: select_from_a_missing_table
SELECT * FROM ghosts;
-- error: UnknownTable

-- case: insert_into_a_missing_table
INSERT INTO ghosts VALUES (1);
-- error: UnknownTable

-- case: the_table_is_checked_before_its_columns
SELECT nope FROM ghosts;
-- error: UnknownTable

-- case: select_a_missing_column
CREATE TABLE pets (name TEXT);
SELECT name, age FROM pets;
-- error: UnknownColumn

-- case: insert_names_a_missing_column
CREATE TABLE pets (name TEXT);
INSERT INTO pets (age) VALUES (3);
-- error: UnknownColumn
SELECT * FROM pets;
-- columns: name
-- (no rows)

-- case: create_an_existing_table
CREATE TABLE pets (name TEXT);
INSERT INTO pets VALUES ('rex');
CREATE TABLE pets (other INTEGER);
-- error: TableExists
-- The first table is untouched: same columns, same rows.
SELECT * FROM pets;
-- columns: name
-- row: 'rex'

-- case: a_column_twice_in_create_table
CREATE TABLE t (a INTEGER, b TEXT, a TEXT);
-- error: DuplicateColumn
-- A rejected CREATE TABLE creates nothing.
SELECT * FROM t;
-- error: UnknownTable

-- case: a_column_twice_in_an_insert_list
CREATE TABLE t (a INTEGER, b TEXT);
INSERT INTO t (a, a) VALUES (1, 2);
-- error: DuplicateColumn
-- sqlite: skip SQLite accepts a column named twice in an INSERT list (the last value wins)

-- case: a_syntax_error_comes_before_any_name
-- The whole statement is parsed before anything runs: a syntax error anywhere beats an unknown
-- table or column earlier in the text.
CREATE TABLE t (a INTEGER);
INSERT INTO nope VALUES (1 2);
-- error: Syntax at 27
INSERT INTO t (nope) VALUES (1,);
-- error: Syntax at 31
SELECT nope FROM t);
-- error: Syntax at 18

-- case: columns_come_before_values
-- After the table, its columns: an unknown or repeated column in the list beats a wrong row.
CREATE TABLE t (a INTEGER, b TEXT);
INSERT INTO t (a, nope) VALUES ('x', 1, 2);
-- error: UnknownColumn
INSERT INTO t (a, A) VALUES ('x');
-- error: DuplicateColumn
-- sqlite: skip SQLite checks the row's width before it looks for a repeated column
