//! The preview of a submission: exactly what would be sent, its SHA-256, and the key that would
//! sign it.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::pages::PageCommon;
use crate::render::page;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::role::Permission;

#[derive(Template)]
#[template(path = "submission_preview.html")]
struct PreviewPage {
    c: PageCommon,
    json: String,
    sha256: String,
    key: String,
}

pub async fn preview(State(state): State<AppState>, m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let report = tillit_app::submissions::status_report(&state.app, &m.who).await?;
    let canonical = tillit_domain::submission::canonical(&report).map_err(AppError::internal)?;
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(canonical.as_bytes()));
    let key = tillit_app::signing::public_keys(&state.app, &m.who)
        .await?
        .into_iter()
        .find(|k| k.retired_at.is_none())
        .map(|k| k.public_key)
        .unwrap_or_default();
    let tpl = PreviewPage {
        c: PageCommon::member(&m, tr.t("submission-preview-title"), "/organisation"),
        json: serde_json::to_string_pretty(&report).map_err(AppError::internal)?,
        sha256,
        key,
    };
    Ok(page(StatusCode::OK, &tpl))
}
