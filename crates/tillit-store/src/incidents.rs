//! The incident register, tenant-scoped: the incident's facts, the systems and information assets
//! it touched, and the reports marked sent. Every change is audited with the whole before and
//! after.

use crate::assets::unique_name;
use crate::audit::{AuditEntry, Work};
use crate::links::{self, INCIDENT_ASSETS, INCIDENT_SYSTEMS};
use crate::query::{fetch_page, Filter};
use crate::{new_id, now_timestamp, Actor, Reference, Store, StoreError, Tenant};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tillit_domain::incident::Known;
use tillit_domain::incident_case::IncidentInput;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::text::search_key;

#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub id: String,
    pub input: IncidentInput,
    /// (id, name) of the systems and assets it touched.
    pub systems: Vec<(String, String)>,
    pub assets: Vec<(String, String)>,
    pub created_at: String,
    pub updated_at: String,
}

/// A report marked sent: which obligation, when, by whom, and the recipient's reference.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SentReport {
    pub kind: String,
    pub sent_at: String,
    pub sent_by_name: String,
    pub reference: Option<String>,
}

/// A link or a file attached to an incident.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: String,
    pub incident_id: String,
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

/// An entry in an incident's log.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct IncidentEntry {
    pub id: String,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    pub by_name: String,
    pub text: String,
}

/// A measure made from an incident's lesson, with its status today.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LinkedMeasure {
    pub id: String,
    pub title: String,
    /// The measure's status key.
    pub status: String,
    pub due_on: Option<String>,
}

/// A report's draft as saved: its fields (key, text), when and by whom.
#[derive(Debug, Clone, Serialize)]
pub struct SavedReportDraft {
    pub fields: Vec<(String, String)>,
    pub updated_at: String,
    pub updated_by_name: String,
}

/// A report to mark sent.
#[derive(Clone, Copy)]
pub struct NewSentReport<'a> {
    /// The obligation's key.
    pub kind: &'a str,
    pub sent_at: &'a DateTime<Utc>,
    pub by_name: &'a str,
    pub reference: Option<&'a str>,
}

/// What `details` holds.
#[derive(Serialize, Deserialize, Default)]
struct Details {
    description: Option<String>,
    #[serde(default)]
    aspects: Vec<String>,
    personal_data: Known,
    data_categories: Option<String>,
    individuals_approx: Option<i64>,
    records_approx: Option<i64>,
    cause: Option<String>,
    consequences: Option<String>,
    actions_taken: Option<String>,
    data_role: String,
    breach_risk: String,
    risk_motivation: Option<String>,
    art34_exception: Option<String>,
    significant: Known,
    significance_motivation: Option<String>,
    serious_care_injury: Known,
    serious_social_care_wrong: Known,
    lessons: Option<String>,
}

fn details_of(x: &IncidentInput) -> String {
    json!({
        "description": x.description, "aspects": x.aspects, "personal_data": x.personal_data,
        "data_categories": x.data_categories, "individuals_approx": x.individuals_approx,
        "records_approx": x.records_approx, "cause": x.cause, "consequences": x.consequences,
        "actions_taken": x.actions_taken, "data_role": x.data_role, "breach_risk": x.breach_risk,
        "risk_motivation": x.risk_motivation, "art34_exception": x.art34_exception,
        "significant": x.significant, "significance_motivation": x.significance_motivation,
        "serious_care_injury": x.serious_care_injury,
        "serious_social_care_wrong": x.serious_social_care_wrong, "lessons": x.lessons,
    })
    .to_string()
}

fn instant(col: &str, v: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("{col} {v}: {e}")))
}

fn stored(t: &DateTime<Utc>) -> String {
    crate::format_timestamp(*t)
}

const COLUMNS: &str = "id, title, status, aware_at, started_at, discovered_at, supplier_id, details, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct IncidentRow {
    id: String,
    title: String,
    status: String,
    aware_at: String,
    started_at: Option<String>,
    discovered_at: Option<String>,
    supplier_id: Option<String>,
    details: String,
    created_at: String,
    updated_at: String,
}

