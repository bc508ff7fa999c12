#!/usr/bin/env python3
"""Replays every golden script of the sql_store drill in a real SQLite and reports any difference.

Usage: python3 check_scripts.py [SCRIPTS_DIR]   (default: ../scripts next to this file)

The script format is documented in src/script.rs; this parser mirrors it. Each case runs on a
fresh in-memory SQLite. A statement marked `-- sqlite: skip <reason>` (or a whole case marked so)
is not run: our dialect is deliberately stricter there. Everything else must agree: result column
names, row values and their types (int / str / NULL), row order where ORDER BY is present,
affected-row counts, and errors (an expected error kind must be an SQLite error with a matching
message; a Syntax position must point at the token SQLite names, when it names one).
Exit status 0 when everything agrees, 1 otherwise.
"""

import collections
import os
import re
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository

from sqlite_dialect import connect, execute, literal, matches_kind

DIRECTIVE = re.compile(r"^(case|columns|row|affected|error|sqlite):\s*(.*)$")


class ScriptError(Exception):
    pass


def parse_row(text):
    values, i, text = [], 0, text.strip()
    while True:
        while i < len(text) and text[i] == " ":
            i += 1
        if i < len(text) and text[i] == "'":
            i += 1
            s = []
            while True:
                if i >= len(text):
                    raise ScriptError(f"unterminated string in row {text!r}")
                if text[i] == "'":
                    if text[i + 1 : i + 2] == "'":
                        s.append("'")
                        i += 2
                        continue
                    i += 1
                    break
                s.append(text[i])
                i += 1
            values.append("".join(s))
        else:
            j = i
            while j < len(text) and text[j] not in ", ":
                j += 1
            word = text[i:j]
            if not word:
                raise ScriptError(f"empty value in row {text!r}")
            values.append(None if word.upper() == "NULL" else int(word))
            i = j
        while i < len(text) and text[i] == " ":
            i += 1
        if i >= len(text):
            return values
        if text[i] != ",":
            raise ScriptError(f"unexpected {text[i]!r} in row {text!r}")
        i += 1


def parse(path):
    """Returns [case], each {name, line, skip, statements: [{sql, line, expect, skip}]}."""
    cases, pending = [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip()

        def fail(what):
            raise ScriptError(f"{path}:{n}: {what}")

        if pending is not None:
            if line.lstrip().startswith("--"):
                fail("a comment inside a statement")
            pending["sql"] += "\n" + line
        elif not line.strip():
            continue
        elif line.lstrip().startswith("--"):
            rest = line.lstrip()[2:].strip()
            last = cases[-1]["statements"][-1] if cases and cases[-1]["statements"] else None
            m = DIRECTIVE.match(rest)
            if rest == "ok" or rest == "(no rows)" or m:
                key, value = (m.group(1), m.group(2).strip()) if m else (rest, "")
                if key == "case":
                    cases.append({"name": value, "line": n, "skip": None, "statements": []})
                    continue
                if key == "sqlite":
                    if not value.startswith("skip") or not value[4:].strip():
                        fail("sqlite: wants `skip <reason>`")
                    target = last if last is not None else (cases[-1] if cases else None)
                    if target is None or target["skip"]:
                        fail("misplaced sqlite: skip")
                    target["skip"] = value[4:].strip()
                    continue
                if last is None:
                    fail("an expectation before any statement")
                if key == "row":
                    if not last["expect"] or last["expect"][0] != "rows" or last["expect"][3]:
                        fail("row: belongs after columns:")
                    last["expect"][2].append(parse_row(value))
                elif key == "(no rows)":
                    if not last["expect"] or last["expect"][0] != "rows" or last["expect"][2]:
                        fail("(no rows) belongs right after columns:")
                    last["expect"][3] = True
                else:
                    if last["expect"]:
                        fail("a second expectation for one statement")
                    if key == "ok":
                        last["expect"] = ["ok"]
                    elif key == "affected":
                        last["expect"] = ["affected", int(value)]
                    elif key == "error":
                        words = value.split()
                        if len(words) == 1:
                            last["expect"] = ["error", words[0], None]
                        elif len(words) == 3 and words[1] == "at":
                            last["expect"] = ["error", words[0], int(words[2])]
                        else:
                            fail("error: wants `Kind` or `Kind at N`")
                    elif key == "columns":
                        last["expect"] = ["rows", [c.strip() for c in value.split(",")], [], False]
            elif rest.split() and rest.split()[0].endswith(":"):
                fail(f"unknown directive {rest!r}")
            continue
        else:
            if not cases:
                fail("a statement before the first case")
            pending = {"sql": line, "line": n, "expect": None, "skip": None}
        if pending is not None and pending["sql"].endswith(";"):
            cases[-1]["statements"].append(pending)
            pending = None
    if pending is not None:
        raise ScriptError(f"{path}:{pending['line']}: a statement without its closing `;`")
    return cases


def has_order_by(sql):
    words, word, in_string = [], "", False
    for c in sql:
        if c == "'":
            in_string = not in_string
        if not in_string and (c.isascii() and (c.isalnum() or c == "_")):
            word += c.upper()
        elif word:
            words.append(word)
            word = ""
    words.append(word)
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:]))


