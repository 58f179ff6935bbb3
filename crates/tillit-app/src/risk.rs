//! Risk analysis: the organisation's matrix and tolerance, analyses, scenarios with the owner's
//! acceptance above tolerance, and heat maps.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::views::{CellCount, RiskAnalysis, Scenario};
use crate::{valid_or_missing, App};
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::risk::{
    parse_scenario, AcceptanceAnswerDraft, RiskAnalysisDraft, RiskAnalysisInput, RiskMatrix,
    RiskMatrixDraft, ScenarioDraft, Signature,
};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};

#[tracing::instrument(level = "debug", skip_all)]
pub async fn risk_matrix(app: &App, who: &Acting) -> Result<RiskMatrix> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.risk_matrix(who.tenant()).await?)
}

/// Sets the risk matrix; a scale cannot shrink below values scenarios use.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_risk_matrix(app: &App, who: &Acting, d: &RiskMatrixDraft) -> Result<RiskMatrix> {
    who.require(Permission::ManageRiskMatrix)?;
    let x = RiskMatrix::try_from(d)?;
    app.store
        .set_risk_matrix(who.tenant(), &who.actor(), &x)
        .await?;
    Ok(x)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_risk_analyses(
    app: &App,
    who: &Acting,
    archived: bool,
    page: PageRequest,
) -> Result<Page<RiskAnalysis>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .list_risk_analyses(who.tenant(), archived, page)
        .await?)
}

/// Every risk analysis of the organisation (for exports).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_risk_analyses(app: &App, who: &Acting) -> Result<Vec<RiskAnalysis>> {
    who.require(Permission::ViewRegisters)?;
    crate::all_pages(|page| app.store.list_risk_analyses(who.tenant(), false, page)).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn risk_analysis(app: &App, who: &Acting, id: &AnalysisId) -> Result<RiskAnalysis> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.risk_analysis(who.tenant(), id).await?)
}

/// Adds (`id` None) or updates a risk analysis. Another organisation's analysis is not found,
/// whatever the input.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_risk_analysis(
    app: &App,
    who: &Acting,
    id: Option<&AnalysisId>,
    d: &RiskAnalysisDraft,
) -> Result<RiskAnalysis> {
    who.require(Permission::EditRegisters)?;
    let parsed = RiskAnalysisInput::try_from(d);
    Ok(match id {
        Some(id) => {
            let x = valid_or_missing(parsed, app.store.risk_analysis(who.tenant(), id)).await?;
            app.store
                .update_risk_analysis(who.tenant(), &who.actor(), id, &x)
                .await?
        }
        None => {
            app.store
                .create_risk_analysis(who.tenant(), &who.actor(), &parsed?)
                .await?
        }
    })
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn scenarios(app: &App, who: &Acting, analysis_id: &AnalysisId) -> Result<Vec<Scenario>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.scenarios(who.tenant(), analysis_id).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn scenario(app: &App, who: &Acting, id: &ScenarioId) -> Result<Scenario> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.scenario(who.tenant(), id).await?)
}

/// Every scenario with its analysis's title, archived ones marked: what a measure may answer.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scenario_choices(
    app: &App,
    who: &Acting,
) -> Result<Vec<(crate::views::Linkable, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.scenario_choices(who.tenant()).await?)
}

/// The organisation's risks above tolerance after treatment, highest first: how many there
/// are, and the first `limit`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scenarios_above_tolerance(
    app: &App,
    who: &Acting,
    limit: i64,
) -> Result<(i64, Vec<Scenario>)> {
    who.require(Permission::ViewRegisters)?;
    let matrix = app.store.risk_matrix(who.tenant()).await?;
    Ok(app
        .store
        .scenarios_above(who.tenant(), matrix.tolerance, limit)
        .await?)
}

/// Scenarios per heat-map cell, of one analysis or all, inherent or residual.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn heat_counts(
    app: &App,
    who: &Acting,
    analysis_id: Option<&AnalysisId>,
    residual: bool,
) -> Result<Vec<CellCount>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .heat_counts(who.tenant(), analysis_id, residual)
        .await?)
}

/// Members whose decision can accept a risk above tolerance: information owners (by role) and
/// the owners of the affected assets.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn eligible_deciders(
    app: &App,
    who: &Acting,
    asset_ids: &[String],
) -> Result<Vec<(String, String)>> {
    let members = crate::members::all_members(app, who).await?;
    let mut asset_owners = Vec::new();
    for a in asset_ids {
        if let Ok(asset) = app
            .store
            .asset(who.tenant(), &AssetId::from(a.as_str()))
            .await
        {
            if let Some(o) = asset.input.owner_membership_id {
                asset_owners.push(o);
            }
        }
    }
    Ok(members
        .into_iter()
        .filter(|x| {
            let owns = asset_owners.iter().any(|o| x.id == *o);
            tillit_domain::risk::may_decide_acceptance(x.role, owns)
        })
        .map(|x| (x.id.into_string(), x.display_name))
        .collect())
}

