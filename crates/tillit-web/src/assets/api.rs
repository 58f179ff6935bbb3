//! The API of the register of information assets and their classification.

use crate::api::shared::Problem;
use crate::api::shared::*;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::forms::Params;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_domain::asset::AssetDraft;
use tillit_domain::classification::ClassificationDraft;
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AssetDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub owner_name: Option<String>,
    pub personal_data: bool,
    /// GDPR art. 9 categories.
    pub special_categories: Vec<String>,
    /// Data about criminal offences (GDPR art. 10).
    pub offences: bool,
    pub data_subjects: Vec<String>,
    pub individuals_approx: Option<i64>,
    pub confidentiality_provisions: Option<String>,
    /// presumption_of_secrecy, presumption_of_openness or absolute
    pub confidentiality_strength: Option<String>,
    pub legal_basis: Option<String>,
    pub review_interval_months: i64,
    /// Absent while the asset is unclassified.
    pub classification: Option<LevelsDto>,
    pub classified_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<tillit_app::views::Asset> for AssetDto {
    fn from(a: tillit_app::views::Asset) -> Self {
        let i = a.input;
        AssetDto {
            id: a.id.into(),
            name: i.name,
            description: i.description,
            owner_membership_id: i.owner_membership_id,
            owner_name: a.owner_name,
            personal_data: i.personal_data,
            special_categories: i.special_categories,
            offences: i.offences,
            data_subjects: i.data_subjects,
            individuals_approx: i.individuals_approx,
            confidentiality_provisions: i.confidentiality_provisions,
            confidentiality_strength: i.confidentiality_strength,
            legal_basis: i.legal_basis,
            review_interval_months: i.review_interval_months,
            classification: a.levels.map(levels_dto),
            classified_at: a.classified_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssetPage {
    pub items: Vec<AssetDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Information assets, with their current classification.
#[utoipa::path(get, path = "/api/v1/assets",
    params(("q" = Option<String>, Query), ("classified" = Option<String>, Query, description = "yes or no"), ("sort" = Option<String>, Query, description = "name, level or updated"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AssetPage), (status = 422, body = Problem)))]
pub async fn list_assets(
    m: Member,
    Params(p): Params<tillit_app::assets::AssetListParams>,
) -> AppResult<Json<AssetPage>> {
    m.require(Permission::ViewRegisters)?;
    let (query, page) = p.parse()?;
    let list = tillit_app::assets::list_assets(m.app(), &m.who, &query, page).await?;
    let (items, page, per_page, total) = page_of(list);
    Ok(Json(AssetPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// Adds an information asset.
#[utoipa::path(post, path = "/api/v1/assets", request_body = AssetDraft, responses((status = 201, body = AssetDto), (status = 422, body = Problem)))]
pub async fn create_asset(m: Member, ApiJson(body): ApiJson<AssetDraft>) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let a = tillit_app::assets::create_asset(m.app(), &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(AssetDto::from(a))).into_response())
}

/// One information asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}", params(("id" = String, Path)), responses((status = 200, body = AssetDto), (status = 404, body = Problem)))]
pub async fn get_asset(m: Member, Path(id): Path<AssetId>) -> AppResult<Json<AssetDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::assets::asset(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces an information asset's facts.
#[utoipa::path(put, path = "/api/v1/assets/{id}", params(("id" = String, Path)), request_body = AssetDraft, responses((status = 200, body = AssetDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_asset(
    m: Member,
    Path(id): Path<AssetId>,
    ApiJson(body): ApiJson<AssetDraft>,
) -> AppResult<Json<AssetDto>> {
    m.require(Permission::EditRegisters)?;
    Ok(Json(
        tillit_app::assets::update_asset(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Classifies an information asset (levels 0–4 per aspect, with a motivation); kept in its history.
#[utoipa::path(post, path = "/api/v1/assets/{id}/classification", params(("id" = String, Path)), request_body = ClassificationDraft, responses((status = 200, body = AssetDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn classify_asset(
    m: Member,
    Path(id): Path<AssetId>,
    ApiJson(body): ApiJson<ClassificationDraft>,
) -> AppResult<Json<AssetDto>> {
    m.require(Permission::Classify)?;
    Ok(Json(
        tillit_app::assets::classify_asset(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}
