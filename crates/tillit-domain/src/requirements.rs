//! Which requirements apply to a system, and why. The requirement library has one profile per
//! aspect and level (each level includes the levels below it), a baseline for every system, and
//! profiles triggered by facts about the information and how the system is run. This module decides
//! which profiles a system or the organisation triggers; the library resolves them to
//! requirements. Who a rule binds turns on the organisation's facts as well as the system's: OSL
//! binds public bodies only, a private provider's staff are bound by their own statutes' duty of
//! confidentiality, NIS2 duties bind covered organisations only.

use crate::classification::{Aspect, ConsequenceLevel, Levels};
use crate::org::OrgFacts;
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
    /// It processes data about criminal offences (GDPR art. 10).
    pub offences: bool,
    /// Country of processing as written in the register.
    pub country: Option<String>,
    /// The organisation is a public authority or a body treated as one (OSL binds it).
    pub public_authority: bool,
    /// The organisation is covered by the Cybersecurity Act.
    pub cybersecurity_act: bool,
    /// The organisation has found that it carries on security-sensitive activity.
    pub security_sensitive: bool,
}

impl SystemFacts {
    /// Takes the organisation's facts that decide a system's requirements.
    pub fn with_org(mut self, org: &OrgFacts) -> SystemFacts {
        self.public_authority = org.public_authority();
        self.cybersecurity_act = org.cybersecurity_act().0;
        self.security_sensitive = org.security_sensitive == Some(true);
        self
    }
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
    /// Patient data at a public body: health-care secrecy (25 kap. 1 § OSL).
    OslHealth,
    /// Social-care data at a public body: social-services secrecy (26 kap. 1 § OSL).
    OslSocial,
    /// Patient data at a private provider: the staff's duty of confidentiality under
    /// patientsäkerhetslagen.
    PslHealth,
    /// Social-care data at a private provider: the duty of confidentiality of socialtjänstlagen
    /// and LSS.
    PrivateSocialCare,
    /// Data on criminal offences (GDPR art. 10).
    Offences,
    /// Run by a supplier for a public body: the 10 kap. 2 a § OSL test and lag (2020:914).
    OutsourcedPublic,
    /// Run by a supplier for a private provider: disclosure must not breach its own duty.
    OutsourcedPrivate,
    /// The organisation gives health care (lex Maria, quality management).
    HealthCareProvider,
    /// The organisation gives social care (lex Sarah, quality management).
    SocialCareProvider,
    /// The organisation must have a data protection officer.
    DataProtectionOfficer,
    /// The organisation's own duties under the Cybersecurity Act (registration, management).
    CybersecurityActOrganisation,
    /// The organisation carries on security-sensitive activity: the protective security analysis.
    SecuritySensitive,
    /// A security-sensitive organisation's system run by a supplier: the special assessment
    /// before outsourcing.
    SecuritySensitiveOutsourced,
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
            Trigger::OslHealth => "osl-health".into(),
            Trigger::OslSocial => "osl-social".into(),
            Trigger::PslHealth => "psl-health".into(),
            Trigger::PrivateSocialCare => "private-social-care".into(),
            Trigger::Offences => "offences".into(),
            Trigger::OutsourcedPublic => "outsourced-public".into(),
            Trigger::OutsourcedPrivate => "outsourced-private".into(),
            Trigger::HealthCareProvider => "health-care-provider".into(),
            Trigger::SocialCareProvider => "social-care-provider".into(),
            Trigger::DataProtectionOfficer => "data-protection-officer".into(),
            Trigger::CybersecurityActOrganisation => "cybersecurity-act-organisation".into(),
            Trigger::SecuritySensitive => "security-sensitive".into(),
            Trigger::SecuritySensitiveOutsourced => "security-sensitive-outsourced".into(),
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
            Trigger::OslHealth,
            Trigger::OslSocial,
            Trigger::PslHealth,
            Trigger::PrivateSocialCare,
            Trigger::Offences,
            Trigger::OutsourcedPublic,
            Trigger::OutsourcedPrivate,
            Trigger::HealthCareProvider,
            Trigger::SocialCareProvider,
            Trigger::DataProtectionOfficer,
            Trigger::CybersecurityActOrganisation,
            Trigger::SecuritySensitive,
            Trigger::SecuritySensitiveOutsourced,
        ]);
        out
    }
}

