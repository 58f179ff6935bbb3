//! The register of information assets and their classification.

use crate::acting::Acting;
use crate::error::Result;
use crate::views::{Asset, AssetQuery, AssetSort, ClassificationRecord};
use crate::{valid_or_missing, App};
use serde::Deserialize;
use tillit_domain::asset::{AssetDraft, AssetInput};
use tillit_domain::classification::ClassificationDraft;
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};

/// The filter and order of the asset list, as a query string gives it (pages and API alike).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssetListParams {
    #[serde(default)]
    pub q: String,
    /// yes or no
    #[serde(default)]
    pub classified: String,
    /// name, level or updated
    #[serde(default)]
    pub sort: String,
    /// yes: the archived ones instead of those in use
    #[serde(default)]
    pub archived: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl AssetListParams {
    pub fn parse(&self) -> Result<(AssetQuery, PageRequest)> {
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        tillit_domain::paging::search_text(&self.q)?;
        let classified = tillit_domain::paging::yes_no("classified", &self.classified)?;
        let sort = match self.sort.as_str() {
            "" | "name" => AssetSort::Name,
            "updated" => AssetSort::Updated,
            "level" => AssetSort::Level,
            _ => return Err(ValidationErrors::single("sort", Rule::UnknownValue).into()),
        };
        let archived = tillit_domain::paging::archived(&self.archived)?;
        Ok((
            AssetQuery {
                q: Some(self.q.clone()),
                classified,
                sort: Some(sort),
                archived,
                ..Default::default()
            },
            page,
        ))
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_assets(
    app: &App,
    who: &Acting,
    q: &AssetQuery,
    page: PageRequest,
) -> Result<Page<Asset>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.list_assets(who.tenant(), q, page).await?)
}

/// Every asset of the organisation (for exports and choices).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_assets(app: &App, who: &Acting) -> Result<Vec<Asset>> {
    who.require(Permission::ViewRegisters)?;
    let q = AssetQuery::default();
    crate::all_pages(|page| app.store.list_assets(who.tenant(), &q, page)).await
}

/// Every asset a form can link to, by name; archived ones marked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn asset_choices(app: &App, who: &Acting) -> Result<Vec<crate::views::Linkable>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.asset_choices(who.tenant()).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn asset(app: &App, who: &Acting, id: &AssetId) -> Result<Asset> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.asset(who.tenant(), id).await?)
}

/// The asset's classification history, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn asset_classifications(
    app: &App,
    who: &Acting,
    id: &AssetId,
) -> Result<Vec<ClassificationRecord>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.asset_classifications(who.tenant(), id).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_asset(app: &App, who: &Acting, d: &AssetDraft) -> Result<Asset> {
    who.require(Permission::EditRegisters)?;
    let input = AssetInput::try_from(d)?;
    Ok(app
        .store
        .create_asset(who.tenant(), &who.actor(), &input)
        .await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_asset(app: &App, who: &Acting, id: &AssetId, d: &AssetDraft) -> Result<Asset> {
    who.require(Permission::EditRegisters)?;
    let input =
        valid_or_missing(AssetInput::try_from(d), app.store.asset(who.tenant(), id)).await?;
    Ok(app
        .store
        .update_asset(who.tenant(), &who.actor(), id, &input)
        .await?)
}

/// Classifies an asset after checking the levels and the motivation; kept in its history.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn classify_asset(
    app: &App,
    who: &Acting,
    id: &AssetId,
    d: &ClassificationDraft,
) -> Result<Asset> {
    who.require(Permission::Classify)?;
    let (levels, motivation) =
        valid_or_missing(d.parse(), app.store.asset(who.tenant(), id)).await?;
    Ok(app
        .store
        .classify_asset(who.tenant(), &who.actor(), id, &levels, &motivation)
        .await?)
}

/// The names of the systems in use that process the asset (which keep it from being archived).
pub async fn active_systems_processing(app: &App, who: &Acting, id: &str) -> Result<Vec<String>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .active_systems_processing(who.tenant(), id)
        .await?)
}
