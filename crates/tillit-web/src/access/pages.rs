//! A system's access-needs analysis (behovs- och riskanalys, HSLF-FS 2016:40 4 kap. 2 §; the
//! conditions for access, PDL 4 kap. 2 §): user groups, needs, approval.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::forms::Params;
use crate::pages::Notice;
use crate::pages::{notice_from, FieldError, PageCommon};
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::access::UserGroup;
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

pub struct GroupRow {
    pub name: String,
    pub information: String,
    pub reason: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "access_analysis.html")]
struct AccessPage {
    c: PageCommon,
    system_id: String,
    system_name: String,
    back_label: String,
    patient_data: bool,
    exists: bool,
    groups: Vec<GroupRow>,
    risks_wider: String,
    risks_narrower: String,
    access_rules: String,
    approvers: Vec<crate::pages::Choice>,
    approved: String,
    approved_on: String,
    next_review_on: String,
    overdue: bool,
    may_edit: bool,
    errors: Vec<FieldError>,
    /// The approval asked of the member reading the page.
    decision: Option<crate::pages::record::DecisionBox>,
}

async fn render_access(
    m: &Member,
    system_id: &str,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    notice: Option<String>,
    answer: Option<(String, &ValidationErrors)>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let sys = tillit_app::systems::system(m.app(), &m.who, &SystemId::from(system_id)).await?;
    let (org_facts, _) = tillit_app::assessments::org_context(m.app(), &m.who).await?;
    let facts = tillit_app::assessments::system_facts(&sys, &org_facts);
    let existing =
        tillit_app::access::access_analysis(m.app(), &m.who, &SystemId::from(system_id)).await?;
    let x = existing.as_ref().map(|a| &a.input);
    let get = |k: &str, stored: Option<String>| {
        form.map(|f| f.get(k).to_string())
            .unwrap_or_else(|| stored.unwrap_or_default())
    };
    let mut groups: Vec<GroupRow> = match form {
        Some(f) => {
            let (n, i, r, u) = (
                f.all("group_name"),
                f.all("group_information"),
                f.all("group_reason"),
                f.all("group_rule"),
            );
            (0..n.len())
                .map(|k| GroupRow {
                    name: n.get(k).cloned().unwrap_or_default(),
                    information: i.get(k).cloned().unwrap_or_default(),
                    reason: r.get(k).cloned().unwrap_or_default(),
                    rule: u.get(k).cloned().unwrap_or_default(),
                })
                .collect()
        }
        None => x
            .map(|x| x.groups.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|g: UserGroup| GroupRow {
                name: g.name,
                information: g.information_needed,
                reason: g.reason,
                rule: g.access_rule.unwrap_or_default(),
            })
            .collect(),
    };
    let blank = || GroupRow {
        name: String::new(),
        information: String::new(),
        reason: String::new(),
        rule: String::new(),
    };
    let blanks = if groups.is_empty() { 3 } else { 2 };
    groups.extend((0..blanks).map(|_| blank()));
    let approved_now = get("approved_by", x.and_then(|x| x.approved_by.clone()));
    let mut approver_choices = vec![crate::pages::Choice {
        key: String::new(),
        label: tr.t("access-not-approved"),
        selected: approved_now.is_empty(),
    }];
    approver_choices.extend(
        tillit_app::access::approvers(m.app(), &m.who, &sys)
            .await?
            .into_iter()
            .map(|(id, name)| crate::pages::Choice {
                selected: id == approved_now,
                key: id,
                label: name,
            }),
    );
    let next = get("next_review_on", x.map(|x| x.next_review_on.clone()));
    let today = tillit_app::today();
    let tpl = AccessPage {
        c: PageCommon::member(
            m,
            tr.f("access-heading", &[("name", sys.input.name.clone())]),
            "/systems",
        )
        .with_notice(notice),
        system_id: sys.id.to_string(),
        system_name: sys.input.name.clone(),
        back_label: tr.f("back-to", &[("name", sys.input.name.clone())]),
        patient_data: facts.health_data,
        exists: existing.is_some(),
        groups,
        risks_wider: get("risks_wider", x.map(|x| x.risks_wider.clone())),
        risks_narrower: get("risks_narrower", x.and_then(|x| x.risks_narrower.clone())),
        access_rules: get("access_rules", x.map(|x| x.access_rules.clone())),
        approvers: approver_choices,
        approved: match (&existing, x.and_then(|x| x.approved_on.clone())) {
            (Some(a), Some(_)) if a.approval_signed_at.is_none() => tr.f(
                "access-awaiting-owner",
                &[
                    ("name", a.approved_by_name.clone().unwrap_or_default()),
                    (
                        "asked_by",
                        a.approval_requested_by.clone().unwrap_or_default(),
                    ),
                ],
            ),
            (Some(a), Some(on)) => tr.f(
                "access-approved-by",
                &[
                    ("name", a.approved_by_name.clone().unwrap_or_default()),
                    ("date", on),
                ],
            ),
            _ => String::new(),
        },
        approved_on: get("approved_on", x.and_then(|x| x.approved_on.clone())),
        overdue: existing.is_some() && !next.is_empty() && next < today,
        next_review_on: next,
        may_edit: m.may(Permission::EditRegisters),
        errors: if answer.is_some() {
            vec![]
        } else {
            errors.map(|e| FieldError::list(tr, e)).unwrap_or_default()
        },
        decision: existing
            .as_ref()
            .filter(|a| {
                a.approval_signed_at.is_none()
                    && a.input.approved_by.as_deref()
                        == Some(m.who.membership().membership_id.as_str())
            })
            .map(|a| {
                let (note, errs) = answer.map_or_else(
                    || (String::new(), vec![]),
                    |(n, v)| (n, FieldError::list(tr, v)),
                );
                crate::pages::record::DecisionBox {
                    action: format!("/systems/{}/access-analysis/approval", sys.id),
                    heading: tr.t("access-decision-heading"),
                    text: tr.f(
                        "access-decision-text",
                        &[(
                            "asked_by",
                            a.approval_requested_by.clone().unwrap_or_default(),
                        )],
                    ),
                    note,
                    hint: tr.t("access-decision-note-hint"),
                    errors: errs,
                    accept: tr.t("access-decision-accept"),
                    decline: tr.t("access-decision-decline"),
                }
            }),
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(status, &tpl))
}

