//! The authority's workspace pages: the ranking with its distribution and export, one
//! organisation's score explained, the registry and its import, the submissions received (each
//! read audited) and their import from file, and the ranking model with its versions.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::Params;
use crate::i18n::Tr;
use crate::pages::{FieldError, Notice, PageCommon, Pager};
use crate::render::page;
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tillit_app::authority::{self as auth, RegistryImport, RemitParams};
use tillit_domain::ranking::{FactorKey, Figure, Half, Scale};
use tillit_domain::role::Permission;

fn kind_label(tr: &Tr, k: &str) -> String {
    tr.t(&format!("registry-kind-{}", k.replace('_', "-")))
}

fn nis2_label(tr: &Tr, k: &str) -> String {
    tr.t(&format!("nis2-class-{}", k.replace('_', "-")))
}

fn factor_label(tr: &Tr, k: FactorKey) -> String {
    tr.t(&format!("factor-{}", k.key().replace('_', "-")))
}

fn factor_label_key(tr: &Tr, k: &str) -> String {
    FactorKey::from_key(k)
        .map(|k| factor_label(tr, k))
        .unwrap_or_else(|| "–".into())
}

fn score(tenths: i64) -> String {
    format!("{},{}", tenths / 10, tenths % 10)
}

/// The filter form's choices.
struct Filters {
    county: String,
    kind: String,
    nis2_class: String,
    q: String,
    counties: Vec<String>,
    kinds: Vec<(String, String)>,
    classes: Vec<(String, String)>,
}

async fn filters(m: &Member, p: &RemitParams) -> AppResult<Filters> {
    let tr = &m.ctx.tr;
    Ok(Filters {
        county: p.county.clone(),
        kind: p.kind.clone(),
        nis2_class: p.nis2_class.clone(),
        q: p.q.clone(),
        counties: auth::counties(m.app(), &m.who).await?,
        kinds: tillit_domain::ranking::REGISTRY_KINDS
            .iter()
            .map(|k| (k.to_string(), kind_label(tr, k)))
            .collect(),
        classes: tillit_domain::ranking::NIS2_CLASSES
            .iter()
            .map(|k| (k.to_string(), nis2_label(tr, k)))
            .collect(),
    })
}

fn filter_params(p: &RemitParams) -> Vec<(&'static str, String)> {
    vec![
        ("county", p.county.clone()),
        ("kind", p.kind.clone()),
        ("nis2_class", p.nis2_class.clone()),
        ("q", p.q.clone()),
        ("per_page", p.per_page.clone().unwrap_or_default()),
    ]
}

struct RankLine {
    place: i64,
    entry_id: String,
    name: String,
    org_number: String,
    county: String,
    kind: String,
    nis2: String,
    score: String,
    likelihood: String,
    consequence: String,
    top: String,
    no_submission: bool,
    generated: bool,
}

struct Bar {
    x: f64,
    y: f64,
    h: f64,
    label: String,
    count: i64,
}

#[derive(Template)]
#[template(path = "authority_ranking.html")]
struct RankingPage {
    c: PageCommon,
    f: Filters,
    summary: String,
    lines: Vec<RankLine>,
    pager: Pager,
    bars: Vec<Bar>,
    chart_label: String,
    export_query: String,
    may_read: bool,
}

