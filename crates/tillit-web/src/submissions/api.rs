//! Submissions in the API.

use crate::context::Member;
use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use tillit_domain::role::Permission;

/// The status report the organisation would submit today: exactly what would leave it (counts,
/// per cent, dates and its own facts), before anything is signed.
#[utoipa::path(get, path = "/api/v1/submission-preview", responses((status = 200, body = Object)))]
pub async fn preview(
    State(state): State<AppState>,
    m: Member,
) -> AppResult<Json<serde_json::Value>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::submissions::status_report(&state.app, &m.who).await?,
    ))
}
