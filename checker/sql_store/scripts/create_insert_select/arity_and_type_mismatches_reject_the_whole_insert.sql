-- Every row of VALUES must have exactly one value per target column (Arity), and each value must
-- be of its column's type or NULL (TypeMismatch: no conversions). One bad row rejects the whole
-- INSERT, so no row of it is stored.

-- case: too_few_values
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat');
-- error: Arity

-- case: too_many_values
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4, 'extra');
-- error: Arity

-- case: values_must_match_the_column_list
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets (name) VALUES ('cat', 4);
-- error: Arity

-- case: one_short_row_rejects_every_row
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4), ('bird'), ('dog', 4);
-- error: Arity
SELECT * FROM pets;
-- columns: name, legs
-- (no rows)

-- case: text_into_an_integer_column
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 'four');
-- error: TypeMismatch
-- sqlite: skip SQLite's type affinity stores any value in any column; ours hold only their declared type
INSERT INTO pets VALUES ('cat', '4');
-- error: TypeMismatch
-- sqlite: skip SQLite's type affinity converts '4' to 4; our dialect never converts

-- case: a_number_into_a_text_column
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES (7, 4);
-- error: TypeMismatch
-- sqlite: skip SQLite's type affinity converts 7 to '7'; our dialect never converts

-- case: a_type_error_in_a_later_row_rejects_every_row
CREATE TABLE pets (name TEXT, legs INTEGER);
INSERT INTO pets VALUES ('cat', 4), ('dog', 4), ('bird', 'two');
-- error: TypeMismatch
-- sqlite: skip SQLite's type affinity stores any value in any column; ours hold only their declared type
SELECT * FROM pets;
-- columns: name, legs
-- (no rows)
