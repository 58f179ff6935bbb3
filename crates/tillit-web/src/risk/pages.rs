//! Risk analysis: the organisation's matrix and tolerance, analyses with scope and participants,
//! scenarios scored before and after treatment, owner acceptance above tolerance, heat maps.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::answer;
use crate::forms::FormFields;
use crate::forms::Params;
use crate::i18n::Tr;
use crate::pages::ui::{form_status, value, Fill, FormPage, Input};
use crate::pages::Notice;
use crate::pages::{notice_from, Choice, FieldError, PageCommon, Pager};
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::{CellCount, Scenario};
use tillit_domain::classification::Aspect;
use tillit_domain::ids::*;
use tillit_domain::paging::PageRequest;
use tillit_domain::risk::{Axis, RiskMatrix, RiskPoint, Treatment, THREATS};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

pub struct HeatCell {
    pub count: u32,
    pub score: u32,
    pub above: bool,
    /// The colour band: low, medium or high.
    pub band: &'static str,
    pub label: String,
}

pub struct HeatRow {
    pub likelihood: u8,
    /// The step's name ("Hög").
    pub name: String,
    pub cells: Vec<HeatCell>,
}

/// A heat map readable without colour: each cell shows its count, and cells above tolerance are
/// marked with a symbol and in words.
pub struct HeatMap {
    pub id: String,
    pub caption: String,
    /// Each step of the consequence scale and its name.
    pub consequences: Vec<(u8, String)>,
    pub rows: Vec<HeatRow>,
    pub summary: String,
    /// The bands and what each means: (band, text).
    pub legend: Vec<(&'static str, String)>,
}

pub fn heat_map(
    tr: &Tr,
    id: &str,
    caption: String,
    m: &RiskMatrix,
    counts: &[CellCount],
) -> HeatMap {
    let cells = m.heat_map(counts.iter().map(|c| (c.point, c.count)));
    let mut total = 0;
    let mut above_total = 0;
    let rows = (1..=m.likelihoods)
        .rev()
        .map(|l| HeatRow {
            likelihood: l,
            name: step_name(tr, Axis::Likelihood, m.likelihoods, l),
            cells: (1..=m.consequences)
                .map(|c| {
                    let p = RiskPoint {
                        likelihood: l,
                        consequence: c,
                    };
                    let count = cells[usize::from(l - 1)][usize::from(c - 1)];
                    let above = m.above_tolerance(p);
                    total += count;
                    if above {
                        above_total += count;
                    }
                    HeatCell {
                        count,
                        score: m.score(p),
                        above,
                        band: m.band(p).key(),
                        label: tr.f(
                            "heat-cell",
                            &[
                                ("count", count.to_string()),
                                ("likelihood", l.to_string()),
                                ("consequence", c.to_string()),
                                ("score", m.score(p).to_string()),
                            ],
                        ),
                    }
                })
                .collect(),
        })
        .collect();
    HeatMap {
        id: id.to_string(),
        caption,
        consequences: (1..=m.consequences)
            .map(|c| (c, step_name(tr, Axis::Consequence, m.consequences, c)))
            .collect(),
        rows,
        legend: vec![
            (
                "low",
                tr.f("heat-band-low", &[("max", (m.tolerance / 2).to_string())]),
            ),
            (
                "medium",
                tr.f("heat-band-medium", &[("max", m.tolerance.to_string())]),
            ),
            (
                "high",
                tr.f("heat-band-high", &[("max", m.tolerance.to_string())]),
            ),
        ],
        summary: tr.f(
            "heat-summary",
            &[
                ("total", total.to_string()),
                ("above", above_total.to_string()),
            ],
        ),
    }
}

pub fn threat_label(tr: &Tr, s: &Scenario) -> String {
    match (&s.input.threat_key, &s.input.threat_text) {
        (Some(k), Some(t)) => format!(
            "{} – {t}",
            tr.t(&tillit_domain::words::Threat::label_key_of(k))
        ),
        (Some(k), None) => tr.t(&tillit_domain::words::Threat::label_key_of(k)),
        (None, Some(t)) => t.clone(),
        (None, None) => "–".into(),
    }
}

pub fn treatment_label(tr: &Tr, t: Option<Treatment>) -> String {
    match t {
        Some(t) => tr.t(&format!("treatment-{}", t.key())),
        None => tr.t("treatment-none"),
    }
}

pub struct AnalysisRow {
    pub id: String,
    pub title: String,
    pub analysed_on: String,
    pub scenarios: i64,
    pub systems: String,
}

#[derive(Template)]
#[template(path = "risks.html")]
struct RisksPage {
    c: PageCommon,
    archived_view: bool,
    list_base: &'static str,
    matrix: String,
    may_edit: bool,
    may_configure: bool,
    heatmaps: Vec<HeatMap>,
    rows: Vec<AnalysisRow>,
    pager: Pager,
}

fn matrix_line(tr: &Tr, m: &RiskMatrix) -> String {
    tr.f(
        "risk-matrix-line",
        &[
            ("likelihoods", m.likelihoods.to_string()),
            ("consequences", m.consequences.to_string()),
            ("tolerance", m.tolerance.to_string()),
        ],
    )
}

/// The query parameters of `list`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RiskListParams {
    /// yes: the archived analyses instead of those in use
    pub archived: Option<String>,
    pub done: Option<String>,
    pub page: Option<String>,
}

