//! Links and files attached to a record — evidence to an assessment, attachments to an
//! incident: one row in the record's table (kind, url or file name, media type, size, SHA-256,
//! who and when) and the file's bytes in a table of their own.

use crate::assessments::NewEvidence;
use crate::{new_id, now_timestamp, StoreError, Tenant};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// Where one kind of attachment is kept.
pub(crate) struct FileTables {
    /// The rows (`evidence`, `incident_attachments`).
    pub table: &'static str,
    /// The column naming the record they belong to (`assessment_id`, `incident_id`).
    pub owner: &'static str,
    /// The bytes (`evidence_files`, `incident_attachment_files`).
    pub files: &'static str,
    /// The column of the bytes' table naming the row (`evidence_id`, `attachment_id`).
    pub file_key: &'static str,
}

/// Adds a link or a file to the record `owner_id`; returns the new row's id.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    tables: &FileTables,
    t: &Tenant,
    owner_id: &str,
    by_name: &str,
    what: &NewEvidence<'_>,
) -> Result<String, StoreError> {
    let id = new_id();
    let (kind, url, file) = match what {
        NewEvidence::Link(u) => ("link", Some(u.to_string()), None),
        NewEvidence::File {
            name,
            media_type,
            content,
        } => ("file", None, Some((name, media_type, content))),
    };
    let sha = file.map(|(_, _, c)| hex::encode(Sha256::digest(c)));
    sqlx::query(&format!(
        "INSERT INTO {} (id, org_id, {}, kind, url, file_name, media_type, size_bytes, sha256, added_by, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        tables.table, tables.owner
    ))
    .bind(&id)
    .bind(t.id())
    .bind(owner_id)
    .bind(kind)
    .bind(&url)
    .bind(file.map(|(n, _, _)| n.to_string()))
    .bind(file.map(|(_, m, _)| m.to_string()))
    .bind(file.map(|(_, _, c)| i64::try_from(c.len()).unwrap_or(i64::MAX)))
    .bind(&sha)
    .bind(by_name)
    .bind(now_timestamp())
    .execute(&mut *conn)
    .await?;
    if let Some((_, _, content)) = file {
        sqlx::query(&format!(
            "INSERT INTO {} ({}, content) VALUES ($1, $2)",
            tables.files, tables.file_key
        ))
        .bind(&id)
        .bind(content.to_vec())
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// A file's bytes (the row must have been found in the organisation first).
pub(crate) async fn content(
    conn: &mut AnyConnection,
    tables: &FileTables,
    id: &str,
) -> Result<Vec<u8>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT content FROM {} WHERE {} = $1",
        tables.files, tables.file_key
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(row.try_get("content")?)
}
