//! Incident checklists on the web: `/incidents/playbooks` (the checklists, the organisation's
//! contacts — edited by its administrator — and the national functions, printable), and the
//! checklists of one incident, started and ticked off on the incident's page and printable with
//! what is done.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{answer, FormFields, Params};
use crate::i18n::Tr;
use crate::pages::{notice_from, Choice, FieldError, Notice, PageCommon};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::playbooks::{Checklists, DoneStep, IncidentChecklists, Started};
use tillit_app::reports::{Block, CheckItem, Section};
use tillit_domain::playbook::{ContactDraft, Playbook, StartDraft, Step, StepLink, TickDraft};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// A role's contact as a step or the contact list shows it.
pub struct ContactLine {
    pub role: String,
    pub name: String,
    pub phone: String,
    /// `tel:` link of the phone number.
    pub tel: String,
    pub email: String,
    pub note: String,
    pub missing: bool,
}

/// A national function as a step or the list shows it.
pub struct NationalLine {
    pub name: String,
    pub what: String,
    pub phone: String,
    pub tel: String,
    pub web: String,
}

pub struct StepRow {
    pub key: String,
    pub text: String,
    pub done: bool,
    /// "Klart 2026-12-03 14:02 · Anna Berg".
    pub done_line: String,
    pub contacts: Vec<ContactLine>,
    pub national: Vec<NationalLine>,
    /// Where on the incident the step is done (href, label).
    pub link: Option<(String, String)>,
}

pub struct StartedRow {
    pub key: String,
    pub title: String,
    pub when: String,
    pub progress: String,
    pub complete: bool,
    pub started_line: String,
    pub steps: Vec<StepRow>,
}

/// The checklists block of an incident's page.
pub struct IncidentBlock {
    pub started: Vec<StartedRow>,
    pub choices: Vec<Choice>,
}

