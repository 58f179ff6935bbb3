//! The guided start's records: what the organisation's registers hold (counted in one query), and
//! the marks members set on steps.

use crate::audit::AuditEntry;
use crate::row::{i, s};
use crate::{now_timestamp, Actor, Store, StoreError, Tenant};
use serde_json::json;
use std::collections::HashMap;
use tillit_domain::guide::{Facts, Mark, Step};

/// A member's mark on a step: the mark, when and by whom.
#[derive(Debug, Clone)]
pub struct GuideMark {
    pub mark: Mark,
    pub at: String,
    pub by_name: String,
}

impl Store {
    /// What the guide reads from the registers, objects in use only.
    pub async fn guide_facts(&self, t: &Tenant) -> Result<Facts, StoreError> {
        let row = sqlx::query(
            "SELECT
               (SELECT COUNT(*) FROM memberships WHERE org_id = $1) AS members,
               (SELECT COUNT(*) FROM information_assets WHERE org_id = $1 AND archived_at IS NULL) AS assets,
               (SELECT COUNT(*) FROM systems WHERE org_id = $1 AND archived_at IS NULL) AS systems,
               (SELECT COUNT(*) FROM information_assets WHERE org_id = $1 AND archived_at IS NULL AND confidentiality IS NULL) AS unclassified,
               (SELECT COUNT(*) FROM assessments WHERE org_id = $1) AS assessments,
               (SELECT COUNT(*) FROM risk_analyses a WHERE a.org_id = $1 AND a.archived_at IS NULL
                  AND EXISTS (SELECT 1 FROM risk_scenarios c WHERE c.org_id = $1 AND c.analysis_id = a.id AND c.archived_at IS NULL)) AS analyses,
               (SELECT COUNT(*) FROM measures WHERE org_id = $1 AND archived_at IS NULL) AS measures,
               (SELECT COUNT(*) FROM submissions WHERE org_id = $1) AS submissions",
        )
        .bind(t.id())
        .fetch_one(&self.pool)
        .await?;
        Ok(Facts {
            members: i(&row, "members")?,
            assets: i(&row, "assets")?,
            systems: i(&row, "systems")?,
            unclassified: i(&row, "unclassified")?,
            assessments: i(&row, "assessments")?,
            analyses_with_scenarios: i(&row, "analyses")?,
            measures: i(&row, "measures")?,
            submissions: i(&row, "submissions")?,
        })
    }

    pub async fn guide_marks(&self, t: &Tenant) -> Result<HashMap<Step, GuideMark>, StoreError> {
        let rows = sqlx::query(
            "SELECT step, mark, marked_at, marked_by_name FROM guide_marks WHERE org_id = $1",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        let mut out = HashMap::new();
        for r in &rows {
            let (Some(step), Some(mark)) =
                (Step::parse(&s(r, "step")?), Mark::parse(&s(r, "mark")?))
            else {
                continue;
            };
            out.insert(
                step,
                GuideMark {
                    mark,
                    at: s(r, "marked_at")?,
                    by_name: s(r, "marked_by_name")?,
                },
            );
        }
        Ok(out)
    }

    /// Sets a member's mark on a step, or takes it back (`None`); audited.
    pub async fn set_guide_mark(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        step: Step,
        mark: Option<Mark>,
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        sqlx::query("DELETE FROM guide_marks WHERE org_id = $1 AND step = $2")
            .bind(t.id())
            .bind(step.key())
            .execute(w.conn())
            .await?;
        if let Some(m) = mark {
            sqlx::query(
                "INSERT INTO guide_marks (org_id, step, mark, marked_at, marked_by_name) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(t.id())
            .bind(step.key())
            .bind(m.key())
            .bind(now_timestamp())
            .bind(by_name)
            .execute(w.conn())
            .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "guide.mark",
                object_type: "organisation",
                object_id: t.id(),
                before: None,
                after: Some(json!({"step": step.key(), "mark": mark.map(Mark::key)})),
            },
        )
        .await?;
        w.commit().await
    }
}
