//! Compliance of the whole organisation by the domain's one definition
//! (`tillit_domain::assessment::scope_tallies`): the counts of each scope are kept by the store
//! and recomputed here for the scopes the database marked as out of date, so that the
//! dashboards add up a few rows instead of reading every assessment.

use crate::assessments::{organisation_triggers, system_triggers};
use crate::error::Result;
use crate::library::Library;
use crate::App;
use std::collections::{BTreeMap, HashMap};
use tillit_domain::assessment::{
    organisation_tallies, scope_tallies, status_for_system, Status, Tally,
};
use tillit_domain::org::OrgFacts;
use tillit_store::{ScopeTallies, Tenant, ORGANISATION_SCOPE};

/// How many out-of-date scopes are recomputed per round.
const ROUND: i64 = 500;

/// The organisation's counts per requirement area, brought up to date first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_area(app: &App, t: &Tenant) -> Result<BTreeMap<String, Tally>> {
    // A recomputation that fails (the database busy) leaves the scopes marked: the page shows
    // the counts kept so far, and the next request tries again.
    if let Err(e) = refresh(app, t).await {
        tracing::warn!(error = %e, "compliance counts not brought up to date");
    }
    Ok(app.store.compliance_by_area(t).await?.into_iter().collect())
}

/// The organisation's counts per requirement area computed afresh from every assessment,
/// without the kept counts (what `by_area` must always equal; for tests and checks).
pub async fn computed_afresh(app: &App, t: &Tenant) -> Result<BTreeMap<String, Tally>> {
    let ids: Vec<String> = app.store.system_names(t).await?.into_keys().collect();
    let mut scopes = ids.clone();
    scopes.push(ORGANISATION_SCOPE.to_string());
    let computed = compute(app, t, &scopes).await?;
    Ok(organisation_tallies(computed.values()))
}

/// Recomputes the counts of the scopes marked as out of date.
async fn refresh(app: &App, t: &Tenant) -> Result<()> {
    // A change made while a round runs marks its scope again; the rounds end when nothing is
    // left, or after a bound (what is left is taken up by the next request).
    for _ in 0..64 {
        let dirty = app.store.compliance_dirty(t, ROUND).await?;
        if dirty.is_empty() {
            break;
        }
        let scopes: Vec<String> = dirty.iter().map(|(s, _)| s.clone()).collect();
        let mut computed = compute(app, t, &scopes).await?;
        let save: Vec<ScopeTallies> = dirty
            .into_iter()
            .map(|(scope, mark)| ScopeTallies {
                areas: computed
                    .remove(&scope)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                scope,
                mark,
            })
            .collect();
        app.store.save_compliance(t, &save).await?;
        if i64::try_from(save.len()).unwrap_or(0) < ROUND {
            break;
        }
    }
    Ok(())
}

/// The counts of the given scopes (system ids and/or the organisation's scope); a system that
/// is archived or not the organisation's gets none.
async fn compute(
    app: &App,
    t: &Tenant,
    scopes: &[String],
) -> Result<HashMap<String, BTreeMap<String, Tally>>> {
    let org = app.store.organisation(t).await?;
    let lib = app.catalogs.for_org(&org.catalog_version).clone();
    let system_ids: Vec<String> = scopes
        .iter()
        .filter(|s| s.as_str() != ORGANISATION_SCOPE)
        .cloned()
        .collect();
    let systems = app.store.live_systems_among(t, &system_ids).await?;
    let mut wanted: Vec<String> = systems.iter().map(|s| s.id.to_string()).collect();
    wanted.push(ORGANISATION_SCOPE.to_string());
    let mut statuses: HashMap<String, HashMap<String, Status>> = HashMap::new();
    for (scope, req, st) in app.store.statuses_in_scopes(t, &wanted).await? {
        if let Some(st) = Status::from_key(&st) {
            statuses.entry(scope).or_default().insert(req, st);
        }
    }
    let none = HashMap::new();
    let org_statuses = statuses.get(ORGANISATION_SCOPE).unwrap_or(&none);
    let mut out = HashMap::new();
    if scopes.iter().any(|s| s == ORGANISATION_SCOPE) {
        out.insert(
            ORGANISATION_SCOPE.to_string(),
            organisation_scope(&lib, &org.facts, org_statuses),
        );
    }
    for sys in &systems {
        let own = statuses.get(sys.id.as_str()).unwrap_or(&none);
        let applicable = lib.applicable(&system_triggers(sys, &org.facts));
        let tallies = scope_tallies(applicable.iter().map(|a| {
            let id = a.requirement.id.as_str();
            (
                a.requirement.area.as_str(),
                status_for_system(own.get(id).copied(), org_statuses.get(id).copied())
                    .map(|(s, _)| s),
            )
        }));
        out.insert(sys.id.to_string(), tallies);
    }
    Ok(out)
}

fn organisation_scope(
    lib: &Library,
    facts: &OrgFacts,
    statuses: &HashMap<String, Status>,
) -> BTreeMap<String, Tally> {
    let applicable = lib.applicable(&organisation_triggers(facts));
    scope_tallies(applicable.iter().map(|a| {
        (
            a.requirement.area.as_str(),
            statuses.get(a.requirement.id.as_str()).copied(),
        )
    }))
}
