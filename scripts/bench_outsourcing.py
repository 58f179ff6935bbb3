#!/usr/bin/env python3
"""Outsourcing assessment speed, on SQLite and PostgreSQL in one run.

Starts `tillit demo` on a fresh database of each kind and times the region's outsourcing cases:
the API answer with the whole assessment (`GET /api/v1/outsourcing-cases/{id}`) and the case page.
Server time is the `ms` Tillit logs per request. The engine alone is timed in-process by
crates/tillit-domain/examples/outsourcing_bench.rs with the shipped rule set.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import free_port, login, machine, pct, stop, write_section  # noqa: E402
from bench_scale import server_times  # noqa: E402
from api_fuzz import token  # noqa: E402


def serve_demo(binary, url, log_path):
    port = free_port()
    env = dict(os.environ, TILLIT_LOG="info,sqlx=warn")
    log = open(log_path, "w")
    proc = subprocess.Popen([binary, "demo", "--database-url", url, "--bind", f"127.0.0.1:{port}", "--log-format", "json"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"demo did not start: {open(log_path).read()[-2000:]}")


def timed(base, headers, log_path, path, n):
    req = lambda: urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(req()) as r:
        r.read()
    before = len(server_times(log_path, path))
    for _ in range(n):
        with urllib.request.urlopen(req()) as r:
            r.read()
            assert r.status == 200, f"{path}: {r.status}"
    time.sleep(0.2)
    st = server_times(log_path, path)[before:]
    assert len(st) >= n, f"{path}: {len(st)} times for {n} requests"
    return statistics.median(st), pct(st, 95)


def run(name, binary, url, n, work):
    log_path = os.path.join(work, f"{name}.log")
    proc, base = serve_demo(binary, url, log_path)
    try:
        t = token(base)
        cookie = login(base, "samordnare@norrfjall.example", "tillit-demo-2026")
        api = {"Authorization": f"Bearer {t}"}
        cases = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/outsourcing-cases", headers=api)))
        # A list page of 25 cases, each assessed as it is today: the demo's and copies of the first.
        first = json.load(urllib.request.urlopen(urllib.request.Request(base + f"/api/v1/outsourcing-cases/{cases['items'][0]['id']}", headers=api)))["case"]
        for i in range(25 - len(cases["items"])):
            body = {"title": f"{first['title']} ({i + 2})", "supplier_id": first["supplier_id"],
                    "system_ids": first["system_ids"], "asset_ids": first["asset_ids"], **first["answers"]}
            body = {k: ("yes" if v is True else "no" if v is False else v) for k, v in body.items()}
            req = urllib.request.Request(base + "/api/v1/outsourcing-cases", data=json.dumps(body).encode(),
                                         headers={**api, "Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req) as r:
                assert r.status == 201, r.status
        listed = {
            "api": timed(base, api, log_path, "/api/v1/outsourcing-cases?per_page=25", n),
            "page": timed(base, {"Cookie": cookie, "Accept-Language": "sv"}, log_path, "/outsourcing?per_page=25", n),
        }
        out = [listed]
        for c in cases["items"]:
            a = json.load(urllib.request.urlopen(urllib.request.Request(base + f"/api/v1/outsourcing-cases/{c['id']}", headers=api)))
            out.append({
                "title": c["title"], "recommendation": a["assessment"]["recommendation"],
                "api": timed(base, api, log_path, f"/api/v1/outsourcing-cases/{c['id']}", n),
                "page": timed(base, {"Cookie": cookie, "Accept-Language": "sv"}, log_path, f"/outsourcing/{c['id']}", n),
            })
        return out
    finally:
        stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=50)
    a = ap.parse_args()
    engine = json.loads(subprocess.run([a.engine], capture_output=True, text=True, check=True).stdout)
    work = tempfile.mkdtemp(prefix="tillit-outsourcing-")
    try:
        subprocess.run(["psql", a.postgres, "-q", "-c", "DROP DATABASE IF EXISTS tillit_outsourcing", "-c", "CREATE DATABASE tillit_outsourcing"],
                       check=True, capture_output=True)
        res = {"SQLite": run("sqlite", a.binary, f"sqlite://{work}/demo.db?mode=rwc", a.n, work),
               "PostgreSQL": run("postgres", a.binary, a.postgres.rsplit("/", 1)[0] + "/tillit_outsourcing", a.n, work)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    worst = 0.0
    lists = (res["SQLite"].pop(0), res["PostgreSQL"].pop(0))
    list_worst = max(lists[0]["api"][1], lists[1]["api"][1], lists[0]["page"][1], lists[1]["page"][1])
    for lite, pg in zip(res["SQLite"], res["PostgreSQL"]):
        worst = max(worst, lite["api"][1], pg["api"][1])
        rows.append(f"| {lite['title']} ({lite['recommendation']}) | {lite['api'][0]:.1f} / {lite['api'][1]:.1f} ms | "
                    f"{pg['api'][0]:.1f} / {pg['api'][1]:.1f} ms | {lite['page'][0]:.1f} / {lite['page'][1]:.1f} ms | "
                    f"{pg['page'][0]:.1f} / {pg['page'][1]:.1f} ms |")
    erows = [f"| {e['case']} | {e['rules']} | {e['median_us']:.1f} µs | {e['p95_us']:.1f} µs |" for e in engine]
    verdict = "meets" if worst < 10 else "does NOT meet"
    section = f"""## Outsourcing assessment

Measured {time.strftime('%Y-%m-%d')} by `scripts/bench outsourcing` on {machine()}. Release build.
The demo region's cases, each asked {a.n} times after one warm-up; server time is what Tillit logs
per request (median / p95). The API answer reads the case, its systems' assets and levels, the
supplier and the organisation's facts, and runs the whole assessment with the conditions tried one
by one; the page also renders it. The slowest API p95 is {worst:.1f} ms, which {verdict} the 10 ms
target.

| case | API, SQLite | API, PostgreSQL | page, SQLite | page, PostgreSQL |
|---|---|---|---|---|
{chr(10).join(rows)}

The case list assesses every case on its page as it is today (its recommendation and whether its
decision needs reassessing), reading the organisation and each supplier once. A page of 25 cases
(the demo's and copies of the first), median / p95; the slowest p95 is {list_worst:.1f} ms, which
{"meets" if list_worst < 100 else "does NOT meet"} the 100 ms target for a list page:

| list of 25 cases | SQLite | PostgreSQL |
|---|---|---|
| API `GET /api/v1/outsourcing-cases?per_page=25` | {lists[0]['api'][0]:.1f} / {lists[0]['api'][1]:.1f} ms | {lists[1]['api'][0]:.1f} / {lists[1]['api'][1]:.1f} ms |
| page `/outsourcing?per_page=25` | {lists[0]['page'][0]:.1f} / {lists[0]['page'][1]:.1f} ms | {lists[1]['page'][0]:.1f} / {lists[1]['page'][1]:.1f} ms |

The engine alone (`crates/tillit-domain/examples/outsourcing_bench.rs`, 2,000 runs each):

| case | rules | median | p95 |
|---|---|---|---|
{chr(10).join(erows)}
"""
    write_section(a.out, "## Outsourcing assessment", section)


if __name__ == "__main__":
    main()
