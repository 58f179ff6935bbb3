//! Follow-up: review dates of the registers, the gaps an organisation has to close, and daily
//! snapshots of its key figures.

use crate::audit::AuditEntry;
use crate::row::{i, os, s};
use crate::{Actor, Store, StoreError, Tenant};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;
use tillit_domain::measure::next_review;

/// A register whose objects have review intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewed {
    Asset,
    System,
}

impl Reviewed {
    fn table(self) -> &'static str {
        match self {
            Reviewed::Asset => "information_assets",
            Reviewed::System => "systems",
        }
    }
}

/// The Swedish day of a stored instant or date.
fn day_of(ts: &str) -> Option<chrono::NaiveDate> {
    tillit_domain::time::day_of(ts)
}

/// Recomputes an object's next review: its last review (or creation) plus its interval.
/// The first review date of an object made at `created_at` (an RFC 3339 timestamp).
pub(crate) fn first_review(created_at: &str, interval_months: i64) -> Option<String> {
    day_of(created_at).map(|d| next_review(d, interval_months).to_string())
}

pub(crate) async fn refresh_next_review(
    conn: &mut AnyConnection,
    t: &Tenant,
    what: Reviewed,
    id: &str,
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT reviewed_on, created_at, review_interval_months FROM {} WHERE org_id = $1 AND id = $2",
        what.table()
    );
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let last = os(&row, "reviewed_on")?.unwrap_or(s(&row, "created_at")?);
    let next = day_of(&last)
        .map(|d| next_review(d, i(&row, "review_interval_months").unwrap_or(12)).to_string());
    let sql = format!(
        "UPDATE {} SET next_review_on = $1 WHERE org_id = $2 AND id = $3",
        what.table()
    );
    sqlx::query(&sql)
        .bind(next)
        .bind(t.id())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Fills in the next review of objects made before review dates were kept, and which systems
