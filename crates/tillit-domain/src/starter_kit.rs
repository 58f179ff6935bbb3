//! The starter kit (startpaketet): the typical information assets and systems of a region, a
//! municipality's social services and elderly care, school health services and a private care
//! provider, with suggested personal-data facts, confidentiality provisions (chosen by whether
//! OSL binds the organisation), a suggested classification with its motivation, and the common
//! threats and typical measures per system. Written by the Tillit team, versioned as a data file
//! under `catalogs/tillit-startpaket/`.
//!
//! An organisation adopts items in one step: they become its own assets and systems, every value
//! editable. The suggested classification is not a classification: it counts only once the
//! asset's information owner has confirmed it.

use crate::asset::{AssetDraft, AssetInput};
use crate::classification::{ConsequenceLevel, Levels};
use crate::org::{OrgFacts, OrgKind};
use crate::risk::ScenarioDraft;
use crate::system::{SystemDraft, SystemInput};
use crate::words::Threat;
use serde::Deserialize;
use std::collections::HashSet;

/// The kit in force: version 1 as written in the repository.
pub const KIT_V1: &str = include_str!("../../../catalogs/tillit-startpaket/v1/kit.json");

/// A text in both languages of the product.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub sv: String,
    pub en: String,
}

impl Text {
    /// The text in the language asked for; Swedish for any other.
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.en
        } else {
            &self.sv
        }
    }
}

/// The whole kit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kit {
    pub id: String,
    pub version: String,
    pub published: String,
    pub title: Text,
    pub intro: Text,
    pub profiles: Vec<Profile>,
    pub assets: Vec<KitAsset>,
    pub systems: Vec<KitSystem>,
    pub threats: Vec<KitThreat>,
}

/// A group of items for one kind of organisation or activity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub key: String,
    /// The kinds of organisation it is offered to.
    #[serde(rename = "for")]
    pub for_kinds: Vec<OrgKind>,
    pub title: Text,
    pub intro: Text,
    pub assets: Vec<String>,
    pub systems: Vec<String>,
}

impl Profile {
    pub fn offered_to(&self, kind: OrgKind) -> bool {
        self.for_kinds.contains(&kind)
    }
}

/// Confidentiality as it applies to one kind of organisation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidentiality {
    /// The provisions, as an asset records them.
    #[serde(default)]
    pub provisions: Option<String>,
    /// presumption_of_secrecy, presumption_of_openness or absolute; none where the provision
    /// has no damage test in OSL's sense.
    #[serde(default)]
    pub strength: Option<String>,
    /// What the organisation must decide itself.
    #[serde(default)]
    pub note: Option<Text>,
}

/// A suggested classification and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestedClassification {
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    pub traceability: u8,
    pub motivation: Text,
}

impl SuggestedClassification {
    pub fn levels(&self) -> Option<Levels> {
        Some(Levels {
            confidentiality: ConsequenceLevel::from_number(i64::from(self.confidentiality))?,
            integrity: ConsequenceLevel::from_number(i64::from(self.integrity))?,
            availability: ConsequenceLevel::from_number(i64::from(self.availability))?,
            traceability: ConsequenceLevel::from_number(i64::from(self.traceability))?,
        })
    }
}

/// A typical information asset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitAsset {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub personal_data: bool,
    pub special_categories: Vec<String>,
    pub offences: bool,
    pub data_subjects: Vec<String>,
    /// For a public authority or a body OSL binds.
    pub public: Confidentiality,
    /// For a private provider; absent where the asset belongs to public authority alone (a
    /// social services case file is the municipality's exercise of authority).
    #[serde(default)]
    pub private: Option<Confidentiality>,
    #[serde(default)]
    pub legal_basis: Option<Text>,
    pub classification: SuggestedClassification,
}

/// Whether OSL binds the organisation, which decides the confidentiality provisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Osl,
    Private,
}

