//! The audit trail: every change is written in the same transaction as an event that links to the
//! hash of the event before it. The chain head (`audit_head`) is locked first in every audited
//! transaction, which serialises writers on both backends and keeps the chain linear.

use crate::query::{fetch_page, Filter};
use crate::row::{i, os, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde_json::Value;
use sqlx::any::{Any, AnyRow};
use sqlx::AnyConnection;
use sqlx::Transaction;
use tillit_domain::audit::{AuditRecord, ChainBreak, ChainVerifier, StoredAuditEvent};
use tillit_domain::paging::{Page, PageRequest};

/// What changed: recorded with the actor and time by [`Work::record`].
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A unit of work: one database transaction in which every change is audited. It holds the
/// audit chain's head lock from its start to its commit, so a command that touches many objects
/// (an import of thousands of rows) is stored all or nothing. Dropped without [`Work::commit`],
/// nothing of it is stored.
pub struct Work<'c> {
    /// On SQLite, the turn of this process's single writer, held until the unit ends (declared
    /// first so that it is released after the transaction).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    tx: Transaction<'c, Any>,
    seq: i64,
    prev_hash: String,
    /// Events chained but not yet written: written in batches, at the latest by `commit`.
    pending: Vec<(AuditRecord, String, String)>,
}

/// Events written per INSERT statement (13 values each, well under both backends' limits).
const EVENTS_PER_INSERT: usize = 200;

impl<'c> Work<'c> {
    pub(crate) async fn begin(
        pool: &'c sqlx::AnyPool,
        writer: Option<&std::sync::Arc<tokio::sync::Mutex<()>>>,
    ) -> Result<Work<'c>, StoreError> {
        // SQLite has one writer at a time: audited writers queue for it here, in order, rather
        // than in SQLite's busy handler, which polls with growing sleeps.
        let turn = match writer {
            Some(w) => Some(w.clone().lock_owned().await),
            None => None,
        };
        let mut tx = pool.begin().await?;
        // A no-op update takes the write lock (SQLite) or the head row lock (PostgreSQL) first,
        // before anything is read, so concurrent audited transactions queue here.
        let row =
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, last_hash")
                .fetch_one(&mut *tx)
                .await?;
        Ok(Work {
            _turn: turn,
            seq: i(&row, "seq")?,
            prev_hash: s(&row, "last_hash")?,
            tx,
            pending: Vec::new(),
        })
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Chains an event to the one before it; it is stored with the rest of the unit of work.
    pub(crate) async fn record(
        &mut self,
        actor: &Actor,
        org_id: Option<&str>,
        e: AuditEntry<'_>,
    ) -> Result<(), StoreError> {
        debug_assert!(
            tillit_domain::audit::ACTIONS.contains(&e.action),
            "audit action {} is not in tillit_domain::audit::ACTIONS",
            e.action
        );
        debug_assert!(
            tillit_domain::audit::OBJECT_TYPES.contains(&e.object_type),
            "audit object type {} is not in tillit_domain::audit::OBJECT_TYPES",
            e.object_type
        );
        let record = AuditRecord {
            seq: self.seq + 1,
            id: new_id(),
            occurred_at: now_timestamp(),
            actor_id: actor.user_id.clone(),
            actor_label: actor.label.clone(),
            org_id: org_id.map(str::to_string),
            action: e.action.to_string(),
            object_type: e.object_type.to_string(),
            object_id: e.object_id.to_string(),
            before_json: e.before.map(|v| v.to_string()),
            after_json: e.after.map(|v| v.to_string()),
        };
        let hash = record.chain_hash(&self.prev_hash);
        let prev = std::mem::replace(&mut self.prev_hash, hash.clone());
        self.seq = record.seq;
        self.pending.push((record, prev, hash));
        if self.pending.len() >= EVENTS_PER_INSERT {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes the chained events not yet written, in one statement.
    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = (0..self.pending.len())
            .map(|r| {
                let p = (1..=13)
                    .map(|c| format!("${}", r * 13 + c))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({p})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO audit_events (seq, id, occurred_at, actor_id, actor_label, org_id, action, object_type, object_id, before_json, after_json, prev_hash, hash) VALUES {rows}"
        );
        let mut q = sqlx::query(&sql);
        for (record, prev, hash) in &self.pending {
            q = q
                .bind(record.seq)
                .bind(&record.id)
                .bind(&record.occurred_at)
                .bind(&record.actor_id)
                .bind(&record.actor_label)
                .bind(&record.org_id)
                .bind(&record.action)
                .bind(&record.object_type)
                .bind(&record.object_id)
                .bind(&record.before_json)
                .bind(&record.after_json)
                .bind(prev)
                .bind(hash);
        }
        q.execute(&mut *self.tx).await?;
        self.pending.clear();
        Ok(())
    }

    /// Stores every change of the unit of work, with its audit events, at once.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        sqlx::query("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(&self.prev_hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// An audit event as shown to an administrator.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEvent {
    pub id: String,
    pub seq: i64,
    pub occurred_at: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Filters of the audit-log page. Dates are `YYYY-MM-DD`, inclusive, validated by the caller.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
}

/// The result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    Intact { events: i64 },
    Broken(ChainBreak),
}

/// The columns of an audit event as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditEventRow {
    id: String,
    seq: i64,
    occurred_at: String,
    actor_id: Option<String>,
    actor_label: String,
    action: String,
    object_type: String,
    object_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl AuditEventRow {
    pub(crate) fn into_view(self) -> Result<AuditEvent, StoreError> {
        let parse = |col: &str, v: Option<String>| -> Result<Option<Value>, StoreError> {
            v.map(|t| {
                serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
            })
            .transpose()
        };
        Ok(AuditEvent {
            id: self.id,
            seq: self.seq,
            occurred_at: self.occurred_at,
            actor_id: self.actor_id,
            actor_label: self.actor_label,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            before: parse("before_json", self.before_json)?,
            after: parse("after_json", self.after_json)?,
        })
    }
}

fn event_from_row(row: &AnyRow) -> Result<AuditEvent, StoreError> {
    use sqlx::FromRow;
    AuditEventRow::from_row(row)?.into_view()
}

const EVENT_COLUMNS: &str =
    "id, seq, occurred_at, actor_id, actor_label, action, object_type, object_id, before_json, after_json";

impl Store {
    /// The tenant's audit events, newest first.
    pub async fn list_audit_events(
        &self,
        t: &Tenant,
        f: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, StoreError> {
        let mut filter = Filter::tenant("org_id", t.id());
        if let Some(a) = &f.action {
            filter.and("action =", a.clone());
        }
        if let Some(a) = &f.actor {
            filter.and_contains("lower(actor_label)", a);
        }
        if let Some(o) = &f.object_type {
            filter.and("object_type =", o.clone());
        }
        if let Some(o) = &f.object_id {
            filter.and("object_id =", o.clone());
        }
        if let Some(d) = &f.from_date {
            filter.and("occurred_at >=", d.clone());
        }
        if let Some(d) = &f.to_date {
            // Inclusive end date: "T99" sorts after every time of that day and before the next day.
            filter.and("occurred_at <", format!("{d}T99"));
        }
        fetch_page(
            &self.pool,
            EVENT_COLUMNS,
            "audit_events",
            &filter,
            "seq DESC",
            page,
            AuditEventRow::into_view,
        )
        .await
    }

    pub async fn audit_event(&self, t: &Tenant, id: &str) -> Result<AuditEvent, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE org_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(t.id())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        event_from_row(&row.ok_or(StoreError::NotFound)?)
    }

