-- Risk analysis (matrix per organisation, analyses, scenarios), measures tracing to scenarios or
-- requirements, and when registers were last reviewed.

CREATE TABLE org_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    risk_likelihoods BIGINT NOT NULL,
    risk_consequences BIGINT NOT NULL,
    risk_tolerance BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE risk_analyses (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    scope TEXT,
    participants TEXT,
    analysed_on TEXT NOT NULL,
    review_interval_months BIGINT NOT NULL,
    reviewed_on TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX risk_analyses_org ON risk_analyses(org_id, analysed_on);

CREATE TABLE risk_analysis_systems (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    analysis_id TEXT NOT NULL REFERENCES risk_analyses(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    PRIMARY KEY (analysis_id, system_id)
);

CREATE TABLE risk_scenarios (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    analysis_id TEXT NOT NULL REFERENCES risk_analyses(id),
    title TEXT NOT NULL,
    threat_key TEXT,
    threat_text TEXT,
    vulnerability TEXT,
    aspects TEXT NOT NULL,
    existing_measures TEXT,
    inherent_likelihood BIGINT NOT NULL,
    inherent_consequence BIGINT NOT NULL,
    treatment TEXT,
    residual_likelihood BIGINT NOT NULL,
    residual_consequence BIGINT NOT NULL,
    -- Residual likelihood × consequence, kept for sorting and counting.
    residual_score BIGINT NOT NULL,
    accepted_by TEXT REFERENCES memberships(id),
    accepted_by_name TEXT,
    accepted_on TEXT,
    acceptance_note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX risk_scenarios_analysis ON risk_scenarios(org_id, analysis_id);
CREATE INDEX risk_scenarios_score ON risk_scenarios(org_id, residual_score);

CREATE TABLE risk_scenario_assets (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    scenario_id TEXT NOT NULL REFERENCES risk_scenarios(id),
    asset_id TEXT NOT NULL REFERENCES information_assets(id),
    PRIMARY KEY (scenario_id, asset_id)
);

CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    description TEXT,
    owner_membership_id TEXT REFERENCES memberships(id),
    due_on TEXT,
    status TEXT NOT NULL,
    cost_sek BIGINT,
    verification TEXT,
    verified_by TEXT,
    verified_at TEXT,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX measures_org_status ON measures(org_id, status, due_on);

CREATE TABLE measure_scenarios (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    measure_id TEXT NOT NULL REFERENCES measures(id),
    scenario_id TEXT NOT NULL REFERENCES risk_scenarios(id),
    PRIMARY KEY (measure_id, scenario_id)
);
CREATE INDEX measure_scenarios_scenario ON measure_scenarios(org_id, scenario_id);

CREATE TABLE measure_requirements (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    measure_id TEXT NOT NULL REFERENCES measures(id),
    -- A system's id or 'organisation', as in assessments.scope_key.
    scope_key TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    PRIMARY KEY (measure_id, scope_key, requirement_id)
);
CREATE INDEX measure_requirements_req ON measure_requirements(org_id, scope_key, requirement_id);

ALTER TABLE information_assets ADD COLUMN reviewed_on TEXT;
ALTER TABLE systems ADD COLUMN reviewed_on TEXT;
