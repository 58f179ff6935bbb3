//! The national figures an authority reads from the submissions it has received: the figures of
//! each submission taken out once as whole numbers (`submission_figures`), and the sums per
//! county, kind, requirement area, quarter and period that the application layer protects and
//! divides. The marks of published support live here too.

use crate::audit::{AuditEntry, Work};
use crate::row::{i, os, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use tillit_domain::national::{quarter_of, SubmissionFigures, Sums};

/// A mark of support an authority published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SupportMark {
    pub id: String,
    pub title: String,
    pub published_on: String,
    pub guidance_doc_key: Option<String>,
    /// Requirement areas (empty: compliance as a whole).
    pub areas: Vec<String>,
    /// Kinds of organisation (empty: all).
    pub org_kinds: Vec<String>,
    pub window_months: i64,
    pub created_at: String,
    pub created_by_name: String,
}

/// A mark as stored: the lists semicolon-separated.
#[derive(sqlx::FromRow)]
struct SupportMarkRow {
    id: String,
    title: String,
    published_on: String,
    guidance_doc_key: Option<String>,
    areas: String,
    org_kinds: String,
    window_months: i64,
    created_at: String,
    created_by_name: String,
}

impl From<SupportMarkRow> for SupportMark {
    fn from(r: SupportMarkRow) -> SupportMark {
        let list = |v: &str| {
            v.split(';')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        SupportMark {
            areas: list(&r.areas),
            org_kinds: list(&r.org_kinds),
            id: r.id,
            title: r.title,
            published_on: r.published_on,
            guidance_doc_key: r.guidance_doc_key,
            window_months: r.window_months,
            created_at: r.created_at,
            created_by_name: r.created_by_name,
        }
    }
}

/// A new mark.
#[derive(Debug, Clone)]
pub struct NewSupportMark {
    pub title: String,
    pub published_on: String,
    pub guidance_doc_key: Option<String>,
    pub areas: Vec<String>,
    pub org_kinds: Vec<String>,
    pub window_months: i64,
}

/// One organisation's last submission in a period, as the before-and-after comparison reads it.
#[derive(Debug, Clone)]
pub struct PeriodRow {
    pub org_number: String,
    pub kind: String,
    /// The organisation's compliance, risk analysis and access-needs analysis figures (the gap
    /// counts are not read for a period and stay 0).
    pub sums: Sums,
    /// Area → per cent, for the areas asked for.
    pub areas: Vec<(String, i64)>,
}

const SUMS: &str =
    "COUNT(*) AS orgs, CAST(COALESCE(SUM(f.has_compliance), 0) AS BIGINT) AS with_compliance,
    CAST(COALESCE(SUM(f.compliance_percent * f.has_compliance), 0) AS BIGINT) AS compliance_sum,
    CAST(COALESCE(SUM(f.risk_current), 0) AS BIGINT) AS risk_current,
    CAST(COALESCE(SUM(f.access_current), 0) AS BIGINT) AS access_current,
    CAST(COALESCE(SUM(f.incidents_12m), 0) AS BIGINT) AS incidents,
    CAST(COALESCE(SUM(f.has_unclassified), 0) AS BIGINT) AS with_unclassified,
    CAST(COALESCE(SUM(f.has_untreated_risks), 0) AS BIGINT) AS with_untreated_risks,
    CAST(COALESCE(SUM(f.has_overdue_measures), 0) AS BIGINT) AS with_overdue_measures,
    CAST(COALESCE(SUM(f.has_missing_access), 0) AS BIGINT) AS with_missing_access,
    CAST(COALESCE(SUM(f.has_overdue_reports), 0) AS BIGINT) AS with_overdue_reports";

fn sums(r: &AnyRow) -> Result<Sums, StoreError> {
    Ok(Sums {
        orgs: i(r, "orgs")?,
        with_compliance: i(r, "with_compliance")?,
        compliance_sum: i(r, "compliance_sum")?,
        risk_current: i(r, "risk_current")?,
        access_current: i(r, "access_current")?,
        incidents: i(r, "incidents")?,
        with_unclassified: i(r, "with_unclassified")?,
        with_untreated_risks: i(r, "with_untreated_risks")?,
        with_overdue_measures: i(r, "with_overdue_measures")?,
        with_missing_access: i(r, "with_missing_access")?,
        with_overdue_reports: i(r, "with_overdue_reports")?,
    })
}

/// Raises the authority's national-figures version: what it computed before is out of date.
pub(crate) async fn bump(conn: &mut AnyConnection, authority: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO national_versions (authority_org_id, version) VALUES ($1, 1)
         ON CONFLICT (authority_org_id) DO UPDATE SET version = national_versions.version + 1",
    )
    .bind(authority)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the figures of a submission just received out of its kept JSON.
pub(crate) async fn record_figures(
    w: &mut Work<'_>,
    authority: &str,
    received_id: &str,
    org_number: &str,
    submitted_at: &str,
    figures: &str,
) -> Result<(), StoreError> {
    let value: serde_json::Value = serde_json::from_str(figures).unwrap_or_default();
    bump(w.conn(), authority).await?;
    insert_figures(
        w.conn(),
        authority,
        received_id,
        org_number,
        submitted_at,
        &SubmissionFigures::from_figures(&value),
    )
    .await
}

async fn insert_figures(
    conn: &mut AnyConnection,
    authority: &str,
    received_id: &str,
    org_number: &str,
    submitted_at: &str,
    f: &SubmissionFigures,
) -> Result<(), StoreError> {
    let on = tillit_domain::time::day_of(submitted_at)
        .ok_or_else(|| StoreError::Corrupt(format!("submitted_at {submitted_at}")))?;
    let one = Sums::of(f, on);
    let quarter = quarter_of(on);
    sqlx::query(
        "INSERT INTO submission_figures (received_id, authority_org_id, org_number, kind, submitted_at, submitted_on, quarter,
           has_compliance, compliance_percent, risk_current, access_current, incidents_12m, has_unclassified,
           has_untreated_risks, has_overdue_measures, has_missing_access, has_overdue_reports)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(received_id)
    .bind(authority)
    .bind(org_number)
    .bind(&f.kind)
    .bind(submitted_at)
    .bind(on.to_string())
    .bind(&quarter)
    .bind(one.with_compliance)
    .bind(one.compliance_sum)
    .bind(one.risk_current)
    .bind(one.access_current)
    .bind(one.incidents)
    .bind(one.with_unclassified)
    .bind(one.with_untreated_risks)
    .bind(one.with_overdue_measures)
    .bind(one.with_missing_access)
    .bind(one.with_overdue_reports)
    .execute(&mut *conn)
    .await?;
    for (area, percent) in &f.areas {
        sqlx::query(
            "INSERT INTO submission_area_figures (received_id, authority_org_id, area, percent) VALUES ($1, $2, $3, $4)
             ON CONFLICT (received_id, area) DO NOTHING",
        )
        .bind(received_id)
        .bind(authority)
        .bind(area)
        .bind(percent)
        .execute(&mut *conn)
        .await?;
    }
    // The organisation's last submission of the quarter (submissions may arrive out of order).
    sqlx::query(
        "UPDATE submission_figures SET last_in_quarter = CASE WHEN received_id = (
             SELECT g.received_id FROM submission_figures g
             WHERE g.authority_org_id = $1 AND g.org_number = $2 AND g.quarter = $3
             ORDER BY g.submitted_at DESC, g.received_id DESC LIMIT 1) THEN 1 ELSE 0 END
         WHERE authority_org_id = $1 AND org_number = $2 AND quarter = $3",
    )
    .bind(authority)
    .bind(org_number)
    .bind(&quarter)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// The authority's national-figures version (0 before anything was received).
    pub async fn national_version(&self, t: &Tenant) -> Result<i64, StoreError> {
        let v: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM national_versions WHERE authority_org_id = $1")
                .bind(t.id())
                .fetch_optional(&self.pool)
                .await?;
        Ok(v.map(|(v,)| v).unwrap_or(0))
    }

