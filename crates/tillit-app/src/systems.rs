//! The register of systems and IT services: the assets they process, inherited and own levels,
//! integrations between them.

use crate::acting::Acting;
use crate::error::Result;
use crate::views::{System, SystemQuery, SystemSort};
use crate::{valid_or_missing, App};
use serde::Deserialize;
use std::collections::HashMap;
use tillit_domain::classification::SystemLevelsDraft;
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::system::{SystemDraft, SystemInput, HOSTING};
use tillit_domain::{Rule, ValidationError, ValidationErrors};

/// The filter and order of the systems list, as a query string gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SystemListParams {
    #[serde(default)]
    pub q: String,
    /// own_operation, outsourced or public_cloud
    #[serde(default)]
    pub hosting: String,
    /// yes or no
    #[serde(default)]
    pub patient_data: String,
    /// name, updated or review
    #[serde(default)]
    pub sort: String,
    /// yes: the archived ones instead of those in use
    #[serde(default)]
    pub archived: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl SystemListParams {
    pub fn parse(&self) -> Result<(SystemQuery, PageRequest)> {
        tillit_domain::paging::search_text(&self.q)?;
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        let hosting = match self.hosting.as_str() {
            "" => None,
            h if HOSTING.contains(&h) => Some(h.to_string()),
            _ => return Err(ValidationErrors::single("hosting", Rule::UnknownValue).into()),
        };
        let patient_data = tillit_domain::paging::yes_no("patient_data", &self.patient_data)?;
        let sort = match self.sort.as_str() {
            "" | "name" => SystemSort::Name,
            "updated" => SystemSort::Updated,
            "review" => SystemSort::NextReview,
            _ => return Err(ValidationErrors::single("sort", Rule::UnknownValue).into()),
        };
        let archived = tillit_domain::paging::archived(&self.archived)?;
        Ok((
            SystemQuery {
                q: Some(self.q.clone()),
                hosting,
                patient_data,
                supplier_id: None,
                sort,
                archived,
            },
            page,
        ))
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_systems(
    app: &App,
    who: &Acting,
    q: Option<&str>,
    page: PageRequest,
) -> Result<Page<System>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.list_systems(who.tenant(), q, page).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_systems_by(
    app: &App,
    who: &Acting,
    q: &SystemQuery,
    page: PageRequest,
) -> Result<Page<System>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.list_systems_by(who.tenant(), q, page).await?)
}

/// Every system of the organisation (for exports and choices).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_systems(app: &App, who: &Acting) -> Result<Vec<System>> {
    who.require(Permission::ViewRegisters)?;
    crate::all_pages(|page| app.store.list_systems(who.tenant(), None, page)).await
}

/// System names by id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn system_names(app: &App, who: &Acting) -> Result<HashMap<String, String>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.system_names(who.tenant()).await?)
}

/// Every system a form can link to, by name; archived ones marked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn system_choices(app: &App, who: &Acting) -> Result<Vec<crate::views::Linkable>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.system_choices(who.tenant()).await?)
}

/// Every system that matches the query, all pages.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_systems_by(app: &App, who: &Acting, q: &SystemQuery) -> Result<Vec<System>> {
    who.require(Permission::ViewRegisters)?;
    crate::all_pages(|page| app.store.list_systems_by(who.tenant(), q, page)).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn system(app: &App, who: &Acting, id: &SystemId) -> Result<System> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.system(who.tenant(), id).await?)
}

