//! Archiving and restoring register objects (see `tillit_domain::archive`): one audited update of
//! `archived_at`/`archived_by`, in one unit of work.

use crate::audit::AuditEntry;
use crate::row::os;
use crate::{now_timestamp, Actor, Store, StoreError, Tenant};
use serde_json::json;
use tillit_domain::archive::{Archivable, Archived};

fn table(k: Archivable) -> &'static str {
    match k {
        Archivable::Asset => "information_assets",
        Archivable::System => "systems",
        Archivable::RiskAnalysis => "risk_analyses",
        Archivable::Scenario => "risk_scenarios",
        Archivable::Measure => "measures",
    }
}

impl Store {
    /// When and by whom the object was archived; `None` while it is in use. Not found when the
    /// organisation has no such object.
    pub async fn archived(
        &self,
        t: &Tenant,
        k: Archivable,
        id: &str,
    ) -> Result<Option<Archived>, StoreError> {
        let sql = format!(
            "SELECT archived_at, archived_by FROM {} WHERE org_id = $1 AND id = $2",
            table(k)
        );
        let row = sqlx::query(&sql)
            .bind(t.id())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(os(&row, "archived_at")?.map(|at| Archived {
            at,
            by: os(&row, "archived_by").ok().flatten().unwrap_or_default(),
        }))
    }

    /// The names of the systems, not archived, that process the asset.
    pub async fn active_systems_processing(
        &self,
        t: &Tenant,
        asset_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT s.name FROM system_assets sa JOIN systems s ON s.id = sa.system_id AND s.org_id = sa.org_id
             WHERE sa.org_id = $1 AND sa.asset_id = $2 AND s.archived_at IS NULL ORDER BY s.name",
        )
        .bind(t.id())
        .bind(asset_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Archives (`archive`) or restores the object, audited. Archiving what is archived, or
    /// restoring what is in use, changes nothing and returns `false`. An analysis takes its
    /// scenarios with it: those in use are archived at the same instant, and restoring it
    /// restores the scenarios archived at that instant (not those archived on their own before).
    pub async fn set_archived(
        &self,
        t: &Tenant,
        actor: &Actor,
        by: &str,
        k: Archivable,
        id: &str,
        archive: bool,
    ) -> Result<bool, StoreError> {
        let before = self.archived(t, k, id).await?;
        if before.is_some() == archive {
            return Ok(false);
        }
        let mut w = self.work().await?;
        let now = now_timestamp();
        let (at, who) = if archive {
            (Some(now.as_str()), Some(by))
        } else {
            (None, None)
        };
        let sql = format!(
            "UPDATE {} SET archived_at = $1, archived_by = $2 WHERE org_id = $3 AND id = $4",
            table(k)
        );
        sqlx::query(&sql)
            .bind(at)
            .bind(who)
            .bind(t.id())
            .bind(id)
            .execute(w.conn())
            .await?;
        if k == Archivable::Measure {
            // The requirements it answers may now be answered by no measure (or again by one).
            let reqs: Vec<(String, String)> = sqlx::query_as(
                "SELECT scope_key, requirement_id FROM measure_requirements WHERE org_id = $1 AND measure_id = $2",
            )
            .bind(t.id())
            .bind(id)
            .fetch_all(w.conn())
            .await?;
            for (scope, req) in reqs {
                crate::assessments::refresh_has_measure(w.conn(), t, &scope, &req).await?;
            }
        }
        if k == Archivable::RiskAnalysis {
            if archive {
                sqlx::query(
                    "UPDATE risk_scenarios SET archived_at = $1, archived_by = $2
                     WHERE org_id = $3 AND analysis_id = $4 AND archived_at IS NULL",
                )
                .bind(&now)
                .bind(by)
                .bind(t.id())
                .bind(id)
                .execute(w.conn())
                .await?;
            } else if let Some(b) = &before {
                sqlx::query(
                    "UPDATE risk_scenarios SET archived_at = NULL, archived_by = NULL
                     WHERE org_id = $1 AND analysis_id = $2 AND archived_at = $3",
                )
                .bind(t.id())
                .bind(id)
                .bind(&b.at)
                .execute(w.conn())
                .await?;
            }
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: k.action(archive),
                object_type: k.object_type(),
                object_id: id,
                before: Some(json!({ "archived": before.is_some() })),
                after: Some(json!({ "archived": archive })),
            },
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }
}
