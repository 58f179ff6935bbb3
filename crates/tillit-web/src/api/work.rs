//! The API of the systematic work: requirements and self-assessment, the risk matrix, risk
//! analyses and scenarios with heat maps, measures, access-needs analyses and the follow-up gaps.
//! Bodies go through the same services (and so the same rules) as the pages.

use super::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tillit_app::views::{MeasureOrder, MeasureQuery};
use tillit_domain::access::AccessAnalysisDraft;
use tillit_domain::assessment::AssessmentDraft;
use tillit_domain::measure::MeasureDraft;
use tillit_domain::paging::PageRequest;
use tillit_domain::requirements::Trigger;
use tillit_domain::risk::RiskMatrix;
use tillit_domain::risk::{RiskAnalysisDraft, RiskMatrixDraft, ScenarioDraft};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};
use utoipa::ToSchema;

/// A requirement that applies, why, and its assessment in this scope.
#[derive(Serialize, ToSchema)]
pub struct RequirementStatusDto {
    pub requirement_id: String,
    pub label: String,
    pub title: String,
    /// The requirement area (catalog group).
    pub area: String,
    pub provisions: Vec<String>,
    /// ISO/IEC 27002:2022 control numbers.
    pub iso_iec_27002: Vec<String>,
    /// The profiles that select it (e.g. `baseline`, `confidentiality-3`, `health-data`).
    pub reasons: Vec<String>,
    /// met, partly_met, not_met, not_applicable; absent when not assessed.
    pub status: Option<String>,
    pub assessed_by: Option<String>,
    pub assessed_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentDto {
    pub requirement_id: String,
    pub system_id: Option<String>,
    pub status: String,
    pub motivation: Option<String>,
    pub comment: Option<String>,
    pub assessed_by: String,
    pub assessed_at: String,
}

impl From<tillit_app::views::Assessment> for AssessmentDto {
    fn from(a: tillit_app::views::Assessment) -> Self {
        AssessmentDto {
            requirement_id: a.requirement_id,
            system_id: a.system_id,
            status: a.status.key().into(),
            motivation: a.motivation,
            comment: a.comment,
            assessed_by: a.assessed_by,
            assessed_at: a.assessed_at,
        }
    }
}

async fn requirement_statuses(
    state: &AppState,
    m: &Member,
    system_id: Option<&str>,
    triggers: &[Trigger],
) -> AppResult<Vec<RequirementStatusDto>> {
    let assessed: HashMap<String, tillit_app::views::Assessment> =
        tillit_app::assessments::assessments(&state.app, &m.who, system_id)
            .await?
            .into_iter()
            .map(|a| (a.requirement_id.clone(), a))
            .collect();
    let lang = m.ctx.tr.lang();
    Ok(state
        .app
        .library
        .applicable(triggers)
        .into_iter()
        .map(|a| {
            let r = a.requirement;
            let s = assessed.get(&r.id);
            RequirementStatusDto {
                requirement_id: r.id.clone(),
                label: r.label.clone(),
                title: r.title(lang).to_string(),
                area: r.area.clone(),
                provisions: r.provisions.clone(),
                iso_iec_27002: r.iso.clone(),
                reasons: a.reasons.iter().map(Trigger::profile).collect(),
                status: s.map(|s| s.status.key().to_string()),
                assessed_by: s.map(|s| s.assessed_by.clone()),
                assessed_at: s.map(|s| s.assessed_at.clone()),
            }
        })
        .collect())
}

/// The requirements that apply to a system, why, and their assessment.
#[utoipa::path(get, path = "/api/v1/systems/{id}/requirements", params(("id" = String, Path)), responses((status = 200, body = [RequirementStatusDto]), (status = 404, body = Problem)))]
pub async fn system_requirements(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<RequirementStatusDto>>> {
    m.require(Permission::ViewRegisters)?;
    let sys = tillit_app::systems::system(&state.app, &m.who, &id).await?;
    let triggers = tillit_app::assessments::system_triggers(&sys, m.membership.org_kind);
    Ok(Json(
        requirement_statuses(&state, &m, Some(&id), &triggers).await?,
    ))
}

/// The organisation-wide requirements and their assessment.
#[utoipa::path(get, path = "/api/v1/requirements", responses((status = 200, body = [RequirementStatusDto])))]
pub async fn organisation_requirements(
    State(state): State<AppState>,
    m: Member,
) -> AppResult<Json<Vec<RequirementStatusDto>>> {
    m.require(Permission::ViewRegisters)?;
    let triggers = tillit_app::assessments::organisation_triggers(m.membership.org_kind);
    Ok(Json(
        requirement_statuses(&state, &m, None, &triggers).await?,
    ))
}

async fn assess(
    state: &AppState,
    m: &Member,
    system_id: Option<&str>,
    rid: &str,
    body: &AssessmentDraft,
) -> AppResult<Json<AssessmentDto>> {
    Ok(Json(
        tillit_app::assessments::assess(&state.app, &m.who, system_id, rid, body)
            .await?
            .into(),
    ))
}

/// Records the assessment of a requirement that applies to a system.
#[utoipa::path(put, path = "/api/v1/systems/{id}/requirements/{rid}/assessment", params(("id" = String, Path), ("rid" = String, Path)), request_body = AssessmentDraft, responses((status = 200, body = AssessmentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn assess_system_requirement(
    State(state): State<AppState>,
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<AssessmentDraft>,
) -> AppResult<Json<AssessmentDto>> {
    assess(&state, &m, Some(&id), &rid, &body).await
}

/// Records the organisation-wide assessment of a requirement.
#[utoipa::path(put, path = "/api/v1/requirements/{rid}/assessment", params(("rid" = String, Path)), request_body = AssessmentDraft, responses((status = 200, body = AssessmentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn assess_org_requirement(
    State(state): State<AppState>,
    m: Member,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<AssessmentDraft>,
) -> AppResult<Json<AssessmentDto>> {
    assess(&state, &m, None, &rid, &body).await
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskMatrixDto {
    /// Likelihood steps, 2–6.
    pub likelihoods: i64,
    /// Consequence steps, 2–6.
    pub consequences: i64,
    /// The highest tolerated score (likelihood × consequence).
    pub tolerance: i64,
}

impl From<RiskMatrix> for RiskMatrixDto {
    fn from(m: RiskMatrix) -> Self {
        RiskMatrixDto {
            likelihoods: m.likelihoods.into(),
            consequences: m.consequences.into(),
            tolerance: m.tolerance.into(),
        }
    }
}

/// The organisation's risk matrix and tolerance.
#[utoipa::path(get, path = "/api/v1/risk-matrix", responses((status = 200, body = RiskMatrixDto)))]
pub async fn get_risk_matrix(
    State(state): State<AppState>,
    m: Member,
) -> AppResult<Json<RiskMatrixDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::risk::risk_matrix(&state.app, &m.who)
            .await?
            .into(),
    ))
}

