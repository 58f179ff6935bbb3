-- Single sign-on with OpenID Connect (issue 13, ADR 0016). An organisation's administrator sets up
-- its identity providers; the client secret is kept sealed under the installation's
-- key-encryption key (or named as an environment variable of the server), never shown again.
CREATE TABLE sso_providers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- "sealed:<hex>" or "env:<NAME>"
    client_secret TEXT NOT NULL,
    match_claim TEXT NOT NULL,
    create_members BIGINT NOT NULL,
    default_role TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sso_providers_org ON sso_providers (org_id);

-- A sign-in under way: the state (hashed), the nonce and the PKCE verifier it was started with,
-- and where to return. Used once: a second callback with the same state is a replay.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    -- The callback address it was started with: the code is exchanged with the same.
    redirect_uri TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX sso_logins_created ON sso_logins (created_at);

-- The provider's subject, once it has vouched for a member: later sign-ins find the member by
-- it, even if the address at the provider changes.
CREATE TABLE sso_identities (
    provider_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    PRIMARY KEY (provider_id, subject)
);

ALTER TABLE organisations ADD COLUMN password_sign_in BIGINT NOT NULL DEFAULT 1;
-- The provider a session was signed in through (none: a password).
ALTER TABLE sessions ADD COLUMN sso_provider_id TEXT;
