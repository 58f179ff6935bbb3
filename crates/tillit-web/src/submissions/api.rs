//! Submissions in the API.

use crate::context::Member;
use crate::error::AppResult;
use axum::Json;
use tillit_domain::role::Permission;

/// The status report the organisation would submit today: exactly what would leave it (counts,
/// per cent, dates and its own facts), before anything is signed.
#[utoipa::path(get, path = "/api/v1/submission-preview", responses((status = 200, body = Object)))]
pub async fn preview(m: Member) -> AppResult<Json<serde_json::Value>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::submissions::status_report(m.app(), &m.who).await?,
    ))
}

/// A submission sent.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubmissionDto {
    pub id: String,
    /// SHA-256 of the content's canonical form.
    pub sha256: String,
    pub key_id: String,
    pub submitted_at: String,
    pub submitted_by: String,
    /// The authorities it was sent to, by name.
    pub recipients: String,
    /// The submission it superseded.
    pub supersedes: Option<String>,
}

impl From<tillit_app::views::Submission> for SubmissionDto {
    fn from(s: tillit_app::views::Submission) -> Self {
        SubmissionDto {
            id: s.id,
            sha256: s.sha256,
            key_id: s.key_id,
            submitted_at: s.submitted_at,
            submitted_by: s.submitted_by_name,
            recipients: s.recipients,
            supersedes: s.supersedes,
        }
    }
}

/// The organisation's submissions, newest first.
#[utoipa::path(get, path = "/api/v1/submissions", responses((status = 200, body = Vec<SubmissionDto>)))]
pub async fn list(m: Member) -> AppResult<Json<Vec<SubmissionDto>>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::submissions::submissions(m.app(), &m.who)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Signs today's status report with the organisation's key and sends it to the authorities
/// named (administrator or coordinator); it supersedes the previous submission.
#[utoipa::path(post, path = "/api/v1/submissions", request_body = tillit_domain::submission::SubmitDraft, responses((status = 201, body = SubmissionDto)))]
pub async fn submit(
    m: Member,
    crate::forms::ApiJson(body): crate::forms::ApiJson<tillit_domain::submission::SubmitDraft>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    m.require(Permission::Submit)?;
    let id = tillit_app::submissions::submit(m.app(), &m.who, &body).await?;
    let (s, _, _) = tillit_app::submissions::submission(m.app(), &m.who, &id).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(SubmissionDto::from(s)),
    )
        .into_response())
}

/// One submission: the signed file as it was sent (`tillit-submission/1`).
#[utoipa::path(get, path = "/api/v1/submissions/{id}", params(("id" = String, Path)), responses((status = 200, body = Object)))]
pub async fn get_one(
    m: Member,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    m.require(Permission::ViewRegisters)?;
    let (_, envelope, _) = tillit_app::submissions::submission(m.app(), &m.who, &id).await?;
    Ok(Json(
        serde_json::from_str(&envelope).map_err(crate::error::AppError::internal)?,
    ))
}

/// A provider's submission schedule.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ScheduleDto {
    /// `none`, `monthly`, `quarterly`, `half_yearly` or `yearly`.
    pub period: String,
    pub authority_ids: Vec<String>,
    /// YYYY-MM-DD: when the next submission is due (null without a schedule).
    pub next_due: Option<String>,
    /// YYYY-MM-DD: the latest submission.
    pub latest: Option<String>,
}

async fn schedule_dto(m: &Member) -> AppResult<ScheduleDto> {
    Ok(
        match tillit_app::submissions::schedule(m.app(), &m.who).await? {
            None => ScheduleDto {
                period: "none".into(),
                authority_ids: vec![],
                next_due: None,
                latest: None,
            },
            Some(s) => ScheduleDto {
                period: tillit_domain::submission::PERIODS
                    .iter()
                    .find(|p| p.1 == s.period_months)
                    .map(|p| p.0)
                    .unwrap_or("none")
                    .to_string(),
                authority_ids: s.authorities.into_iter().map(|a| a.0).collect(),
                next_due: Some(s.next_due.to_string()),
                latest: s.latest.map(|d| d.to_string()),
            },
        },
    )
}

/// The organisation's submission schedule and when the next submission is due.
#[utoipa::path(get, path = "/api/v1/submission-schedule", responses((status = 200, body = ScheduleDto)))]
pub async fn get_schedule(m: Member) -> AppResult<Json<ScheduleDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(schedule_dto(&m).await?))
}

/// Sets the submission schedule (administrator or coordinator): a period and the authorities;
/// `none` removes it. The overview and the menu remind the organisation two weeks before.
#[utoipa::path(put, path = "/api/v1/submission-schedule", request_body = tillit_domain::submission::ScheduleDraft, responses((status = 200, body = ScheduleDto)))]
pub async fn put_schedule(
    m: Member,
    crate::forms::ApiJson(body): crate::forms::ApiJson<tillit_domain::submission::ScheduleDraft>,
) -> AppResult<Json<ScheduleDto>> {
    m.require(Permission::Submit)?;
    tillit_app::submissions::set_schedule(m.app(), &m.who, &body).await?;
    Ok(Json(schedule_dto(&m).await?))
}