def near_token(message):
    """Returns the token SQLite's message points at (`near "X"`, `unrecognized token: "X"`)."""
    m = re.search(r'near "(.*)": syntax error', message) or re.search(r'unrecognized token: "(.*)"$', message)
    return m.group(1) if m else None


def check(st, outcome):
    """Returns None when SQLite's outcome agrees with the expectation, else an explanation."""
    expect = st["expect"]
    if outcome[0] == "error":
        message = outcome[1]
        if not expect or expect[0] != "error":
            return f"SQLite failed: {message}"
        kind, position = expect[1], expect[2]
        if not matches_kind(kind, message):
            return f"expected an error of kind {kind}, SQLite said: {message}"
        if position is not None:
            # Positions are byte offsets into the UTF-8 text, not character indexes.
            rest = st["sql"].encode()[position:].decode(errors="replace")
            token = near_token(message)
            if token is not None and not rest.startswith(token):
                return (
                    f"Syntax at {position} points at {rest[:12]!r}…, "
                    f"but SQLite says: {message}"
                )
            if "incomplete input" in message and rest.strip() not in ("", ";"):
                return f"SQLite says the input ended early, but position {position} is not at the end"
        return None
    _, columns, rows, rowcount = outcome
    if not expect:
        return None
    if expect[0] == "error":
        return f"expected an error of kind {expect[1]}, SQLite succeeded"
    if expect[0] == "ok":
        return None if columns is None else f"expected ok, SQLite returned rows {rows}"
    if expect[0] == "affected":
        return None if rowcount == expect[1] else f"expected affected {expect[1]}, SQLite says {rowcount}"
    want_columns, want_rows = expect[1], expect[2]
    if columns != want_columns:
        return f"expected columns {want_columns}, SQLite gives {columns}"
    got = [[literal(v) for v in row] for row in rows]
    want = [[literal(v) for v in row] for row in want_rows]
    if not has_order_by(st["sql"]):
        got, want = sorted(got), sorted(want)
    if got != want:
        return "rows differ:\n    expected: " + "; ".join(", ".join(r) for r in want) + \
            "\n    SQLite:   " + "; ".join(", ".join(r) for r in got)
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "scripts")
    stats = collections.Counter()
    skips = []
    problems = []
    for stage in sorted(os.listdir(root)):
        folder = os.path.join(root, stage)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".sql"):
                continue
            path = os.path.join(folder, name)
            rel = f"{stage}/{name}"
            stats["files"] += 1
            try:
                cases = parse(path)
            except ScriptError as error:
                problems.append(f"{error}")
                continue
            for case in cases:
                stats["cases"] += 1
                if case["skip"]:
                    skips.append(f"{rel} case {case['name']}: {case['skip']}")
                    stats["statements skipped"] += len(case["statements"])
                    continue
                db = connect()
                for st in case["statements"]:
                    if st["skip"]:
                        skips.append(f"{rel}:{st['line']}: {st['skip']}")
                        stats["statements skipped"] += 1
                        continue
                    stats["statements run"] += 1
                    if st["expect"]:
                        stats["expectations checked"] += 1
                        stats[f"  {st['expect'][0]}"] += 1
                    outcome = execute(db, st["sql"])
                    why = check(st, outcome)
                    if why:
                        problems.append(f"{rel}:{st['line']} (case {case['name']}):\n  {st['sql']}\n  {why}")
                db.close()
    import sqlite3

    print(f"SQLite {sqlite3.sqlite_version}: {stats['files']} script files, {stats['cases']} cases, "
          f"{stats['statements run']} statements run, {stats['expectations checked']} expectations checked "
          f"({', '.join(f'{k.strip()} {v}' for k, v in sorted(stats.items()) if k.startswith('  '))}), "
          f"{stats['statements skipped']} statements skipped as deliberate differences:")
    for skip in skips:
        print(f"  skip {skip}")
    print(f"totals: files={stats['files']} cases={stats['cases']} statements={stats['statements run'] + stats['statements skipped']} "
          f"expectations={stats['expectations checked']} skipped={stats['statements skipped']}")
    if problems:
        print(f"\n{len(problems)} differences from SQLite:")
        for p in problems:
            print(f"- {p}")
        sys.exit(1)
    print("every expectation agrees with SQLite")


if __name__ == "__main__":
    main()