pub async fn access_page(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_access(&m, &id, None, None, notice, None).await
}

/// The information owner's answer to a request to approve the analysis (`POST
/// /systems/{id}/access-analysis/approval`).
pub async fn answer_approval(
    m: Member,
    Path(id): Path<SystemId>,
    form: FormFields,
) -> AppResult<Response> {
    let result = match form.draft::<tillit_domain::risk::AcceptanceAnswerDraft>() {
        Ok(d) => tillit_app::access::answer_approval(m.app(), &m.who, &id, &d)
            .await
            .map_err(AppError::from),
        Err(v) => Err(AppError::Invalid(v)),
    };
    match result {
        Ok(a) => {
            let done = if a.approval_signed_at.is_some() {
                "approval-signed"
            } else {
                "approval-declined"
            };
            Ok(see_other(&format!(
                "/systems/{id}/access-analysis?done={done}"
            )))
        }
        Err(AppError::Invalid(v)) => {
            let note = form.get("note").to_string();
            render_access(&m, id.as_str(), None, Some(&v), None, Some((note, &v))).await
        }
        Err(e) => Err(e),
    }
}

pub async fn save_access(
    m: Member,
    Path(id): Path<SystemId>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result =
        tillit_app::access::save_access_analysis(m.app(), &m.who, &id, &access_draft(&form))
            .await
            .map_err(AppError::from);
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/systems/{id}/access-analysis?done=access-saved"
        ))),
        Err(AppError::Invalid(v)) => {
            render_access(&m, id.as_str(), Some(&form), Some(&v), None, None).await
        }
        Err(e) => Err(e),
    }
}

