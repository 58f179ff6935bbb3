-- The figures of every submission an authority receives that its national figures read, taken
-- out of the kept JSON once, when the submission arrives, so that aggregating 100,000 of them is
-- a query over whole numbers. `last_in_quarter` marks each organisation's last submission of a
-- quarter (the trend reads one per organisation and quarter).
CREATE TABLE submission_figures (
    received_id TEXT PRIMARY KEY REFERENCES received_submissions(id),
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    org_number TEXT NOT NULL,
    kind TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    quarter TEXT NOT NULL,
    last_in_quarter BIGINT NOT NULL DEFAULT 0,
    has_compliance BIGINT NOT NULL,
    compliance_percent BIGINT NOT NULL,
    risk_current BIGINT NOT NULL,
    access_current BIGINT NOT NULL,
    incidents_12m BIGINT NOT NULL,
    has_unclassified BIGINT NOT NULL,
    has_untreated_risks BIGINT NOT NULL,
    has_overdue_measures BIGINT NOT NULL,
    has_missing_access BIGINT NOT NULL,
    has_overdue_reports BIGINT NOT NULL
);
CREATE INDEX submission_figures_org ON submission_figures (authority_org_id, org_number, submitted_at);
CREATE INDEX submission_figures_quarter ON submission_figures (authority_org_id, last_in_quarter, quarter);
CREATE INDEX submission_figures_day ON submission_figures (authority_org_id, submitted_on);

-- Compliance per requirement area of each received submission.
CREATE TABLE submission_area_figures (
    received_id TEXT NOT NULL REFERENCES received_submissions(id),
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    area TEXT NOT NULL,
    percent BIGINT NOT NULL,
    PRIMARY KEY (received_id, area)
);

-- Marks an authority sets when it published support (guidance, a method, a campaign), with the
-- requirement areas and kinds of organisation it concerns, to compare the figures before and
-- after.
CREATE TABLE support_marks (
    id TEXT PRIMARY KEY,
    authority_org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    published_on TEXT NOT NULL,
    guidance_doc_key TEXT,
    areas TEXT NOT NULL,
    org_kinds TEXT NOT NULL,
    window_months BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    created_by_name TEXT NOT NULL
);
CREATE INDEX support_marks_authority ON support_marks (authority_org_id, published_on);

-- A counter per authority, raised in the same transaction as every change the national figures
-- read (a submission received, a registry import, a support mark), so that figures computed once
-- are used until it moves.
CREATE TABLE national_versions (
    authority_org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    version BIGINT NOT NULL
);