    /// Takes out the figures of submissions received before the national figures existed (from
    /// the signed content where it is kept, which holds every figure). Returns how many.
    pub async fn backfill_submission_figures(&self) -> Result<usize, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.authority_org_id, r.org_number, r.submitted_at, r.figures,
                    COALESCE(r.envelope, s.envelope) AS envelope
             FROM received_submissions r
             LEFT JOIN submissions s ON s.id = r.submission_id
             LEFT JOIN submission_figures f ON f.received_id = r.id
             WHERE f.received_id IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut w = self.work().await?;
        for r in &rows {
            bump(w.conn(), &s(r, "authority_org_id")?).await?;
            let content = os(r, "envelope")?
                .and_then(|e| serde_json::from_str::<serde_json::Value>(&e).ok())
                .map(|e| tillit_domain::ranking::figures_of(&e["submission"]));
            let value = match content {
                Some(v) => v,
                None => serde_json::from_str(&s(r, "figures")?).unwrap_or_default(),
            };
            insert_figures(
                w.conn(),
                &s(r, "authority_org_id")?,
                &s(r, "id")?,
                &s(r, "org_number")?,
                &s(r, "submitted_at")?,
                &SubmissionFigures::from_figures(&value),
            )
            .await?;
        }
        w.commit().await?;
        Ok(rows.len())
    }

    /// The sums of each organisation's latest submission per county and per kind of
    /// organisation (the margins, in that order), read in one pass: the county × kind groups are
    /// summed here, so the cross-table itself never leaves the store.
    pub async fn national_groups(
        &self,
        t: &Tenant,
    ) -> Result<(Vec<(String, Sums)>, Vec<(String, Sums)>), StoreError> {
        let sql = format!(
            "SELECT COALESCE(r.county, '') AS county, f.kind AS kind, {SUMS}
             FROM latest_submissions l
             JOIN submission_figures f ON f.received_id = l.received_id
             LEFT JOIN registry_entries r ON r.authority_org_id = l.authority_org_id AND r.org_number = l.org_number
             WHERE l.authority_org_id = $1
             GROUP BY COALESCE(r.county, ''), f.kind"
        );
        let rows = sqlx::query(&sql).bind(t.id()).fetch_all(&self.pool).await?;
        let mut county: std::collections::BTreeMap<String, Sums> = Default::default();
        let mut kind: std::collections::BTreeMap<String, Sums> = Default::default();
        for r in &rows {
            let x = sums(r)?;
            *county.entry(s(r, "county")?).or_default() += x;
            *kind.entry(s(r, "kind")?).or_default() += x;
        }
        Ok((county.into_iter().collect(), kind.into_iter().collect()))
    }

    /// Compliance per requirement area over each organisation's latest submission: (area,
    /// organisations, sum of per cent).
    pub async fn national_areas(&self, t: &Tenant) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.area, COUNT(*) AS orgs, CAST(SUM(a.percent) AS BIGINT) AS total
             FROM latest_submissions l
             JOIN submission_area_figures a ON a.received_id = l.received_id
             WHERE l.authority_org_id = $1
             GROUP BY a.area ORDER BY a.area",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((s(r, "area")?, i(r, "orgs")?, i(r, "total")?)))
            .collect()
    }

    /// The sums per quarter, over each organisation's last submission of the quarter.
    pub async fn national_trend(&self, t: &Tenant) -> Result<Vec<(String, Sums)>, StoreError> {
        let sql = format!(
            "SELECT f.quarter AS k, {SUMS} FROM submission_figures f
             WHERE f.authority_org_id = $1 AND f.last_in_quarter = 1
             GROUP BY f.quarter ORDER BY f.quarter"
        );
        let rows = sqlx::query(&sql).bind(t.id()).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((s(r, "k")?, sums(r)?))).collect()
    }

    /// Each organisation's last submission of the quarters given (its last quarter among them),
    /// of the kinds given (none: every kind), with its figures for the areas asked for. The
    /// choice is made in the database, so that only one row per organisation is read.
    pub async fn national_period(
        &self,
        t: &Tenant,
        quarters: &[String],
        kinds: &[String],
        areas: &[String],
    ) -> Result<Vec<PeriodRow>, StoreError> {
        if quarters.is_empty() {
            return Ok(vec![]);
        }
        let qs = crate::links::placeholders(2, quarters.len());
        let kind_filter = if kinds.is_empty() {
            String::new()
        } else {
            format!(
                " AND f.kind IN ({})",
                crate::links::placeholders(2 + quarters.len(), kinds.len())
            )
        };
        let chosen = format!(
            "WITH chosen AS (
               SELECT f.received_id, f.org_number, f.kind, f.has_compliance,
                      f.compliance_percent * f.has_compliance AS compliance_sum,
                      f.risk_current, f.access_current,
                      ROW_NUMBER() OVER (PARTITION BY f.org_number ORDER BY f.quarter DESC) AS n
               FROM submission_figures f
               WHERE f.authority_org_id = $1 AND f.last_in_quarter = 1 AND f.quarter IN ({qs}){kind_filter})"
        );
        fn bind_all<'q>(
            sql: &'q str,
            values: impl Iterator<Item = String>,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            let mut q = sqlx::query(sql);
            for x in values {
                q = q.bind(x);
            }
            q
        }
        let values = |extra: &[String]| {
            std::iter::once(t.id().to_string())
                .chain(quarters.iter().chain(kinds).chain(extra).cloned())
                .collect::<Vec<_>>()
                .into_iter()
        };
        let sql = format!(
            "{chosen} SELECT received_id, org_number, kind, has_compliance, compliance_sum,
                      risk_current, access_current
               FROM chosen WHERE n = 1"
        );
        let rows = bind_all(&sql, values(&[])).fetch_all(&self.pool).await?;
        let mut out: Vec<(String, PeriodRow)> = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push((
                s(r, "received_id")?,
                PeriodRow {
                    org_number: s(r, "org_number")?,
                    kind: s(r, "kind")?,
                    sums: Sums {
                        orgs: 1,
                        with_compliance: i(r, "has_compliance")?,
                        compliance_sum: i(r, "compliance_sum")?,
                        risk_current: i(r, "risk_current")?,
                        access_current: i(r, "access_current")?,
                        ..Sums::default()
                    },
                    areas: vec![],
                },
            ));
        }
        if !areas.is_empty() && !out.is_empty() {
            let aps = crate::links::placeholders(2 + quarters.len() + kinds.len(), areas.len());
            let sql = format!(
                "{chosen} SELECT a.received_id, a.area, a.percent FROM chosen c
                 JOIN submission_area_figures a ON a.received_id = c.received_id
                 WHERE c.n = 1 AND a.area IN ({aps})"
            );
            let rows = bind_all(&sql, values(areas)).fetch_all(&self.pool).await?;
            let mut by_id: std::collections::HashMap<String, Vec<(String, i64)>> =
                std::collections::HashMap::new();
            for r in &rows {
                by_id
                    .entry(s(r, "received_id")?)
                    .or_default()
                    .push((s(r, "area")?, i(r, "percent")?));
            }
            for (id, row) in &mut out {
                if let Some(a) = by_id.remove(id.as_str()) {
                    row.areas = a;
                }
            }
        }
        let mut out: Vec<PeriodRow> = out.into_iter().map(|(_, r)| r).collect();
        out.sort_by(|a, b| a.org_number.cmp(&b.org_number));
        Ok(out)
    }

    /// The first day any received submission was made (the start of the figures), if any.
    pub async fn national_first_day(&self, t: &Tenant) -> Result<Option<String>, StoreError> {
        let (day,): (Option<String>,) = sqlx::query_as(
            "SELECT MIN(submitted_on) FROM submission_figures WHERE authority_org_id = $1",
        )
        .bind(t.id())
        .fetch_one(&self.pool)
        .await?;
        Ok(day)
    }

    pub async fn create_support_mark(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        m: &NewSupportMark,
    ) -> Result<SupportMark, StoreError> {
        let id = new_id();
        let mut w = self.work().await?;
        sqlx::query(
            "INSERT INTO support_marks (id, authority_org_id, title, published_on, guidance_doc_key, areas, org_kinds, window_months, created_at, created_by_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&m.title)
        .bind(&m.published_on)
        .bind(&m.guidance_doc_key)
        .bind(m.areas.join(";"))
        .bind(m.org_kinds.join(";"))
        .bind(m.window_months)
        .bind(now_timestamp())
        .bind(by_name)
        .execute(w.conn())
        .await?;
        bump(w.conn(), t.id()).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "support.mark",
                object_type: "support_mark",
                object_id: &id,
                before: None,
                after: Some(json!({"title": m.title, "published_on": m.published_on, "areas": m.areas, "org_kinds": m.org_kinds})),
            },
        )
        .await?;
        w.commit().await?;
        self.support_mark(t, &id).await
    }

    pub async fn support_marks(&self, t: &Tenant) -> Result<Vec<SupportMark>, StoreError> {
        Ok(sqlx::query_as::<_, SupportMarkRow>(
            "SELECT id, title, published_on, guidance_doc_key, areas, org_kinds, window_months, created_at, created_by_name
             FROM support_marks WHERE authority_org_id = $1 ORDER BY published_on DESC, id",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(SupportMark::from)
        .collect())
    }

    pub async fn support_mark(&self, t: &Tenant, id: &str) -> Result<SupportMark, StoreError> {
        sqlx::query_as::<_, SupportMarkRow>(
            "SELECT id, title, published_on, guidance_doc_key, areas, org_kinds, window_months, created_at, created_by_name
             FROM support_marks WHERE authority_org_id = $1 AND id = $2",
        )
        .bind(t.id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .map(SupportMark::from)
        .ok_or(StoreError::NotFound)
    }
}
