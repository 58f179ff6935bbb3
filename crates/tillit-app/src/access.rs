//! The access-needs analysis of a system (behovs- och riskanalys; PDL 4 kap. 2 § and
//! HSLF-FS 2016:40 4 kap. 2 §): who needs which information and why, approved by an owner.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::views::{AccessAnalysis, System};
use crate::App;
use tillit_domain::access::{parse_access_analysis, AccessAnalysisDraft};
use tillit_domain::ids::*;
use tillit_domain::risk::{AcceptanceAnswerDraft, Signature};
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
    // The approval counts when the owner signs it (tillit_domain::risk::signature).
    let signed_before = match (
        &x.approved_by,
        app.store.access_analysis(who.tenant(), system_id).await?,
    ) {
        (Some(by), Some(b)) => {
            b.approval_signed_at.is_some()
                && b.input.approved_by.as_ref() == Some(by)
                && b.input.approved_on == x.approved_on
        }
        _ => false,
    };
    let signature = x.approved_by.as_ref().map_or(Signature::Unchanged, |by| {
        tillit_domain::risk::signature(by, who.membership().membership_id.as_str(), signed_before)
    });
    Ok(app
        .store
        .save_access_analysis(
            who.tenant(),
            &who.actor(),
            system_id,
            &x,
            tillit_store::AcceptanceRecord {
                decider_name: name.as_deref(),
                signature,
                requester: who.display_name(),
            },
        )
        .await?)
}

/// The information owner's answer to a request to approve a system's access-needs analysis:
/// only the owner asked, signed in, may answer (before there is an analysis, nobody is);
/// approving signs it today, declining (with a motivation, kept in the audit trail) leaves the
/// analysis unapproved.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn answer_approval(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    d: &AcceptanceAnswerDraft,
) -> Result<AccessAnalysis> {
    who.require(Permission::ViewRegisters)?;
    let (accept, note) = d.parse()?;
    let me = who.membership().membership_id.as_str();
    // Another organisation's system is not found; this one's without an analysis has nobody
    // asked to approve one.
    let Some(a) = access_analysis(app, who, system_id).await? else {
        return Err(Error::Forbidden);
    };
    if !(a.input.approved_by.as_deref() == Some(me) && a.approval_signed_at.is_none()) {
        return Err(Error::Forbidden);
    }
    Ok(app
        .store
        .sign_access_approval(
            who.tenant(),
            &who.actor(),
            system_id,
            tillit_store::OwnerAnswer {
                decider: me,
                accept,
                note: note.as_deref(),
                today: &crate::today(),
            },
        )
        .await?)
}

/// The systems whose access-needs analysis waits on the acting member's approval: (id, name).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn approvals_awaiting_me(app: &App, who: &Acting) -> Result<Vec<(String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .access_approvals_awaiting(who.tenant(), who.membership().membership_id.as_str())
        .await?)
}
