#!/usr/bin/env python3
"""Audited write throughput: 32 clients create information assets through the API (each an audited
unit of work) for 20 s, with wrk, on SQLite and PostgreSQL; writes/s, latency, and every answer
that was not 201. Writes its section of docs/performance.md."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, start, stop, write_section  # noqa: E402

SECTION = "## Audited writes under contention"

LUA = r"""
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"name":"Bench ' .. tid .. '-' .. counter .. '","personal_data":false}'
  return wrk.format("POST", "/api/v1/assets",
    {["Content-Type"] = "application/json", ["Cookie"] = COOKIE, ["X-CSRF-Token"] = CSRF}, body)
end
"""


def run(url, cookie, csrf, seconds, connections, work):
    script = os.path.join(work, "writes.lua")
    with open(script, "w") as f:
        f.write(f'COOKIE = "{cookie}"\nCSRF = "{csrf}"\n' + LUA)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def lat(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": lat("50"), "p99": lat("99"), "non2xx": int(errors.group(1)) if errors else 0,
            "socket": socket_errors.group(1) if socket_errors else "none", "raw": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=32)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tillit-writes-")
    results = {}
    try:
        subprocess.run(["psql", a.postgres, "-q", "-c", "DROP DATABASE IF EXISTS tillit_writes", "-c",
                        "CREATE DATABASE tillit_writes"], check=True, capture_output=True)
        pg_url = a.postgres.rsplit("/", 1)[0] + "/tillit_writes"
        for name, args in [("SQLite", None), ("PostgreSQL", ["--database-url", pg_url, "demo"])]:
            d = tempfile.mkdtemp(prefix="tillit-writes-", dir=work)
            proc, url, _ = start(a.binary, args or ["--data-dir", d, "demo"])
            cookie = login(url, "samordnare@norrfjall.example", "tillit-demo-2026")
            html = urllib.request.urlopen(urllib.request.Request(url + "/overview", headers={"Cookie": cookie})).read().decode()
            csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)
            time.sleep(0.5)
            results[name] = run(url, cookie, csrf, a.seconds, a.connections, work)
            stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lite, pg = results["SQLite"], results["PostgreSQL"]
    meets = lite["rps"] >= 500 and lite["p99"] < 100 and lite["non2xx"] == 0
    section = f"""{SECTION}

Measured {time.strftime("%Y-%m-%d")} by `scripts/bench writes` on {machine()}. Release build; wrk and
Tillit share the machine's cores. {a.connections} connections (wrk -t2) create information assets
through `POST /api/v1/assets` for {a.seconds} s, signed in as the demo region's coordinator: each
request is one audited unit of work (the asset, its review date, its audit event chained to the
one before). On SQLite the units of work queue for the one writer inside the process (ADR 0006);
SQLite runs in WAL mode with `synchronous = NORMAL`: a commit survives a crash of the process
(the no-lost-writes test kills it with SIGKILL) but not a power cut, which `FULL` would add at the
cost of a sync per commit — chosen because a care provider's registers change at human pace and a
backup is taken daily. PostgreSQL is the throw-away cluster of `scripts/lib/postgres.sh`
(`fsync=off`), so its figures show the query path, not durability.

| database | writes/s | p50 | p99 | answers other than 201 | socket errors |
|---|---|---|---|---|---|
| SQLite | {lite['rps']:.0f} | {lite['p50']:.1f} ms | **{lite['p99']:.1f} ms** | {lite['non2xx']} | {lite['socket']} |
| PostgreSQL | {pg['rps']:.0f} | {pg['p50']:.1f} ms | {pg['p99']:.1f} ms | {pg['non2xx']} | {pg['socket']} |

Target on SQLite: ≥ 500 writes/s with p99 under 100 ms and no error reaching a client. This run
{"meets" if meets else "does NOT meet"} it.
"""
    write_section(a.out, SECTION, section)
    for n, r in results.items():
        print(n, r["raw"], file=sys.stderr)


if __name__ == "__main__":
    main()
