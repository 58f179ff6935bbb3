-- The guided start: a member's mark on a step ("done" for a step the records cannot show, or
-- "skipped"). Steps the records show done need no mark.
CREATE TABLE guide_marks (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    step TEXT NOT NULL,
    mark TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    marked_by_name TEXT NOT NULL,
    PRIMARY KEY (org_id, step)
);
