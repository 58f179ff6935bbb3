//! Which requirements apply to a system, and why. The requirement library has one profile per
//! aspect and level (each level includes the levels below it), a baseline for every system, and
//! profiles triggered by facts about the information and how the system is run. This module decides
//! which profiles a system triggers; the library resolves them to requirements.

use crate::classification::{Aspect, ConsequenceLevel, Levels};
use serde::Serialize;

/// The facts about a system that decide its requirements.
#[derive(Debug, Clone, Default)]
pub struct SystemFacts {
    /// The levels that apply to the system (inherited or a motivated deviation); `None` when
    /// nothing it processes is classified yet.
    pub levels: Option<Levels>,
    /// It processes health data or data about patients.
    pub health_data: bool,
    /// It processes data about recipients of social services.
    pub social_care: bool,
    /// It processes special categories of personal data (GDPR art. 9).
    pub special_categories: bool,
    /// One of `own_operation`, `outsourced`, `public_cloud`.
    pub hosting: String,
    /// Country of processing as written in the register.
    pub country: Option<String>,
    /// The organisation is covered by the Cybersecurity Act (all regions and municipalities).
    pub cybersecurity_act: bool,
}

/// Why a profile, and so each requirement in it, applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// Applies to every system.
    Baseline,
    /// The system's level for an aspect (the profile covers this level and those below).
    Aspect {
        aspect: AspectKey,
        level: u8,
    },
    HealthData,
    SocialCare,
    SpecialCategories,
    Outsourced,
    PublicCloud,
    ThirdCountry,
    CybersecurityAct,
}

/// An aspect as a plain, orderable key (for use inside [`Trigger`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum AspectKey {
    Confidentiality,
    Integrity,
    Availability,
    Traceability,
}

impl From<Aspect> for AspectKey {
    fn from(a: Aspect) -> Self {
        match a {
            Aspect::Confidentiality => AspectKey::Confidentiality,
            Aspect::Integrity => AspectKey::Integrity,
            Aspect::Availability => AspectKey::Availability,
            Aspect::Traceability => AspectKey::Traceability,
        }
    }
}

impl AspectKey {
    pub fn aspect(self) -> Aspect {
        match self {
            AspectKey::Confidentiality => Aspect::Confidentiality,
            AspectKey::Integrity => Aspect::Integrity,
            AspectKey::Availability => Aspect::Availability,
            AspectKey::Traceability => Aspect::Traceability,
        }
    }
}

impl Trigger {
    /// The profile (file stem under the library's `profiles/`) this trigger selects.
    pub fn profile(&self) -> String {
        match self {
            Trigger::Baseline => "baseline".into(),
            Trigger::Aspect { aspect, level } => format!("{}-{level}", aspect.aspect().key()),
            Trigger::HealthData => "health-data".into(),
            Trigger::SocialCare => "social-care".into(),
            Trigger::SpecialCategories => "special-categories".into(),
            Trigger::Outsourced => "outsourced".into(),
            Trigger::PublicCloud => "public-cloud".into(),
            Trigger::ThirdCountry => "third-country".into(),
            Trigger::CybersecurityAct => "cybersecurity-act".into(),
        }
    }

    /// Every profile a trigger can name: the library must have each of them.
    pub fn all() -> Vec<Trigger> {
        let mut out = vec![Trigger::Baseline];
        for a in Aspect::ALL {
            for level in 1..=4 {
                out.push(Trigger::Aspect {
                    aspect: a.into(),
                    level,
                });
            }
        }
        out.extend([
            Trigger::HealthData,
            Trigger::SocialCare,
            Trigger::SpecialCategories,
            Trigger::Outsourced,
            Trigger::PublicCloud,
            Trigger::ThirdCountry,
            Trigger::CybersecurityAct,
        ]);
        out
    }
}

/// The profiles a system triggers, baseline first. An aspect at level 0 (Försumbar) adds nothing
/// beyond the baseline; at level n it selects the profile of level n, which includes the levels
/// below it. Outsourcing and public cloud both bring the supplier requirements; processing outside
/// the EU/EEA brings the third-country requirements.
pub fn triggers(f: &SystemFacts) -> Vec<Trigger> {
    let mut out = vec![Trigger::Baseline];
    if let Some(levels) = f.levels {
        for a in Aspect::ALL {
            let level = levels.get(a);
            if level > ConsequenceLevel::Negligible {
                out.push(Trigger::Aspect {
                    aspect: a.into(),
                    level: level.number(),
                });
            }
        }
    }
    if f.health_data {
        out.push(Trigger::HealthData);
    }
    if f.social_care {
        out.push(Trigger::SocialCare);
    }
    if f.special_categories {
        out.push(Trigger::SpecialCategories);
    }
    match f.hosting.as_str() {
        "outsourced" => out.push(Trigger::Outsourced),
        "public_cloud" => {
            out.push(Trigger::Outsourced);
            out.push(Trigger::PublicCloud);
        }
        _ => {}
    }
    if f.country.as_deref().is_some_and(|c| !is_eu_eea(c)) {
        out.push(Trigger::ThirdCountry);
    }
    if f.cybersecurity_act {
        out.push(Trigger::CybersecurityAct);
    }
    out
}