fn tel(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

fn contact_line(tr: &Tr, lists: &Checklists, role: &str) -> ContactLine {
    let lang = tr.lang();
    let label = lists
        .book
        .role(role)
        .map(|r| r.label.get(lang).to_string())
        .unwrap_or_else(|| role.to_string());
    match lists.contact(role) {
        Some(c) => {
            let phone = c.contact.phone.clone().unwrap_or_default();
            ContactLine {
                role: label,
                name: c.contact.name.clone(),
                tel: tel(&phone),
                phone,
                email: c.contact.email.clone().unwrap_or_default(),
                note: c.contact.note.clone().unwrap_or_default(),
                missing: false,
            }
        }
        None => ContactLine {
            role: label,
            name: tr.t("playbook-contact-missing"),
            phone: String::new(),
            tel: String::new(),
            email: String::new(),
            note: String::new(),
            missing: true,
        },
    }
}

fn national_line(tr: &Tr, n: &tillit_domain::playbook::National) -> NationalLine {
    let lang = tr.lang();
    let phone = n.phone.clone().unwrap_or_default();
    NationalLine {
        name: n.name.get(lang).to_string(),
        what: n.what.get(lang).to_string(),
        tel: tel(&phone),
        phone,
        web: n.web.clone().unwrap_or_default(),
    }
}

/// The national functions a step names that concern the organisation.
fn step_national(tr: &Tr, lists: &Checklists, s: &Step) -> Vec<NationalLine> {
    let concern = lists.national();
    s.national
        .iter()
        .filter_map(|k| concern.iter().find(|n| n.key == *k))
        .map(|n| national_line(tr, n))
        .collect()
}

fn step_row(
    tr: &Tr,
    lists: &Checklists,
    incident_id: Option<&str>,
    s: &Step,
    done: Option<&DoneStep>,
) -> StepRow {
    let link = match (incident_id, s.link) {
        (Some(id), Some(StepLink::Edit)) => {
            Some((format!("/incidents/{id}/edit"), tr.t("playbook-link-edit")))
        }
        (Some(id), Some(StepLink::Reports)) => Some((
            format!("/incidents/{id}#obligations-heading"),
            tr.t("playbook-link-reports"),
        )),
        _ => None,
    };
    StepRow {
        key: s.key.clone(),
        text: s.text.get(tr.lang()).to_string(),
        done: done.is_some(),
        done_line: done
            .map(|d| {
                tr.f(
                    "playbook-done-line",
                    &[
                        ("time", crate::pages::show_time(&d.at)),
                        ("name", d.by_name.clone()),
                    ],
                )
            })
            .unwrap_or_default(),
        contacts: s
            .contacts
            .iter()
            .map(|r| contact_line(tr, lists, r))
            .collect(),
        national: step_national(tr, lists, s),
        link,
    }
}

fn started_row(tr: &Tr, x: &IncidentChecklists, s: &Started) -> StartedRow {
    let lang = tr.lang();
    let steps: Vec<StepRow> = s
        .steps
        .iter()
        .map(|st| {
            step_row(
                tr,
                &x.lists,
                Some(&x.incident_id),
                st.step,
                st.done.as_ref(),
            )
        })
        .collect();
    StartedRow {
        key: s.playbook.key.clone(),
        title: s.playbook.title.get(lang).to_string(),
        when: s.playbook.when.get(lang).to_string(),
        progress: tr.f(
            "playbook-progress",
            &[
                ("done", s.done().to_string()),
                ("total", s.steps.len().to_string()),
            ],
        ),
        complete: s.done() == s.steps.len(),
        started_line: tr.f(
            "playbook-started-line",
            &[
                ("time", crate::pages::show_time(&s.started_at)),
                ("name", s.started_by_name.clone()),
                ("version", s.version.clone()),
            ],
        ),
        steps,
    }
}

/// The checklists block of an incident's page.
pub async fn incident_block(m: &Member, id: &str) -> AppResult<IncidentBlock> {
    let tr = &m.ctx.tr;
    let x = tillit_app::playbooks::of_incident(m.app(), &m.who, id).await?;
    let started = x.started.iter().map(|s| started_row(tr, &x, s)).collect();
    let choices = x
        .to_start
        .iter()
        .filter_map(|k| x.lists.book.playbook(k))
        .enumerate()
        .map(|(i, p)| {
            let title = p.title.get(tr.lang()).to_string();
            Choice {
                key: p.key.clone(),
                label: if x.suggested.contains(&p.key.as_str()) {
                    tr.f("playbook-suggested", &[("title", title)])
                } else {
                    title
                },
                selected: i == 0,
            }
        })
        .collect();
    Ok(IncidentBlock { started, choices })
}

/// Starts a checklist from the incident's page.
pub async fn start(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let result = form
        .submit(async |d: StartDraft| tillit_app::playbooks::start(m.app(), &m.who, &id, &d).await)
        .await;
    let key = form.get("playbook").to_string();
    answer(
        result,
        |_| format!("/incidents/{id}?done=checklist-started#checklist-{key}"),
        async |v| crate::incidents::pages::show_with_errors(&m, &id, &v).await,
    )
    .await
}

/// Ticks a step off (or back) from the incident's page.
pub async fn tick(
    m: Member,
    Path((id, key)): Path<(String, String)>,
    form: FormFields,
) -> AppResult<Response> {
    let result = form
        .submit(async |d: TickDraft| {
            tillit_app::playbooks::tick(m.app(), &m.who, &id, &key, &d).await
        })
        .await;
    let step = form.get("step").to_string();
    answer(
        result,
        |_| format!("/incidents/{id}#step-{key}-{step}"),
        async |v| crate::incidents::pages::show_with_errors(&m, &id, &v).await,
    )
    .await
}

pub struct RoleCard {
    pub key: String,
    pub label: String,
    pub hint: String,
    pub line: ContactLine,
    /// The values in the form (what is stored, or what was entered when refused).
    pub name: String,
    pub phone: String,
    pub email: String,
    pub note: String,
    pub open: bool,
    pub errors: Vec<FieldError>,
    pub updated: String,
}

/// Field errors of the contact form, with its own words for the phone and the note.
fn contact_errors(tr: &Tr, e: &ValidationErrors) -> Vec<FieldError> {
    FieldError::list(tr, e)
        .into_iter()
        .map(|mut x| {
            match x.field.as_str() {
                "phone" => x.label = tr.t("playbook-field-phone"),
                "note" => x.label = tr.t("playbook-field-note"),
                "role" => x.label = tr.t("playbook-role"),
                _ => {}
            }
            x
        })
        .collect()
}

pub struct PlaybookCard {
    pub key: String,
    pub title: String,
    pub when: String,
    pub steps: Vec<StepRow>,
}

#[derive(Template)]
#[template(path = "playbooks.html")]
struct PlaybooksPage {
    c: PageCommon,
    intro: String,
    version_line: String,
    roles: Vec<RoleCard>,
    national: Vec<NationalLine>,
    playbooks: Vec<PlaybookCard>,
    may_edit_contacts: bool,
    missing_line: String,
    /// Errors no role's form can show (a role that is not one of the checklists').
    errors: Vec<FieldError>,
}

async fn render(
    m: &Member,
    refused: Option<(&FormFields, &ValidationErrors)>,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let lists = tillit_app::playbooks::checklists(m.app(), &m.who).await?;
    let book = lists.book;
    let refused_role = refused.map(|(f, _)| f.get("role").to_string());
    let roles: Vec<RoleCard> = book
        .contact_roles
        .iter()
        .map(|r| {
            let stored = lists.contact(&r.key);
            let mine = refused_role.as_deref() == Some(r.key.as_str());
            let value = |field: &str, stored: Option<String>| match refused {
                Some((f, _)) if mine => f.get(field).to_string(),
                _ => stored.unwrap_or_default(),
            };
            RoleCard {
                key: r.key.clone(),
                label: r.label.get(lang).to_string(),
                hint: r.hint.get(lang).to_string(),
                line: contact_line(tr, &lists, &r.key),
                name: value("name", stored.map(|c| c.contact.name.clone())),
                phone: value("phone", stored.and_then(|c| c.contact.phone.clone())),
                email: value("email", stored.and_then(|c| c.contact.email.clone())),
                note: value("note", stored.and_then(|c| c.contact.note.clone())),
                open: mine,
                errors: match refused {
                    Some((_, e)) if mine => contact_errors(tr, e),
                    _ => vec![],
                },
                updated: stored
                    .map(|c| {
                        tr.f(
                            "playbook-contact-updated",
                            &[
                                ("time", crate::pages::show_time(&c.updated_at)),
                                ("name", c.updated_by_name.clone()),
                            ],
                        )
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let missing = roles.iter().filter(|r| r.line.missing).count();
    let errors = match (refused, roles.iter().any(|r| r.open)) {
        (Some((_, e)), false) => contact_errors(tr, e),
        _ => vec![],
    };
    let playbooks = book
        .playbooks
        .iter()
        .map(|p| PlaybookCard {
            key: p.key.clone(),
            title: p.title.get(lang).to_string(),
            when: p.when.get(lang).to_string(),
            steps: lists
                .steps(p)
                .into_iter()
                .map(|s| step_row(tr, &lists, None, s, None))
                .collect(),
        })
        .collect();
    let tpl = PlaybooksPage {
        c: PageCommon::member(m, book.title.get(lang).to_string(), "/incidents")
            .with_notice(notice),
        intro: book.intro.get(lang).to_string(),
        version_line: tr.f(
            "playbook-version-line",
            &[
                ("version", book.version.clone()),
                ("published", book.published.clone()),
            ],
        ),
        roles,
        national: lists
            .national()
            .into_iter()
            .map(|n| national_line(tr, n))
            .collect(),
        playbooks,
        may_edit_contacts: m.may(Permission::ManageOrganisation),
        errors,
        missing_line: if missing > 0 {
            tr.f(
                "playbook-contacts-missing",
                &[("count", missing.to_string())],
            )
        } else {
            String::new()
        },
    };
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(status, &tpl))
}

pub async fn show(m: Member, Params(n): Params<Notice>) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, n.done.as_deref());
    render(&m, None, notice).await
}

/// Saves a role's contact (the administrator's).
pub async fn save_contact(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::ManageOrganisation)?;
    let result = form
        .submit(async |d: ContactDraft| {
            tillit_app::playbooks::set_contact(m.app(), &m.who, &d).await
        })
        .await;
    match result {
        Ok(_) => Ok(crate::render::see_other(&format!(
            "/incidents/playbooks?done=contact-saved#role-{}",
            form.get("role")
        ))),
        Err(AppError::Invalid(v)) => render(&m, Some((&form, &v)), None).await,
        Err(e) => Err(e),
    }
}

/// Which checklist to print: one (by key) or all.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PrintParams {
    #[serde(default)]
    pub playbook: Option<String>,
}

/// The lines under a step in print: whom to call.
fn print_detail(tr: &Tr, row: &StepRow) -> String {
    let mut parts: Vec<String> = row
        .contacts
        .iter()
        .map(|c| {
            let mut s = format!("{}: {}", c.role, c.name);
            if !c.phone.is_empty() {
                s.push_str(&format!(", {}", c.phone));
            }
            s
        })
        .collect();
    parts.extend(row.national.iter().map(|n| {
        let mut s = n.name.clone();
        if !n.phone.is_empty() {
            s.push_str(&format!(", {}", n.phone));
        }
        if !n.web.is_empty() {
            s.push_str(&format!(" ({})", n.web));
        }
        s
    }));
    if !row.done_line.is_empty() {
        parts.push(row.done_line.clone());
    }
    let _ = tr;
    parts.join(" · ")
}

fn checklist_block(tr: &Tr, rows: &[StepRow]) -> Block {
    Block::Checklist {
        items: rows
            .iter()
            .map(|r| CheckItem {
                done: r.done,
                text: r.text.clone(),
                detail: print_detail(tr, r),
            })
            .collect(),
    }
}

/// A table to write the log on by hand while the systems are down.
fn paper_log(tr: &Tr) -> Section {
    Section::new(
        tr.t("playbook-print-log"),
        vec![
            Block::Paragraph {
                text: tr.t("playbook-print-log-help"),
            },
            Block::Table {
                headers: vec![
                    tr.t("playbook-print-log-time"),
                    tr.t("playbook-print-log-what"),
                    tr.t("playbook-print-log-who"),
                ],
                // Room to write by hand: each row three lines high.
                rows: (0..10)
                    .map(|_| vec![" \n \n ".into(), String::new(), String::new()])
                    .collect(),
                widths: vec![1, 4, 1],
                tones: vec![],
            },
        ],
    )
}

fn contacts_section(tr: &Tr, lists: &Checklists) -> Section {
    let lang = tr.lang();
    let rows = lists
        .book
        .contact_roles
        .iter()
        .map(|r| {
            let c = contact_line(tr, lists, &r.key);
            vec![
                r.label.get(lang).to_string(),
                c.name,
                c.phone,
                c.email,
                c.note,
            ]
        })
        .collect();
    let national = lists
        .national()
        .into_iter()
        .map(|n| {
            let l = national_line(tr, n);
            vec![l.name, l.phone, l.web, l.what]
        })
        .collect();
    Section::new(
        tr.t("playbook-contacts-heading"),
        vec![Block::Table {
            headers: vec![
                tr.t("playbook-role"),
                tr.t("field-name"),
                tr.t("playbook-field-phone"),
                tr.t("field-email"),
                tr.t("playbook-field-note"),
            ],
            rows,
            // Room for an e-mail address on one line: it is never hyphenated.
            widths: vec![3, 3, 2, 4, 2],
            tones: vec![],
        }],
    )
    .with_sections(vec![Section::new(
        tr.t("playbook-national-heading"),
        vec![Block::Table {
            headers: vec![
                tr.t("playbook-national-name"),
                tr.t("playbook-field-phone"),
                tr.t("playbook-national-web"),
                tr.t("playbook-national-what"),
            ],
            rows: national,
            widths: vec![3, 2, 3, 6],
            tones: vec![],
        }],
    )])
}

fn playbook_section(tr: &Tr, lists: &Checklists, p: &Playbook) -> Section {
    let lang = tr.lang();
    let rows: Vec<StepRow> = lists
        .steps(p)
        .into_iter()
        .map(|s| step_row(tr, lists, None, s, None))
        .collect();
    Section::new(
        p.title.get(lang),
        vec![
            Block::Paragraph {
                text: format!("{} {}", tr.t("playbook-when"), p.when.get(lang)),
            },
            checklist_block(tr, &rows),
        ],
    )
}

/// The checklists to print ahead, with the organisation's contacts: one, or all of them.
pub async fn print(m: Member, Params(q): Params<PrintParams>) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let lists = tillit_app::playbooks::checklists(m.app(), &m.who).await?;
    let book = lists.book;
    let chosen: Vec<&Playbook> = match q.playbook.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => vec![book.playbook(k).ok_or(AppError::NotFound)?],
        None => book.playbooks.iter().collect(),
    };
    let title = match chosen.as_slice() {
        [one] if q.playbook.is_some() => one.title.get(lang).to_string(),
        _ => book.title.get(lang).to_string(),
    };
    let mut sections: Vec<Section> = chosen
        .iter()
        .map(|p| playbook_section(tr, &lists, p))
        .collect();
    sections.push(contacts_section(tr, &lists));
    sections.push(paper_log(tr));
    let doc = crate::reports::document(
        &m,
        title.clone(),
        Some(tr.t("playbook-print-subtitle")),
        vec![
            (tr.t("playbook-print-version"), book.version.clone()),
            (
                tr.t("playbook-print-intro-label"),
                book.intro.get(lang).to_string(),
            ),
        ],
        sections,
    );
    crate::reports::pdf(
        &m.state,
        &format!("checklista-{}", crate::reports::slug(&title)),
        doc,
    )
    .await
}