impl Bound {
    pub fn of(facts: &OrgFacts) -> Bound {
        if facts.public_authority() {
            Bound::Osl
        } else {
            Bound::Private
        }
    }
}

impl KitAsset {
    /// The confidentiality that applies, or none when the asset is not offered to such an
    /// organisation.
    pub fn confidentiality(&self, bound: Bound) -> Option<&Confidentiality> {
        match bound {
            Bound::Osl => Some(&self.public),
            Bound::Private => self.private.as_ref(),
        }
    }

    /// The asset's facts as a person would enter them.
    pub fn draft(&self, lang: &str, bound: Bound) -> AssetDraft {
        let conf = self.confidentiality(bound).cloned().unwrap_or_default();
        AssetDraft {
            name: self.name.get(lang).to_string(),
            description: self.description.get(lang).to_string(),
            personal_data: self.personal_data.to_string(),
            special_categories: self.special_categories.clone(),
            offences: self.offences.to_string(),
            data_subjects: self.data_subjects.clone(),
            confidentiality_provisions: conf.provisions.unwrap_or_default(),
            confidentiality_strength: conf.strength.unwrap_or_default(),
            legal_basis: self
                .legal_basis
                .as_ref()
                .map(|t| t.get(lang).to_string())
                .unwrap_or_default(),
            review_interval_months: "12".into(),
            ..AssetDraft::default()
        }
    }
}

/// A typical system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitSystem {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub hosting: String,
    #[serde(default)]
    pub country: Option<String>,
    /// The kit's assets it processes.
    pub assets: Vec<String>,
    /// The kit's threats common for it.
    pub threats: Vec<String>,
}

impl KitSystem {
    /// The system's facts, processing the assets given (the organisation's ids).
    pub fn draft(&self, lang: &str, asset_ids: Vec<String>) -> SystemDraft {
        SystemDraft {
            name: self.name.get(lang).to_string(),
            description: self.description.get(lang).to_string(),
            hosting: self.hosting.clone(),
            country: self.country.clone().unwrap_or_default(),
            review_interval_months: "12".into(),
            asset_ids,
            ..SystemDraft::default()
        }
    }
}

/// A common threat with the typical measures against it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitThreat {
    pub id: String,
    /// A key of the threat list.
    pub threat: String,
    /// The aspects it harms.
    pub aspects: Vec<String>,
    pub title: Text,
    pub vulnerability: Text,
    pub measures: Vec<Text>,
}

impl KitThreat {
    /// A risk scenario started from the threat: the estimates are left to the analysis.
    pub fn scenario_draft(&self, lang: &str, system_name: &str) -> ScenarioDraft {
        ScenarioDraft {
            title: format!("{}: {}", system_name, self.title.get(lang)),
            threat_key: self.threat.clone(),
            vulnerability: self.vulnerability.get(lang).to_string(),
            aspects: self.aspects.clone(),
            ..ScenarioDraft::default()
        }
    }
}

impl Kit {
    /// Every item's id (assets and systems), for the API document.
    pub fn item_ids(&self) -> Vec<&str> {
        self.assets
            .iter()
            .map(|a| a.id.as_str())
            .chain(self.systems.iter().map(|s| s.id.as_str()))
            .collect()
    }

    /// The kit written in the repository.
    pub fn v1() -> Result<Kit, String> {
        Kit::parse(KIT_V1)
    }

    /// Reads a kit and checks that every reference in it resolves and every value is one the
    /// registers accept.
    pub fn parse(text: &str) -> Result<Kit, String> {
        let kit: Kit = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let problems = kit.problems();
        if problems.is_empty() {
            Ok(kit)
        } else {
            Err(problems.join("; "))
        }
    }

    pub fn asset(&self, id: &str) -> Option<&KitAsset> {
        self.assets.iter().find(|a| a.id == id)
    }

    pub fn system(&self, id: &str) -> Option<&KitSystem> {
        self.systems.iter().find(|s| s.id == id)
    }