    /// The distinct actions recorded for a tenant, for the audit page's filter.
    pub async fn audit_actions(&self, t: &Tenant) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT action FROM audit_events WHERE org_id = $1 ORDER BY action",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| s(r, "action")).collect()
    }

    /// Walks the whole chain in order and reports the first broken link.
    /// The chain's head: the sequence number and hash of the last event.
    pub async fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok((i(&row, "seq")?, s(&row, "last_hash")?))
    }

    /// The hash of the event with this sequence number, if there is one.
    pub async fn audit_hash_at(&self, seq: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT hash FROM audit_events WHERE seq = $1")
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| s(&r, "hash")).transpose()
    }

    pub async fn verify_audit_chain(&self) -> Result<ChainReport, StoreError> {
        let mut verifier = ChainVerifier::default();
        let mut after_seq = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT seq, id, occurred_at, actor_id, actor_label, org_id, action, object_type, object_id, before_json, after_json, prev_hash, hash
                 FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1000",
            )
            .bind(after_seq)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let ev = StoredAuditEvent {
                    record: AuditRecord {
                        seq: i(row, "seq")?,
                        id: s(row, "id")?,
                        occurred_at: s(row, "occurred_at")?,
                        actor_id: os(row, "actor_id")?,
                        actor_label: s(row, "actor_label")?,
                        org_id: os(row, "org_id")?,
                        action: s(row, "action")?,
                        object_type: s(row, "object_type")?,
                        object_id: s(row, "object_id")?,
                        before_json: os(row, "before_json")?,
                        after_json: os(row, "after_json")?,
                    },
                    prev_hash: s(row, "prev_hash")?,
                    hash: s(row, "hash")?,
                };
                after_seq = ev.record.seq;
                if let Err(b) = verifier.next(&ev) {
                    return Ok(ChainReport::Broken(b));
                }
            }
        }
        let head = sqlx::query("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        match verifier.finish(i(&head, "seq")?, &s(&head, "last_hash")?) {
            Ok(n) => Ok(ChainReport::Intact { events: n }),
            Err(b) => Ok(ChainReport::Broken(b)),
        }
    }
}

impl Store {
    /// Records an event that goes with no stored change (a sign-in, say).
    pub async fn record_event(
        &self,
        actor: &Actor,
        org_id: Option<&str>,
        action: &str,
        object_type: &str,
        object_id: &str,
        details: Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        tx.record(
            actor,
            org_id,
            AuditEntry {
                action,
                object_type,
                object_id,
                before: None,
                after: Some(details),
            },
        )
        .await?;
        tx.commit().await
    }
}
