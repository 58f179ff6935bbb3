//! The actions of the systematic work (risk analyses, scenarios, the risk matrix, measures,
//! access-needs analyses), shared by the pages and the API: both hand in the same fields, so the
//! same rules apply whichever way a change comes.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::FormFields;
use crate::state::AppState;
use tillit_domain::risk::{parse_date, RiskMatrix};
use tillit_domain::role::{Permission, Role};
use tillit_domain::{text, Rule, ValidationError, ValidationErrors};
use tillit_store::{AccessAnalysis, Measure, RiskAnalysis, RiskAnalysisInput, Scenario};

pub fn parse_analysis(form: &FormFields) -> Result<RiskAnalysisInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let title = errs.check(text::required("title", form.get("title"), 200));
    let scope = errs
        .check(text::optional("scope", form.get("scope"), 4000))
        .flatten();
    let participants = errs
        .check(text::optional(
            "participants",
            form.get("participants"),
            2000,
        ))
        .flatten();
    let analysed_on = errs.check(parse_date("analysed_on", form.get("analysed_on")));
    let interval = match form.get("review_interval_months").trim() {
        "" => Some(12),
        v => match v.parse::<i64>() {
            Ok(n) if (1..=60).contains(&n) => Some(n),
            Ok(_) => {
                errs.push(ValidationError::new(
                    "review_interval_months",
                    Rule::OutOfRange { min: 1, max: 60 },
                ));
                None
            }
            Err(_) => {
                errs.push(ValidationError::new(
                    "review_interval_months",
                    Rule::InvalidFormat,
                ));
                None
            }
        },
    };
    let mut system_ids: Vec<String> = form
        .all("system_ids")
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    system_ids.sort();
    system_ids.dedup();
    errs.into_result()?;
    match (title, analysed_on, interval) {
        (Some(title), Some(analysed_on), Some(review_interval_months)) => Ok(RiskAnalysisInput {
            title,
            scope,
            participants,
            analysed_on,
            review_interval_months,
            system_ids,
        }),
        _ => Err(ValidationErrors::single("title", Rule::Required)),
    }
}

pub async fn save_risk_analysis(
    state: &AppState,
    m: &Member,
    id: Option<&str>,
    form: &FormFields,
) -> AppResult<RiskAnalysis> {
    m.require(Permission::EditRegisters)?;
    // Another organisation's analysis is not found, whatever the input.
    let parsed = parse_analysis(form);
    let x = match id {
        Some(id) => {
            crate::services::valid_or_missing(parsed, state.store.risk_analysis(&m.tenant, id))
                .await?
        }
        None => parsed?,
    };
    Ok(match id {
        Some(id) => {
            state
                .store
                .update_risk_analysis(&m.tenant, &m.auth.actor(), id, &x)
                .await?
        }
        None => {
            state
                .store
                .create_risk_analysis(&m.tenant, &m.auth.actor(), &x)
                .await?
        }
    })
}

/// Members whose decision can accept a risk above tolerance: information owners (by role) and
/// the owners of the affected assets.
pub async fn eligible_deciders(
    state: &AppState,
    m: &Member,
    asset_ids: &[String],
) -> AppResult<Vec<(String, String)>> {
    let members = crate::services::all_members(state, m).await?;
    let mut asset_owners = Vec::new();
    for a in asset_ids {
        if let Ok(asset) = state.store.asset(&m.tenant, a).await {
            if let Some(o) = asset.input.owner_membership_id {
                asset_owners.push(o);
            }
        }
    }
    Ok(members
        .into_iter()
        .filter(|x| x.role == Role::Owner || asset_owners.contains(&x.id))
        .map(|x| (x.id, x.display_name))
        .collect())
}

/// Adds (`existing` None) or replaces a scenario of an analysis. Accepting a risk above tolerance
/// needs the decision of an information owner (by role, or owning an affected asset).
pub async fn save_scenario(
    state: &AppState,
    m: &Member,
    analysis_id: &str,
    existing: Option<&str>,
    form: &FormFields,
) -> AppResult<Scenario> {
    m.require(Permission::EditRegisters)?;
    state.store.risk_analysis(&m.tenant, analysis_id).await?;
    let matrix = state.store.risk_matrix(&m.tenant).await?;
    let x =
        tillit_domain::risk::parse_scenario(&matrix, |k| form.get(k).to_string(), |k| form.all(k))?;
    let name = match &x.acceptance {
        Some(a) => Some(
            eligible_deciders(state, m, &x.asset_ids)
                .await?
                .into_iter()
                .find(|(id, _)| *id == a.decided_by)
                .map(|(_, n)| n)
                .ok_or_else(|| {
                    ValidationErrors::single("accepted_by", Rule::NotPermittedForRole)
                })?,
        ),
        None => None,
    };
    Ok(state
        .store
        .save_scenario(
            &m.tenant,
            &m.auth.actor(),
            analysis_id,
            existing,
            &x,
            name.as_deref(),
        )
        .await?)
}

