-- INTEGER holds any i64, written in decimal with an optional minus sign (spaces may follow the
-- minus). A literal outside the i64 range is a syntax error at the literal.

-- case: zero_negatives_and_the_extremes
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (0), (-1), (42), (9223372036854775807), (-9223372036854775808);
-- affected: 5
SELECT v FROM n;
-- columns: v
-- row: 0
-- row: -1
-- row: 42
-- row: 9223372036854775807
-- row: -9223372036854775808

-- case: leading_zeros_and_a_spaced_minus
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (007), (- 5);
SELECT v FROM n;
-- columns: v
-- row: 7
-- row: -5

-- case: a_literal_beyond_64_bits_is_an_error
CREATE TABLE n (v INTEGER);
INSERT INTO n VALUES (1), (9223372036854775808);
-- error: Syntax at 27
-- sqlite: skip SQLite stores an integer literal beyond 64 bits as a REAL; our dialect has no REAL
SELECT v FROM n;
-- columns: v
-- (no rows)
INSERT INTO n VALUES (-9223372036854775809);
-- error: Syntax at 23
-- sqlite: skip SQLite stores an integer literal beyond 64 bits as a REAL; our dialect has no REAL
