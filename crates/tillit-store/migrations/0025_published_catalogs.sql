-- A requirement catalog an authority publishes: a guidance version that carries a library (the
-- authority's own row in oscal_libraries), and a provider's copy of a published version, which
-- remembers the guidance version it was adopted from.
ALTER TABLE guidance ADD COLUMN library_id TEXT REFERENCES oscal_libraries(id);
ALTER TABLE oscal_libraries ADD COLUMN adopted_from TEXT REFERENCES guidance(id);
CREATE INDEX oscal_libraries_adopted ON oscal_libraries (org_id, adopted_from);