pub async fn ranking(m: Member, Params(p): Params<RemitParams>) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let (filter, page_req) = p.parse()?;
    let view = auth::ranking(m.app(), &m.who, &filter, page_req).await?;
    let pager = Pager::new(tr, "/authority/ranking", &filter_params(&p), &view.page);
    let offset = (view.page.page - 1) * view.page.per_page;
    let lines = view
        .page
        .items
        .into_iter()
        .enumerate()
        .map(|(i, r)| RankLine {
            place: offset + i as i64 + 1,
            entry_id: r.entry_id,
            name: r.name,
            org_number: r.org_number,
            county: if r.county.is_empty() {
                "–".into()
            } else {
                r.county
            },
            kind: kind_label(tr, &r.kind),
            nis2: nis2_label(tr, &r.nis2_class),
            score: score(r.score_tenths),
            likelihood: format!("{}", r.likelihood_permille / 10),
            consequence: format!("{}", r.consequence_permille / 10),
            top: factor_label_key(tr, &r.top_factor),
            no_submission: r.missing_submission != 0,
            generated: r.generated != 0,
        })
        .collect();
    let max = view.distribution.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bars = view
        .distribution
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let h = 100.0 * (*n as f64) / max;
            Bar {
                x: 30.0 * i as f64 + 2.0,
                y: 100.0 - h,
                h,
                label: format!("{}–{}", i * 10, i * 10 + 10),
                count: *n,
            }
        })
        .collect();
    let summary = tr.f(
        "ranking-summary",
        &[
            ("count", view.page.total.to_string()),
            ("missing", view.without_submission.to_string()),
            ("version", view.model_version.to_string()),
            ("at", crate::pages::show_time(&view.computed_at)),
        ],
    );
    let export_query = serde_urlencoded::to_string(
        filter_params(&p)
            .into_iter()
            .filter(|(k, v)| !v.is_empty() && *k != "per_page")
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let tpl = RankingPage {
        c: PageCommon::member(&m, tr.t("ranking-title"), "/authority/ranking"),
        f: filters(&m, &p).await?,
        chart_label: tr.f(
            "ranking-chart-label",
            &[("count", view.page.total.to_string())],
        ),
        summary,
        lines,
        pager,
        bars,
        export_query,
        may_read: m.may(Permission::ReadSubmissions),
    };
    Ok(page(StatusCode::OK, &tpl))
}

#[derive(serde::Deserialize, Default)]
pub struct ExportParams {
    #[serde(default)]
    format: String,
    #[serde(flatten)]
    remit: RemitParams,
}

/// The ranking (filtered) as CSV or XLSX.
pub async fn ranking_export(m: Member, Params(p): Params<ExportParams>) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let (filter, _) = p.remit.parse()?;
    let rows = auth::ranking_all(m.app(), &m.who, &filter).await?;
    let headers = [
        "placering",
        "namn",
        "organisationsnummer",
        "län",
        "typ",
        "nis2",
        "poäng",
        "sannolikhet",
        "konsekvens",
        "största_faktor",
        "inlämning_saknas",
        "genererad",
    ];
    let table = tillit_app::tabular::Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    (i + 1).to_string(),
                    r.name,
                    r.org_number,
                    r.county,
                    kind_label(tr, &r.kind),
                    nis2_label(tr, &r.nis2_class),
                    score(r.score_tenths),
                    format!("{}", r.likelihood_permille / 10),
                    format!("{}", r.consequence_permille / 10),
                    factor_label_key(tr, &r.top_factor),
                    tr.t(if r.missing_submission != 0 {
                        "answer-yes"
                    } else {
                        "answer-no"
                    }),
                    tr.t(if r.generated != 0 {
                        "answer-yes"
                    } else {
                        "answer-no"
                    }),
                ]
            })
            .collect(),
    };
    let day = tillit_app::today();
    match p.format.as_str() {
        "xlsx" => Ok(crate::requirements::pages::download(
            &format!("rangordning-{day}.xlsx"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            tillit_app::tabular::write_xlsx(&table, "Rangordning").map_err(AppError::internal)?,
        )),
        "csv" | "" => Ok(crate::requirements::pages::download(
            &format!("rangordning-{day}.csv"),
            Some("text/csv; charset=utf-8"),
            tillit_app::tabular::write_csv(&table),
        )),
        _ => Err(tillit_domain::ValidationErrors::single(
            "format",
            tillit_domain::Rule::UnknownValue,
        )
        .into()),
    }
}

struct PartLine {
    factor: String,
    half: String,
    figure: String,
    source: String,
    value: String,
    share: String,
    points: String,
    missing: bool,
}

#[derive(Template)]
#[template(path = "authority_entry.html")]
struct EntryPage {
    c: PageCommon,
    heading: String,
    facts: Vec<(String, String)>,
    place: String,
    score: String,
    lines: Vec<PartLine>,
    changes: Vec<String>,
    received: Vec<(String, String, String)>,
    may_read: bool,
    own_cases: Vec<crate::supervision::pages::CaseLine>,
    shared_cases: Vec<crate::supervision::pages::CaseLine>,
    elsewhere: Vec<String>,
    may_open_case: bool,
    open_case_query: String,
}

