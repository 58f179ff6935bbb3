//! Follow-up: the gaps to close (each a link to the place to fix it), the key figures and their
//! trend; review dates; and the access-needs analysis per system with patient data.

use super::{notice_from, FieldError, PageCommon};
use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::i18n::Tr;
use crate::render::{page, see_other};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use tillit_app::views::{GapList, KeyFigures, Reviewed};
use tillit_domain::access::UserGroup;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

pub struct GapView {
    pub key: &'static str,
    pub heading: String,
    pub help: String,
    pub count: i64,
    pub more: i64,
    pub items: Vec<(String, String, String)>,
}

fn gap_view(tr: &Tr, g: GapList, lib: &tillit_app::library::Library) -> GapView {
    let key = g.kind.key();
    GapView {
        key,
        heading: tr.t(&format!("gap-{key}")),
        help: tr.t(&format!("gap-{key}-help")),
        count: g.count,
        more: g.count - i64::try_from(g.items.len()).unwrap_or(0),
        items: g
            .items
            .into_iter()
            .map(|i| {
                let label = match g.kind {
                    tillit_app::views::GapKind::UnmetWithoutMeasure => lib
                        .requirement(&i.label)
                        .map(|r| format!("{} {}", r.label, r.title(tr.lang())))
                        .unwrap_or(i.label),
                    _ => i.label,
                };
                let detail = match g.kind {
                    tillit_app::views::GapKind::UntreatedRisk => {
                        tr.f("gap-score", &[("score", i.detail)])
                    }
                    tillit_app::views::GapKind::UnclassifiedAsset => String::new(),
                    tillit_app::views::GapKind::MissingAccessAnalysis => String::new(),
                    tillit_app::views::GapKind::UnmetWithoutMeasure if i.detail.is_empty() => {
                        tr.t("measure-scope-organisation")
                    }
                    _ => i.detail,
                };
                (i.href, label, detail)
            })
            .collect(),
    }
}

/// The gaps and key figures of today, and today's snapshot saved for the trend.
pub async fn gaps_now(state: &AppState, m: &Member) -> AppResult<(Vec<GapList>, KeyFigures)> {
    Ok(tillit_app::followup::gaps_now(&state.app, &m.who).await?)
}

