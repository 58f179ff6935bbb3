//! Archiving and restoring register objects, from their pages and from the API: the box every
//! read view shows (archive, or the archived banner with restore) and the routes behind it.

pub mod api;
pub mod pages;

use crate::context::Member;
use crate::error::AppResult;
use crate::i18n::Tr;
use tillit_domain::archive::Archivable;
use tillit_domain::role::Permission;

/// The page of the object (where archiving and restoring lead back to).
pub fn page_of(kind: Archivable, id: &str) -> String {
    match kind {
        Archivable::Asset => format!("/assets/{id}"),
        Archivable::System => format!("/systems/{id}"),
        Archivable::RiskAnalysis => format!("/risks/{id}"),
        Archivable::Scenario => format!("/scenarios/{id}"),
        Archivable::Measure => format!("/measures/{id}"),
    }
}

/// What a read view shows about archiving: the banner of an archived object with its restore
/// button, or the archive button with what archiving means — or why it cannot be archived now.
pub struct ArchiveBox {
    pub base: String,
    /// "2026-12-03 09:12, Johan Berg" when archived.
    pub archived: Option<String>,
    pub may_edit: bool,
    /// Why it cannot be archived now (an asset still processed by systems in use).
    pub blocked: Option<String>,
    pub help: String,
}

impl ArchiveBox {
    pub fn is_archived(&self) -> bool {
        self.archived.is_some()
    }
}

pub async fn archive_box(m: &Member, kind: Archivable, id: &str) -> AppResult<ArchiveBox> {
    let tr: &Tr = &m.ctx.tr;
    let archived = tillit_app::archive::archived(m.app(), &m.who, kind, id).await?;
    let may_edit = m.may(Permission::EditRegisters);
    let blocked = if may_edit && archived.is_none() && kind == Archivable::Asset {
        let systems = tillit_app::assets::active_systems_processing(m.app(), &m.who, id).await?;
        (!systems.is_empty())
            .then(|| tr.f("archive-blocked-asset", &[("systems", systems.join(", "))]))
    } else {
        None
    };
    Ok(ArchiveBox {
        base: page_of(kind, id),
        archived: archived.map(|a| {
            tr.f(
                "archive-archived-at",
                &[("at", crate::pages::show_time(&a.at)), ("by", a.by)],
            )
        }),
        may_edit,
        blocked,
        help: tr.t(&format!(
            "archive-help-{}",
            kind.action_prefix().replace('_', "-")
        )),
    })
}

/// The `archived` query parameter of a list: `yes` for the archived objects, empty or `no` for
/// those in use.
pub fn archived_param(v: Option<&str>) -> Result<bool, tillit_domain::ValidationErrors> {
    tillit_domain::paging::archived(v.unwrap_or_default())
}