/// EU and EEA member states, in Swedish and English, with common short forms.
const EU_EEA: &[&str] = &[
    "sverige",
    "sweden",
    "se",
    "danmark",
    "denmark",
    "dk",
    "finland",
    "fi",
    "norge",
    "norway",
    "no",
    "island",
    "iceland",
    "is",
    "liechtenstein",
    "li",
    "tyskland",
    "germany",
    "de",
    "frankrike",
    "france",
    "fr",
    "nederländerna",
    "netherlands",
    "nl",
    "belgien",
    "belgium",
    "be",
    "luxemburg",
    "luxembourg",
    "lu",
    "irland",
    "ireland",
    "ie",
    "österrike",
    "austria",
    "at",
    "spanien",
    "spain",
    "es",
    "portugal",
    "pt",
    "italien",
    "italy",
    "it",
    "grekland",
    "greece",
    "gr",
    "polen",
    "poland",
    "pl",
    "tjeckien",
    "czechia",
    "czech republic",
    "cz",
    "slovakien",
    "slovakia",
    "sk",
    "ungern",
    "hungary",
    "hu",
    "slovenien",
    "slovenia",
    "si",
    "kroatien",
    "croatia",
    "hr",
    "rumänien",
    "romania",
    "ro",
    "bulgarien",
    "bulgaria",
    "bg",
    "estland",
    "estonia",
    "ee",
    "lettland",
    "latvia",
    "lv",
    "litauen",
    "lithuania",
    "lt",
    "malta",
    "mt",
    "cypern",
    "cyprus",
    "cy",
    "eu",
    "eu/ees",
    "ees",
    "eea",
];

/// Whether a country of processing is inside the EU/EEA. Several countries may be listed,
/// separated by commas; one outside makes the whole answer no. An empty entry counts as inside
/// (nothing is known that triggers third-country requirements).
pub fn is_eu_eea(country: &str) -> bool {
    country
        .split([',', ';'])
        .map(|c| c.trim().to_lowercase())
        .filter(|c| !c.is_empty())
        .all(|c| EU_EEA.contains(&c.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsequenceLevel::*;

    fn levels(
        c: ConsequenceLevel,
        i: ConsequenceLevel,
        a: ConsequenceLevel,
        t: ConsequenceLevel,
    ) -> Levels {
        Levels {
            confidentiality: c,
            integrity: i,
            availability: a,
            traceability: t,
        }
    }

    fn facts() -> SystemFacts {
        SystemFacts {
            hosting: "own_operation".into(),
            country: Some("Sverige".into()),
            ..Default::default()
        }
    }

    #[test]
    fn every_system_gets_the_baseline_and_an_unclassified_one_only_that() {
        assert_eq!(triggers(&facts()), vec![Trigger::Baseline]);
    }

    #[test]
    fn each_aspect_above_negligible_selects_the_profile_of_its_level() {
        let f = SystemFacts {
            levels: Some(levels(Serious, Negligible, Significant, Moderate)),
            ..facts()
        };
        let profiles: Vec<String> = triggers(&f).iter().map(Trigger::profile).collect();
        assert_eq!(
            profiles,
            vec![
                "baseline",
                "confidentiality-3",
                "availability-2",
                "traceability-1"
            ]
        );
    }

    #[test]
    fn health_data_brings_the_patient_data_act_profile() {
        let f = SystemFacts {
            health_data: true,
            ..facts()
        };
        assert!(triggers(&f).contains(&Trigger::HealthData));
        assert!(!triggers(&facts()).contains(&Trigger::HealthData));
    }

    #[test]
    fn outsourced_brings_supplier_requirements_and_public_cloud_adds_cloud_ones() {
        let out = SystemFacts {
            hosting: "outsourced".into(),
            ..facts()
        };
        assert!(triggers(&out).contains(&Trigger::Outsourced));
        assert!(!triggers(&out).contains(&Trigger::PublicCloud));
        let cloud = SystemFacts {
            hosting: "public_cloud".into(),
            ..facts()
        };
        assert!(triggers(&cloud).contains(&Trigger::Outsourced));
        assert!(triggers(&cloud).contains(&Trigger::PublicCloud));
        assert!(!triggers(&facts()).contains(&Trigger::Outsourced));
    }

    #[test]
    fn processing_outside_the_eu_eea_brings_third_country_requirements() {
        for (country, third) in [
            ("Sverige", false),
            ("Norge", false),
            ("Irland, Tyskland", false),
            ("USA", true),
            ("Sverige, USA", true),
            ("", false),
        ] {
            let f = SystemFacts {
                country: Some(country.into()),
                ..facts()
            };
            assert_eq!(
                triggers(&f).contains(&Trigger::ThirdCountry),
                third,
                "{country}"
            );
        }
    }

    #[test]
    fn every_trigger_names_a_distinct_profile() {
        let all = Trigger::all();
        let mut names: Vec<String> = all.iter().map(Trigger::profile).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        assert_eq!(all.len(), 1 + 16 + 7);
    }
}
