//! The supplier register, tenant-scoped. A supplier's lists and answers are kept as one JSON
//! document beside its name and country; every change is audited with the whole before and after.

use crate::assets::unique_name;
use crate::audit::{AuditEntry, Work};
use crate::query::{fetch_page, id_names, Filter};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tillit_domain::ids::SupplierId;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::supplier::{Certification, Subprocessor, SupplierInput};
use tillit_domain::text::search_key;

#[derive(Debug, Clone, Serialize)]
pub struct Supplier {
    pub id: SupplierId,
    pub input: SupplierInput,
    pub created_at: String,
    pub updated_at: String,
}

/// What `details` holds.
#[derive(Serialize, Deserialize, Default)]
struct Details {
    #[serde(default)]
    jurisdictions: Vec<String>,
    #[serde(default)]
    subprocessors: Vec<Subprocessor>,
    dpa_signed_on: Option<String>,
    confidentiality_undertaking: Option<bool>,
    audit_rights: Option<bool>,
    subprocessor_approval: Option<bool>,
    exit_terms: Option<bool>,
    #[serde(default)]
    certifications: Vec<Certification>,
    #[serde(default)]
    data_locations: Vec<String>,
    #[serde(default)]
    support_locations: Vec<String>,
    notes: Option<String>,
}

fn details_of(x: &SupplierInput) -> String {
    json!({
        "jurisdictions": x.jurisdictions, "subprocessors": x.subprocessors,
        "dpa_signed_on": x.dpa_signed_on, "confidentiality_undertaking": x.confidentiality_undertaking,
        "audit_rights": x.audit_rights, "subprocessor_approval": x.subprocessor_approval,
        "exit_terms": x.exit_terms, "certifications": x.certifications,
        "data_locations": x.data_locations, "support_locations": x.support_locations,
        "notes": x.notes,
    })
    .to_string()
}

const COLUMNS: &str = "id, name, org_number, country, parent_company, parent_country, details, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct SupplierRow {
    id: String,
    name: String,
    org_number: Option<String>,
    country: Option<String>,
    parent_company: Option<String>,
    parent_country: Option<String>,
    details: String,
    created_at: String,
    updated_at: String,
}

impl SupplierRow {
    fn into_view(self) -> Result<Supplier, StoreError> {
        let d: Details = serde_json::from_str(&self.details)
            .map_err(|e| StoreError::Corrupt(format!("supplier {}: {e}", self.id)))?;
        Ok(Supplier {
            id: self.id.into(),
            input: SupplierInput {
                name: self.name,
                org_number: self.org_number,
                country: self.country,
                parent_company: self.parent_company,
                parent_country: self.parent_country,
                jurisdictions: d.jurisdictions,
                subprocessors: d.subprocessors,
                dpa_signed_on: d.dpa_signed_on,
                confidentiality_undertaking: d.confidentiality_undertaking,
                audit_rights: d.audit_rights,
                subprocessor_approval: d.subprocessor_approval,
                exit_terms: d.exit_terms,
                certifications: d.certifications,
                data_locations: d.data_locations,
                support_locations: d.support_locations,
                notes: d.notes,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn search_text(x: &SupplierInput) -> String {
    let subs: Vec<&str> = x.subprocessors.iter().map(|s| s.name.as_str()).collect();
    search_key(&[
        &x.name,
        x.org_number.as_deref().unwrap_or(""),
        x.parent_company.as_deref().unwrap_or(""),
        &subs.join(" "),
    ])
}

impl Store {
    /// The organisation's suppliers by name, filtered by a text in the name, number, parent or a
    /// sub-processor.
    pub async fn list_suppliers(
        &self,
        t: &Tenant,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Supplier>, StoreError> {
        let mut filter = Filter::tenant("org_id", t.id());
        if let Some(text) = q.map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("search_text", text);
        }
        fetch_page(
            &self.pool,
            COLUMNS,
            "suppliers",
            &filter,
            "name, id",
            page,
            SupplierRow::into_view,
        )
        .await
    }

    pub async fn supplier(&self, t: &Tenant, id: &SupplierId) -> Result<Supplier, StoreError> {
        let mut conn = self.pool.acquire().await?;
        supplier_in(&mut conn, t, id.as_str()).await
    }

    pub async fn create_supplier(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &SupplierInput,
    ) -> Result<Supplier, StoreError> {
        let mut w = self.work().await?;
        let id = w.create_supplier(t, actor, x).await?;
        w.commit().await?;
        self.supplier(t, &SupplierId::from(id)).await
    }

    pub async fn update_supplier(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &SupplierId,
        x: &SupplierInput,
    ) -> Result<Supplier, StoreError> {
        let mut w = self.work().await?;
        w.update_supplier(t, actor, id, x).await?;
        w.commit().await?;
        self.supplier(t, id).await
    }

    /// Every supplier of the organisation: (id, name), by name.
    pub async fn supplier_names(&self, t: &Tenant) -> Result<Vec<(String, String)>, StoreError> {
        let sql = "SELECT id, name FROM suppliers WHERE org_id = $1 ORDER BY name, id";
        id_names(&self.pool, sql, t.id()).await
    }
}

async fn supplier_in(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<Supplier, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM suppliers WHERE org_id = $1 AND id = $2");
    sqlx::query_as::<_, SupplierRow>(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?
        .into_view()
}

/// The same changes inside a unit of work, to be stored with others or not at all. A supplier
/// added or renamed is linked to the systems whose supplier was written as its name before.
impl Work<'_> {
    pub async fn create_supplier(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        x: &SupplierInput,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let now = now_timestamp();
        sqlx::query(
            "INSERT INTO suppliers (id, org_id, name, org_number, country, parent_company, parent_country, details, search_text, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&x.name)
        .bind(&x.org_number)
        .bind(&x.country)
        .bind(&x.parent_company)
        .bind(&x.parent_country)
        .bind(details_of(x))
        .bind(search_text(x))
        .bind(&now)
        .execute(self.conn())
        .await
        .map_err(unique_name)?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "supplier.create",
                object_type: "supplier",
                object_id: &id,
                before: None,
                after: Some(json!(x)),
            },
        )
        .await?;
        crate::systems::link_written_facts(self, actor, Some((t, &id))).await?;
        Ok(id)
    }

    pub async fn update_supplier(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        id: &SupplierId,
        x: &SupplierInput,
    ) -> Result<(), StoreError> {
        let before = supplier_in(self.conn(), t, id.as_str()).await?;
        sqlx::query(
            "UPDATE suppliers SET name = $1, org_number = $2, country = $3, parent_company = $4, parent_country = $5,
             details = $6, search_text = $7, updated_at = $8 WHERE org_id = $9 AND id = $10",
        )
        .bind(&x.name)
        .bind(&x.org_number)
        .bind(&x.country)
        .bind(&x.parent_company)
        .bind(&x.parent_country)
        .bind(details_of(x))
        .bind(search_text(x))
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id.as_str())
        .execute(self.conn())
        .await
        .map_err(unique_name)?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "supplier.update",
                object_type: "supplier",
                object_id: id.as_str(),
                before: Some(json!(before.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        crate::systems::link_written_facts(self, actor, Some((t, id.as_str()))).await?;
        Ok(())
    }
}
