//! Report drafts: for each report an incident calls for, a document with the fields its
//! recipient asks for, pre-filled from the register until the organisation saves its own
//! wording; a read view that prints on A4, and a form to edit it. Tillit does not send it.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::Params;
use crate::forms::{answer, FormFields};
use crate::i18n::Tr;
use crate::pages::ui::{form_status, FormPage, Input};
use crate::pages::{notice_from, FieldError, Notice, PageCommon};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use tillit_app::incidents::ReportDraftView;
use tillit_app::reports::{Block, Section};
use tillit_domain::incident::Kind;
use tillit_domain::incident_report::{content_provision, fields, ReportTextDraft};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

fn words(k: &str) -> String {
    k.replace('_', "-")
}

fn swedish(t: &DateTime<Utc>) -> String {
    tillit_domain::time::swedish_minute(*t)
}

/// What the register says for each field of the report, in the reader's language.
pub fn prefill(tr: &Tr, v: &ReportDraftView, me: (&str, &str)) -> Vec<(String, String)> {
    let i = &v.incident.incident.input;
    let unknown = || tr.t("report-unknown");
    let time = |t: &Option<DateTime<Utc>>| t.as_ref().map(swedish).unwrap_or_else(unknown);
    let names = |list: &[(String, String)]| {
        list.iter()
            .map(|(_, n)| n.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut what = vec![i.description.clone().unwrap_or_else(|| i.title.clone())];
    if !v.incident.incident.systems.is_empty() {
        what.push(tr.f(
            "report-prefill-systems",
            &[("names", names(&v.incident.incident.systems))],
        ));
    }
    if !v.incident.incident.assets.is_empty() {
        what.push(tr.f(
            "report-prefill-assets",
            &[("names", names(&v.incident.incident.assets))],
        ));
    }
    if !i.aspects.is_empty() {
        what.push(
            tr.f(
                "report-prefill-aspects",
                &[(
                    "aspects",
                    i.aspects
                        .iter()
                        .map(|a| tr.t(&format!("aspect-{a}")))
                        .collect::<Vec<_>>()
                        .join(", "),
                )],
            ),
        );
    }
    let what = what.join("\n");
    let timeline = tr.f(
        "report-prefill-timeline",
        &[
            ("started", time(&i.started_at)),
            ("discovered", time(&i.discovered_at)),
            ("aware", swedish(&i.aware_at)),
        ],
    );
    let people = i
        .individuals_approx
        .map(|n| tr.f("report-prefill-people", &[("count", n.to_string())]))
        .unwrap_or_default();
    let records = match (&i.data_categories, i.records_approx) {
        (None, None) => String::new(),
        (c, n) => tr.f(
            "report-prefill-records",
            &[
                ("categories", c.clone().unwrap_or_else(unknown)),
                ("count", n.map(|n| n.to_string()).unwrap_or_else(unknown)),
            ],
        ),
    };
    // The other reports of the incident already marked sent, with their references.
    let sent: Vec<String> = v
        .incident
        .obligations
        .iter()
        .filter(|o| o.obligation.kind != v.kind)
        .filter_map(|o| {
            let s = o.sent.as_ref()?;
            let at = DateTime::parse_from_rfc3339(&s.sent_at)
                .map(|t| swedish(&t.with_timezone(&Utc)))
                .unwrap_or_else(|_| s.sent_at.clone());
            Some(format!(
                "{} ({}, {at}{})",
                report_name(tr, o.obligation.kind),
                recipient_name(tr, o.obligation.kind),
                s.reference
                    .as_ref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default()
            ))
        })
        .collect();
    let other_reports = if sent.is_empty() {
        String::new()
    } else {
        tr.f(
            "report-prefill-sent-reports",
            &[("reports", sent.join("; "))],
        )
    };
    let first = v
        .incident
        .obligations
        .iter()
        .any(|o| o.obligation.kind == v.kind && o.sent.is_none());
    let services = names(&v.incident.incident.systems);
    let cause = i
        .cause
        .as_ref()
        .map(|c| tr.t(&format!("cause-{}", words(c))))
        .unwrap_or_default();
    let malicious = match i.cause.as_deref() {
        Some("attack") => tr.t("report-prefill-malicious-yes"),
        Some(_) => tr.f("report-prefill-malicious-no", &[("cause", cause.clone())]),
        None => String::new(),
    };
    let risk = tr.f(
        "report-prefill-risk",
        &[
            (
                "risk",
                tr.t(&format!("breach-risk-{}", words(&i.breach_risk))),
            ),
            ("motivation", i.risk_motivation.clone().unwrap_or_default()),
        ],
    );
    // The data protection officer is the contact point of a personal data breach; the CSIRT and
    // IVO reach the one who writes the report.
    let gdpr = matches!(
        v.kind,
        Kind::ImyNotification | Kind::ControllerNotification | Kind::DataSubjects
    );
    let contact = if v.dpos.is_empty() || !gdpr {
        format!("{} <{}>", me.0, me.1)
    } else {
        v.dpos
            .iter()
            .map(|d| format!("{} <{}>", d.display_name, d.email))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let status = tr.t(&format!("incident-status-{}", i.status));
    fields(v.kind)
        .iter()
        .map(|k| {
            let value = match *k {
                "nature" | "summary" | "event" | "description" => what.clone(),
                "timeline" => timeline.clone(),
                "categories_people" => people.clone(),
                "categories_records" => records.clone(),
                "consequences" | "severity_impact" => i.consequences.clone().unwrap_or_default(),
                "measures" => i.actions_taken.clone().unwrap_or_default(),
                "risk_assessment" => risk.clone(),
                "notification_kind" if first => tr.t("report-prefill-first"),
                "other_reports" => other_reports.clone(),
                "services_affected" => services.clone(),
                "contact" => contact.clone(),
                "malicious" => malicious.clone(),
                "status_now" => match &i.actions_taken {
                    Some(a) => format!("{status}. {a}"),
                    None => status.clone(),
                },
                "root_cause" | "causes" => cause.clone(),
                _ => String::new(),
            };
            (k.to_string(), value)
        })
        .collect()
}

/// The draft's fields: as saved, or pre-filled from the register.
fn current(tr: &Tr, v: &ReportDraftView, m: &Member) -> Vec<(String, String)> {
    let filled = prefill(tr, v, (m.who.display_name(), &m.who.auth.email));
    match &v.saved {
        None => filled,
        Some(s) => fields(v.kind)
            .iter()
            .map(|k| {
                let saved = s
                    .fields
                    .iter()
                    .find(|(f, _)| f == k)
                    .map(|(_, x)| x.clone())
                    .unwrap_or_default();
                (k.to_string(), saved)
            })
            .collect(),
    }
}

/// The draft's heading (which report, to whom) and whose wording it holds.
fn heading_and_status(tr: &Tr, v: &ReportDraftView) -> (String, String) {
    let heading = tr.f(
        "report-heading",
        &[
            ("report", report_name(tr, v.kind)),
            ("recipient", recipient_name(tr, v.kind)),
        ],
    );
    let status = match &v.saved {
        Some(s) => tr.f(
            "report-saved-by",
            &[
                ("name", s.updated_by_name.clone()),
                ("at", crate::pages::show_time(&s.updated_at)),
            ],
        ),
        None => tr.t("report-prefilled"),
    };
    (heading, status)
}

fn report_name(tr: &Tr, kind: Kind) -> String {
    tr.t(&format!("obligation-{}", words(kind.key())))
}

fn recipient_name(tr: &Tr, kind: Kind) -> String {
    let r = serde_json::to_value(kind.recipient())
        .ok()
        .and_then(|v| v.as_str().map(words))
        .unwrap_or_default();
    tr.t(&format!("recipient-{r}"))
}

pub struct DraftField {
    pub label: String,
    pub hint: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "incident_report.html")]
struct ReportPage {
    c: PageCommon,
    id: String,
    kind: String,
    heading: String,
    incident: String,
    org_name: String,
    printed: String,
    provision: String,
    status: String,
    fields: Vec<DraftField>,
    may_edit: bool,
}

/// The draft as a document, ready to print on A4 or copy.
pub async fn show(
    m: Member,
    Path((id, kind)): Path<(String, String)>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v = tillit_app::incidents::report_draft(m.app(), &m.who, &id, &kind).await?;
    let (heading, status) = heading_and_status(tr, &v);
    let fields = current(tr, &v, &m)
        .into_iter()
        .map(|(k, text)| DraftField {
            label: tr.t(&format!("report-field-{}", words(&k))),
            hint: hint(tr, v.kind, &k),
            text,
        })
        .collect();
    let tpl = ReportPage {
        c: PageCommon::member(&m, heading.clone(), "/incidents")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        id: v.incident.incident.id.clone(),
        kind: v.kind.key().to_string(),
        heading,
        incident: v.incident.incident.input.title.clone(),
        org_name: m.who.membership().org_name.clone(),
        printed: crate::pages::show_time(&Utc::now().to_rfc3339()),
        provision: content_provision(v.kind).to_string(),
        status,
        fields,
        may_edit: m.may(Permission::EditRegisters),
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// A field's guidance, where the recipient asks for something particular.
fn hint(tr: &Tr, kind: Kind, field: &str) -> String {
    let specific = format!("report-hint-{}-{}", words(kind.key()), words(field));
    let general = format!("report-hint-{}", words(field));
    let t = tr.t(&specific);
    if t != specific {
        return t;
    }
    let t = tr.t(&general);
    if t != general {
        t
    } else {
        String::new()
    }
}

async fn form_page(
    m: &Member,
    id: &str,
    kind: &str,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let v = tillit_app::incidents::report_draft(m.app(), &m.who, id, kind).await?;
    let values = current(tr, &v, m);
    let inputs = values
        .into_iter()
        .map(|(k, value)| {
            let value = form.map(|f| f.get(&k).to_string()).unwrap_or(value);
            let mut input = Input::area(&k, tr.t(&format!("report-field-{}", words(&k))), value);
            input.hint = hint(tr, v.kind, &k);
            input
        })
        .collect();
    let heading = tr.f(
        "report-heading",
        &[
            ("report", report_name(tr, v.kind)),
            ("recipient", recipient_name(tr, v.kind)),
        ],
    );
    let tpl = FormPage {
        c: PageCommon::member(m, heading.clone(), "/incidents"),
        back_href: format!("/incidents/{id}/reports/{}", v.kind.key()),
        back_label: tr.t("report-back"),
        heading,
        intro: tr.f(
            "report-edit-intro",
            &[("provision", content_provision(v.kind).to_string())],
        ),
        action: format!("/incidents/{id}/reports/{}", v.kind.key()),
        submit: tr.t("report-save"),
        fields: inputs,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(form_status(errors), &tpl))
}

pub async fn edit(m: Member, Path((id, kind)): Path<(String, String)>) -> AppResult<Response> {
    form_page(&m, &id, &kind, None, None).await
}

pub async fn save(
    m: Member,
    Path((id, kind)): Path<(String, String)>,
    form: FormFields,
) -> AppResult<Response> {
    let result = form
        .submit(async |d: ReportTextDraft| {
            tillit_app::incidents::save_report_draft(m.app(), &m.who, &id, &kind, &d).await
        })
        .await;
    answer(
        result,
        |v: ReportDraftView| {
            format!(
                "/incidents/{}/reports/{}?done=report-draft-saved",
                v.incident.incident.id,
                v.kind.key()
            )
        },
        async |e| form_page(&m, &id, &kind, Some(&form), Some(&e)).await,
    )
    .await
}

/// A report draft as a report section: its heading, whose wording it is, and each field as a
/// subsection (the fields are paragraphs of free text).
pub fn draft_section(tr: &Tr, v: &ReportDraftView, m: &Member) -> Section {
    let (heading, status) = heading_and_status(tr, v);
    let mut section = Section::new(
        heading,
        vec![Block::Facts {
            rows: vec![
                (
                    tr.t("report-draft-provision"),
                    content_provision(v.kind).to_string(),
                ),
                (tr.t("report-draft-wording"), status),
            ],
        }],
    );
    section.sections = current(tr, v, m)
        .into_iter()
        .map(|(k, text)| {
            Section::new(
                tr.t(&format!("report-field-{}", words(&k))),
                vec![if text.trim().is_empty() {
                    Block::Note {
                        text: tr.t("report-unknown"),
                    }
                } else {
                    Block::Paragraph { text }
                }],
            )
        })
        .collect();
    section
}

/// The draft as a PDF, to keep with the case or to attach where the recipient's form allows.
pub async fn pdf(m: Member, Path((id, kind)): Path<(String, String)>) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v = tillit_app::incidents::report_draft(m.app(), &m.who, &id, &kind).await?;
    let section = draft_section(tr, &v, &m);
    let title = section.heading.clone();
    let facts = vec![(
        tr.t("report-incident"),
        v.incident.incident.input.title.clone(),
    )];
    // The draft's fields are the document's sections; its heading is the title.
    let mut sections = vec![Section::new(tr.t("report-draft-about"), section.blocks)];
    sections.extend(section.sections);
    let mut doc = crate::reports::document(&m, title, None, facts, sections);
    doc.outline = false;
    crate::reports::pdf(
        &m.state,
        &format!(
            "rapportutkast-{}-{}",
            words(v.kind.key()),
            crate::reports::slug(&v.incident.incident.input.title)
        ),
        doc,
    )
    .await
}
