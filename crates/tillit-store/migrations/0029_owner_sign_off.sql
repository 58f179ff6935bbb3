-- An information owner's decision — accepting a risk above tolerance, approving an access-needs
-- analysis — counts when the owner made it, signed in. Entered by someone else (a coordinator preparing it), it is a request that
-- waits on the owner: accepted_by names the owner asked, acceptance_requested_by who asked, and
-- acceptance_signed_at stays empty until the owner accepts (a refusal clears the request).
ALTER TABLE risk_scenarios ADD COLUMN acceptance_signed_at TEXT;
ALTER TABLE risk_scenarios ADD COLUMN acceptance_requested_by TEXT;
-- Decisions recorded before sign-off existed were entered as the owner's: they keep counting,
-- dated as recorded.
UPDATE risk_scenarios SET acceptance_signed_at = accepted_on WHERE accepted_by IS NOT NULL;
CREATE INDEX risk_scenarios_awaiting_owner ON risk_scenarios(org_id, accepted_by)
    WHERE accepted_by IS NOT NULL AND acceptance_signed_at IS NULL AND archived_at IS NULL;

-- The same for the approval of an access-needs analysis.
ALTER TABLE access_analyses ADD COLUMN approval_signed_at TEXT;
ALTER TABLE access_analyses ADD COLUMN approval_requested_by TEXT;
UPDATE access_analyses SET approval_signed_at = approved_on WHERE approved_by IS NOT NULL;
