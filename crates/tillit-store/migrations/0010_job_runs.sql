-- Background tasks claim each run (a task and its time slot) here, so that with several
-- instances on one database each run happens once.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    instance TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (job, slot)
);
