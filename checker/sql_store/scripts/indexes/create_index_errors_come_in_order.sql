-- CREATE INDEX with more than one thing wrong reports them in a fixed order: the table first
-- (UnknownTable), then the index name (IndexExists), then the column (UnknownColumn).

-- case: two_errors_at_once
-- sqlite: skip SQLite orders these checks its own way; ours is stated in the prompt
CREATE TABLE u (id INTEGER, age INTEGER);
CREATE INDEX ix ON u (age);
-- ok
CREATE INDEX ix ON nope (age);
-- error: UnknownTable
CREATE INDEX fresh ON nope (nope);
-- error: UnknownTable
CREATE INDEX IX ON u (nope);
-- error: IndexExists
CREATE INDEX ix2 ON u (nope);
-- error: UnknownColumn
-- Nothing above created an index: the names are still free.
CREATE INDEX fresh ON u (id);
-- ok
CREATE INDEX ix2 ON u (age);
-- ok
