-- Every expression of one UPDATE, in SET and in WHERE, reads the row as it was before the
-- statement, so `SET a = b, b = a` swaps, and an assignment does not feed the next one.

-- case: increment_in_place
CREATE TABLE c (id INTEGER, n INTEGER);
INSERT INTO c VALUES (1, 10), (2, 20);
UPDATE c SET n = n + 1;
-- affected: 2
SELECT id, n FROM c;
-- columns: id, n
-- row: 1, 11
-- row: 2, 21

-- case: swap_two_columns
CREATE TABLE p (a INTEGER, b INTEGER);
INSERT INTO p VALUES (1, 2), (3, 4);
UPDATE p SET a = b, b = a;
-- affected: 2
SELECT a, b FROM p;
-- columns: a, b
-- row: 2, 1
-- row: 4, 3

-- case: a_later_assignment_reads_the_old_value
CREATE TABLE p (a INTEGER, b INTEGER);
INSERT INTO p VALUES (1, 0);
-- b gets the old a (1), not the new one (10).
UPDATE p SET a = 10, b = a;
SELECT a, b FROM p;
-- columns: a, b
-- row: 10, 1

-- case: where_reads_the_old_row
CREATE TABLE c (id INTEGER, n INTEGER);
INSERT INTO c VALUES (1, 10), (2, 20);
UPDATE c SET n = n + 100 WHERE n < 15;
-- affected: 1
SELECT id, n FROM c;
-- columns: id, n
-- row: 1, 110
-- row: 2, 20

-- case: one_column_from_others
CREATE TABLE q (a INTEGER, b INTEGER, total INTEGER);
INSERT INTO q VALUES (5, 2, NULL), (3, NULL, NULL);
UPDATE q SET total = a * a + b;
SELECT a, total FROM q;
-- NULL in, NULL out: 3 * 3 + NULL is NULL.
-- columns: a, total
-- row: 5, 27
-- row: 3, NULL

-- case: text_columns_copy_too
CREATE TABLE r (first TEXT, second TEXT);
INSERT INTO r VALUES ('x', 'y');
UPDATE r SET first = second, second = 'z';
SELECT first, second FROM r;
-- columns: first, second
-- row: 'y', 'z'
