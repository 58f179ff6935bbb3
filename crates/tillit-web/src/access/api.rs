//! The API of a system's access-needs analysis (behovs- och riskanalys, HSLF-FS 2016:40 4 kap.
//! 2 §; PDL 4 kap. 2 §).

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use axum::extract::Path;
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_domain::access::AccessAnalysisDraft;
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserGroupDto {
    pub name: String,
    pub information_needed: String,
    pub reason: String,
    #[serde(default)]
    pub access_rule: Option<String>,
}

/// Where a system's access-needs analysis stands.
#[derive(Serialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum AccessAnalysisStatus {
    /// No analysis has been written for the system.
    Missing,
    /// Written, but no information owner has approved it.
    NotApproved,
    /// An information owner has been asked to approve it and has not yet answered.
    AwaitingApproval,
    /// Approved, and the next review is not yet due.
    Approved,
    /// Approved, but the date for the next review has passed.
    ReviewOverdue,
}

/// A system's access-needs analysis. A system without one is answered with the status `missing`
/// and no content, so a client can tell "not written" from "no such system" (404).
#[derive(Serialize, ToSchema)]
pub struct AccessAnalysisDto {
    pub system_id: String,
    pub status: AccessAnalysisStatus,
    pub groups: Vec<UserGroupDto>,
    pub risks_wider: Option<String>,
    pub risks_narrower: Option<String>,
    pub access_rules: Option<String>,
    pub approved_by: Option<String>,
    pub approved_by_name: Option<String>,
    pub approved_on: Option<String>,
    /// When the information owner signed the approval.
    pub approval_signed_at: Option<String>,
    /// Who asked the owner to approve, while it waits.
    pub approval_requested_by: Option<String>,
    pub next_review_on: Option<String>,
    pub updated_at: Option<String>,
}

impl AccessAnalysisDto {
    fn missing(system_id: &SystemId) -> Self {
        AccessAnalysisDto {
            system_id: system_id.as_str().to_string(),
            status: AccessAnalysisStatus::Missing,
            groups: Vec::new(),
            risks_wider: None,
            risks_narrower: None,
            access_rules: None,
            approved_by: None,
            approved_by_name: None,
            approved_on: None,
            approval_signed_at: None,
            approval_requested_by: None,
            next_review_on: None,
            updated_at: None,
        }
    }
}

impl From<tillit_app::views::AccessAnalysis> for AccessAnalysisDto {
    fn from(a: tillit_app::views::AccessAnalysis) -> Self {
        let i = a.input;
        let today = tillit_app::today();
        let status = match (&i.approved_by, &i.approved_on) {
            (Some(_), Some(_)) if a.approval_signed_at.is_none() => {
                AccessAnalysisStatus::AwaitingApproval
            }
            (Some(_), Some(_)) if i.next_review_on.as_str() < today.as_str() => {
                AccessAnalysisStatus::ReviewOverdue
            }
            (Some(_), Some(_)) => AccessAnalysisStatus::Approved,
            _ => AccessAnalysisStatus::NotApproved,
        };
        AccessAnalysisDto {
            system_id: a.system_id,
            status,
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
            risks_wider: Some(i.risks_wider),
            risks_narrower: i.risks_narrower,
            access_rules: Some(i.access_rules),
            approved_by: i.approved_by,
            approved_by_name: a.approved_by_name,
            approved_on: i.approved_on,
            approval_signed_at: a.approval_signed_at,
            approval_requested_by: a.approval_requested_by,
            next_review_on: Some(i.next_review_on),
            updated_at: Some(a.updated_at),
        }
    }
}

/// A system's access-needs analysis (behovs- och riskanalys, HSLF-FS 2016:40 4 kap. 2 §; the
/// conditions for access, PDL 4 kap. 2 §).
#[utoipa::path(get, path = "/api/v1/systems/{id}/access-analysis", params(("id" = String, Path)), responses((status = 200, body = AccessAnalysisDto), (status = 404, body = Problem)))]
pub async fn get_access_analysis(
    m: Member,
    Path(id): Path<SystemId>,
) -> AppResult<Json<AccessAnalysisDto>> {
    m.require(Permission::ViewRegisters)?;
    tillit_app::systems::system(m.app(), &m.who, &id).await?;
    Ok(Json(
        match tillit_app::access::access_analysis(m.app(), &m.who, &id).await? {
            Some(a) => a.into(),
            None => AccessAnalysisDto::missing(&id),
        },
    ))
}

/// Saves a system's access-needs analysis.
#[utoipa::path(put, path = "/api/v1/systems/{id}/access-analysis", params(("id" = String, Path)), request_body = AccessAnalysisDraft, responses((status = 200, body = AccessAnalysisDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_access_analysis(
    m: Member,
    Path(id): Path<SystemId>,
    ApiJson(body): ApiJson<AccessAnalysisDraft>,
) -> AppResult<Json<AccessAnalysisDto>> {
    Ok(Json(
        tillit_app::access::save_access_analysis(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// The information owner's answer to a request to approve the system's access-needs analysis:
/// only the member asked may answer (403 for anyone else, and while the system has no analysis).
/// `accept` signs the approval today;
/// `decline` (with a note saying why, kept in the audit trail) leaves it unapproved.
#[utoipa::path(post, path = "/api/v1/systems/{id}/access-analysis/approval", params(("id" = String, Path)), request_body = tillit_domain::risk::AcceptanceAnswerDraft, responses((status = 200, body = AccessAnalysisDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn answer_approval(
    m: Member,
    Path(id): Path<SystemId>,
    ApiJson(body): ApiJson<tillit_domain::risk::AcceptanceAnswerDraft>,
) -> AppResult<Json<AccessAnalysisDto>> {
    Ok(Json(
        tillit_app::access::answer_approval(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}
