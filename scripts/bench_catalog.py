#!/usr/bin/env python3
"""Catalog upgrade at scale, on SQLite and PostgreSQL in one run.

Generates "Region Skala" (crates/tillit/examples/scale_seed.rs) on catalog version 1 — 5,000
assets, 2,000 systems and every version-1 requirement assessed for every system — starts
`tillit serve`, and times the catalog page (the offer), the upgrade plan (page, API and the exact
CSV list), then accepts the upgrade once and times the catalog page with what is left to assess.
Server time is the `ms` Tillit logs per request.
"""
import argparse, json, os, statistics, subprocess, sys, time
import urllib.request, urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, pct, stop, write_section  # noqa: E402
from bench_scale import on_both, serve, server_times  # noqa: E402

BEFORE = [
    ("Catalog page with the upgrade offer", "/catalog"),
    ("Upgrade plan (page, per requirement)", "/catalog/upgrade"),
    ("Upgrade plan (API)", "/api/v1/catalog/upgrade"),
    ("Every touched assessment and new requirement (CSV)", "/catalog/upgrade/export?format=csv"),
]
AFTER = [
    ("Catalog page with what to assess (first page)", "/catalog"),
    ("What to assess (API, 200 per page)", "/api/v1/catalog/reassessments?per_page=200"),
]


def timed(base, cookie, log_path, path, n):
    req = lambda: urllib.request.Request(base + path, headers={"Cookie": cookie, "Accept-Language": "sv"})
    with urllib.request.urlopen(req()) as r:  # warm-up
        r.read()
    before = len(server_times(log_path, path))
    for _ in range(n):
        with urllib.request.urlopen(req()) as r:
            body = r.read()
            assert r.status == 200, f"{path}: {r.status}"
    time.sleep(0.2)
    st = server_times(log_path, path)[before:]
    assert len(st) >= n, f"{path}: {len(st)} times for {n} requests"
    return {"median": statistics.median(st), "p95": pct(st, 95), "bytes": len(body)}


def csrf_of(base, cookie):
    req = urllib.request.Request(base + "/catalog/upgrade", headers={"Cookie": cookie})
    html = urllib.request.urlopen(req).read().decode()
    i = html.index('name="csrf" value="') + len('name="csrf" value="')
    return html[i:html.index('"', i)]


def run_backend(name, binary, seed, url, n, work):
    env = dict(os.environ, TILLIT_SCALE_CATALOG="1")
    seeded = json.loads(subprocess.run([seed, url], capture_output=True, text=True, check=True, env=env).stdout)
    log_path = os.path.join(work, f"{name}.log")
    proc, base = serve(binary, url, log_path)
    try:
        cookie = login(base, seeded["login"], seeded["password"])
        out = {"seeded": seeded, "before": [], "after": []}
        for label, path in BEFORE:
            out["before"].append((label, path, timed(base, cookie, log_path, path, n)))
        body = urllib.parse.urlencode({"csrf": csrf_of(base, cookie), "from": "1"}).encode()
        req = urllib.request.Request(base + "/catalog/upgrade", data=body, method="POST",
                                     headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        opener = urllib.request.build_opener(NoRedirect)
        t = time.perf_counter()
        with opener.open(req) as r:
            assert r.status == 303, r.status
        out["upgrade_ms"] = (time.perf_counter() - t) * 1000
        time.sleep(0.2)
        out["upgrade_server_ms"] = server_times(log_path, "/catalog/upgrade")[-1]
        for label, path in AFTER:
            out["after"].append((label, path, timed(base, cookie, log_path, path, n)))
        api = urllib.request.Request(base + "/api/v1/catalog/reassessments?per_page=1", headers={"Cookie": cookie})
        out["to_assess"] = json.loads(urllib.request.urlopen(api).read())["total"]
        return out
    finally:
        stop(proc)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None

    def http_error_303(self, req, fp, code, msg, headers):
        return fp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=10)
    a = ap.parse_args()
    res = on_both(run_backend, a, "tillit_catalog")
    lite, pg = res["SQLite"], res["PostgreSQL"]
    s = lite["seeded"]
    rows = []
    for part in ("before", "after"):
        for (label, path, l), (_, _, p) in zip(lite[part], pg[part]):
            rows.append(f"| {label} | `{path}` | {l['median']:.0f} ms | {l['p95']:.0f} ms | "
                        f"{p['median']:.0f} ms | {p['p95']:.0f} ms | {l['bytes']:,} B |")
    rows.insert(len(BEFORE), f"| The upgrade itself (one POST, one unit of work) | `POST /catalog/upgrade` | "
                             f"{lite['upgrade_server_ms']:.0f} ms | – | {pg['upgrade_server_ms']:.0f} ms | – | – |")
    today = time.strftime("%Y-%m-%d")
    section = f"""## Catalog upgrade at scale

Measured {today} by `scripts/bench catalog` on {machine()}. Release build. The scale benchmark's
organisation generated on catalog version 1: {s['assets']:,} information assets, {s['systems']:,} systems
and {s['assessments_current']:,} current assessments (every version-1 requirement for every system).
Each request was made {a.n} times after one warm-up; server time is what Tillit logs per request.
The upgrade to version 2 left {lite['to_assess']:,} requirement–scope pairs to assess on SQLite
({pg['to_assess']:,} on PostgreSQL).

| what | request | SQLite median | SQLite p95 | PostgreSQL median | PostgreSQL p95 | size (SQLite) |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

The plan works out which requirements apply to each of the 2,000 systems under both versions and
which assessments each change touches; pages and the API show it per requirement (counts and the
first twelve scopes), and the CSV gives the exact list.
"""
    write_section(a.out, "## Catalog upgrade at scale", section)


if __name__ == "__main__":
    main()
