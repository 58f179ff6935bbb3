-- The authority's workspace (ADR 0012): its registry of the organisations in its remit, the
-- submissions it received (sent inside this Tillit, or imported as files from another), the
-- versions of its ranking model, and the ranking last computed.

-- The registry, one row per organisation number in the authority's remit. `generated` marks rows
-- the demo made up; `public_key` is the provider's published Ed25519 key (hex), against which an
-- imported submission file is checked.
CREATE TABLE registry_entries (
    id TEXT PRIMARY KEY,
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    org_number TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    county TEXT NOT NULL DEFAULT '',
    individuals BIGINT,
    kinds_of_care TEXT NOT NULL DEFAULT '',
    nis2_class TEXT NOT NULL DEFAULT 'unknown',
    last_supervised_on TEXT,
    public_key TEXT NOT NULL DEFAULT '',
    generated BIGINT NOT NULL DEFAULT 0,
    -- Name and number lower-cased in Rust (SQL's LOWER leaves Å, Ä and Ö as they are).
    search_text TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (authority_org_id, org_number)
);
CREATE INDEX registry_entries_county ON registry_entries (authority_org_id, county);

-- What the authority received: one row per submission and recipient. A submission sent inside
-- this Tillit points at it (`submission_id`); an imported file keeps its envelope here. `figures`
-- is the content the ranking reads. Never changed or removed.
CREATE TABLE received_submissions (
    id TEXT PRIMARY KEY,
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    org_number TEXT NOT NULL,
    org_name TEXT NOT NULL,
    submission_id TEXT REFERENCES submissions(id),
    envelope TEXT,
    sha256 TEXT NOT NULL,
    key_id TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by_name TEXT NOT NULL,
    figures TEXT NOT NULL
);
-- Not unique: a provider may send the same content twice; an imported file already received is
-- refused by the import.
CREATE INDEX received_submissions_sha ON received_submissions (authority_org_id, sha256);
CREATE INDEX received_submissions_org ON received_submissions (authority_org_id, org_number, submitted_at);
CREATE INDEX received_submissions_time ON received_submissions (authority_org_id, submitted_at);
-- Each organisation's latest submission to the authority, kept as submissions arrive, so that
-- ranking reads one small row per organisation rather than every envelope received.
CREATE TABLE latest_submissions (
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    org_number TEXT NOT NULL,
    received_id TEXT NOT NULL REFERENCES received_submissions(id),
    submitted_at TEXT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (authority_org_id, org_number)
);

-- Every version of an authority's ranking model; the highest is in force.
CREATE TABLE ranking_models (
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    PRIMARY KEY (authority_org_id, version)
);

-- The ranking last computed, one row per registry entry, and when and with which model version it
-- was computed; `stale` is set when the registry or the submissions change.
CREATE TABLE rankings (
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    entry_id TEXT NOT NULL REFERENCES registry_entries(id) ON DELETE CASCADE,
    -- The score in tenths (0–1000), likelihood and consequence in thousandths: whole numbers, so
    -- that both databases order and compare them alike.
    score_tenths BIGINT NOT NULL,
    likelihood_permille BIGINT NOT NULL,
    consequence_permille BIGINT NOT NULL,
    county TEXT NOT NULL,
    kind TEXT NOT NULL,
    nis2_class TEXT NOT NULL,
    top_factor TEXT NOT NULL,
    missing_submission BIGINT NOT NULL,
    -- The registry row's name, number and mark, so that a page of the ranking reads one table.
    name TEXT NOT NULL,
    org_number TEXT NOT NULL,
    generated BIGINT NOT NULL,
    PRIMARY KEY (authority_org_id, entry_id)
);
CREATE INDEX rankings_score ON rankings (authority_org_id, score_tenths DESC, entry_id);
CREATE TABLE ranking_runs (
    authority_org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    model_version BIGINT NOT NULL,
    computed_on TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    stale BIGINT NOT NULL DEFAULT 0
);

-- A provider's submission schedule: a status report every `period_months` months to the
-- authorities named (a JSON list of their organisation ids).
CREATE TABLE submission_schedules (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    period_months BIGINT NOT NULL,
    authority_ids TEXT NOT NULL,
    set_on TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
