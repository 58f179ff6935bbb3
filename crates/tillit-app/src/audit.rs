//! The organisation's audit trail, for administrators.

use crate::acting::Acting;
use crate::error::Result;
use crate::views::{AuditEvent, AuditFilter};
use crate::App;
use serde::Deserialize;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::risk::parse_date;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// The audit trail's filter, as a query string gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditParams {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub object_type: String,
    #[serde(default)]
    pub object_id: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub from: String,
    /// YYYY-MM-DD, inclusive
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl AuditParams {
    /// The filter and page, or every broken rule (dates, lengths, paging).
    pub fn parse(&self) -> Result<(AuditFilter, PageRequest), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let date = |field: &str, v: &str| {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                parse_date(field, v).map(Some)
            }
        };
        let from = errs.check(date("from", &self.from));
        let to = errs.check(date("to", &self.to));
        let actor = errs.check(tillit_domain::text::optional("actor", &self.actor, 254));
        let action = errs.check(tillit_domain::text::optional("action", &self.action, 100));
        let object_type = errs.check(tillit_domain::text::optional(
            "object_type",
            &self.object_type,
            100,
        ));
        let object_id = errs.check(tillit_domain::text::optional(
            "object_id",
            &self.object_id,
            100,
        ));
        let page = match PageRequest::parse(self.page.as_deref(), self.per_page.as_deref()) {
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
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_audit_events(
    app: &App,
    who: &Acting,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEvent>> {
    who.require(Permission::ViewAuditLog)?;
    Ok(app.store.list_audit_events(who.tenant(), f, page).await?)
}

/// The latest changes, for the overview of those who may read the trail.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn latest_events(app: &App, who: &Acting, n: i64) -> Result<Vec<AuditEvent>> {
    who.require(Permission::ViewAuditLog)?;
    let page = PageRequest {
        page: 1,
        per_page: n,
    };
    Ok(app
        .store
        .list_audit_events(who.tenant(), &AuditFilter::default(), page)
        .await?
        .items)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn audit_event(app: &App, who: &Acting, id: &str) -> Result<AuditEvent> {
    who.require(Permission::ViewAuditLog)?;
    Ok(app.store.audit_event(who.tenant(), id).await?)
}

/// The actions that occur in the trail (for the filter's choices).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn audit_actions(app: &App, who: &Acting) -> Result<Vec<String>> {
    who.require(Permission::ViewAuditLog)?;
    Ok(app.store.audit_actions(who.tenant()).await?)
}
