//! Follow-up: the gaps to close (each a link to the place to fix it), the key figures and their
//! trend; review dates; and the access-needs analysis per system with patient data.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::FormFields;
use crate::i18n::Tr;
use crate::pages::PageCommon;
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::{GapList, KeyFigures, Reviewed};
use tillit_domain::role::Permission;

pub struct GapView {
    pub key: &'static str,
    pub heading: String,
    pub help: String,
    pub count: i64,
    pub more: i64,
    /// (href, label, detail, the new-measure link with its trace or empty).
    pub items: Vec<(String, String, String, String)>,
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
                let new_measure = i
                    .new_measure
                    .map(|q| format!("/measures/new?{q}"))
                    .unwrap_or_default();
                (i.href, label, detail, new_measure)
            })
            .collect(),
    }
}

/// The gaps and key figures of today, and today's snapshot saved for the trend.
pub async fn gaps_now(m: &Member) -> AppResult<(Vec<GapList>, KeyFigures)> {
    Ok(tillit_app::followup::gaps_now(m.app(), &m.who).await?)
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
    trends: Vec<Trend>,
    /// The key figures as tiles: (label, value, asks for attention).
    kpis: Vec<(String, String, bool)>,
    rows: Vec<(String, Vec<String>)>,
    headers: Vec<String>,
    area_headers: Vec<String>,
    area_rows: Vec<(String, Vec<String>)>,
    incidents: Option<IncidentChart>,
    /// Whether the user may add measures (the gaps a measure closes link to the form).
    may_edit: bool,
}

/// A bar's segment: x, y, height, colour class and title.
pub type Segment = (f64, f64, f64, String, String);
/// A month of the chart: its label, total, bar segments and counts per cause.
pub type ChartMonth = (String, usize, Vec<Segment>, Vec<usize>);

/// Incidents per month as stacked bars by cause, with the same figures as tables.
pub struct IncidentChart {
    pub total: usize,
    /// (label, colour class) per cause, for the legend and the table's columns.
    pub causes: Vec<(String, String)>,
    /// Per month: its label, total, bar segments (x, y, height, class, title) and counts per cause.
    pub months: Vec<ChartMonth>,
    pub bar_width: f64,
    pub max: usize,
    pub by_type: Vec<(String, usize)>,
    pub summary: String,
}

fn incident_chart(
    tr: &crate::i18n::Tr,
    s: tillit_domain::incident_stats::IncidentStats,
) -> IncidentChart {
    let causes = tillit_domain::incident_stats::causes();
    let max = s.months.iter().map(|m| m.total).max().unwrap_or(0).max(1);
    let slot = 300.0 / s.months.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(2.0);
    let label = |c: &str| tr.t(&format!("cause-{}", c.replace('_', "-")));
    let months = s
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = i as f64 * slot + (slot - bar_width) / 2.0;
            let mut y = 100.0;
            let mut segments = Vec::new();
            for (ci, n) in m.by_cause.iter().enumerate() {
                if *n == 0 {
                    continue;
                }
                let h = 100.0 * *n as f64 / max as f64;
                y -= h;
                segments.push((
                    x,
                    y,
                    h,
                    format!("cause-{ci}"),
                    format!("{}: {} {n}", m.month, label(causes[ci])),
                ));
            }
            (m.month.clone(), m.total, segments, m.by_cause.clone())
        })
        .collect();
    IncidentChart {
        total: s.total,
        causes: causes
            .iter()
            .enumerate()
            .map(|(i, c)| (label(c), format!("cause-{i}")))
            .collect(),
        months,
        bar_width,
        max,
        by_type: s
            .by_type
            .into_iter()
            .map(|(t, n)| (tr.t(&format!("incident-type-{}", t.replace('_', "-"))), n))
            .collect(),
        summary: tr.f(
            "followup-incidents-summary",
            &[
                ("total", s.total.to_string()),
                ("months", s.months.len().to_string()),
            ],
        ),
    }
}

pub async fn follow_up(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (gaps, f) = gaps_now(&m).await?;
    let total = gaps.iter().map(|g| g.count).sum();
    let since = (tillit_app::today_date() - chrono::Days::new(90)).to_string();
    let snaps = tillit_app::followup::snapshots(m.app(), &m.who, &since).await?;
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
    // (label, value, whether it asks for attention)
    let kpis = vec![
        (
            tr.t("figure-compliance"),
            f.compliance_percent
                .map(|p| format!("{p} %"))
                .unwrap_or_else(|| "–".into()),
            false,
        ),
        (
            tr.t("figure-above-tolerance"),
            f.scenarios_above_tolerance.to_string(),
            f.scenarios_above_tolerance > 0,
        ),
        (
            tr.t("figure-overdue-measures"),
            f.overdue_measures.to_string(),
            f.overdue_measures > 0,
        ),
        (
            tr.t("figure-open-measures"),
            f.open_measures.to_string(),
            false,
        ),
        (
            tr.t("figure-unclassified"),
            f.unclassified_assets.to_string(),
            f.unclassified_assets > 0,
        ),
        (tr.t("figure-assets"), f.assets.to_string(), false),
        (tr.t("figure-systems"), f.systems.to_string(), false),
    ];
    let lang = tr.lang();
    let lib = m.app().library(&m.who);
    let area_headers = lib
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
                lib.areas
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
    let incidents = if m.who.org_kind().side() == tillit_domain::org::Side::Provider {
        Some(incident_chart(
            tr,
            tillit_app::incidents::incident_statistics(m.app(), &m.who, 12).await?,
        ))
    } else {
        None
    };
    let tpl = FollowUpPage {
        incidents,
        may_edit: m.may(Permission::EditRegisters),
        c: PageCommon::member(&m, tr.t("followup-title"), "/follow-up"),
        gaps: gaps.into_iter().map(|g| gap_view(tr, g, &lib)).collect(),
        total,
        kpis,
        trends,
        rows,
        headers,
        area_headers,
        area_rows,
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// Gaps as the overview lists them (counts with links), for providers.
/// `None` when the organisation has registered nothing yet (no gap can be found in nothing).
pub async fn overview_gaps(m: &Member) -> AppResult<Option<Vec<GapView>>> {
    let (gaps, figures) = gaps_now(m).await?;
    if figures.assets == 0 && figures.systems == 0 {
        return Ok(None);
    }
    Ok(Some(
        gaps.into_iter()
            .filter(|g| g.count > 0)
            .map(|g| gap_view(&m.ctx.tr, g, &m.app().library(&m.who)))
            .collect(),
    ))
}

async fn mark(m: &Member, what: Reviewed, id: &str) -> AppResult<()> {
    tillit_app::followup::mark_reviewed(m.app(), &m.who, what, id).await?;
    Ok(())
}

pub async fn review_asset(
    m: Member,
    Path(id): Path<String>,
    _f: FormFields,
) -> AppResult<Response> {
    mark(&m, Reviewed::Asset, &id).await?;
    Ok(see_other(&format!("/assets/{id}?done=reviewed")))
}

pub async fn review_system(
    m: Member,
    Path(id): Path<String>,
    _f: FormFields,
) -> AppResult<Response> {
    mark(&m, Reviewed::System, &id).await?;
    Ok(see_other(&format!("/systems/{id}?done=reviewed")))
}
