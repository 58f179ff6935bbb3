//! E-mail reminders of incident reporting deadlines: planned once each (the unique key is the
//! obligation, the point, the deadline and the recipient), claimed for sending so that one
//! instance sends each, and marked sent or failed with the time of the next attempt.

use crate::{format_timestamp, new_id, Store, StoreError, Tenant};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a reminder of a supervision request is about: this, a colon and the request's id.
pub const REQUEST_SUBJECT: &str = "case-request";

/// What a reminder of a submission schedule is about, in place of an incident's id.
pub const SCHEDULE_SUBJECT: &str = "submission-schedule";

/// A reminder to plan.
#[derive(Debug, Clone)]
pub struct NewReminder<'a> {
    pub incident_id: &'a str,
    /// The obligation's key.
    pub obligation: &'a str,
    /// `before_12h`, `before_2h`, …, or `overdue`.
    pub point: &'a str,
    pub due_at: DateTime<Utc>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// A planned reminder.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Reminder {
    pub id: String,
    pub org_id: String,
    pub incident_id: String,
    pub obligation: String,
    pub point: String,
    pub due_at: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
}

const COLUMNS: &str = "id, org_id, incident_id, obligation, point, due_at, recipient, subject, body, attempts, last_error, sent_at";

impl Store {
    /// Plans a reminder unless the same one is planned already; true when it is new.
    pub async fn plan_reminder(&self, t: &Tenant, r: &NewReminder<'_>) -> Result<bool, StoreError> {
        let now = format_timestamp(Utc::now());
        let n = sqlx::query(
            "INSERT INTO reminders (id, org_id, incident_id, obligation, point, due_at, recipient, subject, body, created_at, attempts, next_attempt_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $10 WHERE EXISTS (SELECT 1 FROM incidents WHERE id = $3 AND org_id = $2)
             ON CONFLICT (incident_id, obligation, point, due_at, recipient) DO NOTHING",
        )
        .bind(new_id())
        .bind(t.id())
        .bind(r.incident_id)
        .bind(r.obligation)
        .bind(r.point)
        .bind(format_timestamp(r.due_at))
        .bind(r.recipient)
        .bind(r.subject)
        .bind(r.body)
        .bind(&now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Plans a reminder of the organisation's submission schedule (`incident_id` is
    /// `submission-schedule:` and the organisation's id) unless the same one is planned already; true when it is new.
    pub async fn plan_schedule_reminder(
        &self,
        t: &Tenant,
        r: &NewReminder<'_>,
    ) -> Result<bool, StoreError> {
        let now = format_timestamp(Utc::now());
        let n = sqlx::query(
            "INSERT INTO reminders (id, org_id, incident_id, obligation, point, due_at, recipient, subject, body, created_at, attempts, next_attempt_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $10 WHERE EXISTS (SELECT 1 FROM submission_schedules WHERE org_id = $2)
             ON CONFLICT (incident_id, obligation, point, due_at, recipient) DO NOTHING",
        )
        .bind(new_id())
        .bind(t.id())
        .bind(format!("{SCHEDULE_SUBJECT}:{}", t.id()))
        .bind(r.obligation)
        .bind(r.point)
        .bind(format_timestamp(r.due_at))
        .bind(r.recipient)
        .bind(r.subject)
        .bind(r.body)
        .bind(&now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Claims up to `limit` reminders due to be sent (not sent, their next attempt come, fewer
    /// than `max_attempts` made, not claimed by another sender) until `until`.
    pub async fn claim_reminders(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        max_attempts: i64,
        limit: i64,
    ) -> Result<Vec<Reminder>, StoreError> {
        let now_s = format_timestamp(now);
        let candidates: Vec<Reminder> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM reminders WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $2
             AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY next_attempt_at, id LIMIT $3"
        ))
        .bind(&now_s)
        .bind(max_attempts)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::with_capacity(candidates.len());
        for r in candidates {
            let n = sqlx::query(
                "UPDATE reminders SET claimed_until = $1 WHERE id = $2 AND sent_at IS NULL
                 AND (claimed_until IS NULL OR claimed_until < $3)",
            )
            .bind(format_timestamp(until))
            .bind(&r.id)
            .bind(&now_s)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if n == 1 {
                claimed.push(r);
            }
        }
        Ok(claimed)
    }

    pub async fn reminder_sent(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE reminders SET sent_at = $1, claimed_until = NULL, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(format_timestamp(at))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn reminder_failed(
        &self,
        id: &str,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(500).collect();
        sqlx::query("UPDATE reminders SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = NULL WHERE id = $3")
            .bind(error)
            .bind(format_timestamp(next_attempt_at))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The reminders of an incident, oldest first.
    pub async fn reminders_of_incident(
        &self,
        t: &Tenant,
        incident_id: &str,
    ) -> Result<Vec<Reminder>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM reminders WHERE org_id = $1 AND incident_id = $2 ORDER BY created_at, id"
        ))
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Someone reminders go to.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Contact {
    pub email: String,
    pub display_name: String,
    /// `sv` or `en`.
    pub locale: String,
}

impl Store {
    /// Plans a reminder of a supervision request's deadline for one recipient at `org_id` (the
    /// provider or the authority); only while the request is unanswered. True when it is new.
    pub async fn plan_request_reminder(
        &self,
        org_id: &str,
        request_id: &str,
        r: &NewReminder<'_>,
    ) -> Result<bool, StoreError> {
        let now = format_timestamp(Utc::now());
        let n = sqlx::query(
            "INSERT INTO reminders (id, org_id, incident_id, obligation, point, due_at, recipient, subject, body, created_at, attempts, next_attempt_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $10
             WHERE EXISTS (SELECT 1 FROM case_requests WHERE id = $11 AND answered_at IS NULL)
             ON CONFLICT (incident_id, obligation, point, due_at, recipient) DO NOTHING",
        )
        .bind(new_id())
        .bind(org_id)
        .bind(format!("{REQUEST_SUBJECT}:{request_id}"))
        .bind(r.obligation)
        .bind(r.point)
        .bind(format_timestamp(r.due_at))
        .bind(r.recipient)
        .bind(r.subject)
        .bind(r.body)
        .bind(&now)
        .bind(request_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// The members of the organisation `org_id` with one of the roles (for reminders a job
    /// plans across organisations).
    pub async fn contacts_in(
        &self,
        org_id: &str,
        roles: &[&str],
    ) -> Result<Vec<Contact>, StoreError> {
        self.contacts_with_roles(&Tenant::checked(org_id.to_string()), roles)
            .await
    }

    /// A person's address, name and language, by user id.
    pub async fn user_contact(&self, user_id: &str) -> Result<Option<Contact>, StoreError> {
        Ok(
            sqlx::query_as("SELECT email, display_name, locale FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The members of an organisation with one of the roles, by e-mail address.
    pub async fn contacts_with_roles(
        &self,
        t: &Tenant,
        roles: &[&str],
    ) -> Result<Vec<Contact>, StoreError> {
        let mut out = Vec::new();
        for role in roles {
            let mut some: Vec<Contact> = sqlx::query_as(
                "SELECT u.email AS email, u.display_name AS display_name, u.locale AS locale
                 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.role = $2 ORDER BY u.email",
            )
            .bind(t.id())
            .bind(*role)
            .fetch_all(&self.pool)
            .await?;
            out.append(&mut some);
        }
        out.sort_by(|a, b| a.email.cmp(&b.email));
        out.dedup_by(|a, b| a.email == b.email);
        Ok(out)
    }
}
