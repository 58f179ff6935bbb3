//! The supplier register: who the organisation's suppliers are, which law can reach them, and
//! what their agreements say.

use crate::acting::Acting;
use crate::error::Result;
use crate::App;
use serde::Deserialize;
use tillit_domain::ids::SupplierId;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::supplier::{SupplierDraft, SupplierInput};
use tillit_store::Supplier;

/// A text filter and a page, as a query string gives them (pages and API alike): the supplier
/// list and the outsourcing case list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SupplierListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl SupplierListParams {
    pub fn parse(&self) -> Result<(Option<String>, PageRequest)> {
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        tillit_domain::paging::search_text(&self.q)?;
        Ok((Some(self.q.clone()).filter(|q| !q.trim().is_empty()), page))
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_suppliers(
    app: &App,
    who: &Acting,
    q: Option<&str>,
    page: PageRequest,
) -> Result<Page<Supplier>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.list_suppliers(who.tenant(), q, page).await?)
}

/// Every supplier of the organisation with its facts, by name (for exports).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_suppliers(app: &App, who: &Acting) -> Result<Vec<Supplier>> {
    who.require(Permission::ViewRegisters)?;
    crate::all_pages(|page| app.store.list_suppliers(who.tenant(), None, page)).await
}

/// Every supplier of the organisation, (id, name) by name, for choosing one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn supplier_names(app: &App, who: &Acting) -> Result<Vec<(String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.supplier_names(who.tenant()).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn supplier(app: &App, who: &Acting, id: &SupplierId) -> Result<Supplier> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.supplier(who.tenant(), id).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_supplier(app: &App, who: &Acting, d: &SupplierDraft) -> Result<Supplier> {
    who.require(Permission::EditRegisters)?;
    let input = SupplierInput::parse(d, &crate::today())?;
    Ok(app
        .store
        .create_supplier(who.tenant(), &who.actor(), &input)
        .await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_supplier(
    app: &App,
    who: &Acting,
    id: &SupplierId,
    d: &SupplierDraft,
) -> Result<Supplier> {
    who.require(Permission::EditRegisters)?;
    let input = crate::valid_or_missing(
        SupplierInput::parse(d, &crate::today()),
        app.store.supplier(who.tenant(), id),
    )
    .await?;
    Ok(app
        .store
        .update_supplier(who.tenant(), &who.actor(), id, &input)
        .await?)
}
