//! The API of the risk matrix, risk analyses, scenarios and heat maps.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::forms::Params;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_domain::ids::*;
use tillit_domain::paging::PageRequest;
use tillit_domain::risk::{RiskAnalysisDraft, RiskMatrix, RiskMatrixDraft, ScenarioDraft};
use tillit_domain::role::Permission;
use utoipa::ToSchema;

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
pub async fn get_risk_matrix(m: Member) -> AppResult<Json<RiskMatrixDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::risk::risk_matrix(m.app(), &m.who).await?.into(),
    ))
}

/// Sets the risk matrix; a scale cannot shrink below values scenarios use.
#[utoipa::path(put, path = "/api/v1/risk-matrix", request_body = RiskMatrixDraft, responses((status = 200, body = RiskMatrixDto), (status = 422, body = Problem)))]
pub async fn put_risk_matrix(
    m: Member,
    ApiJson(body): ApiJson<RiskMatrixDraft>,
) -> AppResult<Json<RiskMatrixDto>> {
    Ok(Json(
        tillit_app::risk::set_risk_matrix(m.app(), &m.who, &body)
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
            id: a.id.into(),
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

/// The query parameters of `list_risk_analyses`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListRiskAnalysesParams {
    /// yes: the archived analyses instead of those in use
    pub archived: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// Risk analyses, newest first.
#[utoipa::path(get, path = "/api/v1/risk-analyses", params(("archived" = Option<String>, Query, description = "yes: the archived analyses instead of those in use"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200, body = RiskAnalysisPage)))]
pub async fn list_risk_analyses(
    m: Member,
    Params(q): Params<ListRiskAnalysesParams>,
) -> AppResult<Json<RiskAnalysisPage>> {
    m.require(Permission::ViewRegisters)?;
    let page = PageRequest::parse(q.page.as_deref(), q.per_page.as_deref())?;
    let archived = crate::archive::archived_param(q.archived.as_deref())?;
    let list = tillit_app::risk::list_risk_analyses(m.app(), &m.who, archived, page).await?;
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
    m: Member,
    ApiJson(body): ApiJson<RiskAnalysisDraft>,
) -> AppResult<Response> {
    let a = tillit_app::risk::save_risk_analysis(m.app(), &m.who, None, &body).await?;
    Ok((StatusCode::CREATED, Json(RiskAnalysisDto::from(a))).into_response())
}

/// One risk analysis.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}", params(("id" = String, Path)), responses((status = 200, body = RiskAnalysisDto), (status = 404, body = Problem)))]
pub async fn get_risk_analysis(
    m: Member,
    Path(id): Path<AnalysisId>,
) -> AppResult<Json<RiskAnalysisDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::risk::risk_analysis(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces a risk analysis's facts (counts as a review).
#[utoipa::path(put, path = "/api/v1/risk-analyses/{id}", params(("id" = String, Path)), request_body = RiskAnalysisDraft, responses((status = 200, body = RiskAnalysisDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_risk_analysis(
    m: Member,
    Path(id): Path<AnalysisId>,
    ApiJson(body): ApiJson<RiskAnalysisDraft>,
) -> AppResult<Json<RiskAnalysisDto>> {
    Ok(Json(
        tillit_app::risk::save_risk_analysis(m.app(), &m.who, Some(&id), &body)
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
    /// When the information owner signed the acceptance; null with `accepted_by` set: the
    /// decision waits on that owner.
    pub acceptance_signed_at: Option<String>,
    /// Who asked the owner for the decision, while it waits.
    pub acceptance_requested_by: Option<String>,
}

fn scenario_dto(s: tillit_app::views::Scenario, m: &RiskMatrix) -> ScenarioDto {
    let x = s.input;
    ScenarioDto {
        id: s.id.into(),
        analysis_id: s.analysis_id.into(),
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
        acceptance_signed_at: s.acceptance_signed_at,
        acceptance_requested_by: s.acceptance_requested_by,
    }
}

/// The scenarios of an analysis, highest residual risk first.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}/scenarios", params(("id" = String, Path)), responses((status = 200, body = [ScenarioDto]), (status = 404, body = Problem)))]
pub async fn list_scenarios(
    m: Member,
    Path(id): Path<AnalysisId>,
) -> AppResult<Json<Vec<ScenarioDto>>> {
    m.require(Permission::ViewRegisters)?;
    tillit_app::risk::risk_analysis(m.app(), &m.who, &id).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    Ok(Json(
        tillit_app::risk::scenarios(m.app(), &m.who, &id)
            .await?
            .into_iter()
            .map(|s| scenario_dto(s, &matrix))
            .collect(),
    ))
}

/// Adds a scenario to an analysis.
#[utoipa::path(post, path = "/api/v1/risk-analyses/{id}/scenarios", params(("id" = String, Path)), request_body = ScenarioDraft, responses((status = 201, body = ScenarioDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_scenario(
    m: Member,
    Path(id): Path<AnalysisId>,
    ApiJson(body): ApiJson<ScenarioDraft>,
) -> AppResult<Response> {
    let s = tillit_app::risk::save_scenario(m.app(), &m.who, &id, None, &body).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    Ok((StatusCode::CREATED, Json(scenario_dto(s, &matrix))).into_response())
}

/// One scenario.
#[utoipa::path(get, path = "/api/v1/scenarios/{id}", params(("id" = String, Path)), responses((status = 200, body = ScenarioDto), (status = 404, body = Problem)))]
pub async fn get_scenario(m: Member, Path(id): Path<ScenarioId>) -> AppResult<Json<ScenarioDto>> {
    m.require(Permission::ViewRegisters)?;
    let s = tillit_app::risk::scenario(m.app(), &m.who, &id).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    Ok(Json(scenario_dto(s, &matrix)))
}

/// Replaces a scenario (its treatment, residual risk, acceptance …).
#[utoipa::path(put, path = "/api/v1/scenarios/{id}", params(("id" = String, Path)), request_body = ScenarioDraft, responses((status = 200, body = ScenarioDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_scenario(
    m: Member,
    Path(id): Path<ScenarioId>,
    ApiJson(body): ApiJson<ScenarioDraft>,
) -> AppResult<Json<ScenarioDto>> {
    let existing = tillit_app::risk::scenario(m.app(), &m.who, &id).await?;
    let s =
        tillit_app::risk::save_scenario(m.app(), &m.who, &existing.analysis_id, Some(&id), &body)
            .await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    Ok(Json(scenario_dto(s, &matrix)))
}

/// The information owner's answer to a request to accept the risk: only the member asked may
/// answer (403 for anyone else, 404 when nothing waits). `accept` signs the decision today;
/// `decline` (with a note saying why) withdraws it and leaves the risk without a treatment.
#[utoipa::path(post, path = "/api/v1/scenarios/{id}/acceptance", params(("id" = String, Path)), request_body = tillit_domain::risk::AcceptanceAnswerDraft, responses((status = 200, body = ScenarioDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn answer_acceptance(
    m: Member,
    Path(id): Path<ScenarioId>,
    ApiJson(body): ApiJson<tillit_domain::risk::AcceptanceAnswerDraft>,
) -> AppResult<Json<ScenarioDto>> {
    let s = tillit_app::risk::answer_acceptance(m.app(), &m.who, &id, &body).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
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

/// The query parameters of `heat_map`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HeatMapParams {
    pub analysis_id: Option<String>,
}

/// The heat map of all the organisation's scenarios, or of one analysis (`analysis_id`).
#[utoipa::path(get, path = "/api/v1/heat-map", params(("analysis_id" = Option<String>, Query)), responses((status = 200, body = HeatMapDto), (status = 404, body = Problem)))]
pub async fn heat_map(m: Member, Params(q): Params<HeatMapParams>) -> AppResult<Json<HeatMapDto>> {
    m.require(Permission::ViewRegisters)?;
    let analysis = q
        .analysis_id
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(AnalysisId::from);
    if let Some(a) = &analysis {
        tillit_app::risk::risk_analysis(m.app(), &m.who, a).await?;
    }
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let inherent = tillit_app::risk::heat_counts(m.app(), &m.who, analysis.as_ref(), false).await?;
    let residual = tillit_app::risk::heat_counts(m.app(), &m.who, analysis.as_ref(), true).await?;
    Ok(Json(HeatMapDto {
        inherent: cells(&matrix, &inherent),
        residual: cells(&matrix, &residual),
        matrix: matrix.into(),
    }))
}
