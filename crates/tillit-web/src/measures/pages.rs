//! Measures and the action plan: each measure traces to risk scenarios or requirements (an
//! untraced one is refused), has an owner, a due date and a status, and records how its effect
//! was verified. The plan groups by status, owner or due date.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::answer;
use crate::forms::FormFields;
use crate::forms::Params;
use crate::i18n::Tr;
use crate::pages::ui::{form_status, owner_choices, value, Fill, FormPage, Input};
use crate::pages::{notice_from, Choice, FieldError, PageCommon, Pager};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use tillit_app::views::{Linkable, Measure, MeasureOrder, MeasureQuery};
use tillit_domain::ids::*;
use tillit_domain::measure::{is_overdue, MeasureStatus, RequirementRef};
use tillit_domain::paging::PageRequest;
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};

pub fn status_label(tr: &Tr, s: MeasureStatus) -> String {
    tr.t(&format!("measure-status-{}", s.key().replace('_', "-")))
}

pub fn today() -> chrono::NaiveDate {
    tillit_app::today_date()
}

/// "Planerad, 2027-03-31" — and "(försenad)" when the day has passed with the measure open.
pub fn status_and_due(tr: &Tr, x: &Measure) -> String {
    let status = status_label(tr, x.input.status);
    match x.input.due_on.as_deref() {
        None | Some("") => status,
        Some(due) if is_overdue(Some(due), x.input.status, today()) => {
            format!("{status}, {due} ({})", tr.t("measures-overdue"))
        }
        Some(due) => format!("{status}, {due}"),
    }
}

/// The chip class of a measure's status.
fn status_class(s: MeasureStatus) -> &'static str {
    match s {
        MeasureStatus::Planned => "status-unassessed",
        MeasureStatus::InProgress => "status-partly-met",
        MeasureStatus::Done | MeasureStatus::Verified => "status-met",
    }
}

pub struct MeasureRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub status: String,
    pub status_class: &'static str,
    pub traces: String,
}

pub struct Group {
    pub heading: String,
    pub rows: Vec<MeasureRow>,
}

#[derive(Template)]
#[template(path = "measures.html")]
struct MeasuresPage {
    c: PageCommon,
    archived_view: bool,
    list_base: &'static str,
    groups: Vec<Group>,
    group_by: Vec<Choice>,
    statuses: Vec<Choice>,
    overdue_only: bool,
    q: String,
    summary: String,
    pager: Pager,
    may_edit: bool,
}

fn row(tr: &Tr, x: &Measure, req_label: &dyn Fn(&RequirementRef) -> String) -> MeasureRow {
    let mut traces: Vec<String> = x
        .scenarios
        .iter()
        .map(|(_, t)| tr.f("measure-trace-scenario", &[("name", t.clone())]))
        .collect();
    traces.extend(x.input.requirements.iter().map(req_label));
    MeasureRow {
        id: x.id.to_string(),
        title: x.input.title.clone(),
        owner: x
            .owner_name
            .clone()
            .unwrap_or_else(|| tr.t("assets-no-owner")),
        due: x.input.due_on.clone().unwrap_or_else(|| "–".into()),
        overdue: is_overdue(x.input.due_on.as_deref(), x.input.status, today()),
        status: status_label(tr, x.input.status),
        status_class: status_class(x.input.status),
        traces: traces.join("; "),
    }
}

/// A requirement reference as shown: its label and title, and the system it concerns.
pub async fn requirement_labeller(m: &Member) -> AppResult<impl Fn(&RequirementRef) -> String> {
    let systems: HashMap<String, String> =
        tillit_app::systems::system_names(m.app(), &m.who).await?;
    let lib = m.app().library(&m.who);
    let tr = m.ctx.tr.clone();
    Ok(move |r: &RequirementRef| {
        let req = lib
            .requirement(&r.requirement_id)
            .map(|q| format!("{} {}", q.label, q.title(tr.lang())))
            .unwrap_or_else(|| r.requirement_id.clone());
        let scope = match &r.system_id {
            Some(s) => systems.get(s).cloned().unwrap_or_else(|| s.clone()),
            None => tr.t("measure-scope-organisation"),
        };
        tr.f(
            "measure-trace-requirement",
            &[("requirement", req), ("scope", scope)],
        )
    })
}

/// The query parameters of `list`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MeasureListParams {
    /// yes: the archived measures instead of those in use
    pub archived: Option<String>,
    pub done: Option<String>,
    pub group: Option<String>,
    pub overdue: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub q: Option<String>,
    pub status: Option<String>,
}

