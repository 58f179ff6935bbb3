//! National figures for an authority: per county, kind of organisation and requirement area, the
//! trend per quarter, the common gaps — never for fewer than five organisations — and the marks
//! of published support with the figures before and after.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{FormFields, Params};
use crate::i18n::Tr;
use crate::pages::{notice_from, FieldError, Notice, PageCommon};
use crate::render::{page, see_other};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tillit_app::national::{MarkFigures, NationalFigures};
use tillit_domain::national::{Protected, Sums, SupportMarkDraft};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// A row of a table of groups, in words.
pub struct GroupRow {
    pub label: String,
    /// The groups merged into the rest, named (without figures of their own).
    pub merged: String,
    pub cells: Vec<String>,
}

pub struct Tile {
    pub value: String,
    pub label: String,
}

pub struct AreaRow {
    pub title: String,
    pub orgs: i64,
    pub percent: Option<i64>,
}

pub struct MarkView {
    pub title: String,
    pub published_on: String,
    pub concerns: String,
    pub window: String,
    /// Rows: figure, before, after.
    pub rows: Vec<(String, String, String)>,
    pub paired: String,
    pub running: bool,
}

#[derive(Template)]
#[template(path = "national.html")]
struct NationalPage {
    c: PageCommon,
    lead: String,
    suppressed: bool,
    tiles: Vec<Tile>,
    headers: Vec<String>,
    by_county: Vec<GroupRow>,
    by_kind: Vec<GroupRow>,
    areas: Vec<AreaRow>,
    gaps: Vec<(String, i64)>,
    trend: Vec<(String, String, String, String)>,
    trend_svg: String,
    marks: Vec<MarkView>,
    may_mark: bool,
    area_choices: Vec<(String, String, bool)>,
    kind_choices: Vec<(String, String, bool)>,
    guidance_choices: Vec<(String, String, bool)>,
    form: FormFields,
    errors: Vec<FieldError>,
}

fn percent(v: Option<i64>) -> String {
    v.map(|p| format!("{p} %")).unwrap_or_else(|| "–".into())
}

fn tenths(v: Option<i64>) -> String {
    v.map(|t| format!("{},{}", t / 10, t % 10))
        .unwrap_or_else(|| "–".into())
}

fn cells(s: &Sums) -> Vec<String> {
    vec![
        s.orgs.to_string(),
        percent(s.compliance()),
        percent(s.risk_share()),
        percent(s.access_share()),
        tenths(s.incidents_per_org_tenths()),
    ]
}

pub fn kind_label(tr: &Tr, k: &str) -> String {
    tillit_domain::org::OrgKind::parse("kind", k)
        .map(|k| tr.kind(k))
        .unwrap_or_else(|_| tr.t("national-kind-unknown"))
}