/// The access-needs form sends each group as repeated fields in the same order; they are paired
/// into the draft's groups here (an HTML form cannot nest), and the rest read by name.
fn access_draft(form: &FormFields) -> tillit_domain::access::AccessAnalysisDraft {
    use tillit_domain::access::{AccessAnalysisDraft, UserGroupDraft};
    let (names, infos, reasons, rules) = (
        form.all("group_name"),
        form.all("group_information"),
        form.all("group_reason"),
        form.all("group_rule"),
    );
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let rows = names
        .len()
        .max(infos.len())
        .max(reasons.len())
        .max(rules.len());
    AccessAnalysisDraft {
        groups: (0..rows)
            .map(|i| UserGroupDraft {
                name: at(&names, i),
                information_needed: at(&infos, i),
                reason: at(&reasons, i),
                access_rule: at(&rules, i),
            })
            .collect(),
        risks_wider: form.get("risks_wider").to_string(),
        risks_narrower: form.get("risks_narrower").to_string(),
        access_rules: form.get("access_rules").to_string(),
        approved_by: form.get("approved_by").to_string(),
        approved_on: form.get("approved_on").to_string(),
        next_review_on: form.get("next_review_on").to_string(),
    }
}

/// The access-needs analysis (behovs- och riskanalys) of a system as a document: its user
/// groups with what each needs and why, the risks of wider and narrower access, the resulting
/// rules, and who approved it and when it is next reviewed.
pub async fn access_pdf(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    use tillit_app::reports::{Block, Section};
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let sys = tillit_app::systems::system(m.app(), &m.who, &SystemId::from(id.as_str())).await?;
    let Some(a) =
        tillit_app::access::access_analysis(m.app(), &m.who, &SystemId::from(id.as_str())).await?
    else {
        return Err(crate::error::AppError::NotFound);
    };
    let x = &a.input;
    let dash = || "–".to_string();
    let text = |s: &str| {
        if s.trim().is_empty() {
            Block::Note { text: dash() }
        } else {
            Block::Paragraph {
                text: s.to_string(),
            }
        }
    };
    let approved = match (&a.approved_by_name, &x.approved_on) {
        (Some(n), Some(_)) if a.approval_signed_at.is_none() => tr.f(
            "access-awaiting-owner",
            &[
                ("name", n.clone()),
                (
                    "asked_by",
                    a.approval_requested_by.clone().unwrap_or_default(),
                ),
            ],
        ),
        (Some(n), Some(on)) => format!("{n}, {on}"),
        _ => tr.t("access-not-approved"),
    };
    let sections = vec![
        Section::new(
            tr.t("access-groups"),
            vec![crate::reports::table_or(
                tr,
                "report-no-groups",
                vec![
                    tr.t("field-group-name"),
                    tr.t("field-group-information"),
                    tr.t("field-group-reason"),
                    tr.t("field-group-rule"),
                ],
                x.groups
                    .iter()
                    .map(|g| {
                        vec![
                            g.name.clone(),
                            g.information_needed.clone(),
                            g.reason.clone(),
                            g.access_rule.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
                vec![2, 3, 3, 3],
            )],
        ),
        Section::new(tr.t("access-risks"), vec![]).with_sections(vec![
            Section::new(tr.t("field-risks-wider"), vec![text(&x.risks_wider)]),
            Section::new(
                tr.t("field-risks-narrower"),
                vec![text(x.risks_narrower.as_deref().unwrap_or(""))],
            ),
        ]),
        Section::new(tr.t("field-access-rules"), vec![text(&x.access_rules)]),
    ];
    let mut doc = crate::reports::document(
        &m,
        tr.t("access-title"),
        Some(sys.input.name.clone()),
        vec![
            (tr.t("field-approved-by"), approved),
            (tr.t("review-next"), x.next_review_on.clone()),
            (tr.t("report-legal-basis"), tr.t("access-intro")),
        ],
        sections,
    );
    doc.outline = false;
    crate::reports::pdf(
        &m.state,
        &format!(
            "behovs-och-riskanalys-{}",
            crate::reports::slug(&sys.input.name)
        ),
        doc,
    )
    .await
}
