//! Outsourcing cases and their decision records, tenant-scoped. A case links a supplier's service
//! to systems and information assets and keeps the answers of the guided assessment; a decision
//! is appended once and never changed (the database refuses updates and deletes).

use crate::assets::unique_name;
use crate::audit::AuditEntry;
use crate::links::{self, CASE_ASSETS, CASE_SYSTEMS};
use crate::query::{fetch_page, Filter};
use crate::{new_id, now_timestamp, Actor, Reference, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use tillit_domain::outsourcing::Facts;
use tillit_domain::outsourcing_case::CaseInput;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::text::search_key;

#[derive(Debug, Clone, Serialize)]
pub struct OutsourcingCase {
    pub id: String,
    pub input: CaseInput,
    pub supplier_name: String,
    /// (id, name) of the systems and assets it concerns.
    pub systems: Vec<(String, String)>,
    pub assets: Vec<(String, String)>,
    /// The latest decision's outcome and time, if decided.
    pub decided: Option<(String, String)>,
    /// The name of the member who prepares the case.
    pub prepared_by_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A decision record, as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Decision {
    pub id: String,
    pub case_id: String,
    pub decided_by: String,
    pub decided_by_name: String,
    pub decided_at: String,
    pub outcome: String,
    pub motivation: String,
    /// JSON list of condition ids.
    pub conditions: String,
    /// YYYY-MM-DD: when the conditions are to be met.
    pub conditions_due_on: Option<String>,
    /// The facts as they were, canonical JSON.
    pub facts: String,
    pub facts_sha256: String,
    pub rule_set_id: String,
    pub rule_set_version: String,
    pub recommendation: String,
    /// The engine's assessment as it was, JSON.
    pub assessment: String,
    /// The delegation the decision was made under, as written.
    pub delegation: Option<String>,
}

/// A measure a decision's condition became.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DecisionMeasure {
    pub id: String,
    pub title: String,
    /// The measure's status key.
    pub status: String,
    pub due_on: Option<String>,
    pub decision_id: String,
}

/// A decision to record.
pub struct NewDecision<'a> {
    pub decided_by: &'a str,
    pub decided_by_name: &'a str,
    pub outcome: &'a str,
    pub motivation: &'a str,
    pub conditions: &'a [String],
    pub conditions_due_on: Option<&'a str>,
    pub facts: &'a Facts,
    pub rule_set_id: &'a str,
    pub rule_set_version: &'a str,
    pub recommendation: &'a str,
    pub assessment: &'a serde_json::Value,
    pub delegation: Option<&'a str>,
}

const COLUMNS: &str = "c.id AS id, c.title AS title, c.reference AS reference, c.prepared_by AS prepared_by, pu.display_name AS prepared_by_name, \
    c.supplier_id AS supplier_id, c.service AS service, c.answers AS answers, \
    c.created_at AS created_at, c.updated_at AS updated_at, s.name AS supplier_name, \
    (SELECT d.outcome FROM outsourcing_decisions d WHERE d.org_id = c.org_id AND d.case_id = c.id ORDER BY d.decided_at DESC, d.id DESC LIMIT 1) AS decided_outcome, \
    (SELECT d.decided_at FROM outsourcing_decisions d WHERE d.org_id = c.org_id AND d.case_id = c.id ORDER BY d.decided_at DESC, d.id DESC LIMIT 1) AS decided_at";
const FROM: &str =
    "outsourcing_cases c JOIN suppliers s ON s.id = c.supplier_id AND s.org_id = c.org_id \
     LEFT JOIN memberships pm ON pm.id = c.prepared_by AND pm.org_id = c.org_id LEFT JOIN users pu ON pu.id = pm.user_id";

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    title: String,
    reference: Option<String>,
    prepared_by: Option<String>,
    prepared_by_name: Option<String>,
    supplier_id: String,
    service: Option<String>,
    answers: String,
    created_at: String,
    updated_at: String,
    supplier_name: String,
    decided_outcome: Option<String>,
    decided_at: Option<String>,
}

