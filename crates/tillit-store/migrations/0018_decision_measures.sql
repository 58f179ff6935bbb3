-- The measures a decision's conditions became, so the case shows how its conditions are being met.
CREATE TABLE outsourcing_decision_measures (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    decision_id TEXT NOT NULL REFERENCES outsourcing_decisions(id),
    measure_id TEXT NOT NULL REFERENCES measures(id),
    PRIMARY KEY (org_id, decision_id, measure_id)
);
CREATE INDEX outsourcing_decision_measures_measure ON outsourcing_decision_measures (org_id, measure_id);
