//! The authority's workspace: its registry of the organisations in its remit, the submissions it
//! received, its ranking model's versions and the ranking last computed. Every query is scoped to
//! the authority's own tenant: an authority reads only what was sent to it, never a provider's
//! registers.

use crate::audit::{AuditEntry, Work};
use crate::query::{fetch_page, Filter};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::text::search_key;

/// A registry row to import.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRegistryEntry {
    pub org_number: String,
    pub name: String,
    pub kind: String,
    pub county: String,
    pub individuals: Option<i64>,
    /// Semicolon-separated, lower case.
    pub kinds_of_care: String,
    pub nis2_class: String,
    pub last_supervised_on: Option<String>,
    pub public_key: String,
    pub generated: bool,
}

/// A registry row as listed: with the organisation in this Tillit it is linked to (by its
/// organisation number) and the authority's latest submission from it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegistryEntry {
    pub id: String,
    pub org_number: String,
    pub name: String,
    pub kind: String,
    pub county: String,
    pub individuals: Option<i64>,
    pub kinds_of_care: String,
    pub nis2_class: String,
    pub last_supervised_on: Option<String>,
    pub public_key: String,
    pub generated: i64,
    pub updated_at: String,
    /// Whether an organisation with this number uses this Tillit.
    pub linked: i64,
    /// When the latest submission from it was made, if any.
    pub latest_submission: Option<String>,
    pub submissions: i64,
}

const ENTRY_COLUMNS: &str = "e.id AS id, e.org_number AS org_number, e.name AS name, e.kind AS kind, \
    e.county AS county, e.individuals AS individuals, e.kinds_of_care AS kinds_of_care, \
    e.nis2_class AS nis2_class, e.last_supervised_on AS last_supervised_on, \
    e.public_key AS public_key, e.generated AS generated, e.updated_at AS updated_at, \
    (SELECT COUNT(*) FROM organisations o WHERE o.org_number = e.org_number AND o.kind <> 'authority') AS linked, \
    (SELECT MAX(r.submitted_at) FROM received_submissions r WHERE r.authority_org_id = e.authority_org_id AND r.org_number = e.org_number) AS latest_submission, \
    (SELECT COUNT(*) FROM received_submissions r WHERE r.authority_org_id = e.authority_org_id AND r.org_number = e.org_number) AS submissions";

/// Filters of the registry and the ranking.
#[derive(Debug, Clone, Default)]
pub struct RemitFilter {
    pub county: Option<String>,
    pub kind: Option<String>,
    pub nis2_class: Option<String>,
    pub q: Option<String>,
}

impl RemitFilter {
    fn apply(&self, f: &mut Filter, prefix: &str) {
        if let Some(c) = self.county.as_deref().filter(|s| !s.is_empty()) {
            f.and(&format!("{prefix}county ="), c.to_string());
        }
        if let Some(k) = self.kind.as_deref().filter(|s| !s.is_empty()) {
            f.and(&format!("{prefix}kind ="), k.to_string());
        }
        if let Some(n) = self.nis2_class.as_deref().filter(|s| !s.is_empty()) {
            f.and(&format!("{prefix}nis2_class ="), n.to_string());
        }
    }
}

/// A registry row as the ranking reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RankingEntry {
    pub id: String,
    pub org_number: String,
    pub name: String,
    pub individuals: Option<i64>,
    pub nis2_class: String,
    pub kinds_of_care: String,
    pub last_supervised_on: Option<String>,
    pub updated_at: String,
    pub county: String,
    pub kind: String,
    pub generated: i64,
}

/// A submission the authority received, as listed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Received {
    pub id: String,
    pub org_number: String,
    pub org_name: String,
    pub sha256: String,
    pub key_id: String,
    pub submitted_at: String,
    pub received_at: String,
    pub received_by_name: String,
    /// `tillit` when sent inside this Tillit, `file` when imported.
    pub source: String,
}