/// The draft's facts, validated, with a supplier given by name turned into its id in the
/// register (a name the register does not hold, or one that contradicts the id, is refused).
async fn input_of(app: &App, who: &Acting, d: &SystemDraft) -> Result<SystemInput> {
    let name = d.supplier.trim().to_lowercase();
    let mut d = d.clone();
    let mut errs = ValidationErrors::new();
    if !name.is_empty() {
        let names = app.store.supplier_names(who.tenant()).await?;
        match names.iter().find(|(_, n)| n.to_lowercase() == name) {
            None => errs.push(ValidationError::new("supplier", Rule::NotFound)),
            Some((id, _)) if !d.supplier_id.trim().is_empty() && d.supplier_id.trim() != id => {
                errs.push(ValidationError::new("supplier", Rule::ContradictsRecords))
            }
            Some((id, _)) => d.supplier_id = id.clone(),
        }
    }
    match SystemInput::try_from(&d) {
        Ok(input) if errs.is_empty() => Ok(input),
        Ok(_) => Err(errs.into()),
        Err(mut v) => {
            v.0.extend(errs.0);
            Err(v.into())
        }
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_system(app: &App, who: &Acting, d: &SystemDraft) -> Result<System> {
    who.require(Permission::EditRegisters)?;
    let input = input_of(app, who, d).await?;
    Ok(app
        .store
        .create_system(who.tenant(), &who.actor(), &input)
        .await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_system(
    app: &App,
    who: &Acting,
    id: &SystemId,
    d: &SystemDraft,
) -> Result<System> {
    who.require(Permission::EditRegisters)?;
    // An unknown system is "not found" before its form is judged.
    let input = match input_of(app, who, d).await {
        Err(crate::Error::Invalid(e)) => {
            app.store.system(who.tenant(), id).await?;
            return Err(crate::Error::Invalid(e));
        }
        other => other?,
    };
    Ok(app
        .store
        .update_system(who.tenant(), &who.actor(), id, &input)
        .await?)
}

/// Sets a system's own levels (a deviation from the inherited ones needs a motivation).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_system_levels(
    app: &App,
    who: &Acting,
    id: &SystemId,
    d: &SystemLevelsDraft,
) -> Result<System> {
    who.require(Permission::Classify)?;
    let levels = valid_or_missing(d.levels(), app.store.system(who.tenant(), id)).await?;
    Ok(app
        .store
        .set_system_levels(
            who.tenant(),
            &who.actor(),
            id,
            Some(&levels),
            &d.deviation_motivation,
        )
        .await?)
}

/// Removes the system's own levels, so the inherited ones apply.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clear_system_levels(app: &App, who: &Acting, id: &SystemId) -> Result<System> {
    who.require(Permission::Classify)?;
    Ok(app
        .store
        .set_system_levels(who.tenant(), &who.actor(), id, None, "")
        .await?)
}

/// The systems this one sends data to, and those that send data to it: (id, name) each.
#[allow(clippy::type_complexity)]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn integrations(
    app: &App,
    who: &Acting,
    id: &SystemId,
) -> Result<(Vec<(String, String)>, Vec<(String, String)>)> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.integrations(who.tenant(), id).await?)
}

/// Replaces the systems this one integrates with.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_integrations(
    app: &App,
    who: &Acting,
    id: &SystemId,
    others: &[String],
) -> Result<()> {
    who.require(Permission::EditRegisters)?;
    let others: Vec<String> = others
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if others.iter().any(|o| id.as_str() == o) {
        // A system does not integrate with itself (a missing system is still a 404).
        app.store.system(who.tenant(), id).await?;
        return Err(ValidationErrors::single("integration_ids", Rule::Mismatch).into());
    }
    Ok(app
        .store
        .set_integrations(who.tenant(), &who.actor(), id, &others)
        .await?)
}

/// Where one system stands: its requirements and compliance (an organisation-wide assessment
/// counting for it), the risks of the analyses that cover it, and its action plan.
#[derive(Debug, Clone)]
pub struct SystemSummary {
    pub requirements: tillit_domain::assessment::Tally,
    /// Of the assessed requirements, how many count through the organisation's assessment.
    pub from_organisation: u32,
    pub scenarios: Vec<crate::views::Scenario>,
    pub matrix: tillit_domain::risk::RiskMatrix,
    pub measures: Vec<crate::views::Measure>,
}

impl SystemSummary {
    pub fn above_tolerance(&self) -> usize {
        self.scenarios
            .iter()
            .filter(|s| self.matrix.above_tolerance(s.input.residual))
            .count()
    }
    pub fn open_measures(&self) -> usize {
        self.measures
            .iter()
            .filter(|m| m.input.status.is_open())
            .count()
    }
    pub fn overdue_measures(&self) -> usize {
        let today = crate::today_date();
        self.measures
            .iter()
            .filter(|m| {
                tillit_domain::measure::is_overdue(m.input.due_on.as_deref(), m.input.status, today)
            })
            .count()
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn system_summary(app: &App, who: &Acting, system: &System) -> Result<SystemSummary> {
    who.require(Permission::ViewRegisters)?;
    let (facts, lib) = crate::assessments::org_context(app, who).await?;
    let triggers = crate::assessments::system_triggers(system, &facts);
    let statuses = crate::assessments::system_statuses(app, who, system.id.as_str()).await?;
    let mut requirements = tillit_domain::assessment::Tally::default();
    let mut from_organisation = 0;
    for a in lib.applicable(&triggers) {
        let found = statuses.get(&a.requirement.id).copied();
        if matches!(
            found,
            Some((_, tillit_domain::assessment::Source::Organisation))
        ) {
            from_organisation += 1;
        }
        requirements.add(found.map(|(s, _)| s));
    }
    let t = who.tenant();
    Ok(SystemSummary {
        requirements,
        from_organisation,
        scenarios: app
            .store
            .scenarios_for_system(t, system.id.as_str())
            .await?,
        matrix: app.store.risk_matrix(t).await?,
        measures: app.store.measures_for_system(t, system.id.as_str()).await?,
    })
}
