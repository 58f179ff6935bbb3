//! The incident register in the API: each incident with the reports it calls for, to whom, by
//! when (an instant in UTC and the same in Swedish time) and on which provision.

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
use tillit_app::incidents::{IncidentView, ObligationView, ReportSentDraft};
use tillit_domain::incident::{Applies, Due};
use tillit_domain::incident_case::{IncidentDraft, IncidentEntryDraft, LessonMeasureDraft};
use tillit_domain::role::Permission;
use tillit_domain::time::swedish_minute;
use utoipa::ToSchema;

/// A report marked sent.
#[derive(Serialize, ToSchema)]
pub struct SentReportDto {
    /// RFC 3339, UTC
    pub sent_at: String,
    pub sent_by: String,
    /// The reference the recipient gave.
    pub reference: Option<String>,
}

/// One report the incident calls for, or why it does not.
#[derive(Serialize, ToSchema)]
pub struct ObligationDto {
    /// nis2_early_warning, imy_notification, controller_notification, nis2_notification,
    /// data_subjects, lex_maria, lex_sarah, nis2_progress_report or nis2_final_report
    pub kind: String,
    /// imy, controller, data_subjects, csirt or ivo
    pub recipient: String,
    /// yes, no or not_yet_known (a fact it depends on is not known: shown as due until it is)
    pub applies: String,
    /// by, without_undue_delay_by, without_undue_delay, snarast or month_after_handled (the final
    /// report after a progress report: within one month of the incident being handled)
    pub due_kind: String,
    /// The deadline, RFC 3339 in UTC, when it has one.
    pub due_at: Option<String>,
    /// The deadline in Swedish time (YYYY-MM-DD HH:MM), when it has one.
    pub due_local: Option<String>,
    /// When the deadline falls on a Saturday, Sunday or public holiday: the next weekday, which
    /// lag (1930:173) may move it to.
    pub next_weekday: Option<String>,
    pub provision: String,
    /// Why it applies or not, as a key (e.g. personal_data_breach, risk_unlikely_documented).
    pub reason: String,
    pub sent: Option<SentReportDto>,
    /// Whether the deadline has passed without the report marked sent.
    pub overdue: bool,
}

fn key<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => o
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

impl From<&ObligationView> for ObligationDto {
    fn from(o: &ObligationView) -> Self {
        let ob = &o.obligation;
        let at = ob.due.at();
        ObligationDto {
            kind: ob.kind.key().to_string(),
            recipient: key(&ob.recipient),
            applies: key(&ob.applies),
            due_kind: match ob.due {
                Due::By { .. } => "by",
                Due::WithoutUndueDelayBy { .. } => "without_undue_delay_by",
                Due::WithoutUndueDelay => "without_undue_delay",
                Due::Snarast => "snarast",
                Due::MonthAfterHandled => "month_after_handled",
            }
            .to_string(),
            due_at: at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            due_local: at.map(swedish_minute),
            next_weekday: ob.next_weekday.map(|d| d.to_string()),
            provision: ob.provision.to_string(),
            reason: key(&ob.reason),
            overdue: o.sent.is_none()
                && ob.applies != Applies::No
                && at.is_some_and(|t| t < chrono::Utc::now()),
            sent: o.sent.as_ref().map(|s| SentReportDto {
                sent_at: s.sent_at.clone(),
                sent_by: s.sent_by_name.clone(),
                reference: s.reference.clone(),
            }),
        }
    }
}

