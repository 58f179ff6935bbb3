#!/usr/bin/env python3
"""Measures Tillit's platform foundation and writes the table in docs/performance.md.

Start-up: time from launching `tillit serve` on a new SQLite database to /readyz answering 200
(median and p95 of N runs). Memory: resident set (VmRSS) after start-up and a few requests, idle.
Load: wrk on loopback against the authenticated overview page of the demo region's administrator
(5 database queries per page), on SQLite and on PostgreSQL, in the same run.
"""
import argparse, json, os, re, shutil, socket, statistics, subprocess, tempfile, time
import urllib.request, urllib.parse, http.cookiejar, platform, datetime

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start(binary, args, env_extra=None):
    port = free_port()
    env = dict(os.environ, TILLIT_LOG="warn", **(env_extra or {}))
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary] + args + ["--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as r:
                if r.status == 200:
                    return proc, url, time.perf_counter() - t0
        except Exception:
            time.sleep(0.002)
    proc.kill()
    raise SystemExit("Tillit did not become ready")

def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()

def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def pct(values, p):
    v = sorted(values)
    k = max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))
    return v[k]

def login(url, email, password):
    jar = http.cookiejar.CookieJar()
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    html = opener.open(url + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf": csrf}).encode()
    try:
        opener.open(urllib.request.Request(url + "/login", data=data, headers={"Origin": url}))
    except urllib.error.HTTPError as e:
        if e.code != 303:
            raise
    cookie = next(c for c in jar if c.name == "tillit_session")
    return f"tillit_session={cookie.value}"

def wrk(url, cookie, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}", "-H", "Accept-Language: sv", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def lat(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat("50"), "p99": lat("99"), "non2xx": int(errors.group(1)) if errors else 0, "raw": out}

def write_section(path, title, section):
    """Replaces the section that starts with `title` in docs/performance.md (or adds it)."""
    existing = open(path).read() if os.path.exists(path) else "# Performance\n\nEvery figure here was measured by the command named with it; compare ratios within one run.\n"
    if title in existing:
        head, _, rest = existing.partition(title)
        nxt = rest.find("\n## ")
        existing = head + (rest[nxt + 1:] if nxt >= 0 else "")
    with open(path, "w") as f:
        f.write(existing.rstrip() + "\n\n" + section)
    print(section)

def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip(); break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--starts", type=int, default=15)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=32)
    a = ap.parse_args()
    results = {}

    # 1. Start-up on a new SQLite database (migrations included), and idle memory.
    times, rss = [], []
    for _ in range(a.starts):
        d = tempfile.mkdtemp(prefix="tillit-bench-")
        proc, url, elapsed = start(a.binary, ["--data-dir", d, "serve"])
        times.append(elapsed * 1000)
        for _ in range(5):
            urllib.request.urlopen(url + "/login").read()
        time.sleep(0.5)
        rss.append(rss_mib(proc.pid))
        stop(proc)
        shutil.rmtree(d, ignore_errors=True)
    results["startup"] = (statistics.median(times), pct(times, 95))
    results["rss"] = (statistics.median(rss), max(rss))

    # 2. Authenticated overview under load, SQLite then PostgreSQL, demo data.
    loads = {}
    pg_db = "tillit_bench"
    subprocess.run(["psql", a.postgres, "-q", "-c", f"DROP DATABASE IF EXISTS {pg_db}", "-c", f"CREATE DATABASE {pg_db}"], check=True, capture_output=True)
    pg_url = a.postgres.rsplit("/", 1)[0] + "/" + pg_db
    for name, args in [("SQLite", None), ("PostgreSQL", ["--database-url", pg_url, "demo"])]:
        d = tempfile.mkdtemp(prefix="tillit-bench-")
        proc, url, _ = start(a.binary, args or ["--data-dir", d, "demo"])
        cookie = login(url, "admin@norrfjall.example", "tillit-demo-2026")
        with urllib.request.urlopen(urllib.request.Request(url + "/overview", headers={"Cookie": cookie})) as r:
            body = r.read().decode()
            assert r.status == 200 and "Region Norrfjäll" in body, "the overview must be the signed-in page"
        wrk(url + "/overview", cookie, 3, a.connections)  # warm-up
        loads[name] = wrk(url + "/overview", cookie, a.seconds, a.connections)
        loads[name]["rss_after"] = rss_mib(proc.pid)
        stop(proc)
        shutil.rmtree(d, ignore_errors=True)
    results["load"] = loads

    ratio = loads["PostgreSQL"]["rps"] / loads["SQLite"]["rps"]
    today = datetime.date.today().isoformat()
    rows = [
        ("Start to `/readyz` ready, new SQLite database", f"{a.starts} starts", f"{results['startup'][0]:.0f} ms", f"{results['startup'][1]:.0f} ms (p95)", "< 1 s"),
        ("Resident memory, idle after start", f"{a.starts} starts", f"{results['rss'][0]:.1f} MiB", f"{results['rss'][1]:.1f} MiB (max)", "< 40 MB"),
    ]
    for name in ["SQLite", "PostgreSQL"]:
        l = loads[name]
        rows.append((f"Authenticated `/overview`, {name}, wrk -t2 -c{a.connections} -d{a.seconds}s", "demo data",
                     f"{l['rps']:.0f} req/s", f"p50 {l['p50']:.2f} ms, p99 {l['p99']:.2f} ms", "≥ 2,000 req/s, p99 < 50 ms" if name == "SQLite" else "for comparison"))
    table = "\n".join(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows)
    section = f"""## Platform foundation

Measured {today} by `scripts/bench` on {machine()}. Release build; wrk and Tillit share the
machine's cores, so the load figures are a floor, not a ceiling. Non-2xx answers during load:
SQLite {loads['SQLite']['non2xx']}, PostgreSQL {loads['PostgreSQL']['non2xx']}. PostgreSQL / SQLite
throughput ratio in the same run: {ratio:.2f}. Resident memory after the SQLite load run:
{loads['SQLite']['rss_after']:.1f} MiB.

| what | scale | median / throughput | tail | target |
|---|---|---|---|---|
{table}

The overview page is the administrator's: it reads the session, the memberships, the members per
role and the five latest audit events (5 queries), renders the template and sets the security
headers. PostgreSQL is a throw-away local cluster made by `scripts/lib/postgres.sh` with
`fsync=off`, so its figures show the query path rather than disk durability.
"""
    write_section(a.out, "## Platform foundation", section)

if __name__ == "__main__":
    main()
