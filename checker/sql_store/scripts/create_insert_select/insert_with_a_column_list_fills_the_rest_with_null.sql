-- INSERT INTO t (columns…) VALUES … fills the named columns, in the order named, and leaves every
-- other column NULL. NULL is a value of every type.

-- case: columns_left_out_are_null
CREATE TABLE people (name TEXT, age INTEGER, city TEXT);
INSERT INTO people (name) VALUES ('ada');
-- affected: 1
INSERT INTO people (city, name) VALUES ('paris', 'bob');
INSERT INTO people (age, city, name) VALUES (36, 'rome', 'cy');
SELECT * FROM people;
-- columns: name, age, city
-- row: 'ada', NULL, NULL
-- row: 'bob', NULL, 'paris'
-- row: 'cy', 36, 'rome'

-- case: an_explicit_null_fits_any_column
CREATE TABLE people (name TEXT, age INTEGER, city TEXT);
INSERT INTO people VALUES (NULL, NULL, NULL);
-- affected: 1
INSERT INTO people (age) VALUES (null);
SELECT * FROM people;
-- columns: name, age, city
-- row: NULL, NULL, NULL
-- row: NULL, NULL, NULL

-- case: a_column_list_with_several_rows
CREATE TABLE people (name TEXT, age INTEGER, city TEXT);
INSERT INTO people (age, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');
-- affected: 3
SELECT city, age FROM people;
-- columns: city, age
-- row: NULL, 1
-- row: NULL, 2
-- row: NULL, 3
