#!/usr/bin/env python3
"""Additional libraries and OSCAL exports on the benchmark organisation, SQLite and PostgreSQL.

Seeds the benchmark organisation (crates/tillit/examples/scale_seed.rs: 5,000 assets, 20,000
scenarios), starts `tillit serve`, and through the API as its administrator: imports NIST SP 800-53
with the MODERATE baseline (NIST's HIGH resolved catalog with the MODERATE profile, from
../shared/data/oscal) several times, assesses one system against it control by control, and times
the system's OSCAL exports and its page against the library. Server time is the `ms` Tillit logs
per request (median / p95).
"""
import argparse, json, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, machine, pct, stop, write_section  # noqa: E402
from bench_scale import api_token, on_both, request, serve, server_times  # noqa: E402

IMPORTS = 5


def timed(log_path, base, headers, path, n, method=None, data=None, expect=200):
    before = len(server_times(log_path, path))
    for _ in range(n):
        status, _ = request(base, headers, path, data=data, method=method)
        assert status == expect, f"{path}: {status}"
    time.sleep(0.2)
    st = server_times(log_path, path)[before:]
    assert len(st) >= n, f"{path}: {len(st)} server times for {n} requests"
    return sorted(st)[len(st) // 2], pct(st, 95)


def run(name, binary, seed, url, n, work, nist):
    seeded = json.loads(subprocess.run([seed, url], capture_output=True, text=True, check=True).stdout)
    log_path = os.path.join(work, f"{name}.log")
    proc, base = serve(binary, url, log_path)
    try:
        # The organisation's administrator: importing a library needs a token's admin scope.
        cookie = login(base, "person4@skala.example", seeded["password"])
        page = {"Cookie": cookie, "Accept-Language": "sv"}
        api = api_token(base, page, ["read", "write", "admin"])
        body = json.dumps({
            "catalog": json.load(open(os.path.join(nist, "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json"))),
            "profile": json.load(open(os.path.join(nist, "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"))),
        }).encode()
        post = dict(api, **{"Content-Type": "application/json"})
        imports = timed(log_path, base, post, "/api/v1/libraries", IMPORTS, method="POST", data=body, expect=201)
        libs = json.loads(request(base, api, "/api/v1/libraries")[1])
        lib = libs[0]
        system = seeded["system"]
        request(base, api, f"/api/v1/systems/{system}/libraries/{lib['id']}", method="PUT")
        controls = json.loads(request(base, api, f"/api/v1/systems/{system}/libraries/{lib['id']}/controls")[1])
        statuses = ["met", "partly_met", "not_met", "met"]
        t0 = time.perf_counter()
        for i, c in enumerate(controls):
            path = f"/api/v1/systems/{system}/libraries/{lib['id']}/controls/{c['control_id']}/assessment"
            request(base, post, path, method="PUT", data=json.dumps({"status": statuses[i % 4]}).encode())
        assess_s = time.perf_counter() - t0
        rows = []
        for label, path in [
            ("Resolved catalog of the system's requirements", f"/api/v1/systems/{system}/oscal/catalog"),
            ("Profile that selects them", f"/api/v1/systems/{system}/oscal/profile"),
            ("Assessment results, Tillit's requirements", f"/api/v1/systems/{system}/oscal/assessment-results"),
            ("Assessment results, MODERATE (287 controls)", f"/api/v1/systems/{system}/oscal/assessment-results?library={lib['id']}"),
            ("Plan of action and milestones", f"/api/v1/systems/{system}/oscal/poam"),
            ("Page: the system against MODERATE", f"/systems/{system}/libraries/{lib['id']}"),
        ]:
            headers = api if path.startswith("/api/") else page
            for _ in range(3):
                request(base, headers, path)
            size = len(request(base, headers, path)[1])
            rows.append((label, path.split("?")[0], size, timed(log_path, base, headers, path, n)))
        return {"imports": imports, "controls": len(controls), "assess_s": assess_s, "rows": rows,
                "library": lib, "seeded": seeded}
    finally:
        stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--nist", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=30)
    a = ap.parse_args()
    res = on_both(lambda *args: run(*args, a.nist), a, "tillit_libraries")
    lite, pg = res["SQLite"], res["PostgreSQL"]
    rows = [f"| {lab} | `{path}` | {size:,} B | {l[0]:.1f} / **{l[1]:.1f}** ms | {p[3][0]:.1f} / **{p[3][1]:.1f}** ms |"
            for (lab, path, size, l), p in zip(lite["rows"], pg["rows"])]
    s = lite["seeded"]
    section = f"""## Additional libraries and OSCAL exports

Measured {time.strftime('%Y-%m-%d')} by `scripts/bench libraries` on {machine()}. Release build.
The benchmark organisation ({s['assets']:,} assets, {s['systems']:,} systems, {s['scenarios']:,}
scenarios, {s['measures']:,} measures) imports NIST SP 800-53 rev 5 with the MODERATE baseline
through the API ({lite['library']['control_count']} controls; NIST's HIGH resolved catalog, 2.1 MB,
with the MODERATE profile; resolved, flattened and stored) {IMPORTS} times: server time
{lite['imports'][0]:.0f} / **{lite['imports'][1]:.0f}** ms on SQLite and {pg['imports'][0]:.0f} /
**{pg['imports'][1]:.0f}** ms on PostgreSQL (median / p95). One system is then assessed against
all {lite['controls']} controls one API request each ({lite['assess_s']:.1f} s on SQLite,
{pg['assess_s']:.1f} s on PostgreSQL, client side), and each export asked {a.n} times after three
warm-ups (median / p95 server time):

| export | path | size | SQLite | PostgreSQL |
|---|---|---|---|---|
{chr(10).join(rows)}
"""
    write_section(a.out, "## Additional libraries and OSCAL exports", section)


if __name__ == "__main__":
    main()