/// Adds (`existing` None) or replaces a scenario of an analysis. Accepting a risk above tolerance
/// needs the decision of an information owner (by role, or owning an affected asset).
/// Adds a scenario to an analysis unless one with the same title and vulnerability is already
/// there (a risk carried in twice, by a double click or a second visit): then that one is
/// returned, with `false`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_scenario_once(
    app: &App,
    who: &Acting,
    analysis_id: &AnalysisId,
    d: &ScenarioDraft,
) -> Result<(Scenario, bool)> {
    who.require(Permission::EditRegisters)?;
    let existing = app
        .store
        .scenarios(who.tenant(), analysis_id)
        .await?
        .into_iter()
        .find(|s| {
            s.input.title == d.title
                && s.input.vulnerability.as_deref() == Some(d.vulnerability.as_str())
        });
    match existing {
        Some(s) => Ok((s, false)),
        None => Ok((save_scenario(app, who, analysis_id, None, d).await?, true)),
    }
}

/// The information assets named directly and those the systems process, each once.
pub(crate) async fn assets_with_systems(
    app: &App,
    who: &Acting,
    asset_ids: &[String],
    system_ids: &[String],
) -> Result<Vec<String>> {
    let mut out: Vec<String> = asset_ids.to_vec();
    for id in system_ids {
        let s = app
            .store
            .system(
                who.tenant(),
                &tillit_domain::ids::SystemId::from(id.as_str()),
            )
            .await?;
        for a in s.assets {
            let a = a.id.to_string();
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    Ok(out)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_scenario(
    app: &App,
    who: &Acting,
    analysis_id: &AnalysisId,
    existing: Option<&ScenarioId>,
    d: &ScenarioDraft,
) -> Result<Scenario> {
    who.require(Permission::EditRegisters)?;
    app.store.risk_analysis(who.tenant(), analysis_id).await?;
    let matrix = app.store.risk_matrix(who.tenant()).await?;
    let x = parse_scenario(&matrix, d)?;
    let name = match &x.acceptance {
        Some(a) => Some(
            eligible_deciders(app, who, &x.asset_ids)
                .await?
                .into_iter()
                .find(|(id, _)| *id == a.decided_by)
                .map(|(_, n)| n)
                .ok_or_else(|| {
                    ValidationErrors::single("accepted_by", Rule::NotPermittedForRole)
                })?,
        ),
        None => None,
    };
    // The owner's decision counts when the owner signs it (tillit_domain::risk::signature).
    let signed_before = match (existing, &x.acceptance) {
        (Some(id), Some(a)) => {
            let b = app.store.scenario(who.tenant(), id).await?;
            b.acceptance_signed_at.is_some() && b.input.acceptance.as_ref() == Some(a)
        }
        _ => false,
    };
    let signature = x.acceptance.as_ref().map_or(Signature::Unchanged, |a| {
        tillit_domain::risk::signature(
            &a.decided_by,
            who.membership().membership_id.as_str(),
            signed_before,
        )
    });
    Ok(app
        .store
        .save_scenario(
            who.tenant(),
            &who.actor(),
            analysis_id,
            existing,
            &x,
            tillit_store::AcceptanceRecord {
                decider_name: name.as_deref(),
                signature,
                requester: who.display_name(),
            },
        )
        .await?)
}

/// The owner's answer to a request to accept a risk above tolerance: only the owner asked,
/// signed in, may answer; accepting signs the decision today, declining leaves the risk without a
/// treatment to be decided again.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn answer_acceptance(
    app: &App,
    who: &Acting,
    id: &ScenarioId,
    d: &AcceptanceAnswerDraft,
) -> Result<Scenario> {
    who.require(Permission::ViewRegisters)?;
    let (accept, note) = d.parse()?;
    let me = who.membership().membership_id.as_str();
    let s = app.store.scenario(who.tenant(), id).await?;
    let asked = s
        .input
        .acceptance
        .as_ref()
        .is_some_and(|a| a.decided_by == me)
        && s.acceptance_signed_at.is_none();
    if !asked {
        return Err(Error::Forbidden);
    }
    Ok(app
        .store
        .sign_acceptance(
            who.tenant(),
            &who.actor(),
            id,
            tillit_store::OwnerAnswer {
                decider: me,
                accept,
                note: note.as_deref(),
                today: &crate::today(),
            },
        )
        .await?)
}

/// The risk acceptances that wait on the acting member's decision.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn acceptances_awaiting_me(app: &App, who: &Acting) -> Result<Vec<Scenario>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .acceptances_awaiting(who.tenant(), who.membership().membership_id.as_str())
        .await?)
}
