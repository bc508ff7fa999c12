-- WHERE keeps the rows whose condition is true. The comparisons are = != <> < <= > >= between two
-- values of one type: integers compare as numbers; text compares byte by byte, so it is
-- case-sensitive and every upper-case ASCII letter sorts before every lower-case one ('B' < 'a').
-- Either side may be a column or a literal.

-- case: integer_comparisons
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (-2), (0), (3), (10);
SELECT v FROM n WHERE v = 3;
-- columns: v
-- row: 3
SELECT v FROM n WHERE v != 3;
-- columns: v
-- row: -2
-- row: 0
-- row: 10
SELECT v FROM n WHERE v <> 3;
-- columns: v
-- row: -2
-- row: 0
-- row: 10
SELECT v FROM n WHERE v < 0;
-- columns: v
-- row: -2
SELECT v FROM n WHERE v <= 0;
-- columns: v
-- row: -2
-- row: 0
SELECT v FROM n WHERE v > 3;
-- columns: v
-- row: 10
SELECT v FROM n WHERE v >= 3;
-- columns: v
-- row: 3
-- row: 10

-- case: the_literal_may_come_first
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (-2), (0), (3), (10);
SELECT v FROM n WHERE 3 < v;
-- columns: v
-- row: 10
SELECT v FROM n WHERE -1 >= v;
-- columns: v
-- row: -2

-- case: text_compares_byte_by_byte
CREATE TABLE w (s TEXT);
INSERT INTO w VALUES ('a'), ('B'), ('ab'), ('b'), ('');
SELECT s FROM w WHERE s < 'a';
-- Both 'B' and '' sort before 'a'.
-- columns: s
-- row: 'B'
-- row: ''
SELECT s FROM w WHERE s > 'a';
-- A longer string that starts with 'a' sorts after 'a'.
-- columns: s
-- row: 'ab'
-- row: 'b'
SELECT s FROM w WHERE s = 'A';
-- Text equality is case-sensitive.
-- columns: s
-- (no rows)
SELECT s FROM w WHERE s >= 'ab';
-- columns: s
-- row: 'ab'
-- row: 'b'

-- case: two_columns_compared
CREATE TABLE p (x INTEGER, y INTEGER);
INSERT INTO p VALUES (1, 2), (2, 2), (3, 2);
SELECT x FROM p WHERE x >= y;
-- columns: x
-- row: 2
-- row: 3
SELECT x FROM p WHERE y != x;
-- columns: x
-- row: 1
-- row: 3

-- case: a_condition_matching_nothing
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (1), (2);
SELECT v FROM n WHERE v > 100;
-- columns: v
-- (no rows)

-- case: a_condition_on_a_column_not_selected
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4), ('bird', 2), ('dog', 4);
SELECT name FROM pets WHERE legs = 4;
-- columns: name
-- row: 'cat'
-- row: 'dog'

-- case: comparing_two_literals
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (1), (2);
SELECT v FROM n WHERE 1 = 1;
-- columns: v
-- row: 1
-- row: 2
SELECT v FROM n WHERE 'a' > 'b';
-- columns: v
-- (no rows)
