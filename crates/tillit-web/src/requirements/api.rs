//! The API of the requirements that apply (and why), their self-assessment and its evidence.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tillit_domain::assessment::AssessmentDraft;
use tillit_domain::ids::*;
use tillit_domain::requirements::Trigger;
use tillit_domain::role::Permission;
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
    /// ISO/IEC 27001:2022 clause numbers (a risk analysis cites 6.1.2 and 8.2).
    pub iso_iec_27001: Vec<String>,
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

pub async fn requirement_statuses(
    m: &Member,
    system_id: Option<&str>,
    triggers: &[Trigger],
) -> AppResult<Vec<RequirementStatusDto>> {
    let assessed: HashMap<String, tillit_app::views::Assessment> =
        tillit_app::assessments::assessments(m.app(), &m.who, system_id)
            .await?
            .into_iter()
            .map(|a| (a.requirement_id.clone(), a))
            .collect();
    let lang = m.ctx.tr.lang();
    Ok(m.app()
        .library(&m.who)
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
                iso_iec_27001: r.iso27001.clone(),
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
    m: Member,
    Path(id): Path<SystemId>,
) -> AppResult<Json<Vec<RequirementStatusDto>>> {
    m.require(Permission::ViewRegisters)?;
    let sys = tillit_app::systems::system(m.app(), &m.who, &id).await?;
    let (facts, _) = tillit_app::assessments::org_context(m.app(), &m.who).await?;
    let triggers = tillit_app::assessments::system_triggers(&sys, &facts);
    Ok(Json(
        requirement_statuses(&m, Some(id.as_str()), &triggers).await?,
    ))
}

/// The organisation-wide requirements and their assessment.
#[utoipa::path(get, path = "/api/v1/requirements", responses((status = 200, body = [RequirementStatusDto])))]
pub async fn organisation_requirements(m: Member) -> AppResult<Json<Vec<RequirementStatusDto>>> {
    m.require(Permission::ViewRegisters)?;
    let (facts, _) = tillit_app::assessments::org_context(m.app(), &m.who).await?;
    let triggers = tillit_app::assessments::organisation_triggers(&facts);
    Ok(Json(requirement_statuses(&m, None, &triggers).await?))
}

pub async fn assess(
    m: &Member,
    system_id: Option<&str>,
    rid: &str,
    body: &AssessmentDraft,
) -> AppResult<Json<AssessmentDto>> {
    Ok(Json(
        tillit_app::assessments::assess(m.app(), &m.who, system_id, rid, body)
            .await?
            .into(),
    ))
}

/// Records the assessment of a requirement that applies to a system.
#[utoipa::path(put, path = "/api/v1/systems/{id}/requirements/{rid}/assessment", params(("id" = String, Path), ("rid" = String, Path)), request_body = AssessmentDraft, responses((status = 200, body = AssessmentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn assess_system_requirement(
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<AssessmentDraft>,
) -> AppResult<Json<AssessmentDto>> {
    assess(&m, Some(&id), &rid, &body).await
}

/// Records the organisation-wide assessment of a requirement.
#[utoipa::path(put, path = "/api/v1/requirements/{rid}/assessment", params(("rid" = String, Path)), request_body = AssessmentDraft, responses((status = 200, body = AssessmentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn assess_org_requirement(
    m: Member,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<AssessmentDraft>,
) -> AppResult<Json<AssessmentDto>> {
    assess(&m, None, &rid, &body).await
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
            id: e.id.into(),
            kind: e.kind,
            url: e.url,
            file_name: e.file_name,
            sha256: e.sha256,
            added_by: e.added_by,
            added_at: e.added_at,
        }
    }
}

pub async fn add_link(
    m: &Member,
    system_id: Option<&str>,
    rid: &str,
    body: &EvidenceLinkBody,
) -> AppResult<Response> {
    let e = tillit_app::assessments::add_evidence_link(m.app(), &m.who, system_id, rid, &body.url)
        .await?;
    Ok((StatusCode::CREATED, Json(EvidenceDto::from(e))).into_response())
}

/// Adds a link as evidence to a system's assessment of a requirement (assess it first).
#[utoipa::path(post, path = "/api/v1/systems/{id}/requirements/{rid}/evidence", params(("id" = String, Path), ("rid" = String, Path)), request_body = EvidenceLinkBody, responses((status = 201, body = EvidenceDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_system_evidence(
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<EvidenceLinkBody>,
) -> AppResult<Response> {
    add_link(&m, Some(&id), &rid, &body).await
}

/// Adds a link as evidence to the organisation-wide assessment of a requirement.
#[utoipa::path(post, path = "/api/v1/requirements/{rid}/evidence", params(("rid" = String, Path)), request_body = EvidenceLinkBody, responses((status = 201, body = EvidenceDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_org_evidence(
    m: Member,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<EvidenceLinkBody>,
) -> AppResult<Response> {
    add_link(&m, None, &rid, &body).await
}