const RECEIVED_COLUMNS: &str =
    "id, org_number, org_name, sha256, key_id, submitted_at, received_at, \
    received_by_name, CASE WHEN submission_id IS NULL THEN 'file' ELSE 'tillit' END AS source";

/// A submission received, to record.
pub struct NewReceived<'a> {
    pub org_number: &'a str,
    pub org_name: &'a str,
    /// The submission in this Tillit, or `None` for an imported file.
    pub submission_id: Option<&'a str>,
    /// The envelope of an imported file.
    pub envelope: Option<&'a str>,
    pub sha256: &'a str,
    pub key_id: &'a str,
    pub submitted_at: &'a str,
    pub received_by_name: &'a str,
    pub figures: &'a str,
}

/// A version of a ranking model.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ModelVersion {
    pub version: i64,
    pub document: String,
    pub created_at: String,
    pub created_by_name: String,
}

/// When and with which model the ranking was last computed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RankingRun {
    pub model_version: i64,
    pub computed_on: String,
    pub computed_at: String,
    pub stale: i64,
}

/// One organisation's place in the ranking as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RankRow {
    pub entry_id: String,
    pub org_number: String,
    pub name: String,
    pub county: String,
    pub kind: String,
    pub nis2_class: String,
    pub generated: i64,
    pub score_tenths: i64,
    pub likelihood_permille: i64,
    pub consequence_permille: i64,
    pub top_factor: String,
    pub missing_submission: i64,
}

/// A ranking row to store.
pub struct NewRank {
    pub entry_id: String,
    pub name: String,
    pub org_number: String,
    pub generated: bool,
    pub score_tenths: i64,
    pub likelihood_permille: i64,
    pub consequence_permille: i64,
    pub top_factor: String,
    pub missing_submission: bool,
    pub county: String,
    pub kind: String,
    pub nis2_class: String,
}

pub(crate) async fn record_received(
    w: &mut Work<'_>,
    authority: &str,
    x: &NewReceived<'_>,
) -> Result<String, StoreError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO received_submissions (id, authority_org_id, org_number, org_name, submission_id, envelope, sha256, key_id, submitted_at, received_at, received_by_name, figures)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(authority)
    .bind(x.org_number)
    .bind(x.org_name)
    .bind(x.submission_id)
    .bind(x.envelope)
    .bind(x.sha256)
    .bind(x.key_id)
    .bind(x.submitted_at)
    .bind(now_timestamp())
    .bind(x.received_by_name)
    .bind(x.figures)
    .execute(w.conn())
    .await?;
    sqlx::query(
        "INSERT INTO latest_submissions (authority_org_id, org_number, received_id, submitted_at, figures)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (authority_org_id, org_number) DO UPDATE SET received_id = excluded.received_id,
             submitted_at = excluded.submitted_at, figures = excluded.figures
         WHERE excluded.submitted_at >= latest_submissions.submitted_at",
    )
    .bind(authority)
    .bind(x.org_number)
    .bind(&id)
    .bind(x.submitted_at)
    .bind(x.figures)
    .execute(w.conn())
    .await?;
    crate::national::record_figures(w, authority, &id, x.org_number, x.submitted_at, x.figures)
        .await?;
    mark_stale(w, authority).await?;
    Ok(id)
}

async fn mark_stale(w: &mut Work<'_>, authority: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE ranking_runs SET stale = 1 WHERE authority_org_id = $1")
        .bind(authority)
        .execute(w.conn())
        .await?;
    Ok(())
}

