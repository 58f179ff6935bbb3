//! Additional requirement libraries imported as OSCAL: the resolved catalog as written, its
//! controls as rows, which systems are assessed against it, and those assessments with history.
//! Every query is scoped to the tenant; a library of another organisation is not found.

use crate::audit::AuditEntry;
use crate::row::{i, os, s};
use crate::OneRow;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use tillit_domain::assessment::{AssessmentInput, Status};
use tillit_domain::error::{Rule, ValidationError, ValidationErrors};

/// An imported library.
#[derive(Debug, Clone, Serialize)]
pub struct OscalLibrary {
    pub id: String,
    pub title: String,
    pub version: String,
    pub oscal_version: String,
    pub catalog_title: String,
    pub profile_title: Option<String>,
    pub sha256: String,
    pub control_count: i64,
    pub imported_by: String,
    pub imported_at: String,
    /// How many systems are assessed against it.
    pub systems: i64,
    /// The published guidance version (an authority's catalog) this copy was adopted from.
    pub adopted_from: Option<String>,
}

/// One control of a library, flattened and readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LibraryControl {
    pub id: String,
    pub label: String,
    pub title: String,
    pub group_id: Option<String>,
    pub group_title: Option<String>,
    pub parent_id: Option<String>,
    pub statement: String,
    pub guidance: String,
}

/// What an import stores.
pub struct NewLibrary<'a> {
    pub title: &'a str,
    pub version: &'a str,
    pub oscal_version: &'a str,
    pub catalog_title: &'a str,
    pub profile_title: Option<&'a str>,
    pub catalog_json: &'a str,
    pub sha256: &'a str,
    pub controls: &'a [LibraryControl],
}

/// The current assessment of one control for one system.
#[derive(Debug, Clone, Serialize)]
pub struct ControlAssessment {
    pub id: String,
    pub system_id: String,
    pub library_id: String,
    pub control_id: String,
    pub status: Status,
    pub motivation: Option<String>,
    pub comment: Option<String>,
    pub assessed_by: String,
    pub assessed_at: String,
}

const LIBRARY_COLUMNS: &str = "l.id AS id, l.title AS title, l.version AS version, l.oscal_version AS oscal_version, \
    l.catalog_title AS catalog_title, l.profile_title AS profile_title, l.sha256 AS sha256, l.control_count AS control_count, \
    l.imported_by AS imported_by, l.imported_at AS imported_at, l.adopted_from AS adopted_from, \
    (SELECT COUNT(*) FROM system_libraries x WHERE x.library_id = l.id) AS systems";

fn library_of(r: &AnyRow) -> Result<OscalLibrary, StoreError> {
    Ok(OscalLibrary {
        id: s(r, "id")?,
        title: s(r, "title")?,
        version: s(r, "version")?,
        oscal_version: s(r, "oscal_version")?,
        catalog_title: s(r, "catalog_title")?,
        profile_title: os(r, "profile_title")?,
        sha256: s(r, "sha256")?,
        control_count: i(r, "control_count")?,
        imported_by: s(r, "imported_by")?,
        imported_at: s(r, "imported_at")?,
        systems: i(r, "systems")?,
        adopted_from: os(r, "adopted_from")?,
    })
}

const CONTROL_COLUMNS: &str =
    "control_id, label, title, group_id, group_title, parent_id, statement, guidance";

fn control_of(r: &AnyRow) -> Result<LibraryControl, StoreError> {
    Ok(LibraryControl {
        id: s(r, "control_id")?,
        label: s(r, "label")?,
        title: s(r, "title")?,
        group_id: os(r, "group_id")?,
        group_title: os(r, "group_title")?,
        parent_id: os(r, "parent_id")?,
        statement: s(r, "statement")?,
        guidance: s(r, "guidance")?,
    })
}

const ASSESSMENT_COLUMNS: &str =
    "id, system_id, library_id, control_id, status, motivation, comment, assessed_by, assessed_at";

