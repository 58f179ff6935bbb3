-- Information systems and IT services, the information assets they process, and a motivated
-- deviation from the classification they inherit.

CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    description TEXT,
    owner_membership_id TEXT REFERENCES memberships(id),
    supplier TEXT,
    hosting TEXT NOT NULL,
    country TEXT,
    review_interval_months BIGINT NOT NULL,
    confidentiality BIGINT,
    integrity BIGINT,
    availability BIGINT,
    traceability BIGINT,
    deviation_motivation TEXT,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX systems_org_name ON systems(org_id, name);

CREATE TABLE system_assets (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    asset_id TEXT NOT NULL REFERENCES information_assets(id),
    PRIMARY KEY (system_id, asset_id)
);
CREATE INDEX system_assets_asset ON system_assets(org_id, asset_id);