pub async fn list(m: Member, Params(q): Params<MeasureListParams>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let group = q.group.as_deref().unwrap_or("status");
    let order = match group {
        "owner" => MeasureOrder::Owner,
        "due" => MeasureOrder::Due,
        "status" => MeasureOrder::Status,
        _ => return Err(ValidationErrors::single("group", Rule::UnknownValue).into()),
    };
    let status = match q.status.as_deref().unwrap_or("") {
        "" => None,
        k => Some(
            MeasureStatus::from_key(k)
                .ok_or_else(|| ValidationErrors::single("status", Rule::UnknownValue))?,
        ),
    };
    let text = q.q.as_ref().cloned().unwrap_or_default();
    tillit_domain::paging::search_text(&text)?;
    let overdue_only = q.overdue.as_deref() == Some("1");
    let archived = crate::archive::archived_param(q.archived.as_deref())?;
    let query = MeasureQuery {
        archived,
        q: Some(text.clone()),
        status,
        owner_membership_id: None,
        overdue_on: overdue_only.then(|| today().to_string()),
        ..Default::default()
    };
    let page_req = PageRequest::parse(q.page.as_deref(), q.per_page.as_deref())?;
    let list =
        tillit_app::measures::list_measures(m.app(), &m.who, &query, order, page_req).await?;
    let label = requirement_labeller(&m).await?;
    let pager = Pager::new(
        tr,
        "/measures",
        &[
            ("archived", q.archived.clone().unwrap_or_default()),
            ("group", group.to_string()),
            ("status", q.status.as_ref().cloned().unwrap_or_default()),
            ("q", text.clone()),
            (
                "overdue",
                if overdue_only {
                    "1".into()
                } else {
                    String::new()
                },
            ),
        ],
        &list,
    );
    let summary = tr.f("measures-summary", &[("count", list.total.to_string())]);
    let mut groups: Vec<Group> = Vec::new();
    let due_bucket = |x: &Measure| -> String {
        let t = today();
        match x
            .input
            .due_on
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            _ if !x.input.status.is_open() => tr.t("measures-due-closed"),
            Some(d) if d < t => tr.t("measures-due-overdue"),
            Some(d) if d <= t + chrono::Days::new(30) => tr.t("measures-due-soon"),
            Some(_) => tr.t("measures-due-later"),
            None => tr.t("measures-due-none"),
        }
    };
    for x in &list.items {
        let heading = match order {
            MeasureOrder::Status => status_label(tr, x.input.status),
            MeasureOrder::Owner => x
                .owner_name
                .clone()
                .unwrap_or_else(|| tr.t("assets-no-owner")),
            MeasureOrder::Due => due_bucket(x),
        };
        match groups.iter_mut().find(|g| g.heading == heading) {
            Some(g) => g.rows.push(row(tr, x, &label)),
            None => groups.push(Group {
                heading,
                rows: vec![row(tr, x, &label)],
            }),
        }
    }
    let tpl = MeasuresPage {
        archived_view: archived,
        list_base: "/measures",
        c: PageCommon::member(&m, tr.t("measures-title"), "/measures")
            .with_notice(notice_from(tr, q.done.as_deref())),
        groups,
        group_by: ["status", "owner", "due"]
            .into_iter()
            .map(|g| Choice {
                key: g.into(),
                label: tr.t(&format!("measures-group-{g}")),
                selected: g == group,
            })
            .collect(),
        statuses: std::iter::once(Choice {
            key: String::new(),
            label: tr.t("filter-all"),
            selected: status.is_none(),
        })
        .chain(MeasureStatus::ALL.into_iter().map(|s| Choice {
            key: s.key().into(),
            label: status_label(tr, s),
            selected: Some(s) == status,
        }))
        .collect(),
        overdue_only,
        q: text,
        summary,
        pager,
        may_edit: m.may(Permission::EditRegisters),
    };
    Ok(page(StatusCode::OK, &tpl))
}