/// A key figure in the trend: its label key and how to read it.
type Series = (&'static str, fn(&KeyFigures) -> i64);

pub struct Trend {
    pub label: String,
    pub points: String,
    pub first: String,
    pub last: String,
    pub max: i64,
}

#[derive(Template)]
#[template(path = "followup.html")]
struct FollowUpPage {
    c: PageCommon,
    gaps: Vec<GapView>,
    total: i64,
    figures: Vec<(String, String)>,
    trends: Vec<Trend>,
    rows: Vec<(String, Vec<String>)>,
    headers: Vec<String>,
    area_headers: Vec<String>,
    area_rows: Vec<(String, Vec<String>)>,
}

pub async fn follow_up(State(state): State<AppState>, m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (gaps, f) = gaps_now(&state, &m).await?;
    let total = gaps.iter().map(|g| g.count).sum();
    let since = (chrono::Utc::now().date_naive() - chrono::Days::new(90)).to_string();
    let snaps = tillit_app::followup::snapshots(&state.app, &m.who, &since).await?;
    let series: [Series; 4] = [
        ("figure-gaps", |k| k.gaps),
        ("figure-compliance", |k| k.compliance_percent.unwrap_or(0)),
        ("figure-above-tolerance", |k| k.scenarios_above_tolerance),
        ("figure-overdue-measures", |k| k.overdue_measures),
    ];
    let trends = series
        .iter()
        .map(|(key, get)| {
            let values: Vec<i64> = snaps.iter().map(|(_, k)| get(k)).collect();
            let max = values.iter().copied().max().unwrap_or(0).max(1);
            let n = values.len().max(2) - 1;
            let points = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let x = 300.0 * i as f64 / n as f64;
                    let y = 60.0 - 55.0 * (*v as f64) / (max as f64);
                    format!("{x:.1},{y:.1}")
                })
                .collect::<Vec<_>>()
                .join(" ");
            Trend {
                label: tr.t(key),
                points,
                first: snaps.first().map(|(d, _)| d.clone()).unwrap_or_default(),
                last: snaps.last().map(|(d, _)| d.clone()).unwrap_or_default(),
                max,
            }
        })
        .collect();
    let headers = series.iter().map(|(k, _)| tr.t(k)).collect();
    let rows = snaps
        .iter()
        .rev()
        .take(14)
        .map(|(d, k)| {
            (
                d.clone(),
                series.iter().map(|(_, g)| g(k).to_string()).collect(),
            )
        })
        .collect();
    let figures = vec![
        (tr.t("figure-assets"), f.assets.to_string()),
        (
            tr.t("figure-unclassified"),
            f.unclassified_assets.to_string(),
        ),
        (tr.t("figure-systems"), f.systems.to_string()),
        (
            tr.t("figure-compliance"),
            f.compliance_percent
                .map(|p| format!("{p} %"))
                .unwrap_or_else(|| "–".into()),
        ),
        (
            tr.t("figure-above-tolerance"),
            f.scenarios_above_tolerance.to_string(),
        ),
        (tr.t("figure-open-measures"), f.open_measures.to_string()),
        (
            tr.t("figure-overdue-measures"),
            f.overdue_measures.to_string(),
        ),
    ];
    let lang = tr.lang();
    let area_headers = state
        .app
        .library
        .areas
        .iter()
        .map(|a| a.title(lang).to_string())
        .collect();
    let area_rows = snaps
        .iter()
        .rev()
        .take(14)
        .map(|(d, k)| {
            (
                d.clone(),
                state
                    .app
                    .library
                    .areas
                    .iter()
                    .map(|a| {
                        k.areas
                            .get(&a.id)
                            .map(|p| format!("{p} %"))
                            .unwrap_or_else(|| "–".into())
                    })
                    .collect(),
            )
        })
        .collect();
    let tpl = FollowUpPage {
        c: PageCommon::member(&m, tr.t("followup-title"), "/follow-up"),
        gaps: gaps
            .into_iter()
            .map(|g| gap_view(tr, g, &state.app.library))
            .collect(),
        total,
        figures,
        trends,
        rows,
        headers,
        area_headers,
        area_rows,
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// Gaps as the overview lists them (counts with links), for providers.
pub async fn overview_gaps(state: &AppState, m: &Member) -> AppResult<Vec<GapView>> {
    let (gaps, _) = gaps_now(state, m).await?;
    Ok(gaps
        .into_iter()
        .filter(|g| g.count > 0)
        .map(|g| gap_view(&m.ctx.tr, g, &state.app.library))
        .collect())
}

async fn mark(state: &AppState, m: &Member, what: Reviewed, id: &str) -> AppResult<()> {
    tillit_app::followup::mark_reviewed(&state.app, &m.who, what, id).await?;
    Ok(())
}

pub async fn review_asset(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    _f: FormFields,
) -> AppResult<Response> {
    mark(&state, &m, Reviewed::Asset, &id).await?;
    Ok(see_other(&format!("/assets/{id}?done=reviewed")))
}

pub async fn review_system(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    _f: FormFields,
) -> AppResult<Response> {
    mark(&state, &m, Reviewed::System, &id).await?;
    Ok(see_other(&format!("/systems/{id}?done=reviewed")))
}

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
    approvers: Vec<super::Choice>,
    approved: String,
    approved_on: String,
    next_review_on: String,
    overdue: bool,
    may_edit: bool,
    errors: Vec<FieldError>,
}

async fn render_access(
    state: &AppState,
    m: &Member,
    system_id: &str,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    notice: Option<String>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let sys = tillit_app::systems::system(&state.app, &m.who, system_id).await?;
    let facts = tillit_app::assessments::system_facts(&sys, m.membership.org_kind);
    let existing = tillit_app::access::access_analysis(&state.app, &m.who, system_id).await?;
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
    let mut approver_choices = vec![super::Choice {
        key: String::new(),
        label: tr.t("access-not-approved"),
        selected: approved_now.is_empty(),
    }];
    approver_choices.extend(
        tillit_app::access::approvers(&state.app, &m.who, &sys)
            .await?
            .into_iter()
            .map(|(id, name)| super::Choice {
                selected: id == approved_now,
                key: id,
                label: name,
            }),
    );
    let next = get("next_review_on", x.map(|x| x.next_review_on.clone()));
    let today = chrono::Utc::now().date_naive().to_string();
    let tpl = AccessPage {
        c: PageCommon::member(
            m,
            tr.f("access-heading", &[("name", sys.input.name.clone())]),
            "/systems",
        )
        .with_notice(notice),
        system_id: sys.id.clone(),
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
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(status, &tpl))
}

pub async fn access_page(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, q.get("done").map(String::as_str));
    render_access(&state, &m, &id, None, None, notice).await
}

pub async fn save_access(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result =
        tillit_app::access::save_access_analysis(&state.app, &m.who, &id, &access_draft(&form))
            .await
            .map_err(AppError::from);
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/systems/{id}/access-analysis?done=access-saved"
        ))),
        Err(AppError::Invalid(v)) => {
            render_access(&state, &m, &id, Some(&form), Some(&v), None).await
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
