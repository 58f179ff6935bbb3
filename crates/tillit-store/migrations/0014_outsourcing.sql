-- Outsourcing cases: a supplier's service, the systems and information assets it concerns, and
-- the answers of the guided assessment (JSON of the facts answered in the case).
CREATE TABLE outsourcing_cases (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    service TEXT,
    answers TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, title)
);
CREATE INDEX outsourcing_cases_org ON outsourcing_cases (org_id, title);
CREATE TABLE outsourcing_case_systems (
    org_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES outsourcing_cases(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    PRIMARY KEY (org_id, case_id, system_id)
);
CREATE TABLE outsourcing_case_assets (
    org_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES outsourcing_cases(id),
    asset_id TEXT NOT NULL REFERENCES information_assets(id),
    PRIMARY KEY (org_id, case_id, asset_id)
);
-- Decision records: immutable. The facts are kept whole with their SHA-256, beside the rule
-- set's id and version and the engine's assessment as it was.
CREATE TABLE outsourcing_decisions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    case_id TEXT NOT NULL REFERENCES outsourcing_cases(id),
    decided_by TEXT NOT NULL,
    decided_by_name TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    motivation TEXT NOT NULL,
    conditions TEXT NOT NULL,
    conditions_due_on TEXT,
    facts TEXT NOT NULL,
    facts_sha256 TEXT NOT NULL,
    rule_set_id TEXT NOT NULL,
    rule_set_version TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    assessment TEXT NOT NULL
);
CREATE INDEX outsourcing_decisions_case ON outsourcing_decisions (org_id, case_id, decided_at);
