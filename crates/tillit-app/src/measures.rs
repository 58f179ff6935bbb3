//! Measures: each traces to a risk scenario or a requirement; the action plan.

use crate::acting::Acting;
use crate::error::Result;
use crate::views::{Measure, MeasureOrder, MeasureQuery};
use crate::{valid_or_missing, App};
use tillit_domain::ids::*;
use tillit_domain::measure::{parse_measure, MeasureDraft};
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_measures(
    app: &App,
    who: &Acting,
    q: &MeasureQuery,
    order: MeasureOrder,
    page: PageRequest,
) -> Result<Page<Measure>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .list_measures(who.tenant(), q, order, page)
        .await?)
}

/// Every measure matching the filter (for exports).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_measures(
    app: &App,
    who: &Acting,
    q: &MeasureQuery,
    order: MeasureOrder,
) -> Result<Vec<Measure>> {
    who.require(Permission::ViewRegisters)?;
    crate::all_pages(|page| app.store.list_measures(who.tenant(), q, order, page)).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn measure(app: &App, who: &Acting, id: &MeasureId) -> Result<Measure> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.measure(who.tenant(), id).await?)
}

/// Adds (`existing` None) or replaces a measure; it must trace to a scenario or a requirement of
/// the library.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_measure(
    app: &App,
    who: &Acting,
    existing: Option<&MeasureId>,
    d: &MeasureDraft,
) -> Result<Measure> {
    who.require(Permission::EditRegisters)?;
    let parsed = parse_measure(d);
    let x = match existing {
        Some(id) => valid_or_missing(parsed, app.store.measure(who.tenant(), id)).await?,
        None => parsed?,
    };
    let lib = app.library(who);
    if x.requirements
        .iter()
        .any(|r| lib.requirement(&r.requirement_id).is_none())
    {
        return Err(ValidationErrors::single("requirements", Rule::NotFound).into());
    }
    Ok(app
        .store
        .save_measure(who.tenant(), &who.actor(), who.display_name(), existing, &x)
        .await?)
}