/// Sets the risk matrix; a scale cannot shrink below values scenarios use.
#[utoipa::path(put, path = "/api/v1/risk-matrix", request_body = RiskMatrixDraft, responses((status = 200, body = RiskMatrixDto), (status = 422, body = Problem)))]
pub async fn put_risk_matrix(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<RiskMatrixDraft>,
) -> AppResult<Json<RiskMatrixDto>> {
    Ok(Json(
        tillit_app::risk::set_risk_matrix(&state.app, &m.who, &body)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct RiskAnalysisDto {
    pub id: String,
    pub title: String,
    pub scope: Option<String>,
    pub participants: Option<String>,
    pub analysed_on: String,
    pub review_interval_months: i64,
    pub reviewed_on: String,
    pub system_ids: Vec<String>,
    pub scenario_count: i64,
}

impl From<tillit_app::views::RiskAnalysis> for RiskAnalysisDto {
    fn from(a: tillit_app::views::RiskAnalysis) -> Self {
        RiskAnalysisDto {
            id: a.id,
            title: a.input.title,
            scope: a.input.scope,
            participants: a.input.participants,
            analysed_on: a.input.analysed_on,
            review_interval_months: a.input.review_interval_months,
            reviewed_on: a.reviewed_on,
            system_ids: a.systems.into_iter().map(|(id, _)| id).collect(),
            scenario_count: a.scenario_count,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RiskAnalysisPage {
    pub items: Vec<RiskAnalysisDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Risk analyses, newest first.
#[utoipa::path(get, path = "/api/v1/risk-analyses", params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200, body = RiskAnalysisPage)))]
pub async fn list_risk_analyses(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<RiskAnalysisPage>> {
    m.require(Permission::ViewRegisters)?;
    let page = PageRequest::parse(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
    )?;
    let list = tillit_app::risk::list_risk_analyses(&state.app, &m.who, page).await?;
    Ok(Json(RiskAnalysisPage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list.items.into_iter().map(Into::into).collect(),
    }))
}

/// Starts a risk analysis.
#[utoipa::path(post, path = "/api/v1/risk-analyses", request_body = RiskAnalysisDraft, responses((status = 201, body = RiskAnalysisDto), (status = 422, body = Problem)))]
pub async fn create_risk_analysis(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<RiskAnalysisDraft>,
) -> AppResult<Response> {
    let a = tillit_app::risk::save_risk_analysis(&state.app, &m.who, None, &body).await?;
    Ok((StatusCode::CREATED, Json(RiskAnalysisDto::from(a))).into_response())
}

/// One risk analysis.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}", params(("id" = String, Path)), responses((status = 200, body = RiskAnalysisDto), (status = 404, body = Problem)))]
pub async fn get_risk_analysis(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<RiskAnalysisDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::risk::risk_analysis(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces a risk analysis's facts (counts as a review).
#[utoipa::path(put, path = "/api/v1/risk-analyses/{id}", params(("id" = String, Path)), request_body = RiskAnalysisDraft, responses((status = 200, body = RiskAnalysisDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_risk_analysis(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RiskAnalysisDraft>,
) -> AppResult<Json<RiskAnalysisDto>> {
    Ok(Json(
        tillit_app::risk::save_risk_analysis(&state.app, &m.who, Some(&id), &body)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ScenarioDto {
    pub id: String,
    pub analysis_id: String,
    pub title: String,
    pub threat_key: Option<String>,
    pub threat_text: Option<String>,
    pub vulnerability: Option<String>,
    pub aspects: Vec<String>,
    pub asset_ids: Vec<String>,
    pub existing_measures: Option<String>,
    pub inherent_likelihood: u8,
    pub inherent_consequence: u8,
    pub treatment: Option<String>,
    pub residual_likelihood: u8,
    pub residual_consequence: u8,
    pub residual_score: u32,
    pub above_tolerance: bool,
    pub accepted_by: Option<String>,
    pub accepted_by_name: Option<String>,
    pub accepted_on: Option<String>,
}

fn scenario_dto(s: tillit_app::views::Scenario, m: &RiskMatrix) -> ScenarioDto {
    let x = s.input;
    ScenarioDto {
        id: s.id,
        analysis_id: s.analysis_id,
        residual_score: m.score(x.residual),
        above_tolerance: m.above_tolerance(x.residual),
        title: x.title,
        threat_key: x.threat_key,
        threat_text: x.threat_text,
        vulnerability: x.vulnerability,
        aspects: x.aspects,
        asset_ids: x.asset_ids,
        existing_measures: x.existing_measures,
        inherent_likelihood: x.inherent.likelihood,
        inherent_consequence: x.inherent.consequence,
        treatment: x.treatment.map(|t| t.key().to_string()),
        residual_likelihood: x.residual.likelihood,
        residual_consequence: x.residual.consequence,
        accepted_by: x.acceptance.as_ref().map(|a| a.decided_by.clone()),
        accepted_on: x.acceptance.as_ref().map(|a| a.decided_on.clone()),
        accepted_by_name: s.accepted_by_name,
    }
}

/// The scenarios of an analysis, highest residual risk first.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}/scenarios", params(("id" = String, Path)), responses((status = 200, body = [ScenarioDto]), (status = 404, body = Problem)))]
pub async fn list_scenarios(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ScenarioDto>>> {
    m.require(Permission::ViewRegisters)?;
    tillit_app::risk::risk_analysis(&state.app, &m.who, &id).await?;
    let matrix = tillit_app::risk::risk_matrix(&state.app, &m.who).await?;
    Ok(Json(
        tillit_app::risk::scenarios(&state.app, &m.who, &id)
            .await?
            .into_iter()
            .map(|s| scenario_dto(s, &matrix))
            .collect(),
    ))
}

/// Adds a scenario to an analysis.
#[utoipa::path(post, path = "/api/v1/risk-analyses/{id}/scenarios", params(("id" = String, Path)), request_body = ScenarioDraft, responses((status = 201, body = ScenarioDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_scenario(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScenarioDraft>,
) -> AppResult<Response> {
    let s = tillit_app::risk::save_scenario(&state.app, &m.who, &id, None, &body).await?;
    let matrix = tillit_app::risk::risk_matrix(&state.app, &m.who).await?;
    Ok((StatusCode::CREATED, Json(scenario_dto(s, &matrix))).into_response())
}

/// One scenario.
#[utoipa::path(get, path = "/api/v1/scenarios/{id}", params(("id" = String, Path)), responses((status = 200, body = ScenarioDto), (status = 404, body = Problem)))]
pub async fn get_scenario(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<ScenarioDto>> {
    m.require(Permission::ViewRegisters)?;
    let s = tillit_app::risk::scenario(&state.app, &m.who, &id).await?;
    let matrix = tillit_app::risk::risk_matrix(&state.app, &m.who).await?;
    Ok(Json(scenario_dto(s, &matrix)))
}

/// Replaces a scenario (its treatment, residual risk, acceptance …).
#[utoipa::path(put, path = "/api/v1/scenarios/{id}", params(("id" = String, Path)), request_body = ScenarioDraft, responses((status = 200, body = ScenarioDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_scenario(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScenarioDraft>,
) -> AppResult<Json<ScenarioDto>> {
    let existing = tillit_app::risk::scenario(&state.app, &m.who, &id).await?;
    let s = tillit_app::risk::save_scenario(
        &state.app,
        &m.who,
        &existing.analysis_id,
        Some(&id),
        &body,
    )
    .await?;
    let matrix = tillit_app::risk::risk_matrix(&state.app, &m.who).await?;
    Ok(Json(scenario_dto(s, &matrix)))
}

#[derive(Serialize, ToSchema)]
pub struct HeatCellDto {
    pub likelihood: u8,
    pub consequence: u8,
    pub score: u32,
    pub above_tolerance: bool,
    pub count: u32,
}

#[derive(Serialize, ToSchema)]
pub struct HeatMapDto {
    pub matrix: RiskMatrixDto,
    /// Every cell, likelihood 1..n × consequence 1..m, before measures.
    pub inherent: Vec<HeatCellDto>,
    /// After planned measures.
    pub residual: Vec<HeatCellDto>,
}

fn cells(m: &RiskMatrix, counts: &[tillit_app::views::CellCount]) -> Vec<HeatCellDto> {
    let grid = m.heat_map(counts.iter().map(|c| (c.point, c.count)));
    let mut out = Vec::new();
    for l in 1..=m.likelihoods {
        for c in 1..=m.consequences {
            let p = tillit_domain::risk::RiskPoint {
                likelihood: l,
                consequence: c,
            };
            out.push(HeatCellDto {
                likelihood: l,
                consequence: c,
                score: m.score(p),
                above_tolerance: m.above_tolerance(p),
                count: grid[usize::from(l - 1)][usize::from(c - 1)],
            });
        }
    }
    out
}

/// The heat map of all the organisation's scenarios, or of one analysis (`analysis_id`).
#[utoipa::path(get, path = "/api/v1/heat-map", params(("analysis_id" = Option<String>, Query)), responses((status = 200, body = HeatMapDto), (status = 404, body = Problem)))]
pub async fn heat_map(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<HeatMapDto>> {
    m.require(Permission::ViewRegisters)?;
    let analysis = q.get("analysis_id").filter(|s| !s.is_empty());
    if let Some(a) = analysis {
        tillit_app::risk::risk_analysis(&state.app, &m.who, a).await?;
    }
    let matrix = tillit_app::risk::risk_matrix(&state.app, &m.who).await?;
    let inherent =
        tillit_app::risk::heat_counts(&state.app, &m.who, analysis.map(String::as_str), false)
            .await?;
    let residual =
        tillit_app::risk::heat_counts(&state.app, &m.who, analysis.map(String::as_str), true)
            .await?;
    Ok(Json(HeatMapDto {
        inherent: cells(&matrix, &inherent),
        residual: cells(&matrix, &residual),
        matrix: matrix.into(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub owner_name: Option<String>,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub status: String,
    pub cost_sek: Option<i64>,
    pub verification: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub scenario_ids: Vec<String>,
    pub requirements: Vec<String>,
}

impl From<tillit_app::views::Measure> for MeasureDto {
    fn from(x: tillit_app::views::Measure) -> Self {
        let i = x.input;
        MeasureDto {
            overdue: tillit_domain::measure::is_overdue(
                i.due_on.as_deref(),
                i.status,
                chrono::Utc::now().date_naive(),
            ),
            id: x.id,
            title: i.title,
            description: i.description,
            owner_membership_id: i.owner_membership_id,
            owner_name: x.owner_name,
            due_on: i.due_on,
            status: i.status.key().into(),
            cost_sek: i.cost_sek,
            verification: i.verification,
            verified_by: x.verified_by,
            verified_at: x.verified_at,
            scenario_ids: i.scenario_ids,
            requirements: i.requirements.iter().map(|r| r.key()).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeasurePage {
    pub items: Vec<MeasureDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// The action plan: measures, filtered and ordered.
#[utoipa::path(get, path = "/api/v1/measures", params(("q" = Option<String>, Query), ("status" = Option<String>, Query), ("overdue" = Option<bool>, Query), ("order" = Option<String>, Query, description = "due (default), status or owner"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200, body = MeasurePage), (status = 422, body = Problem)))]
pub async fn list_measures(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<MeasurePage>> {
    m.require(Permission::ViewRegisters)?;
    let page = PageRequest::parse(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
    )?;
    let order = match q.get("order").map(String::as_str).unwrap_or("due") {
        "due" => MeasureOrder::Due,
        "status" => MeasureOrder::Status,
        "owner" => MeasureOrder::Owner,
        _ => return Err(ValidationErrors::single("order", Rule::UnknownValue).into()),
    };
    let status = match q.get("status").map(String::as_str).unwrap_or("") {
        "" => None,
        k => Some(
            tillit_domain::measure::MeasureStatus::from_key(k)
                .ok_or_else(|| ValidationErrors::single("status", Rule::UnknownValue))?,
        ),
    };
    let overdue = match q.get("overdue").map(String::as_str).unwrap_or("false") {
        "true" | "1" => true,
        "false" | "0" | "" => false,
        _ => return Err(ValidationErrors::single("overdue", Rule::InvalidFormat).into()),
    };
    let query = MeasureQuery {
        q: q.get("q").cloned(),
        status,
        owner_membership_id: None,
        overdue_on: overdue.then(|| chrono::Utc::now().date_naive().to_string()),
    };
    let list = tillit_app::measures::list_measures(&state.app, &m.who, &query, order, page).await?;
    Ok(Json(MeasurePage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list.items.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a measure (refused unless it traces to a scenario or requirement).
#[utoipa::path(post, path = "/api/v1/measures", request_body = MeasureDraft, responses((status = 201, body = MeasureDto), (status = 422, body = Problem)))]
pub async fn create_measure(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<MeasureDraft>,
) -> AppResult<Response> {
    let x = tillit_app::measures::save_measure(&state.app, &m.who, None, &body).await?;
    Ok((StatusCode::CREATED, Json(MeasureDto::from(x))).into_response())
}

/// One measure.
#[utoipa::path(get, path = "/api/v1/measures/{id}", params(("id" = String, Path)), responses((status = 200, body = MeasureDto), (status = 404, body = Problem)))]
pub async fn get_measure(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<MeasureDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::measures::measure(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces a measure (status, verification, traces …).
#[utoipa::path(put, path = "/api/v1/measures/{id}", params(("id" = String, Path)), request_body = MeasureDraft, responses((status = 200, body = MeasureDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_measure(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MeasureDraft>,
) -> AppResult<Json<MeasureDto>> {
    tillit_app::measures::measure(&state.app, &m.who, &id).await?;
    Ok(Json(
        tillit_app::measures::save_measure(&state.app, &m.who, Some(&id), &body)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserGroupDto {
    pub name: String,
    pub information_needed: String,
    pub reason: String,
    #[serde(default)]
    pub access_rule: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AccessAnalysisDto {
    pub system_id: String,
    pub groups: Vec<UserGroupDto>,
    pub risks_wider: String,
    pub risks_narrower: Option<String>,
    pub access_rules: String,
    pub approved_by: Option<String>,
    pub approved_by_name: Option<String>,
    pub approved_on: Option<String>,
    pub next_review_on: String,
    pub updated_at: String,
}

impl From<tillit_app::views::AccessAnalysis> for AccessAnalysisDto {
    fn from(a: tillit_app::views::AccessAnalysis) -> Self {
        let i = a.input;
        AccessAnalysisDto {
            system_id: a.system_id,
            groups: i
                .groups
                .into_iter()
                .map(|g| UserGroupDto {
                    name: g.name,
                    information_needed: g.information_needed,
                    reason: g.reason,
                    access_rule: g.access_rule,
                })
                .collect(),
            risks_wider: i.risks_wider,
            risks_narrower: i.risks_narrower,
            access_rules: i.access_rules,
            approved_by: i.approved_by,
            approved_by_name: a.approved_by_name,
            approved_on: i.approved_on,
            next_review_on: i.next_review_on,
            updated_at: a.updated_at,
        }
    }
}

/// A system's access-needs analysis (behovs- och riskanalys, PDL 4 kap. 2 §).
#[utoipa::path(get, path = "/api/v1/systems/{id}/access-analysis", params(("id" = String, Path)), responses((status = 200, body = AccessAnalysisDto), (status = 404, body = Problem)))]
pub async fn get_access_analysis(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<AccessAnalysisDto>> {
    m.require(Permission::ViewRegisters)?;
    tillit_app::systems::system(&state.app, &m.who, &id).await?;
    let a = tillit_app::access::access_analysis(&state.app, &m.who, &id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(Json(a.into()))
}

/// Saves a system's access-needs analysis.
#[utoipa::path(put, path = "/api/v1/systems/{id}/access-analysis", params(("id" = String, Path)), request_body = AccessAnalysisDraft, responses((status = 200, body = AccessAnalysisDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_access_analysis(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AccessAnalysisDraft>,
) -> AppResult<Json<AccessAnalysisDto>> {
    Ok(Json(
        tillit_app::access::save_access_analysis(&state.app, &m.who, &id, &body)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct GapItemDto {
    pub label: String,
    pub detail: String,
    /// The page where it is fixed.
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct GapDto {
    /// e.g. unclassified_asset, untreated_risk, overdue_measure, missing_access_analysis
    pub kind: String,
    pub count: i64,
    /// The first few.
    pub items: Vec<GapItemDto>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpDto {
    pub gaps: Vec<GapDto>,
    pub assets: i64,
    pub unclassified_assets: i64,
    pub systems: i64,
    pub scenarios_above_tolerance: i64,
    pub open_measures: i64,
    pub overdue_measures: i64,
    pub compliance_percent: Option<i64>,
}

/// The gaps to close and today's key figures.
#[utoipa::path(get, path = "/api/v1/follow-up", responses((status = 200, body = FollowUpDto)))]
pub async fn follow_up(State(state): State<AppState>, m: Member) -> AppResult<Json<FollowUpDto>> {
    m.require(Permission::ViewRegisters)?;
    let (gaps, f) = crate::pages::followup::gaps_now(&state, &m).await?;
    Ok(Json(FollowUpDto {
        gaps: gaps
            .into_iter()
            .map(|g| GapDto {
                kind: g.kind.key().replace('-', "_"),
                count: g.count,
                items: g
                    .items
                    .into_iter()
                    .map(|i| GapItemDto {
                        label: i.label,
                        detail: i.detail,
                        href: i.href,
                    })
                    .collect(),
            })
            .collect(),
        assets: f.assets,
        unclassified_assets: f.unclassified_assets,
        systems: f.systems,
        scenarios_above_tolerance: f.scenarios_above_tolerance,
        open_measures: f.open_measures,
        overdue_measures: f.overdue_measures,
        compliance_percent: f.compliance_percent,
    }))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationsBody {
    /// The systems this one sends information to or exchanges it with.
    pub integration_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SystemRefDto {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationsDto {
    /// Systems this one integrates with.
    pub integrates_with: Vec<SystemRefDto>,
    /// Systems that integrate with this one.
    pub integrated_from: Vec<SystemRefDto>,
}

async fn integrations_dto(state: &AppState, m: &Member, id: &str) -> AppResult<IntegrationsDto> {
    let (to, from) = tillit_app::systems::integrations(&state.app, &m.who, id).await?;
    let refs = |v: Vec<(String, String)>| {
        v.into_iter()
            .map(|(id, name)| SystemRefDto { id, name })
            .collect()
    };
    Ok(IntegrationsDto {
        integrates_with: refs(to),
        integrated_from: refs(from),
    })
}

/// A system's integrations, both ways.
#[utoipa::path(get, path = "/api/v1/systems/{id}/integrations", params(("id" = String, Path)), responses((status = 200, body = IntegrationsDto), (status = 404, body = Problem)))]
pub async fn get_integrations(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<IntegrationsDto>> {
    m.require(Permission::ViewRegisters)?;
    tillit_app::systems::system(&state.app, &m.who, &id).await?;
    Ok(Json(integrations_dto(&state, &m, &id).await?))
}

/// Replaces the systems a system integrates with.
#[utoipa::path(put, path = "/api/v1/systems/{id}/integrations", params(("id" = String, Path)), request_body = IntegrationsBody, responses((status = 200, body = IntegrationsDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_integrations(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<IntegrationsBody>,
) -> AppResult<Json<IntegrationsDto>> {
    m.require(Permission::EditRegisters)?;
    tillit_app::systems::set_integrations(&state.app, &m.who, &id, &body.integration_ids).await?;
    Ok(Json(integrations_dto(&state, &m, &id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewDto {
    /// YYYY-MM-DD
    pub reviewed_on: Option<String>,
    pub next_review_on: Option<String>,
}

async fn review(
    state: &AppState,
    m: &Member,
    what: tillit_app::views::Reviewed,
    id: &str,
) -> AppResult<Json<ReviewDto>> {
    let (reviewed_on, next_review_on) =
        tillit_app::followup::mark_reviewed(&state.app, &m.who, what, id).await?;
    Ok(Json(ReviewDto {
        reviewed_on,
        next_review_on,
    }))
}

/// Records that an information asset was reviewed today.
#[utoipa::path(post, path = "/api/v1/assets/{id}/review", params(("id" = String, Path)), responses((status = 200, body = ReviewDto), (status = 404, body = Problem)))]
pub async fn review_asset(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<ReviewDto>> {
    review(&state, &m, tillit_app::views::Reviewed::Asset, &id).await
}

/// Records that a system was reviewed today.
#[utoipa::path(post, path = "/api/v1/systems/{id}/review", params(("id" = String, Path)), responses((status = 200, body = ReviewDto), (status = 404, body = Problem)))]
pub async fn review_system(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<ReviewDto>> {
    review(&state, &m, tillit_app::views::Reviewed::System, &id).await
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceLinkBody {
    /// An http(s) address of the evidence.
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceDto {
    pub id: String,
    /// link or file
    pub kind: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
    pub added_by: String,
    pub added_at: String,
}

impl From<tillit_app::views::Evidence> for EvidenceDto {
    fn from(e: tillit_app::views::Evidence) -> Self {
        EvidenceDto {
            id: e.id,
            kind: e.kind,
            url: e.url,
            file_name: e.file_name,
            sha256: e.sha256,
            added_by: e.added_by,
            added_at: e.added_at,
        }
    }
}

async fn add_link(
    state: &AppState,
    m: &Member,
    system_id: Option<&str>,
    rid: &str,
    body: &EvidenceLinkBody,
) -> AppResult<Response> {
    let e =
        tillit_app::assessments::add_evidence_link(&state.app, &m.who, system_id, rid, &body.url)
            .await?;
    Ok((StatusCode::CREATED, Json(EvidenceDto::from(e))).into_response())
}

/// Adds a link as evidence to a system's assessment of a requirement (assess it first).
#[utoipa::path(post, path = "/api/v1/systems/{id}/requirements/{rid}/evidence", params(("id" = String, Path), ("rid" = String, Path)), request_body = EvidenceLinkBody, responses((status = 201, body = EvidenceDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_system_evidence(
    State(state): State<AppState>,
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<EvidenceLinkBody>,
) -> AppResult<Response> {
    add_link(&state, &m, Some(&id), &rid, &body).await
}

/// Adds a link as evidence to the organisation-wide assessment of a requirement.
#[utoipa::path(post, path = "/api/v1/requirements/{rid}/evidence", params(("rid" = String, Path)), request_body = EvidenceLinkBody, responses((status = 201, body = EvidenceDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_org_evidence(
    State(state): State<AppState>,
    m: Member,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<EvidenceLinkBody>,
) -> AppResult<Response> {
    add_link(&state, &m, None, &rid, &body).await
}