/// process patient data (cheap, so it runs at every start and heals any drift).
pub(crate) async fn backfill_next_reviews(pool: &sqlx::AnyPool) -> Result<(), StoreError> {
    sqlx::query(&patient_data_update("1 = 1"))
        .execute(pool)
        .await?;
    for table in ["information_assets", "systems"] {
        let sql = format!("SELECT id, org_id, reviewed_on, created_at, review_interval_months FROM {table} WHERE next_review_on IS NULL");
        let rows = sqlx::query(&sql).fetch_all(pool).await?;
        for r in rows {
            let last = os(&r, "reviewed_on")?.unwrap_or(s(&r, "created_at")?);
            let next = day_of(&last)
                .map(|d| next_review(d, i(&r, "review_interval_months").unwrap_or(12)).to_string());
            let sql = format!("UPDATE {table} SET next_review_on = $1 WHERE id = $2");
            sqlx::query(&sql)
                .bind(next)
                .bind(s(&r, "id")?)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// The kinds of gap the follow-up overview lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    UnclassifiedAsset,
    OverdueAssetReview,
    OverdueSystemReview,
    OverdueRiskReview,
    MissingAccessAnalysis,
    OverdueAccessReview,
    UntreatedRisk,
    OverdueMeasure,
    UnmetWithoutMeasure,
    /// A requirement a catalog upgrade changed or added, not yet assessed since.
    Reassessment,
    /// An outsourcing decision whose facts or rule set have changed since.
    OutsourcingReassessment,
    /// An incident report whose deadline has passed without it being marked sent.
    OverdueIncidentReport,
    /// A closed incident with no lesson recorded.
    IncidentWithoutLessons,
    /// A risk acceptance asked of an information owner, not yet signed.
    AwaitingOwnerDecision,
    /// An access-needs analysis's approval asked of an information owner, not yet signed.
    AwaitingAccessApproval,
}

impl GapKind {
    pub const ALL: [GapKind; 15] = [
        GapKind::UnclassifiedAsset,
        GapKind::OverdueAssetReview,
        GapKind::OverdueSystemReview,
        GapKind::OverdueRiskReview,
        GapKind::MissingAccessAnalysis,
        GapKind::OverdueAccessReview,
        GapKind::UntreatedRisk,
        GapKind::AwaitingOwnerDecision,
        GapKind::AwaitingAccessApproval,
        GapKind::OverdueMeasure,
        GapKind::UnmetWithoutMeasure,
        GapKind::Reassessment,
        GapKind::OutsourcingReassessment,
        GapKind::OverdueIncidentReport,
        GapKind::IncidentWithoutLessons,
    ];
    pub fn key(self) -> &'static str {
        match self {
            GapKind::UnclassifiedAsset => "unclassified-asset",
            GapKind::OverdueAssetReview => "overdue-asset-review",
            GapKind::OverdueSystemReview => "overdue-system-review",
            GapKind::OverdueRiskReview => "overdue-risk-review",
            GapKind::MissingAccessAnalysis => "missing-access-analysis",
            GapKind::OverdueAccessReview => "overdue-access-review",
            GapKind::UntreatedRisk => "untreated-risk",
            GapKind::OverdueMeasure => "overdue-measure",
            GapKind::UnmetWithoutMeasure => "unmet-without-measure",
            GapKind::Reassessment => "reassessment",
            GapKind::OutsourcingReassessment => "outsourcing-reassessment",
            GapKind::OverdueIncidentReport => "overdue-incident-report",
            GapKind::IncidentWithoutLessons => "incident-without-lessons",
            GapKind::AwaitingOwnerDecision => "awaiting-owner-decision",
            GapKind::AwaitingAccessApproval => "awaiting-access-approval",
        }
    }
}

/// One object with a gap: what it is, a date or figure to show, and where to fix it.
#[derive(Debug, Clone, Serialize)]
pub struct GapItem {
    pub label: String,
    pub detail: String,
    pub href: String,
    /// The query of the new-measure form with its trace filled in, for a gap a measure closes
    /// (an unmet requirement, a risk to reduce).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_measure: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapList {
    pub kind: GapKind,
    pub count: i64,
    /// The first few, most urgent first.
    pub items: Vec<GapItem>,
}

/// One gap query: kind, `FROM … WHERE …` ($1 the tenant, $2 the argument), the argument, and
/// the label, detail, link prefix, id and order expressions.
/// The condition that leaves out the assessments of archived systems (alias `x`), or nothing when
/// the organisation has archived no system — the common case, in which the counts stay index
/// ranges instead of reading every assessment row.
async fn live_scopes(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
) -> Result<&'static str, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM systems WHERE org_id = $1 AND archived_at IS NOT NULL",
    )
    .bind(t.id())
    .fetch_one(&mut *conn)
    .await?;
    Ok(if n == 0 {
        ""
    } else {
        " AND (x.system_id IS NULL OR x.system_id NOT IN (SELECT z.id FROM systems z WHERE z.org_id = $1 AND z.archived_at IS NOT NULL))"
    })
}

type GapSpec<'a> = (
    GapKind,
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

/// How many gap items of each kind are listed (the count covers all).
pub const GAP_ITEMS_SHOWN: i64 = 10;

/// A patient-data asset: patients among its data subjects, or under the health-care secrecy
/// provision (25 kap. OSL). Health data about staff alone is not patient data.
/// The domain's rule of patient data (`AssetInput::is_patient_data`) in SQL over an asset `a`,
/// kept as the denormalised `systems.patient_data` flag so that lists filter by an index. A test
/// checks that the flag and the rule agree on every demo and generated system.
pub(crate) const PATIENT_ASSET: &str = "((',' || a.data_subjects || ',') LIKE '%,patients,%' OR a.confidentiality_provisions LIKE '%25 kap%')";

/// The statement that recomputes `systems.patient_data` for the systems matching `which`.
fn patient_data_update(which: &str) -> String {
    format!(
        "UPDATE systems SET patient_data = CASE WHEN EXISTS (SELECT 1 FROM system_assets sa JOIN information_assets a ON a.id = sa.asset_id
           WHERE sa.org_id = systems.org_id AND sa.system_id = systems.id AND a.org_id = systems.org_id AND {PATIENT_ASSET}) THEN 1 ELSE 0 END
         WHERE {which}"
    )
}

