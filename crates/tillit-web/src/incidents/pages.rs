//! The incident register's pages: the list with the next report due, one incident with every
//! obligation (recipient, deadline in Swedish time, provision, why), its form, and marking a
//! report sent.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{answer, FormFields, Params};
use crate::i18n::Tr;
use crate::pages::ui::{choices, form_status, value, Fill, FormPage, Input};
use crate::pages::{notice_from, Choice, FieldError, Notice, PageCommon, Pager};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use tillit_app::incidents::{IncidentView, ObligationView, ReportSentDraft};
use tillit_domain::classification::Aspect;
use tillit_domain::incident::{Applies, Due};
use tillit_domain::incident_case::{
    IncidentDraft, ART34_EXCEPTIONS, CAUSES, RISKS, ROLES, STATUSES,
};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// An instant as a Swedish user reads it.
fn swedish(t: &DateTime<Utc>) -> String {
    tillit_domain::time::swedish_minute(*t)
}

/// For a datetime-local field: Swedish local time.
fn local_field(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// How long until an instant, or how long it is overdue, in words.
pub(crate) fn countdown(tr: &Tr, at: &DateTime<Utc>, now: &DateTime<Utc>) -> (String, bool) {
    let mins = (*at - *now).num_minutes();
    let (h, m) = (mins.abs() / 60, mins.abs() % 60);
    let span = if h >= 48 {
        tr.f("incident-days", &[("days", (h / 24).to_string())])
    } else {
        tr.f(
            "incident-hours-minutes",
            &[("hours", h.to_string()), ("minutes", m.to_string())],
        )
    };
    if mins < 0 {
        (tr.f("incident-overdue-by", &[("span", span)]), true)
    } else {
        (tr.f("incident-due-in", &[("span", span)]), false)
    }
}

fn key_words(k: &str) -> String {
    k.replace('_', "-")
}

pub struct ObligationRow {
    pub key: String,
    pub name: String,
    pub recipient: String,
    pub applies: String,
    pub chip: &'static str,
    pub due: String,
    pub countdown: String,
    pub overdue: bool,
    pub next_weekday: String,
    pub provision: String,
    pub reason: String,
    /// "Sent 2026-11-11 10:00 by … (reference …)", or empty.
    pub sent: String,
    /// May be marked sent.
    pub open: bool,
    /// Has a report draft (the obligation applies, or may).
    pub draft: bool,
}

/// A report still to send, as the overview lists it.
pub struct DueRow {
    pub href: String,
    pub incident: String,
    pub name: String,
    pub recipient: String,
    pub due: String,
    pub countdown: String,
    pub overdue: bool,
}

pub fn due_rows(
    tr: &Tr,
    list: &[tillit_app::incidents::DueReport],
    now: &DateTime<Utc>,
) -> Vec<DueRow> {
    list.iter()
        .map(|d| {
            let row = obligation_row(
                tr,
                &ObligationView {
                    obligation: d.obligation.clone(),
                    sent: None,
                },
                now,
            );
            DueRow {
                href: format!("/incidents/{}", d.incident_id),
                incident: d.incident_title.clone(),
                name: row.name,
                recipient: row.recipient,
                due: row.due,
                countdown: row.countdown,
                overdue: row.overdue,
            }
        })
        .collect()
}

pub fn obligation_row(tr: &Tr, o: &ObligationView, now: &DateTime<Utc>) -> ObligationRow {
    let ob = &o.obligation;
    let key = ob.kind.key().to_string();
    let due = match ob.due {
        Due::By { at } => swedish(&at),
        Due::WithoutUndueDelayBy { at } => {
            tr.f("incident-due-without-delay-by", &[("at", swedish(&at))])
        }
        Due::WithoutUndueDelay => tr.t("incident-due-without-delay"),
        Due::Snarast => tr.t("incident-due-snarast"),
        Due::MonthAfterHandled => tr.t("incident-due-month-after-handled"),
    };
    let (countdown, overdue) = match (ob.due.at(), &o.sent, ob.applies) {
        (Some(at), None, a) if a != Applies::No => countdown(tr, &at, now),
        _ => (String::new(), false),
    };
    let (applies, chip) = match ob.applies {
        Applies::Yes => (tr.t("incident-applies-yes"), "not-met"),
        Applies::No => (tr.t("incident-applies-no"), "not-applicable"),
        Applies::NotYetKnown => (tr.t("incident-applies-unknown"), "unassessed"),
    };
    let recipient = serde_json::to_value(ob.recipient)
        .ok()
        .and_then(|v| v.as_str().map(key_words))
        .unwrap_or_default();
    let reason = serde_json::to_value(ob.reason)
        .ok()
        .and_then(|v| v.as_str().map(key_words))
        .unwrap_or_default();
    ObligationRow {
        name: tr.t(&format!("obligation-{}", key_words(&key))),
        recipient: tr.t(&format!("recipient-{recipient}")),
        applies,
        chip: if o.sent.is_some() { "met" } else { chip },
        due,
        countdown,
        overdue,
        next_weekday: ob
            .next_weekday
            .map(|d| tr.f("incident-next-weekday", &[("date", d.to_string())]))
            .unwrap_or_default(),
        provision: ob.provision.to_string(),
        reason: tr.t(&format!("reason-{reason}")),
        sent: o
            .sent
            .as_ref()
            .map(|s| {
                tr.f(
                    "incident-sent",
                    &[
                        ("at", crate::pages::show_time(&s.sent_at)),
                        ("by", s.sent_by_name.clone()),
                        (
                            "reference",
                            s.reference.clone().unwrap_or_else(|| "–".into()),
                        ),
                    ],
                )
            })
            .unwrap_or_default(),
        open: o.sent.is_none() && ob.applies != Applies::No,
        draft: ob.applies != Applies::No,
        key,
    }
}

pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub aware: String,
    pub status: String,
    pub next: String,
    pub countdown: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    c: PageCommon,
    q: String,
    status_options: Vec<Choice>,
    rows: Vec<IncidentRow>,
    summary: String,
    pager: Pager,
    may_edit: bool,
}