fn rows(tr: &Tr, p: &Protected, label: impl Fn(&str) -> String) -> Vec<GroupRow> {
    p.rows
        .iter()
        .map(|r| GroupRow {
            label: if r.rest {
                tr.t("national-rest")
            } else {
                label(&r.keys[0])
            },
            merged: if r.rest {
                r.keys
                    .iter()
                    .map(|k| label(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                String::new()
            },
            cells: cells(&r.sums),
        })
        .collect()
}

/// The compliance trend as a line chart: an SVG the page embeds and the export serves.
pub fn trend_svg(tr: &Tr, f: &NationalFigures) -> String {
    let points: Vec<(usize, i64)> = f
        .trend
        .iter()
        .enumerate()
        .filter_map(|(i, q)| Some((i, q.sums?.compliance()?)))
        .collect();
    let (w, h, pad) = (640.0_f64, 240.0_f64, 36.0_f64);
    let n = f.trend.len().max(2) as f64 - 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n;
    let y = |p: i64| h - pad - (h - 2.0 * pad) * p as f64 / 100.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"trend-title\" class=\"trend-chart\"><title id=\"trend-title\">{}</title>",
        askama::filters::escape(tr.t("national-trend-chart"), askama::filters::Html)
            .map(|e| e.to_string())
            .unwrap_or_default()
    );
    svg.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    for p in [0, 25, 50, 75, 100] {
        let yy = y(p);
        svg.push_str(&format!(
            "<line x1=\"{pad}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"#d4d9df\"/><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#4a5560\">{p} %</text>",
            w - pad,
            yy + 4.0,
        ));
    }
    for (i, q) in f.trend.iter().enumerate() {
        if f.trend.len() <= 12 || i % 2 == 0 {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4a5560\">{}</text>",
                x(i),
                h - 10.0,
                q.quarter.replace('-', " K")
            ));
        }
    }
    if !points.is_empty() {
        let line: Vec<String> = points
            .iter()
            .map(|(i, p)| format!("{:.1},{:.1}", x(*i), y(*p)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"#0b5cab\" stroke-width=\"2.5\" points=\"{}\"/>",
            line.join(" ")
        ));
        for (i, p) in &points {
            svg.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#0b5cab\"/>",
                x(*i),
                y(*p)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

fn mark_view(tr: &Tr, m: &MarkFigures) -> MarkView {
    let b = &m.before;
    let a = &m.after;
    let mut rows = vec![
        (
            tr.t("national-orgs"),
            b.orgs.to_string(),
            a.orgs.to_string(),
        ),
        (
            tr.t("national-compliance"),
            percent(b.compliance),
            percent(a.compliance),
        ),
        (
            tr.t("national-risk-current"),
            percent(b.risk_share),
            percent(a.risk_share),
        ),
        (
            tr.t("national-access-current"),
            percent(b.access_share),
            percent(a.access_share),
        ),
    ];
    for (i, title) in m.area_titles.iter().enumerate() {
        rows.push((
            title.clone(),
            percent(b.areas.get(i).and_then(|x| x.1)),
            percent(a.areas.get(i).and_then(|x| x.1)),
        ));
    }
    let kinds: Vec<String> = m.mark.org_kinds.iter().map(|k| kind_label(tr, k)).collect();
    let concerns = format!(
        "{} · {}",
        if m.area_titles.is_empty() {
            tr.t("national-mark-all-areas")
        } else {
            m.area_titles.join(", ")
        },
        if kinds.is_empty() {
            tr.t("national-mark-all-kinds")
        } else {
            kinds.join(", ")
        }
    );
    let paired = match m.paired.compliance_change {
        Some(c) => tr.f(
            "national-paired",
            &[
                ("count", m.paired.orgs.to_string()),
                ("change", format!("{c:+}")),
            ],
        ),
        None => tr.f(
            "national-paired-too-few",
            &[("count", m.paired.orgs.to_string())],
        ),
    };
    MarkView {
        title: m.mark.title.clone(),
        published_on: m.mark.published_on.clone(),
        concerns,
        window: tr.f(
            "national-mark-window",
            &[
                ("months", m.mark.window_months.to_string()),
                ("from", b.from.clone()),
                ("until", a.until.clone()),
            ],
        ),
        rows,
        paired,
        running: m.after_running,
    }
}

async fn render(
    m: &Member,
    form: Option<FormFields>,
    errors: Option<&ValidationErrors>,
    notice: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let f = tillit_app::national::figures(m.app(), &m.who, lang).await?;
    let marks = tillit_app::national::marks(m.app(), &m.who, lang).await?;
    let county = |k: &str| {
        if k.is_empty() {
            tr.t("national-county-unknown")
        } else {
            k.to_string()
        }
    };
    let tiles = match &f.total {
        Some(t) => vec![
            Tile {
                value: t.orgs.to_string(),
                label: tr.t("national-orgs"),
            },
            Tile {
                value: percent(t.compliance()),
                label: tr.t("national-compliance"),
            },
            Tile {
                value: percent(t.risk_share()),
                label: tr.t("national-risk-current"),
            },
            Tile {
                value: percent(t.access_share()),
                label: tr.t("national-access-current"),
            },
            Tile {
                value: tenths(t.incidents_per_org_tenths()),
                label: tr.t("national-incidents-per-org"),
            },
        ],
        None => vec![],
    };
    let form = form.unwrap_or_else(|| FormFields(vec![("window_months".into(), "6".into())]));
    let chosen_areas = form.all("areas");
    let chosen_kinds = form.all("org_kinds");
    let lib = tillit_app::national::areas(m.app(), &m.who, lang);
    let guidance = tillit_app::supervision::guidance(m.app(), &m.who).await?;
    let own = m.who.org_id().to_string();
    let mut guidance_choices = vec![(
        String::new(),
        tr.t("national-mark-no-guidance"),
        form.get("guidance_doc_key").is_empty(),
    )];
    let mut seen = std::collections::HashSet::new();
    for g in guidance.iter().filter(|g| g.authority_org_id == own) {
        if seen.insert(g.doc_key.clone()) {
            guidance_choices.push((
                g.doc_key.clone(),
                g.title.clone(),
                form.get("guidance_doc_key") == g.doc_key,
            ));
        }
    }
    let tpl = NationalPage {
        c: PageCommon::member(m, tr.t("national-title"), "/authority/national").with_notice(notice),
        lead: match &f.since {
            Some(since) => tr.f(
                "national-lead",
                &[("since", since.clone()), ("today", f.as_of.clone())],
            ),
            None => tr.t("national-none"),
        },
        suppressed: f.total.is_none(),
        tiles,
        headers: vec![
            tr.t("national-orgs"),
            tr.t("national-compliance"),
            tr.t("national-risk-current"),
            tr.t("national-access-current"),
            tr.t("national-incidents-per-org"),
        ],
        by_county: rows(tr, &f.by_county, county),
        by_kind: rows(tr, &f.by_kind, |k| kind_label(tr, k)),
        areas: f
            .areas
            .iter()
            .map(|a| AreaRow {
                title: a.title.clone(),
                orgs: a.orgs,
                percent: a.percent,
            })
            .collect(),
        gaps: f
            .gaps
            .iter()
            .map(|(k, v)| {
                (
                    tr.t(&format!("national-gap-{}", k.key().replace('_', "-"))),
                    *v,
                )
            })
            .collect(),
        trend: f
            .trend
            .iter()
            .map(|q| {
                let quarter = q.quarter.replace('-', " K");
                match &q.sums {
                    Some(s) => (
                        quarter,
                        s.orgs.to_string(),
                        percent(s.compliance()),
                        percent(s.risk_share()),
                    ),
                    None => (quarter, tr.t("national-too-few"), "–".into(), "–".into()),
                }
            })
            .collect(),
        trend_svg: trend_svg(tr, &f),
        marks: marks.iter().map(|x| mark_view(tr, x)).collect(),
        may_mark: m.may(Permission::LeadSupervision),
        area_choices: lib
            .into_iter()
            .map(|(id, title)| {
                let on = chosen_areas.contains(&id);
                (id, title, on)
            })
            .collect(),
        kind_choices: tillit_domain::national::MARK_KINDS
            .iter()
            .map(|k| {
                (
                    k.to_string(),
                    kind_label(tr, k),
                    chosen_kinds.iter().any(|c| c == k),
                )
            })
            .collect(),
        guidance_choices,
        form,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(status, &tpl))
}

pub async fn show(m: Member, Params(n): Params<Notice>) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, n.done.as_deref());
    render(&m, None, None, notice, StatusCode::OK).await
}

