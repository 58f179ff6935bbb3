-- A system's supplier becomes a reference to the supplier register and its country an ISO 3166-1
-- alpha-2 code chosen from the list. What was written before is kept beside them, never lost: a
-- supplier name not (yet) in the register, a country text that names no country on the list. The
-- application links what it can when it starts and whenever a supplier is added or renamed; the
-- rest is shown to the user to choose.
ALTER TABLE systems RENAME COLUMN supplier TO unlinked_supplier;
ALTER TABLE systems RENAME COLUMN country TO unmatched_country;
ALTER TABLE systems ADD COLUMN supplier_id TEXT REFERENCES suppliers(id);
ALTER TABLE systems ADD COLUMN country TEXT;
CREATE INDEX systems_supplier ON systems (org_id, supplier_id);
