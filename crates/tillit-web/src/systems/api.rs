//! The API of the register of systems: their facts, inherited and own levels, and integrations.

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
use serde::{Deserialize, Serialize};
use tillit_domain::classification::SystemLevelsDraft;
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use tillit_domain::system::SystemDraft;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SystemDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub owner_name: Option<String>,
    /// The supplier in the supplier register.
    pub supplier_id: Option<String>,
    /// The supplier's name in the register.
    pub supplier: Option<String>,
    /// A supplier name written before the register that no supplier in it carries yet.
    pub unlinked_supplier: Option<String>,
    /// own_operation, outsourced or public_cloud
    pub hosting: String,
    /// The country of processing: an ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// A country written as text before the list that names none of its countries.
    pub unmatched_country: Option<String>,
    pub review_interval_months: i64,
    pub asset_ids: Vec<String>,
    /// Per aspect, the highest level of the classified assets it processes.
    pub inherited: Option<LevelsDto>,
    /// Levels set on the system itself (a motivated deviation).
    pub deviation: Option<LevelsDto>,
    pub deviation_motivation: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<tillit_app::views::System> for SystemDto {
    fn from(s: tillit_app::views::System) -> Self {
        let i = s.input;
        SystemDto {
            id: s.id.into(),
            name: i.name,
            description: i.description,
            owner_membership_id: i.owner_membership_id,
            owner_name: s.owner_name,
            supplier_id: i.supplier_id,
            supplier: s.supplier_name,
            unlinked_supplier: s.unlinked_supplier,
            hosting: i.hosting,
            country: i.country,
            unmatched_country: s.unmatched_country,
            review_interval_months: i.review_interval_months,
            asset_ids: i.asset_ids,
            inherited: s.inherited.map(levels_dto),
            deviation: s.deviation.map(levels_dto),
            deviation_motivation: s.deviation_motivation,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SystemPage {
    pub items: Vec<SystemDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Systems and IT services with what they inherit.
#[utoipa::path(get, path = "/api/v1/systems", params(("q" = Option<String>, Query), ("hosting" = Option<String>, Query, description = "own_operation, outsourced or public_cloud"), ("patient_data" = Option<String>, Query, description = "yes or no"), ("sort" = Option<String>, Query, description = "name, updated or review"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200, body = SystemPage), (status = 422, body = Problem)))]
pub async fn list_systems(
    m: Member,
    Params(p): Params<tillit_app::systems::SystemListParams>,
) -> AppResult<Json<SystemPage>> {
    m.require(Permission::ViewRegisters)?;
    let (query, page) = p.parse()?;
    let (items, page, per_page, total) =
        page_of(tillit_app::systems::list_systems_by(m.app(), &m.who, &query, page).await?);
    Ok(Json(SystemPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// Adds a system.
#[utoipa::path(post, path = "/api/v1/systems", request_body = SystemDraft, responses((status = 201, body = SystemDto), (status = 422, body = Problem)))]
pub async fn create_system(m: Member, ApiJson(body): ApiJson<SystemDraft>) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let s = tillit_app::systems::create_system(m.app(), &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(SystemDto::from(s))).into_response())
}

/// One system.
#[utoipa::path(get, path = "/api/v1/systems/{id}", params(("id" = String, Path)), responses((status = 200, body = SystemDto), (status = 404, body = Problem)))]
pub async fn get_system(m: Member, Path(id): Path<SystemId>) -> AppResult<Json<SystemDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::systems::system(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces a system's facts and the assets it processes.
#[utoipa::path(put, path = "/api/v1/systems/{id}", params(("id" = String, Path)), request_body = SystemDraft, responses((status = 200, body = SystemDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_system(
    m: Member,
    Path(id): Path<SystemId>,
    ApiJson(body): ApiJson<SystemDraft>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::EditRegisters)?;
    Ok(Json(
        tillit_app::systems::update_system(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Sets the system's own levels; a deviation from the inherited levels needs a motivation.
#[utoipa::path(put, path = "/api/v1/systems/{id}/levels", params(("id" = String, Path)), request_body = SystemLevelsDraft, responses((status = 200, body = SystemDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_system_levels(
    m: Member,
    Path(id): Path<SystemId>,
    ApiJson(body): ApiJson<SystemLevelsDraft>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::Classify)?;
    Ok(Json(
        tillit_app::systems::set_system_levels(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Removes the system's own levels, so the inherited ones apply.
#[utoipa::path(delete, path = "/api/v1/systems/{id}/levels", params(("id" = String, Path)), responses((status = 200, body = SystemDto), (status = 404, body = Problem)))]
pub async fn clear_system_levels(
    m: Member,
    Path(id): Path<SystemId>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::Classify)?;
    Ok(Json(
        tillit_app::systems::clear_system_levels(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationsBody {
    /// The systems this one sends information to or exchanges it with.
    #[serde(deserialize_with = "tillit_domain::draft::texts")]
    pub integration_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SystemRefDto {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationsDto {
    /// Systems this one integrates with.
    pub integrates_with: Vec<SystemRefDto>,
    /// Systems that integrate with this one.
    pub integrated_from: Vec<SystemRefDto>,
}

pub async fn integrations_dto(m: &Member, id: &str) -> AppResult<IntegrationsDto> {
    let (to, from) =
        tillit_app::systems::integrations(m.app(), &m.who, &SystemId::from(id)).await?;
    let refs = |v: Vec<(String, String)>| {
        v.into_iter()
            .map(|(id, name)| SystemRefDto { id, name })
            .collect()
    };
    Ok(IntegrationsDto {
        integrates_with: refs(to),
        integrated_from: refs(from),
    })
}

/// A system's integrations, both ways.
#[utoipa::path(get, path = "/api/v1/systems/{id}/integrations", params(("id" = String, Path)), responses((status = 200, body = IntegrationsDto), (status = 404, body = Problem)))]
pub async fn get_integrations(
    m: Member,
    Path(id): Path<SystemId>,
) -> AppResult<Json<IntegrationsDto>> {
    m.require(Permission::ViewRegisters)?;
    tillit_app::systems::system(m.app(), &m.who, &id).await?;
    Ok(Json(integrations_dto(&m, id.as_str()).await?))
}

/// Replaces the systems a system integrates with.
#[utoipa::path(put, path = "/api/v1/systems/{id}/integrations", params(("id" = String, Path)), request_body = IntegrationsBody, responses((status = 200, body = IntegrationsDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_integrations(
    m: Member,
    Path(id): Path<SystemId>,
    ApiJson(body): ApiJson<IntegrationsBody>,
) -> AppResult<Json<IntegrationsDto>> {
    m.require(Permission::EditRegisters)?;
    tillit_app::systems::set_integrations(m.app(), &m.who, &id, &body.integration_ids).await?;
    Ok(Json(integrations_dto(&m, id.as_str()).await?))
}