pub async fn mark(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::LeadSupervision)?;
    let result = form
        .submit(async |d: SupportMarkDraft| {
            tillit_app::national::mark_support(m.app(), &m.who, &d).await
        })
        .await;
    match result {
        Ok(_) => Ok(see_other("/authority/national?done=support-marked#marks")),
        Err(AppError::Invalid(v)) => {
            render(
                &m,
                Some(form),
                Some(&v),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub format: String,
}

/// The figures as a table (CSV or XLSX) or the trend chart (SVG).
pub async fn export(m: Member, Params(q): Params<ExportQuery>) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let f = tillit_app::national::figures(m.app(), &m.who, lang).await?;
    let stem = if lang == "en" {
        "national-figures"
    } else {
        "nationella-siffror"
    };
    let table =
        || tillit_app::national::table(&f, lang, &|k| kind_label(tr, k), &tr.t("national-rest"));
    match q.format.as_str() {
        "xlsx" => Ok(crate::requirements::pages::download(
            &format!("{stem}-{}.xlsx", f.as_of),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            tillit_app::tabular::write_xlsx(&table(), &tr.t("national-title"))
                .map_err(AppError::internal)?,
        )),
        "csv" | "" => Ok(crate::requirements::pages::download(
            &format!("{stem}-{}.csv", f.as_of),
            Some("text/csv; charset=utf-8"),
            tillit_app::tabular::write_csv(&table()),
        )),
        "svg" => Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "image/svg+xml; charset=utf-8".to_string(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{stem}-trend-{}.svg\"", f.as_of),
                ),
            ],
            trend_svg(tr, &f),
        )
            .into_response()),
        "pdf" => {
            let marks = tillit_app::national::marks(m.app(), &m.who, lang).await?;
            let doc = report(&m, &f, &marks);
            crate::reports::pdf(&m.state, &format!("{stem}-{}", f.as_of), doc).await
        }
        _ => Err(ValidationErrors::single("format", tillit_domain::Rule::UnknownValue).into()),
    }
}

