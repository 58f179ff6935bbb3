//! Catalog pages: `/catalog` (versions, the upgrade offer, what is to be assessed),
//! `/catalog/diff` (two versions side by side with the changed words marked) and
//! `/catalog/upgrade` (what the upgrade touches, and accepting it).

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{FormFields, Params};
use crate::i18n::Tr;
use crate::pages::{notice_from, PageCommon};
use crate::render::{page, see_other};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use tillit_app::catalog::{ChangeKind, UpgradePlan};
use tillit_app::library::Library;
use tillit_domain::diff::Piece;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

pub struct VersionRow {
    pub key: String,
    pub title: String,
    pub date: String,
    pub requirements: usize,
    pub current: bool,
    pub diff_href: Option<String>,
}

pub struct TodoRow {
    pub href: String,
    pub requirement: String,
    pub scope: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    c: PageCommon,
    current: String,
    versions: Vec<VersionRow>,
    offer: Option<String>,
    todo: Vec<TodoRow>,
    todo_total: String,
    pager: crate::pages::Pager,
}

/// `?page=2` of the list of what to assess, and the notice after a change.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CatalogParams {
    pub done: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// A requirement as `LABEL Title`, from the library that has it.
fn req_name(lang: &str, libs: &[&Library], id: &str) -> String {
    libs.iter()
        .find_map(|l| l.requirement(id))
        .map(|r| format!("{} {}", r.label, r.title(lang)))
        .unwrap_or_else(|| id.to_string())
}

fn requirement_href(system_id: Option<&str>, id: &str) -> String {
    match system_id {
        Some(s) => format!("/systems/{s}/requirements/{id}"),
        None => format!("/requirements/{id}"),
    }
}

pub async fn overview(m: Member, Params(n): Params<CatalogParams>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let req = tillit_domain::paging::PageRequest::parse(n.page.as_deref(), n.per_page.as_deref())?;
    let versions = tillit_app::catalog::versions(m.app(), &m.who)?;
    let offer = tillit_app::catalog::upgrade_offer(m.app(), &m.who).await?;
    let todo = tillit_app::catalog::reassessments(m.app(), &m.who, req).await?;
    let pager = crate::pages::Pager::new(tr, "/catalog", &[], &todo);
    let todo_total = tr.f("catalog-todo-total", &[("n", todo.total.to_string())]);
    let lib = m.app().library(&m.who);
    let current = versions
        .iter()
        .find(|v| v.current)
        .map(|v| {
            tr.f(
                "catalog-current",
                &[("version", v.key.clone()), ("title", v.title.clone())],
            )
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut prev: Option<String> = None;
    for v in &versions {
        rows.push(VersionRow {
            key: v.key.clone(),
            title: v.title.clone(),
            date: v.last_modified.chars().take(10).collect(),
            requirements: v.requirements,
            current: v.current,
            diff_href: prev
                .as_ref()
                .map(|p| format!("/catalog/diff?from={p}&to={}", v.key)),
        });
        prev = Some(v.key.clone());
    }
    let offer = offer.map(|p| {
        tr.f(
            "catalog-offer",
            &[
                ("from", p.from.clone()),
                ("to", p.to.clone()),
                ("changed", p.changed.to_string()),
                ("added", p.added.to_string()),
                ("touched", p.assessments_touched.to_string()),
            ],
        )
    });
    let todo = todo
        .items
        .into_iter()
        .map(|r| TodoRow {
            href: requirement_href(r.system_id.as_deref(), &r.requirement_id),
            requirement: req_name(lang, &[&lib], &r.requirement_id),
            scope: r
                .system_name
                .clone()
                .unwrap_or_else(|| tr.t("catalog-scope-organisation")),
            reason: tr.t(&format!("catalog-reason-{}", r.reason.key())),
        })
        .collect();
    let mut c = PageCommon::member(&m, tr.t("catalog-heading"), "/catalog");
    c.notice = notice_from(tr, n.done.as_deref());
    Ok(page(
        StatusCode::OK,
        &CatalogPage {
            c,
            current,
            versions: rows,
            offer,
            todo,
            todo_total,
            pager,
        },
    ))
}

/// A changed field as the page shows it: its name, and the old and new text as marked pieces.
pub struct FieldView {
    pub name: String,
    pub before: Vec<(&'static str, String)>,
    pub after: Vec<(&'static str, String)>,
}

pub struct ChangeView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub kind_key: &'static str,
    pub fields: Vec<FieldView>,
}

fn side(pieces: &[Piece], old: bool) -> Vec<(&'static str, String)> {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Same(s) => Some(("same", s.clone())),
            Piece::Removed(s) if old => Some(("del", s.clone())),
            Piece::Added(s) if !old => Some(("ins", s.clone())),
            _ => None,
        })
        .collect()
}

fn kind_key(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    }
}

