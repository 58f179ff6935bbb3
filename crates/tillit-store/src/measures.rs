//! Measures and what they trace to (risk scenarios, requirements in a scope).

use crate::assets::check_owner;
use crate::audit::AuditEntry;
use crate::query::{fetch_page, Filter};
use crate::row::s;
use crate::Reference;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant, ORGANISATION_SCOPE};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::FromRow;
use tillit_domain::ids::*;
use tillit_domain::measure::{MeasureInput, MeasureStatus, RequirementRef};
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::text::search_key;
use tillit_domain::ValidationErrors;

#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub id: MeasureId,
    pub input: MeasureInput,
    pub owner_name: Option<String>,
    /// (id, title) of the scenarios it answers.
    pub scenarios: Vec<(String, String)>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct MeasureQuery {
    pub q: Option<String>,
    pub status: Option<MeasureStatus>,
    pub owner_membership_id: Option<String>,
    /// Only open measures whose due date is before this day (YYYY-MM-DD).
    pub overdue_on: Option<String>,
    /// Only the measures that answer this requirement in this scope.
    pub answers: Option<RequirementRef>,
    /// Only the measures that treat this scenario.
    pub treats: Option<String>,
    /// The archived measures instead of those in use.
    pub archived: bool,
}

const COLUMNS: &str = "x.id AS id, x.title AS title, x.description AS description, x.owner_membership_id AS owner_membership_id, \
    x.due_on AS due_on, x.status AS status, x.cost_sek AS cost_sek, x.verification AS verification, x.verified_by AS verified_by, \
    x.verified_at AS verified_at, x.created_at AS created_at, x.updated_at AS updated_at, u.display_name AS owner_name";
const FROM: &str = "measures x LEFT JOIN memberships m ON m.id = x.owner_membership_id LEFT JOIN users u ON u.id = m.user_id";

/// The columns of a `Measure` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct MeasureRow {
    status: String,
    id: String,
    title: String,
    description: Option<String>,
    owner_membership_id: Option<String>,
    due_on: Option<String>,
    verification: Option<String>,
    owner_name: Option<String>,
    verified_by: Option<String>,
    verified_at: Option<String>,
    created_at: String,
    updated_at: String,
    cost_sek: Option<i64>,
}

