//! Follow-up: the gaps to close, the key figures with compliance per requirement area, the daily
//! snapshots behind the trend, and review dates.

use crate::acting::Acting;
use crate::error::Result;
use crate::views::{GapList, KeyFigures, Reviewed};
use crate::App;
use tillit_domain::role::Permission;
use tillit_store::Tenant;

/// The gaps and key figures of today; today's snapshot is kept for the trend.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn gaps_now(app: &App, who: &Acting) -> Result<(Vec<GapList>, KeyFigures)> {
    who.require(Permission::ViewRegisters)?;
    snapshot(app, who.tenant()).await
}

/// Computes an organisation's gaps and key figures today and keeps today's snapshot.
async fn snapshot(app: &App, t: &Tenant) -> Result<(Vec<GapList>, KeyFigures)> {
    let today = crate::today();
    let matrix = app.store.risk_matrix(t).await?;
    let mut gaps = app.store.gaps(t, &today, matrix.tolerance).await?;
    gaps.insert(0, crate::incidents::overdue_gap(app, t).await?);
    gaps.push(crate::incidents::without_lessons_gap(app, t).await?);
    gaps.push(crate::outsourcing::reassessment_gap(app, t).await?);
    let total = gaps.iter().map(|g| g.count).sum();
    let mut figures = app
        .store
        .key_figures(t, &today, matrix.tolerance, total)
        .await?;
    // Compliance overall and per requirement area, by the domain's one definition.
    let areas = crate::compliance::by_area(app, t).await?;
    let mut total = tillit_domain::assessment::Tally::default();
    for n in areas.values() {
        total += *n;
    }
    figures.compliance_percent = total.compliance_percent().map(i64::from);
    figures.areas = areas
        .into_iter()
        .filter_map(|(area, n)| n.compliance_percent().map(|p| (area, i64::from(p))))
        .collect();
    app.store.save_snapshot(t, &today, &figures).await?;
    Ok((gaps, figures))
}

/// An organisation's key figures today (and today's snapshot kept), without a member acting:
/// for the operator's tasks and the demo's history.
pub async fn figures_today(app: &App, t: &Tenant) -> Result<KeyFigures> {
    Ok(snapshot(app, t).await?.1)
}

/// Today's snapshot of every care provider, for the trend (the background task's use case).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn snapshot_all(app: &App) -> Result<()> {
    for t in app.store.provider_tenants().await? {
        if let Err(e) = snapshot(app, &t).await {
            tracing::warn!(error = %e, "daily snapshot failed");
        }
    }
    Ok(())
}

/// The key figures per day since a date (YYYY-MM-DD).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn snapshots(app: &App, who: &Acting, since: &str) -> Result<Vec<(String, KeyFigures)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.snapshots(who.tenant(), since).await?)
}

/// Records that an asset or system was reviewed today; gives its last and next review dates.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_reviewed(
    app: &App,
    who: &Acting,
    what: Reviewed,
    id: &str,
) -> Result<(Option<String>, Option<String>)> {
    who.require(Permission::EditRegisters)?;
    app.store
        .mark_reviewed(who.tenant(), &who.actor(), what, id)
        .await?;
    Ok(app.store.next_review_of(who.tenant(), what, id).await?)
}

/// The last and next review dates of an asset or system.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn next_review_of(
    app: &App,
    who: &Acting,
    what: Reviewed,
    id: &str,
) -> Result<(Option<String>, Option<String>)> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.next_review_of(who.tenant(), what, id).await?)
}