async fn measure_form(
    m: &Member,
    existing: Option<&Measure>,
    prefill: &Prefill,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let fill = Fill::new(tr, form);
    let x = existing.map(|e| &e.input);
    let stored_owner = x.and_then(|x| x.owner_membership_id.as_deref());
    let owners = owner_choices(m, form, stored_owner).await?;
    let status_now = value(form, "status", || {
        x.map(|x| x.status.key().to_string())
            .unwrap_or_else(|| "planned".into())
    });
    let statuses = MeasureStatus::ALL
        .into_iter()
        .map(|s| Choice {
            key: s.key().into(),
            label: status_label(tr, s),
            selected: s.key() == status_now,
        })
        .collect();
    // Scenarios: all of the organisation's (with their analysis).
    let scenarios = tillit_app::risk::scenario_choices(m.app(), &m.who).await?;
    let mut stored_scenarios = x.map(|x| x.scenario_ids.clone()).unwrap_or_default();
    if let Some(s) = prefill.scenario.as_ref() {
        stored_scenarios.push(s.clone());
    }
    // Requirements: those assessed as not (fully) met, plus those the measure already answers.
    let label = requirement_labeller(m).await?;
    let mut req_refs: Vec<RequirementRef> =
        tillit_app::assessments::assessment_statuses(m.app(), &m.who)
            .await?
            .into_iter()
            .filter(|a| a.status.is_gap())
            .map(|a| RequirementRef {
                system_id: (a.scope_key != tillit_app::views::ORGANISATION_SCOPE)
                    .then_some(a.scope_key),
                requirement_id: a.requirement_id,
            })
            .collect();
    let mut stored_reqs: Vec<String> = x
        .map(|x| x.requirements.iter().map(RequirementRef::key).collect())
        .unwrap_or_default();
    if let Some(r) = prefill
        .requirement
        .as_ref()
        .and_then(|r| RequirementRef::parse(r))
    {
        stored_reqs.push(r.key());
        req_refs.push(r);
    }
    for r in x.map(|x| x.requirements.clone()).unwrap_or_default() {
        req_refs.push(r);
    }
    let mut seen = std::collections::HashSet::new();
    req_refs.retain(|r| seen.insert(r.key()));
    let fields = vec![
        fill.text("title", x.map(|x| x.title.clone())),
        fill.area("description", x.and_then(|x| x.description.clone())),
        fill.links(
            "scenario_ids",
            &stored_scenarios,
            scenarios
                .into_iter()
                .map(|(s, analysis)| Linkable {
                    name: format!("{} ({analysis})", s.name),
                    ..s
                })
                .collect(),
        )
        .hint(tr.t("measure-traces-hint")),
        fill.checks(
            "requirements",
            &stored_reqs,
            req_refs.iter().map(|r| (r.key(), label(r))),
        )
        .hint(tr.t("measure-requirements-hint")),
        Input::select("owner_membership_id", tr.t("field-measure-owner"), owners),
        fill.date("due_on", x.and_then(|x| x.due_on.clone())),
        Input::select("status", tr.t("field-measure-status"), statuses),
        fill.number(
            "cost_sek",
            x.and_then(|x| x.cost_sek).map(|c| c.to_string()),
        ),
        fill.area("verification", x.and_then(|x| x.verification.clone()))
            .hint(tr.t("measure-verification-hint")),
    ];
    let (heading, action) = match existing {
        Some(e) => (e.input.title.clone(), format!("/measures/{}", e.id)),
        None => (tr.t("measure-new-heading"), "/measures".into()),
    };
    let intro = match existing {
        Some(e) if e.verified_by.is_some() => tr.f(
            "measure-verified-by",
            &[
                ("name", e.verified_by.clone().unwrap_or_default()),
                (
                    "at",
                    crate::pages::show_time(e.verified_at.as_deref().unwrap_or("")),
                ),
            ],
        ),
        _ => tr.t("measure-intro"),
    };
    // A measure an authority's order made: say which decision it answers.
    let intro = match existing {
        Some(e) => {
            match tillit_app::supervision::action_of_measure(m.app(), &m.who, e.id.as_str()).await?
            {
                Some((_, reference, authority, _)) => format!(
                    "{} {intro}",
                    tr.f(
                        "measure-from-supervision",
                        &[("authority", authority), ("reference", reference)]
                    )
                ),
                None => intro,
            }
        }
        None => intro,
    };
    Ok(FormPage {
        c: PageCommon::member(m, heading.clone(), "/measures"),
        back_href: "/measures".into(),
        back_label: tr.t("measures-title"),
        heading,
        intro,
        action,
        submit: tr.t("save"),
        fields,
        // "traces" is not one input: the summary links to the scenario choices.
        errors: errors
            .map(|e| FieldError::list(tr, e))
            .unwrap_or_default()
            .into_iter()
            .map(|mut f| {
                if f.field == "traces" {
                    f.field = "scenario_ids".into();
                }
                f
            })
            .collect(),
    }
    .render(form_status(errors)))
}

/// What a new measure's form is filled in with when it is opened from a scenario or a gap.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Prefill {
    pub scenario: Option<String>,
    pub requirement: Option<String>,
}

pub async fn new_form(m: Member, Params(q): Params<Prefill>) -> AppResult<Response> {
    measure_form(&m, None, &q, None, None).await
}

/// The measure's form (`/measures/{id}/edit`).
pub async fn edit_form(m: Member, Path(id): Path<MeasureId>) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let x = tillit_app::measures::measure(m.app(), &m.who, &id).await?;
    measure_form(&m, Some(&x), &Prefill::default(), None, None).await
}