/// An incident with its reporting obligations.
#[derive(Serialize, ToSchema)]
pub struct IncidentDto {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// RFC 3339, UTC
    pub started_at: Option<String>,
    /// RFC 3339, UTC
    pub discovered_at: Option<String>,
    /// When the organisation became aware, RFC 3339 in UTC: the clock of every deadline.
    pub aware_at: String,
    /// open, contained or closed
    pub status: String,
    pub system_ids: Vec<String>,
    pub asset_ids: Vec<String>,
    pub aspects: Vec<String>,
    /// Whether personal data is involved (null: not known yet).
    pub personal_data: Option<bool>,
    pub data_categories: Option<String>,
    pub individuals_approx: Option<i64>,
    pub records_approx: Option<i64>,
    pub cause: Option<String>,
    pub supplier_id: Option<String>,
    pub consequences: Option<String>,
    pub actions_taken: Option<String>,
    /// controller or processor
    pub data_role: String,
    /// unassessed, unlikely, risk or high_risk
    pub breach_risk: String,
    pub risk_motivation: Option<String>,
    pub art34_exception: Option<String>,
    pub significant: Option<bool>,
    pub significance_motivation: Option<String>,
    pub serious_care_injury: Option<bool>,
    pub serious_social_care_wrong: Option<bool>,
    pub lessons: Option<String>,
    /// Every report the facts call for, in the order they fall due, and those they do not, last.
    pub obligations: Vec<ObligationDto>,
    /// The key of the next report to send, if any.
    pub next_due: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl From<IncidentView> for IncidentDto {
    fn from(v: IncidentView) -> Self {
        let next_due = v.next_due().map(|o| o.obligation.kind.key().to_string());
        let obligations = v.obligations.iter().map(ObligationDto::from).collect();
        let x = v.incident;
        let i = x.input;
        IncidentDto {
            id: x.id,
            title: i.title,
            description: i.description,
            started_at: i.started_at.map(instant),
            discovered_at: i.discovered_at.map(instant),
            aware_at: instant(i.aware_at),
            status: i.status,
            system_ids: i.system_ids,
            asset_ids: i.asset_ids,
            aspects: i.aspects,
            personal_data: i.personal_data,
            data_categories: i.data_categories,
            individuals_approx: i.individuals_approx,
            records_approx: i.records_approx,
            cause: i.cause,
            supplier_id: i.supplier_id,
            consequences: i.consequences,
            actions_taken: i.actions_taken,
            data_role: i.data_role,
            breach_risk: i.breach_risk,
            risk_motivation: i.risk_motivation,
            art34_exception: i.art34_exception,
            significant: i.significant,
            significance_motivation: i.significance_motivation,
            serious_care_injury: i.serious_care_injury,
            serious_social_care_wrong: i.serious_social_care_wrong,
            lessons: i.lessons,
            obligations,
            next_due,
            created_at: x.created_at,
            updated_at: x.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IncidentPage {
    pub items: Vec<IncidentDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// The incident register, newest awareness first.
#[utoipa::path(get, path = "/api/v1/incidents",
    params(("q" = Option<String>, Query, description = "text in the title or description"), ("status" = Option<String>, Query, description = "open, contained or closed"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = IncidentPage), (status = 422, body = Problem)))]
pub async fn list_incidents(
    m: Member,
    Params(p): Params<tillit_app::incidents::IncidentListParams>,
) -> AppResult<Json<IncidentPage>> {
    m.require(Permission::ViewRegisters)?;
    let (q, status, page) = p.parse()?;
    let list = tillit_app::incidents::list_incident_views(
        m.app(),
        &m.who,
        q.as_deref(),
        status.as_deref(),
        page,
    )
    .await?;
    Ok(Json(IncidentPage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list.items.into_iter().map(Into::into).collect(),
    }))
}

/// Registers an incident. Its obligations are computed at once from its facts and the
/// organisation's.
#[utoipa::path(post, path = "/api/v1/incidents", request_body = IncidentDraft, responses((status = 201, body = IncidentDto), (status = 422, body = Problem)))]
pub async fn create_incident(
    m: Member,
    ApiJson(body): ApiJson<IncidentDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let v = tillit_app::incidents::create_incident(m.app(), &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(IncidentDto::from(v))).into_response())
}

/// One incident with its obligations.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", params(("id" = String, Path)), responses((status = 200, body = IncidentDto), (status = 404, body = Problem)))]
pub async fn get_incident(m: Member, Path(id): Path<String>) -> AppResult<Json<IncidentDto>> {
    m.require(Permission::ViewRegisters)?;
    let v = tillit_app::incidents::incident(m.app(), &m.who, &id).await?;
    Ok(Json(v.into()))
}

/// Replaces an incident's facts; every obligation is recomputed.
#[utoipa::path(put, path = "/api/v1/incidents/{id}", params(("id" = String, Path)), request_body = IncidentDraft, responses((status = 200, body = IncidentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_incident(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<IncidentDraft>,
) -> AppResult<Json<IncidentDto>> {
    m.require(Permission::EditRegisters)?;
    let v = tillit_app::incidents::update_incident(m.app(), &m.who, &id, &body).await?;
    Ok(Json(v.into()))
}

