-- Text literals are in single quotes; a quote inside one is written twice ('it''s' is it's).
-- Inside quotes everything is text: keywords, commas, semicolons, parentheses, dashes.

-- case: a_doubled_quote_is_one_quote
CREATE TABLE notes (body TEXT);
INSERT INTO notes VALUES ('it''s');
SELECT body FROM notes;
-- columns: body
-- row: 'it''s'

-- case: quotes_at_the_edges
CREATE TABLE notes (body TEXT);
INSERT INTO notes VALUES ('''quoted'''), ('x'''), ('''');
SELECT body FROM notes;
-- columns: body
-- row: '''quoted'''
-- row: 'x'''
-- row: ''''

-- case: two_doubled_quotes_in_a_row
CREATE TABLE notes (body TEXT);
INSERT INTO notes VALUES ('a''''b');
SELECT body FROM notes;
-- columns: body
-- row: 'a''''b'

-- case: the_empty_string_is_not_null
CREATE TABLE notes (body TEXT);
INSERT INTO notes VALUES ('');
SELECT body FROM notes;
-- columns: body
-- row: ''

-- case: sql_inside_a_string_is_just_text
CREATE TABLE notes (body TEXT, n INTEGER);
INSERT INTO notes VALUES ('SELECT * FROM notes; DROP', 1), ('a, b), (c', 2), ('--x', 3);
-- affected: 3
SELECT n, body FROM notes;
-- columns: n, body
-- row: 1, 'SELECT * FROM notes; DROP'
-- row: 2, 'a, b), (c'
-- row: 3, '--x'

-- case: spaces_and_unicode_are_kept
CREATE TABLE notes (body TEXT);
INSERT INTO notes VALUES ('  padded  '), ('café ☕');
SELECT body FROM notes;
-- columns: body
-- row: '  padded  '
-- row: 'café ☕'
