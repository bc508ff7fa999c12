#!/usr/bin/env python3
"""Replays random statement sequences in a real SQLite and compares with the reference's outcomes.

Usage: python3 compare_random.py FILE

FILE holds one JSON object per line, written by tests/sqlite_oracle.rs:
  {"seq": 3, "sql": "SELECT …", "ordered": true, "expect": {"columns": [...], "rows": [[...]]}}
with "expect" one of {"columns", "rows"}, {"affected": n}, {"ok": true}, {"error": "Kind"}.
Each new "seq" starts a fresh in-memory SQLite. Rows compare with their types (int / str / NULL),
in order when "ordered", as multisets otherwise. Exit status 0 when all agree, 1 otherwise.
"""

import collections
import json
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository

from sqlite_dialect import connect, execute, literal, matches_kind


def compare(expect, ordered, outcome):
    if "error" in expect:
        if outcome[0] != "error":
            return f"the reference failed with {expect['error']}, SQLite succeeded"
        if not matches_kind(expect["error"], outcome[1]):
            return f"the reference failed with {expect['error']}, SQLite with: {outcome[1]}"
        return None
    if outcome[0] == "error":
        return f"the reference succeeded, SQLite failed: {outcome[1]}"
    _, columns, rows, rowcount = outcome
    if "ok" in expect:
        return None if columns is None else "the reference returned Done, SQLite rows"
    if "affected" in expect:
        if rowcount != expect["affected"]:
            return f"the reference affected {expect['affected']} rows, SQLite {rowcount}"
        return None
    if columns != expect["columns"]:
        return f"columns: reference {expect['columns']}, SQLite {columns}"
    got = [[literal(v) for v in row] for row in rows]
    want = [[literal(v) for v in row] for row in expect["rows"]]
    if not ordered:
        got, want = sorted(got), sorted(want)
    if got != want:
        show = lambda rs: "; ".join(", ".join(r) for r in rs) or "(no rows)"
        return f"rows:\n    reference: {show(want)}\n    SQLite:    {show(got)}"
    return None


def main():
    stats = collections.Counter()
    problems = []
    db, seq, history = None, None, []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item["seq"] != seq:
                seq, db, history = item["seq"], connect(), []
                stats["sequences"] += 1
            outcome = execute(db, item["sql"])
            expect = item["expect"]
            stats["statements"] += 1
            kind = next(iter(expect))
            if kind == "columns":
                kind = "rows (non-empty)" if expect["rows"] else "rows (empty)"
            elif kind == "error":
                kind = f"error {expect['error']}"
            stats[kind] += 1
            why = compare(expect, item["ordered"], outcome)
            history.append(item["sql"])
            if why and len(problems) < 5:
                context = "\n".join(f"    {s}" for s in history[-12:-1])
                problems.append(f"sequence {seq}, statement {len(history) - 1}:\n  {item['sql']}\n  {why}\n"
                                f"  preceded by (last {min(11, len(history) - 1)}):\n{context}")
    import sqlite3

    detail = ", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if k not in ("sequences", "statements"))
    print(f"SQLite {sqlite3.sqlite_version}: {stats['statements']} random statements in {stats['sequences']} "
          f"sequences compared with the reference ({detail})")
    if problems:
        print(f"\ndifferences from SQLite (first {len(problems)}):")
        for p in problems:
            print(f"- {p}")
        sys.exit(1)
    print("every outcome agrees with SQLite")


if __name__ == "__main__":
    main()
