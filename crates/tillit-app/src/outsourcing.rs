//! Outsourcing cases: the guided assessment of handing information to a supplier (10 kap. 2 a §
//! OSL, a private provider's duty of confidentiality, GDPR), computed from the registers and the
//! case's answers by the rule set, and the decision maker's immutable decision record.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::App;
use std::collections::{HashMap, HashSet};
use tillit_domain::ids::{AssetId, SupplierId, SystemId};
use tillit_domain::measure::{MeasureInput, MeasureStatus, RequirementRef};
use tillit_domain::outsourcing::{assess, Assessment, Facts, RuleSet};
use tillit_domain::outsourcing_case::{
    case_facts, parse_decision, register_facts, CaseDraft, CaseInput, DataFacts, DecisionDraft,
    Outcome,
};
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};
use tillit_store::{Decision, NewDecision, OutsourcingCase, Supplier, Tenant};

/// The built-in rule set, checked at start: a broken one stops the server naming the rule and
/// the field.
pub fn builtin_rules() -> std::result::Result<RuleSet, String> {
    RuleSet::parse(include_str!("../../../rules/outsourcing/v1.json"))
        .map_err(|e| format!("the outsourcing rule set is invalid: {e}"))
}

/// The filter of the case list: a text and a page, as the supplier list reads them.
pub type CaseListParams = crate::suppliers::SupplierListParams;

/// A case with everything its page shows: the supplier, the facts from the registers and from
/// the answers, the engine's assessment, and the decisions.
pub struct CaseView {
    pub case: OutsourcingCase,
    pub supplier: Supplier,
    pub registers: Facts,
    pub facts: Facts,
    pub assessment: Assessment,
    pub decisions: Vec<Decision>,
    /// The measures the decisions' conditions became, with their status today.
    pub measures: Vec<tillit_store::DecisionMeasure>,
    /// The latest decision rests on other facts than today's.
    pub facts_changed: bool,
    /// The latest decision used another rule-set version than today's, and today's rules would
    /// answer the decision's own facts differently.
    pub rules_changed: bool,
}

/// Whether today's rule set would answer a decision's own facts differently from the rule set it
/// was made under (recommendation or third-country verdict). The same version answers the same.
fn rules_answer_differently(rules: &RuleSet, d: &Decision) -> bool {
    if d.rule_set_version == rules.version && d.rule_set_id == rules.id {
        return false;
    }
    let Ok(facts) = serde_json::from_str::<Facts>(&d.facts) else {
        // Facts that cannot be read cannot be trusted to answer the same.
        return true;
    };
    let now = assess(rules, &facts);
    let then_transfer = serde_json::from_str::<serde_json::Value>(&d.assessment)
        .ok()
        .and_then(|a| a.get("transfer").cloned());
    now.recommendation.key() != d.recommendation
        || then_transfer != serde_json::to_value(now.transfer).ok()
}

impl CaseView {
    pub fn needs_reassessment(&self) -> bool {
        self.facts_changed || self.rules_changed
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_cases(
    app: &App,
    who: &Acting,
    q: Option<&str>,
    page: PageRequest,
) -> Result<Page<OutsourcingCase>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.list_cases(who.tenant(), q, page).await?)
}

/// A case as its list shows it: the assessment today and whether the latest decision rests on
/// other facts or rules than today's.
pub struct CaseSummary {
    pub case: OutsourcingCase,
    pub assessment: Assessment,
    pub needs_reassessment: bool,
}

/// A page of cases, each assessed as it is today.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_case_summaries(
    app: &App,
    who: &Acting,
    q: Option<&str>,
    page: PageRequest,
) -> Result<Page<CaseSummary>> {
    who.require(Permission::ViewRegisters)?;
    let list = app.store.list_cases(who.tenant(), q, page).await?;
    Ok(Page {
        items: summaries(app, who.tenant(), list.items).await?,
        page: list.page,
        per_page: list.per_page,
        total: list.total,
    })
}

