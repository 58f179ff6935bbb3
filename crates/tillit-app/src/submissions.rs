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
pub const REPORT_VERSION: i64 = 2;

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
    let highest_confidentiality = crate::assets::all_assets(app, who)
        .await?
        .iter()
        .filter_map(|a| a.levels.map(|l| l.confidentiality.number()))
        .max();
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
            "highest_confidentiality": highest_confidentiality,
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

pub use tillit_domain::submission::SubmitDraft;

/// The authorities a provider can submit to: (id, name).
pub async fn authorities(app: &App, who: &Acting) -> Result<Vec<(String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.authorities().await?)
}

/// Signs today's status report with the organisation's key and records it as sent to the
/// authorities chosen; it supersedes the organisation's previous submission. Returns its id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn submit(app: &App, who: &Acting, d: &SubmitDraft) -> Result<String> {
    who.require(Permission::Submit)?;
    let mut ids: Vec<String> = d
        .authority_ids
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(tillit_domain::ValidationErrors::single(
            "authority_ids",
            tillit_domain::Rule::Required,
        )
        .into());
    }
    let report = status_report(app, who).await?;
    let (key_id, key) = crate::signing::active_key(app, who.tenant()).await?;
    let envelope =
        tillit_domain::submission::sign(report, &key, &key_id).map_err(crate::Error::internal)?;
    let text = serde_json::to_string(&envelope).map_err(crate::Error::internal)?;
    let figures = tillit_domain::ranking::figures_of(&envelope.submission).to_string();
    let org = app.store.organisation(who.tenant()).await?;
    Ok(app
        .store
        .record_submission(
            who.tenant(),
            &who.actor(),
            &tillit_store::NewSubmission {
                sha256: &envelope.sha256,
                key_id: &key_id,
                envelope: &text,
                by_name: who.display_name(),
                recipients: &ids,
                org_number: &org.org_number,
                org_name: &org.name,
                figures: &figures,
            },
        )
        .await?)
}

/// The organisation's submissions, newest first.
pub async fn submissions(app: &App, who: &Acting) -> Result<Vec<tillit_store::Submission>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.submissions(who.tenant()).await?)
}

/// One submission with its envelope (the file), verified against the organisation's key.
pub async fn submission(
    app: &App,
    who: &Acting,
    id: &str,
) -> Result<(
    tillit_store::Submission,
    String,
    std::result::Result<(), String>,
)> {
    who.require(Permission::ViewRegisters)?;
    let (s, envelope) = app.store.submission(who.tenant(), id).await?;
    let public = app
        .store
        .signing_keys(who.tenant())
        .await?
        .into_iter()
        .find(|k| k.id == s.key_id)
        .map(|k| k.public_key);
    let check = match public {
        None => Err("the signing key is not the organisation's".to_string()),
        Some(p) => tillit_domain::submission::verify(&envelope, Some(&p))
            .map(|_| ())
            .map_err(|e| e.to_string()),
    };
    Ok((s, envelope, check))
}

pub use tillit_domain::submission::ScheduleDraft;

/// A provider's submission schedule and when the next submission is due.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Schedule {
    pub period_months: u32,
    /// The authorities: (id, name).
    pub authorities: Vec<(String, String)>,
    pub set_on: chrono::NaiveDate,
    pub latest: Option<chrono::NaiveDate>,
    pub next_due: chrono::NaiveDate,
}

impl Schedule {
    /// Days until the next submission is due (negative when overdue).
    pub fn days_left(&self, today: chrono::NaiveDate) -> i64 {
        (self.next_due - today).num_days()
    }
}

/// The organisation's schedule, if it has one.
pub async fn schedule(app: &App, who: &Acting) -> Result<Option<Schedule>> {
    who.require(Permission::ViewRegisters)?;
    schedule_of(app, who.tenant()).await
}

/// An organisation's schedule and when its next submission is due (for its pages and for the
/// reminder task).
pub(crate) async fn schedule_of(app: &App, t: &tillit_store::Tenant) -> Result<Option<Schedule>> {
    let Some(row) = app.store.submission_schedule(t).await? else {
        return Ok(None);
    };
    let ids: Vec<String> = serde_json::from_str(&row.authority_ids).unwrap_or_default();
    let names = app.store.authorities().await?;
    let set_on = tillit_domain::time::day_of(&row.set_on).unwrap_or_else(crate::today_date);
    let latest = app
        .store
        .latest_submission_at(t)
        .await?
        .and_then(|at| tillit_domain::time::day_of(&at));
    let months = u32::try_from(row.period_months).unwrap_or(12);
    Ok(Some(Schedule {
        period_months: months,
        authorities: names
            .into_iter()
            .filter(|(id, _)| ids.contains(id))
            .collect(),
        set_on,
        latest,
        next_due: tillit_domain::submission::next_due(months, latest, set_on),
    }))
}

/// Sets the organisation's submission schedule (`none` removes it).
pub async fn set_schedule(app: &App, who: &Acting, d: &ScheduleDraft) -> Result<()> {
    who.require(Permission::Submit)?;
    // Every id named must be an authority's, also when the schedule is removed.
    let known: Vec<String> = app
        .store
        .authorities()
        .await?
        .into_iter()
        .map(|a| a.0)
        .collect();
    for id in &d.authority_ids {
        let rule = match id.trim() {
            "" => Some(tillit_domain::Rule::InvalidFormat),
            id if !known.iter().any(|k| k == id) => Some(tillit_domain::Rule::NotFound),
            _ => None,
        };
        if let Some(rule) = rule {
            return Err(tillit_domain::ValidationErrors::single("authority_ids", rule).into());
        }
    }
    let parsed = d.parse()?;
    app.store
        .set_submission_schedule(
            who.tenant(),
            &who.actor(),
            parsed
                .as_ref()
                .map(|(m, ids)| (i64::from(*m), ids.as_slice())),
            &crate::today(),
        )
        .await?;
    Ok(())
}
