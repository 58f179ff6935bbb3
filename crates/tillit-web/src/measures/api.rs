//! The API of the action plan: measures that trace to a risk or a requirement.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::forms::Params;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_app::views::{MeasureOrder, MeasureQuery};
use tillit_domain::ids::*;
use tillit_domain::measure::MeasureDraft;
use tillit_domain::paging::PageRequest;
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub owner_name: Option<String>,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub status: String,
    pub cost_sek: Option<i64>,
    pub verification: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub scenario_ids: Vec<String>,
    pub requirements: Vec<String>,
}

impl From<tillit_app::views::Measure> for MeasureDto {
    fn from(x: tillit_app::views::Measure) -> Self {
        let i = x.input;
        MeasureDto {
            overdue: tillit_domain::measure::is_overdue(
                i.due_on.as_deref(),
                i.status,
                tillit_app::today_date(),
            ),
            id: x.id.into(),
            title: i.title,
            description: i.description,
            owner_membership_id: i.owner_membership_id,
            owner_name: x.owner_name,
            due_on: i.due_on,
            status: i.status.key().into(),
            cost_sek: i.cost_sek,
            verification: i.verification,
            verified_by: x.verified_by,
            verified_at: x.verified_at,
            scenario_ids: i.scenario_ids,
            requirements: i.requirements.iter().map(|r| r.key()).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeasurePage {
    pub items: Vec<MeasureDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// The query parameters of `list_measures`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListMeasuresParams {
    pub order: Option<String>,
    pub overdue: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub q: Option<String>,
    pub status: Option<String>,
}

/// The action plan: measures, filtered and ordered.
#[utoipa::path(get, path = "/api/v1/measures", params(("q" = Option<String>, Query), ("status" = Option<String>, Query), ("overdue" = Option<bool>, Query), ("order" = Option<String>, Query, description = "due (default), status or owner"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200, body = MeasurePage), (status = 422, body = Problem)))]
pub async fn list_measures(
    m: Member,
    Params(q): Params<ListMeasuresParams>,
) -> AppResult<Json<MeasurePage>> {
    m.require(Permission::ViewRegisters)?;
    let page = PageRequest::parse(q.page.as_deref(), q.per_page.as_deref())?;
    tillit_domain::paging::search_text(q.q.as_deref().unwrap_or_default())?;
    let order = match q.order.as_deref().unwrap_or("due") {
        "due" | "" => MeasureOrder::Due,
        "status" => MeasureOrder::Status,
        "owner" => MeasureOrder::Owner,
        _ => return Err(ValidationErrors::single("order", Rule::UnknownValue).into()),
    };
    let status = match q.status.as_deref().unwrap_or("") {
        "" => None,
        k => Some(
            tillit_domain::measure::MeasureStatus::from_key(k)
                .ok_or_else(|| ValidationErrors::single("status", Rule::UnknownValue))?,
        ),
    };
    let overdue = match q.overdue.as_deref().unwrap_or("false") {
        "true" | "1" => true,
        "false" | "0" | "" => false,
        _ => return Err(ValidationErrors::single("overdue", Rule::InvalidFormat).into()),
    };
    let query = MeasureQuery {
        q: q.q.as_ref().cloned(),
        status,
        owner_membership_id: None,
        overdue_on: overdue.then(tillit_app::today),
        ..Default::default()
    };
    let list = tillit_app::measures::list_measures(m.app(), &m.who, &query, order, page).await?;
    Ok(Json(MeasurePage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list.items.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a measure (refused unless it traces to a scenario or requirement).
#[utoipa::path(post, path = "/api/v1/measures", request_body = MeasureDraft, responses((status = 201, body = MeasureDto), (status = 422, body = Problem)))]
pub async fn create_measure(
    m: Member,
    ApiJson(body): ApiJson<MeasureDraft>,
) -> AppResult<Response> {
    let x = tillit_app::measures::save_measure(m.app(), &m.who, None, &body).await?;
    Ok((StatusCode::CREATED, Json(MeasureDto::from(x))).into_response())
}

/// One measure.
#[utoipa::path(get, path = "/api/v1/measures/{id}", params(("id" = String, Path)), responses((status = 200, body = MeasureDto), (status = 404, body = Problem)))]
pub async fn get_measure(m: Member, Path(id): Path<MeasureId>) -> AppResult<Json<MeasureDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::measures::measure(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces a measure (status, verification, traces …).
#[utoipa::path(put, path = "/api/v1/measures/{id}", params(("id" = String, Path)), request_body = MeasureDraft, responses((status = 200, body = MeasureDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_measure(
    m: Member,
    Path(id): Path<MeasureId>,
    ApiJson(body): ApiJson<MeasureDraft>,
) -> AppResult<Json<MeasureDto>> {
    tillit_app::measures::measure(m.app(), &m.who, &id).await?;
    Ok(Json(
        tillit_app::measures::save_measure(m.app(), &m.who, Some(&id), &body)
            .await?
            .into(),
    ))
}
