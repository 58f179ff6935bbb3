-- Self-assessment of the requirements that apply to a system (or to the whole organisation), its
-- history, and the evidence attached to it.

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    system_id TEXT REFERENCES systems(id),
    -- The system's id, or 'organisation' for the organisation-wide assessment.
    scope_key TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    status TEXT NOT NULL,
    motivation TEXT,
    comment TEXT,
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    UNIQUE (org_id, scope_key, requirement_id)
);
CREATE INDEX assessments_org_status ON assessments(org_id, status);

CREATE TABLE assessment_history (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    status TEXT NOT NULL,
    motivation TEXT,
    comment TEXT,
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL
);
CREATE INDEX assessment_history_of ON assessment_history(org_id, assessment_id, assessed_at);

CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    -- 'link' or 'file'
    kind TEXT NOT NULL,
    url TEXT,
    file_name TEXT,
    media_type TEXT,
    size_bytes BIGINT,
    sha256 TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX evidence_of ON evidence(org_id, assessment_id);
