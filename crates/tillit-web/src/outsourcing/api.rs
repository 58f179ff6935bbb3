//! Outsourcing cases in the API: the case, its assessment (as the engine gives it) and its
//! decisions; the rule set.

#[allow(unused_imports)]
use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{ApiJson, Params};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_app::views::{Decision, OutsourcingCase};
use tillit_domain::outsourcing_case::{CaseDraft, DecisionDraft};
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct CaseDto {
    pub id: String,
    pub title: String,
    /// The diary reference (diarienummer).
    pub reference: Option<String>,
    /// The member who prepares the case (a membership id) and their name.
    pub prepared_by: Option<String>,
    pub prepared_by_name: Option<String>,
    pub supplier_id: String,
    pub supplier_name: String,
    pub service: Option<String>,
    pub system_ids: Vec<String>,
    pub asset_ids: Vec<String>,
    /// The answers given in the case (facts by name).
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// The latest decision's outcome, if decided.
    pub decided: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<OutsourcingCase> for CaseDto {
    fn from(c: OutsourcingCase) -> Self {
        CaseDto {
            answers: serde_json::to_value(&c.input.answers).unwrap_or_default(),
            decided: c.decided.map(|(o, _)| o),
            id: c.id,
            title: c.input.title,
            reference: c.input.reference,
            prepared_by: c.input.prepared_by,
            prepared_by_name: c.prepared_by_name,
            supplier_id: c.input.supplier_id,
            supplier_name: c.supplier_name,
            service: c.input.service,
            system_ids: c.input.system_ids,
            asset_ids: c.input.asset_ids,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A case in the list, with the assessment as it stands today.
#[derive(Serialize, ToSchema)]
pub struct CaseListItem {
    #[serde(flatten)]
    pub case: CaseDto,
    /// Today's recommendation: suitable, suitable_with_conditions, unsuitable or
    /// another_ground_needed.
    pub recommendation: String,
    /// Whether the answers settle the recommendation (no open question could change it).
    pub determined: bool,
    /// The latest decision rests on other facts or another rule-set version than today's.
    pub needs_reassessment: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseListItem>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionDto {
    pub id: String,
    pub decided_by: String,
    pub decided_by_name: String,
    pub decided_at: String,
    /// approved, approved_with_conditions or rejected
    pub outcome: String,
    pub motivation: String,
    pub conditions: Vec<String>,
    /// YYYY-MM-DD: when the conditions are to be met.
    pub conditions_due_on: Option<String>,
    /// The facts the decision rested on, whole.
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    pub facts_sha256: String,
    pub rule_set_id: String,
    pub rule_set_version: String,
    pub recommendation: String,
    /// The delegation the decision was made under, as written.
    pub delegation: Option<String>,
}

impl From<Decision> for DecisionDto {
    fn from(d: Decision) -> Self {
        DecisionDto {
            conditions: serde_json::from_str(&d.conditions).unwrap_or_default(),
            facts: serde_json::from_str(&d.facts).unwrap_or_default(),
            conditions_due_on: d.conditions_due_on,
            id: d.id,
            decided_by: d.decided_by,
            decided_by_name: d.decided_by_name,
            decided_at: d.decided_at,
            delegation: d.delegation,
            outcome: d.outcome,
            motivation: d.motivation,
            facts_sha256: d.facts_sha256,
            rule_set_id: d.rule_set_id,
            rule_set_version: d.rule_set_version,
            recommendation: d.recommendation,
        }
    }
}

/// A case with its assessment today and its decisions.
#[derive(Serialize, ToSchema)]
pub struct CaseAssessmentDto {
    pub case: CaseDto,
    /// The facts assessed: the registers', and the case's answers where the registers do not tell.
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    /// Which facts came from the registers.
    pub from_registers: Vec<String>,
    /// The engine's assessment: question, recommendation, findings with provisions, open
    /// questions, conditions (most effective first), residual risks, confidence.
    #[schema(value_type = Object)]
    pub assessment: serde_json::Value,
    pub decisions: Vec<DecisionDto>,
    /// The measures the decisions' conditions became, with their status today.
    pub measures: Vec<DecisionMeasureDto>,
    /// The latest decision rests on other facts or another rule-set version than today's.
    pub needs_reassessment: bool,
}

/// A measure a decision's condition became.
#[derive(Serialize, ToSchema)]
pub struct DecisionMeasureDto {
    pub id: String,
    pub title: String,
    /// planned, in_progress, done or verified
    pub status: String,
    pub due_on: Option<String>,
    pub decision_id: String,
}

/// Outsourcing cases.
#[utoipa::path(get, path = "/api/v1/outsourcing-cases",
    params(("q" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = CasePage), (status = 422, body = Problem)))]
pub async fn list_cases(
    m: Member,
    Params(p): Params<tillit_app::outsourcing::CaseListParams>,
) -> AppResult<Json<CasePage>> {
    m.require(Permission::ViewRegisters)?;
    let (q, page) = p.parse()?;
    let list =
        tillit_app::outsourcing::list_case_summaries(m.app(), &m.who, q.as_deref(), page).await?;
    Ok(Json(CasePage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list
            .items
            .into_iter()
            .map(|x| CaseListItem {
                recommendation: x.assessment.recommendation.key().to_string(),
                determined: x.assessment.determined,
                needs_reassessment: x.needs_reassessment,
                case: x.case.into(),
            })
            .collect(),
    }))
}

/// Opens an outsourcing case.
#[utoipa::path(post, path = "/api/v1/outsourcing-cases", request_body = CaseDraft, responses((status = 201, body = CaseDto), (status = 422, body = Problem)))]
pub async fn create_case(m: Member, ApiJson(body): ApiJson<CaseDraft>) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let c = tillit_app::outsourcing::create_case(m.app(), &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(CaseDto::from(c))).into_response())
}