impl MeasureRow {
    pub(crate) fn into_view(self) -> Result<Measure, StoreError> {
        let row = self;
        let status = row.status;
        Ok(Measure {
            id: row.id.into(),
            input: MeasureInput {
                title: row.title,
                description: row.description,
                owner_membership_id: row.owner_membership_id,
                due_on: row.due_on,
                status: MeasureStatus::from_key(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status: unknown {status}")))?,
                cost_sek: row.cost_sek,
                verification: row.verification,
                scenario_ids: vec![],
                requirements: vec![],
            },
            owner_name: row.owner_name,
            scenarios: vec![],
            verified_by: row.verified_by,
            verified_at: row.verified_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn measure_from_row(r: &AnyRow) -> Result<Measure, StoreError> {
    MeasureRow::from_row(r)?.into_view()
}

async fn with_traces(
    conn: &mut AnyConnection,
    t: &Tenant,
    list: &mut [Measure],
) -> Result<(), StoreError> {
    let ids: Vec<String> = list.iter().map(|m| m.id.to_string()).collect();
    let mut scenarios =
        crate::links::targets_of(conn, t, &crate::links::MEASURE_SCENARIOS, &ids).await?;
    let mut requirements: std::collections::HashMap<String, Vec<RequirementRef>> =
        std::collections::HashMap::new();
    for chunk in ids.chunks(crate::links::IN_CHUNK) {
        let sql = format!(
            "SELECT measure_id, scope_key, requirement_id FROM measure_requirements
             WHERE org_id = $1 AND measure_id IN ({}) ORDER BY scope_key, requirement_id",
            crate::links::placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(t.id());
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let scope = s(&r, "scope_key")?;
            requirements
                .entry(s(&r, "measure_id")?)
                .or_default()
                .push(RequirementRef {
                    system_id: (scope != crate::ORGANISATION_SCOPE).then_some(scope),
                    requirement_id: s(&r, "requirement_id")?,
                });
        }
    }
    for m in list.iter_mut() {
        m.scenarios = scenarios.remove(m.id.as_str()).unwrap_or_default();
        m.input.scenario_ids = m.scenarios.iter().map(|(id, _)| id.clone()).collect();
        m.input.requirements = requirements.remove(m.id.as_str()).unwrap_or_default();
    }
    Ok(())
}

async fn measure_in(conn: &mut AnyConnection, t: &Tenant, id: &str) -> Result<Measure, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE x.org_id = $1 AND x.id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut m = measure_from_row(&row.ok_or(StoreError::NotFound)?)?;
    with_traces(conn, t, std::slice::from_mut(&mut m)).await?;
    Ok(m)
}

async fn set_requirements(
    conn: &mut AnyConnection,
    t: &Tenant,
    measure_id: &str,
    reqs: &[RequirementRef],
) -> Result<(), StoreError> {
    let scopes: Vec<String> = reqs.iter().filter_map(|r| r.system_id.clone()).collect();
    crate::links::check_all_exist(conn, t, "systems", &scopes, Reference::Requirement).await?;
    let before = sqlx::query(
        "SELECT scope_key, requirement_id FROM measure_requirements WHERE org_id = $1 AND measure_id = $2",
    )
    .bind(t.id())
    .bind(measure_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((s(r, "scope_key")?, s(r, "requirement_id")?)))
    .collect::<Result<Vec<_>, StoreError>>()?;
    sqlx::query("DELETE FROM measure_requirements WHERE org_id = $1 AND measure_id = $2")
        .bind(t.id())
        .bind(measure_id)
        .execute(&mut *conn)
        .await?;
    for r in reqs {
        sqlx::query(
            "INSERT INTO measure_requirements (org_id, measure_id, scope_key, requirement_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(t.id())
        .bind(measure_id)
        .bind(r.system_id.as_deref().unwrap_or(crate::ORGANISATION_SCOPE))
        .bind(&r.requirement_id)
        .execute(&mut *conn)
        .await?;
    }
    let after = reqs.iter().map(|r| {
        (
            r.system_id
                .clone()
                .unwrap_or_else(|| crate::ORGANISATION_SCOPE.to_string()),
            r.requirement_id.clone(),
        )
    });
    for (scope, req) in before.into_iter().chain(after) {
        crate::assessments::refresh_has_measure(conn, t, &scope, &req).await?;
    }
    Ok(())
}

impl Store {
    pub async fn list_measures(
        &self,
        t: &Tenant,
        q: &MeasureQuery,
        order: MeasureOrder,
        page: PageRequest,
    ) -> Result<Page<Measure>, StoreError> {
        let mut filter = Filter::tenant("x.org_id", t.id());
        filter.and_sql(if q.archived {
            "x.archived_at IS NOT NULL"
        } else {
            "x.archived_at IS NULL"
        });
        if let Some(text) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("x.search_text", text);
        }
        if let Some(st) = q.status {
            filter.and("x.status =", st.key().to_string());
        }
        if let Some(o) = &q.owner_membership_id {
            filter.and("x.owner_membership_id =", o.clone());
        }
        if let Some(day) = &q.overdue_on {
            filter.and_sql("x.status IN ('planned', 'in_progress')");
            filter.and("x.due_on <", day.clone());
        }
        if let Some(r) = &q.answers {
            let scope = filter.bind(r.system_id.as_deref().unwrap_or(ORGANISATION_SCOPE).into());
            let req = filter.bind(r.requirement_id.clone());
            filter.and_sql(&format!(
                "x.id IN (SELECT measure_id FROM measure_requirements WHERE org_id = x.org_id AND scope_key = {scope} AND requirement_id = {req})"
            ));
        }
        if let Some(s) = &q.treats {
            let s = filter.bind(s.clone());
            filter.and_sql(&format!(
                "x.id IN (SELECT measure_id FROM measure_scenarios WHERE org_id = x.org_id AND scenario_id = {s})"
            ));
        }
        let order = match order {
            MeasureOrder::Due => {
                "CASE WHEN x.due_on IS NULL THEN 1 ELSE 0 END, x.due_on, x.title, x.id"
            }
            MeasureOrder::Status => "x.status, x.due_on, x.title, x.id",
            MeasureOrder::Owner => "u.display_name, x.due_on, x.title, x.id",
        };
        let mut list = fetch_page(
            &self.pool,
            COLUMNS,
            FROM,
            &filter,
            order,
            page,
            MeasureRow::into_view,
        )
        .await?;
        let mut conn = self.pool.acquire().await?;
        with_traces(&mut conn, t, &mut list.items).await?;
        Ok(list)
    }

    pub async fn measure(&self, t: &Tenant, id: &MeasureId) -> Result<Measure, StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        measure_in(&mut conn, t, id).await
    }

    /// Adds (`id` None) or replaces a measure. The owner must be a member, the scenarios and
    /// systems the organisation's. Marking it verified records who and when.
    pub async fn save_measure(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        id: Option<&MeasureId>,
        x: &MeasureInput,
    ) -> Result<Measure, StoreError> {
        let mut tx = self.work().await?;
        let mid = tx.save_measure(t, actor, by_name, id, x).await?;
        let m = measure_in(tx.conn(), t, &mid).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// The measures that trace to one scenario.
    pub async fn measures_for_scenario(
        &self,
        t: &Tenant,
        scenario_id: &ScenarioId,
    ) -> Result<Vec<Measure>, StoreError> {
        let scenario_id = scenario_id.as_str();
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} JOIN measure_scenarios ms ON ms.measure_id = x.id WHERE x.org_id = $1 AND x.archived_at IS NULL AND ms.org_id = $1 AND ms.scenario_id = $2 ORDER BY x.title"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(scenario_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(measure_from_row).collect()
    }

    /// The measures of one system's action plan: those answering a requirement assessed for the
    /// system, and those treating a scenario of a risk analysis that covers it; with their traces.
    pub async fn measures_for_system(
        &self,
        t: &Tenant,
        system_id: &str,
    ) -> Result<Vec<Measure>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE x.org_id = $1 AND x.archived_at IS NULL AND (
                 x.id IN (SELECT mr.measure_id FROM measure_requirements mr WHERE mr.org_id = $1 AND mr.scope_key = $2)
              OR x.id IN (SELECT ms.measure_id FROM measure_scenarios ms
                          JOIN risk_scenarios rs ON rs.id = ms.scenario_id
                          JOIN risk_analysis_systems ras ON ras.analysis_id = rs.analysis_id
                          WHERE ms.org_id = $1 AND rs.org_id = $1 AND ras.org_id = $1 AND ras.system_id = $2))
             ORDER BY x.due_on IS NULL, x.due_on, x.title, x.id"
        );
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(system_id)
            .fetch_all(&mut *conn)
            .await?;
        let mut list = rows
            .iter()
            .map(measure_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        with_traces(&mut conn, t, &mut list).await?;
        Ok(list)
    }

    /// The organisation's measures that answer one of these requirements, in any scope: each
    /// with the requirement and the system it answers it for (`None`: the whole organisation).
    pub async fn measures_answering(
        &self,
        t: &Tenant,
        requirement_ids: &[String],
    ) -> Result<Vec<(Measure, String, Option<String>)>, StoreError> {
        let mut out = Vec::new();
        for chunk in requirement_ids.chunks(crate::links::IN_CHUNK) {
            let sql = format!(
                "SELECT {COLUMNS}, mr.requirement_id AS requirement_id, mr.scope_key AS scope_key
                 FROM {FROM} JOIN measure_requirements mr ON mr.measure_id = x.id
                 WHERE x.org_id = $1 AND x.archived_at IS NULL AND mr.org_id = $1 AND mr.requirement_id IN ({})
                 ORDER BY mr.requirement_id, x.title, x.id",
                crate::links::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(t.id());
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                let scope = s(&r, "scope_key")?;
                out.push((
                    measure_from_row(&r)?,
                    s(&r, "requirement_id")?,
                    (scope != crate::ORGANISATION_SCOPE).then_some(scope),
                ));
            }
        }
        Ok(out)
    }

    /// The measures that trace to one requirement in one scope.
    pub async fn measures_for_requirement(
        &self,
        t: &Tenant,
        system_id: Option<&str>,
        requirement_id: &str,
    ) -> Result<Vec<Measure>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} JOIN measure_requirements mr ON mr.measure_id = x.id
             WHERE x.org_id = $1 AND x.archived_at IS NULL AND mr.org_id = $1 AND mr.scope_key = $2 AND mr.requirement_id = $3 ORDER BY x.title"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(system_id.unwrap_or(crate::ORGANISATION_SCOPE))
            .bind(requirement_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(measure_from_row).collect()
    }
}

/// How the action plan is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeasureOrder {
    #[default]
    Due,
    Status,
    Owner,
}