impl IncidentRow {
    fn into_view(self) -> Result<Incident, StoreError> {
        let d: Details = serde_json::from_str(&self.details)
            .map_err(|e| StoreError::Corrupt(format!("incident {}: {e}", self.id)))?;
        let opt = |col: &str, v: Option<String>| v.map(|v| instant(col, &v)).transpose();
        Ok(Incident {
            input: IncidentInput {
                title: self.title,
                description: d.description,
                started_at: opt("started_at", self.started_at)?,
                discovered_at: opt("discovered_at", self.discovered_at)?,
                aware_at: instant("aware_at", &self.aware_at)?,
                status: self.status,
                system_ids: vec![],
                asset_ids: vec![],
                aspects: d.aspects,
                personal_data: d.personal_data,
                data_categories: d.data_categories,
                individuals_approx: d.individuals_approx,
                records_approx: d.records_approx,
                cause: d.cause,
                supplier_id: self.supplier_id,
                consequences: d.consequences,
                actions_taken: d.actions_taken,
                data_role: d.data_role,
                breach_risk: d.breach_risk,
                risk_motivation: d.risk_motivation,
                art34_exception: d.art34_exception,
                significant: d.significant,
                significance_motivation: d.significance_motivation,
                serious_care_injury: d.serious_care_injury,
                serious_social_care_wrong: d.serious_social_care_wrong,
                lessons: d.lessons,
            },
            id: self.id,
            systems: vec![],
            assets: vec![],
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl links::ConcernsSystemsAndAssets for Incident {
    fn object_id(&self) -> &str {
        &self.id
    }
    fn take_links(&mut self, systems: Vec<(String, String)>, assets: Vec<(String, String)>) {
        self.input.system_ids = systems.iter().map(|(id, _)| id.clone()).collect();
        self.input.asset_ids = assets.iter().map(|(id, _)| id.clone()).collect();
        self.systems = systems;
        self.assets = assets;
    }
}

async fn with_links(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    list: &mut [Incident],
) -> Result<(), StoreError> {
    links::fill_systems_and_assets(conn, t, (&INCIDENT_SYSTEMS, &INCIDENT_ASSETS), list).await
}

async fn incident_in(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<Incident, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM incidents WHERE org_id = $1 AND id = $2");
    let mut x = sqlx::query_as::<_, IncidentRow>(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?
        .into_view()?;
    with_links(conn, t, std::slice::from_mut(&mut x)).await?;
    Ok(x)
}

fn search_text(x: &IncidentInput) -> String {
    search_key(&[&x.title, x.description.as_deref().unwrap_or("")])
}

/// Writes the columns, details and links of an incident (new or changed), checking that its
/// supplier, systems and assets are the organisation's.
async fn write(
    w: &mut Work<'_>,
    t: &Tenant,
    id: &str,
    x: &IncidentInput,
    new: bool,
) -> Result<(), StoreError> {
    if let Some(s) = &x.supplier_id {
        links::check_all_exist(
            w.conn(),
            t,
            "suppliers",
            std::slice::from_ref(s),
            Reference::Supplier,
        )
        .await?;
    }
    let sql = if new {
        "INSERT INTO incidents (title, status, aware_at, started_at, discovered_at, supplier_id, details, search_text, updated_at, org_id, id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $9)"
    } else {
        "UPDATE incidents SET title = $1, status = $2, aware_at = $3, started_at = $4, discovered_at = $5, supplier_id = $6,
           details = $7, search_text = $8, updated_at = $9 WHERE org_id = $10 AND id = $11"
    };
    sqlx::query(sql)
        .bind(&x.title)
        .bind(&x.status)
        .bind(stored(&x.aware_at))
        .bind(x.started_at.as_ref().map(stored))
        .bind(x.discovered_at.as_ref().map(stored))
        .bind(&x.supplier_id)
        .bind(details_of(x))
        .bind(search_text(x))
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id)
        .execute(w.conn())
        .await
        .map_err(unique_name)?;
    links::set(w.conn(), t, &INCIDENT_SYSTEMS, id, &x.system_ids).await?;
    links::set(w.conn(), t, &INCIDENT_ASSETS, id, &x.asset_ids).await?;
    Ok(())
}

impl Store {
    /// The organisation's incidents, the latest awareness first, filtered by a text in the title
    /// or description and by status.
    pub async fn list_incidents(
        &self,
        t: &Tenant,
        q: Option<&str>,
        status: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Incident>, StoreError> {
        let mut filter = Filter::tenant("org_id", t.id());
        if let Some(text) = q.map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("search_text", text);
        }
        if let Some(s) = status {
            filter.and("status =", s.to_string());
        }
        let mut list = fetch_page(
            &self.pool,
            COLUMNS,
            "incidents",
            &filter,
            "aware_at DESC, id",
            page,
            IncidentRow::into_view,
        )
        .await?;
        let mut conn = self.pool.acquire().await?;
        with_links(&mut conn, t, &mut list.items).await?;
        Ok(list)
    }

    /// The incidents whose reports may still be due: those not closed, and those closed that the
    /// organisation became aware of after `since`. Oldest awareness first.
    pub async fn active_incidents(
        &self,
        t: &Tenant,
        since: &DateTime<Utc>,
    ) -> Result<Vec<Incident>, StoreError> {
        let rows: Vec<IncidentRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM incidents WHERE org_id = $1 AND (status <> 'closed' OR aware_at >= $2) ORDER BY aware_at, id"
        ))
        .bind(t.id())
        .bind(stored(since))
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows
            .into_iter()
            .map(IncidentRow::into_view)
            .collect::<Result<Vec<_>, _>>()?;
        let mut conn = self.pool.acquire().await?;
        with_links(&mut conn, t, &mut list).await?;
        Ok(list)
    }

    pub async fn incident(&self, t: &Tenant, id: &str) -> Result<Incident, StoreError> {
        let mut conn = self.pool.acquire().await?;
        incident_in(&mut conn, t, id).await
    }

    pub async fn create_incident(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &IncidentInput,
    ) -> Result<Incident, StoreError> {
        let id = new_id();
        let mut w = self.work().await?;
        write(&mut w, t, &id, x, true).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.create",
                object_type: "incident",
                object_id: &id,
                before: None,
                after: Some(json!(x)),
            },
        )
        .await?;
        let out = incident_in(w.conn(), t, &id).await?;
        w.commit().await?;
        Ok(out)
    }

