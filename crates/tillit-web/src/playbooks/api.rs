//! The incident checklists' API: the checklists with the organisation's contacts, a contact set
//! by the administrator, and the checklists of an incident — started and ticked off.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_app::playbooks::{Checklists, IncidentChecklists};
use tillit_domain::playbook::{ContactDraft, StartDraft, StepLink, TickDraft};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub note: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactRoleDto {
    pub key: String,
    pub label: String,
    pub hint: String,
    /// The organisation's contact for the role, if its administrator has set one.
    pub contact: Option<ContactDto>,
}

#[derive(Serialize, ToSchema)]
pub struct NationalFunctionDto {
    pub key: String,
    pub name: String,
    pub what: String,
    pub web: Option<String>,
    pub phone: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlaybookStepDto {
    pub key: String,
    pub text: String,
    /// The contact roles to call for the step.
    pub contacts: Vec<String>,
    /// The national functions the step concerns (those that concern the organisation).
    pub national: Vec<String>,
    /// edit (the incident's form) or reports (its reports and deadlines), if the step is done
    /// on the incident.
    pub link: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlaybookDto {
    pub key: String,
    pub title: String,
    pub when: String,
    /// The incident causes it is suggested for.
    pub causes: Vec<String>,
    /// The steps that concern the organisation, in order.
    pub steps: Vec<PlaybookStepDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ChecklistsDto {
    pub id: String,
    pub version: String,
    pub published: String,
    pub title: String,
    pub intro: String,
    pub contact_roles: Vec<ContactRoleDto>,
    pub national: Vec<NationalFunctionDto>,
    pub playbooks: Vec<PlaybookDto>,
}

fn link_key(l: StepLink) -> String {
    match l {
        StepLink::Edit => "edit".into(),
        StepLink::Reports => "reports".into(),
    }
}

fn step_dto(lists: &Checklists, s: &tillit_domain::playbook::Step, lang: &str) -> PlaybookStepDto {
    let national = lists.national();
    PlaybookStepDto {
        key: s.key.clone(),
        text: s.text.get(lang).to_string(),
        contacts: s.contacts.clone(),
        national: s
            .national
            .iter()
            .filter(|k| national.iter().any(|n| n.key == **k))
            .cloned()
            .collect(),
        link: s.link.map(link_key),
    }
}

fn checklists_dto(lists: &Checklists, lang: &str) -> ChecklistsDto {
    let book = lists.book;
    ChecklistsDto {
        id: book.id.clone(),
        version: book.version.clone(),
        published: book.published.clone(),
        title: book.title.get(lang).to_string(),
        intro: book.intro.get(lang).to_string(),
        contact_roles: book
            .contact_roles
            .iter()
            .map(|r| ContactRoleDto {
                key: r.key.clone(),
                label: r.label.get(lang).to_string(),
                hint: r.hint.get(lang).to_string(),
                contact: lists.contact(&r.key).map(|c| ContactDto {
                    name: c.contact.name.clone(),
                    phone: c.contact.phone.clone(),
                    email: c.contact.email.clone(),
                    note: c.contact.note.clone(),
                    updated_at: c.updated_at.clone(),
                    updated_by: c.updated_by_name.clone(),
                }),
            })
            .collect(),
        national: lists
            .national()
            .into_iter()
            .map(|n| NationalFunctionDto {
                key: n.key.clone(),
                name: n.name.get(lang).to_string(),
                what: n.what.get(lang).to_string(),
                web: n.web.clone(),
                phone: n.phone.clone(),
            })
            .collect(),
        playbooks: book
            .playbooks
            .iter()
            .map(|p| PlaybookDto {
                key: p.key.clone(),
                title: p.title.get(lang).to_string(),
                when: p.when.get(lang).to_string(),
                causes: p.causes.clone(),
                steps: lists
                    .steps(p)
                    .into_iter()
                    .map(|s| step_dto(lists, s, lang))
                    .collect(),
            })
            .collect(),
    }
}

/// The incident checklists, with the organisation's contacts and the national functions that
/// concern it; steps for duties the organisation does not have are left out.
#[utoipa::path(get, path = "/api/v1/incident-playbooks", responses((status = 200, body = ChecklistsDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn checklists(m: Member) -> AppResult<Json<ChecklistsDto>> {
    let lists = tillit_app::playbooks::checklists(m.app(), &m.who).await?;
    Ok(Json(checklists_dto(&lists, m.ctx.tr.lang())))
}

/// Sets the organisation's contact for a role (the administrator's); every field empty removes
/// it. Answers with the checklists and contacts.
#[utoipa::path(put, path = "/api/v1/incident-contacts", request_body = ContactDraft, responses((status = 200, body = ChecklistsDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_contact(
    m: Member,
    ApiJson(body): ApiJson<ContactDraft>,
) -> AppResult<Json<ChecklistsDto>> {
    let lists = tillit_app::playbooks::set_contact(m.app(), &m.who, &body).await?;
    Ok(Json(checklists_dto(&lists, m.ctx.tr.lang())))
}

#[derive(Serialize, ToSchema)]
pub struct StartedStepDto {
    pub key: String,
    pub text: String,
    pub done: bool,
    /// When it was ticked off (RFC 3339) and by whom.
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StartedDto {
    pub playbook: String,
    pub title: String,
    /// The checklists' version it was started from.
    pub version: String,
    pub started_at: String,
    pub started_by: String,
    pub done: usize,
    pub total: usize,
    pub steps: Vec<StartedStepDto>,
}

#[derive(Serialize, ToSchema)]
pub struct IncidentChecklistsDto {
    pub incident_id: String,
    pub started: Vec<StartedDto>,
    /// The checklists not started, those the incident's cause suggests first.
    pub to_start: Vec<String>,
    pub suggested: Vec<String>,
}

fn incident_dto(x: &IncidentChecklists, lang: &str) -> IncidentChecklistsDto {
    IncidentChecklistsDto {
        incident_id: x.incident_id.clone(),
        started: x
            .started
            .iter()
            .map(|s| StartedDto {
                playbook: s.playbook.key.clone(),
                title: s.playbook.title.get(lang).to_string(),
                version: s.version.clone(),
                started_at: s.started_at.clone(),
                started_by: s.started_by_name.clone(),
                done: s.done(),
                total: s.steps.len(),
                steps: s
                    .steps
                    .iter()
                    .map(|st| StartedStepDto {
                        key: st.step.key.clone(),
                        text: st.step.text.get(lang).to_string(),
                        done: st.done.is_some(),
                        done_at: st.done.as_ref().map(|d| d.at.clone()),
                        done_by: st.done.as_ref().map(|d| d.by_name.clone()),
                    })
                    .collect(),
            })
            .collect(),
        to_start: x.to_start.iter().map(|k| k.to_string()).collect(),
        suggested: x.suggested.iter().map(|k| k.to_string()).collect(),
    }
}

/// The checklists of an incident: those started, with their steps, and those to start.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/playbooks", params(("id" = String, Path)), responses((status = 200, body = IncidentChecklistsDto), (status = 404, body = Problem)))]
pub async fn of_incident(
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<IncidentChecklistsDto>> {
    let x = tillit_app::playbooks::of_incident(m.app(), &m.who, &id).await?;
    Ok(Json(incident_dto(&x, m.ctx.tr.lang())))
}

/// Starts a checklist on an incident (409 `already_exists` when it was started before); the
/// start appears in the incident's timeline.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/playbooks", params(("id" = String, Path)), request_body = StartDraft, responses((status = 201, body = IncidentChecklistsDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn start(
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StartDraft>,
) -> AppResult<Response> {
    let x = tillit_app::playbooks::start(m.app(), &m.who, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(incident_dto(&x, m.ctx.tr.lang()))).into_response())
}

/// Ticks a step of a started checklist off (`done`: yes) or back (no); the tick appears in the
/// incident's timeline. A checklist not started on the incident answers 409.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/playbooks/{playbook}/steps", params(("id" = String, Path), ("playbook" = String, Path)), request_body = TickDraft, responses((status = 200, body = IncidentChecklistsDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn tick(
    m: Member,
    Path((id, playbook)): Path<(String, String)>,
    ApiJson(body): ApiJson<TickDraft>,
) -> AppResult<Json<IncidentChecklistsDto>> {
    let x = tillit_app::playbooks::tick(m.app(), &m.who, &id, &playbook, &body).await?;
    Ok(Json(incident_dto(&x, m.ctx.tr.lang())))
}