/// Recomputes whether systems process patient data: one system, or (`asset` given) every system
/// that processes that asset.
pub(crate) async fn refresh_patient_data(
    conn: &mut AnyConnection,
    t: &Tenant,
    system_id: Option<&str>,
    asset_id: Option<&str>,
) -> Result<(), StoreError> {
    let which = if system_id.is_some() {
        "id = $2"
    } else {
        "id IN (SELECT system_id FROM system_assets WHERE org_id = $1 AND asset_id = $2)"
    };
    sqlx::query(&patient_data_update(&format!("org_id = $1 AND {which}")))
        .bind(t.id())
        .bind(system_id.or(asset_id).unwrap_or(""))
        .execute(conn)
        .await?;
    Ok(())
}

/// The key figures kept for the trend.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFigures {
    pub assets: i64,
    pub unclassified_assets: i64,
    pub systems: i64,
    pub scenarios_above_tolerance: i64,
    pub open_measures: i64,
    pub overdue_measures: i64,
    /// Requirements assessed as met, of all assessed (per cent), when any are assessed.
    pub compliance_percent: Option<i64>,
    pub gaps: i64,
    /// Compliance per requirement area (area id → per cent of the assessed requirements met,
    /// partly met counting half), filled in by the caller, which knows the library.
    #[serde(default)]
    pub areas: std::collections::BTreeMap<String, i64>,
}

async fn count(
    conn: &mut AnyConnection,
    sql: &str,
    t: &Tenant,
    arg: Option<&str>,
) -> Result<i64, StoreError> {
    let mut q = sqlx::query(sql).bind(t.id());
    if let Some(a) = arg {
        q = q.bind(a);
    }
    i(&q.fetch_one(&mut *conn).await?, "n")
}