/// Marks an obligation's report sent: when, and the reference the recipient gave. Tillit does
/// not send reports to the authorities itself.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/reports", params(("id" = String, Path)), request_body = ReportSentDraft, responses((status = 200, body = IncidentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn mark_report_sent(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReportSentDraft>,
) -> AppResult<Json<IncidentDto>> {
    m.require(Permission::EditRegisters)?;
    let v = tillit_app::incidents::mark_report_sent(m.app(), &m.who, &id, &body).await?;
    Ok(Json(v.into()))
}

/// Makes the incident's lesson a measure in the action plan, traced to the requirement of an
/// incident-handling routine and linked to the incident: 201 with the measure, or 200 with the
/// one already made from the incident under that title.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/lesson-measures", params(("id" = String, Path)), request_body = LessonMeasureDraft, responses((status = 201, body = crate::measures::api::MeasureDto), (status = 200, body = crate::measures::api::MeasureDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn lesson_to_measure(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<tillit_domain::incident_case::LessonMeasureDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let (mid, created) =
        tillit_app::incidents::lesson_to_measure(m.app(), &m.who, &id, &body).await?;
    let measure = tillit_app::measures::measure(
        m.app(),
        &m.who,
        &tillit_domain::ids::MeasureId::from(mid.as_str()),
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(crate::measures::api::MeasureDto::from(measure)),
    )
        .into_response())
}

/// One line of an incident's timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineItemDto {
    /// RFC 3339, UTC
    pub at: String,
    /// Swedish time, YYYY-MM-DD HH:MM
    pub at_local: String,
    /// Who did it (empty for the incident's own times).
    pub by: String,
    /// started, discovered, aware, entry, change, reminder, checklist_started,
    /// checklist_step_done or checklist_step_undone
    pub kind: String,
    /// The entry's text, the change's audit action, the reminder's recipient, the checklist's
    /// key, or `checklist/step` of a step.
    pub text: String,
    /// The obligation a report change or a reminder concerns.
    pub obligation: Option<String>,
}

/// The incident's timeline, oldest first: its own times, the entries of its log, every change
/// (from the audit trail) and the reminders sent.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/timeline", params(("id" = String, Path)), responses((status = 200, body = Vec<TimelineItemDto>), (status = 404, body = Problem)))]
pub async fn timeline(m: Member, Path(id): Path<String>) -> AppResult<Json<Vec<TimelineItemDto>>> {
    use tillit_app::incidents::Timeline;
    m.require(Permission::ViewRegisters)?;
    let items = tillit_app::incidents::timeline(m.app(), &m.who, &id).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| {
                let (kind, text, obligation) = match i.what {
                    Timeline::Fact(k) => (k.to_string(), String::new(), None),
                    Timeline::Entry(t) => ("entry".into(), t, None),
                    Timeline::Change { action, obligation } => {
                        ("change".into(), action, obligation)
                    }
                    Timeline::Reminder { obligation, to } => {
                        ("reminder".into(), to, Some(obligation))
                    }
                    Timeline::Checklist {
                        playbook,
                        step: None,
                        ..
                    } => ("checklist_started".into(), playbook, None),
                    Timeline::Checklist {
                        playbook,
                        step: Some(step),
                        done,
                    } => (
                        if done {
                            "checklist_step_done"
                        } else {
                            "checklist_step_undone"
                        }
                        .into(),
                        format!("{playbook}/{step}"),
                        None,
                    ),
                };
                TimelineItemDto {
                    at: instant(i.at),
                    at_local: swedish_minute(i.at),
                    by: i.by,
                    kind,
                    text,
                    obligation,
                }
            })
            .collect(),
    ))
}

/// Writes an entry in the incident's log; answers with the timeline.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/entries", params(("id" = String, Path)), request_body = IncidentEntryDraft, responses((status = 201, body = Vec<TimelineItemDto>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_entry(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<tillit_domain::incident_case::IncidentEntryDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    tillit_app::incidents::add_entry(m.app(), &m.who, &id, &body).await?;
    let Json(items) = timeline(m, Path(id)).await?;
    Ok((StatusCode::CREATED, Json(items)).into_response())
}
