#!/usr/bin/env python3
"""PDF reports of the benchmark organisation, SQLite and PostgreSQL.

Seeds the benchmark organisation (crates/tillit/examples/scale_seed.rs: 5,000 assets, 2,000
systems, 20,000 scenarios in 500 analyses, 10,000 measures), starts `tillit serve`, signs in as its
coordinator and downloads the management review (the whole organisation: key figures, compliance
per area, gaps, the residual heat map of all 20,000 scenarios, the 50 worst risks above tolerance,
overdue measures, incidents) and one risk analysis's report, each `n` times after three warm-ups.
Server time is the `ms` Tillit logs per request (median / p95): the queries and the typesetting.
Each PDF's pages are counted with `pdfinfo`.
"""
import argparse, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, pct, stop, write_section  # noqa: E402
from bench_scale import on_both, request, serve, server_times  # noqa: E402
import json  # noqa: E402


def pages(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return int(next(l.split(":")[1] for l in info.splitlines() if l.startswith("Pages:")))


def run(name, binary, seed, url, n, work):
    seeded = json.loads(subprocess.run([seed, url], capture_output=True, text=True, check=True).stdout)
    log_path = os.path.join(work, f"{name}.log")
    proc, base = serve(binary, url, log_path)
    try:
        cookie = login(base, seeded["login"], seeded["password"])
        page = {"Cookie": cookie, "Accept-Language": "sv"}
        html = request(base, page, "/risks")[1].decode()
        import re
        analysis = re.search(r'href="/risks/((?!new\b|matrix\b)[0-9a-z-]+)"', html).group(1)
        rows = []
        for label, path in [
            ("Management review (ledningens genomgång)", "/reports/management-review.pdf"),
            ("Risk analysis report (40 scenarios)", f"/risks/{analysis}/report.pdf"),
        ]:
            for _ in range(3):
                status, body = request(base, page, path)
                assert status == 200 and body.startswith(b"%PDF-"), f"{path}: {status}"
            before = len(server_times(log_path, path))
            for _ in range(n):
                request(base, page, path)
            time.sleep(0.2)
            st = server_times(log_path, path)[before:]
            assert len(st) >= n, f"{path}: {len(st)} server times for {n} requests"
            rows.append((label, path, len(body), pages(body), (sorted(st)[len(st) // 2], pct(st, 95))))
        return {"rows": rows, "seeded": seeded}
    finally:
        stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=20)
    a = ap.parse_args()
    res = on_both(run, a, "tillit_reports")
    lite, pg = res["SQLite"], res["PostgreSQL"]
    rows = [f"| {lab} | `{path}` | {size:,} B, {np} pages | {l[0]:.0f} / **{l[1]:.0f}** ms | {p[4][0]:.0f} / **{p[4][1]:.0f}** ms |"
            for (lab, path, size, np, l), p in zip(lite["rows"], pg["rows"])]
    s = lite["seeded"]
    section = f"""## PDF reports

Measured {time.strftime('%Y-%m-%d')} by `scripts/bench reports` on {machine()}. Release build.
The benchmark organisation ({s['assets']:,} assets, {s['systems']:,} systems, {s['scenarios']:,}
scenarios, {s['measures']:,} measures) downloads its reports as its coordinator, each {a.n} times
after three warm-ups. Server time from the request to the last byte of the PDF: the application
layer's queries and the typesetting by Typst, every report typeset from scratch (Typst's
memoisation cache is emptied after each) (median / p95). The target is under 2 s.

| report | path | size | SQLite | PostgreSQL |
|---|---|---|---|---|
{chr(10).join(rows)}
"""
    write_section(a.out, "## PDF reports", section)


if __name__ == "__main__":
    main()
