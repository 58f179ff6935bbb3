#!/usr/bin/env python3
"""National figures at national scale, on SQLite and PostgreSQL in one run.

Generates "Tillsynsmyndigheten Skala" (crates/tillit/examples/authority_seed.rs: 10,000
organisations, 100,000 signed submissions received, with the figures the store takes out of each
as it receives it) in a fresh database, starts `tillit serve`, signs in as the supervision lead,
marks a piece of support published six months ago (so that the page also compares before and
after) and times the national figures page, its API, the marks API and the CSV export. Server
time is the `ms` Tillit logs per request (median / p95).
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, stop, write_section  # noqa: E402
from bench_scale import api_token, on_both, request, seed_and_serve, server_times, timed  # noqa: E402

PAGES = [
    ("National figures page (with one support mark)", "/authority/national"),
    ("National figures API", "/api/v1/authority/national-figures"),
    ("Support marks API, before and after", "/api/v1/authority/support-marks"),
    ("Export, CSV", "/authority/national/export?format=csv"),
]


def run(name, binary, seed, url, n, work):
    seeded, seed_s, proc, base, log_path = seed_and_serve(binary, seed, url, work, name)
    try:
        cookie = login(base, seeded["login"], seeded["password"])
        page = {"Cookie": cookie, "Accept-Language": "sv"}
        api = api_token(base, page, ["read", "write"])
        published = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 182 * 86400))
        mark = {"title": "Vägledning om behörigheter", "published_on": published,
                "areas": ["beh", "log"], "org_kinds": ["municipality", "region"], "window_months": 6}
        # The first computations: publishing the mark raises the version, so the POST computes
        # the marks' periods and the next GET the figures afresh.
        before_post = len(server_times(log_path, "/api/v1/authority/support-marks"))
        status, body = request(base, {**api, "Content-Type": "application/json"}, "/api/v1/authority/support-marks",
                               data=json.dumps(mark).encode(), method="POST")
        assert status == 201, (status, body)
        made = json.loads(body)
        before_get = len(server_times(log_path, "/api/v1/authority/national-figures"))
        figures = json.loads(request(base, api, "/api/v1/authority/national-figures")[1])
        time.sleep(0.2)
        cold_marks = server_times(log_path, "/api/v1/authority/support-marks")[before_post:][0]
        cold_figures = server_times(log_path, "/api/v1/authority/national-figures")[before_get:][0]
        assert not figures["suppressed"] and figures["total"]["organisations"] > 5000, figures["total"]
        results = []
        for label, path in PAGES:
            headers = api if path.startswith("/api/") else page
            results.append(timed(base, headers, path, n, log_path))
        return {"seed_s": seed_s, "seeded": seeded, "pages": results, "mark": made,
                "cold_figures": cold_figures, "cold_marks": cold_marks,
                "total": figures["total"]["organisations"], "quarters": len(figures["trend"])}
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
    res = on_both(run, a, "tillit_national")
    lite, pg = res["SQLite"], res["PostgreSQL"]
    rows = []
    worst = 0.0
    for i, (label, path) in enumerate(PAGES):
        worst = max(worst, lite["pages"][i][1], pg["pages"][i][1])
        rows.append(f"| {label} | `{path}` | {lite['pages'][i][0]:.1f} / **{lite['pages'][i][1]:.1f}** ms | "
                    f"{pg['pages'][i][0]:.1f} / **{pg['pages'][i][1]:.1f}** ms |")
    s = lite["seeded"]
    m = lite["mark"]
    section = f"""## Authority: national figures

Measured {time.strftime('%Y-%m-%d')} by `scripts/bench national` on {machine()}. Release build.
One authority with {s['organisations']:,} organisations in its registry and {s['submissions']:,}
signed submissions received (the seed of `scripts/bench authority`; {lite['total']:,} organisations
have submitted, over {lite['quarters']} quarters). A support mark published six months earlier,
concerning two requirement areas and two kinds of organisation, is on the page (before:
{m['before']['organisations']:,} organisations, after: {m['after']['organisations']:,}, of them
{m['paired_organisations']:,} in both periods). Each request asked {a.n} times after three
warm-ups; server time is what Tillit logs per request (median / p95). The slowest p95 is
{worst:.1f} ms, which {"meets" if worst < 200 else "does NOT meet"} the 200 ms target.

| request | path | SQLite | PostgreSQL |
|---|---|---|---|
{chr(10).join(rows)}

Figures are computed once per authority, language and day and kept until a change they read
(a submission received, a registry import, a support mark) raises the authority's version; the
requests above read the kept answer. Computed afresh:

| | SQLite | PostgreSQL |
|---|---|---|
| the national figures (the first `GET /api/v1/authority/national-figures` after a change) | {lite['cold_figures']:.0f} ms | {pg['cold_figures']:.0f} ms |
| a support mark published (`POST /api/v1/authority/support-marks`: save, then every mark's periods) | {lite['cold_marks']:.0f} ms | {pg['cold_marks']:.0f} ms |

The first computation after a change takes at most {max(lite['cold_figures'], pg['cold_figures']):.0f} ms for the figures, which
{"meets" if max(lite['cold_figures'], pg['cold_figures']) < 200 else "does NOT meet"} the 200 ms target.
"""
    write_section(a.out, "## Authority: national figures", section)


if __name__ == "__main__":
    main()
