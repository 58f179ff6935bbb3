-- Information assets (informationsmängder) and their classification history.

CREATE TABLE information_assets (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    description TEXT,
    owner_membership_id TEXT REFERENCES memberships(id),
    personal_data BIGINT NOT NULL,
    special_categories TEXT NOT NULL,
    data_subjects TEXT NOT NULL,
    individuals_approx BIGINT,
    confidentiality_provisions TEXT,
    legal_basis TEXT,
    review_interval_months BIGINT NOT NULL,
    confidentiality BIGINT,
    integrity BIGINT,
    availability BIGINT,
    traceability BIGINT,
    highest_level BIGINT,
    classified_at TEXT,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX information_assets_org_name ON information_assets(org_id, name);
CREATE INDEX information_assets_org_level ON information_assets(org_id, highest_level);

CREATE TABLE asset_classifications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    asset_id TEXT NOT NULL REFERENCES information_assets(id),
    confidentiality BIGINT NOT NULL,
    integrity BIGINT NOT NULL,
    availability BIGINT NOT NULL,
    traceability BIGINT NOT NULL,
    motivation TEXT NOT NULL,
    classified_by TEXT NOT NULL,
    classified_at TEXT NOT NULL
);
CREATE INDEX asset_classifications_asset ON asset_classifications(org_id, asset_id, classified_at);
