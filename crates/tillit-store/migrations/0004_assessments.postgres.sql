CREATE TABLE evidence_files (evidence_id TEXT PRIMARY KEY REFERENCES evidence(id), content BYTEA NOT NULL);