/// The organisation-wide requirements' triggers: the baseline; the care it gives (lex Maria,
/// lex Sarah, quality management); the Cybersecurity Act where it covers the organisation; the
/// data protection officer where one is mandatory.
pub fn organisation_triggers(org: &OrgFacts) -> Vec<Trigger> {
    let mut out = vec![Trigger::Baseline];
    if org.gives_health_care() {
        out.push(Trigger::HealthCareProvider);
    }
    if org.gives_social_care() {
        out.push(Trigger::SocialCareProvider);
    }
    if org.cybersecurity_act().0 {
        out.push(Trigger::CybersecurityAct);
        out.push(Trigger::CybersecurityActOrganisation);
    }
    if org.data_protection_officer().0 {
        out.push(Trigger::DataProtectionOfficer);
    }
    if org.security_sensitive == Some(true) {
        out.push(Trigger::SecuritySensitive);
    }
    out
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
        out.push(if f.public_authority {
            Trigger::OslHealth
        } else {
            Trigger::PslHealth
        });
    }
    if f.social_care {
        out.push(Trigger::SocialCare);
        out.push(if f.public_authority {
            Trigger::OslSocial
        } else {
            Trigger::PrivateSocialCare
        });
    }
    // Patient data is health data, always a special category of art. 9.
    if f.special_categories || f.health_data {
        out.push(Trigger::SpecialCategories);
    }
    if f.offences {
        out.push(Trigger::Offences);
    }
    let supplier = match f.hosting.as_str() {
        "outsourced" => {
            out.push(Trigger::Outsourced);
            true
        }
        "public_cloud" => {
            out.push(Trigger::Outsourced);
            out.push(Trigger::PublicCloud);
            true
        }
        _ => false,
    };
    if supplier {
        out.push(if f.public_authority {
            Trigger::OutsourcedPublic
        } else {
            Trigger::OutsourcedPrivate
        });
        if f.security_sensitive {
            out.push(Trigger::SecuritySensitiveOutsourced);
        }
    }
    // An unknown place is never counted as inside the EU/EEA: a system run by a supplier whose
    // country is not given is treated as possibly outside until someone says where it runs.
    let outside = match f
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => !is_eu_eea(c),
        None => supplier,
    };
    if outside {
        out.push(Trigger::ThirdCountry);
    }
    if f.cybersecurity_act {
        out.push(Trigger::CybersecurityAct);
    }
    out
}

