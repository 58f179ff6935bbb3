-- Incidents followed through: e-mail reminders of their deadlines, drafts of their reports, and
-- the measures their lessons became.

-- E-mail reminders of incident reporting deadlines. A reminder is planned once per obligation,
-- point (hours before the deadline, or overdue), deadline and recipient — the unique key — with
-- its message written at planning, so what is sent is what was planned and a restart neither
-- loses nor repeats one. Sending claims a row for a while (several instances may run); a failure
-- counts an attempt and sets when to try again.
CREATE TABLE reminders (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    obligation TEXT NOT NULL,
    point TEXT NOT NULL,
    due_at TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT,
    sent_at TEXT,
    UNIQUE (incident_id, obligation, point, due_at, recipient)
);
CREATE INDEX reminders_due ON reminders (sent_at, next_attempt_at);
CREATE INDEX reminders_incident ON reminders (org_id, incident_id);

-- A report's draft as the organisation edited it (the fields as JSON), once per obligation;
-- until one is saved the page pre-fills it from the register.
CREATE TABLE incident_report_drafts (
    org_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    fields TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    PRIMARY KEY (org_id, incident_id, kind)
);

-- The measures an incident's lessons became, so the incident shows how its lessons are acted on
-- and a measure can be traced back to the incident.
CREATE TABLE incident_measures (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    measure_id TEXT NOT NULL REFERENCES measures(id),
    PRIMARY KEY (org_id, incident_id, measure_id)
);
CREATE INDEX incident_measures_measure ON incident_measures (org_id, measure_id);

-- The incident's log: entries written as it is handled (when, by whom, what). Changes to the
-- incident itself come from the audit trail; together they are its timeline.
CREATE TABLE incident_entries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    at TEXT NOT NULL,
    by_name TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX incident_entries_incident ON incident_entries (org_id, incident_id, at);

-- Attachments to an incident, as evidence is to an assessment: links, or files whose bytes are
-- kept in incident_attachment_files (made per database: BLOB or BYTEA).
CREATE TABLE incident_attachments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    url TEXT,
    file_name TEXT,
    media_type TEXT,
    size_bytes BIGINT,
    sha256 TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX incident_attachments_of ON incident_attachments (org_id, incident_id);
