//! Compliance kept per scope (the organisation's own requirements, each system): the counts the
//! follow-up and the overview add up, and the scopes the database's triggers marked as out of
//! date (migration 0028). The app layer computes the counts with the domain's rule; the store
//! only keeps them.

use crate::row::{i, s};
use crate::systems::System;
use crate::{Store, StoreError, Tenant};
use tillit_domain::assessment::Tally;

/// One scope's counts, computed for the change `mark` (see `compliance_dirty`).
#[derive(Debug, Clone)]
pub struct ScopeTallies {
    /// A system's id, or `ORGANISATION_SCOPE`.
    pub scope: String,
    pub mark: i64,
    /// Per requirement area.
    pub areas: Vec<(String, Tally)>,
}

fn tally_from(r: &sqlx::any::AnyRow) -> Result<Tally, StoreError> {
    let n = |c: &str| -> Result<u32, StoreError> { Ok(u32::try_from(i(r, c)?).unwrap_or(0)) };
    Ok(Tally {
        applicable: n("applicable")?,
        met: n("met")?,
        partly_met: n("partly_met")?,
        not_met: n("not_met")?,
        not_applicable: n("not_applicable")?,
    })
}

impl Store {
    /// Up to `limit` scopes whose counts are out of date, with the mark they were computed for.
    pub async fn compliance_dirty(
        &self,
        t: &Tenant,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT scope, mark FROM compliance_dirty WHERE org_id = $1 ORDER BY scope LIMIT $2",
        )
        .bind(t.id())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((s(r, "scope")?, i(r, "mark")?)))
            .collect()
    }

    /// The systems in use among `ids`, with the assets they process (an archived system, or an
    /// id that is not a system of the organisation, is left out).
    pub async fn live_systems_among(
        &self,
        t: &Tenant,
        ids: &[String],
    ) -> Result<Vec<System>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(crate::links::IN_CHUNK) {
            let sql = format!(
                "SELECT {} FROM {} WHERE s.org_id = $1 AND s.archived_at IS NULL AND s.id IN ({})",
                crate::systems::COLUMNS,
                crate::systems::FROM,
                crate::links::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(t.id());
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.push(crate::systems::system_from_row(&r)?);
            }
        }
        let mut conn = self.pool.acquire().await?;
        crate::systems::with_assets(&mut conn, t, &mut out).await?;
        Ok(out)
    }

    /// The statuses assessed in the given scopes: (scope, requirement, status).
    pub async fn statuses_in_scopes(
        &self,
        t: &Tenant,
        scopes: &[String],
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut out = Vec::new();
        for chunk in scopes.chunks(crate::links::IN_CHUNK) {
            let sql = format!(
                "SELECT scope_key, requirement_id, status FROM assessments WHERE org_id = $1 AND scope_key IN ({})",
                crate::links::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(t.id());
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.push((
                    s(&r, "scope_key")?,
                    s(&r, "requirement_id")?,
                    s(&r, "status")?,
                ));
            }
        }
        Ok(out)
    }

    /// Keeps the scopes' new counts, in one transaction; a scope is taken off the out-of-date
    /// list only when no change came in after the one its counts were computed for.
    pub async fn save_compliance(
        &self,
        t: &Tenant,
        scopes: &[ScopeTallies],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for sc in scopes {
            sqlx::query("DELETE FROM compliance_tallies WHERE org_id = $1 AND scope = $2")
                .bind(t.id())
                .bind(&sc.scope)
                .execute(&mut *tx)
                .await?;
            for (area, n) in &sc.areas {
                sqlx::query(
                    // Two requests may recompute the same scope at once: the later one's
                    // counts win instead of a duplicate key.
                    "INSERT INTO compliance_tallies (org_id, scope, area, applicable, met, partly_met, not_met, not_applicable)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (org_id, scope, area) DO UPDATE SET applicable = excluded.applicable, met = excluded.met,
                       partly_met = excluded.partly_met, not_met = excluded.not_met, not_applicable = excluded.not_applicable",
                )
                .bind(t.id())
                .bind(&sc.scope)
                .bind(area)
                .bind(i64::from(n.applicable))
                .bind(i64::from(n.met))
                .bind(i64::from(n.partly_met))
                .bind(i64::from(n.not_met))
                .bind(i64::from(n.not_applicable))
                .execute(&mut *tx)
                .await?;
            }
            // On PostgreSQL a mark that a write is changing right now is skipped, not waited
            // for: the scope stays out of date for the next request, and a write never waits in
            // a cycle with a recomputation (SQLite has one writer at a time).
            let sql = match self.backend() {
                crate::Backend::Postgres => {
                    "DELETE FROM compliance_dirty WHERE ctid IN (SELECT ctid FROM compliance_dirty
                     WHERE org_id = $1 AND scope = $2 AND mark = $3 FOR UPDATE SKIP LOCKED)"
                }
                crate::Backend::Sqlite => {
                    "DELETE FROM compliance_dirty WHERE org_id = $1 AND scope = $2 AND mark = $3"
                }
            };
            sqlx::query(sql)
                .bind(t.id())
                .bind(&sc.scope)
                .bind(sc.mark)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The kept counts of every scope added up per requirement area.
    pub async fn compliance_by_area(&self, t: &Tenant) -> Result<Vec<(String, Tally)>, StoreError> {
        let rows = sqlx::query(
            "SELECT area, CAST(SUM(applicable) AS BIGINT) AS applicable, CAST(SUM(met) AS BIGINT) AS met,
                    CAST(SUM(partly_met) AS BIGINT) AS partly_met, CAST(SUM(not_met) AS BIGINT) AS not_met,
                    CAST(SUM(not_applicable) AS BIGINT) AS not_applicable
             FROM compliance_tallies WHERE org_id = $1 GROUP BY area ORDER BY area",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((s(r, "area")?, tally_from(r)?)))
            .collect()
    }
}