impl Store {
    /// Records that an asset or system has been reviewed today; its next review moves one
    /// interval on.
    pub async fn mark_reviewed(
        &self,
        t: &Tenant,
        actor: &Actor,
        what: Reviewed,
        id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        let today = tillit_domain::time::today().to_string();
        let sql = format!(
            "UPDATE {} SET reviewed_on = $1 WHERE org_id = $2 AND id = $3",
            what.table()
        );
        let done = sqlx::query(&sql)
            .bind(&today)
            .bind(t.id())
            .bind(id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        refresh_next_review(tx.conn(), t, what, id).await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: match what {
                    Reviewed::Asset => "asset.review",
                    Reviewed::System => "system.review",
                },
                object_type: match what {
                    Reviewed::Asset => "asset",
                    Reviewed::System => "system",
                },
                object_id: id,
                before: None,
                after: Some(json!({"reviewed_on": today})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The next review date (YYYY-MM-DD) of an asset or system.
    pub async fn next_review_of(
        &self,
        t: &Tenant,
        what: Reviewed,
        id: &str,
    ) -> Result<(Option<String>, Option<String>), StoreError> {
        let sql = format!(
            "SELECT reviewed_on, next_review_on FROM {} WHERE org_id = $1 AND id = $2",
            what.table()
        );
        let row = sqlx::query(&sql)
            .bind(t.id())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((os(&row, "reviewed_on")?, os(&row, "next_review_on")?))
    }

    /// Every gap of the organisation on `today` (YYYY-MM-DD), with counts and the first items.
    pub async fn gaps(
        &self,
        t: &Tenant,
        today: &str,
        tolerance: u32,
    ) -> Result<Vec<GapList>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let tol = tolerance.to_string();
        let mut out = Vec::new();
        let live = live_scopes(&mut conn, t).await?;
        let unmet = format!("assessments x WHERE x.org_id = $1 AND x.status IN ('not_met', 'partly_met') AND x.has_measure = 0{live}");
        let reassess = format!("reassessments x WHERE x.org_id = $1{live}");
        // (kind, FROM … WHERE …, argument $2, label, detail, href prefix, id column, order)
        let specs: [GapSpec<'_>; 11] = [
            (GapKind::UnclassifiedAsset, "information_assets a WHERE a.org_id = $1 AND a.archived_at IS NULL AND a.highest_level IS NULL", None,
             "a.name", "a.created_at", "/assets/", "a.id", "a.name"),
            (GapKind::OverdueAssetReview, "information_assets a WHERE a.org_id = $1 AND a.archived_at IS NULL AND a.next_review_on < $2", Some(today),
             "a.name", "a.next_review_on", "/assets/", "a.id", "a.next_review_on, a.name"),
            (GapKind::OverdueSystemReview, "systems s WHERE s.org_id = $1 AND s.archived_at IS NULL AND s.next_review_on < $2", Some(today),
             "s.name", "s.next_review_on", "/systems/", "s.id", "s.next_review_on, s.name"),
            (GapKind::MissingAccessAnalysis,
             "systems s WHERE s.org_id = $1 AND s.archived_at IS NULL AND s.patient_data = 1 AND NOT EXISTS (SELECT 1 FROM access_analyses x WHERE x.org_id = s.org_id AND x.system_id = s.id)",
             None, "s.name", "s.hosting", "/systems/", "s.id", "s.name"),
            (GapKind::OverdueAccessReview,
             "access_analyses x JOIN systems s ON s.id = x.system_id WHERE x.org_id = $1 AND s.org_id = $1 AND s.archived_at IS NULL AND x.next_review_on < $2",
             Some(today), "s.name", "x.next_review_on", "/systems/", "s.id", "x.next_review_on, s.name"),
            (GapKind::UntreatedRisk,
             "risk_scenarios x WHERE x.org_id = $1 AND x.archived_at IS NULL AND x.treatment IS NULL AND x.residual_score > CAST($2 AS BIGINT)",
             Some(&tol), "x.title", "x.residual_score", "/scenarios/", "x.id", "x.residual_score DESC, x.title"),
            (GapKind::AwaitingOwnerDecision,
             "risk_scenarios x WHERE x.org_id = $1 AND x.accepted_by IS NOT NULL AND x.acceptance_signed_at IS NULL AND x.archived_at IS NULL",
             None, "x.title", "COALESCE(x.accepted_by_name, '')", "/scenarios/", "x.id", "x.residual_score DESC, x.title"),
            (GapKind::AwaitingAccessApproval,
             "access_analyses x JOIN systems s ON s.id = x.system_id WHERE x.org_id = $1 AND s.org_id = $1 AND s.archived_at IS NULL
                AND x.approved_by IS NOT NULL AND x.approval_signed_at IS NULL",
             None, "s.name", "COALESCE(x.approved_by_name, '')", "/systems/", "s.id", "s.name"),
            (GapKind::OverdueMeasure,
             "measures x WHERE x.org_id = $1 AND x.archived_at IS NULL AND x.status IN ('planned', 'in_progress') AND x.due_on < $2",
             Some(today), "x.title", "x.due_on", "/measures/", "x.id", "x.due_on, x.title"),
            (GapKind::UnmetWithoutMeasure,
             &unmet,
             None, "x.requirement_id", "COALESCE((SELECT s.name FROM systems s WHERE s.id = x.system_id AND s.org_id = x.org_id), '')", "", "x.scope_key", "x.status, x.requirement_id"),
            (GapKind::Reassessment, &reassess, None,
             "x.requirement_id", "COALESCE((SELECT s.name FROM systems s WHERE s.id = x.system_id AND s.org_id = x.org_id), '')", "", "x.scope_key",
             "x.reason, x.scope_key, x.requirement_id"),
        ];
        for (kind, from_where, arg, label, detail, href, id_col, order) in specs {
            let n = count(
                &mut conn,
                &format!("SELECT COUNT(*) AS n FROM {from_where}"),
                t,
                arg,
            )
            .await?;
            let sql = if kind == GapKind::UnmetWithoutMeasure {
                // Not met first, then partly met: one index range each (an IN list cannot be
                // read in index order).
                let part = |status: &str| {
                    format!(
                        "SELECT * FROM (SELECT {label} AS label, {detail} AS detail, {id_col} AS link_id, x.status AS status FROM assessments x
                          WHERE x.org_id = $1 AND x.status = '{status}' AND x.has_measure = 0{live} ORDER BY x.requirement_id LIMIT {GAP_ITEMS_SHOWN}) p_{status}"
                    )
                };
                format!(
                    "SELECT label, detail, link_id FROM ({} UNION ALL {}) u ORDER BY status, label LIMIT {GAP_ITEMS_SHOWN}",
                    part("not_met"),
                    part("partly_met")
                )
            } else {
                format!(
                    "SELECT {label} AS label, {detail} AS detail, {id_col} AS link_id FROM {from_where} ORDER BY {order} LIMIT {GAP_ITEMS_SHOWN}"
                )
            };
            let mut q = sqlx::query(&sql).bind(t.id());
            if let Some(a) = arg {
                q = q.bind(a);
            }
            let rows = q.fetch_all(&mut *conn).await?;
            let mut items = Vec::new();
            for r in rows {
                let link_id = s(&r, "link_id")?;
                let label_v = s(&r, "label")?;
                // Detail columns differ in type (text or number); read either.
                let detail_v = os(&r, "detail")
                    .ok()
                    .flatten()
                    .or_else(|| i(&r, "detail").ok().map(|n| n.to_string()))
                    .unwrap_or_default();
                let href_v = match kind {
                    GapKind::UnmetWithoutMeasure | GapKind::Reassessment => {
                        if link_id == crate::ORGANISATION_SCOPE {
                            format!("/requirements/{label_v}")
                        } else {
                            format!("/systems/{link_id}/requirements/{label_v}")
                        }
                    }
                    GapKind::MissingAccessAnalysis
                    | GapKind::OverdueAccessReview
                    | GapKind::AwaitingAccessApproval => {
                        format!("/systems/{link_id}/access-analysis")
                    }
                    _ => format!("{href}{link_id}"),
                };
                let new_measure = match kind {
                    GapKind::UnmetWithoutMeasure => {
                        Some(format!("requirement={link_id}/{label_v}"))
                    }
                    GapKind::UntreatedRisk => Some(format!("scenario={link_id}")),
                    _ => None,
                };
                items.push(GapItem {
                    label: label_v,
                    detail: detail_v,
                    href: href_v,
                    new_measure,
                });
            }
            out.push(GapList {
                kind,
                count: n,
                items,
            });
        }
        // Risk analyses: the next review is computed from the last review and the interval.
        let rows = sqlx::query(
            "SELECT id, title, reviewed_on, review_interval_months FROM risk_analyses WHERE org_id = $1 AND archived_at IS NULL ORDER BY reviewed_on",
        )
        .bind(t.id())
        .fetch_all(&mut *conn)
        .await?;
        let today_d = day_of(today);
        let mut overdue = Vec::new();
        for r in rows {
            let next = day_of(&s(&r, "reviewed_on")?)
                .map(|d| next_review(d, i(&r, "review_interval_months").unwrap_or(12)));
            if let (Some(n), Some(td)) = (next, today_d) {
                if n < td {
                    overdue.push(GapItem {
                        label: s(&r, "title")?,
                        detail: n.to_string(),
                        href: format!("/risks/{}", s(&r, "id")?),
                        new_measure: None,
                    });
                }
            }
        }
        let n = i64::try_from(overdue.len()).unwrap_or(i64::MAX);
        overdue.truncate(usize::try_from(GAP_ITEMS_SHOWN).unwrap_or(10));
        let pos = out
            .iter()
            .position(|g| g.kind == GapKind::MissingAccessAnalysis)
            .unwrap_or(out.len());
        out.insert(
            pos,
            GapList {
                kind: GapKind::OverdueRiskReview,
                count: n,
                items: overdue,
            },
        );
        Ok(out)
    }

    /// Today's key figures.
    pub async fn key_figures(
        &self,
        t: &Tenant,
        today: &str,
        tolerance: u32,
        gaps: i64,
    ) -> Result<KeyFigures, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let c = |sql: &'static str| sql;
        let assets = count(
            &mut conn,
            c("SELECT COUNT(*) AS n FROM information_assets WHERE org_id = $1 AND archived_at IS NULL"),
            t,
            None,
        )
        .await?;
        let unclassified = count(&mut conn, c("SELECT COUNT(*) AS n FROM information_assets WHERE org_id = $1 AND archived_at IS NULL AND highest_level IS NULL"), t, None).await?;
        let systems = count(
            &mut conn,
            c("SELECT COUNT(*) AS n FROM systems WHERE org_id = $1 AND archived_at IS NULL"),
            t,
            None,
        )
        .await?;
        let above = count(
            &mut conn,
            c("SELECT COUNT(*) AS n FROM risk_scenarios WHERE org_id = $1 AND archived_at IS NULL AND residual_score > CAST($2 AS BIGINT)"),
            t,
            Some(&tolerance.to_string()),
        )
        .await?;
        let open = count(&mut conn, c("SELECT COUNT(*) AS n FROM measures WHERE org_id = $1 AND archived_at IS NULL AND status IN ('planned', 'in_progress')"), t, None).await?;
        let overdue = count(
            &mut conn,
            c("SELECT COUNT(*) AS n FROM measures WHERE org_id = $1 AND archived_at IS NULL AND status IN ('planned', 'in_progress') AND due_on < $2"),
            t,
            Some(today),
        )
        .await?;
        Ok(KeyFigures {
            assets,
            unclassified_assets: unclassified,
            systems,
            scenarios_above_tolerance: above,
            open_measures: open,
            overdue_measures: overdue,
            // Filled in by the app layer (tillit_app::compliance).
            compliance_percent: None,
            gaps,
            areas: Default::default(),
        })
    }

