//! Archiving and restoring register objects: assets, systems, risk analyses, scenarios and
//! measures. Nothing is deleted; see `tillit_domain::archive` for what archiving means.

use crate::{Acting, App, Result};
use tillit_domain::archive::{asset_may_be_archived, Archivable, Archived};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};

/// When and by whom the object was archived, `None` while it is in use.
pub async fn archived(
    app: &App,
    who: &Acting,
    kind: Archivable,
    id: &str,
) -> Result<Option<Archived>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.archived(who.tenant(), kind, id).await?)
}

/// Archives (`archive`) or restores the object; `false` when it already was so. An asset still
/// processed by a system in use is refused, the systems named.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_archived(
    app: &App,
    who: &Acting,
    kind: Archivable,
    id: &str,
    archive: bool,
) -> Result<bool> {
    who.require(Permission::EditRegisters)?;
    // Not found in this organisation: not found, before anything else is told.
    app.store.archived(who.tenant(), kind, id).await?;
    if archive && kind == Archivable::Asset {
        let systems = app
            .store
            .active_systems_processing(who.tenant(), id)
            .await?;
        if !asset_may_be_archived(&systems) {
            return Err(ValidationErrors::single(
                "archived",
                Rule::StillInUse {
                    by: systems.join(", "),
                },
            )
            .into());
        }
    }
    Ok(app
        .store
        .set_archived(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            kind,
            id,
            archive,
        )
        .await?)
}

/// The scenarios of an analysis archived on their own: (id, title, archived at).
pub async fn archived_scenarios(
    app: &App,
    who: &Acting,
    analysis: &tillit_domain::ids::AnalysisId,
) -> Result<Vec<(String, String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.archived_scenarios(who.tenant(), analysis).await?)
}
