//! The starter kit: what it offers the acting organisation, its adoption in one step, the
//! information owner's confirmation of a suggested classification, and the kit's common threats
//! for the systems a risk analysis covers.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::App;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;
use tillit_domain::asset::AssetInput;
use tillit_domain::classification::Levels;
use tillit_domain::ids::{AnalysisId, AssetId};
use tillit_domain::risk::ScenarioDraft;
use tillit_domain::role::Permission;
use tillit_domain::starter_kit::{AdoptionDraft, Bound, Kit};
use tillit_domain::system::SystemInput;
use tillit_domain::{Rule, ValidationErrors};
use tillit_store::{Adopted, KitAdoption, KitPlan, NewKitAsset, NewKitSystem};

pub use tillit_store::Outcome;

/// The kit in force, read once.
pub fn kit() -> Result<&'static Kit> {
    static KIT: OnceLock<std::result::Result<Kit, String>> = OnceLock::new();
    KIT.get_or_init(Kit::v1).as_ref().map_err(Error::internal)
}

/// The kit as offered to one organisation, in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub kit: String,
    pub version: String,
    pub published: String,
    pub title: String,
    pub intro: String,
    /// Whether OSL binds the organisation (the provisions below follow from it).
    pub bound_by_osl: bool,
    pub profiles: Vec<OfferedProfile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfferedProfile {
    pub key: String,
    pub title: String,
    pub intro: String,
    pub items: Vec<OfferedItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfferedItem {
    pub id: String,
    /// information_asset or system
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    /// Assets: the confidentiality provisions that apply to this organisation.
    pub provisions: Option<String>,
    /// Assets: what the organisation must decide itself about confidentiality.
    pub confidentiality_note: Option<String>,
    pub special_categories: Vec<String>,
    pub data_subjects: Vec<String>,
    /// Assets: the suggested levels and why.
    pub suggested: Option<Levels>,
    pub motivation: Option<String>,
    /// Systems: the names of the assets it brings.
    pub processes: Vec<String>,
    /// Systems: the titles of the threats common for it.
    pub threats: Vec<String>,
    /// The organisation's object made from the item, while in use.
    pub adopted_id: Option<String>,
}

/// What the kit offers the acting organisation, marked with what it has adopted.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn offer(app: &App, who: &Acting, lang: &str) -> Result<Offer> {
    who.require(Permission::ViewRegisters)?;
    let kit = kit()?;
    let org = app.store.organisation(who.tenant()).await?;
    let bound = Bound::of(&org.facts);
    let adopted = app.store.kit_adopted_items(who.tenant()).await?;
    let profiles = kit
        .profiles_for(org.kind)
        .map(|p| {
            let assets = p.assets.iter().filter_map(|id| kit.asset(id)).map(|a| {
                let conf = a.confidentiality(bound).cloned().unwrap_or_default();
                OfferedItem {
                    id: a.id.clone(),
                    kind: "information_asset",
                    name: a.name.get(lang).into(),
                    description: a.description.get(lang).into(),
                    provisions: conf.provisions,
                    confidentiality_note: conf.note.map(|n| n.get(lang).to_string()),
                    special_categories: a.special_categories.clone(),
                    data_subjects: a.data_subjects.clone(),
                    suggested: a.classification.levels(),
                    motivation: Some(a.classification.motivation.get(lang).into()),
                    processes: vec![],
                    threats: vec![],
                    adopted_id: adopted.get(&a.id).map(|(_, id)| id.clone()),
                }
            });
            let systems = p
                .systems
                .iter()
                .filter_map(|id| kit.system(id))
                .map(|s| OfferedItem {
                    id: s.id.clone(),
                    kind: "system",
                    name: s.name.get(lang).into(),
                    description: s.description.get(lang).into(),
                    provisions: None,
                    confidentiality_note: None,
                    special_categories: vec![],
                    data_subjects: vec![],
                    suggested: None,
                    motivation: None,
                    processes: s
                        .assets
                        .iter()
                        .filter_map(|a| kit.asset(a))
                        .map(|a| a.name.get(lang).to_string())
                        .collect(),
                    threats: s
                        .threats
                        .iter()
                        .filter_map(|t| kit.threat(t))
                        .map(|t| t.title.get(lang).to_string())
                        .collect(),
                    adopted_id: adopted.get(&s.id).map(|(_, id)| id.clone()),
                });
            OfferedProfile {
                key: p.key.clone(),
                title: p.title.get(lang).into(),
                intro: p.intro.get(lang).into(),
                items: assets.chain(systems).collect(),
            }
        })
        .collect();
    Ok(Offer {
        kit: kit.id.clone(),
        version: kit.version.clone(),
        published: kit.published.clone(),
        title: kit.title.get(lang).into(),
        intro: kit.intro.get(lang).into(),
        bound_by_osl: bound == Bound::Osl,
        profiles,
    })
}

