-- The facts the law turns on, kept per organisation and defaulted from its kind; the catalog
-- version it works against (existing organisations stay on version 1 until they upgrade).
ALTER TABLE organisations ADD COLUMN legal_form TEXT NOT NULL DEFAULT 'private';
ALTER TABLE organisations ADD COLUMN care TEXT NOT NULL DEFAULT 'health';
ALTER TABLE organisations ADD COLUMN employees BIGINT;
ALTER TABLE organisations ADD COLUMN turnover_meur BIGINT;
ALTER TABLE organisations ADD COLUMN balance_meur BIGINT;
ALTER TABLE organisations ADD COLUMN cybersecurity_override BIGINT;
ALTER TABLE organisations ADD COLUMN dpo_override BIGINT;
ALTER TABLE organisations ADD COLUMN security_sensitive BIGINT;
ALTER TABLE organisations ADD COLUMN controllers TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN catalog_version TEXT NOT NULL DEFAULT '1';
UPDATE organisations SET legal_form = 'region' WHERE kind = 'region';
UPDATE organisations SET legal_form = 'municipality', care = 'both' WHERE kind = 'municipality';

-- Data on criminal offences is GDPR art. 10, not a special category of art. 9: its own fact.
ALTER TABLE information_assets ADD COLUMN offences BIGINT NOT NULL DEFAULT 0;
UPDATE information_assets SET offences = 1
    WHERE (',' || special_categories || ',') LIKE '%,offences,%';

-- What a catalog upgrade asks to be assessed again (a changed requirement) or for the first time
-- (a new one), per scope; an assessment of the requirement in the scope settles it.
CREATE TABLE reassessments (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    -- The system's id, or 'organisation', as in assessments.
    scope_key TEXT NOT NULL,
    system_id TEXT REFERENCES systems(id),
    requirement_id TEXT NOT NULL,
    -- 'changed' or 'added'
    reason TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, scope_key, requirement_id)
);
