-- Incident checklists: the organisation's own contacts (one per role, set by its administrator),
-- the checklists started on an incident and the steps ticked off. Each start and tick is also an
-- audit event of the incident, which is how it reaches the incident's timeline.
CREATE TABLE incident_contacts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    note TEXT,
    updated_at TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    PRIMARY KEY (org_id, role)
);

CREATE TABLE incident_playbooks (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    playbook TEXT NOT NULL,
    version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_by_name TEXT NOT NULL,
    PRIMARY KEY (org_id, incident_id, playbook)
);

CREATE TABLE incident_playbook_steps (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    playbook TEXT NOT NULL,
    step TEXT NOT NULL,
    done_at TEXT NOT NULL,
    done_by_name TEXT NOT NULL,
    PRIMARY KEY (org_id, incident_id, playbook, step)
);