fn figure_text(tr: &Tr, key: FactorKey, f: &Option<Figure>) -> String {
    match f {
        None => tr.t("ranking-figure-missing"),
        Some(Figure::Number(x)) => {
            let n = format!("{}", x.round() as i64);
            match key {
                FactorKey::ComplianceGap => format!("{n} %"),
                FactorKey::RiskAnalysisAge
                | FactorKey::AccessAnalysisAge
                | FactorKey::SinceSupervision
                | FactorKey::SubmissionAge => {
                    let since = tillit_app::today_date() - chrono::Duration::days(x.round() as i64);
                    format!(
                        "{} ({})",
                        tr.f("ranking-days", &[("n", n)]),
                        tr.f("ranking-since", &[("date", since.to_string())])
                    )
                }
                _ => n,
            }
        }
        Some(Figure::Levels(ws)) => match key {
            FactorKey::Nis2 => ws
                .iter()
                .map(|w| nis2_label(tr, w))
                .collect::<Vec<_>>()
                .join(", "),
            _ => ws.join(", "),
        },
    }
}

pub async fn entry(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    m.require(Permission::ReadSubmissions)?;
    let tr = &m.ctx.tr;
    let x = auth::explain(m.app(), &m.who, &id).await?;
    let e = &x.entry;
    let dash = |s: &str| {
        if s.is_empty() {
            "–".to_string()
        } else {
            s.to_string()
        }
    };
    let mut facts = vec![
        (tr.t("field-org-number"), e.org_number.clone()),
        (tr.t("registry-kind"), kind_label(tr, &e.kind)),
        (tr.t("registry-county"), dash(&e.county)),
        (
            tr.t("registry-individuals"),
            e.individuals.map(|n| n.to_string()).unwrap_or("–".into()),
        ),
        (
            tr.t("registry-kinds-of-care"),
            dash(&e.kinds_of_care.replace(';', ", ")),
        ),
        (tr.t("registry-nis2"), nis2_label(tr, &e.nis2_class)),
        (
            tr.t("registry-last-supervised"),
            e.last_supervised_on
                .clone()
                .unwrap_or_else(|| tr.t("registry-never")),
        ),
        (
            tr.t("registry-linked"),
            tr.t(if e.linked > 0 {
                "registry-linked-yes"
            } else {
                "registry-linked-no"
            }),
        ),
    ];
    if e.generated != 0 {
        facts.push((tr.t("registry-generated"), tr.t("registry-generated-help")));
    }
    let lines = x
        .score
        .parts
        .iter()
        .map(|p| PartLine {
            factor: factor_label(tr, p.key),
            half: tr.t(match p.half {
                Half::Likelihood => "ranking-likelihood",
                Half::Consequence => "ranking-consequence",
            }),
            figure: figure_text(tr, p.key, &p.figure),
            source: match (&p.source, &p.as_of) {
                (tillit_domain::ranking::Source::Submission, Some(d)) => {
                    tr.f("ranking-from-submission", &[("date", d.clone())])
                }
                (tillit_domain::ranking::Source::Registry, Some(d)) => {
                    tr.f("ranking-from-registry", &[("date", d.clone())])
                }
                _ => tr.t("ranking-as-stated-in-model"),
            },
            value: format!("{:.2}", p.value).replace('.', ","),
            share: format!("{:.0} %", p.weight_share * 100.0),
            points: format!("{:.1}", p.points).replace('.', ","),
            missing: p.figure.is_none(),
        })
        .collect();
    let changes = x
        .changes
        .iter()
        .map(|(k, s, place)| {
            tr.f(
                "ranking-change",
                &[
                    ("factor", factor_label(tr, *k)),
                    ("score", format!("{s:.1}").replace('.', ",")),
                    ("place", place.to_string()),
                ],
            )
        })
        .collect();
    let received = auth::received(
        m.app(),
        &m.who,
        Some(&e.org_number),
        tillit_domain::paging::PageRequest::default(),
    )
    .await?
    .items
    .into_iter()
    .map(|r| {
        (
            r.id,
            crate::pages::show_time(&r.submitted_at),
            tr.t(&format!("received-source-{}", r.source)),
        )
    })
    .collect();
    let (own, shared) = tillit_app::supervision::cases_on(m.app(), &m.who, &e.org_number).await?;
    let elsewhere = tillit_app::supervision::open_cases_elsewhere(
        m.app(),
        &m.who,
        std::slice::from_ref(&e.org_number),
    )
    .await?
    .into_iter()
    .map(|(_, a, k)| {
        tr.f(
            "registry-open-case-at",
            &[("authority", a), ("count", k.to_string())],
        )
    })
    .collect();
    let open_case_query = format!(
        "org_number={}&ranking_score={}&title={}",
        e.org_number,
        (x.score.score * 10.0).round() as i64,
        tr.f("case-title-from-ranking", &[("org", e.name.clone())])
            .replace(' ', "+")
            .replace('&', "%26")
    );
    let tpl = EntryPage {
        own_cases: own
            .iter()
            .map(|c| crate::supervision::pages::case_line(tr, c))
            .collect(),
        shared_cases: shared
            .iter()
            .map(|c| crate::supervision::pages::case_line(tr, c))
            .collect(),
        elsewhere,
        may_open_case: m.may(Permission::HandleCases),
        open_case_query,
        c: PageCommon::member(&m, e.name.clone(), "/authority/ranking"),
        heading: e.name.clone(),
        facts,
        place: tr.f(
            "ranking-place",
            &[
                ("place", x.place.to_string()),
                ("of", x.of.to_string()),
                ("version", x.model_version.to_string()),
            ],
        ),
        score: tr.f(
            "ranking-score-line",
            &[
                ("score", format!("{:.1}", x.score.score).replace('.', ",")),
                ("likelihood", format!("{:.0}", x.score.likelihood * 100.0)),
                ("consequence", format!("{:.0}", x.score.consequence * 100.0)),
            ],
        ),
        lines,
        changes,
        received,
        may_read: m.may(Permission::ReadSubmissions),
    };
    Ok(page(StatusCode::OK, &tpl))
}