impl CaseRow {
    fn into_view(self) -> Result<OutsourcingCase, StoreError> {
        let answers: Facts = serde_json::from_str(&self.answers)
            .map_err(|e| StoreError::Corrupt(format!("case {}: {e}", self.id)))?;
        Ok(OutsourcingCase {
            input: CaseInput {
                title: self.title,
                reference: self.reference,
                prepared_by: self.prepared_by,
                supplier_id: self.supplier_id,
                service: self.service,
                system_ids: vec![],
                asset_ids: vec![],
                answers,
            },
            id: self.id,
            supplier_name: self.supplier_name,
            systems: vec![],
            assets: vec![],
            decided: self.decided_outcome.zip(self.decided_at),
            prepared_by_name: self.prepared_by_name,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl links::ConcernsSystemsAndAssets for OutsourcingCase {
    fn object_id(&self) -> &str {
        &self.id
    }
    fn take_links(&mut self, systems: Vec<(String, String)>, assets: Vec<(String, String)>) {
        self.input.system_ids = systems.iter().map(|(id, _)| id.clone()).collect();
        self.input.asset_ids = assets.iter().map(|(id, _)| id.clone()).collect();
        self.systems = systems;
        self.assets = assets;
    }
}

async fn with_links(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    list: &mut [OutsourcingCase],
) -> Result<(), StoreError> {
    links::fill_systems_and_assets(conn, t, (&CASE_SYSTEMS, &CASE_ASSETS), list).await
}

/// The member who prepares a case must be one of the organisation's.
async fn check_preparer(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    id: Option<&str>,
) -> Result<(), StoreError> {
    crate::assets::check_owner(conn, t, id)
        .await
        .map_err(|e| match e {
            StoreError::UnknownReference(Reference::Owner) => {
                StoreError::UnknownReference(Reference::PreparedBy)
            }
            e => e,
        })
}

/// What a case is found by: its title, reference and service.
fn case_search_text(x: &CaseInput) -> String {
    search_key(&[
        &x.title,
        x.reference.as_deref().unwrap_or(""),
        x.service.as_deref().unwrap_or(""),
    ])
}

impl Store {
    pub async fn list_cases(
        &self,
        t: &Tenant,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<OutsourcingCase>, StoreError> {
        let mut filter = Filter::tenant("c.org_id", t.id());
        if let Some(text) = q.map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("c.search_text", text);
        }
        let mut list = fetch_page(
            &self.pool,
            COLUMNS,
            FROM,
            &filter,
            "c.title, c.id",
            page,
            CaseRow::into_view,
        )
        .await?;
        let mut conn = self.pool.acquire().await?;
        with_links(&mut conn, t, &mut list.items).await?;
        Ok(list)
    }

    pub async fn case(&self, t: &Tenant, id: &str) -> Result<OutsourcingCase, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.org_id = $1 AND c.id = $2");
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query_as::<_, CaseRow>(&sql)
            .bind(t.id())
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut c = row.into_view()?;
        with_links(&mut conn, t, std::slice::from_mut(&mut c)).await?;
        Ok(c)
    }

    pub async fn create_case(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &CaseInput,
    ) -> Result<OutsourcingCase, StoreError> {
        let id = new_id();
        let now = now_timestamp();
        let mut w = self.work().await?;
        links::check_all_exist(
            w.conn(),
            t,
            "suppliers",
            std::slice::from_ref(&x.supplier_id),
            Reference::Supplier,
        )
        .await?;
        check_preparer(w.conn(), t, x.prepared_by.as_deref()).await?;
        sqlx::query(
            "INSERT INTO outsourcing_cases (id, org_id, title, supplier_id, service, answers, search_text, created_at, updated_at, reference, prepared_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&x.title)
        .bind(&x.supplier_id)
        .bind(&x.service)
        .bind(x.answers.canonical_json())
        .bind(case_search_text(x))
        .bind(&now)
        .bind(&x.reference)
        .bind(&x.prepared_by)
        .execute(w.conn())
        .await
        .map_err(unique_name)?;
        links::set(w.conn(), t, &CASE_SYSTEMS, &id, &x.system_ids).await?;
        links::set(w.conn(), t, &CASE_ASSETS, &id, &x.asset_ids).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "outsourcing_case.create",
                object_type: "outsourcing_case",
                object_id: &id,
                before: None,
                after: Some(json!(x)),
            },
        )
        .await?;
        w.commit().await?;
        self.case(t, &id).await
    }

    pub async fn update_case(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
        x: &CaseInput,
    ) -> Result<OutsourcingCase, StoreError> {
        let before = self.case(t, id).await?;
        let mut w = self.work().await?;
        links::check_all_exist(
            w.conn(),
            t,
            "suppliers",
            std::slice::from_ref(&x.supplier_id),
            Reference::Supplier,
        )
        .await?;
        check_preparer(w.conn(), t, x.prepared_by.as_deref()).await?;
        sqlx::query(
            "UPDATE outsourcing_cases SET title = $1, supplier_id = $2, service = $3, answers = $4, search_text = $5, updated_at = $6,
               reference = $9, prepared_by = $10
             WHERE org_id = $7 AND id = $8",
        )
        .bind(&x.title)
        .bind(&x.supplier_id)
        .bind(&x.service)
        .bind(x.answers.canonical_json())
        .bind(case_search_text(x))
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id)
        .bind(&x.reference)
        .bind(&x.prepared_by)
        .execute(w.conn())
        .await
        .map_err(unique_name)?;
        links::set(w.conn(), t, &CASE_SYSTEMS, id, &x.system_ids).await?;
        links::set(w.conn(), t, &CASE_ASSETS, id, &x.asset_ids).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "outsourcing_case.update",
                object_type: "outsourcing_case",
                object_id: id,
                before: Some(json!(before.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        w.commit().await?;
        self.case(t, id).await
    }

    /// Appends a decision record to the case with the measures its conditions call for, in one
    /// unit of work with their audit events: the decision and its measures, or nothing.
    pub async fn record_decision(
        &self,
        t: &Tenant,
        actor: &Actor,
        case_id: &str,
        d: &NewDecision<'_>,
        measures: &[tillit_domain::measure::MeasureInput],
    ) -> Result<Decision, StoreError> {
        self.case(t, case_id).await?;
        let id = new_id();
        let mut w = self.work().await?;
        sqlx::query(
            "INSERT INTO outsourcing_decisions (id, org_id, case_id, decided_by, decided_by_name, decided_at, outcome, motivation,
               conditions, conditions_due_on, facts, facts_sha256, rule_set_id, rule_set_version, recommendation, assessment, delegation)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(case_id)
        .bind(d.decided_by)
        .bind(d.decided_by_name)
        .bind(now_timestamp())
        .bind(d.outcome)
        .bind(d.motivation)
        .bind(json!(d.conditions).to_string())
        .bind(d.conditions_due_on)
        .bind(d.facts.canonical_json())
        .bind(d.facts.sha256())
        .bind(d.rule_set_id)
        .bind(d.rule_set_version)
        .bind(d.recommendation)
        .bind(d.assessment.to_string())
        .bind(d.delegation)
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "outsourcing_case.decide",
                object_type: "outsourcing_case",
                object_id: case_id,
                before: None,
                after: Some(json!({
                    "decision_id": id, "outcome": d.outcome, "motivation": d.motivation,
                    "conditions": d.conditions, "facts_sha256": d.facts.sha256(),
                    "rule_set": format!("{} {}", d.rule_set_id, d.rule_set_version),
                    "recommendation": d.recommendation, "delegation": d.delegation,
                })),
            },
        )
        .await?;
        for m in measures {
            let mid = w.save_measure(t, actor, d.decided_by_name, None, m).await?;
            sqlx::query(
                "INSERT INTO outsourcing_decision_measures (org_id, decision_id, measure_id) VALUES ($1, $2, $3)",
            )
            .bind(t.id())
            .bind(&id)
            .bind(&mid)
            .execute(w.conn())
            .await?;
        }
        w.commit().await?;
        self.decisions(t, case_id)
            .await?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// The measures the case's decisions' conditions became: (measure id, title, status key,
    /// due date), by due date.
    pub async fn decision_measures(
        &self,
        t: &Tenant,
        case_id: &str,
    ) -> Result<Vec<DecisionMeasure>, StoreError> {
        Ok(sqlx::query_as::<_, DecisionMeasure>(
            "SELECT m.id AS id, m.title AS title, m.status AS status, m.due_on AS due_on, dm.decision_id AS decision_id
             FROM outsourcing_decision_measures dm
             JOIN outsourcing_decisions d ON d.id = dm.decision_id AND d.org_id = dm.org_id
             JOIN measures m ON m.id = dm.measure_id AND m.org_id = dm.org_id
             WHERE dm.org_id = $1 AND d.case_id = $2 ORDER BY m.due_on, m.title, m.id",
        )
        .bind(t.id())
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The case's decisions, newest first.
    pub async fn decisions(&self, t: &Tenant, case_id: &str) -> Result<Vec<Decision>, StoreError> {
        Ok(sqlx::query_as::<_, Decision>(
            "SELECT id, case_id, decided_by, decided_by_name, decided_at, outcome, motivation, conditions, conditions_due_on, facts,
               facts_sha256, rule_set_id, rule_set_version, recommendation, assessment, delegation
             FROM outsourcing_decisions WHERE org_id = $1 AND case_id = $2 ORDER BY decided_at DESC, id DESC",
        )
        .bind(t.id())
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
