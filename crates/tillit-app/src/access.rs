//! The access-needs analysis of a system (behovs- och riskanalys; PDL 4 kap. 2 § and
//! HSLF-FS 2016:40 4 kap. 2 §): who needs which information and why, approved by an owner.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::views::{AccessAnalysis, System};
use crate::App;
use tillit_domain::access::{parse_access_analysis, AccessAnalysisDraft};
use tillit_domain::ids::*;
use tillit_domain::role::{Permission, Role};
use tillit_domain::{Rule, ValidationErrors};

/// The system's analysis, if it has one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn access_analysis(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
) -> Result<Option<AccessAnalysis>> {
    who.require(Permission::ViewRegisters)?;
    app.store.system(who.tenant(), system_id).await?;
    Ok(app.store.access_analysis(who.tenant(), system_id).await?)
}

/// The system's analysis, or not found.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn required_access_analysis(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
) -> Result<AccessAnalysis> {
    access_analysis(app, who, system_id)
        .await?
        .ok_or(Error::NotFound)
}

/// Who can approve: information owners by role, and the owners of the assets the system processes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn approvers(app: &App, who: &Acting, sys: &System) -> Result<Vec<(String, String)>> {
    let owners: Vec<String> = sys
        .assets
        .iter()
        .filter_map(|a| a.input.owner_membership_id.clone())
        .collect();
    let members = crate::members::all_members(app, who).await?;
    Ok(members
        .into_iter()
        .filter(|x| x.role == Role::Owner || owners.iter().any(|o| x.id == *o))
        .map(|x| (x.id.into_string(), x.display_name))
        .collect())
}

/// Saves a system's access-needs analysis; the approval must be an information owner's.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_access_analysis(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    d: &AccessAnalysisDraft,
) -> Result<AccessAnalysis> {
    who.require(Permission::EditRegisters)?;
    let sys = app.store.system(who.tenant(), system_id).await?;
    let x = parse_access_analysis(d)?;
    let name = match &x.approved_by {
        Some(by) => Some(
            approvers(app, who, &sys)
                .await?
                .into_iter()
                .find(|(id, _)| id == by)
                .map(|(_, n)| n)
                .ok_or_else(|| {
                    ValidationErrors::single("approved_by", Rule::NotPermittedForRole)
                })?,
        ),
        None => None,
    };
    Ok(app
        .store
        .save_access_analysis(who.tenant(), &who.actor(), system_id, &x, name.as_deref())
        .await?)
}
