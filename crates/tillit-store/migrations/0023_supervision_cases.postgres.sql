-- PostgreSQL: answer files' bytes; decisions and guidance are never changed or removed.
CREATE TABLE case_answer_file_contents (attachment_id TEXT PRIMARY KEY REFERENCES case_answer_files(id), content BYTEA NOT NULL);
CREATE TRIGGER case_decisions_append_only BEFORE UPDATE OR DELETE ON case_decisions
FOR EACH ROW EXECUTE FUNCTION tillit_append_only();
CREATE TRIGGER guidance_append_only BEFORE UPDATE OR DELETE ON guidance
FOR EACH ROW EXECUTE FUNCTION tillit_append_only();