    pub fn threat(&self, id: &str) -> Option<&KitThreat> {
        self.threats.iter().find(|t| t.id == id)
    }

    /// The profiles offered to a kind of organisation.
    pub fn profiles_for(&self, kind: OrgKind) -> impl Iterator<Item = &Profile> {
        self.profiles.iter().filter(move |p| p.offered_to(kind))
    }

    /// The item ids (assets and systems) offered to a kind of organisation.
    pub fn offered_ids(&self, kind: OrgKind) -> HashSet<&str> {
        self.profiles_for(kind)
            .flat_map(|p| p.assets.iter().chain(p.systems.iter()))
            .map(String::as_str)
            .collect()
    }

    /// The adoption a selection amounts to: the assets and systems chosen, and the assets the
    /// chosen systems process (a system is adopted with what it processes), each once.
    pub fn plan(&self, chosen: &[String]) -> (Vec<&KitAsset>, Vec<&KitSystem>) {
        let systems: Vec<&KitSystem> = self
            .systems
            .iter()
            .filter(|s| chosen.contains(&s.id))
            .collect();
        let assets = self
            .assets
            .iter()
            .filter(|a| chosen.contains(&a.id) || systems.iter().any(|s| s.assets.contains(&a.id)))
            .collect();
        (assets, systems)
    }

    /// Everything wrong with the kit, in words (empty when it is sound).
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for id in self
            .assets
            .iter()
            .map(|a| &a.id)
            .chain(self.systems.iter().map(|s| &s.id))
        {
            if !seen.insert(id.as_str()) {
                out.push(format!("item {id} appears twice"));
            }
        }
        for p in &self.profiles {
            for a in &p.assets {
                if self.asset(a).is_none() {
                    out.push(format!("profile {}: no asset {a}", p.key));
                }
            }
            for s in &p.systems {
                match self.system(s) {
                    None => out.push(format!("profile {}: no system {s}", p.key)),
                    Some(sys) => {
                        for a in &sys.assets {
                            if !p.assets.contains(a) {
                                out.push(format!(
                                    "profile {}: system {s} processes {a}, which the profile lacks",
                                    p.key
                                ));
                            }
                        }
                    }
                }
            }
            for kind in &p.for_kinds {
                if *kind == OrgKind::Authority {
                    out.push(format!("profile {} is offered to an authority", p.key));
                }
                let bound = if *kind == OrgKind::PrivateProvider {
                    Bound::Private
                } else {
                    Bound::Osl
                };
                for a in p.assets.iter().filter_map(|a| self.asset(a)) {
                    if a.confidentiality(bound).is_none() {
                        out.push(format!(
                            "profile {}: asset {} has no confidentiality for {kind:?}",
                            p.key, a.id
                        ));
                    }
                }
            }
        }
        for a in &self.assets {
            if a.classification.levels().is_none() {
                out.push(format!("asset {}: a level outside 0–4", a.id));
            }
            for bound in [Bound::Osl, Bound::Private] {
                if a.confidentiality(bound).is_none() {
                    continue;
                }
                for lang in ["sv", "en"] {
                    if let Err(e) = AssetInput::try_from(&a.draft(lang, bound)) {
                        out.push(format!("asset {} ({lang}, {bound:?}): {e:?}", a.id));
                    }
                }
            }
        }
        for s in &self.systems {
            for a in &s.assets {
                if self.asset(a).is_none() {
                    out.push(format!("system {}: no asset {a}", s.id));
                }
            }
            for t in &s.threats {
                if self.threat(t).is_none() {
                    out.push(format!("system {}: no threat {t}", s.id));
                }
            }
            for lang in ["sv", "en"] {
                if let Err(e) = SystemInput::try_from(&s.draft(lang, vec![])) {
                    out.push(format!("system {} ({lang}): {e:?}", s.id));
                }
            }
        }
        for t in &self.threats {
            if Threat::parse(&t.threat).is_none() {
                out.push(format!("threat {}: unknown threat {}", t.id, t.threat));
            }
            for a in &t.aspects {
                if !crate::classification::Aspect::ALL
                    .iter()
                    .any(|x| x.key() == a)
                {
                    out.push(format!("threat {}: unknown aspect {a}", t.id));
                }
            }
            if t.measures.is_empty() {
                out.push(format!("threat {}: no measures", t.id));
            }
        }
        out
    }
}