struct RegLine {
    id: String,
    name: String,
    org_number: String,
    county: String,
    kind: String,
    nis2: String,
    individuals: String,
    last_supervised: String,
    latest: Option<String>,
    linked: bool,
    generated: bool,
    /// Other authorities with an open case on it, and how many.
    elsewhere: String,
}

#[derive(Template)]
#[template(path = "authority_registry.html")]
struct RegistryPage {
    c: PageCommon,
    f: Filters,
    summary: String,
    lines: Vec<RegLine>,
    pager: Pager,
    may_import: bool,
    may_read: bool,
}

pub async fn registry(
    m: Member,
    Params(p): Params<RemitParams>,
    Params(n): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let (filter, page_req) = p.parse()?;
    let list = auth::registry(m.app(), &m.who, &filter, page_req).await?;
    let pager = Pager::new(tr, "/authority/registry", &filter_params(&p), &list);
    let summary = tr.f("registry-summary", &[("count", list.total.to_string())]);
    let numbers: Vec<String> = list.items.iter().map(|e| e.org_number.clone()).collect();
    let elsewhere =
        tillit_app::supervision::open_cases_elsewhere(m.app(), &m.who, &numbers).await?;
    let lines = list
        .items
        .into_iter()
        .map(|e| RegLine {
            elsewhere: elsewhere
                .iter()
                .filter(|(n, _, _)| *n == e.org_number)
                .map(|(_, a, k)| {
                    tr.f(
                        "registry-open-case-at",
                        &[("authority", a.clone()), ("count", k.to_string())],
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            id: e.id,
            name: e.name,
            org_number: e.org_number,
            county: if e.county.is_empty() {
                "–".into()
            } else {
                e.county
            },
            kind: kind_label(tr, &e.kind),
            nis2: nis2_label(tr, &e.nis2_class),
            individuals: e.individuals.map(|n| n.to_string()).unwrap_or("–".into()),
            last_supervised: e
                .last_supervised_on
                .unwrap_or_else(|| tr.t("registry-never")),
            latest: e.latest_submission.map(|t| crate::pages::show_time(&t)),
            linked: e.linked > 0,
            generated: e.generated != 0,
        })
        .collect();
    let tpl = RegistryPage {
        c: PageCommon::member(&m, tr.t("registry-title"), "/authority/registry")
            .with_notice(crate::pages::notice_from(tr, n.done.as_deref())),
        f: filters(&m, &p).await?,
        summary,
        lines,
        pager,
        may_import: m.may(Permission::ManageRegistry),
        may_read: m.may(Permission::ReadSubmissions),
    };
    Ok(page(StatusCode::OK, &tpl))
}

struct ImportLine {
    line: usize,
    name: String,
    errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "authority_registry_import.html")]
struct RegistryImportPage {
    c: PageCommon,
    columns: String,
    errors: Vec<FieldError>,
    results: Vec<ImportLine>,
    summary: String,
}

fn import_page(
    m: &Member,
    errors: Vec<FieldError>,
    results: Vec<ImportLine>,
    summary: String,
    status: StatusCode,
) -> Response {
    let tr = &m.ctx.tr;
    let tpl = RegistryImportPage {
        c: PageCommon::member(m, tr.t("registry-import-title"), "/authority/registry"),
        columns: auth::REGISTRY_COLUMNS
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>()
            .join(", "),
        errors,
        results,
        summary,
    };
    page(status, &tpl)
}

pub async fn registry_import_page(m: Member) -> AppResult<Response> {
    m.require(Permission::ManageRegistry)?;
    Ok(import_page(
        &m,
        vec![],
        vec![],
        String::new(),
        StatusCode::OK,
    ))
}

pub async fn registry_import(m: Member, mp: Multipart) -> AppResult<Response> {
    m.require(Permission::ManageRegistry)?;
    let tr = &m.ctx.tr;
    let (name, bytes, dry) = crate::transfer::pages::read_upload(mp).await?;
    match auth::import_registry(m.app(), &m.who, &name, &bytes, dry).await? {
        RegistryImport::FileRefused(v) => Ok(import_page(
            &m,
            FieldError::list(tr, &v),
            vec![],
            String::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        RegistryImport::Rows {
            rows,
            saved,
            added,
            replaced,
        } => {
            if saved {
                return Ok(Redirect::to(&format!(
                    "/authority/registry?done=registry-imported&added={added}&replaced={replaced}"
                ))
                .into_response());
            }
            let failed = rows.iter().filter(|r| !r.errors.is_empty()).count();
            let results = rows
                .into_iter()
                .map(|r| ImportLine {
                    line: r.line,
                    name: r.name,
                    errors: FieldError::list(tr, &r.errors),
                })
                .collect::<Vec<_>>();
            let args = [
                ("rows", results.len().to_string()),
                ("failed", failed.to_string()),
            ];
            let (key, status) = if failed > 0 {
                ("import-summary-errors", StatusCode::UNPROCESSABLE_ENTITY)
            } else {
                ("import-summary-dry-run", StatusCode::OK)
            };
            Ok(import_page(&m, vec![], results, tr.f(key, &args), status))
        }
    }
}

#[derive(Template)]
#[template(path = "authority_received.html")]
struct ReceivedPage {
    c: PageCommon,
    /// (id, org name, org number, when, source, sha256)
    rows: Vec<(String, String, String, String, String, String)>,
    pager: Pager,
    may_read: bool,
    may_import: bool,
    errors: Vec<FieldError>,
}

#[derive(serde::Deserialize, Default)]
pub struct ReceivedParams {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    per_page: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

async fn received_page(
    m: &Member,
    p: &ReceivedParams,
    errors: Option<&tillit_domain::ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let page_req =
        tillit_domain::paging::PageRequest::parse(p.page.as_deref(), p.per_page.as_deref())?;
    let list = auth::received(m.app(), &m.who, None, page_req).await?;
    let pager = Pager::new(
        tr,
        "/authority/submissions",
        &[("per_page", p.per_page.clone().unwrap_or_default())],
        &list,
    );
    let tpl = ReceivedPage {
        c: PageCommon::member(m, tr.t("received-title"), "/authority/submissions")
            .with_notice(crate::pages::notice_from(tr, p.done.as_deref())),
        rows: list
            .items
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    r.org_name,
                    r.org_number,
                    crate::pages::show_time(&r.submitted_at),
                    tr.t(&format!("received-source-{}", r.source)),
                    r.sha256,
                )
            })
            .collect(),
        pager,
        may_read: m.may(Permission::ReadSubmissions),
        may_import: m.may(Permission::ImportSubmissions),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(crate::pages::ui::form_status(errors), &tpl))
}

pub async fn received(m: Member, Params(p): Params<ReceivedParams>) -> AppResult<Response> {
    received_page(&m, &p, None).await
}

pub async fn import_submission(m: Member, mp: Multipart) -> AppResult<Response> {
    m.require(Permission::ImportSubmissions)?;
    let (_, bytes, _) = crate::transfer::pages::read_upload(mp).await?;
    match auth::import_submission(m.app(), &m.who, &bytes).await {
        Ok(id) => Ok(Redirect::to(&format!(
            "/authority/submissions/{id}?done=submission-imported"
        ))
        .into_response()),
        Err(tillit_app::Error::Invalid(e)) => {
            received_page(&m, &ReceivedParams::default(), Some(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "authority_submission.html")]
struct ReceivedOnePage {
    c: PageCommon,
    heading: String,
    facts: Vec<(String, String)>,
    valid: bool,
    check: String,
    summary: Vec<(String, String)>,
    json: String,
}

/// A readable summary of a status report beside its JSON.
pub(crate) fn report_summary(tr: &Tr, c: &serde_json::Value) -> Vec<(String, String)> {
    let n = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "–".to_string(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    vec![
        (tr.t("report-as-of"), n(&c["as_of"])),
        (tr.t("report-catalog"), n(&c["catalog"]["version"])),
        (
            tr.t("report-assets"),
            tr.f(
                "report-assets-value",
                &[
                    ("assets", n(&c["classification"]["information_assets"])),
                    ("unclassified", n(&c["classification"]["unclassified"])),
                    ("systems", n(&c["classification"]["systems"])),
                ],
            ),
        ),
        (
            tr.t("report-highest-confidentiality"),
            n(&c["classification"]["highest_confidentiality"]),
        ),
        (
            tr.t("report-compliance"),
            format!("{} %", n(&c["compliance"]["percent_met"])),
        ),
        (
            tr.t("report-risks"),
            tr.f(
                "report-risks-value",
                &[
                    ("above", n(&c["risk"]["above_tolerance"])),
                    ("untreated", n(&c["risk"]["above_tolerance_untreated"])),
                ],
            ),
        ),
        (
            tr.t("report-latest-risk-analysis"),
            n(&c["risk"]["latest_risk_analysis"]),
        ),
        (
            tr.t("report-measures"),
            tr.f(
                "report-measures-value",
                &[
                    ("open", n(&c["measures"]["open"])),
                    ("overdue", n(&c["measures"]["overdue"])),
                ],
            ),
        ),
        (
            tr.t("report-incidents"),
            tr.f(
                "report-incidents-value",
                &[
                    ("count", n(&c["incidents"]["last_12_months"])),
                    ("overdue", n(&c["incidents"]["reports_overdue_now"])),
                ],
            ),
        ),
        (
            tr.t("report-access-analysis"),
            n(&c["access_needs_analysis"]["latest_approved"]),
        ),
    ]
}

pub async fn received_one(
    m: Member,
    Path(id): Path<String>,
    Params(n): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ReadSubmissions)?;
    let tr = &m.ctx.tr;
    let (r, envelope, verdict) = auth::read_received(m.app(), &m.who, &id).await?;
    let content = serde_json::from_str::<serde_json::Value>(&envelope)
        .ok()
        .map(|e| e["submission"].clone())
        .unwrap_or_default();
    let heading = tr.f(
        "received-heading",
        &[
            ("org", r.org_name.clone()),
            ("at", crate::pages::show_time(&r.submitted_at)),
        ],
    );
    let tpl = ReceivedOnePage {
        c: PageCommon::member(&m, heading.clone(), "/authority/submissions")
            .with_notice(crate::pages::notice_from(tr, n.done.as_deref())),
        heading,
        facts: vec![
            (tr.t("field-org-number"), r.org_number.clone()),
            (
                tr.t("received-source"),
                tr.t(&format!("received-source-{}", r.source)),
            ),
            (tr.t("received-at"), crate::pages::show_time(&r.received_at)),
            ("SHA-256".into(), r.sha256.clone()),
            (tr.t("received-key"), r.key_id.clone()),
        ],
        valid: verdict.is_ok(),
        check: match verdict {
            Ok(()) => tr.t("received-valid"),
            Err(e) => tr.f("submission-invalid", &[("reason", e)]),
        },
        summary: report_summary(tr, &content),
        json: serde_json::to_string_pretty(&content).map_err(AppError::internal)?,
    };
    Ok(page(StatusCode::OK, &tpl))
}

struct ModelLine {
    key: String,
    label: String,
    half: String,
    weight: String,
    scale: String,
    full_at: String,
    levels: String,
    missing: String,
    rationale: String,
    is_levels: bool,
}

#[derive(Template)]
#[template(path = "authority_model.html")]
struct ModelPage {
    c: PageCommon,
    version: i64,
    shown: i64,
    version_line: String,
    note: String,
    lines: Vec<ModelLine>,
    /// (version, when, by, note)
    versions: Vec<(i64, String, String, String)>,
    may_edit: bool,
    errors: Vec<FieldError>,
}

fn num(x: f64) -> String {
    let s = format!("{x}");
    s.replace('.', ",")
}

fn model_lines(tr: &Tr, m: &tillit_domain::ranking::Model) -> Vec<ModelLine> {
    m.factors
        .iter()
        .map(|f| {
            let (full_at, levels, is_levels) = match &f.scale {
                Scale::Linear { full_at } | Scale::Logarithmic { full_at } => {
                    (num(*full_at), String::new(), false)
                }
                Scale::Levels { levels } => (
                    String::new(),
                    levels
                        .iter()
                        .map(|(k, v)| format!("{k}={}", num(*v)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    true,
                ),
            };
            ModelLine {
                key: f.key.key().to_string(),
                label: factor_label(tr, f.key),
                half: tr.t(match f.key.half() {
                    Half::Likelihood => "ranking-likelihood",
                    Half::Consequence => "ranking-consequence",
                }),
                weight: num(f.weight),
                scale: tr.t(&format!("scale-{}", f.key.scale_kind())),
                full_at,
                levels,
                missing: num(f.missing),
                rationale: f.rationale.clone(),
                is_levels,
            }
        })
        .collect()
}

async fn model_page(
    m: &Member,
    shown: Option<i64>,
    notice: Option<&str>,
    errors: Option<&tillit_domain::ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let versions = auth::model_versions(m.app(), &m.who).await?;
    let current = versions.first().map(|(v, _)| v.version).unwrap_or(1);
    let shown = shown.unwrap_or(current);
    let (_, model) = versions
        .iter()
        .find(|(v, _)| v.version == shown)
        .ok_or(AppError::NotFound)?;
    let tpl = ModelPage {
        c: PageCommon::member(
            m,
            tr.f("model-title", &[("version", shown.to_string())]),
            "/authority/model",
        )
        .with_notice(crate::pages::notice_from(tr, notice)),
        version: current,
        shown,
        version_line: if shown == current {
            tr.f("model-in-force", &[("version", current.to_string())])
        } else {
            tr.f(
                "model-old-version",
                &[
                    ("version", shown.to_string()),
                    ("current", current.to_string()),
                ],
            )
        },
        note: model.note.clone(),
        lines: model_lines(tr, model),
        versions: versions
            .iter()
            .map(|(v, m)| {
                (
                    v.version,
                    crate::pages::show_time(&v.created_at),
                    v.created_by_name.clone(),
                    m.note.clone(),
                )
            })
            .collect(),
        may_edit: m.may(Permission::EditRankingModel) && shown == current,
        errors: errors
            .map(|e| {
                FieldError::list(tr, e)
                    .into_iter()
                    .map(|mut fe| {
                        // factors.{key}.{part}: the factor's name and the part's.
                        let mut it = fe.field.split('.');
                        if let (Some("factors"), Some(k), Some(part)) =
                            (it.next(), it.next(), it.next())
                        {
                            if let Some(key) = FactorKey::from_key(k) {
                                fe.label = format!(
                                    "{} – {}",
                                    factor_label(tr, key),
                                    tr.t(&format!("model-{}", part.replace('_', "-")))
                                );
                            }
                        }
                        fe
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(page(crate::pages::ui::form_status(errors), &tpl))
}

pub async fn model(m: Member, Params(n): Params<Notice>) -> AppResult<Response> {
    model_page(&m, None, n.done.as_deref(), None).await
}

pub async fn model_version(m: Member, Path(v): Path<String>) -> AppResult<Response> {
    let v: i64 = v.parse().map_err(|_| AppError::NotFound)?;
    model_page(&m, Some(v), None, None).await
}

/// Reads the model form: per factor `{key}.weight`, `{key}.full_at` or `{key}.levels` (one
/// `word=value` per line), `{key}.missing`, `{key}.rationale`; and `note`. Decimal commas are
/// read as points.
fn model_draft(
    form: &crate::forms::FormFields,
) -> Result<tillit_domain::ranking::ModelDraft, tillit_domain::ValidationErrors> {
    use tillit_domain::{Rule, ValidationError, ValidationErrors};
    let mut errs = ValidationErrors::new();
    let number = |errs: &mut ValidationErrors, field: String, v: &str| -> f64 {
        match v
            .trim()
            .replace(',', ".")
            .replace([' ', '\u{a0}'], "")
            .parse::<f64>()
        {
            Ok(x) if x.is_finite() => x,
            _ => {
                errs.push(ValidationError::new(field, Rule::InvalidFormat));
                0.0
            }
        }
    };
    let mut factors = std::collections::BTreeMap::new();
    for key in FactorKey::ALL {
        let k = key.key();
        let get = |w: &str| form.get(&format!("{k}.{w}")).to_string();
        let weight = number(&mut errs, format!("factors.{k}.weight"), &get("weight"));
        let missing = number(&mut errs, format!("factors.{k}.missing"), &get("missing"));
        let (full_at, levels) = if key.scale_kind() == "levels" {
            let mut levels = std::collections::BTreeMap::new();
            for line in get("levels").lines().filter(|l| !l.trim().is_empty()) {
                match line.split_once('=') {
                    Some((w, v)) => {
                        let x = number(&mut errs, format!("factors.{k}.levels"), v);
                        levels.insert(w.trim().to_string(), x);
                    }
                    None => errs.push(ValidationError::new(
                        format!("factors.{k}.levels"),
                        Rule::InvalidFormat,
                    )),
                }
            }
            (None, Some(levels))
        } else {
            (
                Some(number(
                    &mut errs,
                    format!("factors.{k}.full_at"),
                    &get("full_at"),
                )),
                None,
            )
        };
        factors.insert(
            key,
            tillit_domain::ranking::FactorDraft {
                weight,
                full_at,
                levels,
                missing,
                rationale: get("rationale"),
            },
        );
    }
    errs.into_result()?;
    Ok(tillit_domain::ranking::ModelDraft {
        note: form.get("note").to_string(),
        factors,
    })
}

pub async fn save_model(m: Member, form: crate::forms::FormFields) -> AppResult<Response> {
    m.require(Permission::EditRankingModel)?;
    let result = match model_draft(&form) {
        Ok(d) => auth::save_model(m.app(), &m.who, d).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/authority/model?done=model-saved").into_response()),
        Err(tillit_app::Error::Invalid(e)) => model_page(&m, None, None, Some(&e)).await,
        Err(e) => Err(e.into()),
    }
}