/// Each case assessed today, reading the organisation once and each supplier once.
async fn summaries(app: &App, t: &Tenant, cases: Vec<OutsourcingCase>) -> Result<Vec<CaseSummary>> {
    let public = Some(app.store.organisation(t).await?.facts.public_authority());
    let today = crate::today();
    let mut suppliers: HashMap<String, Supplier> = HashMap::new();
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let sid = case.input.supplier_id.clone();
        if !suppliers.contains_key(&sid) {
            let s = app
                .store
                .supplier(t, &SupplierId::from(sid.as_str()))
                .await?;
            suppliers.insert(sid.clone(), s);
        }
        let data = data_facts(app, t, &case.input).await?;
        let registers = register_facts(public, &data, &suppliers[&sid].input, &today);
        let facts = case_facts(&registers, &case.input.answers);
        let needs_reassessment = match case.decided {
            Some(_) => app
                .store
                .decisions(t, &case.id)
                .await?
                .first()
                .is_some_and(|d| {
                    d.facts_sha256 != facts.sha256() || rules_answer_differently(&app.rules, d)
                }),
            None => false,
        };
        out.push(CaseSummary {
            assessment: assess(&app.rules, &facts),
            case,
            needs_reassessment,
        });
    }
    Ok(out)
}

/// The register facts of what the case concerns: each system's own levels and assets, and the
/// assets named directly.
async fn data_facts(app: &App, t: &Tenant, case: &CaseInput) -> Result<Vec<DataFacts>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let of_asset = |a: &tillit_store::Asset| DataFacts {
        has_provision: a.input.confidentiality_provisions.is_some(),
        strength: a.input.confidentiality_strength.clone(),
        confidentiality: a.levels.map(|l| l.confidentiality.number()),
        personal_data: a.input.personal_data,
        special_categories: !a.input.special_categories.is_empty(),
        staff: a.input.data_subjects.iter().any(|s| s == "staff"),
        individuals: a.input.individuals_approx,
    };
    for id in &case.system_ids {
        let s = app.store.system(t, &SystemId::from(id.as_str())).await?;
        if let Some(d) = s.deviation {
            out.push(DataFacts {
                confidentiality: Some(d.confidentiality.number()),
                ..Default::default()
            });
        }
        for a in &s.assets {
            if seen.insert(a.id.to_string()) {
                out.push(of_asset(a));
            }
        }
    }
    for id in &case.asset_ids {
        if seen.insert(id.clone()) {
            let a = app.store.asset(t, &AssetId::from(id.as_str())).await?;
            out.push(of_asset(&a));
        }
    }
    Ok(out)
}

