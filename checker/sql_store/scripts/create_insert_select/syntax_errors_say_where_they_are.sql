-- A statement that is not valid SQL of our dialect is a Syntax error whose position is the byte
-- offset of the first token that cannot continue a valid statement (a string or a character
-- that cannot start a token counts from its first byte). The whole statement is checked before
-- anything runs, so a statement with a syntax error changes nothing.

-- case: a_misspelt_keyword
SELEC * FROM t;
-- error: Syntax at 0

-- case: a_misspelt_keyword_later
CREATE TABLE t (a INTEGER);
SELECT * FORM t;
-- error: Syntax at 9

-- case: the_statement_ends_too_early
CREATE TABLE t (a INTEGER);
-- The `;` stands where the table name must be.
SELECT * FROM;
-- error: Syntax at 13

-- case: a_trailing_comma
CREATE TABLE t (a INTEGER,);
-- error: Syntax at 26

-- case: a_table_without_columns
CREATE TABLE t ();
-- error: Syntax at 16

-- case: an_unknown_column_type
CREATE TABLE t (a FLOAT);
-- error: Syntax at 18
-- sqlite: skip SQLite accepts any word as a column type; our dialect knows INTEGER and TEXT only

-- case: a_keyword_is_not_a_name
CREATE TABLE select (a INTEGER);
-- error: Syntax at 13

-- case: an_unclosed_parenthesis
CREATE TABLE t (a INTEGER);
INSERT INTO t VALUES (1;
-- error: Syntax at 23

-- case: values_without_parentheses
CREATE TABLE t (a INTEGER);
INSERT INTO t VALUES 1;
-- error: Syntax at 21

-- case: insert_without_into
CREATE TABLE t (a INTEGER);
INSERT t VALUES (1);
-- error: Syntax at 7

-- case: an_empty_column_list
CREATE TABLE t (a INTEGER);
INSERT INTO t () VALUES (1);
-- error: Syntax at 15

-- case: an_unterminated_string
CREATE TABLE t (a TEXT);
-- The string starts at its opening quote and never ends.
INSERT INTO t VALUES ('abc);
-- error: Syntax at 22

-- case: an_unexpected_character
CREATE TABLE t (a INTEGER);
SELECT @ FROM t;
-- error: Syntax at 7

-- case: a_select_without_columns
CREATE TABLE t (a INTEGER);
SELECT FROM t;
-- error: Syntax at 7

-- case: two_statements_in_one_call
CREATE TABLE t (a INTEGER);
-- One call runs one statement: the second one is the error.
SELECT * FROM t; SELECT * FROM t;
-- error: Syntax at 17

-- case: a_rejected_statement_changes_nothing
CREATE TABLE t (a INTEGER);
INSERT INTO t VALUES (1), (2;
-- error: Syntax at 28
SELECT * FROM t;
-- columns: a
-- (no rows)

-- case: a_name_cannot_start_with_a_digit
-- A name is a letter or `_` followed by letters, digits and `_`.
CREATE TABLE 1t (a INTEGER);
-- error: Syntax at 13
CREATE TABLE t (2a INTEGER);
-- error: Syntax at 16
CREATE TABLE _t (a2 INTEGER, _ TEXT, b_3_ INTEGER);
-- ok
SELECT _, A2, B_3_ FROM _T;
-- columns: _, a2, b_3_
-- (no rows)

-- case: an_earlier_error_comes_first
-- A bad string, character or number counts only where the statement has not already gone wrong.
CREATE TABLE t (a TEXT);
INSERT INTO t VALUE ('abc);
-- error: Syntax at 14
INSERT INTO t VALUES 'abc, ('x');
-- error: Syntax at 21
SELECT a FROM t @ 99999999999999999999;
-- error: Syntax at 16
SELECT a a FROM t 'x;
-- error: Syntax at 9
-- sqlite: skip SQLite reads `a a` as a column and its alias; our dialect has no aliases
