-- The keywords this stage adds (UPDATE SET DELETE) are never names, in any case: a
-- table or a column named by one is a syntax error at the keyword. Only whole words are
-- keywords, so names that merely start or end with one are ordinary names.

-- case: a_keyword_cannot_name_a_table_or_a_column
-- sqlite: skip SQLite lets many keywords serve as names; our dialect never does
CREATE TABLE update (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, UPDATE TEXT);
-- error: Syntax at 27
CREATE TABLE SET (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, Set TEXT);
-- error: Syntax at 27
CREATE TABLE Delete (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, dELETE TEXT);
-- error: Syntax at 27

-- case: names_that_contain_a_keyword_are_names
CREATE TABLE updates (xupdate INTEGER, set_1 INTEGER, xdelete INTEGER);
-- ok
INSERT INTO updates VALUES (0, 1, 2);
-- affected: 1
SELECT xupdate, set_1, xdelete FROM updates;
-- columns: xupdate, set_1, xdelete
-- row: 0, 1, 2
