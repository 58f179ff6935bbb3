//! The API of the follow-up: the gaps to close, today's key figures, and reviews.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct GapItemDto {
    pub label: String,
    pub detail: String,
    /// The page where it is fixed.
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct GapDto {
    /// e.g. unclassified_asset, untreated_risk, overdue_measure, missing_access_analysis
    pub kind: String,
    pub count: i64,
    /// The first few.
    pub items: Vec<GapItemDto>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpDto {
    pub gaps: Vec<GapDto>,
    pub assets: i64,
    pub unclassified_assets: i64,
    pub systems: i64,
    pub scenarios_above_tolerance: i64,
    pub open_measures: i64,
    pub overdue_measures: i64,
    pub compliance_percent: Option<i64>,
}

/// The gaps to close and today's key figures.
#[utoipa::path(get, path = "/api/v1/follow-up", responses((status = 200, body = FollowUpDto)))]
pub async fn follow_up(State(state): State<AppState>, m: Member) -> AppResult<Json<FollowUpDto>> {
    m.require(Permission::ViewRegisters)?;
    let (gaps, f) = crate::followup::pages::gaps_now(&state, &m).await?;
    Ok(Json(FollowUpDto {
        gaps: gaps
            .into_iter()
            .map(|g| GapDto {
                kind: g.kind.key().replace('-', "_"),
                count: g.count,
                items: g
                    .items
                    .into_iter()
                    .map(|i| GapItemDto {
                        label: i.label,
                        detail: i.detail,
                        href: i.href,
                    })
                    .collect(),
            })
            .collect(),
        assets: f.assets,
        unclassified_assets: f.unclassified_assets,
        systems: f.systems,
        scenarios_above_tolerance: f.scenarios_above_tolerance,
        open_measures: f.open_measures,
        overdue_measures: f.overdue_measures,
        compliance_percent: f.compliance_percent,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewDto {
    /// YYYY-MM-DD
    pub reviewed_on: Option<String>,
    pub next_review_on: Option<String>,
}

pub async fn review(
    state: &AppState,
    m: &Member,
    what: tillit_app::views::Reviewed,
    id: &str,
) -> AppResult<Json<ReviewDto>> {
    let (reviewed_on, next_review_on) =
        tillit_app::followup::mark_reviewed(&state.app, &m.who, what, id).await?;
    Ok(Json(ReviewDto {
        reviewed_on,
        next_review_on,
    }))
}

/// Records that an information asset was reviewed today.
#[utoipa::path(post, path = "/api/v1/assets/{id}/review", params(("id" = String, Path)), responses((status = 200, body = ReviewDto), (status = 404, body = Problem)))]
pub async fn review_asset(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<ReviewDto>> {
    review(&state, &m, tillit_app::views::Reviewed::Asset, &id).await
}

/// Records that a system was reviewed today.
#[utoipa::path(post, path = "/api/v1/systems/{id}/review", params(("id" = String, Path)), responses((status = 200, body = ReviewDto), (status = 404, body = Problem)))]
pub async fn review_system(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<ReviewDto>> {
    review(&state, &m, tillit_app::views::Reviewed::System, &id).await
}
