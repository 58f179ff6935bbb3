#!/usr/bin/env python3
"""Incident register speed, on SQLite and PostgreSQL in one run.

Starts `tillit demo` on a fresh database of each kind, adds 50 open incidents to the demo region
through the API (so 52 are active: every page's menu counts their reports to send), and times the
incident list (API and page, 25 per page, each incident with its obligations computed), one
incident's page (obligations, reminders, timeline, attachments), a report draft, the overview
(which lists the reports to send) and the follow-up (incident statistics). Server time is the `ms`
Tillit logs per request.
"""
import argparse, datetime, json, os, shutil, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, stop, write_section  # noqa: E402
from bench_outsourcing import serve_demo, timed  # noqa: E402
from api_fuzz import token  # noqa: E402

EXTRA = 50


def run(name, binary, url, n, work):
    log_path = os.path.join(work, f"{name}.log")
    proc, base = serve_demo(binary, url, log_path)
    try:
        t = token(base)
        cookie = login(base, "samordnare@norrfjall.example", "tillit-demo-2026")
        api = {"Authorization": f"Bearer {t}"}
        page = {"Cookie": cookie, "Accept-Language": "sv"}
        now = datetime.datetime.now(datetime.timezone.utc)
        for i in range(EXTRA):
            aware = (now - datetime.timedelta(hours=1 + i)).isoformat()
            body = {"title": f"Felskickat brev {i + 1}", "aware_at": aware, "personal_data": "yes",
                    "breach_risk": "risk", "risk_motivation": "Uppgifter om vårdkontakt har röjts.",
                    "significant": "no", "individuals_approx": 1 + i, "cause": "mistake",
                    "description": "Ett brev gick till fel mottagare."}
            req = urllib.request.Request(base + "/api/v1/incidents", data=json.dumps(body).encode(),
                                         headers={**api, "Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req) as r:
                assert r.status == 201, r.status
                last = json.load(r)["id"]
        return {
            "api list": timed(base, api, log_path, "/api/v1/incidents?per_page=25", n),
            "page list": timed(base, page, log_path, "/incidents?per_page=25", n),
            "api incident": timed(base, api, log_path, f"/api/v1/incidents/{last}", n),
            "page incident": timed(base, page, log_path, f"/incidents/{last}", n),
            "page draft": timed(base, page, log_path, f"/incidents/{last}/reports/imy_notification", n),
            "page overview": timed(base, page, log_path, "/overview", n),
            "page follow-up": timed(base, page, log_path, "/follow-up", n),
        }
    finally:
        stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=50)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tillit-incidents-")
    try:
        subprocess.run(["psql", a.postgres, "-q", "-c", "DROP DATABASE IF EXISTS tillit_incidents", "-c", "CREATE DATABASE tillit_incidents"],
                       check=True, capture_output=True)
        res = {"SQLite": run("sqlite", a.binary, f"sqlite://{work}/demo.db?mode=rwc", a.n, work),
               "PostgreSQL": run("postgres", a.binary, a.postgres.rsplit("/", 1)[0] + "/tillit_incidents", a.n, work)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    labels = {
        "api list": "API `GET /api/v1/incidents?per_page=25`",
        "page list": "page `/incidents?per_page=25`",
        "api incident": "API `GET /api/v1/incidents/{id}`",
        "page incident": "page `/incidents/{id}`",
        "page draft": "page `/incidents/{id}/reports/imy_notification`",
        "page overview": "page `/overview` (reports to send)",
        "page follow-up": "page `/follow-up` (incident statistics)",
    }
    rows = []
    worst = 0.0
    for k, label in labels.items():
        lite, pg = res["SQLite"][k], res["PostgreSQL"][k]
        worst = max(worst, lite[1], pg[1])
        rows.append(f"| {label} | {lite[0]:.1f} / {lite[1]:.1f} ms | {pg[0]:.1f} / {pg[1]:.1f} ms |")
    section = f"""## Incidents

Measured {time.strftime('%Y-%m-%d')} by `scripts/bench incidents` on {machine()}. Release build.
The demo region with {EXTRA} more open incidents added through the API ({EXTRA + 2} active in all, so
every page's menu counts the reports of {EXTRA + 2} incidents); each request asked {a.n} times
after one warm-up; server time is what Tillit logs per request (median / p95). Every answer
computes the obligations of the incidents it shows from their facts. The slowest p95 is
{worst:.1f} ms, which {"meets" if worst < 100 else "does NOT meet"} the 100 ms target for a page.

| request | SQLite | PostgreSQL |
|---|---|---|
{chr(10).join(rows)}
"""
    write_section(a.out, "## Incidents", section)


if __name__ == "__main__":
    main()
