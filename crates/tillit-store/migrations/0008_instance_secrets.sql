-- Secrets of the installation that every instance shares (e.g. the key that signs anonymous CSRF
-- tokens), made on first use and kept across restarts.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