fn assessment_of(r: &AnyRow) -> Result<ControlAssessment, StoreError> {
    let status = s(r, "status")?;
    Ok(ControlAssessment {
        id: s(r, "id")?,
        system_id: s(r, "system_id")?,
        library_id: s(r, "library_id")?,
        control_id: s(r, "control_id")?,
        status: Status::from_key(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status: {status}")))?,
        motivation: os(r, "motivation")?,
        comment: os(r, "comment")?,
        assessed_by: s(r, "assessed_by")?,
        assessed_at: s(r, "assessed_at")?,
    })
}

/// Inserts a library and its controls in the unit of work; gives its id.
pub(crate) async fn insert_library(
    w: &mut crate::audit::Work<'_>,
    t: &Tenant,
    by_name: &str,
    x: &NewLibrary<'_>,
) -> Result<String, StoreError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO oscal_libraries (id, org_id, title, version, oscal_version, catalog_title, profile_title, catalog_json, sha256, control_count, imported_by, imported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(t.id())
    .bind(x.title)
    .bind(x.version)
    .bind(x.oscal_version)
    .bind(x.catalog_title)
    .bind(x.profile_title)
    .bind(x.catalog_json)
    .bind(x.sha256)
    .bind(x.controls.len() as i64)
    .bind(by_name)
    .bind(now_timestamp())
    .execute(w.conn())
    .await?;
    // Several rows per statement: a full catalog has over a thousand controls.
    for (chunk_no, chunk) in x.controls.chunks(50).enumerate() {
        let mut sql = String::from(
            "INSERT INTO oscal_library_controls (org_id, library_id, position, control_id, label, title, group_id, group_title, parent_id, statement, guidance) VALUES ",
        );
        for n in 0..chunk.len() {
            let b = n * 11;
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10,
                b + 11
            ));
        }
        let mut q = sqlx::query(&sql);
        for (n, c) in chunk.iter().enumerate() {
            q = q
                .bind(t.id())
                .bind(&id)
                .bind((chunk_no * 50 + n) as i64)
                .bind(&c.id)
                .bind(&c.label)
                .bind(&c.title)
                .bind(&c.group_id)
                .bind(&c.group_title)
                .bind(&c.parent_id)
                .bind(&c.statement)
                .bind(&c.guidance);
        }
        q.execute(w.conn()).await.map_err(|e| {
            if StoreError::is_unique_violation(&e) {
                StoreError::Invalid(ValidationErrors::from(ValidationError::new(
                    "catalog",
                    Rule::AlreadyExists,
                )))
            } else {
                e.into()
            }
        })?;
    }
    Ok(id)
}