/// Adopts the items chosen (a system brings the assets it processes) in one unit of work: all
/// become the organisation's own, or nothing is stored. The assets are not classified: each
/// carries the kit's suggestion until its information owner confirms it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn adopt(app: &App, who: &Acting, d: &AdoptionDraft, lang: &str) -> Result<Vec<Adopted>> {
    who.require(Permission::EditRegisters)?;
    let kit = kit()?;
    let org = app.store.organisation(who.tenant()).await?;
    let offered = kit.offered_ids(org.kind);
    let known = kit.item_ids();
    let choice = d.parse(|id| known.contains(&id), |id| offered.contains(id))?;
    let bound = Bound::of(&org.facts);
    let (assets, systems) = kit.plan(&choice.items);
    let mut plan = KitPlan {
        kit_version: kit.version.clone(),
        adopter_name: who.display_name().to_string(),
        assets: Vec::new(),
        systems: Vec::new(),
    };
    for a in assets {
        let mut input = AssetInput::try_from(&a.draft(lang, bound))
            .map_err(|e| Error::internal(format!("kit asset {} does not validate: {e:?}", a.id)))?;
        input.owner_membership_id = choice.owner.clone();
        let suggested = a
            .classification
            .levels()
            .ok_or_else(|| Error::internal(format!("kit asset {}: level out of range", a.id)))?;
        plan.assets.push(NewKitAsset {
            item: a.id.clone(),
            input,
            suggested,
            motivation: a.classification.motivation.get(lang).to_string(),
        });
    }
    for s in systems {
        let mut input = SystemInput::try_from(&s.draft(lang, vec![])).map_err(|e| {
            Error::internal(format!("kit system {} does not validate: {e:?}", s.id))
        })?;
        input.owner_membership_id = choice.owner.clone();
        plan.systems.push(NewKitSystem {
            item: s.id.clone(),
            input,
            asset_items: s.assets.clone(),
        });
    }
    let done = app
        .store
        .adopt_kit(who.tenant(), &who.actor(), &plan)
        .await
        .map_err(|e| match Error::from(e) {
            // A name taken by an archived object: the item cannot be adopted under that name.
            Error::Invalid(v) if v.0.iter().any(|f| f.field == "name") => {
                ValidationErrors::single("items", Rule::AlreadyExists).into()
            }
            other => other,
        })?;
    Ok(done)
}

/// Where an asset came from, if from the kit, with its suggestion.
pub async fn asset_adoption(app: &App, who: &Acting, id: &AssetId) -> Result<Option<KitAdoption>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .kit_adoption(who.tenant(), "information_asset", id.as_str())
        .await?)
}

/// Where a system came from, if from the kit.
pub async fn system_adoption(app: &App, who: &Acting, id: &str) -> Result<Option<KitAdoption>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.kit_adoption(who.tenant(), "system", id).await?)
}

/// How many adopted assets still wait on their information owner's confirmation.
pub async fn suggestions_waiting(app: &App, who: &Acting) -> Result<i64> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.kit_suggestions_waiting(who.tenant()).await?)
}

