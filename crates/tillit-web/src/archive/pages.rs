//! The archive and restore buttons of the read views.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::FormFields;
use crate::render::see_other;
use axum::extract::Path;
use axum::response::Response;
use tillit_domain::archive::Archivable;

async fn set(m: &Member, kind: Archivable, id: &str, archive: bool) -> AppResult<Response> {
    tillit_app::archive::set_archived(m.app(), &m.who, kind, id, archive).await?;
    let done = if archive { "archived" } else { "restored" };
    Ok(see_other(&format!(
        "{}?done={done}",
        super::page_of(kind, id)
    )))
}

macro_rules! handlers {
    ($($archive:ident, $restore:ident, $kind:expr;)*) => {$(
        pub async fn $archive(
            m: Member,
            Path(id): Path<String>,
            _f: FormFields,
        ) -> AppResult<Response> {
            set(&m, $kind, &id, true).await
        }

        pub async fn $restore(
            m: Member,
            Path(id): Path<String>,
            _f: FormFields,
        ) -> AppResult<Response> {
            set(&m, $kind, &id, false).await
        }
    )*};
}

handlers! {
    archive_asset, restore_asset, Archivable::Asset;
    archive_system, restore_system, Archivable::System;
    archive_analysis, restore_analysis, Archivable::RiskAnalysis;
    archive_scenario, restore_scenario, Archivable::Scenario;
    archive_measure, restore_measure, Archivable::Measure;
}