/// The measure's read view (`/measures/{id}`), for every reader of the registers.
pub async fn show(
    m: Member,
    Path(id): Path<MeasureId>,
    Params(notice): Params<crate::pages::Notice>,
) -> AppResult<Response> {
    use crate::pages::record::{Fact, Record};
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let x = tillit_app::measures::measure(m.app(), &m.who, &id).await?;
    let label = requirement_labeller(&m).await?;
    let i = &x.input;
    let mut chips = vec![(
        status_class(i.status).to_string(),
        status_label(tr, i.status),
    )];
    if is_overdue(i.due_on.as_deref(), i.status, today()) {
        chips.push(("status-not-met".into(), tr.t("measures-overdue")));
    }
    let requirement_href = |r: &RequirementRef| match &r.system_id {
        Some(s) => format!("/systems/{s}/requirements/{}", r.requirement_id),
        None => format!("/requirements/{}", r.requirement_id),
    };
    let mut facts = vec![
        Fact::text(
            tr.t("field-measure-owner"),
            x.owner_name.clone().unwrap_or_default(),
        ),
        Fact::text(tr.t("field-due-on"), i.due_on.clone().unwrap_or_default()),
        Fact::text(
            tr.t("field-cost-sek"),
            i.cost_sek.map(|c| c.to_string()).unwrap_or_default(),
        ),
        Fact::text(
            tr.t("field-description"),
            i.description.clone().unwrap_or_default(),
        ),
        Fact::links(
            tr.t("measure-scenarios"),
            x.scenarios
                .iter()
                .map(|(id, t)| (format!("/scenarios/{id}"), t.clone()))
                .collect(),
        ),
        Fact::links(
            tr.t("measure-requirements"),
            i.requirements
                .iter()
                .map(|r| (requirement_href(r), label(r)))
                .collect(),
        ),
        Fact::text(
            tr.t("field-verification"),
            i.verification.clone().unwrap_or_default(),
        ),
    ];
    let incidents =
        tillit_app::incidents::incidents_of_measure(m.app(), &m.who, x.id.as_str()).await?;
    if !incidents.is_empty() {
        facts.insert(
            0,
            Fact::links(
                tr.t("measure-from-incident"),
                incidents
                    .into_iter()
                    .map(|(id, title)| (format!("/incidents/{id}"), title))
                    .collect(),
            ),
        );
    }
    if let Some((_, reference, authority, _)) =
        tillit_app::supervision::action_of_measure(m.app(), &m.who, x.id.as_str()).await?
    {
        facts.insert(
            0,
            Fact::text(
                tr.t("measure-origin"),
                tr.f(
                    "measure-from-supervision",
                    &[("authority", authority), ("reference", reference)],
                ),
            ),
        );
    }
    if let (Some(by), Some(at)) = (&x.verified_by, &x.verified_at) {
        facts.push(Fact::text(
            tr.t("measure-verified"),
            tr.f(
                "measure-verified-by",
                &[("name", by.clone()), ("at", crate::pages::show_time(at))],
            ),
        ));
    }
    let archive = crate::archive::archive_box(
        &m,
        tillit_domain::archive::Archivable::Measure,
        x.id.as_str(),
    )
    .await?;
    let tpl = Record {
        archive,
        c: PageCommon::member(&m, i.title.clone(), "/measures")
            .with_notice(crate::pages::notice_from(tr, notice.done.as_deref())),
        back_href: "/measures".into(),
        back_label: tr.t("measures-title"),
        heading: i.title.clone(),
        chips,
        edit: m
            .may(Permission::EditRegisters)
            .then(|| format!("/measures/{}/edit", x.id)),
        facts,
        lists: vec![],
        decision: None,
    };
    Ok(page(StatusCode::OK, &tpl))
}

async fn save(m: &Member, existing: Option<&Measure>, form: &FormFields) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let id = existing.map(|e| &e.id);
    let result = form
        .submit(async |d: tillit_domain::measure::MeasureDraft| {
            tillit_app::measures::save_measure(m.app(), &m.who, id, &d).await
        })
        .await;
    let to = |_| "/measures?done=measure-saved".to_string();
    answer(result, to, async |v| {
        let prefill = Prefill::default();
        measure_form(m, existing, &prefill, Some(form), Some(&v)).await
    })
    .await
}

pub async fn create(m: Member, form: FormFields) -> AppResult<Response> {
    save(&m, None, &form).await
}

pub async fn update(m: Member, Path(id): Path<MeasureId>, form: FormFields) -> AppResult<Response> {
    let x = tillit_app::measures::measure(m.app(), &m.who, &id).await?;
    save(&m, Some(&x), &form).await
}
