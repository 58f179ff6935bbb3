-- Additional requirement libraries an organisation imports as OSCAL (a catalog, resolved through a
-- profile where one was given), the systems assessed against them, and those assessments with
-- their history. The resolved catalog is kept as written, for export; its controls are kept as
-- rows, flattened and readable, for listing and assessing.
CREATE TABLE oscal_libraries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    version TEXT NOT NULL,
    oscal_version TEXT NOT NULL,
    -- What was imported: the catalog's title and the profile's, if any.
    catalog_title TEXT NOT NULL,
    profile_title TEXT,
    catalog_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    control_count BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX oscal_libraries_org ON oscal_libraries (org_id, imported_at);
CREATE TABLE oscal_library_controls (
    org_id TEXT NOT NULL,
    library_id TEXT NOT NULL REFERENCES oscal_libraries(id),
    position BIGINT NOT NULL,
    control_id TEXT NOT NULL,
    label TEXT NOT NULL,
    title TEXT NOT NULL,
    group_id TEXT,
    group_title TEXT,
    parent_id TEXT,
    statement TEXT NOT NULL,
    guidance TEXT NOT NULL,
    PRIMARY KEY (library_id, control_id)
);
CREATE INDEX oscal_library_controls_order ON oscal_library_controls (library_id, position);
CREATE TABLE system_libraries (
    org_id TEXT NOT NULL,
    system_id TEXT NOT NULL REFERENCES systems(id),
    library_id TEXT NOT NULL REFERENCES oscal_libraries(id),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (system_id, library_id)
);
CREATE INDEX system_libraries_library ON system_libraries (library_id);
CREATE TABLE library_assessments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    system_id TEXT NOT NULL REFERENCES systems(id),
    library_id TEXT NOT NULL REFERENCES oscal_libraries(id),
    control_id TEXT NOT NULL,
    status TEXT NOT NULL,
    motivation TEXT,
    comment TEXT,
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    UNIQUE (system_id, library_id, control_id)
);
CREATE INDEX library_assessments_library ON library_assessments (library_id);
CREATE TABLE library_assessment_history (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES library_assessments(id),
    status TEXT NOT NULL,
    motivation TEXT,
    comment TEXT,
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL
);
CREATE INDEX library_assessment_history_of ON library_assessment_history (assessment_id, assessed_at);
