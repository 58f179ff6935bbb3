"""Schemathesis hooks of scripts/api_fuzz.py: the rules between fields that JSON Schema cannot
state, taught to the fuzzer so that a body it generates as valid is valid.

An incident's times must come in order: started_at <= discovered_at <= aware_at (the API refuses
any other order with 422 `out_of_order`, which the integration tests check). Before each call the
times of a generated incident body are put in that order. Only values that are already valid
instants are reordered among the three fields, so a body that breaks the document (a negative
case) still breaks it in the same way."""
from datetime import datetime

import schemathesis

TIMES = ("started_at", "discovered_at", "aware_at")


def _instant(v):
    if not isinstance(v, str) or not v:
        return None
    try:
        t = datetime.fromisoformat(v.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


@schemathesis.hook
def before_call(context, case, kwargs):
    op = case.operation
    if not op.path.startswith("/api/v1/incidents") or op.path.endswith("/reports"):
        return
    if case.method.upper() not in ("POST", "PUT") or not isinstance(case.body, dict):
        return
    present = [(k, _instant(case.body.get(k))) for k in TIMES if k in case.body]
    present = [(k, t) for k, t in present if t is not None]
    if len(present) < 2:
        return
    values = sorted((case.body[k] for k, _ in present), key=_instant)
    for (k, _), v in zip(present, values):
        case.body[k] = v
