//! Submissions to the supervising authorities, provider side: the status report a provider
//! chooses to send — exactly this and nothing else leaves the organisation — built from its
//! registers as they are today. The preview shows it before anything is signed (ADR 0011).
//!
//! The report holds summaries only: counts, per cent, dates and the organisation's own facts;
//! never a register's rows, names of people or the text of an incident.

use crate::acting::Acting;
use crate::error::Result;
use crate::App;
use serde_json::{json, Map, Value};
use tillit_domain::role::Permission;

/// The status report's format version (its fields).
pub const REPORT_VERSION: i64 = 1;

/// The status report of the acting organisation as it would be sent today.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn status_report(app: &App, who: &Acting) -> Result<Value> {
    who.require(Permission::ViewRegisters)?;
    let t = who.tenant();
    let org = app.store.organisation(t).await?;
    let f = &org.facts;
    let (gaps, figures) = crate::followup::gaps_now(app, who).await?;
    let gap = |k: tillit_store::GapKind| {
        gaps.iter()
            .find(|g| g.kind == k)
            .map(|g| g.count)
            .unwrap_or(0)
    };
    let lib = app.library(who);
    let areas: Vec<Value> = lib
        .areas
        .iter()
        .map(|a| {
            json!({
                "area": a.id,
                "title": a.title("sv"),
                "percent_met": figures.areas.get(&a.id),
            })
        })
        .collect();
    let mut cells: Vec<Value> = crate::risk::heat_counts(app, who, None, true)
        .await?
        .into_iter()
        .map(|c| {
            json!({
                "likelihood": c.point.likelihood,
                "consequence": c.point.consequence,
                "scenarios": c.count,
            })
        })
        .collect();
    cells.sort_by_key(|c| (c["likelihood"].as_i64(), c["consequence"].as_i64()));
    let latest_risk_analysis = crate::risk::all_risk_analyses(app, who)
        .await?
        .into_iter()
        .map(|a| a.reviewed_on.max(a.input.analysed_on))
        .max();
    let incidents = crate::incidents::incident_statistics(app, who, 12).await?;
    let overdue_reports = crate::incidents::reports_due(app, who)
        .await?
        .iter()
        .filter(|d| d.overdue(chrono::Utc::now()))
        .count();
    let by_type: Map<String, Value> = incidents
        .by_type
        .iter()
        .map(|(k, n)| (k.clone(), json!(n)))
        .collect();
    let (cyber, _) = f.cybersecurity_act();
    let (dpo, _) = f.data_protection_officer();
    Ok(json!({
        "report_version": REPORT_VERSION,
        "as_of": crate::today(),
        "organisation": {
            "name": org.name,
            "org_number": org.org_number,
            "kind": org.kind.key(),
            "legal_form": f.legal_form.key(),
            "care": f.care.key(),
            "employees": f.employees,
            "cybersecurity_act": cyber,
            "data_protection_officer_required": dpo,
        },
        "catalog": {"version": org.catalog_version},
        "classification": {
            "information_assets": figures.assets,
            "unclassified": figures.unclassified_assets,
            "systems": figures.systems,
        },
        "compliance": {
            "percent_met": figures.compliance_percent,
            "areas": areas,
        },
        "risk": {
            "residual_heat_map": cells,
            "above_tolerance": figures.scenarios_above_tolerance,
            "above_tolerance_untreated": gap(tillit_store::GapKind::UntreatedRisk),
            "latest_risk_analysis": latest_risk_analysis,
        },
        "measures": {
            "open": figures.open_measures,
            "overdue": figures.overdue_measures,
        },
        "incidents": {
            "last_12_months": incidents.total,
            "by_type": by_type,
            "reports_overdue_now": overdue_reports,
        },
        "access_needs_analysis": {
            "latest_approved": app.store.latest_access_analysis_approval(t).await?,
            "systems_with_patient_data_missing_one": gap(tillit_store::GapKind::MissingAccessAnalysis),
        },
    }))
}
