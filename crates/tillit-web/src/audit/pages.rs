//! The audit trail's pages (administrators): filtered events and one event's changes.

use crate::context::Member;
use crate::error::AppResult;
use crate::overview::pages::action_label;
use crate::pages::{show_time, Choice, FieldError, PageCommon, Pager};
use crate::render::page;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use tillit_app::views::AuditFilter;
use tillit_domain::paging::PageRequest;
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationError, ValidationErrors};

pub struct AuditRow {
    pub id: String,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub object: String,
}

pub struct AuditFilterForm {
    pub actor: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: PageCommon,
    f: AuditFilterForm,
    action_options: Vec<Choice>,
    events: Vec<AuditRow>,
    summary: String,
    pager: Pager,
    errors: Vec<FieldError>,
}

/// A `YYYY-MM-DD` date from a filter field.
pub fn parse_date(field: &str, v: &str) -> Result<Option<String>, ValidationError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(|d| Some(d.format("%Y-%m-%d").to_string()))
        .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))
}

/// Reads the audit filters shared by the page and the API.
pub fn audit_filter(
    q: &HashMap<String, String>,
) -> Result<(AuditFilter, PageRequest), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let from = errs.check(parse_date("from", get("from")));
    let to = errs.check(parse_date("to", get("to")));
    let actor = errs.check(tillit_domain::text::optional("actor", get("actor"), 254));
    let action = errs.check(tillit_domain::text::optional("action", get("action"), 100));
    let object_type = errs.check(tillit_domain::text::optional(
        "object_type",
        get("object_type"),
        100,
    ));
    let object_id = errs.check(tillit_domain::text::optional(
        "object_id",
        get("object_id"),
        100,
    ));
    let page = match PageRequest::parse(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
    ) {
        Ok(p) => Some(p),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    errs.clone().into_result()?;
    let filter = AuditFilter {
        action: action.flatten(),
        actor: actor.flatten(),
        object_type: object_type.flatten(),
        object_id: object_id.flatten(),
        from_date: from.flatten(),
        to_date: to.flatten(),
    };
    Ok((filter, page.unwrap_or_default()))
}

pub async fn audit_page(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    m.require(Permission::ViewAuditLog)?;
    let tr = &m.ctx.tr;
    let (filter, page_req, errors, status) = match audit_filter(&q) {
        Ok((f, p)) => (f, p, vec![], StatusCode::OK),
        Err(v) => (
            AuditFilter::default(),
            PageRequest::default(),
            FieldError::list(tr, &v),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let list = tillit_app::audit::list_audit_events(&state.app, &m.who, &filter, page_req).await?;
    let actions = tillit_app::audit::audit_actions(&state.app, &m.who).await?;
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let pager = Pager::new(
        tr,
        "/admin/audit",
        &[
            ("action", get("action")),
            ("actor", get("actor")),
            ("from", get("from")),
            ("to", get("to")),
            ("per_page", get("per_page")),
        ],
        &list,
    );
    let summary = tr.f("audit-summary", &[("count", list.total.to_string())]);
    let events = list
        .items
        .into_iter()
        .map(|e| AuditRow {
            time: show_time(&e.occurred_at),
            object: object_label(tr, &e),
            actor: e.actor_label,
            action: action_label(tr, &e.action),
            id: e.id,
        })
        .collect();
    let selected_action = get("action");
    let tpl = AuditPage {
        c: PageCommon::member(&m, tr.t("audit-title"), "/admin/audit"),
        f: AuditFilterForm {
            actor: get("actor"),
            from: get("from"),
            to: get("to"),
        },
        action_options: actions
            .iter()
            .map(|a| Choice {
                key: a.clone(),
                label: action_label(tr, a),
                selected: *a == selected_action,
            })
            .collect(),
        events,
        summary,
        pager,
        errors,
    };
    Ok(page(status, &tpl))
}

pub struct ChangeRow {
    pub field: String,
    pub before: String,
    pub after: String,
    pub changed: bool,
}

#[derive(Template)]
#[template(path = "audit_event.html")]
struct AuditEventPage {
    c: PageCommon,
    time: String,
    actor: String,
    action: String,
    object: String,
    seq: i64,
    rows: Vec<ChangeRow>,
}

/// What an event is about, as people read it: the kind of object and the e-mail or name recorded
/// with the event (the id stays on the detail page).
fn object_label(tr: &crate::i18n::Tr, e: &tillit_app::views::AuditEvent) -> String {
    let key = format!("object-{}", e.object_type.replace('_', "-"));
    let kind = match tr.t(&key) {
        label if label == key => e.object_type.clone(),
        label => label,
    };
    let detail = [&e.after, &e.before].into_iter().flatten().find_map(|v| {
        v.get("email")
            .or_else(|| v.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    match detail {
        Some(d) => format!("{kind}: {d}"),
        None => kind,
    }
}

fn show_value(v: Option<&Value>) -> String {
    match v {
        None => "–".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub async fn audit_event_page(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Response> {
    m.require(Permission::ViewAuditLog)?;
    let tr = &m.ctx.tr;
    let e = tillit_app::audit::audit_event(&state.app, &m.who, &id).await?;
    let keys: BTreeSet<String> = [&e.before, &e.after]
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_object())
        .flat_map(|o| o.keys().cloned())
        .collect();
    let rows = keys
        .into_iter()
        .map(|k| {
            let b = e.before.as_ref().and_then(|v| v.get(&k));
            let a = e.after.as_ref().and_then(|v| v.get(&k));
            ChangeRow {
                changed: b != a,
                before: show_value(b),
                after: show_value(a),
                field: k,
            }
        })
        .collect();
    let object = format!("{} ({})", object_label(tr, &e), e.object_id);
    let tpl = AuditEventPage {
        c: PageCommon::member(&m, tr.t("audit-event-title"), "/admin/audit"),
        time: show_time(&e.occurred_at),
        actor: e.actor_label,
        action: action_label(tr, &e.action),
        object,
        seq: e.seq,
        rows,
    };
    Ok(page(StatusCode::OK, &tpl))
}
