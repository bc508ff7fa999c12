"""Shared by the SQLite oracle scripts: opening SQLite, rendering values, mapping errors to kinds.

Our dialect's error kinds (the variants of SqlError) and the SQLite messages that mean the same.
An expectation of an error of kind K is confirmed only when SQLite fails with a matching message.
"""

import re
import sqlite3

KIND_PATTERNS = {
    "Syntax": r"syntax error|incomplete input|unrecognized token|one statement at a time"
    r"|parser stack overflow|Expression tree is too large"
    # SQLite reports a second PRIMARY KEY when it builds the table; our parser rejects it.
    r"|has more than one primary key",
    "UnknownTable": r"no such table",
    "TableExists": r"table \S+ already exists",
    "UnknownColumn": r"no such column|has no column named",
    "DuplicateColumn": r"duplicate column name",
    "Arity": r"values were supplied|values for \d+ columns|all VALUES must have the same number of terms",
    "TypeMismatch": r"datatype mismatch",
    "Overflow": r"integer overflow",
    "IndexExists": r"index \S+ already exists",
    "UniqueViolation": r"UNIQUE constraint failed",
    "NullViolation": r"NOT NULL constraint failed",
    "NestedTransaction": r"cannot start a transaction within a transaction",
    "NoTransaction": r"no transaction is active",
}


def connect():
    """Returns a fresh in-memory database in autocommit mode (BEGIN/COMMIT pass straight through)."""
    return sqlite3.connect(":memory:", isolation_level=None)


def literal(value):
    """Renders a value as the scripts write it; anything but NULL, INTEGER and TEXT is flagged."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return f"<bool {value}>"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return f"<{type(value).__name__} {value!r}>"


def matches_kind(kind, message):
    """Returns whether an SQLite error message means our error kind."""
    pattern = KIND_PATTERNS.get(kind)
    return pattern is not None and re.search(pattern, message) is not None


def execute(db, sql):
    """Runs one statement; returns ("ok", columns or None, rows, rowcount) or ("error", message)."""
    try:
        cursor = db.execute(sql)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description] if cursor.description else None
        return ("ok", columns, rows, cursor.rowcount)
    except (sqlite3.Error, sqlite3.Warning) as error:
        return ("error", str(error))
