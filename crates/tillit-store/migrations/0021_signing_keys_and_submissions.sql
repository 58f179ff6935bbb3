-- Each organisation's Ed25519 keys for signing submissions (ADR 0011). The public key is published;
-- the private key is sealed (XChaCha20-Poly1305, nonce then ciphertext, hex) under a key-encryption
-- key kept outside the database, with the organisation and key id as associated data. A rotated
-- key is kept, retired, so that what it signed still verifies.
CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    public_key TEXT NOT NULL,
    sealed_private_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
);
CREATE INDEX signing_keys_org ON signing_keys (org_id, created_at);

-- Submissions: signed status reports a provider sent to one or more authorities. The envelope is
-- kept whole (content, SHA-256, signature); a submission is never changed or removed, only
-- superseded by the provider's next one.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    sha256 TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES signing_keys(id),
    envelope TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by_name TEXT NOT NULL,
    supersedes TEXT REFERENCES submissions(id)
);
CREATE INDEX submissions_org ON submissions (org_id, submitted_at);
CREATE TABLE submission_recipients (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (submission_id, authority_org_id)
);
CREATE INDEX submission_recipients_authority ON submission_recipients (authority_org_id, submission_id);
