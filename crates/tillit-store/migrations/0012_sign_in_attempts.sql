-- Sign-in attempts counted for the throttle, in the database so that every instance on it and
-- every restart see the same counts. One row per counted key (account and address, account,
-- address) of an attempt; a successful sign-in removes its own reservation.
CREATE TABLE sign_in_attempts (
    id TEXT PRIMARY KEY,
    attempt_key TEXT NOT NULL,
    reservation TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts (attempt_key, at_ms);
CREATE INDEX sign_in_attempts_reservation ON sign_in_attempts (reservation);
