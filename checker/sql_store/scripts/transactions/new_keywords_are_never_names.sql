-- The keywords this stage adds (BEGIN COMMIT ROLLBACK TRANSACTION) are never names, in any case: a
-- table or a column named by one is a syntax error at the keyword. Only whole words are
-- keywords, so names that merely start or end with one are ordinary names.

-- case: a_keyword_cannot_name_a_table_or_a_column
-- sqlite: skip SQLite lets many keywords serve as names; our dialect never does
CREATE TABLE begin (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, BEGIN TEXT);
-- error: Syntax at 27
CREATE TABLE COMMIT (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, Commit TEXT);
-- error: Syntax at 27
CREATE TABLE Rollback (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, rOLLBACK TEXT);
-- error: Syntax at 27
CREATE TABLE tRANSACTION (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (a INTEGER, transaction TEXT);
-- error: Syntax at 27

-- case: names_that_contain_a_keyword_are_names
CREATE TABLE begins (xbegin INTEGER, commit_1 INTEGER, xrollback INTEGER, transaction_3 INTEGER);
-- ok
INSERT INTO begins VALUES (0, 1, 2, 3);
-- affected: 1
SELECT xbegin, commit_1, xrollback, transaction_3 FROM begins;
-- columns: xbegin, commit_1, xrollback, transaction_3
-- row: 0, 1, 2, 3