/// The same change inside a unit of work, to be stored with others or not at all.
impl crate::audit::Work<'_> {
    /// Adds (`id` None) or replaces a measure. The owner must be a member, the scenarios and
    /// systems the organisation's. Marking it verified records who and when.
    pub async fn save_measure(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        id: Option<&MeasureId>,
        x: &MeasureInput,
    ) -> Result<String, StoreError> {
        let id = id.map(MeasureId::as_str);
        tillit_domain::measure::check_traced(&x.scenario_ids, &x.requirements)
            .map_err(ValidationErrors::from)?;
        let tx = self;
        let before = match id {
            Some(id) => Some(measure_in(tx.conn(), t, id).await?),
            None => None,
        };
        check_owner(tx.conn(), t, x.owner_membership_id.as_deref()).await?;
        let mid = id.map(str::to_string).unwrap_or_else(new_id);
        let now = now_timestamp();
        let newly_verified = x.status == MeasureStatus::Verified
            && before.as_ref().map(|b| b.input.status) != Some(MeasureStatus::Verified);
        let (verified_by, verified_at) = if x.status != MeasureStatus::Verified {
            (None, None)
        } else if newly_verified {
            (Some(by_name.to_string()), Some(now.clone()))
        } else {
            (
                before.as_ref().and_then(|b| b.verified_by.clone()),
                before.as_ref().and_then(|b| b.verified_at.clone()),
            )
        };
        let sql = if before.is_some() {
            "UPDATE measures SET title = $2, description = $3, owner_membership_id = $4, due_on = $5, status = $6, cost_sek = $7,
               verification = $8, verified_by = $9, verified_at = $10, search_text = $11, updated_at = $12 WHERE id = $1 AND org_id = $13"
        } else {
            "INSERT INTO measures (id, title, description, owner_membership_id, due_on, status, cost_sek, verification, verified_by,
               verified_at, search_text, updated_at, org_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12)"
        };
        sqlx::query(sql)
            .bind(&mid)
            .bind(&x.title)
            .bind(&x.description)
            .bind(&x.owner_membership_id)
            .bind(&x.due_on)
            .bind(x.status.key())
            .bind(x.cost_sek)
            .bind(&x.verification)
            .bind(&verified_by)
            .bind(&verified_at)
            .bind(search_key(&[
                &x.title,
                x.description.as_deref().unwrap_or(""),
            ]))
            .bind(&now)
            .bind(t.id())
            .execute(tx.conn())
            .await?;
        crate::links::set(
            tx.conn(),
            t,
            &crate::links::MEASURE_SCENARIOS,
            &mid,
            &x.scenario_ids,
        )
        .await?;
        set_requirements(tx.conn(), t, &mid, &x.requirements).await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: if before.is_some() {
                    "measure.update"
                } else {
                    "measure.create"
                },
                object_type: "measure",
                object_id: &mid,
                before: before.as_ref().map(|b| json!(b.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        Ok(mid)
    }
}
