//! The requirement library applied: what applies to a system or the organisation and why, the
//! self-assessment of each requirement with its history, and evidence (links and files).

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::library::Library;
use crate::views::{Assessment, AssessmentStatus, Evidence, System};
use crate::App;
use std::sync::Arc;
use tillit_domain::assessment::{
    check_evidence_file, parse_evidence_link, AssessmentDraft, AssessmentInput,
};
use tillit_domain::ids::*;
use tillit_domain::org::OrgFacts;
use tillit_domain::requirements::{SystemFacts, Trigger};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;
use tillit_store::NewEvidence;

/// The facts about a system that decide which requirements apply to it, with the organisation's
/// (public body or private, covered by the Cybersecurity Act).
pub fn system_facts(sys: &System, org: &OrgFacts) -> SystemFacts {
    SystemFacts {
        levels: sys.effective(),
        health_data: sys.assets.iter().any(|a| a.input.is_patient_data()),
        social_care: sys.assets.iter().any(|a| a.input.is_social_care_data()),
        special_categories: sys
            .assets
            .iter()
            .any(|a| !a.input.special_categories.is_empty()),
        offences: sys.assets.iter().any(|a| a.input.offences),
        hosting: sys.input.hosting.clone(),
        // A country written before the list is still read, so a third country is not missed.
        country: sys
            .input
            .country
            .clone()
            .or_else(|| sys.unmatched_country.clone()),
        ..SystemFacts::default()
    }
    .with_org(org)
}

pub fn system_triggers(sys: &System, org: &OrgFacts) -> Vec<Trigger> {
    tillit_domain::requirements::triggers(&system_facts(sys, org))
}

/// The organisation-wide requirements' triggers (see the domain's rule).
pub fn organisation_triggers(org: &OrgFacts) -> Vec<Trigger> {
    tillit_domain::requirements::organisation_triggers(org)
}

/// The acting organisation's facts and the catalog version it works against.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn org_context(app: &App, who: &Acting) -> Result<(OrgFacts, Arc<Library>)> {
    who.require(Permission::ViewOverview)?;
    let org = app.store.organisation(who.tenant()).await?;
    let lib = app.catalogs.for_org(&org.catalog_version).clone();
    Ok((org.facts, lib))
}

/// The triggers of an assessment scope: a system of the organisation, or the organisation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scope_triggers(
    app: &App,
    who: &Acting,
    system_id: Option<&str>,
) -> Result<Vec<Trigger>> {
    let (facts, _) = org_context(app, who).await?;
    Ok(match system_id {
        Some(id) => system_triggers(
            &app.store.system(who.tenant(), &SystemId::from(id)).await?,
            &facts,
        ),
        None => organisation_triggers(&facts),
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

/// The status of each requirement for one system: its own assessment, or the organisation's
/// where the system has none (`tillit_domain::assessment::status_for_system`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn system_statuses(
    app: &App,
    who: &Acting,
    system_id: &str,
) -> Result<
    std::collections::HashMap<
        String,
        (
            tillit_domain::assessment::Status,
            tillit_domain::assessment::Source,
        ),
    >,
> {
    who.require(Permission::ViewRegisters)?;
    let own: std::collections::HashMap<String, _> = app
        .store
        .assessments(who.tenant(), Some(system_id))
        .await?
        .into_iter()
        .map(|a| (a.requirement_id, a.status))
        .collect();
    let org: std::collections::HashMap<String, _> = app
        .store
        .assessments(who.tenant(), None)
        .await?
        .into_iter()
        .map(|a| (a.requirement_id, a.status))
        .collect();
    Ok(own
        .keys()
        .chain(org.keys())
        .filter_map(|k| {
            tillit_domain::assessment::status_for_system(own.get(k).copied(), org.get(k).copied())
                .map(|s| (k.clone(), s))
        })
        .collect())
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
    if app
        .library(who)
        .reasons(&triggers, requirement_id)
        .is_none()
    {
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
