-- What a decision memo names besides the assessment: the case's reference in the organisation's
-- diary (diarienummer), the member who prepares it (handläggare), and the delegation the decision
-- is made under. The decision records stay append-only: the new column is written with the record.
ALTER TABLE outsourcing_cases ADD COLUMN reference TEXT;
ALTER TABLE outsourcing_cases ADD COLUMN prepared_by TEXT REFERENCES memberships(id);
ALTER TABLE outsourcing_decisions ADD COLUMN delegation TEXT;
