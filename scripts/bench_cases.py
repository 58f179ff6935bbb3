#!/usr/bin/env python3
"""Supervision cases at national scale, on SQLite and PostgreSQL in one run.

Generates "Tillsynsmyndigheten Skala" with 10,000 organisations in its registry and 50,000
supervision cases over them, opened over five years (crates/tillit/examples/authority_seed.rs
with a case count), starts `tillit serve` on it, signs in as its supervision lead, and times the
handling-time statistics (page, API, a quarter, the CSV export), the case list (first page,
filtered, searched), one case, and the registry with its column of other authorities' cases.
Server time is the `ms` Tillit logs per request (median / p95).
"""
import argparse, json, os, re, subprocess, sys, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, pct, stop, write_section  # noqa: E402
from bench_scale import on_both, serve, server_times  # noqa: E402

CASES = 50_000
PAGES = [
    ("Statistics page, this year", "/authority/statistics"),
    ("Statistics API, this year", "/api/v1/authority/case-statistics"),
    ("Statistics page, one quarter of last year", "/authority/statistics?year={last}&quarter=2"),
    ("Statistics export, CSV, this year", "/authority/statistics/export?format=csv"),
    ("Case list, first page", "/authority/cases"),
    ("Case list, open complaint cases", "/authority/cases?state=open&case_type=complaint"),
    ("Case list, search", "/authority/cases?q=skala+00042"),
    ("One case (page)", "/authority/cases/{case}"),
    ("One case (API)", "/api/v1/authority/cases/{case}"),
    ("Registry page with other authorities' cases", "/authority/registry"),
]


def request(base, headers, path, data=None, method=None):
    req = urllib.request.Request(base + path, headers=headers, data=data, method=method)
    with urllib.request.urlopen(req) as r:
        return r.status, r.read()


def run(name, binary, seed, url, n, work):
    t0 = time.perf_counter()
    seeded = json.loads(subprocess.run([seed, url, str(CASES)], capture_output=True, text=True,
                                       check=True).stdout)
    seed_s = time.perf_counter() - t0
    log_path = os.path.join(work, f"{name}.log")
    proc, base = serve(binary, url, log_path)
    try:
        cookie = login(base, seeded["login"], seeded["password"])
        page = {"Cookie": cookie, "Accept-Language": "sv"}
        html = request(base, page, "/account/tokens")[1].decode()
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)
        data = urllib.parse.urlencode([("name", "bench"), ("expires_in_days", "1"), ("scopes", "read"),
                                       ("csrf", csrf)]).encode()
        html = request(base, page, "/account/tokens", data=data)[1].decode()
        i = html.index('id="new-token">') + len('id="new-token">')
        api = {"Authorization": f"Bearer {html[i:i + 68]}"}
        stats = json.loads(request(base, api, "/api/v1/authority/case-statistics")[1])
        everything = stats["by_case_type"][-1]
        results = []
        last = str(time.gmtime().tm_year - 1)
        for label, path in PAGES:
            path = path.replace("{case}", seeded["case"]).replace("{last}", last)
            headers = api if path.startswith("/api/") else page
            for _ in range(3):
                request(base, headers, path)
            before = len(server_times(log_path, path))
            for _ in range(n):
                status, _ = request(base, headers, path)
                assert status == 200, f"{path}: {status}"
            time.sleep(0.2)
            st = server_times(log_path, path)[before:]
            assert len(st) >= n, f"{path}: {len(st)} server times for {n} requests"
            results.append((sorted(st)[len(st) // 2], pct(st, 95)))
        return {"seed_s": seed_s, "seeded": seeded, "pages": results, "stats": everything}
    finally:
        stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=50)
    a = ap.parse_args()
    res = on_both(run, a, "tillit_cases")
    lite, pg = res["SQLite"], res["PostgreSQL"]
    rows = []
    stats_worst = 0.0
    for i, (label, path) in enumerate(PAGES):
        if label.startswith("Statistics page") or label.startswith("Statistics API"):
            stats_worst = max(stats_worst, lite["pages"][i][1], pg["pages"][i][1])
        rows.append(f"| {label} | `{path}` | {lite['pages'][i][0]:.1f} / **{lite['pages'][i][1]:.1f}** ms | "
                    f"{pg['pages'][i][0]:.1f} / **{pg['pages'][i][1]:.1f}** ms |")
    s, e = lite["seeded"], lite["stats"]
    section = f"""## Supervision cases: handling-time statistics at national scale

Measured {time.strftime('%Y-%m-%d')} by `scripts/bench cases` on {machine()}. Release build.
One authority with {s['organisations']:,} organisations in its registry and {s['cases']:,}
supervision cases over them, opened over five years, generated by
`crates/tillit/examples/authority_seed.rs` with a case count (seeding took {lite['seed_s']:.1f} s
on SQLite and {pg['seed_s']:.1f} s on PostgreSQL). This year's statistics cover
{e['opened']:,} cases opened, {e['to_decision']['count']:,} decided and {e['to_close']['count']:,}
closed, and {e['open']:,} cases open now. Each request asked {a.n} times after three warm-ups;
server time is what Tillit logs per request (median / p95). The statistics' slowest p95 is
{stats_worst:.1f} ms, which {"meets" if stats_worst < 100 else "does NOT meet"} the 100 ms target.

| request | path | SQLite | PostgreSQL |
|---|---|---|---|
{chr(10).join(rows)}
"""
    write_section(a.out, "## Supervision cases: handling-time statistics at national scale", section)


if __name__ == "__main__":
    main()
