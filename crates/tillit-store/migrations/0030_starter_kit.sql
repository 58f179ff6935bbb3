-- Items adopted from the starter kit: which asset or system came from which item of which kit
-- version, and — for an asset — the suggested classification, which is not a classification:
-- it counts only when the asset's information owner confirms it (then confirmed_at is set and
-- the levels are written to the asset's classification history like any other).
CREATE TABLE kit_adoptions (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    kit_version TEXT NOT NULL,
    item TEXT NOT NULL,
    suggested_confidentiality BIGINT,
    suggested_integrity BIGINT,
    suggested_availability BIGINT,
    suggested_traceability BIGINT,
    suggested_motivation TEXT,
    adopted_at TEXT NOT NULL,
    adopted_by_name TEXT NOT NULL,
    confirmed_at TEXT,
    confirmed_by_name TEXT,
    PRIMARY KEY (org_id, object_type, object_id)
);
CREATE INDEX kit_adoptions_item ON kit_adoptions (org_id, item);
