-- PostgreSQL: a submission is never changed or removed.
CREATE FUNCTION tillit_submissions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'submissions is append-only';
END;
$$;
CREATE TRIGGER submissions_append_only BEFORE UPDATE OR DELETE ON submissions
FOR EACH ROW EXECUTE FUNCTION tillit_submissions_append_only();
