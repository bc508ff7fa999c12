-- Keywords and names of tables and columns are case-insensitive; a result column carries the
-- name CREATE TABLE declared, whatever case the query used. String contents keep their case.
-- A name may start with a keyword (selection, order_id): only whole words are keywords.

-- case: keywords_in_any_case
create table Pets (Name text, LEGS integer);
-- ok
InSeRt InTo pets VaLuEs ('cat', 4);
-- affected: 1
select NAME, legs from PETS;
-- columns: Name, LEGS
-- row: 'cat', 4
SELECT * FROM pEtS;
-- columns: Name, LEGS
-- row: 'cat', 4

-- case: a_name_differing_only_in_case_is_the_same_table
CREATE TABLE pets (name TEXT);
CREATE TABLE PETS (name TEXT);
-- error: TableExists

-- case: column_names_differing_only_in_case_collide
CREATE TABLE t (a INTEGER, A TEXT);
-- error: DuplicateColumn

-- case: names_may_start_with_a_keyword
CREATE TABLE selection (fromage TEXT, order_id INTEGER, _tmp INTEGER, values2 TEXT);
INSERT INTO selection VALUES ('brie', 1, 2, 'v');
SELECT fromage, order_id, _tmp, values2 FROM selection;
-- columns: fromage, order_id, _tmp, values2
-- row: 'brie', 1, 2, 'v'

-- case: string_contents_keep_their_case
CREATE TABLE t (s TEXT);
INSERT INTO t VALUES ('MiXeD'), ('select');
SELECT s FROM t;
-- columns: s
-- row: 'MiXeD'
-- row: 'select'

-- case: whitespace_is_flexible
CREATE TABLE t(a INTEGER,b TEXT);
INSERT	INTO t VALUES(1,'x'),(2,'y');
-- affected: 2
SELECT*FROM t;
-- columns: a, b
-- row: 1, 'x'
-- row: 2, 'y'