pub async fn set_risk_matrix(
    state: &AppState,
    m: &Member,
    form: &FormFields,
) -> AppResult<RiskMatrix> {
    m.require(Permission::ManageRiskMatrix)?;
    let x = RiskMatrix::parse(
        form.get("likelihoods"),
        form.get("consequences"),
        form.get("tolerance"),
    )?;
    state
        .store
        .set_risk_matrix(&m.tenant, &m.auth.actor(), &x)
        .await?;
    Ok(x)
}

/// Adds (`existing` None) or replaces a measure; it must trace to a scenario or a requirement of
/// the library.
pub async fn save_measure(
    state: &AppState,
    m: &Member,
    existing: Option<&str>,
    form: &FormFields,
) -> AppResult<Measure> {
    m.require(Permission::EditRegisters)?;
    let parsed =
        tillit_domain::measure::parse_measure(|k| form.get(k).to_string(), |k| form.all(k));
    let x = match existing {
        Some(id) => {
            crate::services::valid_or_missing(parsed, state.store.measure(&m.tenant, id)).await?
        }
        None => parsed?,
    };
    if x.requirements
        .iter()
        .any(|r| state.library.requirement(&r.requirement_id).is_none())
    {
        return Err(ValidationErrors::single("requirements", Rule::NotFound).into());
    }
    Ok(state
        .store
        .save_measure(
            &m.tenant,
            &m.auth.actor(),
            &m.auth.display_name,
            existing,
            &x,
        )
        .await?)
}

/// Who can approve: information owners by role, and the owners of the assets the system processes.
pub async fn approvers(
    state: &AppState,
    m: &Member,
    sys: &tillit_store::System,
) -> AppResult<Vec<(String, String)>> {
    let owners: Vec<String> = sys
        .assets
        .iter()
        .filter_map(|a| a.input.owner_membership_id.clone())
        .collect();
    let members = crate::services::all_members(state, m).await?;
    Ok(members
        .into_iter()
        .filter(|x| x.role == Role::Owner || owners.contains(&x.id))
        .map(|x| (x.id, x.display_name))
        .collect())
}

/// Saves a system's access-needs analysis; the approval must be an information owner's.
pub async fn save_access_analysis(
    state: &AppState,
    m: &Member,
    system_id: &str,
    form: &FormFields,
) -> AppResult<AccessAnalysis> {
    m.require(Permission::EditRegisters)?;
    let sys = state.store.system(&m.tenant, system_id).await?;
    let x =
        tillit_domain::access::parse_access_analysis(|k| form.get(k).to_string(), |k| form.all(k))?;
    let name = match &x.approved_by {
        Some(by) => Some(
            approvers(state, m, &sys)
                .await?
                .into_iter()
                .find(|(id, _)| id == by)
                .map(|(_, n)| n)
                .ok_or_else(|| {
                    ValidationErrors::single("approved_by", Rule::NotPermittedForRole)
                })?,
        ),
        None => None,
    };
    Ok(state
        .store
        .save_access_analysis(&m.tenant, &m.auth.actor(), system_id, &x, name.as_deref())
        .await?)
}

/// Turns a JSON object into form fields: arrays become repeated fields, numbers and booleans
/// their text, null nothing — so an API body goes through exactly the rules a form does.
pub fn fields_from_json(v: &serde_json::Value) -> FormFields {
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = v {
        for (k, v) in map {
            push_json(&mut out, k, v);
        }
    }
    FormFields(out)
}

fn push_json(out: &mut Vec<(String, String)>, k: &str, v: &serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Null => {}
        Value::String(s) => out.push((k.to_string(), s.clone())),
        Value::Number(n) => out.push((k.to_string(), n.to_string())),
        Value::Bool(b) => out.push((k.to_string(), b.to_string())),
        Value::Array(items) => {
            for i in items {
                push_json(out, k, i);
            }
        }
        Value::Object(_) => out.push((k.to_string(), v.to_string())),
    }
}
