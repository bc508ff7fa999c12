-- ORDER BY sorts by its columns in turn: ascending by default or with ASC, descending with DESC.
-- NULL sorts before every value when ascending (so after them when descending); text sorts byte by
-- byte. The sort column need not be selected. Only with ORDER BY is the row order defined.

-- case: ascending_and_descending
CREATE TABLE t (id INTEGER, v INTEGER, s TEXT);
INSERT INTO t VALUES (1, 30, 'b'), (2, NULL, 'a'), (3, -5, 'B'), (4, 12, NULL);
SELECT id, v FROM t ORDER BY v;
-- columns: id, v
-- row: 2, NULL
-- row: 3, -5
-- row: 4, 12
-- row: 1, 30
SELECT id, v FROM t ORDER BY v ASC;
-- columns: id, v
-- row: 2, NULL
-- row: 3, -5
-- row: 4, 12
-- row: 1, 30
SELECT id, v FROM t ORDER BY v DESC;
-- columns: id, v
-- row: 1, 30
-- row: 4, 12
-- row: 3, -5
-- row: 2, NULL

-- case: text_sorts_byte_by_byte
CREATE TABLE t (id INTEGER, v INTEGER, s TEXT);
INSERT INTO t VALUES (1, 30, 'b'), (2, NULL, 'a'), (3, -5, 'B'), (4, 12, NULL);
SELECT s FROM t ORDER BY s;
-- columns: s
-- row: NULL
-- row: 'B'
-- row: 'a'
-- row: 'b'
SELECT s FROM t ORDER BY s DESC;
-- columns: s
-- row: 'b'
-- row: 'a'
-- row: 'B'
-- row: NULL

-- case: several_keys
CREATE TABLE p (team TEXT, score INTEGER, name TEXT);
INSERT INTO p VALUES ('red', 3, 'ann'), ('blue', 5, 'bo'), ('red', 7, 'cy'), ('blue', 5, 'di'), ('red', 3, 'ed');
-- Team first; within a team the higher score; within a score the name.
SELECT name FROM p ORDER BY team, score DESC, name;
-- columns: name
-- row: 'bo'
-- row: 'di'
-- row: 'cy'
-- row: 'ann'
-- row: 'ed'
SELECT name FROM p ORDER BY score, name DESC;
-- columns: name
-- row: 'ed'
-- row: 'ann'
-- row: 'di'
-- row: 'bo'
-- row: 'cy'

-- case: the_sort_column_need_not_be_selected
CREATE TABLE p (team TEXT, score INTEGER, name TEXT);
INSERT INTO p VALUES ('red', 3, 'ann'), ('blue', 5, 'bo'), ('red', 7, 'cy'), ('blue', 4, 'di');
SELECT name FROM p ORDER BY score DESC;
-- columns: name
-- row: 'cy'
-- row: 'bo'
-- row: 'di'
-- row: 'ann'

-- case: where_then_order
CREATE TABLE p (team TEXT, score INTEGER, name TEXT);
INSERT INTO p VALUES ('red', 3, 'ann'), ('blue', 5, 'bo'), ('red', 7, 'cy'), ('red', 3, 'ed');
SELECT name, score FROM p WHERE team = 'red' ORDER BY score DESC, name;
-- columns: name, score
-- row: 'cy', 7
-- row: 'ann', 3
-- row: 'ed', 3

-- case: order_by_in_lower_case
CREATE TABLE t (v INTEGER);
INSERT INTO t VALUES (2), (3), (1);
select v from t order by V desc;
-- columns: v
-- row: 3
-- row: 2
-- row: 1
