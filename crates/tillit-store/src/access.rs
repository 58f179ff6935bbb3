//! Access-needs analyses (behovs- och riskanalys, HSLF-FS 2016:40 4 kap. 2 §; PDL 4 kap. 2 §) per
//! system, with their user groups.

use crate::audit::AuditEntry;
use crate::row::{os, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;
use tillit_domain::access::{AccessAnalysisInput, UserGroup};
use tillit_domain::ids::*;
use tillit_domain::risk::Signature;

#[derive(Debug, Clone, Serialize)]
pub struct AccessAnalysis {
    pub id: String,
    pub system_id: String,
    pub input: AccessAnalysisInput,
    pub approved_by_name: Option<String>,
    /// When the information owner signed the approval; `None` with an approver: it waits on
    /// the owner.
    pub approval_signed_at: Option<String>,
    /// Who asked the owner to approve, while it waits.
    pub approval_requested_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

async fn analysis_in(
    conn: &mut AnyConnection,
    t: &Tenant,
    system_id: &str,
) -> Result<Option<AccessAnalysis>, StoreError> {
    let row = sqlx::query(
        "SELECT id, system_id, risks_wider, risks_narrower, access_rules, approved_by, approved_by_name, approved_on, next_review_on,
           approval_signed_at, approval_requested_by, created_at, updated_at
         FROM access_analyses WHERE org_id = $1 AND system_id = $2",
    )
    .bind(t.id())
    .bind(system_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let id = s(&r, "id")?;
    let rows = sqlx::query(
        "SELECT name, information_needed, reason, access_rule FROM access_groups WHERE org_id = $1 AND analysis_id = $2 ORDER BY position",
    )
    .bind(t.id())
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    let groups = rows
        .iter()
        .map(|g| {
            Ok(UserGroup {
                name: s(g, "name")?,
                information_needed: s(g, "information_needed")?,
                reason: s(g, "reason")?,
                access_rule: os(g, "access_rule")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Some(AccessAnalysis {
        id,
        system_id: s(&r, "system_id")?,
        input: AccessAnalysisInput {
            groups,
            risks_wider: s(&r, "risks_wider")?,
            risks_narrower: os(&r, "risks_narrower")?,
            access_rules: s(&r, "access_rules")?,
            approved_by: os(&r, "approved_by")?,
            approved_on: os(&r, "approved_on")?,
            next_review_on: s(&r, "next_review_on")?,
        },
        approved_by_name: os(&r, "approved_by_name")?,
        approval_signed_at: os(&r, "approval_signed_at")?,
        approval_requested_by: os(&r, "approval_requested_by")?,
        created_at: s(&r, "created_at")?,
        updated_at: s(&r, "updated_at")?,
    }))
}

impl Store {
    /// The access-needs analysis of a system, if it has one.
    pub async fn access_analysis(
        &self,
        t: &Tenant,
        system_id: &SystemId,
    ) -> Result<Option<AccessAnalysis>, StoreError> {
        let system_id = system_id.as_str();
        let mut conn = self.pool.acquire().await?;
        analysis_in(&mut conn, t, system_id).await
    }

    /// Saves the system's analysis (one per system; the audit trail keeps earlier versions).
    pub async fn save_access_analysis(
        &self,
        t: &Tenant,
        actor: &Actor,
        system_id: &SystemId,
        x: &AccessAnalysisInput,
        decision: crate::AcceptanceRecord<'_>,
    ) -> Result<AccessAnalysis, StoreError> {
        let approved_by_name = decision.decider_name;
        let system_id = system_id.as_str();
        let mut tx = self.work().await?;
        let found = sqlx::query("SELECT id FROM systems WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(system_id)
            .fetch_optional(tx.conn())
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        crate::assets::check_owner(tx.conn(), t, x.approved_by.as_deref()).await?;
        let before = analysis_in(tx.conn(), t, system_id).await?;
        let now = now_timestamp();
        let (signed_at, requested_by) = match (&x.approved_by, decision.signature) {
            (None, _) => (None, None),
            (Some(_), Signature::Now) => (Some(now.clone()), None),
            (Some(_), Signature::Requested) => (None, Some(decision.requester.to_string())),
            (Some(_), Signature::Unchanged) => (
                before.as_ref().and_then(|b| b.approval_signed_at.clone()),
                before
                    .as_ref()
                    .and_then(|b| b.approval_requested_by.clone()),
            ),
        };
        let id = match &before {
            Some(b) => {
                sqlx::query(
                    "UPDATE access_analyses SET risks_wider = $1, risks_narrower = $2, access_rules = $3, approved_by = $4, approved_by_name = $5,
                       approved_on = $6, next_review_on = $7, updated_at = $8, approval_signed_at = $11, approval_requested_by = $12
                     WHERE org_id = $9 AND id = $10",
                )
                .bind(&x.risks_wider)
                .bind(&x.risks_narrower)
                .bind(&x.access_rules)
                .bind(&x.approved_by)
                .bind(x.approved_by.as_ref().and(approved_by_name))
                .bind(&x.approved_on)
                .bind(&x.next_review_on)
                .bind(&now)
                .bind(t.id())
                .bind(&b.id)
                .bind(&signed_at)
                .bind(&requested_by)
                .execute(tx.conn())
                .await?;
                sqlx::query("DELETE FROM access_groups WHERE org_id = $1 AND analysis_id = $2")
                    .bind(t.id())
                    .bind(&b.id)
                    .execute(tx.conn())
                    .await?;
                b.id.clone()
            }
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO access_analyses (id, org_id, system_id, risks_wider, risks_narrower, access_rules, approved_by, approved_by_name,
                       approved_on, next_review_on, created_at, updated_at, approval_signed_at, approval_requested_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)",
                )
                .bind(&id)
                .bind(t.id())
                .bind(system_id)
                .bind(&x.risks_wider)
                .bind(&x.risks_narrower)
                .bind(&x.access_rules)
                .bind(&x.approved_by)
                .bind(x.approved_by.as_ref().and(approved_by_name))
                .bind(&x.approved_on)
                .bind(&x.next_review_on)
                .bind(&now)
                .bind(&signed_at)
                .bind(&requested_by)
                .execute(tx.conn())
                .await?;
                id
            }
        };
        for (i, g) in x.groups.iter().enumerate() {
            sqlx::query(
                "INSERT INTO access_groups (id, org_id, analysis_id, position, name, information_needed, reason, access_rule)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(new_id())
            .bind(t.id())
            .bind(&id)
            .bind(i64::try_from(i).unwrap_or(i64::MAX))
            .bind(&g.name)
            .bind(&g.information_needed)
            .bind(&g.reason)
            .bind(&g.access_rule)
            .execute(tx.conn())
            .await?;
        }
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "access_analysis.save",
                object_type: "system",
                object_id: system_id,
                before: before.as_ref().map(|b| json!(b.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        let a = analysis_in(tx.conn(), t, system_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(a)
    }
}

impl Store {
    /// The owner's answer to a request to approve a system's access-needs analysis: approving
    /// signs it (dated today); otherwise the request is withdrawn and the analysis stands
    /// unapproved. Only the member asked may answer, once.
    pub async fn sign_access_approval(
        &self,
        t: &Tenant,
        actor: &Actor,
        system_id: &SystemId,
        answer: crate::OwnerAnswer<'_>,
    ) -> Result<AccessAnalysis, StoreError> {
        let system_id = system_id.as_str();
        let mut tx = self.work().await?;
        let before = analysis_in(tx.conn(), t, system_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let now = now_timestamp();
        let res = if answer.accept {
            sqlx::query(
                "UPDATE access_analyses SET approval_signed_at = $1, approved_on = $2, updated_at = $1
                 WHERE org_id = $3 AND system_id = $4 AND approved_by = $5 AND approval_signed_at IS NULL",
            )
            .bind(&now)
            .bind(answer.today)
            .bind(t.id())
            .bind(system_id)
            .bind(answer.decider)
            .execute(tx.conn())
            .await?
        } else {
            sqlx::query(
                "UPDATE access_analyses SET approved_by = NULL, approved_by_name = NULL, approved_on = NULL,
                   approval_requested_by = NULL, updated_at = $1
                 WHERE org_id = $2 AND system_id = $3 AND approved_by = $4 AND approval_signed_at IS NULL",
            )
            .bind(&now)
            .bind(t.id())
            .bind(system_id)
            .bind(answer.decider)
            .execute(tx.conn())
            .await?
        };
        if res.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let after = analysis_in(tx.conn(), t, system_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: if answer.accept {
                    "access_analysis.approval_sign"
                } else {
                    "access_analysis.approval_decline"
                },
                object_type: "system",
                object_id: system_id,
                before: Some(json!(before.input)),
                after: Some(json!({"analysis": after.input, "note": answer.note})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The systems in use whose access-needs analysis waits on this member's approval: (id, name).
    pub async fn access_approvals_awaiting(
        &self,
        t: &Tenant,
        decider: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id AS id, s.name AS name FROM access_analyses x JOIN systems s ON s.id = x.system_id
             WHERE x.org_id = $1 AND s.org_id = $1 AND x.approved_by = $2 AND x.approval_signed_at IS NULL
               AND s.archived_at IS NULL ORDER BY s.name",
        )
        .bind(t.id())
        .bind(decider)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((s(r, "id")?, s(r, "name")?)))
            .collect()
    }

    /// The day (YYYY-MM-DD) the latest access-needs analysis was approved, if any was.
    pub async fn latest_access_analysis_approval(
        &self,
        t: &Tenant,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT MAX(approved_on) FROM access_analyses WHERE org_id = $1 AND approval_signed_at IS NOT NULL")
                .bind(t.id())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(d,)| d))
    }
}
