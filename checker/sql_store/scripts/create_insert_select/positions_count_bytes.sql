-- A syntax error's position is a byte offset into the statement, not a count of characters:
-- text before the error that holds non-ASCII characters (inside quotes or not) moves it by the
-- extra bytes of their UTF-8 encoding (`é` is 2 bytes, `日` 3, `🙂` 4).

-- case: after_non_ascii_inside_quotes
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'é') 'x';
-- error: Syntax at 31
INSERT INTO t VALUES (1, '日本'), (2, 'ü') 3;
-- error: Syntax at 46
INSERT INTO t VALUES (1, '🙂');;
-- error: Syntax at 33
-- The same text with nothing after it is fine.
INSERT INTO t VALUES (1, '🙂');
-- affected: 1

-- case: an_unclosed_string_after_non_ascii
CREATE TABLE t (a INTEGER, s TEXT);
INSERT INTO t VALUES (1, 'é'), (2, 'ü);
-- error: Syntax at 36
SELECT a, s FROM t;
-- columns: a, s
-- (no rows)

-- case: a_non_ascii_character_outside_quotes
CREATE TABLE t (a INTEGER, s TEXT);
SELECT é FROM t;
-- error: Syntax at 7
-- sqlite: skip SQLite accepts non-ASCII characters in names; our names are ASCII
SELECT a, s FROM t é;
-- error: Syntax at 19
-- sqlite: skip SQLite reads a name after the table as its alias; our dialect has no aliases