/// The most items one adoption may name.
pub const MAX_ITEMS: usize = 200;

/// An adoption as chosen: the items (assets and systems) and, optionally, the member who becomes
/// the information owner of everything adopted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = KitAdoptionBody))]
#[serde(deny_unknown_fields)]
pub struct AdoptionDraft {
    /// The kit's item ids, e.g. `patient-record`, `record-system`.
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub items: Vec<String>,
    /// A member of the organisation: the information owner (and system owner) of what is
    /// adopted.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub owner_membership_id: String,
}

/// An adoption, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub items: Vec<String>,
    pub owner: Option<String>,
}

impl AdoptionDraft {
    /// Checks the choice: every item must be in the kit (else `UnknownValue`) and offered to the
    /// organisation's kind (else `NotAllowedForOrganisationKind`).
    pub fn parse(
        &self,
        known: impl Fn(&str) -> bool,
        offered: impl Fn(&str) -> bool,
    ) -> Result<Choice, crate::ValidationErrors> {
        let mut errs = crate::ValidationErrors::new();
        let mut items: Vec<String> = self
            .items
            .iter()
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect();
        items.sort();
        items.dedup();
        if items.is_empty() {
            errs.push(crate::ValidationError::new("items", crate::Rule::Required));
        } else if items.len() > MAX_ITEMS {
            errs.push(crate::ValidationError::new(
                "items",
                crate::Rule::TooLong { max: MAX_ITEMS },
            ));
        } else if items.iter().any(|i| !known(i)) {
            errs.push(crate::ValidationError::new(
                "items",
                crate::Rule::UnknownValue,
            ));
        } else if items.iter().any(|i| !offered(i)) {
            errs.push(crate::ValidationError::new(
                "items",
                crate::Rule::NotAllowedForOrganisationKind,
            ));
        }
        let owner = errs.check(crate::text::optional(
            "owner_membership_id",
            &self.owner_membership_id,
            100,
        ));
        errs.into_result()?;
        Ok(Choice {
            items,
            owner: owner.flatten(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::LegalForm;

    fn kit() -> Kit {
        Kit::v1().unwrap()
    }

    #[test]
    fn the_kit_in_the_repository_is_sound() {
        let k = kit();
        assert_eq!(k.version, "1");
        assert!(k.assets.len() >= 10 && k.systems.len() >= 8);
    }

    #[test]
    fn a_kit_with_a_dangling_reference_is_refused() {
        let broken = KIT_V1.replacen(
            "\"assets\": [\"lab-results\"]",
            "\"assets\": [\"no-such-asset\"]",
            1,
        );
        let err = Kit::parse(&broken).unwrap_err();
        assert!(err.contains("no asset no-such-asset"), "{err}");
    }

    #[test]
    fn a_kit_with_a_value_the_register_refuses_is_refused() {
        let broken = KIT_V1.replacen(
            "\"data_subjects\": [\"patients\"]",
            "\"data_subjects\": [\"martians\"]",
            1,
        );
        assert!(Kit::parse(&broken).unwrap_err().contains("patient-record"));
    }

    #[test]
    fn a_municipal_school_gets_chapter_23_and_a_private_school_the_school_act() {
        let k = kit();
        let a = k.asset("student-health-record").unwrap();
        let municipal = OrgFacts::default_for(OrgKind::Municipality);
        let public = a.draft("sv", Bound::of(&municipal));
        assert_eq!(public.confidentiality_provisions, "23 kap. 2 § OSL");
        assert!(!public.confidentiality_provisions.contains("25 kap"));
        let private = OrgFacts::default_for(OrgKind::PrivateProvider);
        assert_eq!(private.legal_form, LegalForm::Private);
        let own = a.draft("sv", Bound::of(&private));
        assert!(own
            .confidentiality_provisions
            .contains("Skollagen 29 kap. 14 §"));
        assert!(!own.confidentiality_provisions.contains("OSL"));
    }

    #[test]
    fn osl_never_binds_a_private_provider_through_the_kit() {
        let k = kit();
        for p in k.profiles_for(OrgKind::PrivateProvider) {
            for a in p.assets.iter().filter_map(|a| k.asset(a)) {
                let d = a.draft("sv", Bound::Private);
                assert!(
                    !d.confidentiality_provisions.contains("OSL"),
                    "{} cites OSL for a private provider",
                    a.id
                );
                assert_eq!(d.confidentiality_strength, "", "{}", a.id);
            }
        }
    }

    #[test]
    fn case_files_are_offered_to_municipalities_only() {
        let k = kit();
        assert!(k
            .offered_ids(OrgKind::Municipality)
            .contains("social-case-files"));
        assert!(!k
            .offered_ids(OrgKind::PrivateProvider)
            .contains("social-case-files"));
        assert!(!k.offered_ids(OrgKind::Region).contains("social-case-files"));
        assert!(k.offered_ids(OrgKind::Authority).is_empty());
    }

    #[test]
    fn a_system_brings_the_assets_it_processes() {
        let k = kit();
        let (assets, systems) = k.plan(&["record-system".into(), "staff-schedule".into()]);
        let ids: Vec<&str> = assets.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(systems.len(), 1);
        for a in [
            "patient-record",
            "medication-list",
            "referrals",
            "lab-results",
            "staff-schedule",
        ] {
            assert!(ids.contains(&a), "{a} missing from {ids:?}");
        }
        assert_eq!(ids.len(), 5);
    }

    #[test]
    fn an_adoption_names_offered_items_only() {
        let k = kit();
        let offered = k.offered_ids(OrgKind::Region);
        let ok = AdoptionDraft {
            items: vec![
                "record-system".into(),
                " patient-record ".into(),
                "record-system".into(),
            ],
            owner_membership_id: String::new(),
        }
        .parse(|i| k.item_ids().contains(&i), |i| offered.contains(i))
        .unwrap();
        assert_eq!(ok.items, vec!["patient-record", "record-system"]);
        assert_eq!(ok.owner, None);
        let foreign = AdoptionDraft {
            items: vec!["social-case-files".into()],
            ..Default::default()
        }
        .parse(|i| k.item_ids().contains(&i), |i| offered.contains(i))
        .unwrap_err();
        assert_eq!(foreign.0[0].field, "items");
        assert_eq!(
            foreign.0[0].rule,
            crate::Rule::NotAllowedForOrganisationKind
        );
        let unknown = AdoptionDraft {
            items: vec!["moon-base".into()],
            ..Default::default()
        }
        .parse(|i| k.item_ids().contains(&i), |i| offered.contains(i))
        .unwrap_err();
        assert_eq!(unknown.0[0].rule, crate::Rule::UnknownValue);
        let empty = AdoptionDraft::default()
            .parse(|_| true, |_| true)
            .unwrap_err();
        assert_eq!(empty.0[0].rule, crate::Rule::Required);
    }

    #[test]
    fn a_threat_starts_a_scenario_without_estimates() {
        let k = kit();
        let d = k
            .threat("ransomware")
            .unwrap()
            .scenario_draft("sv", "Journalsystem");
        assert_eq!(d.title, "Journalsystem: Utpressningsvirus slår ut systemet");
        assert_eq!(d.threat_key, "ransomware");
        assert!(d.inherent_likelihood.is_empty() && d.inherent_consequence.is_empty());
    }
}
