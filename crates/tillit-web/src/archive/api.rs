//! `POST /api/v1/{assets|systems|risk-analyses|scenarios|measures}/{id}/archive` and `/restore`.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use axum::extract::Path;
use axum::Json;
use serde::Serialize;
use tillit_domain::archive::Archivable;
use utoipa::ToSchema;

/// Whether the object is archived, and since when and by whom.
#[derive(Serialize, ToSchema)]
pub struct ArchiveDto {
    pub archived: bool,
    /// When it was archived (RFC 3339, UTC), while it is.
    pub archived_at: Option<String>,
    pub archived_by: Option<String>,
    /// False when it already was as asked (nothing changed).
    pub changed: bool,
}

async fn set(m: &Member, kind: Archivable, id: &str, archive: bool) -> AppResult<Json<ArchiveDto>> {
    let changed = tillit_app::archive::set_archived(m.app(), &m.who, kind, id, archive).await?;
    let now = tillit_app::archive::archived(m.app(), &m.who, kind, id).await?;
    Ok(Json(ArchiveDto {
        archived: now.is_some(),
        archived_at: now.as_ref().map(|a| a.at.clone()),
        archived_by: now.map(|a| a.by),
        changed,
    }))
}

macro_rules! handlers {
    ($($archive:ident, $restore:ident, $kind:expr, $a:literal, $r:literal;)*) => {$(
        /// Archives the object: it leaves the lists, the follow-up and other forms' choices; its
        /// page, history and audit trail stay. 409 when an asset is still processed by systems in
        /// use.
        #[utoipa::path(post, path = $a, params(("id" = String, Path)), responses((status = 200, body = ArchiveDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
        pub async fn $archive(
            m: Member,
            Path(id): Path<String>,
        ) -> AppResult<Json<ArchiveDto>> {
            set(&m, $kind, &id, true).await
        }

        /// Restores an archived object to the active work.
        #[utoipa::path(post, path = $r, params(("id" = String, Path)), responses((status = 200, body = ArchiveDto), (status = 404, body = Problem)))]
        pub async fn $restore(
            m: Member,
            Path(id): Path<String>,
        ) -> AppResult<Json<ArchiveDto>> {
            set(&m, $kind, &id, false).await
        }
    )*};
}

handlers! {
    archive_asset, restore_asset, Archivable::Asset, "/api/v1/assets/{id}/archive", "/api/v1/assets/{id}/restore";
    archive_system, restore_system, Archivable::System, "/api/v1/systems/{id}/archive", "/api/v1/systems/{id}/restore";
    archive_analysis, restore_analysis, Archivable::RiskAnalysis, "/api/v1/risk-analyses/{id}/archive", "/api/v1/risk-analyses/{id}/restore";
    archive_scenario, restore_scenario, Archivable::Scenario, "/api/v1/scenarios/{id}/archive", "/api/v1/scenarios/{id}/restore";
    archive_measure, restore_measure, Archivable::Measure, "/api/v1/measures/{id}/archive", "/api/v1/measures/{id}/restore";
}
