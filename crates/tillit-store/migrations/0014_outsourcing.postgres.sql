-- PostgreSQL: a decision record is never changed or removed.
CREATE FUNCTION tillit_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'outsourcing_decisions is append-only';
END;
$$;
CREATE TRIGGER outsourcing_decisions_append_only BEFORE UPDATE OR DELETE ON outsourcing_decisions
FOR EACH ROW EXECUTE FUNCTION tillit_decisions_append_only();
