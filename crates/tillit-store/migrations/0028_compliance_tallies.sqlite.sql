-- What a scope's compliance depends on: its assessments (an organisation-wide one counts for
-- every system), a system's levels, hosting, country, the assets it processes and their
-- classification and personal-data facts, whether it is archived, and the organisation's facts
-- and catalog version.
CREATE TRIGGER compliance_assessment_insert AFTER INSERT ON assessments BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT NEW.org_id, COALESCE(NEW.system_id, 'organisation'), 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT org_id, id, 1 FROM systems WHERE org_id = NEW.org_id AND NEW.system_id IS NULL
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_assessment_update AFTER UPDATE OF status, system_id ON assessments BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT NEW.org_id, COALESCE(NEW.system_id, 'organisation'), 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT org_id, id, 1 FROM systems WHERE org_id = NEW.org_id AND NEW.system_id IS NULL
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_assessment_delete AFTER DELETE ON assessments BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT OLD.org_id, COALESCE(OLD.system_id, 'organisation'), 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT org_id, id, 1 FROM systems WHERE org_id = OLD.org_id AND OLD.system_id IS NULL
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_system_insert AFTER INSERT ON systems BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark) SELECT NEW.org_id, NEW.id, 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_system_update
    AFTER UPDATE OF confidentiality, integrity, availability, traceability, hosting, country, unmatched_country, archived_at ON systems BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark) SELECT NEW.org_id, NEW.id, 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_system_assets_insert AFTER INSERT ON system_assets BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark) SELECT NEW.org_id, NEW.system_id, 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_system_assets_delete AFTER DELETE ON system_assets BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark) SELECT OLD.org_id, OLD.system_id, 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_asset_update
    AFTER UPDATE OF personal_data, special_categories, data_subjects, confidentiality_provisions, offences,
        confidentiality, integrity, availability, traceability ON information_assets BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT org_id, system_id, 1 FROM system_assets WHERE asset_id = NEW.id AND org_id = NEW.org_id
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_organisation_update AFTER UPDATE ON organisations BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark) SELECT NEW.id, 'organisation', 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
    INSERT INTO compliance_dirty (org_id, scope, mark)
        SELECT org_id, id, 1 FROM systems WHERE org_id = NEW.id
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER compliance_organisation_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO compliance_dirty (org_id, scope, mark) SELECT NEW.id, 'organisation', 1 WHERE true
        ON CONFLICT (org_id, scope) DO UPDATE SET mark = mark + 1;
END;
