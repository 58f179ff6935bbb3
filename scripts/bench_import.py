#!/usr/bin/env python3
"""Runs the import benchmark (crates/tillit/examples/import_bench.rs) on SQLite and PostgreSQL and
writes its section of docs/performance.md."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import machine, write_section  # noqa: E402

SECTION = "## Import of 5,000 assets"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tillit-import-")
    try:
        out = subprocess.run([a.bench, str(a.rounds), f"sqlite://{work}/import.db?mode=rwc", a.postgres],
                             check=True, capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res = {r["backend"]: r for r in (json.loads(line) for line in out.splitlines() if line.strip())}
    lite, pg = res["sqlite"], res["postgres"]
    verdict = "meets" if lite["import_max_ms"] < 5000 else "does NOT meet"
    section = f"""{SECTION}

Measured {time.strftime("%Y-%m-%d")} by `scripts/bench import` on {machine()}. Release build
(`crates/tillit/examples/import_bench.rs`), calling the application layer's import directly. One
XLSX file of {lite['rows']:,} information assets ({lite['bytes'] / 1024:.0f} KiB), every row with personal
data and a classification, so each row creates an asset and records its first classification,
with two audit events. Each of {lite['rounds']} rounds imports into a new organisation; the import is one
unit of work (all rows or none).

| what | SQLite median | SQLite max | PostgreSQL median | PostgreSQL max | target |
|---|---|---|---|---|---|
| Dry run: read the file, check every row, store nothing | {lite['dry_median_ms']} ms | {lite['dry_max_ms']} ms | {pg['dry_median_ms']} ms | {pg['dry_max_ms']} ms | |
| Import: the same, then store every row in one transaction | {lite['import_median_ms']} ms | **{lite['import_max_ms']} ms** | {pg['import_median_ms']} ms | {pg['import_max_ms']} ms | < 5 s |

The slowest SQLite import in this run took {lite['import_max_ms']} ms, so the run {verdict} the target.
The audit events of a unit of work are chained in memory and written 200 to a statement, and a new
asset's first review date is computed as it is inserted, so a row costs three statements.
PostgreSQL is a throw-away local cluster (`scripts/lib/postgres.sh`, `fsync=off`).
"""
    write_section(a.out, SECTION, section)


if __name__ == "__main__":
    main()