/// Inserts a current assessment row.
async fn insert_assessment(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    a: &ControlAssessment,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO library_assessments (id, org_id, system_id, library_id, control_id, status, motivation, comment, assessed_by, assessed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&a.id)
    .bind(t.id())
    .bind(&a.system_id)
    .bind(&a.library_id)
    .bind(&a.control_id)
    .bind(a.status.key())
    .bind(&a.motivation)
    .bind(&a.comment)
    .bind(&a.assessed_by)
    .bind(&a.assessed_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds an assessment as it now stands to its history.
async fn add_history(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    a: &ControlAssessment,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO library_assessment_history (id, org_id, assessment_id, status, motivation, comment, assessed_by, assessed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(t.id())
    .bind(&a.id)
    .bind(a.status.key())
    .bind(&a.motivation)
    .bind(&a.comment)
    .bind(&a.assessed_by)
    .bind(&a.assessed_at)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Stores an imported library and its controls in one transaction.
    pub async fn import_library(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        x: &NewLibrary<'_>,
    ) -> Result<OscalLibrary, StoreError> {
        let mut w = self.work().await?;
        let id = insert_library(&mut w, t, by_name, x).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "library.import",
                object_type: "library",
                object_id: &id,
                before: None,
                after: Some(json!({
                    "title": x.title,
                    "version": x.version,
                    "catalog": x.catalog_title,
                    "profile": x.profile_title,
                    "controls": x.controls.len(),
                    "sha256": x.sha256,
                })),
            },
        )
        .await?;
        w.commit().await?;
        self.library(t, &id).await
    }

    /// The organisation's imported libraries, newest first.
    pub async fn libraries(&self, t: &Tenant) -> Result<Vec<OscalLibrary>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LIBRARY_COLUMNS} FROM oscal_libraries l WHERE l.org_id = $1 ORDER BY l.imported_at DESC, l.id"
        ))
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(library_of).collect()
    }

    pub async fn library(&self, t: &Tenant, id: &str) -> Result<OscalLibrary, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LIBRARY_COLUMNS} FROM oscal_libraries l WHERE l.org_id = $1 AND l.id = $2"
        ))
        .bind(t.id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        library_of(&row)
    }

    /// The resolved catalog as it was imported (OSCAL JSON).
    pub async fn library_catalog_json(&self, t: &Tenant, id: &str) -> Result<String, StoreError> {
        let (json,): (String,) = sqlx::query_as(
            "SELECT catalog_json FROM oscal_libraries WHERE org_id = $1 AND id = $2",
        )
        .bind(t.id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(json)
    }

    /// A library's controls in catalog order.
    pub async fn library_controls(
        &self,
        t: &Tenant,
        id: &str,
    ) -> Result<Vec<LibraryControl>, StoreError> {
        self.library(t, id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {CONTROL_COLUMNS} FROM oscal_library_controls WHERE org_id = $1 AND library_id = $2 ORDER BY position"
        ))
        .bind(t.id())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(control_of).collect()
    }

    pub async fn library_control(
        &self,
        t: &Tenant,
        id: &str,
        control_id: &str,
    ) -> Result<LibraryControl, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONTROL_COLUMNS} FROM oscal_library_controls WHERE org_id = $1 AND library_id = $2 AND control_id = $3"
        ))
        .bind(t.id())
        .bind(id)
        .bind(control_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        control_of(&row)
    }

    /// Removes a library no system is assessed against.
    pub async fn remove_library(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
    ) -> Result<(), StoreError> {
        let lib = self.library(t, id).await?;
        let mut w = self.work().await?;
        let (used,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM system_libraries WHERE org_id = $1 AND library_id = $2)
                  + (SELECT COUNT(*) FROM library_assessments WHERE org_id = $1 AND library_id = $2)",
        )
        .bind(t.id())
        .bind(id)
        .fetch_one(w.conn())
        .await?;
        let published = sqlx::query("SELECT 1 FROM guidance WHERE library_id = $1")
            .bind(id)
            .fetch_optional(w.conn())
            .await?;
        if used > 0 || published.is_some() {
            return Err(StoreError::Invalid(ValidationErrors::from(
                ValidationError::new("library", Rule::RequiredByRecords),
            )));
        }
        for sql in [
            "DELETE FROM oscal_library_controls WHERE org_id = $1 AND library_id = $2",
            "DELETE FROM oscal_libraries WHERE org_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(t.id())
                .bind(id)
                .execute(w.conn())
                .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "library.remove",
                object_type: "library",
                object_id: id,
                before: Some(json!({"title": lib.title, "version": lib.version})),
                after: None,
            },
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The libraries a system is assessed against.
    pub async fn system_libraries(
        &self,
        t: &Tenant,
        system_id: &str,
    ) -> Result<Vec<OscalLibrary>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LIBRARY_COLUMNS} FROM oscal_libraries l JOIN system_libraries sl ON sl.library_id = l.id
             WHERE l.org_id = $1 AND sl.org_id = $1 AND sl.system_id = $2 ORDER BY l.title, l.id"
        ))
        .bind(t.id())
        .bind(system_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(library_of).collect()
    }

    /// The systems assessed against a library: (id, name).
    pub async fn library_systems(
        &self,
        t: &Tenant,
        library_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT s.id, s.name FROM systems s JOIN system_libraries sl ON sl.system_id = s.id
             WHERE s.org_id = $1 AND sl.org_id = $1 AND sl.library_id = $2 ORDER BY s.name",
        )
        .bind(t.id())
        .bind(library_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Starts assessing a system against a library (nothing changes if it already is).
    pub async fn adopt_library(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        system_id: &str,
        library_id: &str,
    ) -> Result<(), StoreError> {
        self.library(t, library_id).await?;
        let mut w = self.work().await?;
        let found = sqlx::query("SELECT id FROM systems WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(system_id)
            .fetch_optional(w.conn())
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query(
            "SELECT 1 FROM system_libraries WHERE org_id = $1 AND system_id = $2 AND library_id = $3",
        )
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .fetch_optional(w.conn())
        .await?;
        if done.is_some() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO system_libraries (org_id, system_id, library_id, added_by, added_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .bind(by_name)
        .bind(now_timestamp())
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "library.adopt",
                object_type: "system",
                object_id: system_id,
                before: None,
                after: Some(json!({"library_id": library_id})),
            },
        )
        .await?;
        w.commit().await
    }

    /// Stops assessing a system against a library; its assessments are kept (and come back if the
    /// library is adopted again).
    pub async fn drop_library(
        &self,
        t: &Tenant,
        actor: &Actor,
        system_id: &str,
        library_id: &str,
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        sqlx::query(
            "DELETE FROM system_libraries WHERE org_id = $1 AND system_id = $2 AND library_id = $3",
        )
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .one_row(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "library.drop",
                object_type: "system",
                object_id: system_id,
                before: Some(json!({"library_id": library_id})),
                after: None,
            },
        )
        .await?;
        w.commit().await
    }

    /// The current assessments of a system against a library.
    pub async fn control_assessments(
        &self,
        t: &Tenant,
        system_id: &str,
        library_id: &str,
    ) -> Result<Vec<ControlAssessment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM library_assessments WHERE org_id = $1 AND system_id = $2 AND library_id = $3"
        ))
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assessment_of).collect()
    }

    /// One control's current assessment and its history, newest first.
    pub async fn control_assessment(
        &self,
        t: &Tenant,
        system_id: &str,
        library_id: &str,
        control_id: &str,
    ) -> Result<Option<(ControlAssessment, Vec<ControlAssessment>)>, StoreError> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM library_assessments WHERE org_id = $1 AND system_id = $2 AND library_id = $3 AND control_id = $4"
        ))
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .bind(control_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let current = assessment_of(&row)?;
        let rows = sqlx::query(
            "SELECT h.id AS id, a.system_id AS system_id, a.library_id AS library_id, a.control_id AS control_id, h.status AS status,
                    h.motivation AS motivation, h.comment AS comment, h.assessed_by AS assessed_by, h.assessed_at AS assessed_at
             FROM library_assessment_history h JOIN library_assessments a ON a.id = h.assessment_id
             WHERE h.org_id = $1 AND a.org_id = $1 AND h.assessment_id = $2 ORDER BY h.assessed_at DESC, h.id DESC",
        )
        .bind(t.id())
        .bind(&current.id)
        .fetch_all(&self.pool)
        .await?;
        let history = rows.iter().map(assessment_of).collect::<Result<_, _>>()?;
        Ok(Some((current, history)))
    }

    /// Records an assessment of a control for a system assessed against the library.
    #[allow(clippy::too_many_arguments)]
    pub async fn assess_control(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        system_id: &str,
        library_id: &str,
        control_id: &str,
        x: &AssessmentInput,
    ) -> Result<ControlAssessment, StoreError> {
        let mut w = self.work().await?;
        let adopted = sqlx::query(
            "SELECT 1 FROM system_libraries sl JOIN oscal_library_controls c ON c.library_id = sl.library_id
             WHERE sl.org_id = $1 AND sl.system_id = $2 AND sl.library_id = $3 AND c.control_id = $4",
        )
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .bind(control_id)
        .fetch_optional(w.conn())
        .await?;
        if adopted.is_none() {
            return Err(StoreError::NotFound);
        }
        let before: Option<(String, String)> = sqlx::query_as(
            "SELECT id, status FROM library_assessments WHERE org_id = $1 AND system_id = $2 AND library_id = $3 AND control_id = $4",
        )
        .bind(t.id())
        .bind(system_id)
        .bind(library_id)
        .bind(control_id)
        .fetch_optional(w.conn())
        .await?;
        let cur = ControlAssessment {
            id: before
                .as_ref()
                .map(|(id, _)| id.clone())
                .unwrap_or_else(new_id),
            system_id: system_id.to_string(),
            library_id: library_id.to_string(),
            control_id: control_id.to_string(),
            status: x.status,
            motivation: x.motivation.clone(),
            comment: x.comment.clone(),
            assessed_by: by_name.to_string(),
            assessed_at: now_timestamp(),
        };
        if before.is_some() {
            sqlx::query(
                "UPDATE library_assessments SET status = $1, motivation = $2, comment = $3, assessed_by = $4, assessed_at = $5
                 WHERE org_id = $6 AND id = $7",
            )
            .bind(cur.status.key())
            .bind(&cur.motivation)
            .bind(&cur.comment)
            .bind(&cur.assessed_by)
            .bind(&cur.assessed_at)
            .bind(t.id())
            .bind(&cur.id)
            .execute(w.conn())
            .await?;
        } else {
            insert_assessment(w.conn(), t, &cur).await?;
        }
        add_history(w.conn(), t, &cur).await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "library.assess",
                object_type: "system",
                object_id: system_id,
                before: before.map(|(_, status)| json!({"control_id": control_id, "status": status})),
                after: Some(json!({"library_id": library_id, "control_id": control_id, "status": x.status.key()})),
            },
        )
        .await?;
        w.commit().await?;
        self.control_assessment(t, system_id, library_id, control_id)
            .await?
            .map(|(c, _)| c)
            .ok_or(StoreError::NotFound)
    }

    /// The controls of a library an authority has published (public, like the guidance that
    /// carries it); `NotFound` for any other library.
    pub async fn published_controls(
        &self,
        library_id: &str,
    ) -> Result<Vec<LibraryControl>, StoreError> {
        if sqlx::query("SELECT 1 FROM guidance WHERE library_id = $1")
            .bind(library_id)
            .fetch_optional(&self.pool)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(&format!(
            "SELECT {CONTROL_COLUMNS} FROM oscal_library_controls WHERE library_id = $1 ORDER BY position"
        ))
        .bind(library_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(control_of).collect()
    }

    /// A published catalog's resolved OSCAL (public).
    pub async fn published_catalog_json(&self, library_id: &str) -> Result<String, StoreError> {
        let (json,): (String,) = sqlx::query_as(
            "SELECT l.catalog_json FROM oscal_libraries l WHERE l.id = $1
               AND EXISTS (SELECT 1 FROM guidance g WHERE g.library_id = l.id)",
        )
        .bind(library_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(json)
    }

    /// The organisation's copies of the versions of one published catalog, newest version first,
    /// each with the version it was adopted from.
    pub async fn adopted_copies(
        &self,
        t: &Tenant,
        authority_org_id: &str,
        doc_key: &str,
    ) -> Result<Vec<(OscalLibrary, i64)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LIBRARY_COLUMNS}, g.version AS published_version FROM oscal_libraries l JOIN guidance g ON g.id = l.adopted_from
             WHERE l.org_id = $1 AND g.authority_org_id = $2 AND g.doc_key = $3 ORDER BY g.version DESC"
        ))
        .bind(t.id())
        .bind(authority_org_id)
        .bind(doc_key)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((library_of(r)?, i(r, "published_version")?)))
            .collect()
    }

    /// Adopts a published catalog version as the organisation's own library. When the
    /// organisation had adopted an earlier version, the systems assessed against that copy are
    /// assessed against the new one, and each assessment of a control whose title and statement
    /// did not change is carried over (a changed control is to be assessed again). Adopting the
    /// same version twice gives back the copy made the first time. Returns the copy, how many
    /// systems and how many assessments were carried over.
    pub async fn adopt_published(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        guidance_id: &str,
    ) -> Result<(OscalLibrary, usize, usize), StoreError> {
        let g = self.guidance_by_id(guidance_id).await?;
        let source = g.library_id.clone().ok_or(StoreError::NotFound)?;
        if let Some(row) =
            sqlx::query("SELECT id FROM oscal_libraries WHERE org_id = $1 AND adopted_from = $2")
                .bind(t.id())
                .bind(guidance_id)
                .fetch_optional(&self.pool)
                .await?
        {
            return Ok((self.library(t, &s(&row, "id")?).await?, 0, 0));
        }
        let previous = self
            .adopted_copies(t, &g.authority_org_id, &g.doc_key)
            .await?
            .into_iter()
            .find(|(_, v)| *v < g.version)
            .map(|(l, _)| l.id);
        let id = new_id();
        let now = now_timestamp();
        let mut w = self.work().await?;
        sqlx::query(
            "INSERT INTO oscal_libraries (id, org_id, title, version, oscal_version, catalog_title, profile_title, catalog_json, sha256, control_count, imported_by, imported_at, adopted_from)
             SELECT $1, $2, title, version, oscal_version, catalog_title, profile_title, catalog_json, sha256, control_count, $3, $4, $5
             FROM oscal_libraries WHERE id = $6",
        )
        .bind(&id)
        .bind(t.id())
        .bind(by_name)
        .bind(&now)
        .bind(guidance_id)
        .bind(&source)
        .execute(w.conn())
        .await?;
        sqlx::query(
            "INSERT INTO oscal_library_controls (org_id, library_id, position, control_id, label, title, group_id, group_title, parent_id, statement, guidance)
             SELECT $1, $2, position, control_id, label, title, group_id, group_title, parent_id, statement, guidance
             FROM oscal_library_controls WHERE library_id = $3",
        )
        .bind(t.id())
        .bind(&id)
        .bind(&source)
        .execute(w.conn())
        .await?;
        let (mut systems, mut carried) = (0, 0);
        if let Some(prev) = &previous {
            let adopted: Vec<(String,)> = sqlx::query_as(
                "SELECT system_id FROM system_libraries WHERE org_id = $1 AND library_id = $2",
            )
            .bind(t.id())
            .bind(prev)
            .fetch_all(w.conn())
            .await?;
            for (system_id,) in &adopted {
                sqlx::query(
                    "INSERT INTO system_libraries (org_id, system_id, library_id, added_by, added_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(t.id())
                .bind(system_id)
                .bind(&id)
                .bind(by_name)
                .bind(&now)
                .execute(w.conn())
                .await?;
            }
            systems = adopted.len();
            let kept = sqlx::query(&format!(
                "SELECT a.{} FROM library_assessments a
                 JOIN system_libraries sl ON sl.system_id = a.system_id AND sl.library_id = $3
                 JOIN oscal_library_controls o ON o.library_id = a.library_id AND o.control_id = a.control_id
                 JOIN oscal_library_controls n ON n.library_id = $3 AND n.control_id = a.control_id
                 WHERE a.org_id = $1 AND a.library_id = $2 AND o.title = n.title AND o.statement = n.statement",
                ASSESSMENT_COLUMNS.replace(", ", ", a.")
            ))
            .bind(t.id())
            .bind(prev)
            .bind(&id)
            .fetch_all(w.conn())
            .await?;
            for r in &kept {
                let mut a = assessment_of(r)?;
                a.id = new_id();
                a.library_id = id.clone();
                insert_assessment(w.conn(), t, &a).await?;
                add_history(w.conn(), t, &a).await?;
            }
            carried = kept.len();
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "library.adopt_published",
                object_type: "library",
                object_id: &id,
                before: previous.as_ref().map(|p| json!({"library_id": p})),
                after: Some(json!({"guidance_id": guidance_id, "authority": g.authority_name, "doc_key": g.doc_key,
                                   "version": g.version, "systems": systems, "assessments_carried": carried})),
            },
        )
        .await?;
        w.commit().await?;
        Ok((self.library(t, &id).await?, systems, carried))
    }

    /// A published catalog's library as the public sees it.
    pub async fn published_library(&self, library_id: &str) -> Result<OscalLibrary, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LIBRARY_COLUMNS} FROM oscal_libraries l WHERE l.id = $1
               AND EXISTS (SELECT 1 FROM guidance g WHERE g.library_id = l.id)"
        ))
        .bind(library_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        library_of(&row)
    }

    /// Every current assessment made against one of the organisation's libraries.
    pub async fn assessments_in_library(
        &self,
        t: &Tenant,
        library_id: &str,
    ) -> Result<Vec<ControlAssessment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM library_assessments WHERE org_id = $1 AND library_id = $2 ORDER BY system_id, control_id"
        ))
        .bind(t.id())
        .bind(library_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assessment_of).collect()
    }
}
