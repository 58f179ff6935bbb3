//! Submissions a provider sent to authorities: the signed envelope kept whole, its recipients, and
//! the submission it superseded. Append-only (triggers refuse changes and removals).

use crate::audit::{AuditEntry, Work};
use crate::{new_id, now_timestamp, Actor, Reference, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;

/// A submission as listed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Submission {
    pub id: String,
    pub sha256: String,
    pub key_id: String,
    pub submitted_at: String,
    pub submitted_by_name: String,
    pub supersedes: Option<String>,
    /// The authorities it was sent to, by name, comma-separated.
    pub recipients: String,
}

/// A submission to record.
pub struct NewSubmission<'a> {
    pub sha256: &'a str,
    pub key_id: &'a str,
    pub envelope: &'a str,
    pub by_name: &'a str,
    /// The authorities' organisation ids.
    pub recipients: &'a [String],
    /// The submitting organisation's number and name, as the authorities' inboxes list it.
    pub org_number: &'a str,
    pub org_name: &'a str,
    /// The figures the authorities' ranking reads (JSON).
    pub figures: &'a str,
}

const COLUMNS: &str = "s.id AS id, s.sha256 AS sha256, s.key_id AS key_id, s.submitted_at AS submitted_at, \
    s.submitted_by_name AS submitted_by_name, s.supersedes AS supersedes, \
    COALESCE((SELECT STRING_AGG_NAMES FROM submission_recipients r JOIN organisations o ON o.id = r.authority_org_id WHERE r.submission_id = s.id), '') AS recipients";

fn columns(store: &Store) -> String {
    let agg = match store.backend() {
        crate::Backend::Postgres => "string_agg(o.name, ', ' ORDER BY o.name)",
        crate::Backend::Sqlite => "group_concat(o.name, ', ')",
    };
    COLUMNS.replace("STRING_AGG_NAMES", agg)
}

impl Store {
    /// The authorities in Tillit a provider can submit to: (id, name), by name.
    pub async fn authorities(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name FROM organisations WHERE kind = 'authority' ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records a signed submission to the authorities named, superseding the organisation's
    /// latest one; audited, in one unit of work.
    pub async fn record_submission(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &NewSubmission<'_>,
    ) -> Result<String, StoreError> {
        let mut w: Work<'_> = self.work().await?;
        for a in x.recipients {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT id FROM organisations WHERE id = $1 AND kind = 'authority'")
                    .bind(a)
                    .fetch_optional(w.conn())
                    .await?;
            if found.is_none() {
                return Err(StoreError::UnknownReference(Reference::Authority));
            }
        }
        let latest: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM submissions WHERE org_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1",
        )
        .bind(t.id())
        .fetch_optional(w.conn())
        .await?;
        let id = new_id();
        let submitted_at = now_timestamp();
        sqlx::query(
            "INSERT INTO submissions (id, org_id, sha256, key_id, envelope, submitted_at, submitted_by_name, supersedes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(x.sha256)
        .bind(x.key_id)
        .bind(x.envelope)
        .bind(&submitted_at)
        .bind(x.by_name)
        .bind(latest.as_ref().map(|(l,)| l.clone()))
        .execute(w.conn())
        .await?;
        for a in x.recipients {
            sqlx::query(
                "INSERT INTO submission_recipients (submission_id, authority_org_id) VALUES ($1, $2)",
            )
            .bind(&id)
            .bind(a)
            .execute(w.conn())
            .await?;
            crate::authority::record_received(
                &mut w,
                a,
                &crate::NewReceived {
                    org_number: x.org_number,
                    org_name: x.org_name,
                    submission_id: Some(&id),
                    envelope: None,
                    sha256: x.sha256,
                    key_id: x.key_id,
                    submitted_at: &submitted_at,
                    received_by_name: "",
                    figures: x.figures,
                },
            )
            .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "submission.create",
                object_type: "submission",
                object_id: &id,
                before: None,
                after: Some(json!({"sha256": x.sha256, "key_id": x.key_id,
                    "recipients": x.recipients, "supersedes": latest.map(|(l,)| l)})),
            },
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// The organisation's submissions, newest first.
    pub async fn submissions(&self, t: &Tenant) -> Result<Vec<Submission>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {} FROM submissions s WHERE s.org_id = $1 ORDER BY s.submitted_at DESC, s.id DESC",
            columns(self)
        ))
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?)
    }

    /// One submission of the organisation and its envelope.
    pub async fn submission(
        &self,
        t: &Tenant,
        id: &str,
    ) -> Result<(Submission, String), StoreError> {
        let s: Submission = sqlx::query_as(&format!(
            "SELECT {} FROM submissions s WHERE s.org_id = $1 AND s.id = $2",
            columns(self)
        ))
        .bind(t.id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (envelope,): (String,) =
            sqlx::query_as("SELECT envelope FROM submissions WHERE org_id = $1 AND id = $2")
                .bind(t.id())
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        Ok((s, envelope))
    }
}

/// A provider's submission schedule as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScheduleRow {
    pub period_months: i64,
    /// A JSON list of the authorities' organisation ids.
    pub authority_ids: String,
    pub set_on: String,
}

impl Store {
    /// When the organisation last submitted, if ever.
    pub async fn latest_submission_at(&self, t: &Tenant) -> Result<Option<String>, StoreError> {
        let (at,): (Option<String>,) =
            sqlx::query_as("SELECT MAX(submitted_at) FROM submissions WHERE org_id = $1")
                .bind(t.id())
                .fetch_one(&self.pool)
                .await?;
        Ok(at)
    }

    /// The organisation's submission schedule, if it has one.
    pub async fn submission_schedule(&self, t: &Tenant) -> Result<Option<ScheduleRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT period_months, authority_ids, set_on FROM submission_schedules WHERE org_id = $1",
        )
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Sets (or, with `None`, removes) the organisation's submission schedule; audited.
    pub async fn set_submission_schedule(
        &self,
        t: &Tenant,
        actor: &Actor,
        schedule: Option<(i64, &[String])>,
        set_on: &str,
    ) -> Result<(), StoreError> {
        let mut w: Work<'_> = self.work().await?;
        for a in schedule.map(|(_, ids)| ids).unwrap_or(&[]) {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT id FROM organisations WHERE id = $1 AND kind = 'authority'")
                    .bind(a)
                    .fetch_optional(w.conn())
                    .await?;
            if found.is_none() {
                return Err(StoreError::UnknownReference(Reference::Authority));
            }
        }
        let before: Option<ScheduleRow> = sqlx::query_as(
            "SELECT period_months, authority_ids, set_on FROM submission_schedules WHERE org_id = $1",
        )
        .bind(t.id())
        .fetch_optional(w.conn())
        .await?;
        sqlx::query("DELETE FROM submission_schedules WHERE org_id = $1")
            .bind(t.id())
            .execute(w.conn())
            .await?;
        if let Some((months, ids)) = schedule {
            let ids = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO submission_schedules (org_id, period_months, authority_ids, set_on, updated_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(t.id())
            .bind(months)
            .bind(&ids)
            .bind(set_on)
            .bind(now_timestamp())
            .execute(w.conn())
            .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "submission_schedule.set",
                object_type: "submission_schedule",
                object_id: t.id(),
                before: before.map(
                    |b| json!({"period_months": b.period_months, "authority_ids": b.authority_ids}),
                ),
                after: schedule.map(|(m, ids)| json!({"period_months": m, "authority_ids": ids})),
            },
        )
        .await?;
        w.commit().await
    }
}
