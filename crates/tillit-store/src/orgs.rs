//! Organisations (tenants).

use crate::audit::AuditEntry;
use crate::Unique;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::FromRow;
use tillit_domain::org::{OrgKind, OrgNumber};

#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub kind: OrgKind,
    pub created_at: String,
}

/// The columns of a `Organisation` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct OrganisationRow {
    id: String,
    name: String,
    org_number: String,
    kind: String,
    created_at: String,
}

impl OrganisationRow {
    pub(crate) fn into_view(self) -> Result<Organisation, StoreError> {
        let row = self;
        Ok(Organisation {
            id: row.id,
            name: row.name,
            org_number: row.org_number,
            kind: crate::row::kind_of("kind", &row.kind)?,
            created_at: row.created_at,
        })
    }
}

fn org_from_row(r: &AnyRow) -> Result<Organisation, StoreError> {
    OrganisationRow::from_row(r)?.into_view()
}

impl Store {
    /// Creates an organisation (platform operator only). The number must be new.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        name: &str,
        number: &OrgNumber,
        kind: OrgKind,
    ) -> Result<Organisation, StoreError> {
        let org = Organisation {
            id: new_id(),
            name: name.to_string(),
            org_number: number.as_str().to_string(),
            kind,
            created_at: now_timestamp(),
        };
        let mut tx = self.work().await?;
        let res = sqlx::query("INSERT INTO organisations (id, name, org_number, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&org.id)
            .bind(&org.name)
            .bind(&org.org_number)
            .bind(kind.key())
            .bind(&org.created_at)
            .execute(tx.conn())
            .await;
        if let Err(e) = res {
            if StoreError::is_unique_violation(&e) {
                return Err(StoreError::Duplicate(Unique::OrgNumber));
            }
            return Err(e.into());
        }
        tx.record(
            actor,
            Some(&org.id),
            AuditEntry {
                action: "organisation.create",
                object_type: "organisation",
                object_id: &org.id,
                before: None,
                after: Some(
                    json!({"name": org.name, "org_number": org.org_number, "kind": kind.key()}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }

    pub async fn organisation_by_number(
        &self,
        number: &OrgNumber,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query("SELECT id, name, org_number, kind, created_at FROM organisations WHERE org_number = $1")
            .bind(number.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(org_from_row).transpose()
    }

    /// Every organisation, for the platform operator's command line.
    pub async fn list_organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, org_number, kind, created_at FROM organisations ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(org_from_row).collect()
    }

    /// The tenant of an organisation, for the platform operator's command line (no membership).
    pub async fn operator_tenant(
        &self,
        number: &OrgNumber,
    ) -> Result<(Tenant, Organisation), StoreError> {
        let org = self
            .organisation_by_number(number)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((Tenant::checked(org.id.clone()), org))
    }

    pub async fn organisation(&self, t: &Tenant) -> Result<Organisation, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, org_number, kind, created_at FROM organisations WHERE id = $1",
        )
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?;
        org_from_row(&row.ok_or(StoreError::NotFound)?)
    }
}
