//! The API of the audit trail (administrators).

use crate::api::shared::Problem;
use crate::api::shared::*;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::Params;
use axum::extract::Path;
use axum::Json;
use serde::Serialize;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AuditEventDto {
    pub id: String,
    pub seq: i64,
    pub occurred_at: String,
    pub actor_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventPage {
    pub items: Vec<AuditEventDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl From<tillit_app::views::AuditEvent> for AuditEventDto {
    fn from(e: tillit_app::views::AuditEvent) -> Self {
        AuditEventDto {
            id: e.id,
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor: e.actor_label,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: e.before,
            after: e.after,
        }
    }
}

/// The organisation's audit trail, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audit-events",
    params(("action" = Option<String>, Query), ("actor" = Option<String>, Query), ("object_type" = Option<String>, Query), ("object_id" = Option<String>, Query),
           ("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AuditEventPage), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit_events(
    m: Member,
    Params(q): Params<tillit_app::audit::AuditParams>,
) -> AppResult<Json<AuditEventPage>> {
    m.require(Permission::ViewAuditLog)?;
    let (filter, page) = q.parse()?;
    let (items, page, per_page, total) =
        page_of(tillit_app::audit::list_audit_events(m.app(), &m.who, &filter, page).await?);
    Ok(Json(AuditEventPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// One audit event.
#[utoipa::path(get, path = "/api/v1/audit-events/{id}", params(("id" = String, Path)), responses((status = 200, body = AuditEventDto), (status = 404, body = Problem)))]
pub async fn get_audit_event(m: Member, Path(id): Path<String>) -> AppResult<Json<AuditEventDto>> {
    m.require(Permission::ViewAuditLog)?;
    Ok(Json(
        tillit_app::audit::audit_event(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}