pub async fn list(
    m: Member,
    Params(p): Params<tillit_app::incidents::IncidentListParams>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (q, status, page_req) = p.parse()?;
    let list = tillit_app::incidents::list_incident_views(
        m.app(),
        &m.who,
        q.as_deref(),
        status.as_deref(),
        page_req,
    )
    .await?;
    let pager = Pager::new(
        tr,
        "/incidents",
        &[
            ("q", p.q.clone()),
            ("status", p.status.clone()),
            ("per_page", p.per_page.clone().unwrap_or_default()),
        ],
        &list,
    );
    let now = Utc::now();
    let summary = tr.f("incidents-summary", &[("count", list.total.to_string())]);
    let rows = list
        .items
        .iter()
        .map(|v| {
            let next = v.next_due().map(|o| obligation_row(tr, o, &now));
            IncidentRow {
                id: v.incident.id.clone(),
                title: v.incident.input.title.clone(),
                aware: swedish(&v.incident.input.aware_at),
                status: tr.t(&format!("incident-status-{}", v.incident.input.status)),
                next: next
                    .as_ref()
                    .map(|r| format!("{}: {}", r.name, r.due))
                    .unwrap_or_else(|| tr.t("incident-nothing-due")),
                countdown: next
                    .as_ref()
                    .map(|r| r.countdown.clone())
                    .unwrap_or_default(),
                overdue: next.as_ref().is_some_and(|r| r.overdue),
            }
        })
        .collect();
    let mut status_options = vec![Choice {
        key: String::new(),
        label: tr.t("filter-all"),
        selected: p.status.is_empty(),
    }];
    status_options.extend(STATUSES.iter().map(|s| Choice {
        key: s.to_string(),
        label: tr.t(&format!("incident-status-{s}")),
        selected: p.status == *s,
    }));
    let tpl = IncidentsPage {
        c: PageCommon::member(&m, tr.t("incidents-title"), "/incidents")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        q: p.q.clone(),
        status_options,
        rows,
        summary,
        pager,
        may_edit: m.may(Permission::EditRegisters),
    };
    Ok(page(StatusCode::OK, &tpl))
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    c: PageCommon,
    checklists: crate::playbooks::pages::IncidentBlock,
    id: String,
    title: String,
    facts: Vec<(String, String)>,
    obligations: Vec<ObligationRow>,
    may_edit: bool,
    /// The lesson can be carried into one of these risk analyses.
    has_lessons: bool,
    analyses: Vec<Choice>,
    errors: Vec<FieldError>,
    /// What the page says of e-mail reminders: on (and when) or off.
    email: String,
    reminders: Vec<ReminderRow>,
    /// The measures the lessons became: (href, title, status, due).
    measures: Vec<(String, String, String, String)>,
    /// A title to start from for a new measure: the lesson's first line.
    measure_title: String,
    /// (when, who, what) oldest first.
    timeline: Vec<(String, String, String)>,
    /// The entry form's value of "when": now, in Swedish local time.
    now_local: String,
    attachments: Vec<crate::requirements::pages::EvidenceRow>,
    attach: crate::requirements::pages::AttachForm,
}

