//! Organisations (tenants).

use crate::audit::AuditEntry;
use crate::Unique;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::FromRow;
use tillit_domain::org::{OrgFacts, OrgKind, OrgNumber};
use tillit_domain::words::{CareScope, LegalForm};

#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub kind: OrgKind,
    pub created_at: String,
    /// The facts the law turns on.
    pub facts: OrgFacts,
    /// The version of the requirement catalog the organisation works against.
    pub catalog_version: String,
}

/// The columns every organisation query selects.
const ORG_COLUMNS: &str = "id, name, org_number, kind, created_at, legal_form, care, employees, \
    turnover_meur, balance_meur, cybersecurity_override, dpo_override, security_sensitive, controllers, \
    catalog_version";

/// The columns of a `Organisation` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct OrganisationRow {
    id: String,
    name: String,
    org_number: String,
    kind: String,
    created_at: String,
    legal_form: String,
    care: String,
    employees: Option<i64>,
    turnover_meur: Option<i64>,
    balance_meur: Option<i64>,
    cybersecurity_override: Option<i64>,
    dpo_override: Option<i64>,
    security_sensitive: Option<i64>,
    controllers: String,
    catalog_version: String,
}

impl OrganisationRow {
    pub(crate) fn into_view(self) -> Result<Organisation, StoreError> {
        let row = self;
        let corrupt = |c: &'static str| StoreError::Corrupt(format!("organisations.{c}"));
        Ok(Organisation {
            id: row.id,
            name: row.name,
            org_number: row.org_number,
            kind: crate::row::kind_of("kind", &row.kind)?,
            created_at: row.created_at,
            facts: OrgFacts {
                legal_form: LegalForm::parse(&row.legal_form)
                    .ok_or_else(|| corrupt("legal_form"))?,
                care: CareScope::parse(&row.care).ok_or_else(|| corrupt("care"))?,
                employees: row.employees,
                turnover_meur: row.turnover_meur,
                balance_meur: row.balance_meur,
                cybersecurity_override: row.cybersecurity_override.map(|v| v != 0),
                dpo_override: row.dpo_override.map(|v| v != 0),
                security_sensitive: row.security_sensitive.map(|v| v != 0),
                controllers: row
                    .controllers
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
            catalog_version: row.catalog_version,
        })
    }
}

fn org_from_row(r: &AnyRow) -> Result<Organisation, StoreError> {
    OrganisationRow::from_row(r)?.into_view()
}

impl Store {
    /// Creates an organisation (platform operator only). The number must be new. Its facts start
    /// from its kind; it works against the given catalog version.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        name: &str,
        number: &OrgNumber,
        kind: OrgKind,
        catalog_version: &str,
    ) -> Result<Organisation, StoreError> {
        let facts = OrgFacts::default_for(kind);
        let org = Organisation {
            id: new_id(),
            name: name.to_string(),
            org_number: number.as_str().to_string(),
            kind,
            created_at: now_timestamp(),
            catalog_version: catalog_version.to_string(),
            facts,
        };
        let mut tx = self.work().await?;
        let res = sqlx::query("INSERT INTO organisations (id, name, org_number, kind, created_at, legal_form, care, catalog_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&org.id)
            .bind(&org.name)
            .bind(&org.org_number)
            .bind(kind.key())
            .bind(&org.created_at)
            .bind(org.facts.legal_form.key())
            .bind(org.facts.care.key())
            .bind(&org.catalog_version)
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
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisations WHERE org_number = $1"
        ))
        .bind(number.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(org_from_row).transpose()
    }

    /// Every organisation, for the platform operator's command line.
    pub async fn list_organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisations ORDER BY name"
        ))
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
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
        ))
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?;
        org_from_row(&row.ok_or(StoreError::NotFound)?)
    }

    /// Replaces the organisation's facts (its administrator's form); audited with before and after.
    pub async fn set_organisation_facts(
        &self,
        t: &Tenant,
        actor: &Actor,
        facts: &OrgFacts,
    ) -> Result<Organisation, StoreError> {
        let before = self.organisation(t).await?;
        let mut tx = self.work().await?;
        sqlx::query(
            "UPDATE organisations SET legal_form = $1, care = $2, employees = $3, turnover_meur = $4, balance_meur = $5,
             cybersecurity_override = $6, dpo_override = $7, controllers = $8, security_sensitive = $10 WHERE id = $9",
        )
        .bind(facts.legal_form.key())
        .bind(facts.care.key())
        .bind(facts.employees)
        .bind(facts.turnover_meur)
        .bind(facts.balance_meur)
        .bind(facts.cybersecurity_override.map(i64::from))
        .bind(facts.dpo_override.map(i64::from))
        .bind(facts.controllers.join("\n"))
        .bind(t.id())
        .bind(facts.security_sensitive.map(i64::from))
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "organisation.facts",
                object_type: "organisation",
                object_id: t.id(),
                before: Some(json!(before.facts)),
                after: Some(json!(facts)),
            },
        )
        .await?;
        tx.commit().await?;
        self.organisation(t).await
    }
}
