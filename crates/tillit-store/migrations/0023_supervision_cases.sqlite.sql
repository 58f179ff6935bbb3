-- SQLite: answer files' bytes; decisions and guidance are never changed or removed.
CREATE TABLE case_answer_file_contents (attachment_id TEXT PRIMARY KEY REFERENCES case_answer_files(id), content BLOB NOT NULL);
CREATE TRIGGER case_decisions_no_update BEFORE UPDATE ON case_decisions
BEGIN SELECT RAISE(ABORT, 'case_decisions is append-only'); END;
CREATE TRIGGER case_decisions_no_delete BEFORE DELETE ON case_decisions
BEGIN SELECT RAISE(ABORT, 'case_decisions is append-only'); END;
CREATE TRIGGER guidance_no_update BEFORE UPDATE ON guidance
BEGIN SELECT RAISE(ABORT, 'guidance is append-only'); END;
CREATE TRIGGER guidance_no_delete BEFORE DELETE ON guidance
BEGIN SELECT RAISE(ABORT, 'guidance is append-only'); END;
