-- What a scope's compliance depends on: its assessments (an organisation-wide one counts for
-- every system), a system's levels, hosting, country, the assets it processes and their
-- classification and personal-data facts, whether it is archived, and the organisation's facts
-- and catalog version.
-- Marks in the order of the scopes (systems by id, then 'organisation', which sorts after every
-- id), the order a recomputation takes them in.
CREATE FUNCTION compliance_mark(org TEXT, one_scope TEXT, whole_org BOOLEAN) RETURNS void AS $$
BEGIN
    IF whole_org THEN
        INSERT INTO compliance_dirty (org_id, scope, mark)
            SELECT s.org_id, s.id, 1 FROM systems s WHERE s.org_id = org ORDER BY s.id
            ON CONFLICT (org_id, scope) DO UPDATE SET mark = compliance_dirty.mark + 1;
    END IF;
    INSERT INTO compliance_dirty (org_id, scope, mark) VALUES (org, one_scope, 1)
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = compliance_dirty.mark + 1;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION compliance_on_assessment() RETURNS trigger AS $$
DECLARE
    r assessments%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM compliance_mark(r.org_id, COALESCE(r.system_id, 'organisation'), r.system_id IS NULL);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_assessment AFTER INSERT OR DELETE OR UPDATE OF status, system_id ON assessments
    FOR EACH ROW EXECUTE FUNCTION compliance_on_assessment();

CREATE FUNCTION compliance_on_system() RETURNS trigger AS $$
BEGIN
    PERFORM compliance_mark(NEW.org_id, NEW.id, false);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_system AFTER INSERT OR UPDATE OF confidentiality, integrity, availability, traceability, hosting, country, unmatched_country, archived_at ON systems
    FOR EACH ROW EXECUTE FUNCTION compliance_on_system();

CREATE FUNCTION compliance_on_system_assets() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM compliance_mark(OLD.org_id, OLD.system_id, false);
    ELSE
        PERFORM compliance_mark(NEW.org_id, NEW.system_id, false);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_system_assets AFTER INSERT OR DELETE ON system_assets
    FOR EACH ROW EXECUTE FUNCTION compliance_on_system_assets();

CREATE FUNCTION compliance_on_asset() RETURNS trigger AS $$
BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT sa.org_id, sa.system_id, 1 FROM system_assets sa WHERE sa.asset_id = NEW.id AND sa.org_id = NEW.org_id
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = compliance_dirty.mark + 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_asset AFTER UPDATE OF personal_data, special_categories, data_subjects, confidentiality_provisions, offences,
        confidentiality, integrity, availability, traceability ON information_assets
    FOR EACH ROW EXECUTE FUNCTION compliance_on_asset();

CREATE FUNCTION compliance_on_organisation() RETURNS trigger AS $$
BEGIN
    PERFORM compliance_mark(NEW.id, 'organisation', true);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_organisation AFTER INSERT OR UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION compliance_on_organisation();
