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