/// The facts of a case today: the registers', and its answers where they do not tell.
async fn facts_of(app: &App, t: &Tenant, c: &OutsourcingCase) -> Result<(Supplier, Facts, Facts)> {
    let supplier = app
        .store
        .supplier(t, &SupplierId::from(c.input.supplier_id.as_str()))
        .await?;
    let org = app.store.organisation(t).await?;
    let data = data_facts(app, t, &c.input).await?;
    let today = crate::today();
    let registers = register_facts(
        Some(org.facts.public_authority()),
        &data,
        &supplier.input,
        &today,
    );
    let facts = case_facts(&registers, &c.input.answers);
    Ok((supplier, registers, facts))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn case(app: &App, who: &Acting, id: &str) -> Result<CaseView> {
    who.require(Permission::ViewRegisters)?;
    let case = app.store.case(who.tenant(), id).await?;
    let (supplier, registers, facts) = facts_of(app, who.tenant(), &case).await?;
    let assessment = assess(&app.rules, &facts);
    let decisions = app.store.decisions(who.tenant(), id).await?;
    let measures = app.store.decision_measures(who.tenant(), id).await?;
    let (facts_changed, rules_changed) = match decisions.first() {
        Some(d) => (
            d.facts_sha256 != facts.sha256(),
            rules_answer_differently(&app.rules, d),
        ),
        None => (false, false),
    };
    Ok(CaseView {
        case,
        supplier,
        registers,
        facts,
        assessment,
        decisions,
        measures,
        facts_changed,
        rules_changed,
    })
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_case(app: &App, who: &Acting, d: &CaseDraft) -> Result<OutsourcingCase> {
    who.require(Permission::EditRegisters)?;
    let mut input = CaseInput::try_from(d)?;
    // Whoever opens a case prepares it, unless someone else is named.
    if input.prepared_by.is_none() {
        input.prepared_by = Some(who.membership().membership_id.clone());
    }
    Ok(app
        .store
        .create_case(who.tenant(), &who.actor(), &input)
        .await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_case(
    app: &App,
    who: &Acting,
    id: &str,
    d: &CaseDraft,
) -> Result<OutsourcingCase> {
    who.require(Permission::EditRegisters)?;
    let input =
        crate::valid_or_missing(CaseInput::try_from(d), app.store.case(who.tenant(), id)).await?;
    Ok(app
        .store
        .update_case(who.tenant(), &who.actor(), id, &input)
        .await?)
}

/// Records the decision maker's decision: the outcome and motivation with the facts as they are
/// (whole, with their SHA-256), the rule-set version and the engine's recommendation. The chosen
/// conditions become measures in the action plan, traced to the outsourcing requirement of each
/// system the case concerns.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn decide(
    app: &App,
    who: &Acting,
    id: &str,
    d: &DecisionDraft,
    lang: &str,
) -> Result<Decision> {
    // Another organisation's case is not found before the role is asked about.
    let view = case(app, who, id).await?;
    who.require(Permission::DecideOutsourcing)?;
    let offered: Vec<String> = view
        .assessment
        .conditions
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let today = crate::today();
    // A member deciding under a delegated right decides under that delegation unless told which.
    let mut d = d.clone();
    if d.delegation.trim().is_empty() {
        if let Some(x) = &who.membership().outsourcing_delegation {
            d.delegation = x.clone();
        }
    }
    let input = parse_decision(&d, &offered, &today)?;
    let assessment = serde_json::to_value(&view.assessment).map_err(Error::internal)?;
    let measures = if input.outcome == Outcome::ApprovedWithConditions {
        condition_measures(app, who, &view, &input, &today, lang)
    } else {
        vec![]
    };
    let decision = app
        .store
        .record_decision(
            who.tenant(),
            &who.actor(),
            id,
            &NewDecision {
                decided_by: &who.membership().membership_id,
                decided_by_name: who.display_name(),
                outcome: input.outcome.key(),
                motivation: &input.motivation,
                conditions: &input.conditions,
                conditions_due_on: input.conditions_due_on.as_deref(),
                facts: &view.facts,
                rule_set_id: &app.rules.id,
                rule_set_version: &app.rules.version,
                recommendation: view.assessment.recommendation.key(),
                assessment: &assessment,
                delegation: input.delegation.as_deref(),
            },
            &measures,
        )
        .await?;
    Ok(decision)
}

/// The measures a decision's conditions call for: each condition's short name as the title, its
/// whole text and the decision it comes from as the description, owned by the decider and traced
/// to the outsourcing requirement (lev-7 for a private provider whose library has it, else lev-2)
/// of each system the case concerns.
fn condition_measures(
    app: &App,
    who: &Acting,
    view: &CaseView,
    input: &tillit_domain::outsourcing_case::DecisionInput,
    today: &str,
    lang: &str,
) -> Vec<MeasureInput> {
    let requirement = if view.facts.get("public_body") == Some(&serde_json::Value::from(false))
        && app.library(who).requirement("lev-7").is_some()
    {
        "lev-7"
    } else {
        "lev-2"
    };
    let traces: Vec<RequirementRef> = if view.case.input.system_ids.is_empty() {
        vec![RequirementRef {
            system_id: None,
            requirement_id: requirement.into(),
        }]
    } else {
        view.case
            .input
            .system_ids
            .iter()
            .map(|s| RequirementRef {
                system_id: Some(s.clone()),
                requirement_id: requirement.into(),
            })
            .collect()
    };
    view.assessment
        .conditions
        .iter()
        .filter(|c| input.conditions.contains(&c.id))
        .map(|c| MeasureInput {
            title: c.title.get(lang).chars().take(200).collect(),
            description: Some(format!(
                "{}\n\n{}: {} ({today}, /outsourcing/{})",
                c.text.get(lang),
                if lang == "en" {
                    "Condition of the outsourcing decision"
                } else {
                    "Villkor i utkontrakteringsbeslutet"
                },
                view.case.input.title,
                view.case.id
            )),
            // The information owner who set the condition answers for it until they hand it on
            // in the action plan.
            owner_membership_id: Some(who.membership().membership_id.clone()),
            due_on: input.conditions_due_on.clone(),
            status: MeasureStatus::Planned,
            cost_sek: None,
            verification: None,
            scenario_ids: vec![],
            requirements: traces.clone(),
        })
        .collect()
}

/// Carries a residual risk of the case's assessment into a risk analysis as a scenario, with the
/// case's information assets, the consequence its classification gives (within the matrix) and a
/// likelihood to be judged; the analysis's owners refine it there. A residual risk already carried
/// into the analysis is not added twice: the scenario there is returned with `false`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn residual_risk_to_scenario(
    app: &App,
    who: &Acting,
    case_id: &str,
    rule_id: &str,
    analysis_id: &tillit_domain::ids::AnalysisId,
    lang: &str,
) -> Result<(tillit_store::Scenario, bool)> {
    let view = case(app, who, case_id).await?;
    let Some((_, text)) = view
        .assessment
        .residual_risks
        .iter()
        .find(|(id, _)| id == rule_id)
    else {
        return Err(ValidationErrors::single("rule_id", Rule::NotFound).into());
    };
    let text = text.get(lang);
    let matrix = app.store.risk_matrix(who.tenant()).await?;
    let consequence = view
        .facts
        .get("confidentiality_level")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(2)
        .clamp(1, i64::from(matrix.consequences));
    let asset_ids = crate::risk::assets_with_systems(
        app,
        who,
        &view.case.input.asset_ids,
        &view.case.input.system_ids,
    )
    .await?;
    let d = tillit_domain::risk::ScenarioDraft {
        title: text.chars().take(200).collect(),
        threat_text: text.chars().take(1000).collect(),
        vulnerability: format!(
            "{}: {}",
            if lang == "en" {
                "Outsourcing"
            } else {
                "Utkontraktering"
            },
            view.case.input.title
        ),
        asset_ids,
        inherent_likelihood: "2".into(),
        inherent_consequence: consequence.to_string(),
        ..Default::default()
    };
    crate::risk::save_scenario_once(app, who, analysis_id, &d).await
}

/// The decided cases whose facts or rule set have changed since their latest decision: a gap of
/// the follow-up. Each case is assessed as it is today.
pub(crate) async fn reassessment_gap(app: &App, t: &Tenant) -> Result<tillit_store::GapList> {
    let cases = crate::all_pages(|page| app.store.list_cases(t, None, page)).await?;
    let decided: Vec<OutsourcingCase> = cases.into_iter().filter(|c| c.decided.is_some()).collect();
    let mut items = Vec::new();
    for c in summaries(app, t, decided).await? {
        if c.needs_reassessment {
            items.push(tillit_store::GapItem {
                label: c.case.input.title.clone(),
                detail: c
                    .case
                    .decided
                    .as_ref()
                    .and_then(|(_, at)| tillit_domain::time::day_of(at))
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                href: format!("/outsourcing/{}", c.case.id),
                new_measure: None,
            });
        }
    }
    Ok(tillit_store::GapList {
        kind: tillit_store::GapKind::OutsourcingReassessment,
        count: i64::try_from(items.len()).unwrap_or(i64::MAX),
        items: items
            .into_iter()
            .take(usize::try_from(tillit_store::GAP_ITEMS_SHOWN).unwrap_or(5))
            .collect(),
    })
}