    pub async fn update_incident(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
        x: &IncidentInput,
    ) -> Result<Incident, StoreError> {
        let mut w = self.work().await?;
        let before = incident_in(w.conn(), t, id).await?;
        write(&mut w, t, id, x, false).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.update",
                object_type: "incident",
                object_id: id,
                before: Some(json!(before.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        let out = incident_in(w.conn(), t, id).await?;
        w.commit().await?;
        Ok(out)
    }

    /// The reports of an incident marked sent.
    pub async fn sent_reports(
        &self,
        t: &Tenant,
        incident_id: &str,
    ) -> Result<Vec<SentReport>, StoreError> {
        Ok(sqlx::query_as::<_, SentReport>(
            "SELECT kind, sent_at, sent_by_name, reference FROM incident_reports
             WHERE org_id = $1 AND incident_id = $2 ORDER BY sent_at, kind",
        )
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The reports marked sent of the given incidents, by incident, in one read.
    pub async fn sent_reports_of(
        &self,
        t: &Tenant,
        incident_ids: &[&str],
    ) -> Result<std::collections::HashMap<String, Vec<SentReport>>, StoreError> {
        let mut out: std::collections::HashMap<String, Vec<SentReport>> = Default::default();
        // In chunks, within every backend's limit on bound parameters.
        for chunk in incident_ids.chunks(500) {
            let marks = (2..chunk.len() + 2)
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT incident_id, kind, sent_at, sent_by_name, reference FROM incident_reports
                 WHERE org_id = $1 AND incident_id IN ({marks}) ORDER BY sent_at, kind"
            );
            let mut q = sqlx::query(&sql).bind(t.id());
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.pool).await? {
                let id = crate::row::s(&row, "incident_id")?;
                out.entry(id)
                    .or_default()
                    .push(<SentReport as sqlx::FromRow<_>>::from_row(&row)?);
            }
        }
        Ok(out)
    }

    /// Marks an obligation's report sent (once: a second mark replaces when, who and reference).
    pub async fn mark_report_sent(
        &self,
        t: &Tenant,
        actor: &Actor,
        incident_id: &str,
        r: &NewSentReport<'_>,
    ) -> Result<(), StoreError> {
        let NewSentReport {
            kind,
            sent_at,
            by_name,
            reference,
        } = *r;
        let mut w = self.work().await?;
        let incident = incident_in(w.conn(), t, incident_id).await?;
        sqlx::query(
            "DELETE FROM incident_reports WHERE org_id = $1 AND incident_id = $2 AND kind = $3",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(kind)
        .execute(w.conn())
        .await?;
        sqlx::query(
            "INSERT INTO incident_reports (org_id, incident_id, kind, sent_at, sent_by_name, reference) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(kind)
        .bind(stored(sent_at))
        .bind(by_name)
        .bind(reference)
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.report_sent",
                object_type: "incident",
                object_id: incident_id,
                before: None,
                after: Some(json!({"title": incident.input.title, "kind": kind,
                    "sent_at": stored(sent_at), "reference": reference})),
            },
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// A report's saved draft, if one is saved.
    pub async fn report_draft(
        &self,
        t: &Tenant,
        incident_id: &str,
        kind: &str,
    ) -> Result<Option<SavedReportDraft>, StoreError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT fields, updated_at, updated_by_name FROM incident_report_drafts WHERE org_id = $1 AND incident_id = $2 AND kind = $3",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(fields, updated_at, updated_by_name)| {
            Ok(SavedReportDraft {
                fields: serde_json::from_str(&fields).map_err(|e| {
                    StoreError::Corrupt(format!("report draft {incident_id} {kind}: {e}"))
                })?,
                updated_at,
                updated_by_name,
            })
        })
        .transpose()
    }

    /// Saves a report's draft (replacing the one saved before), audited.
    pub async fn save_report_draft(
        &self,
        t: &Tenant,
        actor: &Actor,
        incident_id: &str,
        kind: &str,
        fields: &[(String, String)],
        by_name: &str,
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        let incident = incident_in(w.conn(), t, incident_id).await?;
        let before = sqlx::query_as::<_, (String,)>(
            "SELECT fields FROM incident_report_drafts WHERE org_id = $1 AND incident_id = $2 AND kind = $3",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(kind)
        .fetch_optional(w.conn())
        .await?
        .and_then(|(f,)| serde_json::from_str::<serde_json::Value>(&f).ok());
        sqlx::query(
            "DELETE FROM incident_report_drafts WHERE org_id = $1 AND incident_id = $2 AND kind = $3",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(kind)
        .execute(w.conn())
        .await?;
        let value = json!(fields);
        sqlx::query(
            "INSERT INTO incident_report_drafts (org_id, incident_id, kind, fields, updated_at, updated_by_name) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(kind)
        .bind(value.to_string())
        .bind(crate::now_timestamp())
        .bind(by_name)
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.report_draft",
                object_type: "incident",
                object_id: incident_id,
                before: before.map(|b| json!({"kind": kind, "fields": b})),
                after: Some(json!({"title": incident.input.title, "kind": kind, "fields": value})),
            },
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Makes a lesson of the incident a measure in the action plan, linked to the incident, in
    /// one unit of work. A measure with the same title already made from the incident is not
    /// made twice: it is returned with `false`.
    pub async fn lesson_to_measure(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        incident_id: &str,
        x: &tillit_domain::measure::MeasureInput,
    ) -> Result<(String, bool), StoreError> {
        let mut w = self.work().await?;
        incident_in(w.conn(), t, incident_id).await?;
        let existing: Option<(String,)> = sqlx::query_as(
            "SELECT m.id FROM incident_measures im JOIN measures m ON m.id = im.measure_id AND m.org_id = im.org_id
             WHERE im.org_id = $1 AND im.incident_id = $2 AND m.title = $3",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(&x.title)
        .fetch_optional(w.conn())
        .await?;
        if let Some((id,)) = existing {
            return Ok((id, false));
        }
        let mid = w.save_measure(t, actor, by_name, None, x).await?;
        sqlx::query(
            "INSERT INTO incident_measures (org_id, incident_id, measure_id) VALUES ($1, $2, $3)",
        )
        .bind(t.id())
        .bind(incident_id)
        .bind(&mid)
        .execute(w.conn())
        .await?;
        w.commit().await?;
        Ok((mid, true))
    }

    /// The measures the incident's lessons became.
    pub async fn incident_measures(
        &self,
        t: &Tenant,
        incident_id: &str,
    ) -> Result<Vec<LinkedMeasure>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.id AS id, m.title AS title, m.status AS status, m.due_on AS due_on
             FROM incident_measures im JOIN measures m ON m.id = im.measure_id AND m.org_id = im.org_id
             WHERE im.org_id = $1 AND im.incident_id = $2 ORDER BY m.due_on, m.title, m.id",
        )
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The incidents whose lessons a measure was made from: (id, title).
    pub async fn incidents_of_measure(
        &self,
        t: &Tenant,
        measure_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT i.id, i.title FROM incident_measures im
             JOIN incidents i ON i.id = im.incident_id AND i.org_id = im.org_id
             WHERE im.org_id = $1 AND im.measure_id = $2 ORDER BY i.title, i.id",
        )
        .bind(t.id())
        .bind(measure_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Writes an entry in the incident's log, audited.
    pub async fn add_incident_entry(
        &self,
        t: &Tenant,
        actor: &Actor,
        incident_id: &str,
        at: &DateTime<Utc>,
        by_name: &str,
        text: &str,
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        incident_in(w.conn(), t, incident_id).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO incident_entries (id, org_id, incident_id, at, by_name, text, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(incident_id)
        .bind(stored(at))
        .bind(by_name)
        .bind(text)
        .bind(crate::now_timestamp())
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.entry",
                object_type: "incident",
                object_id: incident_id,
                before: None,
                after: Some(json!({"entry": id, "at": stored(at), "text": text})),
            },
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The entries of the incident's log, in time order.
    pub async fn incident_entries(
        &self,
        t: &Tenant,
        incident_id: &str,
    ) -> Result<Vec<IncidentEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, at, by_name, text FROM incident_entries WHERE org_id = $1 AND incident_id = $2 ORDER BY at, created_at, id",
        )
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Attaches a link or a file to the incident, audited.
    pub async fn add_incident_attachment(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        incident_id: &str,
        what: crate::NewEvidence<'_>,
    ) -> Result<Attachment, StoreError> {
        let mut w = self.work().await?;
        incident_in(w.conn(), t, incident_id).await?;
        let id = crate::files::insert(w.conn(), &ATTACHMENT_FILES, t, incident_id, by_name, &what)
            .await?;
        let a = attachment_in(w.conn(), t, &id).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "incident.attach",
                object_type: "incident",
                object_id: incident_id,
                before: None,
                after: Some(json!(a)),
            },
        )
        .await?;
        w.commit().await?;
        Ok(a)
    }

    /// The incident's attachments, oldest first.
    pub async fn incident_attachments(
        &self,
        t: &Tenant,
        incident_id: &str,
    ) -> Result<Vec<Attachment>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM incident_attachments WHERE org_id = $1 AND incident_id = $2 ORDER BY added_at, id"
        ))
        .bind(t.id())
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// An attachment's metadata and its file's bytes.
    pub async fn incident_attachment_file(
        &self,
        t: &Tenant,
        id: &str,
    ) -> Result<(Attachment, Vec<u8>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let a = attachment_in(&mut conn, t, id).await?;
        let content = crate::files::content(&mut conn, &ATTACHMENT_FILES, &a.id).await?;
        Ok((a, content))
    }
}

const ATTACHMENT_FILES: crate::files::FileTables = crate::files::FileTables {
    table: "incident_attachments",
    owner: "incident_id",
    files: "incident_attachment_files",
    file_key: "attachment_id",
};

const ATTACHMENT_COLUMNS: &str =
    "id, incident_id, kind, url, file_name, media_type, size_bytes, sha256, added_by, added_at";

async fn attachment_in(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<Attachment, StoreError> {
    sqlx::query_as(&format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM incident_attachments WHERE org_id = $1 AND id = $2"
    ))
    .bind(t.id())
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}