/// The changes of a diff as the pages show them, in the reader's language (both languages'
/// texts are compared; the other language's changes are shown too, marked with the language).
fn change_views(tr: &Tr, d: &tillit_app::catalog::CatalogDiff) -> Vec<ChangeView> {
    let lang = tr.lang();
    let idx = usize::from(lang == "en");
    d.changes
        .iter()
        .map(|c| ChangeView {
            id: c.id.clone(),
            name: format!("{} {}", c.label, c.title[idx]),
            kind: if c.kind == ChangeKind::Changed && !c.material {
                tr.t("catalog-kind-editorial")
            } else {
                tr.t(&format!("catalog-kind-{}", kind_key(c.kind)))
            },
            kind_key: kind_key(c.kind),
            fields: c
                .fields
                .iter()
                .map(|f| FieldView {
                    name: match f.lang {
                        Some(l) => format!("{} ({l})", tr.t(&format!("catalog-field-{}", f.field))),
                        None => tr.t(&format!("catalog-field-{}", f.field)),
                    },
                    before: side(&f.pieces, true),
                    after: side(&f.pieces, false),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "catalog_diff.html")]
struct DiffPage {
    c: PageCommon,
    heading: String,
    summary: String,
    from: String,
    to: String,
    versions: Vec<String>,
    changes: Vec<ChangeView>,
}

/// `?from=1&to=2`
#[derive(Debug, Default, serde::Deserialize)]
pub struct DiffParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

pub async fn diff(m: Member, Params(p): Params<DiffParams>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let versions: Vec<String> = m
        .state
        .app
        .catalogs
        .all()
        .iter()
        .map(|l| l.key.clone())
        .collect();
    let latest = m.app().catalogs.latest().key.clone();
    let to = p.to.filter(|s| !s.is_empty()).unwrap_or(latest);
    let from = p
        .from
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| versions.first().cloned().unwrap_or_default());
    let d = tillit_app::catalog::diff_versions(m.app(), &m.who, &from, &to)?;
    let heading = tr.f(
        "catalog-diff-heading",
        &[("from", from.clone()), ("to", to.clone())],
    );
    let summary = tr.f(
        "catalog-diff-summary",
        &[
            ("added", d.count(ChangeKind::Added).to_string()),
            ("removed", d.count(ChangeKind::Removed).to_string()),
            ("changed", d.count(ChangeKind::Changed).to_string()),
            ("unchanged", d.unchanged.to_string()),
        ],
    );
    Ok(page(
        StatusCode::OK,
        &DiffPage {
            c: PageCommon::member(&m, heading.clone(), "/catalog"),
            heading,
            summary,
            changes: change_views(tr, &d),
            from,
            to,
            versions,
        },
    ))
}

pub struct ImpactRow {
    pub requirement: String,
    pub href: String,
    pub kind: String,
    pub assessments: usize,
    pub to_reassess: usize,
    pub evidence: i64,
    pub scopes: String,
    pub measures: Vec<(String, String)>,
}

pub struct AddedRow {
    pub requirement: String,
    pub scopes: String,
}

/// The scopes of a summary as a line: the first names, and how many more.
fn scopes_line(tr: &Tr, named: &[tillit_app::catalog::ScopeRef], total: usize) -> String {
    let mut names: Vec<String> = named
        .iter()
        .map(|s| {
            s.system_name
                .clone()
                .unwrap_or_else(|| tr.t("catalog-scope-organisation"))
        })
        .collect();
    names.dedup();
    let mut line = names.join(", ");
    if total > named.len() {
        line.push_str(&tr.f(
            "catalog-and-more",
            &[("n", (total - named.len()).to_string())],
        ));
    }
    line
}

#[derive(Template)]
#[template(path = "catalog_upgrade.html")]
struct UpgradePage {
    c: PageCommon,
    heading: String,
    summary: String,
    from: String,
    impacts: Vec<ImpactRow>,
    added: Vec<AddedRow>,
    changes: Vec<ChangeView>,
    may_upgrade: bool,
    errors: Vec<crate::pages::FieldError>,
}

async fn upgrade_page(m: &Member, errors: Option<&ValidationErrors>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let Some(plan): Option<UpgradePlan> =
        tillit_app::catalog::upgrade_plan(m.app(), &m.who).await?
    else {
        return Ok(see_other("/catalog"));
    };
    let old = m.app().catalogs.for_org(&plan.from).clone();
    let new = m.app().catalogs.for_org(&plan.to).clone();
    let libs = [new.as_ref(), old.as_ref()];
    let impacts = plan
        .impact_summaries()
        .into_iter()
        .map(|i| ImpactRow {
            requirement: req_name(lang, &libs, &i.requirement_id),
            // The requirement as the organisation has it now (in the version it upgrades from).
            href: requirement_href(
                i.scopes.first().and_then(|s| s.system_id.as_deref()),
                &i.requirement_id,
            ),
            kind: tr.t(&format!("catalog-kind-{}", kind_key(i.kind))),
            assessments: i.assessments,
            to_reassess: i.to_reassess,
            evidence: i.evidence,
            scopes: scopes_line(tr, &i.scopes, i.assessments),
            measures: i
                .measures
                .iter()
                .map(|x| (format!("/measures/{}", x.measure_id), x.title.clone()))
                .collect(),
        })
        .collect();
    let position: HashMap<&str, usize> = new
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut added_summaries = plan.added_summaries();
    added_summaries.sort_by_key(|a| position.get(a.requirement_id.as_str()).copied());
    let added = added_summaries
        .into_iter()
        .map(|a| AddedRow {
            requirement: req_name(lang, &libs, &a.requirement_id),
            scopes: scopes_line(tr, &a.named, a.scopes),
        })
        .collect();
    let heading = tr.f(
        "catalog-upgrade-heading",
        &[("from", plan.from.clone()), ("to", plan.to.clone())],
    );
    let summary = tr.f(
        "catalog-upgrade-summary",
        &[
            ("carried", plan.carried_over.to_string()),
            ("reassess", plan.to_reassess().to_string()),
            ("added", plan.newly_applicable.len().to_string()),
        ],
    );
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &UpgradePage {
            c: PageCommon::member(m, heading.clone(), "/catalog"),
            heading,
            summary,
            from: plan.from.clone(),
            impacts,
            added,
            changes: change_views(tr, &plan.diff),
            may_upgrade: m.may(Permission::UpgradeCatalog),
            errors: errors
                .map(|e| crate::pages::FieldError::list(tr, e))
                .unwrap_or_default(),
        },
    ))
}