/// Whether a country of processing is inside the EU/EEA: an ISO code or, for a system whose
/// country was written as text before the list, the text. Several countries may be listed,
/// separated by commas; one outside — or one that names no known country — makes the answer no.
/// "EU", "EES" and "EU/EES" count as inside.
pub fn is_eu_eea(country: &str) -> bool {
    country
        .split([',', ';'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .all(|c| {
            matches!(
                c.to_lowercase().as_str(),
                "eu" | "eu/ees" | "ees" | "eea" | "eu/eea"
            ) || crate::country::match_text(c)
                .is_some_and(|x| crate::country::in_eea(&x.code) == Some(true))
        })
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
            public_authority: true,
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
    fn health_data_brings_the_patient_data_act_and_the_secrecy_that_binds_the_organisation() {
        let public = SystemFacts {
            health_data: true,
            ..facts()
        };
        let t = triggers(&public);
        assert!(t.contains(&Trigger::HealthData));
        assert!(t.contains(&Trigger::OslHealth) && !t.contains(&Trigger::PslHealth));
        // Patient data is always an art. 9 category.
        assert!(t.contains(&Trigger::SpecialCategories));
        let private = SystemFacts {
            public_authority: false,
            ..public
        };
        let t = triggers(&private);
        assert!(t.contains(&Trigger::HealthData));
        assert!(t.contains(&Trigger::PslHealth) && !t.contains(&Trigger::OslHealth));
        assert!(!triggers(&facts()).contains(&Trigger::HealthData));
    }

    #[test]
    fn social_care_data_brings_osl_at_a_public_body_and_its_own_statute_at_a_private_one() {
        let public = SystemFacts {
            social_care: true,
            ..facts()
        };
        assert!(triggers(&public).contains(&Trigger::OslSocial));
        let private = SystemFacts {
            public_authority: false,
            ..public
        };
        let t = triggers(&private);
        assert!(t.contains(&Trigger::PrivateSocialCare) && !t.contains(&Trigger::OslSocial));
        assert!(t.contains(&Trigger::SocialCare));
    }

    #[test]
    fn the_osl_outsourcing_test_binds_public_bodies_only() {
        for hosting in ["outsourced", "public_cloud"] {
            let public = SystemFacts {
                hosting: hosting.into(),
                ..facts()
            };
            assert!(triggers(&public).contains(&Trigger::OutsourcedPublic));
            let private = SystemFacts {
                public_authority: false,
                ..public
            };
            let t = triggers(&private);
            assert!(t.contains(&Trigger::OutsourcedPrivate));
            assert!(!t.contains(&Trigger::OutsourcedPublic));
        }
        let own = triggers(&facts());
        assert!(
            !own.contains(&Trigger::OutsourcedPublic) && !own.contains(&Trigger::OutsourcedPrivate)
        );
    }

    #[test]
    fn offences_are_their_own_trigger_not_a_special_category() {
        let f = SystemFacts {
            offences: true,
            ..facts()
        };
        let t = triggers(&f);
        assert!(t.contains(&Trigger::Offences));
        assert!(!t.contains(&Trigger::SpecialCategories));
    }

    #[test]
    fn organisation_triggers_follow_the_organisation_facts() {
        use crate::org::{OrgFacts, OrgKind};
        use crate::words::{CareScope, LegalForm};
        let municipality = OrgFacts::default_for(OrgKind::Municipality);
        assert_eq!(
            organisation_triggers(&municipality),
            vec![
                Trigger::Baseline,
                Trigger::HealthCareProvider,
                Trigger::SocialCareProvider,
                Trigger::CybersecurityAct,
                Trigger::CybersecurityActOrganisation,
                Trigger::DataProtectionOfficer
            ]
        );
        let small_home_care = OrgFacts {
            legal_form: LegalForm::Private,
            care: CareScope::Social,
            employees: Some(12),
            ..OrgFacts::default_for(OrgKind::PrivateProvider)
        };
        assert_eq!(
            organisation_triggers(&small_home_care),
            vec![Trigger::Baseline, Trigger::SocialCareProvider]
        );
        let medium_clinic = OrgFacts {
            employees: Some(180),
            ..OrgFacts::default_for(OrgKind::PrivateProvider)
        };
        assert_eq!(
            organisation_triggers(&medium_clinic),
            vec![
                Trigger::Baseline,
                Trigger::HealthCareProvider,
                Trigger::CybersecurityAct,
                Trigger::CybersecurityActOrganisation,
                Trigger::DataProtectionOfficer
            ]
        );
        // Security-sensitive activity is the organisation's own finding, never a level.
        let sensitive = OrgFacts {
            security_sensitive: Some(true),
            ..medium_clinic.clone()
        };
        assert!(organisation_triggers(&sensitive).contains(&Trigger::SecuritySensitive));
        assert!(!organisation_triggers(&medium_clinic).contains(&Trigger::SecuritySensitive));
        let outsourced = SystemFacts {
            hosting: "outsourced".into(),
            ..SystemFacts::default()
        };
        assert!(triggers(&outsourced.clone().with_org(&sensitive))
            .contains(&Trigger::SecuritySensitiveOutsourced));
        assert!(!triggers(&outsourced.with_org(&medium_clinic))
            .contains(&Trigger::SecuritySensitiveOutsourced));
        // A system inherits the organisation's public status and coverage.
        let sys = SystemFacts::default().with_org(&medium_clinic);
        assert!(!sys.public_authority && sys.cybersecurity_act);
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
            ("Atlantis", true),
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
    fn an_unknown_country_never_counts_as_inside_for_a_suppliers_system() {
        for (hosting, third) in [
            ("own_operation", false),
            ("outsourced", true),
            ("public_cloud", true),
        ] {
            let f = SystemFacts {
                hosting: hosting.into(),
                country: None,
                ..facts()
            };
            assert_eq!(
                triggers(&f).contains(&Trigger::ThirdCountry),
                third,
                "{hosting}"
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
        assert_eq!(all.len(), 1 + 16 + 7 + 13);
    }
}
