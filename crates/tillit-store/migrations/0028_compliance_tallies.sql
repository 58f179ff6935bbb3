-- Compliance kept per scope: for the organisation's own requirements (scope 'organisation', as in assessments.scope_key) and for each
-- system (scope = its id), the counts per requirement area of the requirements that apply and
-- their status (tillit_domain::assessment, "one definition of compliance"). The follow-up and the
-- overview add these up instead of reading every assessment on each request.
CREATE TABLE compliance_tallies (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    scope TEXT NOT NULL,
    area TEXT NOT NULL,
    applicable BIGINT NOT NULL,
    met BIGINT NOT NULL,
    partly_met BIGINT NOT NULL,
    not_met BIGINT NOT NULL,
    not_applicable BIGINT NOT NULL,
    PRIMARY KEY (org_id, scope, area)
);

-- The scopes whose counts are out of date: marked by the database's own triggers (below, per
-- dialect) whenever something a scope's requirements or statuses depend on changes, so that no
-- write path — a page, the API, an import, the demo — can forget it. `mark` grows with each
-- change, so that counts computed while a new change came in are not taken as current.
CREATE TABLE compliance_dirty (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    scope TEXT NOT NULL,
    mark BIGINT NOT NULL,
    PRIMARY KEY (org_id, scope)
);

INSERT INTO compliance_dirty (org_id, scope, mark) SELECT id, 'organisation', 1 FROM organisations;
INSERT INTO compliance_dirty (org_id, scope, mark) SELECT org_id, id, 1 FROM systems;
