-- The keywords this stage adds (WHERE AND OR NOT IS ORDER BY ASC DESC LIMIT) are never names, in any case: a
-- table or a column named by one is a syntax error at the keyword. Only whole words are
-- keywords, so names that merely start or end with one are ordinary names.

-- case: a_keyword_cannot_name_a_table_or_a_column
-- sqlite: skip SQLite lets many keywords serve as names; our dialect never does
CREATE TABLE where (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, WHERE TEXT);
-- error: Syntax at 27
CREATE TABLE AND (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, And TEXT);
-- error: Syntax at 27
CREATE TABLE Or (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, oR TEXT);
-- error: Syntax at 27
CREATE TABLE nOT (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, not TEXT);
-- error: Syntax at 27
CREATE TABLE is (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, IS TEXT);
-- error: Syntax at 27
CREATE TABLE ORDER (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, Order TEXT);
-- error: Syntax at 27
CREATE TABLE By (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, bY TEXT);
-- error: Syntax at 27
CREATE TABLE aSC (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, asc TEXT);
-- error: Syntax at 27
CREATE TABLE desc (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, DESC TEXT);
-- error: Syntax at 27
CREATE TABLE LIMIT (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, Limit TEXT);
-- error: Syntax at 27

-- case: names_that_contain_a_keyword_are_names
CREATE TABLE wheres (xwhere INTEGER, and_1 INTEGER, xor INTEGER, not_3 INTEGER, xis INTEGER, order_5 INTEGER, xby INTEGER, asc_7 INTEGER, xdesc INTEGER, limit_9 INTEGER);
-- ok
INSERT INTO wheres VALUES (0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
-- affected: 1
SELECT xwhere, and_1, xor, not_3, xis, order_5, xby, asc_7, xdesc, limit_9 FROM wheres;
-- columns: xwhere, and_1, xor, not_3, xis, order_5, xby, asc_7, xdesc, limit_9
-- row: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
