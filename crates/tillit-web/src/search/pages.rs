//! `/search`: the hits of each kind, with links to the lists that hold the rest.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::pages::{FieldError, PageCommon};
use crate::render::page;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::role::Permission;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: Option<String>,
}

pub struct HitGroup {
    pub key: &'static str,
    pub heading: String,
    pub total: i64,
    /// (href, title, detail)
    pub items: Vec<(String, String, String)>,
    /// (href, label) of the list with every hit.
    pub more: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: PageCommon,
    q: String,
    errors: Vec<FieldError>,
    searched: bool,
    summary: String,
    groups: Vec<HitGroup>,
}

/// A detail line of at most 160 characters.
fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 160 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(159).collect::<String>().trim_end())
    }
}

pub async fn search(
    m: Member,
    crate::forms::Params(p): crate::forms::Params<SearchParams>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let q = p.q.unwrap_or_default();
    let mut errors = vec![];
    let mut groups = vec![];
    let mut searched = false;
    let mut total = 0;
    if !q.trim().is_empty() {
        match tillit_app::search::search(m.app(), &m.who, &q).await {
            Ok(hits) => {
                searched = true;
                for h in hits {
                    total += h.total;
                    if h.total == 0 {
                        continue;
                    }
                    let shown = i64::try_from(h.items.len()).unwrap_or(i64::MAX);
                    let key = h.kind.key();
                    groups.push(HitGroup {
                        key,
                        heading: tr.t(&format!("search-kind-{}", key.replace('_', "-"))),
                        total: h.total,
                        more: (h.total > shown)
                            .then(|| super::list_href(h.kind, q.trim()))
                            .flatten()
                            .map(|href| {
                                (href, tr.f("search-more", &[("count", h.total.to_string())]))
                            }),
                        items: h
                            .items
                            .into_iter()
                            .map(|(id, title, detail)| {
                                (super::href(h.kind, &id), title, short(&detail))
                            })
                            .collect(),
                    });
                }
            }
            Err(tillit_app::Error::Invalid(v)) => errors = FieldError::list(tr, &v),
            Err(e) => return Err(AppError::from(e)),
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = SearchPage {
        c: PageCommon::member(&m, tr.t("search-title"), "/search"),
        summary: tr.f(
            "search-summary",
            &[("count", total.to_string()), ("q", q.trim().to_string())],
        ),
        q,
        errors,
        searched,
        groups,
    };
    Ok(page(status, &tpl))
}