/// The information owner confirms the kit's suggested classification of an asset as it stands.
/// Only the asset's information owner may; an asset without one must be given one first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_suggestion(app: &App, who: &Acting, id: &AssetId, lang: &str) -> Result<()> {
    who.require(Permission::Classify)?;
    let asset = app.store.asset(who.tenant(), id).await?;
    let adoption = app
        .store
        .kit_adoption(who.tenant(), "information_asset", id.as_str())
        .await?
        .ok_or(Error::NotFound)?;
    let (Some(levels), Some(motivation)) = (adoption.suggested, adoption.suggested_motivation)
    else {
        return Err(Error::NotFound);
    };
    if adoption.confirmed_at.is_some() || asset.levels.is_some() {
        return Err(ValidationErrors::single("suggestion", Rule::AlreadyExists).into());
    }
    match asset.input.owner_membership_id.as_deref() {
        // Whether the asset has an owner depends on its record: refused as a conflict (409).
        None => {
            return Err(
                ValidationErrors::single("owner_membership_id", Rule::RequiredByRecords).into(),
            )
        }
        Some(owner) if owner != who.membership().membership_id => return Err(Error::Forbidden),
        Some(_) => {}
    }
    let note = if lang == "en" {
        format!("{motivation} (Suggested by Tillit's starter kit, version {}; confirmed by the information owner.)", adoption.kit_version)
    } else {
        format!("{motivation} (Förslag från Tillits startpaket, version {}; bekräftat av informationsägaren.)", adoption.kit_version)
    };
    app.store
        .confirm_kit_classification(
            who.tenant(),
            &who.actor(),
            id,
            &levels,
            &note,
            who.display_name(),
        )
        .await?;
    Ok(())
}

/// A common threat for a system of a risk analysis, with the typical measures against it.
#[derive(Debug, Clone, Serialize)]
pub struct ThreatSuggestion {
    pub system_id: String,
    pub system_name: String,
    pub threat: String,
    pub threat_key: String,
    pub title: String,
    pub vulnerability: String,
    pub measures: Vec<String>,
    /// Whether the analysis already has a scenario of the same threat for the system's assets.
    pub covered: bool,
}

/// The kit's common threats for the systems adopted from it that the analysis covers.
pub async fn threat_suggestions(
    app: &App,
    who: &Acting,
    analysis: &AnalysisId,
    lang: &str,
) -> Result<Vec<ThreatSuggestion>> {
    who.require(Permission::ViewRegisters)?;
    let kit = kit()?;
    let a = app.store.risk_analysis(who.tenant(), analysis).await?;
    let items = app
        .store
        .kit_system_items(who.tenant(), &a.input.system_ids)
        .await?;
    if items.is_empty() {
        return Ok(vec![]);
    }
    let names = crate::systems::system_names(app, who).await?;
    let scenarios = app.store.scenarios(who.tenant(), analysis).await?;
    let mut out = Vec::new();
    for sid in &a.input.system_ids {
        let Some(sys) = items.get(sid).and_then(|i| kit.system(i)) else {
            continue;
        };
        let name = names.get(sid).cloned().unwrap_or_default();
        for t in sys.threats.iter().filter_map(|t| kit.threat(t)) {
            let title = format!("{}: {}", name, t.title.get(lang));
            out.push(ThreatSuggestion {
                system_id: sid.clone(),
                system_name: name.clone(),
                threat: t.id.clone(),
                threat_key: t.threat.clone(),
                covered: scenarios.iter().any(|s| s.input.title == title),
                title: t.title.get(lang).to_string(),
                vulnerability: t.vulnerability.get(lang).to_string(),
                measures: t.measures.iter().map(|m| m.get(lang).to_string()).collect(),
            });
        }
    }
    Ok(out)
}

/// A scenario started from a suggested threat, with the system's assets chosen: the form the
/// analyst completes with the estimates.
pub async fn suggested_scenario(
    app: &App,
    who: &Acting,
    analysis: &AnalysisId,
    system_id: &str,
    threat: &str,
    lang: &str,
) -> Result<ScenarioDraft> {
    who.require(Permission::EditRegisters)?;
    let suggestions = threat_suggestions(app, who, analysis, lang).await?;
    let s = suggestions
        .iter()
        .find(|s| s.system_id == system_id && s.threat == threat)
        .ok_or_else(|| ValidationErrors::single("threat", Rule::UnknownValue))?;
    let kit = kit()?;
    let t = kit.threat(&s.threat).ok_or(Error::NotFound)?;
    let mut d = t.scenario_draft(lang, &s.system_name);
    let sys = app
        .store
        .system(
            who.tenant(),
            &tillit_domain::ids::SystemId::from(system_id.to_string()),
        )
        .await?;
    d.asset_ids = sys.input.asset_ids.clone();
    Ok(d)
}

/// The assets adopted from the kit by item, for tests and the guided start.
pub async fn adopted_items(app: &App, who: &Acting) -> Result<HashMap<String, (String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.kit_adopted_items(who.tenant()).await?)
}
