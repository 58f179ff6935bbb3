-- SQLite: a decision record is never changed or removed.
CREATE TRIGGER outsourcing_decisions_no_update BEFORE UPDATE ON outsourcing_decisions
BEGIN SELECT RAISE(ABORT, 'outsourcing_decisions is append-only'); END;
CREATE TRIGGER outsourcing_decisions_no_delete BEFORE DELETE ON outsourcing_decisions
BEGIN SELECT RAISE(ABORT, 'outsourcing_decisions is append-only'); END;
