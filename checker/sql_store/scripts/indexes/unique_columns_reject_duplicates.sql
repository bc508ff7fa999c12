-- A UNIQUE column never holds one value twice; NULLs never collide (any number of rows may hold
-- NULL). NOT NULL forbids NULL. A statement that would break either is rejected whole:
-- UniqueViolation or NullViolation, and nothing changes. A value freed by UPDATE or DELETE may
-- be used again.

-- case: a_duplicate_insert_is_rejected
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a@x');
INSERT INTO u VALUES (2, 'a@x');
-- error: UniqueViolation
SELECT id FROM u;
-- columns: id
-- row: 1

-- case: nulls_never_collide
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, NULL), (2, NULL);
-- affected: 2
INSERT INTO u VALUES (3, NULL);
-- affected: 1

-- case: uniqueness_is_case_sensitive
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a@x'), (2, 'A@x');
-- affected: 2

-- case: an_update_creating_a_duplicate_is_rejected
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a@x'), (2, 'b@x');
UPDATE u SET email = 'a@x' WHERE id = 2;
-- error: UniqueViolation
SELECT id, email FROM u;
-- columns: id, email
-- row: 1, 'a@x'
-- row: 2, 'b@x'

-- case: an_update_keeping_its_own_value_is_fine
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a@x'), (2, 'b@x');
UPDATE u SET email = 'a@x' WHERE id = 1;
-- affected: 1
UPDATE u SET email = email;
-- affected: 2

-- case: delete_frees_a_value
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a@x'), (2, 'b@x');
DELETE FROM u WHERE id = 1;
INSERT INTO u VALUES (3, 'a@x');
-- affected: 1
SELECT id FROM u WHERE email = 'a@x';
-- columns: id
-- row: 3

-- case: update_frees_a_value
CREATE TABLE u (id INTEGER, email TEXT UNIQUE);
INSERT INTO u VALUES (1, 'a@x'), (2, 'b@x');
UPDATE u SET email = 'z@x' WHERE id = 2;
INSERT INTO u VALUES (3, 'b@x');
-- affected: 1
INSERT INTO u VALUES (4, 'z@x');
-- error: UniqueViolation

-- case: not_null
CREATE TABLE n (id INTEGER, name TEXT NOT NULL);
INSERT INTO n VALUES (1, NULL);
-- error: NullViolation
INSERT INTO n (id) VALUES (2);
-- A column left out of the list is NULL, too.
-- error: NullViolation
INSERT INTO n VALUES (3, 'x');
UPDATE n SET name = NULL;
-- error: NullViolation
SELECT * FROM n;
-- columns: id, name
-- row: 3, 'x'

-- case: constraints_combine
CREATE TABLE c (code TEXT UNIQUE NOT NULL, n INTEGER UNIQUE);
INSERT INTO c VALUES ('a', 1), ('b', NULL), ('c', NULL);
-- affected: 3
INSERT INTO c VALUES (NULL, 2);
-- error: NullViolation
INSERT INTO c VALUES ('d', 1);
-- error: UniqueViolation
