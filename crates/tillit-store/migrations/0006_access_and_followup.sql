-- Access-needs analyses (behovs- och riskanalys, PDL 4 kap. 2 §) per system, and daily snapshots of
-- the key figures for the follow-up trend.

CREATE TABLE access_analyses (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    risks_wider TEXT NOT NULL,
    risks_narrower TEXT,
    access_rules TEXT NOT NULL,
    approved_by TEXT REFERENCES memberships(id),
    approved_by_name TEXT,
    approved_on TEXT,
    next_review_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, system_id)
);

CREATE TABLE access_groups (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    analysis_id TEXT NOT NULL REFERENCES access_analyses(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    information_needed TEXT NOT NULL,
    reason TEXT NOT NULL,
    access_rule TEXT
);
CREATE INDEX access_groups_of ON access_groups(org_id, analysis_id, position);

CREATE TABLE daily_snapshots (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    day TEXT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (org_id, day)
);


-- When each asset and system is next due for review (last review, or creation, plus its interval).
ALTER TABLE information_assets ADD COLUMN next_review_on TEXT;
ALTER TABLE systems ADD COLUMN next_review_on TEXT;
CREATE INDEX information_assets_org_next_review ON information_assets(org_id, next_review_on);
CREATE INDEX systems_org_next_review ON systems(org_id, next_review_on);

-- Whether any measure traces to the assessed requirement in its scope: kept by the store when
-- measures or assessments change, so "unmet requirements with no measure" is an index lookup.
ALTER TABLE assessments ADD COLUMN has_measure BIGINT NOT NULL DEFAULT 0;
CREATE INDEX assessments_gap ON assessments(org_id, status, has_measure, requirement_id);

-- Whether a system processes patient data (patients among an asset's data subjects, or 25 kap.
-- OSL), kept by the store when assets or a system's assets change.
ALTER TABLE systems ADD COLUMN patient_data BIGINT NOT NULL DEFAULT 0;
CREATE INDEX systems_org_patient ON systems(org_id, patient_data);
CREATE INDEX risk_scenarios_untreated ON risk_scenarios(org_id, treatment, residual_score);