/// One incident's checklist, printed with what is done.
pub async fn print_incident(
    m: Member,
    Path((id, key)): Path<(String, String)>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let x = tillit_app::playbooks::of_incident(m.app(), &m.who, &id).await?;
    let s = x
        .started
        .iter()
        .find(|s| s.playbook.key == key)
        .ok_or(AppError::NotFound)?;
    let row = started_row(tr, &x, s);
    let doc = crate::reports::document(
        &m,
        row.title.clone(),
        Some(x.incident_title.clone()),
        vec![
            (tr.t("playbook-print-incident"), x.incident_title.clone()),
            (
                tr.t("playbook-print-started"),
                tr.f(
                    "playbook-started-value",
                    &[
                        ("time", crate::pages::show_time(&s.started_at)),
                        ("name", s.started_by_name.clone()),
                        ("version", s.version.clone()),
                    ],
                ),
            ),
            (tr.t("playbook-print-progress"), row.progress.clone()),
        ],
        vec![
            Section::new(
                row.title.clone(),
                vec![
                    Block::Paragraph {
                        text: format!("{} {}", tr.t("playbook-when"), row.when),
                    },
                    checklist_block(tr, &row.steps),
                ],
            ),
            contacts_section(tr, &x.lists),
            paper_log(tr),
        ],
    );
    crate::reports::pdf(
        &m.state,
        &format!("checklista-{}", crate::reports::slug(&row.title)),
        doc,
    )
    .await
}

/// A checklist's start or a step's tick as the incident's timeline reads it.
pub fn timeline_text(tr: &Tr, playbook: &str, step: Option<&str>, done: bool) -> String {
    let lang = tr.lang();
    let p = tillit_app::playbooks::book()
        .ok()
        .and_then(|b| b.playbook(playbook));
    let title = p
        .map(|p| p.title.get(lang).to_string())
        .unwrap_or_else(|| playbook.to_string());
    match step {
        None => tr.f("timeline-checklist-started", &[("title", title)]),
        Some(k) => {
            let text = p
                .and_then(|p| p.step(k))
                .map(|s| first_sentence(s.text.get(lang)))
                .unwrap_or_else(|| k.to_string());
            tr.f(
                if done {
                    "timeline-checklist-done"
                } else {
                    "timeline-checklist-undone"
                },
                &[("title", title), ("step", text)],
            )
        }
    }
}

/// The first sentence of a step's text: enough to tell it in the timeline.
fn first_sentence(s: &str) -> String {
    match s.find(". ").or_else(|| s.find(": ")) {
        Some(i) => s[..=i].trim_end_matches(':').to_string(),
        None => s.to_string(),
    }
}
