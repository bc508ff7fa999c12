-- UPDATE t SET col = expr, … [WHERE cond] changes the rows whose condition is true (every row
-- without WHERE) and returns how many rows it matched, even those whose values did not change.
-- A row whose condition is unknown (NULL) is not matched.

-- case: update_the_rows_matching_where
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bo', 50), (3, 'cy', 0);
UPDATE acct SET balance = 75 WHERE id = 2;
-- affected: 1
SELECT id, balance FROM acct;
-- columns: id, balance
-- row: 1, 100
-- row: 2, 75
-- row: 3, 0

-- case: without_where_every_row_changes
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bo', 50), (3, 'cy', 0);
UPDATE acct SET owner = 'x';
-- affected: 3
SELECT owner FROM acct;
-- columns: owner
-- row: 'x'
-- row: 'x'
-- row: 'x'

-- case: a_matched_row_counts_even_if_unchanged
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bo', 50);
UPDATE acct SET balance = 100 WHERE id = 1;
-- affected: 1
UPDATE acct SET balance = balance WHERE balance > 0;
-- affected: 2

-- case: no_match_is_zero_rows
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
INSERT INTO acct VALUES (1, 'ann', 100);
UPDATE acct SET balance = 1 WHERE id = 99;
-- affected: 0
SELECT balance FROM acct;
-- columns: balance
-- row: 100

-- case: an_unknown_condition_matches_nothing
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bo', 50), (3, NULL, NULL);
-- Row 3's balance is NULL: NULL != 100 is unknown, so row 3 is left alone.
UPDATE acct SET owner = 'rich' WHERE balance != 100;
-- affected: 1
SELECT id, owner FROM acct;
-- columns: id, owner
-- row: 1, 'ann'
-- row: 2, 'rich'
-- row: 3, NULL

-- case: several_assignments_and_null
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bo', 50);
UPDATE acct SET owner = 'bob', balance = 60 WHERE id = 2;
-- affected: 1
UPDATE acct SET owner = NULL WHERE id = 1;
-- affected: 1
SELECT id, owner, balance FROM acct;
-- columns: id, owner, balance
-- row: 1, NULL, 100
-- row: 2, 'bob', 60

-- case: update_on_an_empty_table
CREATE TABLE acct (id INTEGER, owner TEXT, balance INTEGER);
UPDATE acct SET balance = 0;
-- affected: 0
