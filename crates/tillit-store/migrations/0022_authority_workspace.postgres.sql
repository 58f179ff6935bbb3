-- PostgreSQL: what an authority received, and its model versions, are never changed or removed.
CREATE FUNCTION tillit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER received_submissions_append_only BEFORE UPDATE OR DELETE ON received_submissions
FOR EACH ROW EXECUTE FUNCTION tillit_append_only();
CREATE TRIGGER ranking_models_append_only BEFORE UPDATE OR DELETE ON ranking_models
FOR EACH ROW EXECUTE FUNCTION tillit_append_only();

-- Reminders also of a provider's submission schedule: `incident_id` names what a reminder is
-- about (an incident's id, or `submission-schedule:` and the organisation's id), so it no longer refers to incidents.
ALTER TABLE reminders DROP CONSTRAINT IF EXISTS reminders_incident_id_fkey;