/// The figures as a report: the key figures, the trend as a chart (the report template's own,
/// the same line as the page's), the tables per county, kind and area, the common gaps and the
/// support marks' before and after — with the rule that no figure rests on fewer than five.
fn report(m: &Member, f: &NationalFigures, marks: &[MarkFigures]) -> tillit_app::reports::Document {
    use tillit_app::reports::{Block, Figure, Section, Tone};
    let tr = &m.ctx.tr;
    let headers = vec![
        String::new(),
        tr.t("national-orgs"),
        tr.t("national-compliance"),
        tr.t("national-risk-current"),
        tr.t("national-access-current"),
        tr.t("national-incidents-per-org"),
    ];
    let county = |k: &str| {
        if k.is_empty() {
            tr.t("national-county-unknown")
        } else {
            k.to_string()
        }
    };
    let table = |rows: Vec<GroupRow>| {
        let mut notes = Vec::new();
        let rows = rows
            .into_iter()
            .map(|r| {
                if !r.merged.is_empty() {
                    notes.push(format!("{}: {}", r.label, r.merged));
                }
                std::iter::once(r.label).chain(r.cells).collect()
            })
            .collect();
        let mut blocks = vec![Block::Table {
            headers: headers.clone(),
            rows,
            widths: vec![3, 1, 1, 1, 1, 1],
            tones: vec![],
        }];
        if !notes.is_empty() {
            blocks.push(Block::Note {
                text: format!("{} {}", tr.t("national-merged-note"), notes.join("; ")),
            });
        }
        blocks
    };
    let mut sections = vec![Section::new(
        tr.t("national-report-rule-heading"),
        vec![Block::Paragraph {
            text: tr.t("national-rule"),
        }],
    )];
    match &f.total {
        None => sections.push(Section::new(
            tr.t("national-title"),
            vec![Block::Note {
                text: tr.t("national-too-few"),
            }],
        )),
        Some(t) => {
            sections[0].blocks.push(Block::Figures {
                items: vec![
                    Figure {
                        label: tr.t("national-orgs"),
                        value: t.orgs.to_string(),
                        tone: Tone::Plain,
                    },
                    Figure {
                        label: tr.t("national-compliance"),
                        value: percent(t.compliance()),
                        tone: Tone::Plain,
                    },
                    Figure {
                        label: tr.t("national-risk-current"),
                        value: percent(t.risk_share()),
                        tone: Tone::Plain,
                    },
                    Figure {
                        label: tr.t("national-access-current"),
                        value: percent(t.access_share()),
                        tone: Tone::Plain,
                    },
                ],
            });
            let points: Vec<(String, f64)> = f
                .trend
                .iter()
                .filter_map(|q| Some((q.quarter.replace('-', " K"), q.sums?.compliance()? as f64)))
                .collect();
            sections.push(Section::new(
                tr.t("national-trend"),
                vec![Block::Trend {
                    caption: tr.t("national-trend-chart"),
                    points,
                    unit: " %".into(),
                }],
            ));
            sections.push(Section::new(
                tr.t("national-by-county"),
                table(rows(tr, &f.by_county, county)),
            ));
            sections.push(Section::new(
                tr.t("national-by-kind"),
                table(rows(tr, &f.by_kind, |k| kind_label(tr, k))),
            ));
            sections.push(Section::new(
                tr.t("national-by-area"),
                vec![Block::Bars {
                    caption: tr.t("national-compliance"),
                    items: f
                        .areas
                        .iter()
                        .map(|a| match a.percent {
                            Some(p) => (a.title.clone(), p as f64, format!("{p} %")),
                            None => (a.title.clone(), 0.0, tr.t("national-too-few")),
                        })
                        .collect(),
                    max: 100.0,
                }],
            ));
            sections.push(Section::new(
                tr.t("national-gaps"),
                vec![Block::Bars {
                    caption: tr.t("national-gaps"),
                    items: f
                        .gaps
                        .iter()
                        .map(|(k, v)| {
                            (
                                tr.t(&format!("national-gap-{}", k.key().replace('_', "-"))),
                                *v as f64,
                                format!("{v} %"),
                            )
                        })
                        .collect(),
                    max: 100.0,
                }],
            ));
        }
    }
    if !marks.is_empty() {
        sections.push(Section::new(
            tr.t("national-marks"),
            marks
                .iter()
                .flat_map(|x| {
                    let v = mark_view(tr, x);
                    vec![
                        Block::Facts {
                            rows: vec![
                                (tr.t("national-mark-title"), v.title),
                                (tr.t("national-mark-published"), v.published_on),
                                (tr.t("national-mark-concerns"), v.concerns),
                            ],
                        },
                        Block::Table {
                            headers: vec![
                                String::new(),
                                tr.t("national-before"),
                                tr.t("national-after"),
                            ],
                            rows: v.rows.into_iter().map(|(a, b, c)| vec![a, b, c]).collect(),
                            widths: vec![3, 1, 1],
                            tones: vec![],
                        },
                        Block::Paragraph { text: v.paired },
                    ]
                })
                .collect(),
        ));
    }
    crate::reports::document(
        m,
        tr.t("national-title"),
        Some(match &f.since {
            Some(since) => tr.f(
                "national-lead",
                &[("since", since.clone()), ("today", f.as_of.clone())],
            ),
            None => tr.t("national-none"),
        }),
        vec![],
        sections,
    )
}
