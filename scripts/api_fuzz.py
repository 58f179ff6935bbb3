#!/usr/bin/env python3
"""The API fuzzer of scripts/check: starts `tillit demo` on a free port, makes an API token for the
demo region's coordinator, and runs schemathesis (a bounded number of examples per operation)
against the OpenAPI document. Fails on any server error, any status, content type or body that
does not match the document, and any authentication the document does not describe."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench_platform import login, start, stop  # noqa: E402


def token(url, email="samordnare@norrfjall.example"):
    cookie = login(url, email, "tillit-demo-2026")
    html = urllib.request.urlopen(urllib.request.Request(url + "/account/tokens", headers={"Cookie": cookie})).read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)
    data = urllib.parse.urlencode([("name", "api fuzzer"), ("expires_in_days", "1"), ("scopes", "read"),
                                   ("scopes", "write"), ("csrf", csrf)]).encode()
    page = urllib.request.urlopen(urllib.request.Request(url + "/account/tokens", data=data, headers={"Cookie": cookie})).read().decode()
    i = page.index('id="new-token">') + len('id="new-token">')
    return page[i:i + 68]


def main():
    binary, st, examples = sys.argv[1], sys.argv[2], sys.argv[3]
    d = tempfile.mkdtemp(prefix="tillit-api-fuzz-")
    proc, url, _ = start(binary, ["--data-dir", d, "demo"])
    try:
        t = token(url)
        # Every check, positive_data_acceptance and negative_data_rejection among them: the
        # document states the domain's rules (crates/tillit-web/src/api/rules.rs), so a body it
        # calls valid must be accepted (or meet a 409 for the organisation's records) and one it
        # calls invalid refused. Revoking a token would revoke the fuzzer's own, so that
        # operation is left out. The rules between fields that JSON Schema cannot state (an
        # incident's times in order) are taught to the fuzzer by scripts/api_fuzz_hooks.py.
        # TILLIT_FUZZ_PATHS narrows the run to matching paths (a quicker local check).
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ, SCHEMATHESIS_HOOKS="api_fuzz_hooks",
                   PYTHONPATH=os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])))
        only = os.environ.get("TILLIT_FUZZ_PATHS")
        # Two passes: the region's coordinator over the whole API (the authority's operations
        # answer 403), then IMY's supervision lead over the authority's. Importing a submission
        # file is left out of the second: a body is only accepted with a valid signature, which a
        # fuzzer cannot make (the integration tests check every refusal).
        # Importing a library and publishing a catalog are left out for the same reason: a body
        # the document calls valid holds any JSON object, and only a real OSCAL catalog is
        # accepted (the integration tests check the refusals, each naming `catalog` or `profile`).
        passes = [(t, ["--exclude-path-regex", "^/api/v1/tokens/", "--exclude-name", "POST /api/v1/libraries",
                       "--exclude-name", "POST /api/v1/authority/guidance/catalogs"]),
                  (token(url, "tillsyn@imy.example"),
                   ["--include-path-regex", "^/api/v1/authority/", "--exclude-name", "POST /api/v1/authority/submissions",
                    "--exclude-name", "POST /api/v1/authority/guidance/catalogs"])]
        for secret, filters in passes:
            run = subprocess.run([st, "run", url + "/api/v1/openapi.json", "--checks", "all",
                                  *filters, "--max-examples", examples,
                                  *(["--include-path-regex", only] if only else []),
                                  "-H", f"Authorization: Bearer {secret}", "--no-color"],
                                 capture_output=True, text=True, cwd=d, env=env)
            print("\n".join(run.stdout.splitlines()[-25:]))
            if run.returncode != 0:
                print(run.stdout[-20000:])
                raise SystemExit(f"schemathesis found problems (exit {run.returncode})")
    finally:
        stop(proc)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
