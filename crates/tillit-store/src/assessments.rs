//! Self-assessments of requirements, per system or for the whole organisation, with their history
//! and evidence (links, or files stored with a SHA-256 content hash).

use crate::audit::AuditEntry;
use crate::row::{i, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::FromRow;
use tillit_domain::assessment::{AssessmentInput, Status};
use tillit_domain::ids::*;

/// The scope key of the organisation-wide assessment.
pub const ORGANISATION_SCOPE: &str = "organisation";

#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub id: String,
    pub system_id: Option<String>,
    pub requirement_id: String,
    pub status: Status,
    pub motivation: Option<String>,
    pub comment: Option<String>,
    pub assessed_by: String,
    pub assessed_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: EvidenceId,
    pub assessment_id: String,
    /// `link` or `file`
    pub kind: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub added_by: String,
    pub added_at: String,
}

/// One assessment in the whole organisation, for summaries.
#[derive(Debug, Clone)]
pub struct AssessmentStatus {
    pub scope_key: String,
    pub requirement_id: String,
    pub status: Status,
}

fn status(k: &str) -> Result<Status, StoreError> {
    Status::from_key(k).ok_or_else(|| StoreError::Corrupt(format!("status: unknown {k}")))
}

/// The columns of a `Assessment` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct AssessmentRow {
    id: String,
    status: String,
    system_id: Option<String>,
    requirement_id: String,
    motivation: Option<String>,
    comment: Option<String>,
    assessed_by: String,
    assessed_at: String,
}

impl AssessmentRow {
    pub(crate) fn into_view(self) -> Result<Assessment, StoreError> {
        let row = self;
        Ok(Assessment {
            id: row.id,
            system_id: row.system_id,
            requirement_id: row.requirement_id,
            status: status(&row.status)?,
            motivation: row.motivation,
            comment: row.comment,
            assessed_by: row.assessed_by,
            assessed_at: row.assessed_at,
        })
    }
}

fn assessment_from_row(r: &AnyRow) -> Result<Assessment, StoreError> {
    AssessmentRow::from_row(r)?.into_view()
}

/// The columns of a `Evidence` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct EvidenceRow {
    id: String,
    assessment_id: String,
    kind: String,
    url: Option<String>,
    file_name: Option<String>,
    media_type: Option<String>,
    sha256: Option<String>,
    added_by: String,
    added_at: String,
    size_bytes: Option<i64>,
}

impl EvidenceRow {
    pub(crate) fn into_view(self) -> Result<Evidence, StoreError> {
        let row = self;
        Ok(Evidence {
            id: row.id.into(),
            assessment_id: row.assessment_id,
            kind: row.kind,
            url: row.url,
            file_name: row.file_name,
            media_type: row.media_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            added_by: row.added_by,
            added_at: row.added_at,
        })
    }
}

fn evidence_from_row(r: &AnyRow) -> Result<Evidence, StoreError> {
    EvidenceRow::from_row(r)?.into_view()
}

const COLUMNS: &str =
    "id, system_id, requirement_id, status, motivation, comment, assessed_by, assessed_at";
const EVIDENCE_COLUMNS: &str =
    "id, assessment_id, kind, url, file_name, media_type, size_bytes, sha256, added_by, added_at";

fn scope_key(system_id: Option<&str>) -> &str {
    system_id.unwrap_or(ORGANISATION_SCOPE)
}

async fn assessment_in(
    conn: &mut AnyConnection,
    t: &Tenant,
    system_id: Option<&str>,
    requirement_id: &str,
) -> Result<Option<Assessment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM assessments WHERE org_id = $1 AND scope_key = $2 AND requirement_id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(scope_key(system_id))
        .bind(requirement_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(assessment_from_row).transpose()
}

/// Recomputes whether any measure traces to a requirement in a scope.
pub(crate) async fn refresh_has_measure(
    conn: &mut AnyConnection,
    t: &Tenant,
    scope_key: &str,
    requirement_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE assessments SET has_measure = CASE WHEN EXISTS (SELECT 1 FROM measure_requirements mr
           JOIN measures m ON m.id = mr.measure_id AND m.org_id = mr.org_id
           WHERE mr.org_id = $1 AND mr.scope_key = $2 AND mr.requirement_id = $3 AND m.archived_at IS NULL) THEN 1 ELSE 0 END
         WHERE org_id = $1 AND scope_key = $2 AND requirement_id = $3",
    )
    .bind(t.id())
    .bind(scope_key)
    .bind(requirement_id)
    .execute(conn)
    .await?;
    Ok(())
}

