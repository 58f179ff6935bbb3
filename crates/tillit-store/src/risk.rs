//! Risk analyses and their scenarios, and the organisation's risk matrix.

use crate::audit::AuditEntry;
use crate::query::{fetch_page, Filter, Linkable};
use crate::row::{i, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::FromRow;
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::risk::{Acceptance, RiskMatrix, RiskPoint, ScenarioInput, Signature, Treatment};
use tillit_domain::text::search_key;

pub use tillit_domain::risk::RiskAnalysisInput;

#[derive(Debug, Clone, Serialize)]
pub struct RiskAnalysis {
    pub id: AnalysisId,
    pub input: RiskAnalysisInput,
    /// (id, name) of the systems in scope.
    pub systems: Vec<(String, String)>,
    pub scenario_count: i64,
    /// YYYY-MM-DD of the last review (the analysis date at first).
    pub reviewed_on: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub id: ScenarioId,
    pub analysis_id: AnalysisId,
    pub input: ScenarioInput,
    pub accepted_by_name: Option<String>,
    /// When the owner signed the acceptance (an instant; a date for decisions recorded before
    /// sign-off). `None` with an acceptance: it waits on the owner.
    pub acceptance_signed_at: Option<String>,
    /// Who asked the owner for the decision, while it waits.
    pub acceptance_requested_by: Option<String>,
    /// (id, name) of the affected assets.
    pub assets: Vec<(String, String)>,
    pub created_at: String,
    pub updated_at: String,
}

/// How a scenario's acceptance is recorded: the decider's name, and whether it is signed
/// (`tillit_domain::risk::signature`), with who asked when it waits.
#[derive(Debug, Clone, Copy)]
pub struct AcceptanceRecord<'a> {
    pub decider_name: Option<&'a str>,
    pub signature: Signature,
    pub requester: &'a str,
}

/// An information owner's answer to a request to accept a risk.
#[derive(Debug, Clone, Copy)]
pub struct OwnerAnswer<'a> {
    /// The answering member's membership id (must be the one asked).
    pub decider: &'a str,
    pub accept: bool,
    pub note: Option<&'a str>,
    /// The day the decision is dated.
    pub today: &'a str,
}

/// How many scenarios sit in one cell of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct CellCount {
    pub point: RiskPoint,
    pub count: u32,
}

fn small(col: &str, v: i64) -> Result<u8, StoreError> {
    u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col} out of range")))
}

const ANALYSIS_COLUMNS: &str = "r.id AS id, r.title AS title, r.scope AS scope, r.participants AS participants, r.analysed_on AS analysed_on, \
    r.review_interval_months AS review_interval_months, r.reviewed_on AS reviewed_on, r.created_at AS created_at, r.updated_at AS updated_at, \
    (SELECT COUNT(*) FROM risk_scenarios x WHERE x.org_id = r.org_id AND x.analysis_id = r.id AND (x.archived_at IS NULL OR x.archived_at = COALESCE(r.archived_at, ''))) AS scenario_count";

/// The columns of a `RiskAnalysis` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct AnalysisRow {
    id: String,
    title: String,
    scope: Option<String>,
    participants: Option<String>,
    analysed_on: String,
    review_interval_months: i64,
    scenario_count: i64,
    reviewed_on: String,
    created_at: String,
    updated_at: String,
}

