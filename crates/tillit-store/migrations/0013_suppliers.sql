-- The supplier register. The lists and answers an outsourcing assessment reads (jurisdictions,
-- sub-processors, agreements, certifications, locations) are kept together as JSON in `details`;
-- they are read and written with the supplier, never queried on their own.
CREATE TABLE suppliers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    org_number TEXT,
    country TEXT,
    parent_company TEXT,
    parent_country TEXT,
    details TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX suppliers_org ON suppliers (org_id, name);
