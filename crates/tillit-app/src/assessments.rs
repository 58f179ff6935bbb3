//! The requirement library applied: what applies to a system or the organisation and why, the
//! self-assessment of each requirement with its history, and evidence (links and files).

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::views::{Assessment, AssessmentStatus, Evidence, System};
use crate::App;
use tillit_domain::assessment::{
    check_evidence_file, parse_evidence_link, AssessmentDraft, AssessmentInput,
};
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;
use tillit_store::NewEvidence;

/// The facts about a system that decide which requirements apply to it.
pub fn system_facts(
    sys: &System,
    kind: tillit_domain::org::OrgKind,
) -> tillit_domain::requirements::SystemFacts {
    tillit_domain::requirements::SystemFacts {
        levels: sys.effective(),
        health_data: sys.assets.iter().any(|a| a.input.is_patient_data()),
        social_care: sys.assets.iter().any(|a| a.input.is_social_care_data()),
        special_categories: sys
            .assets
            .iter()
            .any(|a| !a.input.special_categories.is_empty()),
        hosting: sys.input.hosting.clone(),
        country: sys.input.country.clone(),
        cybersecurity_act: kind.covered_by_cybersecurity_act(),
    }
}

pub fn system_triggers(
    sys: &System,
    kind: tillit_domain::org::OrgKind,
) -> Vec<tillit_domain::requirements::Trigger> {
    tillit_domain::requirements::triggers(&system_facts(sys, kind))
}

/// The organisation-wide requirements: the baseline, and the Cybersecurity Act where it applies.
pub fn organisation_triggers(
    kind: tillit_domain::org::OrgKind,
) -> Vec<tillit_domain::requirements::Trigger> {
    use tillit_domain::requirements::Trigger;
    let mut t = vec![Trigger::Baseline];
    if kind.covered_by_cybersecurity_act() {
        t.push(Trigger::CybersecurityAct);
    }
    t
}

/// The triggers of an assessment scope: a system of the organisation, or the organisation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scope_triggers(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
) -> Result<Vec<tillit_domain::requirements::Trigger>> {
    Ok(match system_id {
        Some(id) => system_triggers(
            &app.store.system(who.tenant(), &SystemId::from(id)).await?,
            who.org_kind(),
        ),
        None => organisation_triggers(who.org_kind()),
    })
}

/// The assessments of a scope (a system, or the organisation with `None`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assessments(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
) -> Result<Vec<Assessment>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.assessments(who.tenant(), system_id).await?)
}

/// Every current assessment of the organisation, in every scope.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_assessments(app: &App, who: &Acting) -> Result<Vec<Assessment>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.all_assessments(who.tenant()).await?)
}

/// The current status of every assessed requirement (for choosing what a measure answers).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assessment_statuses(app: &App, who: &Acting) -> Result<Vec<AssessmentStatus>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.assessment_statuses(who.tenant()).await?)
}

/// The current assessment of one requirement in a scope, if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assessment(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
    requirement_id: &str,
) -> Result<Option<Assessment>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .assessment(who.tenant(), system_id, requirement_id)
        .await?)
}

/// An assessment's evidence and its history of earlier assessments.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn evidence_and_history(
    app: &App,
    who: &Acting,
    assessment_id: &str,
) -> Result<(Vec<Evidence>, Vec<Assessment>)> {
    who.require(Permission::ViewRegisters)?;
    Ok((
        app.store.evidence_of(who.tenant(), assessment_id).await?,
        app.store
            .assessment_history(who.tenant(), assessment_id)
            .await?,
    ))
}

/// Records an assessment of a requirement that applies to the scope, by the acting person.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assess(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
    requirement_id: &str,
    d: &AssessmentDraft,
) -> Result<Assessment> {
    who.require(Permission::Assess)?;
    let triggers = scope_triggers(app, who, system_id).await?;
    if app.library.reasons(&triggers, requirement_id).is_none() {
        return Err(Error::NotFound);
    }
    let input = AssessmentInput::try_from(d)?;
    Ok(app
        .store
        .assess(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            system_id,
            requirement_id,
            &input,
        )
        .await?)
}

/// The current assessment a piece of evidence is added to: the requirement must be assessed.
async fn current(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
    requirement_id: &str,
) -> Result<Assessment> {
    who.require(Permission::Assess)?;
    if let Some(s) = system_id {
        app.store.system(who.tenant(), &SystemId::from(s)).await?;
    }
    app.store
        .assessment(who.tenant(), system_id, requirement_id)
        .await?
        .ok_or(Error::NotFound)
}

/// Adds a link as evidence to the current assessment of a requirement.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_evidence_link(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
    requirement_id: &str,
    url: &str,
) -> Result<Evidence> {
    let a = current(app, who, system_id, requirement_id).await?;
    let url = parse_evidence_link(url).map_err(ValidationErrors::from)?;
    Ok(app
        .store
        .add_evidence(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            &a.id,
            NewEvidence::Link(&url),
        )
        .await?)
}

/// Adds a file as evidence (its type is checked from its content, its SHA-256 kept).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_evidence_file(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
    requirement_id: &str,
    file_name: &str,
    content: &[u8],
) -> Result<Evidence> {
    let a = current(app, who, system_id, requirement_id).await?;
    let media_type = check_evidence_file(file_name, content).map_err(ValidationErrors::from)?;
    Ok(app
        .store
        .add_evidence(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            &a.id,
            NewEvidence::File {
                name: file_name.trim(),
                media_type,
                content,
            },
        )
        .await?)
}

/// A piece of evidence and its file content.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn evidence_file(
    app: &App,
    who: &Acting,
    id: &EvidenceId,
) -> Result<(Evidence, Vec<u8>)> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.evidence_file(who.tenant(), id).await?)
}

/// Removes a piece of evidence; gives back the assessment it belonged to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_evidence(app: &App, who: &Acting, id: &EvidenceId) -> Result<Assessment> {
    who.require(Permission::Assess)?;
    let ev = app
        .store
        .remove_evidence(who.tenant(), &who.actor(), id)
        .await?;
    Ok(app
        .store
        .assessment_by_id(who.tenant(), &ev.assessment_id)
        .await?)
}
