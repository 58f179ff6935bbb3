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