pub async fn upgrade_form(m: Member) -> AppResult<Response> {
    upgrade_page(&m, None).await
}

pub async fn upgrade(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::UpgradeCatalog)?;
    match tillit_app::catalog::upgrade(m.app(), &m.who, form.get("from")).await {
        Ok(_) => Ok(see_other("/catalog?done=catalog-upgraded")),
        Err(tillit_app::Error::Invalid(v)) => upgrade_page(&m, Some(&v)).await,
        Err(e) => Err(AppError::from(e)),
    }
}

/// Every assessment and measure the upgrade touches, and every requirement it adds per scope, as
/// a CSV or XLSX table: the exact list behind the plan's counts.
pub async fn upgrade_export(
    m: Member,
    Params(q): Params<crate::transfer::pages::Download>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let Some(plan) = tillit_app::catalog::upgrade_plan(m.app(), &m.who).await? else {
        return Err(AppError::NotFound);
    };
    let scope = |name: &Option<String>| {
        name.clone()
            .unwrap_or_else(|| tr.t("catalog-scope-organisation"))
    };
    let mut rows = Vec::new();
    for i in &plan.impacts {
        for a in &i.assessments {
            rows.push(vec![
                i.requirement_id.clone(),
                kind_key(i.kind).to_string(),
                scope(&a.system_name),
                a.system_id.clone().unwrap_or_default(),
                a.status.key().to_string(),
                a.evidence.to_string(),
                String::new(),
                if i.kind == ChangeKind::Changed && a.still_applies {
                    "reassess"
                } else {
                    "kept_not_applicable"
                }
                .to_string(),
            ]);
        }
        for x in &i.measures {
            rows.push(vec![
                i.requirement_id.clone(),
                kind_key(i.kind).to_string(),
                String::new(),
                x.system_id.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                x.title.clone(),
                "measure".to_string(),
            ]);
        }
    }
    for n in &plan.newly_applicable {
        rows.push(vec![
            n.requirement_id.clone(),
            "added".to_string(),
            scope(&n.system_name),
            n.system_id.clone().unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            "assess".to_string(),
        ]);
    }
    let table = tillit_app::tabular::Table {
        headers: [
            "requirement_id",
            "change",
            "scope",
            "system_id",
            "status",
            "evidence",
            "measure",
            "after_upgrade",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows,
    };
    crate::transfer::pages::send_table(
        &table,
        &format!("catalog-upgrade-{}-{}", plan.from, plan.to),
        &q,
    )
}
