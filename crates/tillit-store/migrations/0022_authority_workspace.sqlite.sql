-- SQLite: what an authority received, and its model versions, are never changed or removed.
CREATE TRIGGER received_submissions_no_update BEFORE UPDATE ON received_submissions
BEGIN SELECT RAISE(ABORT, 'received_submissions is append-only'); END;
CREATE TRIGGER received_submissions_no_delete BEFORE DELETE ON received_submissions
BEGIN SELECT RAISE(ABORT, 'received_submissions is append-only'); END;
CREATE TRIGGER ranking_models_no_update BEFORE UPDATE ON ranking_models
BEGIN SELECT RAISE(ABORT, 'ranking_models is append-only'); END;
CREATE TRIGGER ranking_models_no_delete BEFORE DELETE ON ranking_models
BEGIN SELECT RAISE(ABORT, 'ranking_models is append-only'); END;