const EVIDENCE_FILES: crate::files::FileTables = crate::files::FileTables {
    table: "evidence",
    owner: "assessment_id",
    files: "evidence_files",
    file_key: "evidence_id",
};

async fn evidence_in(
    conn: &mut AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<Evidence, StoreError> {
    let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE org_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    evidence_from_row(&row.ok_or(StoreError::NotFound)?)
}

impl Store {
    /// The assessments of one scope (a system, or the organisation with `None`).
    pub async fn assessments(
        &self,
        t: &Tenant,
        system_id: Option<&str>,
    ) -> Result<Vec<Assessment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM assessments WHERE org_id = $1 AND scope_key = $2");
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(scope_key(system_id))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// Every current assessment of the organisation, every scope, in one query (for the export).
    pub async fn all_assessments(&self, t: &Tenant) -> Result<Vec<Assessment>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM assessments WHERE org_id = $1 ORDER BY scope_key, requirement_id"
        );
        let rows = sqlx::query(&sql).bind(t.id()).fetch_all(&self.pool).await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// Every assessment of the organisation (scope, requirement, status), for summaries.
    pub async fn assessment_statuses(
        &self,
        t: &Tenant,
    ) -> Result<Vec<AssessmentStatus>, StoreError> {
        let rows = sqlx::query(
            "SELECT scope_key, requirement_id, status FROM assessments WHERE org_id = $1",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AssessmentStatus {
                    scope_key: s(r, "scope_key")?,
                    requirement_id: s(r, "requirement_id")?,
                    status: status(&s(r, "status")?)?,
                })
            })
            .collect()
    }

    pub async fn assessment(
        &self,
        t: &Tenant,
        system_id: Option<&str>,
        requirement_id: &str,
    ) -> Result<Option<Assessment>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        assessment_in(&mut conn, t, system_id, requirement_id).await
    }

    pub async fn assessment_by_id(&self, t: &Tenant, id: &str) -> Result<Assessment, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM assessments WHERE org_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(t.id())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        assessment_from_row(&row.ok_or(StoreError::NotFound)?)
    }

    /// Earlier versions of an assessment, newest first.
    pub async fn assessment_history(
        &self,
        t: &Tenant,
        assessment_id: &str,
    ) -> Result<Vec<Assessment>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.id AS id, a.system_id AS system_id, a.requirement_id AS requirement_id, h.status AS status,
                    h.motivation AS motivation, h.comment AS comment, h.assessed_by AS assessed_by, h.assessed_at AS assessed_at
             FROM assessment_history h JOIN assessments a ON a.id = h.assessment_id
             WHERE h.org_id = $1 AND a.org_id = $1 AND h.assessment_id = $2 ORDER BY h.assessed_at DESC, h.id DESC",
        )
        .bind(t.id())
        .bind(assessment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// Records an assessment (replacing the current one; the history keeps every version). The
    /// system must be one of the organisation's.
    pub async fn assess(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        system_id: Option<&str>,
        requirement_id: &str,
        x: &AssessmentInput,
    ) -> Result<Assessment, StoreError> {
        let mut tx = self.work().await?;
        if let Some(sid) = system_id {
            let found = sqlx::query("SELECT id FROM systems WHERE org_id = $1 AND id = $2")
                .bind(t.id())
                .bind(sid)
                .fetch_optional(tx.conn())
                .await?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        let before = assessment_in(tx.conn(), t, system_id, requirement_id).await?;
        let now = now_timestamp();
        let id = match &before {
            Some(b) => {
                sqlx::query(
                    "UPDATE assessments SET status = $1, motivation = $2, comment = $3, assessed_by = $4, assessed_at = $5
                     WHERE org_id = $6 AND id = $7",
                )
                .bind(x.status.key())
                .bind(&x.motivation)
                .bind(&x.comment)
                .bind(by_name)
                .bind(&now)
                .bind(t.id())
                .bind(&b.id)
                .execute(tx.conn())
                .await?;
                b.id.clone()
            }
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO assessments (id, org_id, system_id, scope_key, requirement_id, status, motivation, comment, assessed_by, assessed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&id)
                .bind(t.id())
                .bind(system_id)
                .bind(scope_key(system_id))
                .bind(requirement_id)
                .bind(x.status.key())
                .bind(&x.motivation)
                .bind(&x.comment)
                .bind(by_name)
                .bind(&now)
                .execute(tx.conn())
                .await?;
                id
            }
        };
        refresh_has_measure(tx.conn(), t, scope_key(system_id), requirement_id).await?;
        // An assessment settles what a catalog upgrade asked of this requirement in this scope.
        sqlx::query(
            "DELETE FROM reassessments WHERE org_id = $1 AND scope_key = $2 AND requirement_id = $3",
        )
        .bind(t.id())
        .bind(scope_key(system_id))
        .bind(requirement_id)
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO assessment_history (id, org_id, assessment_id, status, motivation, comment, assessed_by, assessed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(t.id())
        .bind(&id)
        .bind(x.status.key())
        .bind(&x.motivation)
        .bind(&x.comment)
        .bind(by_name)
        .bind(&now)
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "assessment.record",
                object_type: "assessment",
                object_id: &id,
                before: before.as_ref().map(|b| json!(b)),
                after: Some(json!({"system_id": system_id, "requirement_id": requirement_id, "status": x.status, "motivation": x.motivation, "comment": x.comment})),
            },
        )
        .await?;
        let a = assessment_in(tx.conn(), t, system_id, requirement_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(a)
    }

    pub async fn evidence_of(
        &self,
        t: &Tenant,
        assessment_id: &str,
    ) -> Result<Vec<Evidence>, StoreError> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE org_id = $1 AND assessment_id = $2 ORDER BY added_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(assessment_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(evidence_from_row).collect()
    }

    /// Attaches evidence to an assessment of this organisation: a link, or a file (already
    /// checked for type and size) stored with its SHA-256.
    pub async fn add_evidence(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        assessment_id: &str,
        what: NewEvidence<'_>,
    ) -> Result<Evidence, StoreError> {
        let mut tx = self.work().await?;
        let found = sqlx::query("SELECT id FROM assessments WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(assessment_id)
            .fetch_optional(tx.conn())
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let id = crate::files::insert(tx.conn(), &EVIDENCE_FILES, t, assessment_id, by_name, &what)
            .await?;
        let ev = evidence_in(tx.conn(), t, &id).await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "evidence.add",
                object_type: "assessment",
                object_id: assessment_id,
                before: None,
                after: Some(json!(ev)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ev)
    }

    /// An evidence file's metadata and content.
    pub async fn evidence_file(
        &self,
        t: &Tenant,
        id: &EvidenceId,
    ) -> Result<(Evidence, Vec<u8>), StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        let ev = evidence_in(&mut conn, t, id).await?;
        let content = crate::files::content(&mut conn, &EVIDENCE_FILES, ev.id.as_str()).await?;
        Ok((ev, content))
    }

    pub async fn remove_evidence(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &EvidenceId,
    ) -> Result<Evidence, StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let ev = evidence_in(tx.conn(), t, id).await?;
        sqlx::query("DELETE FROM evidence_files WHERE evidence_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM evidence WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "evidence.remove",
                object_type: "assessment",
                object_id: &ev.assessment_id,
                before: Some(json!(ev)),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ev)
    }

    /// Counts of assessments per status, organisation-wide (for the overview).
    pub async fn count_assessment_gaps(&self, t: &Tenant) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM assessments WHERE org_id = $1 AND status IN ('not_met', 'partly_met')",
        )
        .bind(t.id())
        .fetch_one(&self.pool)
        .await?;
        i(&row, "n")
    }
}

/// Evidence to attach.
pub enum NewEvidence<'a> {
    Link(&'a str),
    File {
        name: &'a str,
        media_type: &'a str,
        content: &'a [u8],
    },
}
