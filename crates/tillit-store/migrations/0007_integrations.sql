-- Integrations between systems: a system sends information to, or exchanges it with, another.

CREATE TABLE system_integrations (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    other_id TEXT NOT NULL REFERENCES systems(id),
    description TEXT,
    PRIMARY KEY (system_id, other_id)
);
CREATE INDEX system_integrations_other ON system_integrations(org_id, other_id);

-- The strength of an asset's confidentiality: presumption of secrecy (omvänt skaderekvisit),
-- presumption of openness (rakt skaderekvisit) or absolute secrecy.
ALTER TABLE information_assets ADD COLUMN confidentiality_strength TEXT;
