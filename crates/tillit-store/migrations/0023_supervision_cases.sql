-- Supervision cases (tillsynsärenden): opened by an authority about a provider in its registry;
-- the requests it sends and the provider's answers, its decisions (never changed: a correction is
-- a new decision naming the one it corrects), an order's required actions and their follow-up,
-- the sharing with a co-supervising authority, the authority's handling-time targets, and the
-- guidance it publishes.

CREATE TABLE supervision_cases (
    id TEXT PRIMARY KEY,
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    -- The case's number at the authority, e.g. 2026-0042.
    reference TEXT NOT NULL,
    org_number TEXT NOT NULL,
    org_name TEXT NOT NULL,
    -- The provider, when it uses this Tillit: it then sees the requests and decisions addressed
    -- to it.
    provider_org_id TEXT REFERENCES organisations(id),
    case_type TEXT NOT NULL,
    title TEXT NOT NULL,
    background TEXT,
    origin_ref TEXT,
    ranking_score BIGINT,
    officer_id TEXT REFERENCES users(id),
    officer_name TEXT NOT NULL,
    state TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    first_request_at TEXT,
    answers_complete_at TEXT,
    decided_at TEXT,
    closed_at TEXT,
    close_motivation TEXT,
    -- Waiting for the provider: seconds in waits that ended, the start of the wait going on (a
    -- request out and unanswered), and the seconds waited before the first decision.
    waited_seconds BIGINT NOT NULL DEFAULT 0,
    waiting_since TEXT,
    waited_before_decision BIGINT,
    open_requests BIGINT NOT NULL DEFAULT 0,
    search_text TEXT NOT NULL DEFAULT '',
    generated BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    UNIQUE (authority_org_id, reference)
);
CREATE INDEX supervision_cases_state ON supervision_cases (authority_org_id, state, opened_at);
CREATE INDEX supervision_cases_opened ON supervision_cases (authority_org_id, opened_at);
CREATE INDEX supervision_cases_number ON supervision_cases (org_number, state);
CREATE INDEX supervision_cases_provider ON supervision_cases (provider_org_id, opened_at);
-- Everything the handling-time statistics read, so that they scan the index alone: the open
-- cases (closed_at empty) and those closed since a period began are two ranges of it.
CREATE INDEX supervision_cases_times ON supervision_cases (authority_org_id, closed_at, opened_at,
    decided_at, case_type, waited_seconds, waiting_since, waited_before_decision, id);

-- The case's team beside its officer.
CREATE TABLE case_team (
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- The timeline: every step, in order. `for_provider` marks what the provider sees (requests,
-- answers, decisions, reports, verifications, closing); notes and sharing stay with the
-- authorities.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_org_id TEXT NOT NULL REFERENCES organisations(id),
    actor_org_name TEXT NOT NULL,
    text TEXT,
    object_id TEXT,
    for_provider BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE case_requests (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    sent_at TEXT NOT NULL,
    sent_by_name TEXT NOT NULL,
    questions TEXT NOT NULL,
    -- A JSON list of the documents asked for.
    documents TEXT NOT NULL,
    deadline TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX case_requests_case ON case_requests (case_id, sent_at);
CREATE INDEX case_requests_open ON case_requests (answered_at, deadline);

-- An answer, with the signed extract of the provider's registers it attached (the envelope,
-- like a submission's), never changed.
CREATE TABLE case_answers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    request_id TEXT NOT NULL REFERENCES case_requests(id),
    answered_at TEXT NOT NULL,
    answered_by_name TEXT NOT NULL,
    text TEXT NOT NULL,
    extract TEXT,
    extract_sha256 TEXT,
    extract_objects BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_answers_case ON case_answers (case_id, answered_at);

-- Files and links attached to an answer; `org_id` is the provider's.
CREATE TABLE case_answer_files (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    answer_id TEXT NOT NULL REFERENCES case_answers(id),
    kind TEXT NOT NULL,
    url TEXT,
    file_name TEXT,
    media_type TEXT,
    size_bytes BIGINT,
    sha256 TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX case_answer_files_answer ON case_answer_files (answer_id);

-- Decisions, never changed or removed. `document` holds the findings and the amounts.
CREATE TABLE case_decisions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    issued_at TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    decided_by_id TEXT REFERENCES users(id),
    decided_by_name TEXT NOT NULL,
    outcome TEXT NOT NULL,
    summary TEXT NOT NULL,
    document TEXT NOT NULL,
    corrects_id TEXT REFERENCES case_decisions(id)
);
CREATE INDEX case_decisions_case ON case_decisions (case_id, issued_at);

-- An order's required actions and their follow-up; a correcting decision supersedes the
-- actions of the one it corrects. `measure_id` is the measure in the provider's action plan.
CREATE TABLE case_actions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    decision_id TEXT NOT NULL REFERENCES case_decisions(id),
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    due_on TEXT NOT NULL,
    measure_id TEXT REFERENCES measures(id),
    report TEXT,
    reported_at TEXT,
    reported_by_name TEXT,
    verdict TEXT NOT NULL DEFAULT 'pending',
    verdict_reason TEXT,
    verified_at TEXT,
    verified_by_name TEXT,
    superseded BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_actions_case ON case_actions (case_id, decision_id, position);
CREATE INDEX case_actions_measure ON case_actions (measure_id);

-- Co-supervision: the case shared with another authority, read-only, until revoked.
CREATE TABLE case_shares (
    case_id TEXT NOT NULL REFERENCES supervision_cases(id),
    partner_org_id TEXT NOT NULL REFERENCES organisations(id),
    shared_at TEXT NOT NULL,
    shared_by_name TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by_name TEXT,
    PRIMARY KEY (case_id, partner_org_id)
);
CREATE INDEX case_shares_partner ON case_shares (partner_org_id, revoked_at);

-- The authority's handling-time targets: days to a decision per case type, its own days.
CREATE TABLE case_targets (
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    case_type TEXT NOT NULL,
    target_days BIGINT NOT NULL,
    PRIMARY KEY (authority_org_id, case_type)
);

-- Guidance an authority publishes (Markdown), every version kept.
CREATE TABLE guidance (
    id TEXT PRIMARY KEY,
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    doc_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Semicolon-separated topics and kinds of organisation concerned (empty: all kinds).
    topics TEXT NOT NULL,
    org_kinds TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by_name TEXT NOT NULL,
    UNIQUE (authority_org_id, doc_key, version)
);
CREATE INDEX guidance_published ON guidance (published_at);
