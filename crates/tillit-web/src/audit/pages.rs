//! The audit trail's pages (administrators): filtered events and one event's changes.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::Params;
use crate::overview::pages::action_label;
use crate::pages::{show_time, Choice, FieldError, PageCommon, Pager};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::collections::BTreeSet;
use tillit_app::audit::AuditParams;
use tillit_app::views::AuditFilter;
use tillit_domain::paging::PageRequest;
use tillit_domain::role::Permission;

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

pub async fn audit_page(m: Member, Params(q): Params<AuditParams>) -> AppResult<Response> {
    m.require(Permission::ViewAuditLog)?;
    let tr = &m.ctx.tr;
    let (filter, page_req, errors, status) = match q.parse() {
        Ok((f, p)) => (f, p, vec![], StatusCode::OK),
        Err(v) => (
            AuditFilter::default(),
            PageRequest::default(),
            FieldError::list(tr, &v),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let list = tillit_app::audit::list_audit_events(m.app(), &m.who, &filter, page_req).await?;
    let actions = tillit_app::audit::audit_actions(m.app(), &m.who).await?;
    let pager = Pager::new(
        tr,
        "/admin/audit",
        &[
            ("action", q.action.clone()),
            ("actor", q.actor.clone()),
            ("from", q.from.clone()),
            ("to", q.to.clone()),
            ("per_page", q.per_page.clone().unwrap_or_default()),
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
            actor: actor_label(tr, &e.actor_label),
            action: action_label(tr, &e.action),
            id: e.id,
        })
        .collect();
    let selected_action = q.action.clone();
    let tpl = AuditPage {
        c: PageCommon::member(&m, tr.t("audit-title"), "/admin/audit"),
        f: AuditFilterForm {
            actor: q.actor.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
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

/// A recorded value as a reader reads it: nothing as "–", yes/no in words, a list as its items.
fn show_value(tr: &crate::i18n::Tr, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "–".into(),
        Some(Value::String(s)) if s.is_empty() => "–".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => tr.t("audit-yes"),
        Some(Value::Bool(false)) => tr.t("audit-no"),
        Some(Value::Array(items)) if items.is_empty() => "–".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| show_value(tr, Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// Who acted, as recorded: a person's name and address as they are; the operator's command line
/// and Tillit's own tasks in words.
pub fn actor_label(tr: &crate::i18n::Tr, recorded: &str) -> String {
    match recorded {
        "operator (tillit admin)" => tr.t("audit-actor-operator"),
        "system" => tr.t("audit-actor-system"),
        other => other.to_string(),
    }
}

pub async fn audit_event_page(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    m.require(Permission::ViewAuditLog)?;
    let tr = &m.ctx.tr;
    let e = tillit_app::audit::audit_event(m.app(), &m.who, &id).await?;
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
                before: show_value(tr, b),
                after: show_value(tr, a),
                field: tr.field(&k),
            }
        })
        .collect();
    let object = format!("{} ({})", object_label(tr, &e), e.object_id);
    let tpl = AuditEventPage {
        c: PageCommon::member(&m, tr.t("audit-event-title"), "/admin/audit"),
        time: show_time(&e.occurred_at),
        actor: actor_label(tr, &e.actor_label),
        action: action_label(tr, &e.action),
        object,
        seq: e.seq,
        rows,
    };
    Ok(page(StatusCode::OK, &tpl))
}
