-- Archiving: a register object taken out of the active work keeps its row, history and audit
-- trail; archived_at (and who did it) hides it from the lists, the follow-up and the choices of
-- other forms until it is restored. The scenarios of an archived analysis are archived with it,
-- at the same instant, so that restoring the analysis restores exactly those.
ALTER TABLE information_assets ADD COLUMN archived_at TEXT;
ALTER TABLE information_assets ADD COLUMN archived_by TEXT;
ALTER TABLE systems ADD COLUMN archived_at TEXT;
ALTER TABLE systems ADD COLUMN archived_by TEXT;
ALTER TABLE risk_analyses ADD COLUMN archived_at TEXT;
ALTER TABLE risk_analyses ADD COLUMN archived_by TEXT;
ALTER TABLE risk_scenarios ADD COLUMN archived_at TEXT;
ALTER TABLE risk_scenarios ADD COLUMN archived_by TEXT;
ALTER TABLE measures ADD COLUMN archived_at TEXT;
ALTER TABLE measures ADD COLUMN archived_by TEXT;

-- The text the organisation-wide search reads for a scenario (lower-cased title, threat and
-- vulnerability), as the other registers have; filled for existing rows when the server starts.
ALTER TABLE risk_scenarios ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- The follow-up counts what is in use on every request: its indexes hold only live rows, so that
-- each count stays an index range (the full indexes stay for the other queries).
CREATE INDEX information_assets_live_level ON information_assets(org_id, highest_level) WHERE archived_at IS NULL;
CREATE INDEX information_assets_live_review ON information_assets(org_id, next_review_on) WHERE archived_at IS NULL;
CREATE INDEX systems_live_review ON systems(org_id, next_review_on) WHERE archived_at IS NULL;
CREATE INDEX systems_live_patient ON systems(org_id, patient_data) WHERE archived_at IS NULL;
CREATE INDEX risk_scenarios_live_score ON risk_scenarios(org_id, residual_score) WHERE archived_at IS NULL;
CREATE INDEX risk_scenarios_live_untreated ON risk_scenarios(org_id, treatment, residual_score) WHERE archived_at IS NULL;
CREATE INDEX measures_live_status ON measures(org_id, status, due_on) WHERE archived_at IS NULL;