    /// Stores today's figures (replacing an earlier snapshot of the same day).
    pub async fn save_snapshot(
        &self,
        t: &Tenant,
        day: &str,
        f: &KeyFigures,
    ) -> Result<(), StoreError> {
        let stored =
            sqlx::query("SELECT figures FROM daily_snapshots WHERE org_id = $1 AND day = $2")
                .bind(t.id())
                .bind(day)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(r) = stored {
            if serde_json::from_str::<KeyFigures>(&s(&r, "figures")?)
                .ok()
                .as_ref()
                == Some(f)
            {
                return Ok(());
            }
        }
        // One statement, so that two computations of the same day (a page and the daily task,
        // or two instances) never race into a duplicate key: the later one wins.
        sqlx::query(
            "INSERT INTO daily_snapshots (org_id, day, figures) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, day) DO UPDATE SET figures = excluded.figures",
        )
        .bind(t.id())
        .bind(day)
        .bind(json!(f).to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The snapshots of the last `days` days, oldest first.
    pub async fn snapshots(
        &self,
        t: &Tenant,
        since: &str,
    ) -> Result<Vec<(String, KeyFigures)>, StoreError> {
        let rows = sqlx::query(
            "SELECT day, figures FROM daily_snapshots WHERE org_id = $1 AND day >= $2 ORDER BY day",
        )
        .bind(t.id())
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let f: KeyFigures = serde_json::from_str(&s(r, "figures")?)
                    .map_err(|e| StoreError::Corrupt(format!("snapshot: {e}")))?;
                Ok((s(r, "day")?, f))
            })
            .collect()
    }

    /// The organisations (ids wrapped as tenants) that have any register data, for the daily
    /// snapshot task.
    pub async fn provider_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM organisations WHERE kind <> 'authority' ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok(Tenant::checked(s(r, "id")?)))
            .collect()
    }
}