impl Store {
    /// Imports registry rows: a row whose organisation number is already in the registry is
    /// replaced, the others added; one audit entry for the import. Returns (added, replaced).
    pub async fn import_registry(
        &self,
        t: &Tenant,
        actor: &Actor,
        file_name: &str,
        rows: &[NewRegistryEntry],
    ) -> Result<(usize, usize), StoreError> {
        let mut w = self.work().await?;
        let existing: Vec<(String, String)> = sqlx::query_as(
            "SELECT org_number, id FROM registry_entries WHERE authority_org_id = $1",
        )
        .bind(t.id())
        .fetch_all(w.conn())
        .await?;
        let existing: std::collections::HashMap<String, String> = existing.into_iter().collect();
        let now = now_timestamp();
        let (mut added, mut replaced) = (0, 0);
        for r in rows {
            let id = match existing.get(&r.org_number) {
                Some(id) => {
                    replaced += 1;
                    sqlx::query(
                        "UPDATE registry_entries SET name = $1, kind = $2, county = $3, individuals = $4, kinds_of_care = $5,
                         nis2_class = $6, last_supervised_on = $7, public_key = $8, generated = $9, updated_at = $10,
                         search_text = $13
                         WHERE authority_org_id = $11 AND id = $12",
                    )
                    .bind(&r.name)
                    .bind(&r.kind)
                    .bind(&r.county)
                    .bind(r.individuals)
                    .bind(&r.kinds_of_care)
                    .bind(&r.nis2_class)
                    .bind(&r.last_supervised_on)
                    .bind(&r.public_key)
                    .bind(r.generated as i64)
                    .bind(&now)
                    .bind(t.id())
                    .bind(id)
                    .bind(search_key(&[&r.name, &r.org_number]))
                    .execute(w.conn())
                    .await?;
                    continue;
                }
                None => new_id(),
            };
            added += 1;
            sqlx::query(
                "INSERT INTO registry_entries (id, authority_org_id, org_number, name, kind, county, individuals, kinds_of_care,
                 nis2_class, last_supervised_on, public_key, generated, updated_at, search_text)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(&id)
            .bind(t.id())
            .bind(&r.org_number)
            .bind(&r.name)
            .bind(&r.kind)
            .bind(&r.county)
            .bind(r.individuals)
            .bind(&r.kinds_of_care)
            .bind(&r.nis2_class)
            .bind(&r.last_supervised_on)
            .bind(&r.public_key)
            .bind(r.generated as i64)
            .bind(&now)
            .bind(search_key(&[&r.name, &r.org_number]))
            .execute(w.conn())
            .await?;
        }
        mark_stale(&mut w, t.id()).await?;
        crate::national::bump(w.conn(), t.id()).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "registry.import",
                object_type: "registry",
                object_id: t.id(),
                before: None,
                after: Some(json!({"file": file_name, "rows": rows.len(), "added": added, "replaced": replaced})),
            },
        )
        .await?;
        w.commit().await?;
        Ok((added, replaced))
    }

    /// The registry, filtered, by name.
    pub async fn registry(
        &self,
        t: &Tenant,
        f: &RemitFilter,
        page: PageRequest,
    ) -> Result<Page<RegistryEntry>, StoreError> {
        let mut filter = Filter::tenant("e.authority_org_id", t.id());
        f.apply(&mut filter, "e.");
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("e.search_text", q);
        }
        fetch_page(
            &self.pool,
            ENTRY_COLUMNS,
            "registry_entries e",
            &filter,
            "e.name, e.id",
            page,
            Ok,
        )
        .await
    }

    /// One registry row.
    pub async fn registry_entry(&self, t: &Tenant, id: &str) -> Result<RegistryEntry, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM registry_entries e WHERE e.authority_org_id = $1 AND e.id = $2"
        ))
        .bind(t.id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The registry row of an organisation number, if in the remit.
    pub async fn registry_entry_by_number(
        &self,
        t: &Tenant,
        org_number: &str,
    ) -> Result<Option<RegistryEntry>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM registry_entries e WHERE e.authority_org_id = $1 AND e.org_number = $2"
        ))
        .bind(t.id())
        .bind(org_number)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The distinct counties of the registry, for the filters.
    pub async fn registry_counties(&self, t: &Tenant) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT county FROM registry_entries WHERE authority_org_id = $1 AND county <> '' ORDER BY county",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// Everything the ranking reads, in two queries: every registry row and the figures and
    /// time of the latest submission per organisation number.
    pub async fn ranking_inputs(
        &self,
        t: &Tenant,
    ) -> Result<(Vec<RankingEntry>, Vec<(String, String, String)>), StoreError> {
        let entries = sqlx::query_as(
            "SELECT id, org_number, name, individuals, nis2_class, kinds_of_care, last_supervised_on, updated_at,
                    county, kind, generated
             FROM registry_entries WHERE authority_org_id = $1",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        let latest = sqlx::query_as(
            "SELECT org_number, figures, submitted_at FROM latest_submissions WHERE authority_org_id = $1",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        Ok((entries, latest))
    }

    /// The latest submission's figures and time for one organisation number.
    pub async fn latest_figures(
        &self,
        t: &Tenant,
        org_number: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT figures, submitted_at FROM latest_submissions WHERE authority_org_id = $1 AND org_number = $2",
        )
        .bind(t.id())
        .bind(org_number)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Records a submission file imported by the authority; audited.
    pub async fn import_submission(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &NewReceived<'_>,
    ) -> Result<String, StoreError> {
        let mut w = self.work().await?;
        let dup: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM received_submissions WHERE authority_org_id = $1 AND sha256 = $2",
        )
        .bind(t.id())
        .bind(x.sha256)
        .fetch_optional(w.conn())
        .await?;
        if dup.is_some() {
            return Err(StoreError::Duplicate(crate::Unique::Submission));
        }
        let id = record_received(&mut w, t.id(), x).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "submission.import",
                object_type: "received_submission",
                object_id: &id,
                before: None,
                after: Some(
                    json!({"org_number": x.org_number, "sha256": x.sha256, "key_id": x.key_id}),
                ),
            },
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// The submissions the authority received, newest first; of one organisation number if given.
    pub async fn received_submissions(
        &self,
        t: &Tenant,
        org_number: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Received>, StoreError> {
        let mut filter = Filter::tenant("authority_org_id", t.id());
        if let Some(n) = org_number.filter(|s| !s.is_empty()) {
            filter.and("org_number =", n.to_string());
        }
        fetch_page(
            &self.pool,
            RECEIVED_COLUMNS,
            "received_submissions",
            &filter,
            "submitted_at DESC, id DESC",
            page,
            Ok,
        )
        .await
    }

    /// One submission the authority received, its metadata only (no content, so not audited).
    pub async fn received_submission(&self, t: &Tenant, id: &str) -> Result<Received, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {RECEIVED_COLUMNS} FROM received_submissions WHERE authority_org_id = $1 AND id = $2"
        ))
        .bind(t.id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// One submission the authority received and its envelope; the read itself is audited
    /// (who at the authority looked at which provider's data, and when).
    pub async fn read_received_submission(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
    ) -> Result<(Received, String), StoreError> {
        let r = self.received_submission(t, id).await?;
        let (envelope,): (String,) = sqlx::query_as(
            "SELECT COALESCE(r.envelope, s.envelope) FROM received_submissions r
             LEFT JOIN submissions s ON s.id = r.submission_id
             WHERE r.authority_org_id = $1 AND r.id = $2",
        )
        .bind(t.id())
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        self.record_event(
            actor,
            Some(t.id()),
            "submission.read",
            "received_submission",
            id,
            json!({"org_number": r.org_number, "org_name": r.org_name, "sha256": r.sha256}),
        )
        .await?;
        Ok((r, envelope))
    }

    /// The public keys (hex) of the organisation in this Tillit with this number, with when each
    /// was retired (none: in use). Public keys are published; nothing else of the organisation is
    /// read.
    pub async fn public_keys_of_number(
        &self,
        org_number: &str,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT k.public_key, k.retired_at FROM signing_keys k JOIN organisations o ON o.id = k.org_id
             WHERE o.org_number = $1 AND o.kind <> 'authority' ORDER BY k.created_at",
        )
        .bind(org_number)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every version of the authority's ranking model, newest first.
    pub async fn ranking_models(&self, t: &Tenant) -> Result<Vec<ModelVersion>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT version, document, created_at, created_by_name FROM ranking_models
             WHERE authority_org_id = $1 ORDER BY version DESC",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?)
    }

    /// The model in force (the highest version).
    pub async fn current_ranking_model(
        &self,
        t: &Tenant,
    ) -> Result<Option<ModelVersion>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT version, document, created_at, created_by_name FROM ranking_models
             WHERE authority_org_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Saves a new version of the model; audited. Returns its number.
    pub async fn save_ranking_model(
        &self,
        t: &Tenant,
        actor: &Actor,
        document: &str,
        by_name: &str,
    ) -> Result<i64, StoreError> {
        let mut w = self.work().await?;
        let (top,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(version), 0) FROM ranking_models WHERE authority_org_id = $1",
        )
        .bind(t.id())
        .fetch_one(w.conn())
        .await?;
        let version = top + 1;
        sqlx::query(
            "INSERT INTO ranking_models (authority_org_id, version, document, created_at, created_by_name)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(t.id())
        .bind(version)
        .bind(document)
        .bind(now_timestamp())
        .bind(by_name)
        .execute(w.conn())
        .await?;
        let doc: serde_json::Value = serde_json::from_str(document).unwrap_or_default();
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "ranking_model.create",
                object_type: "ranking_model",
                object_id: &version.to_string(),
                before: None,
                after: Some(doc),
            },
        )
        .await?;
        w.commit().await?;
        Ok(version)
    }

    /// The state of the stored ranking.
    pub async fn ranking_run(&self, t: &Tenant) -> Result<Option<RankingRun>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT model_version, computed_on, computed_at, stale FROM ranking_runs WHERE authority_org_id = $1",
        )
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Replaces the stored ranking with one computed now.
    pub async fn replace_ranking(
        &self,
        t: &Tenant,
        model_version: i64,
        computed_on: &str,
        rows: &[NewRank],
    ) -> Result<(), StoreError> {
        let _writer = match &self.writer {
            Some(m) => Some(m.lock().await),
            None => None,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM rankings WHERE authority_org_id = $1")
            .bind(t.id())
            .execute(&mut *tx)
            .await?;
        // All rows in one statement with one parameter, a JSON array the database unpacks
        // itself: binding thirteen values per row cost most of a re-ranking on SQLite.
        const COLUMNS: &str = "authority_org_id, entry_id, score_tenths, likelihood_permille, \
            consequence_permille, top_factor, missing_submission, county, kind, nis2_class, name, \
            org_number, generated";
        for chunk in rows.chunks(5_000) {
            let doc: Vec<serde_json::Value> = chunk
                .iter()
                .map(|r| {
                    json!({"e": r.entry_id, "s": r.score_tenths, "l": r.likelihood_permille,
                           "c": r.consequence_permille, "t": r.top_factor,
                           "m": i64::from(r.missing_submission), "co": r.county, "k": r.kind,
                           "n2": r.nis2_class, "na": r.name, "o": r.org_number,
                           "g": i64::from(r.generated)})
                })
                .collect();
            let doc = serde_json::Value::Array(doc).to_string();
            let sql = match self.backend() {
                crate::Backend::Sqlite => format!(
                    "INSERT INTO rankings ({COLUMNS}) SELECT $1, json_extract(value, '$.e'), \
                     json_extract(value, '$.s'), json_extract(value, '$.l'), json_extract(value, '$.c'), \
                     json_extract(value, '$.t'), json_extract(value, '$.m'), json_extract(value, '$.co'), \
                     json_extract(value, '$.k'), json_extract(value, '$.n2'), json_extract(value, '$.na'), \
                     json_extract(value, '$.o'), json_extract(value, '$.g') FROM json_each($2)"
                ),
                crate::Backend::Postgres => format!(
                    "INSERT INTO rankings ({COLUMNS}) SELECT $1, x.e, x.s, x.l, x.c, x.t, x.m, x.co, x.k, \
                     x.n2, x.na, x.o, x.g FROM json_to_recordset($2::json) AS x(e text, s bigint, \
                     l bigint, c bigint, t text, m bigint, co text, k text, n2 text, na text, o text, g bigint)"
                ),
            };
            sqlx::query(&sql)
                .bind(t.id())
                .bind(doc)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM ranking_runs WHERE authority_org_id = $1")
            .bind(t.id())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO ranking_runs (authority_org_id, model_version, computed_on, computed_at, stale) VALUES ($1, $2, $3, $4, 0)",
        )
        .bind(t.id())
        .bind(model_version)
        .bind(computed_on)
        .bind(now_timestamp())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of the stored ranking, highest score first, filtered.
    pub async fn ranking(
        &self,
        t: &Tenant,
        f: &RemitFilter,
        page: PageRequest,
    ) -> Result<Page<RankRow>, StoreError> {
        let mut filter = Filter::tenant("k.authority_org_id", t.id());
        f.apply(&mut filter, "k.");
        fetch_page(
            &self.pool,
            "k.entry_id AS entry_id, k.org_number AS org_number, k.name AS name, k.county AS county, k.kind AS kind, \
             k.nis2_class AS nis2_class, k.generated AS generated, k.score_tenths AS score_tenths, \
             k.likelihood_permille AS likelihood_permille, k.consequence_permille AS consequence_permille, \
             k.top_factor AS top_factor, k.missing_submission AS missing_submission",
            "rankings k",
            &filter,
            "k.score_tenths DESC, k.entry_id",
            page,
            Ok,
        )
        .await
    }

    /// How many of the ranked organisations (filtered) fall in each tenth of the score scale
    /// (0–9; 100 counts in 9), and how many have no submission.
    pub async fn ranking_distribution(
        &self,
        t: &Tenant,
        f: &RemitFilter,
    ) -> Result<(Vec<(i64, i64)>, i64), StoreError> {
        let mut filter = Filter::tenant("k.authority_org_id", t.id());
        f.apply(&mut filter, "k.");
        let sql = format!(
            "SELECT CASE WHEN score_tenths >= 1000 THEN 9 ELSE score_tenths / 100 END AS bucket, COUNT(*) AS n,
                    CAST(SUM(missing_submission) AS BIGINT) AS missing
             FROM rankings k WHERE {} GROUP BY CASE WHEN score_tenths >= 1000 THEN 9 ELSE score_tenths / 100 END",
            filter.sql()
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
        for b in filter.binds() {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let missing = rows.iter().map(|r| r.2).sum();
        Ok((rows.into_iter().map(|(b, n, _)| (b, n)).collect(), missing))
    }

    /// The stored ranking row of one entry and its place (1 = highest score).
    pub async fn rank_of(
        &self,
        t: &Tenant,
        entry_id: &str,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT score_tenths FROM rankings WHERE authority_org_id = $1 AND entry_id = $2",
        )
        .bind(t.id())
        .bind(entry_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((s,)) = row else { return Ok(None) };
        Ok(Some((s, self.place_of_score(t, s).await?)))
    }

    /// The place a score would have in the stored ranking (1 + how many score higher).
    pub async fn place_of_score(&self, t: &Tenant, score_tenths: i64) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM rankings WHERE authority_org_id = $1 AND score_tenths > $2",
        )
        .bind(t.id())
        .bind(score_tenths)
        .fetch_one(&self.pool)
        .await?;
        Ok(n + 1)
    }

    /// How many organisations the ranking holds.
    pub async fn ranked_count(&self, t: &Tenant) -> Result<i64, StoreError> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM rankings WHERE authority_org_id = $1")
                .bind(t.id())
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }
}
