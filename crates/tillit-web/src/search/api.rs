//! `GET /api/v1/search?q=…`

use crate::context::Member;
use crate::error::AppResult;
use axum::Json;
use serde::Serialize;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SearchHitDto {
    pub id: String,
    pub title: String,
    pub detail: String,
    /// The object's page in Tillit.
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchGroupDto {
    /// asset, system, risk_analysis, scenario or measure
    pub kind: String,
    pub total: i64,
    /// The first ten by title.
    pub items: Vec<SearchHitDto>,
}

/// The organisation's objects in use (not archived) whose name, title or description contains
/// the words, case-insensitively: at most ten of each kind, with each kind's total.
#[utoipa::path(get, path = "/api/v1/search", params(("q" = String, Query, description = "2–200 characters")), responses((status = 200, body = Vec<SearchGroupDto>), (status = 422, body = crate::api::shared::Problem)))]
pub async fn search(
    m: Member,
    crate::forms::Params(p): crate::forms::Params<super::pages::SearchParams>,
) -> AppResult<Json<Vec<SearchGroupDto>>> {
    m.require(Permission::ViewRegisters)?;
    let hits = tillit_app::search::search(m.app(), &m.who, p.q.as_deref().unwrap_or("")).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| SearchGroupDto {
                kind: h.kind.key().to_string(),
                total: h.total,
                items: h
                    .items
                    .into_iter()
                    .map(|(id, title, detail)| SearchHitDto {
                        href: super::href(h.kind, &id),
                        id,
                        title,
                        detail,
                    })
                    .collect(),
            })
            .collect(),
    ))
}