pub fn timeline_rows(
    tr: &Tr,
    items: Vec<tillit_app::incidents::TimelineItem>,
) -> Vec<(String, String, String)> {
    use tillit_app::incidents::Timeline;
    items
        .into_iter()
        .map(|i| {
            let what = match i.what {
                Timeline::Fact(k) => tr.t(&format!("timeline-{k}")),
                Timeline::Entry(text) => text,
                Timeline::Change { action, obligation } => {
                    let label = crate::overview::pages::action_label(tr, &action);
                    match obligation {
                        Some(o) => format!(
                            "{label}: {}",
                            tr.t(&format!("obligation-{}", key_words(&o)))
                        ),
                        None => label,
                    }
                }
                Timeline::Checklist {
                    playbook,
                    step,
                    done,
                } => crate::playbooks::pages::timeline_text(tr, &playbook, step.as_deref(), done),
                Timeline::Reminder { obligation, to } => tr.f(
                    "timeline-reminder",
                    &[
                        (
                            "obligation",
                            tr.t(&format!("obligation-{}", key_words(&obligation))),
                        ),
                        ("to", to),
                    ],
                ),
            };
            (swedish(&i.at), i.by, what)
        })
        .collect()
}

/// A reminder e-mail planned for the incident: to whom, at which point, and whether it went.
struct ReminderRow {
    to: String,
    what: String,
    status: String,
    sent: bool,
}

fn reminder_rows(tr: &Tr, list: Vec<tillit_app::reminders::Reminder>) -> Vec<ReminderRow> {
    list.into_iter()
        .map(|r| {
            let obligation = tr.t(&format!("obligation-{}", key_words(&r.obligation)));
            let point = match r
                .point
                .strip_prefix("before_")
                .and_then(|h| h.strip_suffix('h'))
            {
                Some(h) => tr.f("reminder-point-before", &[("hours", h.to_string())]),
                None => tr.t("reminder-point-overdue"),
            };
            let at = |s: &str| {
                DateTime::parse_from_rfc3339(s)
                    .map(|t| swedish(&t.with_timezone(&Utc)))
                    .unwrap_or_else(|_| s.to_string())
            };
            let status = match (&r.sent_at, &r.last_error) {
                (Some(s), _) => tr.f("reminder-status-sent", &[("at", at(s))]),
                (None, Some(_)) => tr.f(
                    "reminder-status-retrying",
                    &[("attempts", r.attempts.to_string())],
                ),
                (None, None) => tr.t("reminder-status-planned"),
            };
            ReminderRow {
                to: r.recipient,
                what: format!("{obligation} · {point}"),
                sent: r.sent_at.is_some(),
                status,
            }
        })
        .collect()
}

/// Field errors, with the labels the incident form uses where a field name means something else
/// elsewhere (a risk's consequence).
fn field_errors(tr: &Tr, e: &ValidationErrors) -> Vec<FieldError> {
    FieldError::list(tr, e)
        .into_iter()
        .map(|mut x| {
            if x.field == "consequences" {
                x.label = tr.t("field-incident-consequences");
            }
            x
        })
        .collect()
}

fn yes_no(tr: &Tr, v: Option<bool>) -> String {
    tr.t(match v {
        Some(true) => "answer-yes",
        Some(false) => "answer-no",
        None => "answer-unknown",
    })
}

async fn show_incident(
    m: &Member,
    id: &str,
    errors: Option<&ValidationErrors>,
    notice: Option<&str>,
) -> AppResult<Response> {
    show_incident_with(m, id, errors, notice, None).await
}