impl AnalysisRow {
    pub(crate) fn into_view(self) -> Result<RiskAnalysis, StoreError> {
        let row = self;
        Ok(RiskAnalysis {
            id: row.id.into(),
            input: RiskAnalysisInput {
                title: row.title,
                scope: row.scope,
                participants: row.participants,
                analysed_on: row.analysed_on,
                review_interval_months: row.review_interval_months,
                system_ids: vec![],
            },
            systems: vec![],
            scenario_count: row.scenario_count,
            reviewed_on: row.reviewed_on,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn analysis_from_row(r: &AnyRow) -> Result<RiskAnalysis, StoreError> {
    AnalysisRow::from_row(r)?.into_view()
}

/// The scenarios an analysis's page shows: those in use, and, when the analysis is archived,
/// those archived with it (not those archived on their own before).
const SHOWN_WITH_ANALYSIS: &str = "(archived_at IS NULL OR archived_at = COALESCE((SELECT ra.archived_at FROM risk_analyses ra WHERE ra.id = risk_scenarios.analysis_id AND ra.org_id = risk_scenarios.org_id), ''))";

const SCENARIO_COLUMNS: &str = "id, analysis_id, title, threat_key, threat_text, vulnerability, aspects, existing_measures, inherent_likelihood, \
    inherent_consequence, treatment, residual_likelihood, residual_consequence, accepted_by, accepted_by_name, accepted_on, acceptance_note, \
    acceptance_signed_at, acceptance_requested_by, created_at, updated_at";

/// The columns of a `Scenario` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct ScenarioRow {
    inherent_likelihood: i64,
    inherent_consequence: i64,
    residual_likelihood: i64,
    residual_consequence: i64,
    treatment: Option<String>,
    accepted_by: Option<String>,
    accepted_on: Option<String>,
    acceptance_note: Option<String>,
    id: String,
    analysis_id: String,
    title: String,
    threat_key: Option<String>,
    threat_text: Option<String>,
    vulnerability: Option<String>,
    aspects: String,
    existing_measures: Option<String>,
    accepted_by_name: Option<String>,
    acceptance_signed_at: Option<String>,
    acceptance_requested_by: Option<String>,
    created_at: String,
    updated_at: String,
}

impl ScenarioRow {
    pub(crate) fn into_view(self) -> Result<Scenario, StoreError> {
        let row = self;
        let treatment = match row.treatment {
            Some(k) => Some(
                Treatment::from_key(&k)
                    .ok_or_else(|| StoreError::Corrupt(format!("treatment: unknown {k}")))?,
            ),
            None => None,
        };
        let acceptance = match (row.accepted_by, row.accepted_on) {
            (Some(decided_by), Some(decided_on)) => Some(Acceptance {
                decided_by,
                decided_on,
                note: row.acceptance_note.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(Scenario {
            id: row.id.into(),
            analysis_id: row.analysis_id.into(),
            input: ScenarioInput {
                title: row.title,
                threat_key: row.threat_key,
                threat_text: row.threat_text,
                vulnerability: row.vulnerability,
                aspects: row
                    .aspects
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
                asset_ids: vec![],
                existing_measures: row.existing_measures,
                inherent: RiskPoint {
                    likelihood: small("inherent_likelihood", row.inherent_likelihood)?,
                    consequence: small("inherent_consequence", row.inherent_consequence)?,
                },
                treatment,
                residual: RiskPoint {
                    likelihood: small("residual_likelihood", row.residual_likelihood)?,
                    consequence: small("residual_consequence", row.residual_consequence)?,
                },
                acceptance,
            },
            accepted_by_name: row.accepted_by_name,
            acceptance_signed_at: row.acceptance_signed_at,
            acceptance_requested_by: row.acceptance_requested_by,
            assets: vec![],
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn scenario_from_row(r: &AnyRow) -> Result<Scenario, StoreError> {
    ScenarioRow::from_row(r)?.into_view()
}

async fn analysis_in(
    conn: &mut AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<RiskAnalysis, StoreError> {
    let sql =
        format!("SELECT {ANALYSIS_COLUMNS} FROM risk_analyses r WHERE r.org_id = $1 AND r.id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut a = vec![analysis_from_row(&row.ok_or(StoreError::NotFound)?)?];
    with_systems(conn, t, &mut a).await?;
    Ok(a.remove(0))
}

/// Fills in the systems each analysis covers, in one query for all of them.
async fn with_systems(
    conn: &mut AnyConnection,
    t: &Tenant,
    analyses: &mut [RiskAnalysis],
) -> Result<(), StoreError> {
    let ids: Vec<String> = analyses.iter().map(|a| a.id.to_string()).collect();
    let mut systems =
        crate::links::targets_of(conn, t, &crate::links::ANALYSIS_SYSTEMS, &ids).await?;
    for a in analyses {
        a.systems = systems.remove(a.id.as_str()).unwrap_or_default();
        a.input.system_ids = a.systems.iter().map(|(id, _)| id.clone()).collect();
    }
    Ok(())
}

async fn scenario_in(
    conn: &mut AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<Scenario, StoreError> {
    let sql =
        format!("SELECT {SCENARIO_COLUMNS} FROM risk_scenarios WHERE org_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut sc = scenario_from_row(&row.ok_or(StoreError::NotFound)?)?;
    with_scenario_assets(conn, t, std::slice::from_mut(&mut sc)).await?;
    Ok(sc)
}

/// Scenarios read from their rows, each with its assets.
async fn scenarios_from_rows(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    rows: &[sqlx::any::AnyRow],
) -> Result<Vec<Scenario>, StoreError> {
    let mut list = rows
        .iter()
        .map(scenario_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    with_scenario_assets(conn, t, &mut list).await?;
    Ok(list)
}

async fn with_scenario_assets(
    conn: &mut AnyConnection,
    t: &Tenant,
    list: &mut [Scenario],
) -> Result<(), StoreError> {
    let ids: Vec<String> = list.iter().map(|sc| sc.id.to_string()).collect();
    let mut assets =
        crate::links::targets_of(conn, t, &crate::links::SCENARIO_ASSETS, &ids).await?;
    for sc in list.iter_mut() {
        sc.assets = assets.remove(sc.id.as_str()).unwrap_or_default();
        sc.input.asset_ids = sc.assets.iter().map(|(id, _)| id.clone()).collect();
    }
    Ok(())
}

impl Store {
    /// The organisation's risk matrix (the default 4 × 4 until it sets its own).
    pub async fn risk_matrix(&self, t: &Tenant) -> Result<RiskMatrix, StoreError> {
        let row = sqlx::query(
            "SELECT risk_likelihoods, risk_consequences, risk_tolerance FROM org_settings WHERE org_id = $1",
        )
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => RiskMatrix {
                likelihoods: small("risk_likelihoods", i(&r, "risk_likelihoods")?)?,
                consequences: small("risk_consequences", i(&r, "risk_consequences")?)?,
                tolerance: u32::try_from(i(&r, "risk_tolerance")?)
                    .map_err(|_| StoreError::Corrupt("risk_tolerance".into()))?,
            },
            None => RiskMatrix::default(),
        })
    }

    /// Sets the risk matrix. A scale cannot shrink below a value a scenario already uses.
    pub async fn set_risk_matrix(
        &self,
        t: &Tenant,
        actor: &Actor,
        m: &RiskMatrix,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        let before = self.risk_matrix(t).await?;
        let row = sqlx::query(
            "SELECT COALESCE(MAX(CASE WHEN inherent_likelihood > residual_likelihood THEN inherent_likelihood ELSE residual_likelihood END), 0) AS l,
                    COALESCE(MAX(CASE WHEN inherent_consequence > residual_consequence THEN inherent_consequence ELSE residual_consequence END), 0) AS c
             FROM risk_scenarios WHERE org_id = $1",
        )
        .bind(t.id())
        .fetch_one(tx.conn())
        .await?;
        let step = |col: &str| -> Result<u8, StoreError> {
            u8::try_from(i(&row, col)?).map_err(|_| StoreError::Corrupt(format!("{col}: step")))
        };
        m.check_fits(tillit_domain::risk::RiskPoint {
            likelihood: step("l")?,
            consequence: step("c")?,
        })?;
        let now = now_timestamp();
        sqlx::query("DELETE FROM org_settings WHERE org_id = $1")
            .bind(t.id())
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO org_settings (org_id, risk_likelihoods, risk_consequences, risk_tolerance, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(t.id())
        .bind(i64::from(m.likelihoods))
        .bind(i64::from(m.consequences))
        .bind(i64::from(m.tolerance))
        .bind(&now)
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "UPDATE risk_scenarios SET residual_score = residual_likelihood * residual_consequence WHERE org_id = $1",
        )
        .bind(t.id())
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "risk_matrix.set",
                object_type: "organisation",
                object_id: t.id(),
                before: Some(json!(before)),
                after: Some(json!(m)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_risk_analyses(
        &self,
        t: &Tenant,
        archived: bool,
        page: PageRequest,
    ) -> Result<Page<RiskAnalysis>, StoreError> {
        let mut filter = Filter::tenant("r.org_id", t.id());
        filter.and_sql(if archived {
            "r.archived_at IS NOT NULL"
        } else {
            "r.archived_at IS NULL"
        });
        let page = fetch_page(
            &self.pool,
            ANALYSIS_COLUMNS,
            "risk_analyses r",
            &filter,
            "r.analysed_on DESC, r.id",
            page,
            AnalysisRow::into_view,
        )
        .await?;
        let mut page = page;
        let mut conn = self.pool.acquire().await?;
        with_systems(&mut conn, t, &mut page.items).await?;
        Ok(page)
    }

    pub async fn risk_analysis(
        &self,
        t: &Tenant,
        id: &AnalysisId,
    ) -> Result<RiskAnalysis, StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        analysis_in(&mut conn, t, id).await
    }

    pub async fn create_risk_analysis(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &RiskAnalysisInput,
    ) -> Result<RiskAnalysis, StoreError> {
        let id = new_id();
        let now = now_timestamp();
        let mut tx = self.work().await?;
        sqlx::query(
            "INSERT INTO risk_analyses (id, org_id, title, scope, participants, analysed_on, review_interval_months, reviewed_on, search_text, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, $9, $9)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&x.title)
        .bind(&x.scope)
        .bind(&x.participants)
        .bind(&x.analysed_on)
        .bind(x.review_interval_months)
        .bind(search_key(&[&x.title, x.scope.as_deref().unwrap_or("")]))
        .bind(&now)
        .execute(tx.conn())
        .await?;
        crate::links::set(
            tx.conn(),
            t,
            &crate::links::ANALYSIS_SYSTEMS,
            &id,
            &x.system_ids,
        )
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "risk_analysis.create",
                object_type: "risk_analysis",
                object_id: &id,
                before: None,
                after: Some(json!(x)),
            },
        )
        .await?;
        let a = analysis_in(tx.conn(), t, &id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Updates an analysis. Saving it counts as a review (the next review is due one interval on).
    pub async fn update_risk_analysis(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &AnalysisId,
        x: &RiskAnalysisInput,
    ) -> Result<RiskAnalysis, StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let before = analysis_in(tx.conn(), t, id).await?;
        let now = now_timestamp();
        sqlx::query(
            "UPDATE risk_analyses SET title = $1, scope = $2, participants = $3, analysed_on = $4, review_interval_months = $5,
               reviewed_on = $6, search_text = $7, updated_at = $8 WHERE org_id = $9 AND id = $10",
        )
        .bind(&x.title)
        .bind(&x.scope)
        .bind(&x.participants)
        .bind(&x.analysed_on)
        .bind(x.review_interval_months)
        .bind(tillit_domain::time::today().to_string())
        .bind(search_key(&[&x.title, x.scope.as_deref().unwrap_or("")]))
        .bind(&now)
        .bind(t.id())
        .bind(id)
        .execute(tx.conn())
        .await?;
        crate::links::set(
            tx.conn(),
            t,
            &crate::links::ANALYSIS_SYSTEMS,
            id,
            &x.system_ids,
        )
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "risk_analysis.update",
                object_type: "risk_analysis",
                object_id: id,
                before: Some(json!(before.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        let a = analysis_in(tx.conn(), t, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// The scenarios of one analysis archived on their own (not with the analysis): (id, title,
    /// archived at).
    pub async fn archived_scenarios(
        &self,
        t: &Tenant,
        analysis_id: &AnalysisId,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, title, archived_at FROM risk_scenarios WHERE org_id = $1 AND analysis_id = $2
             AND archived_at IS NOT NULL AND NOT {SHOWN_WITH_ANALYSIS} ORDER BY title, id"
        ))
        .bind(t.id())
        .bind(analysis_id.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// The scenarios of one analysis, highest residual risk first.
    pub async fn scenarios(
        &self,
        t: &Tenant,
        analysis_id: &AnalysisId,
    ) -> Result<Vec<Scenario>, StoreError> {
        let analysis_id = analysis_id.as_str();
        let mut conn = self.pool.acquire().await?;
        let sql = format!(
            "SELECT {SCENARIO_COLUMNS} FROM risk_scenarios WHERE org_id = $1 AND analysis_id = $2 AND {SHOWN_WITH_ANALYSIS} ORDER BY residual_score DESC, title, id"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(analysis_id)
            .fetch_all(&mut *conn)
            .await?;
        let list = scenarios_from_rows(&mut conn, t, &rows).await?;
        Ok(list)
    }

    /// The scenarios of the risk analyses that cover a system, highest residual score first.
    pub async fn scenarios_for_system(
        &self,
        t: &Tenant,
        system_id: &str,
    ) -> Result<Vec<Scenario>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!(
            "SELECT {SCENARIO_COLUMNS} FROM risk_scenarios WHERE org_id = $1 AND archived_at IS NULL AND analysis_id IN
               (SELECT analysis_id FROM risk_analysis_systems WHERE org_id = $1 AND system_id = $2)
             ORDER BY residual_score DESC, title, id"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(system_id)
            .fetch_all(&mut *conn)
            .await?;
        let list = scenarios_from_rows(&mut conn, t, &rows).await?;
        Ok(list)
    }

    /// The organisation's scenarios whose residual score is above `tolerance`, highest first, at
    /// most `limit` of them, with how many there are in all.
    pub async fn scenarios_above(
        &self,
        t: &Tenant,
        tolerance: u32,
        limit: i64,
    ) -> Result<(i64, Vec<Scenario>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let total = i(
            &sqlx::query(
                "SELECT COUNT(*) AS n FROM risk_scenarios WHERE org_id = $1 AND archived_at IS NULL AND residual_score > $2",
            )
            .bind(t.id())
            .bind(i64::from(tolerance))
            .fetch_one(&mut *conn)
            .await?,
            "n",
        )?;
        let sql = format!(
            "SELECT {SCENARIO_COLUMNS} FROM risk_scenarios WHERE org_id = $1 AND archived_at IS NULL AND residual_score > $2
             ORDER BY residual_score DESC, title, id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(i64::from(tolerance))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
        let list = scenarios_from_rows(&mut conn, t, &rows).await?;
        Ok((total, list))
    }

    /// Every scenario of the organisation with the title of its analysis, for choosing what a
    /// measure traces to; archived ones marked (a measure keeps the links it has to them).
    pub async fn scenario_choices(
        &self,
        t: &Tenant,
    ) -> Result<Vec<(Linkable, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id AS id, r.title AS analysis, s.title AS title,
                    CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END AS archived
             FROM risk_scenarios s JOIN risk_analyses r ON r.id = s.analysis_id
             WHERE s.org_id = $1 AND r.org_id = $1 ORDER BY r.title, s.title, s.id",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let scenario = Linkable {
                    id: s(r, "id")?,
                    name: s(r, "title")?,
                    archived: i(r, "archived")? != 0,
                };
                Ok((scenario, s(r, "analysis")?))
            })
            .collect()
    }

    pub async fn scenario(&self, t: &Tenant, id: &ScenarioId) -> Result<Scenario, StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        scenario_in(&mut conn, t, id).await
    }

    /// Adds a scenario (`id` None) or replaces one. The analysis must be the organisation's; the
    /// acceptance, when given, is recorded with the decider's name.
    pub async fn save_scenario(
        &self,
        t: &Tenant,
        actor: &Actor,
        analysis_id: &AnalysisId,
        id: Option<&ScenarioId>,
        x: &ScenarioInput,
        decision: AcceptanceRecord<'_>,
    ) -> Result<Scenario, StoreError> {
        let AcceptanceRecord {
            decider_name: accepted_by_name,
            signature,
            requester,
        } = decision;
        let analysis_id = analysis_id.as_str();
        let id = id.map(ScenarioId::as_str);
        let mut tx = self.work().await?;
        analysis_in(tx.conn(), t, analysis_id).await?;
        let before = match id {
            Some(id) => {
                let b = scenario_in(tx.conn(), t, id).await?;
                if b.analysis_id != analysis_id {
                    return Err(StoreError::NotFound);
                }
                Some(b)
            }
            None => None,
        };
        let sid = id.map(str::to_string).unwrap_or_else(new_id);
        let now = now_timestamp();
        let acc = x.acceptance.as_ref();
        let (signed_at, requested_by) = match (acc, signature) {
            (None, _) => (None, None),
            (Some(_), Signature::Now) => (Some(now.clone()), None),
            (Some(_), Signature::Requested) => (None, Some(requester.to_string())),
            (Some(_), Signature::Unchanged) => (
                before.as_ref().and_then(|b| b.acceptance_signed_at.clone()),
                before
                    .as_ref()
                    .and_then(|b| b.acceptance_requested_by.clone()),
            ),
        };
        let sql = if before.is_some() {
            "UPDATE risk_scenarios SET analysis_id = $2, title = $3, threat_key = $4, threat_text = $5, vulnerability = $6, aspects = $7,
               existing_measures = $8, inherent_likelihood = $9, inherent_consequence = $10, treatment = $11, residual_likelihood = $12,
               residual_consequence = $13, residual_score = $14, accepted_by = $15, accepted_by_name = $16, accepted_on = $17,
               acceptance_note = $18, updated_at = $19, search_text = $21, acceptance_signed_at = $22, acceptance_requested_by = $23
             WHERE id = $1 AND org_id = $20"
        } else {
            "INSERT INTO risk_scenarios (id, analysis_id, title, threat_key, threat_text, vulnerability, aspects, existing_measures,
               inherent_likelihood, inherent_consequence, treatment, residual_likelihood, residual_consequence, residual_score,
               accepted_by, accepted_by_name, accepted_on, acceptance_note, updated_at, org_id, created_at, search_text,
               acceptance_signed_at, acceptance_requested_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $19, $21, $22, $23)"
        };
        sqlx::query(sql)
            .bind(&sid)
            .bind(analysis_id)
            .bind(&x.title)
            .bind(&x.threat_key)
            .bind(&x.threat_text)
            .bind(&x.vulnerability)
            .bind(x.aspects.join(","))
            .bind(&x.existing_measures)
            .bind(i64::from(x.inherent.likelihood))
            .bind(i64::from(x.inherent.consequence))
            .bind(x.treatment.map(|t| t.key()))
            .bind(i64::from(x.residual.likelihood))
            .bind(i64::from(x.residual.consequence))
            .bind(i64::from(x.residual.likelihood) * i64::from(x.residual.consequence))
            .bind(acc.map(|a| a.decided_by.clone()))
            .bind(acc.and(accepted_by_name))
            .bind(acc.map(|a| a.decided_on.clone()))
            .bind(acc.map(|a| a.note.clone()))
            .bind(&now)
            .bind(t.id())
            .bind(scenario_search_text(x))
            .bind(signed_at)
            .bind(requested_by)
            .execute(tx.conn())
            .await?;
        crate::links::set(
            tx.conn(),
            t,
            &crate::links::SCENARIO_ASSETS,
            &sid,
            &x.asset_ids,
        )
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: if before.is_some() {
                    "risk_scenario.update"
                } else {
                    "risk_scenario.create"
                },
                object_type: "risk_scenario",
                object_id: &sid,
                before: before.as_ref().map(|b| json!(b.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        let sc = scenario_in(tx.conn(), t, &sid).await?;
        tx.commit().await?;
        Ok(sc)
    }

    /// The owner's answer to a request to accept a risk: `accept` signs it (dated today, with the
    /// owner's note when given); otherwise the request is withdrawn and the risk is left without a
    /// treatment, to be decided again. Only the member asked may answer, once.
    pub async fn sign_acceptance(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &ScenarioId,
        answer: OwnerAnswer<'_>,
    ) -> Result<Scenario, StoreError> {
        let OwnerAnswer {
            decider,
            accept,
            note,
            today,
        } = answer;
        let id = id.as_str();
        let mut tx = self.work().await?;
        let before = scenario_in(tx.conn(), t, id).await?;
        let waiting = before
            .input
            .acceptance
            .as_ref()
            .is_some_and(|a| a.decided_by == decider)
            && before.acceptance_signed_at.is_none();
        if !waiting {
            return Err(StoreError::NotFound);
        }
        let now = now_timestamp();
        let res = if accept {
            sqlx::query(
                "UPDATE risk_scenarios SET acceptance_signed_at = $1, accepted_on = $2,
                   acceptance_note = COALESCE($3, acceptance_note), updated_at = $1
                 WHERE id = $4 AND org_id = $5 AND accepted_by = $6 AND acceptance_signed_at IS NULL",
            )
            .bind(&now)
            .bind(today)
            .bind(note)
            .bind(id)
            .bind(t.id())
            .bind(decider)
            .execute(tx.conn())
            .await?
        } else {
            sqlx::query(
                "UPDATE risk_scenarios SET treatment = NULL, accepted_by = NULL, accepted_by_name = NULL, accepted_on = NULL,
                   acceptance_note = NULL, acceptance_requested_by = NULL, updated_at = $1
                 WHERE id = $2 AND org_id = $3 AND accepted_by = $4 AND acceptance_signed_at IS NULL",
            )
            .bind(&now)
            .bind(id)
            .bind(t.id())
            .bind(decider)
            .execute(tx.conn())
            .await?
        };
        if res.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let after = scenario_in(tx.conn(), t, id).await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: if accept {
                    "risk_scenario.acceptance_sign"
                } else {
                    "risk_scenario.acceptance_decline"
                },
                object_type: "risk_scenario",
                object_id: id,
                before: Some(json!(before.input)),
                after: Some(json!({"scenario": after.input, "note": note})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The scenarios in use whose acceptance waits on this member's decision.
    pub async fn acceptances_awaiting(
        &self,
        t: &Tenant,
        decider: &str,
    ) -> Result<Vec<Scenario>, StoreError> {
        let sql = format!(
            "SELECT {SCENARIO_COLUMNS} FROM risk_scenarios WHERE org_id = $1 AND accepted_by = $2
               AND acceptance_signed_at IS NULL AND archived_at IS NULL ORDER BY residual_score DESC, title, id"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(decider)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(scenario_from_row).collect()
    }

    /// Counts per matrix cell, inherent or residual, for one analysis or the whole organisation.
    pub async fn heat_counts(
        &self,
        t: &Tenant,
        analysis_id: Option<&AnalysisId>,
        residual: bool,
    ) -> Result<Vec<CellCount>, StoreError> {
        let analysis_id = analysis_id.map(AnalysisId::as_str);
        let (l, c) = if residual {
            ("residual_likelihood", "residual_consequence")
        } else {
            ("inherent_likelihood", "inherent_consequence")
        };
        let mut filter = Filter::tenant("org_id", t.id());
        if let Some(a) = analysis_id {
            filter.and("analysis_id =", a.to_string());
            filter.and_sql(SHOWN_WITH_ANALYSIS);
        } else {
            filter.and_sql("archived_at IS NULL");
        }
        let sql = format!(
            "SELECT {l} AS l, {c} AS c, COUNT(*) AS n FROM risk_scenarios WHERE {} GROUP BY {l}, {c}",
            filter.sql()
        );
        let mut q = sqlx::query(&sql);
        for b in filter.binds() {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(CellCount {
                    point: RiskPoint {
                        likelihood: small("l", i(r, "l")?)?,
                        consequence: small("c", i(r, "c")?)?,
                    },
                    count: u32::try_from(i(r, "n")?).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }
}

/// What the search reads of a scenario: its title, threat and vulnerability, lower-cased.
pub(crate) fn scenario_search_text(x: &ScenarioInput) -> String {
    tillit_domain::text::search_key(&[
        &x.title,
        x.threat_text.as_deref().unwrap_or(""),
        x.vulnerability.as_deref().unwrap_or(""),
    ])
}

/// Fills the search text of scenarios stored before it was kept (once, at start).
pub(crate) async fn backfill_scenario_search(pool: &sqlx::AnyPool) -> Result<(), StoreError> {
    loop {
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT id, title, threat_text, vulnerability FROM risk_scenarios WHERE search_text = '' LIMIT 1000",
        )
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = pool.begin().await?;
        for (id, title, threat, vulnerability) in rows {
            let mut key = tillit_domain::text::search_key(&[
                &title,
                threat.as_deref().unwrap_or(""),
                vulnerability.as_deref().unwrap_or(""),
            ]);
            if key.is_empty() {
                key.push(' ');
            }
            sqlx::query("UPDATE risk_scenarios SET search_text = $1 WHERE id = $2")
                .bind(key)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
}