/// A case with its assessment and decisions.
#[utoipa::path(get, path = "/api/v1/outsourcing-cases/{id}", params(("id" = String, Path)), responses((status = 200, body = CaseAssessmentDto), (status = 404, body = Problem)))]
pub async fn get_case(m: Member, Path(id): Path<String>) -> AppResult<Json<CaseAssessmentDto>> {
    m.require(Permission::ViewRegisters)?;
    let v = tillit_app::outsourcing::case(m.app(), &m.who, &id).await?;
    let needs_reassessment = v.needs_reassessment();
    Ok(Json(CaseAssessmentDto {
        facts: serde_json::to_value(&v.facts).unwrap_or_default(),
        from_registers: v.registers.0.keys().cloned().collect(),
        assessment: serde_json::to_value(&v.assessment).unwrap_or_default(),
        decisions: v.decisions.into_iter().map(Into::into).collect(),
        measures: v
            .measures
            .into_iter()
            .map(|x| DecisionMeasureDto {
                id: x.id,
                title: x.title,
                status: x.status,
                due_on: x.due_on,
                decision_id: x.decision_id,
            })
            .collect(),
        case: v.case.into(),
        needs_reassessment,
    }))
}

/// Replaces a case's facts and answers.
#[utoipa::path(put, path = "/api/v1/outsourcing-cases/{id}", params(("id" = String, Path)), request_body = CaseDraft, responses((status = 200, body = CaseDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_case(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CaseDraft>,
) -> AppResult<Json<CaseDto>> {
    m.require(Permission::EditRegisters)?;
    let c = tillit_app::outsourcing::update_case(m.app(), &m.who, &id, &body).await?;
    Ok(Json(c.into()))
}

/// Records the decision maker's decision (an information owner).
#[utoipa::path(post, path = "/api/v1/outsourcing-cases/{id}/decision", params(("id" = String, Path)), request_body = DecisionDraft, responses((status = 201, body = DecisionDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionDraft>,
) -> AppResult<Response> {
    let d = tillit_app::outsourcing::decide(m.app(), &m.who, &id, &body, m.ctx.tr.lang()).await?;
    Ok((StatusCode::CREATED, Json(DecisionDto::from(d))).into_response())
}

/// The outsourcing rule set in use, as written.
#[utoipa::path(get, path = "/api/v1/outsourcing-rules", responses((status = 200, body = Object)))]
pub async fn rules(m: Member) -> AppResult<Json<serde_json::Value>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        serde_json::to_value(m.app().rules.as_ref()).unwrap_or_default(),
    ))
}
