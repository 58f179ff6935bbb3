-- SQLite: what an authority received, and its model versions, are never changed or removed.
CREATE TRIGGER received_submissions_no_update BEFORE UPDATE ON received_submissions
BEGIN SELECT RAISE(ABORT, 'received_submissions is append-only'); END;
CREATE TRIGGER received_submissions_no_delete BEFORE DELETE ON received_submissions
BEGIN SELECT RAISE(ABORT, 'received_submissions is append-only'); END;
CREATE TRIGGER ranking_models_no_update BEFORE UPDATE ON ranking_models
BEGIN SELECT RAISE(ABORT, 'ranking_models is append-only'); END;
CREATE TRIGGER ranking_models_no_delete BEFORE DELETE ON ranking_models
BEGIN SELECT RAISE(ABORT, 'ranking_models is append-only'); END;

-- Reminders also of a provider's submission schedule: `incident_id` names what a reminder is
-- about (an incident's id, or `submission-schedule:` and the organisation's id), so it no longer refers to incidents. SQLite
-- drops a reference by rebuilding the table.
CREATE TABLE reminders_v2 (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL,
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
INSERT INTO reminders_v2 (id, org_id, incident_id, obligation, point, due_at, recipient, subject, body,
    created_at, attempts, next_attempt_at, claimed_until, last_error, sent_at)
SELECT id, org_id, incident_id, obligation, point, due_at, recipient, subject, body,
    created_at, attempts, next_attempt_at, claimed_until, last_error, sent_at FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_v2 RENAME TO reminders;
CREATE INDEX reminders_due ON reminders (sent_at, next_attempt_at);
CREATE INDEX reminders_incident ON reminders (org_id, incident_id);
