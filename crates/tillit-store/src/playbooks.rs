//! Incident checklists' records: the organisation's contacts per role, the checklists started on
//! an incident and the steps ticked off. Every change is audited; a start or a tick is an event of
//! the incident, so the incident's timeline shows it.

use crate::audit::AuditEntry;
use crate::row::{os, s};
use crate::{now_timestamp, Actor, Store, StoreError, Tenant};
use serde_json::json;
use tillit_domain::playbook::{Contact, ContactChange};

/// A contact as stored, with who last changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentContact {
    pub contact: Contact,
    pub updated_at: String,
    pub updated_by_name: String,
}

/// A step ticked off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneStep {
    pub step: String,
    pub at: String,
    pub by_name: String,
}

/// A checklist started on an incident, with the steps done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedPlaybook {
    pub playbook: String,
    pub version: String,
    pub started_at: String,
    pub started_by_name: String,
    pub done: Vec<DoneStep>,
}

async fn incident_exists(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    incident_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT id FROM incidents WHERE org_id = $1 AND id = $2")
        .bind(t.id())
        .bind(incident_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// Whether the checklist was started on the incident.
async fn is_started(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    incident_id: &str,
    playbook: &str,
) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "SELECT playbook FROM incident_playbooks WHERE org_id = $1 AND incident_id = $2 AND playbook = $3",
    )
    .bind(t.id())
    .bind(incident_id)
    .bind(playbook)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

impl Store {
    /// Whether the organisation has the incident: `NotFound` when not, without reading it.
    pub async fn incident_found(&self, t: &Tenant, incident_id: &str) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        incident_exists(&mut conn, t, incident_id).await
    }

    /// The organisation's contacts, in no particular order.
    pub async fn incident_contacts(&self, t: &Tenant) -> Result<Vec<IncidentContact>, StoreError> {
        let rows = sqlx::query(
            "SELECT role, name, phone, email, note, updated_at, updated_by_name
             FROM incident_contacts WHERE org_id = $1 ORDER BY role",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(IncidentContact {
                    contact: Contact {
                        role: s(r, "role")?,
                        name: s(r, "name")?,
                        phone: os(r, "phone")?,
                        email: os(r, "email")?,
                        note: os(r, "note")?,
                    },
                    updated_at: s(r, "updated_at")?,
                    updated_by_name: s(r, "updated_by_name")?,
                })
            })
            .collect()
    }

    /// Sets or removes a role's contact; audited as a change of the organisation. Returns
    /// whether anything changed.
    pub async fn set_incident_contact(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        change: &ContactChange,
    ) -> Result<bool, StoreError> {
        let role = match change {
            ContactChange::Set(c) => c.role.as_str(),
            ContactChange::Remove { role } => role.as_str(),
        };
        let mut w = self.work().await?;
        let before = sqlx::query(
            "SELECT name, phone, email, note FROM incident_contacts WHERE org_id = $1 AND role = $2",
        )
        .bind(t.id())
        .bind(role)
        .fetch_optional(w.conn())
        .await?
        .map(|r| -> Result<_, StoreError> {
            Ok(Contact {
                role: role.to_string(),
                name: s(&r, "name")?,
                phone: os(&r, "phone")?,
                email: os(&r, "email")?,
                note: os(&r, "note")?,
            })
        })
        .transpose()?;
        let after = match change {
            ContactChange::Set(c) => Some(c.clone()),
            ContactChange::Remove { .. } => None,
        };
        if before == after {
            return Ok(false);
        }
        sqlx::query("DELETE FROM incident_contacts WHERE org_id = $1 AND role = $2")
            .bind(t.id())
            .bind(role)
            .execute(w.conn())
            .await?;
        if let Some(c) = &after {
            sqlx::query(
                "INSERT INTO incident_contacts (org_id, role, name, phone, email, note, updated_at, updated_by_name)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(t.id())
            .bind(role)
            .bind(&c.name)
            .bind(&c.phone)
            .bind(&c.email)
            .bind(&c.note)
            .bind(now_timestamp())
            .bind(by_name)
            .execute(w.conn())
            .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: if after.is_some() {
                    "incident_contact.set"
                } else {
                    "incident_contact.remove"
                },
                object_type: "organisation",
                object_id: t.id(),
                before: before.map(|c| json!(c)),
                after: after.map(|c| json!(c)),
            },
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }

    /// The checklists started on an incident, oldest first, with their steps done.
    pub async fn incident_playbooks(
        &self,
        t: &Tenant,
        incident_id: &str,
    ) -> Result<Vec<StartedPlaybook>, StoreError> {
        let started = sqlx::query(
            "SELECT playbook, version, started_at, started_by_name FROM incident_playbooks
             WHERE org_id = $1 AND incident_id = $2 ORDER BY started_at, playbook",
        )
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        let steps = sqlx::query(
            "SELECT playbook, step, done_at, done_by_name FROM incident_playbook_steps
             WHERE org_id = $1 AND incident_id = $2 ORDER BY done_at, step",
        )
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(started.len());
        for r in &started {
            let playbook = s(r, "playbook")?;
            let mut done = Vec::new();
            for x in &steps {
                if s(x, "playbook")? == playbook {
                    done.push(DoneStep {
                        step: s(x, "step")?,
                        at: s(x, "done_at")?,
                        by_name: s(x, "done_by_name")?,
                    });
                }
            }
            out.push(StartedPlaybook {
                playbook,
                version: s(r, "version")?,
                started_at: s(r, "started_at")?,
                started_by_name: s(r, "started_by_name")?,
                done,
            });
        }
        Ok(out)
    }

    /// Starts a checklist on an incident; audited as a change of the incident. Returns false
    /// (and changes nothing) when it was started before.
    pub async fn start_incident_playbook(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        incident_id: &str,
        playbook: &str,
        version: &str,
    ) -> Result<bool, StoreError> {
        let mut w = self.work().await?;
        incident_exists(w.conn(), t, incident_id).await?;
        if is_started(w.conn(), t, incident_id, playbook).await? {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO incident_playbooks (org_id, incident_id, playbook, version, started_at, started_by_name)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(playbook)
        .bind(version)
        .bind(now_timestamp())
        .bind(by_name)
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.playbook_start",
                object_type: "incident",
                object_id: incident_id,
                before: None,
                after: Some(json!({"playbook": playbook, "version": version})),
            },
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }

    /// Ticks a step off (or takes the tick back) on a started checklist; audited as a change of
    /// the incident. Returns whether anything changed; `NotFound` when the checklist was not
    /// started on the incident.
    #[allow(clippy::too_many_arguments)]
    pub async fn tick_incident_playbook_step(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        incident_id: &str,
        playbook: &str,
        step: &str,
        done: bool,
    ) -> Result<bool, StoreError> {
        let mut w = self.work().await?;
        if !is_started(w.conn(), t, incident_id, playbook).await? {
            return Err(StoreError::NotFound);
        }
        let was = sqlx::query(
            "SELECT step FROM incident_playbook_steps
             WHERE org_id = $1 AND incident_id = $2 AND playbook = $3 AND step = $4",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(playbook)
        .bind(step)
        .fetch_optional(w.conn())
        .await?
        .is_some();
        if was == done {
            return Ok(false);
        }
        if done {
            sqlx::query(
                "INSERT INTO incident_playbook_steps (org_id, incident_id, playbook, step, done_at, done_by_name)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(t.id())
            .bind(incident_id)
            .bind(playbook)
            .bind(step)
            .bind(now_timestamp())
            .bind(by_name)
            .execute(w.conn())
            .await?;
        } else {
            sqlx::query(
                "DELETE FROM incident_playbook_steps
                 WHERE org_id = $1 AND incident_id = $2 AND playbook = $3 AND step = $4",
            )
            .bind(t.id())
            .bind(incident_id)
            .bind(playbook)
            .bind(step)
            .execute(w.conn())
            .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.playbook_step",
                object_type: "incident",
                object_id: incident_id,
                before: None,
                after: Some(json!({"playbook": playbook, "step": step, "done": done})),
            },
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }
}
