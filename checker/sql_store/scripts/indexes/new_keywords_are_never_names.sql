-- The keywords this stage adds (INDEX ON PRIMARY KEY UNIQUE) are never names, in any case: a
-- table or a column named by one is a syntax error at the keyword. Only whole words are
-- keywords, so names that merely start or end with one are ordinary names.

-- case: a_keyword_cannot_name_a_table_or_a_column
-- sqlite: skip SQLite lets many keywords serve as names; our dialect never does
CREATE TABLE index (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, INDEX TEXT);
-- error: Syntax at 27
CREATE TABLE ON (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, On TEXT);
-- error: Syntax at 27
CREATE TABLE Primary (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, pRIMARY TEXT);
-- error: Syntax at 27
CREATE TABLE kEY (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, key TEXT);
-- error: Syntax at 27
CREATE TABLE unique (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, UNIQUE TEXT);
-- error: Syntax at 27

-- case: names_that_contain_a_keyword_are_names
CREATE TABLE indexs (xindex INTEGER, on_1 INTEGER, xprimary INTEGER, key_3 INTEGER, xunique INTEGER);
-- ok
INSERT INTO indexs VALUES (0, 1, 2, 3, 4);
-- affected: 1
SELECT xindex, on_1, xprimary, key_3, xunique FROM indexs;
-- columns: xindex, on_1, xprimary, key_3, xunique
-- row: 0, 1, 2, 3, 4