/// The incident page, with the errors of a form on it or of its attachment form.
/// The incident's facts in the reader's words, for its page and its report.
pub fn incident_facts(tr: &Tr, v: &IncidentView) -> Vec<(String, String)> {
    let i = &v.incident.input;
    let dash = || "–".to_string();
    let time = |t: &Option<DateTime<Utc>>| t.as_ref().map(swedish).unwrap_or_else(dash);
    let words = |prefix: &str, k: &Option<String>| {
        k.as_ref()
            .map(|k| tr.t(&format!("{prefix}-{}", key_words(k))))
            .unwrap_or_else(dash)
    };
    let names = |xs: &[(String, String)]| {
        if xs.is_empty() {
            dash()
        } else {
            xs.iter()
                .map(|(_, n)| n.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    vec![
        (
            tr.t("field-incident-status"),
            tr.t(&format!("incident-status-{}", i.status)),
        ),
        (tr.t("field-aware-at"), swedish(&i.aware_at)),
        (tr.t("field-started-at"), time(&i.started_at)),
        (tr.t("field-discovered-at"), time(&i.discovered_at)),
        (
            tr.t("field-description"),
            i.description.clone().unwrap_or_else(dash),
        ),
        (tr.t("field-system-ids"), names(&v.incident.systems)),
        (tr.t("field-asset-ids"), names(&v.incident.assets)),
        (
            tr.t("field-aspects"),
            if i.aspects.is_empty() {
                dash()
            } else {
                i.aspects
                    .iter()
                    .map(|a| tr.t(&format!("aspect-{a}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        (
            tr.t("field-incident-personal-data"),
            yes_no(tr, i.personal_data),
        ),
        (
            tr.t("field-individuals-approx"),
            i.individuals_approx
                .map(|n| n.to_string())
                .unwrap_or_else(dash),
        ),
        (tr.t("field-cause"), words("cause", &i.cause)),
        (
            tr.t("field-data-role"),
            words("data-role", &Some(i.data_role.clone())),
        ),
        (
            tr.t("field-breach-risk"),
            words("breach-risk", &Some(i.breach_risk.clone())),
        ),
        (
            tr.t("field-risk-motivation"),
            i.risk_motivation.clone().unwrap_or_else(dash),
        ),
        (tr.t("field-significant"), yes_no(tr, i.significant)),
        (
            tr.t("field-serious-care-injury"),
            yes_no(tr, i.serious_care_injury),
        ),
        (
            tr.t("field-serious-social-care-wrong"),
            yes_no(tr, i.serious_social_care_wrong),
        ),
        (
            tr.t("field-incident-consequences"),
            i.consequences.clone().unwrap_or_else(dash),
        ),
        (
            tr.t("field-actions-taken"),
            i.actions_taken.clone().unwrap_or_else(dash),
        ),
        (
            tr.t("field-lessons"),
            i.lessons.clone().unwrap_or_else(dash),
        ),
    ]
}

async fn show_incident_with(
    m: &Member,
    id: &str,
    errors: Option<&ValidationErrors>,
    notice: Option<&str>,
    attachment_errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v: IncidentView = tillit_app::incidents::incident(m.app(), &m.who, id).await?;
    let i = &v.incident.input;
    let facts = incident_facts(tr, &v);
    let now = Utc::now();
    let analyses = if m.may(Permission::EditRegisters) && i.lessons.is_some() {
        tillit_app::risk::all_risk_analyses(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|a| Choice {
                key: a.id.to_string(),
                label: a.input.title,
                selected: false,
            })
            .collect()
    } else {
        vec![]
    };
    let email = match &m.state.config.mail {
        Some(c) => tr.f(
            "reminder-email-on",
            &[(
                "hours",
                c.hours_before
                    .iter()
                    .map(|h| format!("{h} h"))
                    .collect::<Vec<_>>()
                    .join(tr.t("list-and").as_str()),
            )],
        ),
        None => tr.t("reminder-email-off"),
    };
    let reminders = reminder_rows(
        tr,
        tillit_app::reminders::of_incident(m.app(), &m.who, &v.incident.id).await?,
    );
    let measures = tillit_app::incidents::incident_measures(m.app(), &m.who, &v.incident.id)
        .await?
        .into_iter()
        .map(|x| {
            let status = tillit_domain::measure::MeasureStatus::from_key(&x.status)
                .map(|s| crate::measures::pages::status_label(tr, s))
                .unwrap_or(x.status);
            (
                format!("/measures/{}", x.id),
                x.title,
                status,
                x.due_on.unwrap_or_else(|| "–".into()),
            )
        })
        .collect();
    let measure_title = i
        .lessons
        .as_deref()
        .and_then(|l| l.lines().find(|l| !l.trim().is_empty()))
        .map(|l| l.trim().chars().take(120).collect())
        .unwrap_or_default();
    let timeline = timeline_rows(
        tr,
        tillit_app::incidents::timeline(m.app(), &m.who, &v.incident.id).await?,
    );
    let attachments = tillit_app::incidents::attachments(m.app(), &m.who, &v.incident.id)
        .await?
        .into_iter()
        .map(|a| {
            crate::requirements::pages::file_row(
                tr,
                &crate::requirements::pages::FileFacts {
                    id: a.id.clone(),
                    download: format!("/incident-attachments/{}", a.id),
                    kind: &a.kind,
                    url: a.url.as_deref(),
                    file_name: a.file_name.as_deref(),
                    size_bytes: a.size_bytes,
                    sha256: a.sha256.as_deref(),
                    added_by: &a.added_by,
                    added_at: &a.added_at,
                },
            )
        })
        .collect();
    let checklists = crate::playbooks::pages::incident_block(m, id).await?;
    let tpl = IncidentPage {
        checklists,
        attachments,
        attach: crate::requirements::pages::AttachForm::new(
            tr,
            format!("/incidents/{}/attachments", v.incident.id),
            "incident-attach",
            attachment_errors,
        ),
        timeline,
        now_local: local_field(&Utc::now()),
        email,
        reminders,
        measures,
        measure_title,
        c: PageCommon::member(m, i.title.clone(), "/incidents")
            .with_notice(notice_from(tr, notice)),
        id: v.incident.id.clone(),
        title: i.title.clone(),
        facts,
        obligations: v
            .obligations
            .iter()
            .map(|o| obligation_row(tr, o, &now))
            .collect(),
        may_edit: m.may(Permission::EditRegisters),
        has_lessons: i.lessons.is_some(),
        analyses,
        errors: errors.map(|e| field_errors(tr, e)).unwrap_or_default(),
    };
    Ok(page(form_status(errors.or(attachment_errors)), &tpl))
}

/// The incident's page with the errors of a form on it (a checklist started or ticked).
pub(crate) async fn show_with_errors(
    m: &Member,
    id: &str,
    errors: &ValidationErrors,
) -> AppResult<Response> {
    show_incident_with(m, id, Some(errors), None, None).await
}

pub async fn show(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    show_incident(&m, &id, None, notice.done.as_deref()).await
}

pub async fn mark_sent(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let result = form
        .submit(async |d: ReportSentDraft| {
            tillit_app::incidents::mark_report_sent(m.app(), &m.who, &id, &d).await
        })
        .await;
    answer(
        result,
        |v: IncidentView| format!("/incidents/{}?done=report-sent", v.incident.id),
        async |v| show_incident(&m, &id, Some(&v), None).await,
    )
    .await
}

/// Attaches a link or a file to the incident.
pub async fn attach(
    m: Member,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let form = crate::requirements::pages::read_evidence_form(mp).await?;
    let is_file = !form.content.is_empty() || !form.file_name.is_empty();
    let added = if is_file {
        tillit_app::incidents::attach_file(m.app(), &m.who, &id, &form.file_name, &form.content)
            .await
    } else {
        tillit_app::incidents::attach_link(m.app(), &m.who, &id, &form.url).await
    };
    match added {
        Ok(_) => Ok(crate::render::see_other(&format!(
            "/incidents/{id}?done=attachment-added#attachments-heading"
        ))),
        Err(tillit_app::Error::Invalid(v)) => {
            show_incident_with(&m, &id, None, None, Some(&v)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Downloads a file attached to an incident (never shown inline).
pub async fn download_attachment(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let (a, content) = tillit_app::incidents::attachment_file(m.app(), &m.who, &id).await?;
    Ok(crate::requirements::pages::download(
        a.file_name.as_deref().unwrap_or("attachment"),
        a.media_type.as_deref(),
        content,
    ))
}

/// Writes an entry in the incident's log.
pub async fn add_entry(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let result = form
        .submit(
            async |d: tillit_domain::incident_case::IncidentEntryDraft| {
                tillit_app::incidents::add_entry(m.app(), &m.who, &id, &d).await
            },
        )
        .await;
    answer(
        result,
        |()| format!("/incidents/{id}?done=entry-added#timeline-heading"),
        async |v| show_incident(&m, &id, Some(&v), None).await,
    )
    .await
}

/// Makes the incident's lesson a measure in the action plan.
pub async fn lesson_to_measure(
    m: Member,
    Path(id): Path<String>,
    form: FormFields,
) -> AppResult<Response> {
    let result = form
        .submit(
            async |d: tillit_domain::incident_case::LessonMeasureDraft| {
                tillit_app::incidents::lesson_to_measure(m.app(), &m.who, &id, &d).await
            },
        )
        .await;
    answer(
        result,
        |(_, created): (String, bool)| {
            format!(
                "/incidents/{id}?done={}",
                if created {
                    "measure-saved"
                } else {
                    "measure-exists"
                }
            )
        },
        async |v| show_incident(&m, &id, Some(&v), None).await,
    )
    .await
}

/// Carries the incident's lesson into a risk analysis as a scenario.
pub async fn lesson_to_scenario(
    m: Member,
    Path(id): Path<String>,
    form: FormFields,
) -> AppResult<Response> {
    let analysis = tillit_domain::ids::AnalysisId::from(form.get("analysis_id"));
    let (_, created) =
        tillit_app::incidents::lesson_to_scenario(m.app(), &m.who, &id, &analysis).await?;
    Ok(crate::risk::pages::after_carrying_in(&analysis, created))
}

fn word_choices(
    tr: &Tr,
    form: Option<&FormFields>,
    name: &str,
    stored: Option<&str>,
    prefix: &str,
    words: &[&str],
    empty: Option<&str>,
) -> Vec<Choice> {
    let stored: Vec<String> = stored.map(str::to_string).into_iter().collect();
    let mut options: Vec<(String, String)> = Vec::new();
    if let Some(e) = empty {
        options.push((String::new(), tr.t(e)));
    }
    options.extend(
        words
            .iter()
            .map(|w| (w.to_string(), tr.t(&format!("{prefix}-{}", key_words(w))))),
    );
    let stored = if stored.is_empty() && empty.is_some() {
        vec![String::new()]
    } else {
        stored
    };
    choices(form, name, &stored, options)
}

fn answer_choices(tr: &Tr, form: Option<&FormFields>, name: &str, v: Option<bool>) -> Vec<Choice> {
    let stored = match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    choices(
        form,
        name,
        &[stored.to_string()],
        [
            (String::new(), tr.t("answer-unknown")),
            ("yes".into(), tr.t("answer-yes")),
            ("no".into(), tr.t("answer-no")),
        ],
    )
}

/// The register's form handlers (`crate::register`).
pub struct Incidents;

impl crate::register::Register for Incidents {
    type Id = String;
    type Draft = IncidentDraft;
    type Item = IncidentView;

    async fn save(
        m: &Member,
        id: Option<&String>,
        d: &IncidentDraft,
    ) -> tillit_app::Result<IncidentView> {
        match id {
            Some(id) => tillit_app::incidents::update_incident(m.app(), &m.who, id, d).await,
            None => tillit_app::incidents::create_incident(m.app(), &m.who, d).await,
        }
    }

    async fn load(m: &Member, id: &String) -> tillit_app::Result<IncidentView> {
        tillit_app::incidents::incident(m.app(), &m.who, id).await
    }

    fn saved(v: &IncidentView) -> String {
        format!("/incidents/{}?done=incident-saved", v.incident.id)
    }

    async fn form(
        m: &Member,
        existing: Option<&IncidentView>,
        form: Option<&FormFields>,
        errors: Option<&ValidationErrors>,
    ) -> AppResult<Response> {
        m.require(Permission::EditRegisters)?;
        let tr = &m.ctx.tr;
        let fill = Fill::new(tr, form);
        let x = existing.map(|v| &v.incident.input);
        let systems = tillit_app::systems::system_choices(m.app(), &m.who).await?;
        let assets = tillit_app::assets::asset_choices(m.app(), &m.who).await?;
        let mut suppliers = vec![(String::new(), tr.t("incident-no-supplier"))];
        suppliers.extend(tillit_app::suppliers::supplier_names(m.app(), &m.who).await?);
        let text = |name: &str, label: &str, stored: Option<String>| {
            Input::text(
                name,
                tr.t(label),
                value(form, name, || stored.unwrap_or_default()),
            )
        };
        let area = |name: &str, label: &str, stored: Option<String>| {
            Input::area(
                name,
                tr.t(label),
                value(form, name, || stored.unwrap_or_default()),
            )
        };
        let when = |name: &str, label: &str, stored: Option<DateTime<Utc>>| {
            Input::datetime(
                name,
                tr.t(label),
                value(form, name, || {
                    stored.as_ref().map(local_field).unwrap_or_default()
                }),
            )
        };
        let fields = vec![
            text("title", "field-title", x.map(|x| x.title.clone())),
            area(
                "description",
                "field-description",
                x.and_then(|x| x.description.clone()),
            ),
            when("aware_at", "field-aware-at", x.map(|x| x.aware_at))
                .hint(tr.t("field-aware-at-hint")),
            when(
                "started_at",
                "field-started-at",
                x.and_then(|x| x.started_at),
            ),
            when(
                "discovered_at",
                "field-discovered-at",
                x.and_then(|x| x.discovered_at),
            ),
            Input::select(
                "status",
                tr.t("field-incident-status"),
                word_choices(
                    tr,
                    form,
                    "status",
                    x.map(|x| x.status.as_str()),
                    "incident-status",
                    STATUSES,
                    None,
                ),
            ),
            fill.links(
                "system_ids",
                x.map(|x| x.system_ids.as_slice()).unwrap_or_default(),
                systems,
            ),
            fill.links(
                "asset_ids",
                x.map(|x| x.asset_ids.as_slice()).unwrap_or_default(),
                assets,
            ),
            fill.checks(
                "aspects",
                x.map(|x| x.aspects.as_slice()).unwrap_or_default(),
                Aspect::ALL
                    .iter()
                    .map(|a| (a.key().to_string(), tr.t(&format!("aspect-{}", a.key())))),
            ),
            Input::radios(
                "personal_data",
                tr.t("field-incident-personal-data"),
                answer_choices(tr, form, "personal_data", x.and_then(|x| x.personal_data)),
            ),
            text(
                "data_categories",
                "field-data-categories",
                x.and_then(|x| x.data_categories.clone()),
            ),
            fill.number(
                "individuals_approx",
                x.and_then(|x| x.individuals_approx).map(|n| n.to_string()),
            ),
            fill.number(
                "records_approx",
                x.and_then(|x| x.records_approx).map(|n| n.to_string()),
            ),
            Input::select(
                "cause",
                tr.t("field-cause"),
                word_choices(
                    tr,
                    form,
                    "cause",
                    x.and_then(|x| x.cause.as_deref()),
                    "cause",
                    CAUSES,
                    Some("answer-unknown"),
                ),
            ),
            Input::select(
                "supplier_id",
                tr.t("field-incident-supplier"),
                choices(
                    form,
                    "supplier_id",
                    &[x.and_then(|x| x.supplier_id.clone()).unwrap_or_default()],
                    suppliers,
                ),
            ),
            area(
                "consequences",
                "field-incident-consequences",
                x.and_then(|x| x.consequences.clone()),
            ),
            area(
                "actions_taken",
                "field-actions-taken",
                x.and_then(|x| x.actions_taken.clone()),
            ),
            area(
                "lessons",
                "field-lessons",
                x.and_then(|x| x.lessons.clone()),
            )
            .hint(tr.t("field-lessons-hint")),
            Input::select(
                "data_role",
                tr.t("field-data-role"),
                word_choices(
                    tr,
                    form,
                    "data_role",
                    x.map(|x| x.data_role.as_str()),
                    "data-role",
                    ROLES,
                    None,
                ),
            ),
            Input::select(
                "breach_risk",
                tr.t("field-breach-risk"),
                word_choices(
                    tr,
                    form,
                    "breach_risk",
                    x.map(|x| x.breach_risk.as_str()),
                    "breach-risk",
                    RISKS,
                    None,
                ),
            )
            .hint(tr.t("field-breach-risk-hint")),
            area(
                "risk_motivation",
                "field-risk-motivation",
                x.and_then(|x| x.risk_motivation.clone()),
            ),
            Input::select(
                "art34_exception",
                tr.t("field-art34-exception"),
                word_choices(
                    tr,
                    form,
                    "art34_exception",
                    x.and_then(|x| x.art34_exception.as_deref()),
                    "art34",
                    ART34_EXCEPTIONS,
                    Some("incident-no-exception"),
                ),
            ),
            Input::radios(
                "significant",
                tr.t("field-significant"),
                answer_choices(tr, form, "significant", x.and_then(|x| x.significant)),
            )
            .hint(tr.t("field-significant-hint")),
            area(
                "significance_motivation",
                "field-significance-motivation",
                x.and_then(|x| x.significance_motivation.clone()),
            ),
            Input::radios(
                "serious_care_injury",
                tr.t("field-serious-care-injury"),
                answer_choices(
                    tr,
                    form,
                    "serious_care_injury",
                    x.and_then(|x| x.serious_care_injury),
                ),
            ),
            Input::radios(
                "serious_social_care_wrong",
                tr.t("field-serious-social-care-wrong"),
                answer_choices(
                    tr,
                    form,
                    "serious_social_care_wrong",
                    x.and_then(|x| x.serious_social_care_wrong),
                ),
            ),
        ];
        let (heading, action, back) = match existing {
            Some(v) => (
                tr.f(
                    "incident-edit-heading",
                    &[("title", v.incident.input.title.clone())],
                ),
                format!("/incidents/{}", v.incident.id),
                format!("/incidents/{}", v.incident.id),
            ),
            None => (
                tr.t("incident-new-heading"),
                "/incidents".to_string(),
                "/incidents".to_string(),
            ),
        };
        Ok(FormPage {
            c: PageCommon::member(m, heading.clone(), "/incidents"),
            back_href: back,
            back_label: tr.t("incidents-back"),
            heading,
            intro: tr.t("incident-form-intro"),
            action,
            submit: tr.t("save"),
            fields,
            errors: errors.map(|e| field_errors(tr, e)).unwrap_or_default(),
        }
        .render(form_status(errors)))
    }
}

/// The incident as a report: the facts, the reports it calls for and their state, the timeline,
/// the measures its lessons became, and a draft of each report still relevant.
pub async fn report_pdf(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    use tillit_app::reports::{Block, Section};
    let tr = &m.ctx.tr;
    let app = m.app();
    let v: IncidentView = tillit_app::incidents::incident(app, &m.who, &id).await?;
    let now = Utc::now();
    let obligations: Vec<Vec<String>> = v
        .obligations
        .iter()
        .map(|o| {
            let r = obligation_row(tr, o, &now);
            let state = if !r.sent.is_empty() {
                r.sent
            } else if r.overdue {
                format!("{} ({})", r.countdown, tr.t("report-overdue"))
            } else {
                r.countdown
            };
            vec![
                format!("{} ({})", r.name, r.provision),
                r.recipient,
                r.applies,
                r.due,
                state,
            ]
        })
        .collect();
    let timeline: Vec<Vec<String>> =
        timeline_rows(tr, tillit_app::incidents::timeline(app, &m.who, &id).await?)
            .into_iter()
            .map(|(a, b, c)| vec![a, b, c])
            .collect();
    let measures: Vec<Vec<String>> = tillit_app::incidents::incident_measures(app, &m.who, &id)
        .await?
        .into_iter()
        .map(|x| {
            let status = tillit_domain::measure::MeasureStatus::from_key(&x.status)
                .map(|s| crate::measures::pages::status_label(tr, s))
                .unwrap_or(x.status);
            vec![x.title, status, x.due_on.unwrap_or_else(|| "–".into())]
        })
        .collect();
    let mut drafts = Vec::new();
    for o in &v.obligations {
        if o.obligation.applies == Applies::No {
            continue;
        }
        let d =
            tillit_app::incidents::report_draft(app, &m.who, &id, o.obligation.kind.key()).await?;
        drafts.push(super::drafts::draft_section(tr, &d, &m));
    }
    let mut draft_section = Section::new(
        tr.t("report-drafts"),
        vec![if drafts.is_empty() {
            crate::reports::none(tr, "report-no-drafts")
        } else {
            Block::Paragraph {
                text: tr.t("report-drafts-help"),
            }
        }],
    );
    draft_section.sections = drafts;
    let title = v.incident.input.title.clone();
    let sections = vec![
        Section::new(
            tr.t("report-incident-facts"),
            vec![Block::Facts {
                rows: incident_facts(tr, &v),
            }],
        ),
        Section::new(
            tr.t("report-obligations"),
            vec![crate::reports::table_or(
                tr,
                "report-no-obligations",
                vec![
                    tr.t("report-obligation"),
                    tr.t("report-recipient"),
                    tr.t("report-applies"),
                    tr.t("report-deadline"),
                    tr.t("report-state"),
                ],
                obligations,
                vec![4, 3, 2, 3, 3],
            )],
        ),
        Section::new(
            tr.t("report-timeline"),
            vec![crate::reports::table_or(
                tr,
                "report-no-timeline",
                vec![tr.t("report-when"), tr.t("report-who"), tr.t("report-what")],
                timeline,
                vec![2, 2, 6],
            )],
        ),
        Section::new(
            tr.t("report-section-measures"),
            vec![crate::reports::table_or(
                tr,
                "report-no-incident-measures",
                vec![
                    tr.t("field-title"),
                    tr.t("field-measure-status"),
                    tr.t("field-due-on"),
                ],
                measures,
                vec![6, 2, 2],
            )],
        ),
        draft_section,
    ];
    let doc = crate::reports::document(
        &m,
        tr.t("report-incident-title"),
        Some(title.clone()),
        vec![
            (tr.t("field-aware-at"), swedish(&v.incident.input.aware_at)),
            (
                tr.t("field-incident-status"),
                tr.t(&format!("incident-status-{}", v.incident.input.status)),
            ),
        ],
        sections,
    );
    crate::reports::pdf(
        &m.state,
        &format!("incident-{}", crate::reports::slug(&title)),
        doc,
    )
    .await
}
