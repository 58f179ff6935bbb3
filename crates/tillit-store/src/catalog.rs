//! The catalog version an organisation works against, its upgrade, and the requirements the
//! upgrade asks to be assessed again or for the first time.

use crate::audit::AuditEntry;
use crate::row::{os, s};
use crate::{now_timestamp, Actor, Store, StoreError, Tenant, ORGANISATION_SCOPE};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::{Rule, ValidationError, ValidationErrors};

/// Why a requirement is to be assessed after an upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReassessReason {
    /// The requirement changed; its earlier assessment is kept but must be confirmed or redone.
    Changed,
    /// The requirement is new in the version, or newly applies to the scope.
    Added,
}

impl ReassessReason {
    pub fn key(self) -> &'static str {
        match self {
            ReassessReason::Changed => "changed",
            ReassessReason::Added => "added",
        }
    }
}

/// One requirement in one scope to assess after an upgrade.
#[derive(Debug, Clone, Serialize)]
pub struct Reassessment {
    /// The system, or `None` for the organisation-wide scope.
    pub system_id: Option<String>,
    pub system_name: Option<String>,
    pub requirement_id: String,
    pub reason: ReassessReason,
    pub catalog_version: String,
    pub created_at: String,
}

/// What an upgrade records.
pub struct NewReassessment<'a> {
    pub system_id: Option<&'a str>,
    pub requirement_id: &'a str,
    pub reason: ReassessReason,
}

/// A measure that traces to a requirement in a scope.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementMeasure {
    pub system_id: Option<String>,
    pub requirement_id: String,
    pub measure_id: String,
    pub title: String,
}

/// Rows per INSERT of an upgrade (7 values each, well under both backends' limits).
const REASSESSMENTS_PER_INSERT: usize = 500;

fn system_of(scope_key: &str) -> Option<String> {
    (scope_key != ORGANISATION_SCOPE).then(|| scope_key.to_string())
}

impl Store {
    /// How many current assessments of the organisation concern one of the requirements.
    pub async fn count_assessments_of(
        &self,
        t: &Tenant,
        requirement_ids: &[&str],
    ) -> Result<i64, StoreError> {
        if requirement_ids.is_empty() {
            return Ok(0);
        }
        let marks: Vec<String> = (0..requirement_ids.len())
            .map(|i| format!("${}", i + 2))
            .collect();
        let sql = format!(
            "SELECT COUNT(*) AS n FROM assessments WHERE org_id = $1 AND requirement_id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(t.id());
        for id in requirement_ids {
            q = q.bind(*id);
        }
        crate::row::i(&q.fetch_one(&self.pool).await?, "n")
    }

    /// How many pieces of evidence each assessment of the organisation has.
    pub async fn evidence_counts(&self, t: &Tenant) -> Result<HashMap<String, i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT assessment_id, COUNT(*) AS n FROM evidence WHERE org_id = $1 GROUP BY assessment_id",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((s(r, "assessment_id")?, crate::row::i(r, "n")?)))
            .collect()
    }

    /// Every measure's link to a requirement, with the measure's title.
    pub async fn requirement_measures(
        &self,
        t: &Tenant,
    ) -> Result<Vec<RequirementMeasure>, StoreError> {
        let rows = sqlx::query(
            "SELECT mr.scope_key AS scope_key, mr.requirement_id AS requirement_id, x.id AS id, x.title AS title
             FROM measure_requirements mr JOIN measures x ON x.id = mr.measure_id AND x.org_id = mr.org_id
             WHERE mr.org_id = $1 ORDER BY mr.requirement_id, x.title",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RequirementMeasure {
                    system_id: system_of(&s(r, "scope_key")?),
                    requirement_id: s(r, "requirement_id")?,
                    measure_id: s(r, "id")?,
                    title: s(r, "title")?,
                })
            })
            .collect()
    }

    /// Moves the organisation from catalog version `from` to `to` and records what is to be
    /// assessed, all in one unit of work. Refused when the organisation is no longer on `from`
    /// (someone upgraded in between).
    pub async fn upgrade_catalog(
        &self,
        t: &Tenant,
        actor: &Actor,
        from: &str,
        to: &str,
        items: &[NewReassessment<'_>],
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        let now = now_timestamp();
        let done = sqlx::query(
            "UPDATE organisations SET catalog_version = $1 WHERE id = $2 AND catalog_version = $3",
        )
        .bind(to)
        .bind(t.id())
        .bind(from)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid(ValidationErrors::from(
                ValidationError::new("catalog_version", Rule::Mismatch),
            )));
        }
        // Many rows per statement: an upgrade of a large organisation records tens of thousands.
        for chunk in items.chunks(REASSESSMENTS_PER_INSERT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = i * 7;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO reassessments (org_id, scope_key, system_id, requirement_id, reason, catalog_version, created_at)
                 VALUES {}
                 ON CONFLICT (org_id, scope_key, requirement_id)
                 DO UPDATE SET reason = excluded.reason, catalog_version = excluded.catalog_version, created_at = excluded.created_at",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for it in chunk {
                q = q
                    .bind(t.id())
                    .bind(it.system_id.unwrap_or(ORGANISATION_SCOPE))
                    .bind(it.system_id)
                    .bind(it.requirement_id)
                    .bind(it.reason.key())
                    .bind(to)
                    .bind(&now);
            }
            q.execute(tx.conn()).await?;
        }
        let changed = items
            .iter()
            .filter(|i| i.reason == ReassessReason::Changed)
            .count();
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "catalog.upgrade",
                object_type: "organisation",
                object_id: t.id(),
                before: Some(json!({"catalog_version": from})),
                after: Some(json!({
                    "catalog_version": to,
                    "to_reassess": changed,
                    "to_assess": items.len() - changed,
                })),
            },
        )
        .await?;
        tx.commit().await
    }

    /// What the organisation's catalog upgrades ask to be assessed and is not yet, a page at a
    /// time: changed requirements first, the organisation-wide scope before the systems by name.
    pub async fn reassessments(
        &self,
        t: &Tenant,
        page: PageRequest,
    ) -> Result<Page<Reassessment>, StoreError> {
        let total = crate::row::i(
            &sqlx::query("SELECT COUNT(*) AS n FROM reassessments WHERE org_id = $1")
                .bind(t.id())
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let rows = sqlx::query(
            "SELECT r.system_id AS system_id, sy.name AS system_name, r.requirement_id AS requirement_id, r.reason AS reason,
                    r.catalog_version AS catalog_version, r.created_at AS created_at
             FROM reassessments r LEFT JOIN systems sy ON sy.id = r.system_id AND sy.org_id = r.org_id
             WHERE r.org_id = $1
             ORDER BY r.reason, CASE WHEN r.system_id IS NULL THEN 0 ELSE 1 END, sy.name, r.scope_key, r.requirement_id
             LIMIT $2 OFFSET $3",
        )
        .bind(t.id())
        .bind(page.per_page)
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(Reassessment {
                    system_id: os(r, "system_id")?,
                    system_name: os(r, "system_name")?,
                    requirement_id: s(r, "requirement_id")?,
                    reason: match s(r, "reason")?.as_str() {
                        "changed" => ReassessReason::Changed,
                        "added" => ReassessReason::Added,
                        other => {
                            return Err(StoreError::Corrupt(format!(
                                "reassessments.reason {other}"
                            )))
                        }
                    },
                    catalog_version: s(r, "catalog_version")?,
                    created_at: s(r, "created_at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Page::new(items, page, total))
    }
}
