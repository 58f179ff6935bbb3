-- Membership of an organisation is offered by invitation and taken by the person invited: an
-- administrator cannot attach an existing account to an organisation on their own.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    revoked_at TEXT
);
CREATE INDEX invitations_org ON invitations (org_id, created_at);

-- The organisation a person last acted in, where the next sign-in returns.
ALTER TABLE users ADD COLUMN last_org_id TEXT;
