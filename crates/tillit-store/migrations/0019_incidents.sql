-- The incident register. The times the deadlines run from are columns (UTC, RFC 3339); the rest of
-- what the register holds about an incident is kept together as JSON in `details`, read and
-- written with the incident. The systems and assets it touched are links, so their classification
-- and personal data come from the registers. A report marked sent records when, by whom and the
-- recipient's reference, once per obligation.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    aware_at TEXT NOT NULL,
    started_at TEXT,
    discovered_at TEXT,
    supplier_id TEXT REFERENCES suppliers(id),
    details TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX incidents_org ON incidents (org_id, aware_at);
CREATE TABLE incident_systems (
    org_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    PRIMARY KEY (org_id, incident_id, system_id)
);
CREATE TABLE incident_assets (
    org_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    asset_id TEXT NOT NULL REFERENCES information_assets(id),
    PRIMARY KEY (org_id, incident_id, asset_id)
);
CREATE TABLE incident_reports (
    org_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    sent_by_name TEXT NOT NULL,
    reference TEXT,
    PRIMARY KEY (org_id, incident_id, kind)
);