pub async fn list(m: Member, Params(q): Params<RiskListParams>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let page_req = PageRequest::parse(q.page.as_deref(), None)?;
    let archived = crate::archive::archived_param(q.archived.as_deref())?;
    let list = tillit_app::risk::list_risk_analyses(m.app(), &m.who, archived, page_req).await?;
    let pager = Pager::new(
        tr,
        "/risks",
        &[("archived", q.archived.clone().unwrap_or_default())],
        &list,
    );
    let inherent = tillit_app::risk::heat_counts(m.app(), &m.who, None, false).await?;
    let residual = tillit_app::risk::heat_counts(m.app(), &m.who, None, true).await?;
    let tpl = RisksPage {
        archived_view: archived,
        list_base: "/risks",
        c: PageCommon::member(&m, tr.t("risks-title"), "/risks")
            .with_notice(notice_from(tr, q.done.as_deref())),
        matrix: matrix_line(tr, &matrix),
        may_edit: m.may(Permission::EditRegisters),
        may_configure: m.may(Permission::ManageRiskMatrix),
        heatmaps: vec![
            heat_map(
                tr,
                "heat-inherent",
                tr.t("heat-inherent-all"),
                &matrix,
                &inherent,
            ),
            heat_map(
                tr,
                "heat-residual",
                tr.t("heat-residual-all"),
                &matrix,
                &residual,
            ),
        ],
        rows: list
            .items
            .into_iter()
            .map(|a| AnalysisRow {
                id: a.id.into(),
                title: a.input.title,
                analysed_on: a.input.analysed_on,
                scenarios: a.scenario_count,
                systems: a
                    .systems
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        pager,
    };
    Ok(page(StatusCode::OK, &tpl))
}

async fn analysis_form(
    m: &Member,
    id: Option<&str>,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let fill = Fill::new(tr, form);
    let existing = match id {
        Some(id) => {
            Some(tillit_app::risk::risk_analysis(m.app(), &m.who, &AnalysisId::from(id)).await?)
        }
        None => None,
    };
    let x = existing.as_ref().map(|a| &a.input);
    let systems = tillit_app::systems::system_choices(m.app(), &m.who).await?;
    let today = tillit_app::today();
    let fields = vec![
        fill.text("title", x.map(|x| x.title.clone())),
        fill.area("scope", x.and_then(|x| x.scope.clone()))
            .hint(tr.t("risk-scope-hint")),
        fill.links(
            "system_ids",
            &x.map(|x| x.system_ids.clone()).unwrap_or_default(),
            systems,
        ),
        fill.area("participants", x.and_then(|x| x.participants.clone())),
        Input::date(
            "analysed_on",
            tr.t("field-analysed-on"),
            value(form, "analysed_on", || {
                x.map(|x| x.analysed_on.clone()).unwrap_or(today)
            }),
        ),
        Input::number(
            "review_interval_months",
            tr.t("field-review-interval-months"),
            value(form, "review_interval_months", || {
                x.map(|x| x.review_interval_months.to_string())
                    .unwrap_or_else(|| "12".into())
            }),
        ),
    ];
    let (heading, action, back) = match &existing {
        Some(a) => (
            tr.f("risk-edit-heading", &[("name", a.input.title.clone())]),
            format!("/risks/{}", a.id),
            format!("/risks/{}", a.id),
        ),
        None => (
            tr.t("risk-new-heading"),
            "/risks".to_string(),
            "/risks".to_string(),
        ),
    };
    Ok(FormPage {
        c: PageCommon::member(m, heading.clone(), "/risks"),
        back_href: back,
        back_label: tr.t("back"),
        heading,
        intro: tr.t("risk-new-intro"),
        action,
        submit: tr.t("save"),
        fields,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    }
    .render(form_status(errors)))
}

pub async fn new_form(m: Member) -> AppResult<Response> {
    analysis_form(&m, None, None, None).await
}

pub async fn edit_form(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    analysis_form(&m, Some(&id), None, None).await
}

pub async fn create(m: Member, form: FormFields) -> AppResult<Response> {
    save_analysis(&m, None, &form).await
}

async fn save_analysis(
    m: &Member,
    id: Option<&AnalysisId>,
    form: &FormFields,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result = form
        .submit(async |d: tillit_domain::risk::RiskAnalysisDraft| {
            tillit_app::risk::save_risk_analysis(m.app(), &m.who, id, &d).await
        })
        .await;
    let to = |a: tillit_app::views::RiskAnalysis| format!("/risks/{}?done=risk-saved", a.id);
    answer(result, to, async |v| {
        analysis_form(m, id.map(AnalysisId::as_str), Some(form), Some(&v)).await
    })
    .await
}

pub async fn update(
    m: Member,
    Path(id): Path<AnalysisId>,
    form: FormFields,
) -> AppResult<Response> {
    save_analysis(&m, Some(&id), &form).await
}

pub struct ScenarioRow {
    pub id: String,
    pub title: String,
    pub threat: String,
    pub assets: String,
    pub inherent: String,
    pub residual: String,
    pub above: bool,
    pub treatment: String,
    pub accepted: String,
    pub gap: bool,
    /// Above tolerance without a decision, or to be reduced: a measure would answer it.
    pub to_reduce: bool,
}

#[derive(Template)]
#[template(path = "risk.html")]
struct RiskPage {
    c: PageCommon,
    archive: crate::archive::ArchiveBox,
    /// Scenarios archived on their own: (id, title, when).
    archived_scenarios: Vec<(String, String, String)>,
    id: String,
    title: String,
    facts: Vec<(String, String)>,
    matrix: String,
    heatmaps: Vec<HeatMap>,
    scenarios: Vec<ScenarioRow>,
    may_edit: bool,
    suggestions: Vec<tillit_app::starter_kit::ThreatSuggestion>,
}

/// An analysis's facts in the reader's words: date, scope, systems, participants, next review.
pub fn analysis_facts(tr: &Tr, a: &tillit_app::views::RiskAnalysis) -> Vec<(String, String)> {
    let dash = || "–".to_string();
    let next = chrono::NaiveDate::parse_from_str(
        &a.reviewed_on[..10.min(a.reviewed_on.len())],
        "%Y-%m-%d",
    )
    .map(|d| tillit_domain::measure::next_review(d, a.input.review_interval_months).to_string())
    .unwrap_or_else(|_| dash());
    vec![
        (tr.t("field-analysed-on"), a.input.analysed_on.clone()),
        (
            tr.t("field-scope"),
            a.input.scope.clone().unwrap_or_else(dash),
        ),
        (
            tr.t("field-system-ids"),
            if a.systems.is_empty() {
                dash()
            } else {
                a.systems
                    .iter()
                    .map(|(_, n)| n.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        (
            tr.t("field-participants"),
            a.input.participants.clone().unwrap_or_else(dash),
        ),
        (tr.t("review-next"), next),
    ]
}

pub async fn show(
    m: Member,
    Path(id): Path<AnalysisId>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let a = tillit_app::risk::risk_analysis(m.app(), &m.who, &id).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let scenarios = tillit_app::risk::scenarios(m.app(), &m.who, &id).await?;
    let inherent = tillit_app::risk::heat_counts(m.app(), &m.who, Some(&id), false).await?;
    let residual = tillit_app::risk::heat_counts(m.app(), &m.who, Some(&id), true).await?;
    let facts = analysis_facts(tr, &a);
    let score =
        |p: RiskPoint| format!("{} × {} = {}", p.likelihood, p.consequence, matrix.score(p));
    let rows = scenarios
        .iter()
        .map(|s| ScenarioRow {
            id: s.id.to_string(),
            title: s.input.title.clone(),
            threat: threat_label(tr, s),
            assets: s
                .assets
                .iter()
                .map(|(_, n)| n.clone())
                .collect::<Vec<_>>()
                .join(", "),
            inherent: score(s.input.inherent),
            residual: score(s.input.residual),
            above: matrix.above_tolerance(s.input.residual),
            treatment: treatment_label(tr, s.input.treatment),
            accepted: acceptance_text(tr, s),
            gap: s.input.untreated_above_tolerance(&matrix),
            to_reduce: s.input.untreated_above_tolerance(&matrix)
                || s.input.treatment == Some(Treatment::Reduce),
        })
        .collect();
    let archive = crate::archive::archive_box(
        &m,
        tillit_domain::archive::Archivable::RiskAnalysis,
        a.id.as_str(),
    )
    .await?;
    let archived_scenarios = tillit_app::archive::archived_scenarios(m.app(), &m.who, &a.id)
        .await?
        .into_iter()
        .map(|(id, title, at)| (id, title, crate::pages::show_time(&at)))
        .collect();
    let tpl = RiskPage {
        archive,
        archived_scenarios,
        c: PageCommon::member(&m, a.input.title.clone(), "/risks")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        id: a.id.to_string(),
        title: a.input.title.clone(),
        facts,
        matrix: matrix_line(tr, &matrix),
        heatmaps: vec![
            heat_map(
                tr,
                "heat-inherent",
                tr.t("heat-inherent"),
                &matrix,
                &inherent,
            ),
            heat_map(
                tr,
                "heat-residual",
                tr.t("heat-residual"),
                &matrix,
                &residual,
            ),
        ],
        scenarios: rows,
        may_edit: m.may(Permission::EditRegisters),
        suggestions: tillit_app::starter_kit::threat_suggestions(m.app(), &m.who, &id, tr.lang())
            .await?,
    };
    Ok(page(StatusCode::OK, &tpl))
}

async fn scenario_form(
    m: &Member,
    analysis_id: &AnalysisId,
    existing: Option<&Scenario>,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let fill = Fill::new(tr, form);
    let analysis = tillit_app::risk::risk_analysis(m.app(), &m.who, analysis_id).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let x = existing.map(|s| &s.input);
    let assets = tillit_app::assets::asset_choices(m.app(), &m.who).await?;
    let chosen_assets = form
        .map(|f| f.all("asset_ids"))
        .unwrap_or_else(|| x.map(|x| x.asset_ids.clone()).unwrap_or_default());
    let deciders = tillit_app::risk::eligible_deciders(m.app(), &m.who, &chosen_assets).await?;
    let scale = |axis: Axis, n: u8, name: &str, stored: Option<u8>, optional: bool| {
        let now = value(form, name, || {
            stored.map(|v| v.to_string()).unwrap_or_default()
        });
        let mut opts = vec![];
        if optional {
            opts.push(Choice {
                key: String::new(),
                label: tr.t("risk-same-as-inherent"),
                selected: now.is_empty(),
            });
        } else {
            opts.push(Choice {
                key: String::new(),
                label: tr.t("choose"),
                selected: now.is_empty(),
            });
        }
        opts.extend((1..=n).map(|v| Choice {
            key: v.to_string(),
            label: step_label(tr, axis, n, v),
            selected: now == v.to_string(),
        }));
        opts
    };
    let one = |name: &str, stored: Option<String>, opts: Vec<(String, String)>, empty: String| {
        let now = value(form, name, || stored.unwrap_or_default());
        let mut list = vec![Choice {
            key: String::new(),
            label: empty,
            selected: now.is_empty(),
        }];
        list.extend(opts.into_iter().map(|(k, l)| Choice {
            selected: now == k,
            key: k,
            label: l,
        }));
        list
    };
    let stored_aspects = x.map(|x| x.aspects.clone()).unwrap_or_default();
    let acc = x.and_then(|x| x.acceptance.as_ref());
    let fields = vec![
        fill.text("title", x.map(|x| x.title.clone())),
        Input::select(
            "threat_key",
            tr.t("field-threat-key"),
            one(
                "threat_key",
                x.and_then(|x| x.threat_key.clone()),
                THREATS
                    .iter()
                    .map(|k| {
                        (
                            k.to_string(),
                            tr.t(&tillit_domain::words::Threat::label_key_of(k)),
                        )
                    })
                    .collect(),
                tr.t("risk-threat-free"),
            ),
        ),
        fill.area("threat_text", x.and_then(|x| x.threat_text.clone()))
            .hint(tr.t("risk-threat-hint")),
        fill.area("vulnerability", x.and_then(|x| x.vulnerability.clone())),
        fill.links(
            "asset_ids",
            &x.map(|x| x.asset_ids.clone()).unwrap_or_default(),
            assets,
        ),
        fill.checks(
            "aspects",
            &stored_aspects,
            Aspect::ALL
                .into_iter()
                .map(|a| (a.key().to_string(), tr.t(&format!("aspect-{}", a.key())))),
        ),
        fill.area(
            "existing_measures",
            x.and_then(|x| x.existing_measures.clone()),
        ),
        Input::select(
            "inherent_likelihood",
            tr.t("field-inherent-likelihood"),
            scale(
                Axis::Likelihood,
                matrix.likelihoods,
                "inherent_likelihood",
                x.map(|x| x.inherent.likelihood),
                false,
            ),
        )
        .hint(scale_hint(tr, Axis::Likelihood, matrix.likelihoods)),
        Input::select(
            "inherent_consequence",
            tr.t("field-inherent-consequence"),
            scale(
                Axis::Consequence,
                matrix.consequences,
                "inherent_consequence",
                x.map(|x| x.inherent.consequence),
                false,
            ),
        )
        .hint(scale_hint(tr, Axis::Consequence, matrix.consequences)),
        Input::select(
            "treatment",
            tr.t("field-treatment"),
            one(
                "treatment",
                x.and_then(|x| x.treatment).map(|t| t.key().to_string()),
                Treatment::ALL
                    .iter()
                    .map(|t| (t.key().to_string(), tr.t(&format!("treatment-{}", t.key()))))
                    .collect(),
                tr.t("treatment-none"),
            ),
        ),
        Input::select(
            "residual_likelihood",
            tr.t("field-residual-likelihood"),
            scale(
                Axis::Likelihood,
                matrix.likelihoods,
                "residual_likelihood",
                x.map(|x| x.residual.likelihood),
                true,
            ),
        ),
        Input::select(
            "residual_consequence",
            tr.t("field-residual-consequence"),
            scale(
                Axis::Consequence,
                matrix.consequences,
                "residual_consequence",
                x.map(|x| x.residual.consequence),
                true,
            ),
        ),
        Input::select(
            "accepted_by",
            tr.t("field-accepted-by"),
            one(
                "accepted_by",
                acc.map(|a| a.decided_by.clone()),
                deciders,
                tr.t("risk-no-decision"),
            ),
        )
        .hint(tr.f(
            "risk-acceptance-hint",
            &[("tolerance", matrix.tolerance.to_string())],
        )),
        fill.date("accepted_on", acc.map(|a| a.decided_on.clone())),
        fill.area("acceptance_note", acc.map(|a| a.note.clone())),
    ];
    let (heading, action) = match existing {
        Some(s) => (
            tr.f("scenario-edit-heading", &[("name", s.input.title.clone())]),
            format!("/scenarios/{}", s.id),
        ),
        None => (
            tr.t("scenario-new-heading"),
            format!("/risks/{analysis_id}/scenarios"),
        ),
    };
    Ok(FormPage {
        c: PageCommon::member(m, heading.clone(), "/risks"),
        back_href: format!("/risks/{analysis_id}"),
        back_label: tr.f("back-to", &[("name", analysis.input.title)]),
        heading,
        intro: matrix_line(tr, &matrix),
        action,
        submit: tr.t("save"),
        fields,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    }
    .render(form_status(errors)))
}

/// A scenario started from one of the starter kit's common threats for a system of the analysis.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FromThreat {
    #[serde(default)]
    pub system: String,
    #[serde(default)]
    pub threat: String,
}

pub async fn new_scenario_form(
    m: Member,
    Path(id): Path<AnalysisId>,
    Params(from): Params<FromThreat>,
) -> AppResult<Response> {
    if from.threat.is_empty() {
        return scenario_form(&m, &id, None, None, None).await;
    }
    let d = tillit_app::starter_kit::suggested_scenario(
        m.app(),
        &m.who,
        &id,
        &from.system,
        &from.threat,
        m.ctx.tr.lang(),
    )
    .await?;
    let mut fields = vec![
        ("title".to_string(), d.title),
        ("threat_key".to_string(), d.threat_key),
        ("vulnerability".to_string(), d.vulnerability),
    ];
    fields.extend(d.aspects.into_iter().map(|a| ("aspects".to_string(), a)));
    fields.extend(
        d.asset_ids
            .into_iter()
            .map(|a| ("asset_ids".to_string(), a)),
    );
    let form = FormFields(fields);
    scenario_form(&m, &id, None, Some(&form), None).await
}

/// The scenario's form (`/scenarios/{id}/edit`).
pub async fn scenario_page(m: Member, Path(id): Path<ScenarioId>) -> AppResult<Response> {
    let s = tillit_app::risk::scenario(m.app(), &m.who, &id).await?;
    scenario_form(&m, &s.analysis_id, Some(&s), None, None).await
}

/// Who accepted a risk and when, or whose decision it waits on; empty when nobody was asked.
pub fn acceptance_text(tr: &Tr, s: &Scenario) -> String {
    match (&s.input.acceptance, &s.accepted_by_name) {
        (Some(acc), Some(name)) if s.acceptance_signed_at.is_some() => tr.f(
            "risk-accepted-by",
            &[("name", name.clone()), ("date", acc.decided_on.clone())],
        ),
        (Some(_), Some(name)) => tr.f(
            "risk-awaiting-owner",
            &[
                ("name", name.clone()),
                (
                    "asked_by",
                    s.acceptance_requested_by.clone().unwrap_or_default(),
                ),
            ],
        ),
        _ => String::new(),
    }
}

/// A risk point as a reader needs it: "3 × 4 = 12 (Hög sannolikhet, Allvarlig konsekvens)".
fn point_text(tr: &Tr, matrix: &RiskMatrix, p: RiskPoint) -> String {
    let name = |axis: Axis, steps: u8, step: u8| {
        axis.step_name(steps, step)
            .map(|n| tr.t(&format!("risk-step-{}-{n}", axis.key())))
            .unwrap_or_default()
    };
    tr.f(
        "risk-point-text",
        &[
            ("likelihood", p.likelihood.to_string()),
            ("consequence", p.consequence.to_string()),
            ("score", matrix.score(p).to_string()),
            (
                "likelihood_name",
                name(Axis::Likelihood, matrix.likelihoods, p.likelihood),
            ),
            (
                "consequence_name",
                name(Axis::Consequence, matrix.consequences, p.consequence),
            ),
        ],
    )
}

/// The scenario's read view (`/scenarios/{id}`): every reader of the registers sees it; the
/// form is behind the edit button.
pub async fn scenario_view(
    m: Member,
    Path(id): Path<ScenarioId>,
    Params(notice): Params<crate::pages::Notice>,
) -> AppResult<Response> {
    scenario_record(&m, &id, notice.done.as_deref(), None).await
}

/// The information owner's answer to a request to accept the risk (`POST
/// /scenarios/{id}/acceptance`): accept or decline, with a note.
pub async fn answer_acceptance(
    m: Member,
    Path(id): Path<ScenarioId>,
    form: FormFields,
) -> AppResult<Response> {
    let draft = form.draft::<tillit_domain::risk::AcceptanceAnswerDraft>();
    let result = match &draft {
        Ok(d) => tillit_app::risk::answer_acceptance(m.app(), &m.who, &id, d)
            .await
            .map_err(AppError::from),
        Err(v) => Err(AppError::Invalid(v.clone())),
    };
    match result {
        Ok(s) => {
            let done = if s.acceptance_signed_at.is_some() {
                "acceptance-signed"
            } else {
                "acceptance-declined"
            };
            Ok(see_other(&format!("/scenarios/{}?done={done}", s.id)))
        }
        Err(AppError::Invalid(v)) => {
            let note = form.get("note").to_string();
            let errors = FieldError::list(&m.ctx.tr, &v);
            scenario_record(&m, &id, None, Some((note, errors))).await
        }
        Err(e) => Err(e),
    }
}

async fn scenario_record(
    m: &Member,
    id: &ScenarioId,
    done: Option<&str>,
    mut answer: Option<(String, Vec<FieldError>)>,
) -> AppResult<Response> {
    use crate::pages::record::{DecisionBox, Fact, Record, RecordList};
    let status = if answer.as_ref().is_some_and(|a| !a.1.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let id = id.clone();
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let s = tillit_app::risk::scenario(m.app(), &m.who, &id).await?;
    let analysis = tillit_app::risk::risk_analysis(m.app(), &m.who, &s.analysis_id).await?;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let measures = tillit_app::measures::all_measures(
        m.app(),
        &m.who,
        &tillit_app::views::MeasureQuery {
            treats: Some(s.id.to_string()),
            ..Default::default()
        },
        tillit_app::views::MeasureOrder::Due,
    )
    .await?;
    let may_edit = m.may(Permission::EditRegisters);
    let x = &s.input;
    let mut chips = vec![];
    if matrix.above_tolerance(x.residual) {
        chips.push(("status-not-met".to_string(), tr.t("risk-above")));
    }
    if x.untreated_above_tolerance(&matrix) {
        chips.push(("status-partly-met".to_string(), tr.t("risk-gap")));
    }
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut facts = vec![
        Fact::links(
            tr.t("scenario-analysis"),
            vec![(
                format!("/risks/{}", analysis.id),
                analysis.input.title.clone(),
            )],
        ),
        Fact::text(tr.t("field-threat-key"), threat_label(tr, &s)),
        Fact::text(tr.t("field-vulnerability"), text(&x.vulnerability)),
        Fact::links(
            tr.t("field-asset-ids"),
            s.assets
                .iter()
                .map(|(id, n)| (format!("/assets/{id}"), n.clone()))
                .collect(),
        ),
        Fact::text(
            tr.t("field-aspects"),
            x.aspects
                .iter()
                .map(|a| tr.t(&format!("aspect-{a}")))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Fact::text(tr.t("field-existing-measures"), text(&x.existing_measures)),
        Fact::text(tr.t("risk-inherent"), point_text(tr, &matrix, x.inherent)),
        Fact::text(tr.t("field-treatment"), treatment_label(tr, x.treatment)),
        Fact::text(tr.t("risk-residual"), point_text(tr, &matrix, x.residual)),
    ];
    let mut decision = None;
    if let (Some(acc), Some(name)) = (&x.acceptance, &s.accepted_by_name) {
        if s.acceptance_signed_at.is_some() {
            facts.push(Fact::text(
                tr.t("field-accepted-by"),
                tr.f(
                    "risk-accepted-by",
                    &[("name", name.clone()), ("date", acc.decided_on.clone())],
                ),
            ));
        } else {
            let asked_by = s.acceptance_requested_by.clone().unwrap_or_default();
            facts.push(Fact::text(
                tr.t("field-accepted-by"),
                tr.f(
                    "risk-awaiting-owner",
                    &[("name", name.clone()), ("asked_by", asked_by.clone())],
                ),
            ));
            chips.push(("status-partly-met".to_string(), tr.t("risk-awaiting-chip")));
            if acc.decided_by == m.who.membership().membership_id {
                let (note, errors) = answer.take().unwrap_or_else(|| (acc.note.clone(), vec![]));
                decision = Some(DecisionBox {
                    action: format!("/scenarios/{}/acceptance", s.id),
                    heading: tr.t("risk-decision-heading"),
                    text: tr.f(
                        "risk-decision-text",
                        &[
                            ("asked_by", asked_by),
                            ("residual", point_text(tr, &matrix, x.residual)),
                        ],
                    ),
                    note,
                    hint: tr.t("field-decision-note-hint"),
                    errors,
                    accept: tr.t("risk-decision-accept"),
                    decline: tr.t("risk-decision-decline"),
                });
            }
        }
        facts.push(Fact::text(tr.t("field-acceptance-note"), acc.note.clone()));
    }
    let archive = crate::archive::archive_box(
        m,
        tillit_domain::archive::Archivable::Scenario,
        s.id.as_str(),
    )
    .await?;
    let tpl = Record {
        archive,
        decision,
        c: PageCommon::member(m, x.title.clone(), "/risks").with_notice(notice_from(tr, done)),
        back_href: format!("/risks/{}", analysis.id),
        back_label: analysis.input.title.clone(),
        heading: x.title.clone(),
        chips,
        edit: may_edit.then(|| format!("/scenarios/{}/edit", s.id)),
        facts,
        lists: vec![RecordList {
            id: "measures",
            heading: tr.t("scenario-measures"),
            items: measures
                .into_iter()
                .map(|x| {
                    let detail = crate::measures::pages::status_and_due(tr, &x);
                    (format!("/measures/{}", x.id), x.input.title, detail)
                })
                .collect(),
            empty: tr.t("scenario-no-measures"),
            action: may_edit.then(|| {
                (
                    format!("/measures/new?scenario={}", s.id),
                    tr.t("measure-new-for-gap"),
                )
            }),
        }],
    };
    Ok(page(status, &tpl))
}

async fn save_scenario(
    m: &Member,
    analysis_id: &AnalysisId,
    existing: Option<&Scenario>,
    form: &FormFields,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result = match form.draft::<tillit_domain::risk::ScenarioDraft>() {
        Ok(draft) => tillit_app::risk::save_scenario(
            m.app(),
            &m.who,
            analysis_id,
            existing.map(|s| &s.id),
            &draft,
        )
        .await
        .map_err(AppError::from),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/risks/{analysis_id}?done=scenario-saved"
        ))),
        Err(AppError::Invalid(v)) => {
            scenario_form(m, analysis_id, existing, Some(form), Some(&v)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn create_scenario(
    m: Member,
    Path(id): Path<AnalysisId>,
    form: FormFields,
) -> AppResult<Response> {
    // The analysis must be this organisation's before anything is parsed.
    tillit_app::risk::risk_analysis(m.app(), &m.who, &id).await?;
    save_scenario(&m, &id, None, &form).await
}

pub async fn update_scenario(
    m: Member,
    Path(id): Path<ScenarioId>,
    form: FormFields,
) -> AppResult<Response> {
    let s = tillit_app::risk::scenario(m.app(), &m.who, &id).await?;
    save_scenario(&m, &s.analysis_id, Some(&s), &form).await
}

async fn matrix_form(
    m: &Member,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ManageRiskMatrix)?;
    let tr = &m.ctx.tr;
    let cur = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let fields = vec![
        Input::number(
            "likelihoods",
            tr.t("field-likelihoods"),
            value(form, "likelihoods", || cur.likelihoods.to_string()),
        )
        .hint(tr.t("risk-matrix-scale-hint")),
        Input::number(
            "consequences",
            tr.t("field-consequences"),
            value(form, "consequences", || cur.consequences.to_string()),
        )
        .hint(tr.t("risk-matrix-scale-hint")),
        Input::number(
            "tolerance",
            tr.t("field-tolerance"),
            value(form, "tolerance", || cur.tolerance.to_string()),
        )
        .hint(tr.t("risk-tolerance-hint")),
    ];
    Ok(FormPage {
        c: PageCommon::member(m, tr.t("risk-matrix-heading"), "/risks"),
        back_href: "/risks".into(),
        back_label: tr.t("risks-title"),
        heading: tr.t("risk-matrix-heading"),
        intro: tr.t("risk-matrix-intro"),
        action: "/risks/matrix".into(),
        submit: tr.t("save"),
        fields,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    }
    .render(form_status(errors)))
}

pub async fn matrix_page(m: Member) -> AppResult<Response> {
    matrix_form(&m, None, None).await
}

pub async fn set_matrix(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::ManageRiskMatrix)?;
    let result = form
        .submit(async |d: tillit_domain::risk::RiskMatrixDraft| {
            tillit_app::risk::set_risk_matrix(m.app(), &m.who, &d).await
        })
        .await;
    let to = |_| "/risks?done=matrix-saved".to_string();
    answer(result, to, async |v| {
        matrix_form(&m, Some(&form), Some(&v)).await
    })
    .await
}

/// After a risk was carried into an analysis from elsewhere (an outsourcing case's residual risk,
/// an incident's lesson): the analysis, saying whether a scenario was added or already there.
pub fn after_carrying_in(analysis: &AnalysisId, created: bool) -> Response {
    crate::render::see_other(&format!(
        "/risks/{analysis}?done={}",
        if created {
            "scenario-saved"
        } else {
            "scenario-exists"
        }
    ))
}

/// A step's name alone ("Måttlig"), or nothing on a scale without names.
fn step_name(tr: &Tr, axis: Axis, steps: u8, step: u8) -> String {
    axis.step_name(steps, step)
        .map(|n| tr.t(&format!("risk-step-{}-{n}", axis.key())))
        .unwrap_or_default()
}

/// A step of a scale as an option: "2 – Måttlig".
fn step_label(tr: &Tr, axis: Axis, steps: u8, step: u8) -> String {
    match axis.step_name(steps, step) {
        Some(name) => tr.f(
            "risk-step-option",
            &[
                ("step", step.to_string()),
                ("name", tr.t(&format!("risk-step-{}-{name}", axis.key()))),
            ],
        ),
        None => step.to_string(),
    }
}

/// What each step of a scale means, one sentence a step, lowest first.
fn scale_hint(tr: &Tr, axis: Axis, steps: u8) -> String {
    (1..=steps)
        .filter_map(|step| {
            let name = axis.step_name(steps, step)?;
            let key = format!("risk-step-{}-{name}", axis.key());
            Some(tr.f(
                "risk-step-line",
                &[
                    ("step", step.to_string()),
                    ("name", tr.t(&key)),
                    ("desc", tr.t(&format!("{key}-desc"))),
                ],
            ))
        })
        .collect::<Vec<_>>()
        .join(" ")
}
