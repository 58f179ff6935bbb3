//! Organisations (tenants): their kind, their Swedish organisationsnummer, and the facts the law
//! turns on (who OSL binds, what care they give, whether the Cybersecurity Act covers them, whether
//! they must have a data protection officer, who their controllers are).

use crate::draft;
use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::text;
use crate::words::{CareScope, LegalForm};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an organisation is. Care providers do the information-security work; authorities supervise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Region,
    Municipality,
    PrivateProvider,
    Authority,
}

/// The facts about a care provider that decide which legal duties bind it. Its administrator keeps
/// them; each defaults from the organisation's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgFacts {
    pub legal_form: LegalForm,
    pub care: CareScope,
    /// Number of employees, if given.
    pub employees: Option<i64>,
    /// Annual turnover in million euro, if given.
    pub turnover_meur: Option<i64>,
    /// Annual balance-sheet total in million euro, if given.
    pub balance_meur: Option<i64>,
    /// The organisation's own answer on the Cybersecurity Act, which replaces the rule when set
    /// (for example after the supervisory authority's view, or a group's size).
    pub cybersecurity_override: Option<bool>,
    /// The organisation's own answer on the data protection officer, which replaces the rule.
    pub dpo_override: Option<bool>,
    /// Whether the organisation has found that it carries on security-sensitive activity
    /// (säkerhetsskyddslagen 1 kap. 1 §); `None` while not assessed. A classification level is
    /// only a prompt to assess it.
    pub security_sensitive: Option<bool>,
    /// The controllers (personuppgiftsansvariga): in a region or municipality usually each
    /// committee (nämnd).
    pub controllers: Vec<String>,
}

/// Why the Cybersecurity Act covers an organisation or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CyberReason {
    /// Every region and municipality is covered.
    RegionOrMunicipality,
    /// A health-care provider of medium size or larger (≥ 50 employees, or turnover and
    /// balance sheet both above EUR 10 million).
    MediumHealthCare,
    /// A health-care provider below medium size.
    SmallHealthCare,
    /// A health-care provider whose size is not given.
    SizeUnknown,
    /// Social care is not a covered sector on its own.
    SocialCareOnly,
    /// The organisation's own answer.
    Override,
}

/// Why an organisation must have a data protection officer or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DpoReason {
    /// A public authority or body (GDPR art. 37(1)(a)).
    PublicAuthority,
    /// A private care provider of medium size or larger: large-scale processing of health or
    /// social-care data as its core activity (art. 37(1)(c)).
    LargeScaleCare,
    /// A small private provider: art. 37(1)(c) is the provider's own assessment.
    SmallPrivate,
    Override,
}

impl OrgFacts {
    /// The facts an organisation of this kind starts with.
    pub fn default_for(kind: OrgKind) -> OrgFacts {
        let (legal_form, care) = match kind {
            OrgKind::Region => (LegalForm::Region, CareScope::Health),
            OrgKind::Municipality => (LegalForm::Municipality, CareScope::Both),
            OrgKind::PrivateProvider | OrgKind::Authority => {
                (LegalForm::Private, CareScope::Health)
            }
        };
        OrgFacts {
            legal_form,
            care,
            employees: None,
            turnover_meur: None,
            balance_meur: None,
            cybersecurity_override: None,
            dpo_override: None,
            security_sensitive: None,
            controllers: Vec::new(),
        }
    }

    /// OSL binds public authorities and the bodies treated as such (kommunalförbund, municipal
    /// companies under 2 kap. 3 § OSL); it does not bind private care providers.
    pub fn public_authority(&self) -> bool {
        self.legal_form != LegalForm::Private
    }

    pub fn gives_health_care(&self) -> bool {
        matches!(self.care, CareScope::Health | CareScope::Both)
    }

    pub fn gives_social_care(&self) -> bool {
        matches!(self.care, CareScope::Social | CareScope::Both)
    }

    /// Medium-sized or larger: at least 50 employees, or an annual turnover and a balance sheet
    /// both above EUR 10 million. `None` when nothing decides it.
    pub fn medium_or_larger(&self) -> Option<bool> {
        let by_staff = self.employees.map(|n| n >= 50);
        let by_money = match (self.turnover_meur, self.balance_meur) {
            (Some(t), Some(b)) => Some(t > 10 && b > 10),
            _ => None,
        };
        match (by_staff, by_money) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) | (Some(false), None) | (None, Some(false)) => Some(false),
            (None, None) => None,
        }
    }

    /// Whether the Cybersecurity Act (2025:1506) covers the organisation, and why. Health care
    /// is a covered sector, social care as such is not: every region and municipality is covered,
    /// another health-care provider from medium size. The organisation's own answer wins.
    pub fn cybersecurity_act(&self) -> (bool, CyberReason) {
        if let Some(own) = self.cybersecurity_override {
            return (own, CyberReason::Override);
        }
        if matches!(self.legal_form, LegalForm::Region | LegalForm::Municipality) {
            return (true, CyberReason::RegionOrMunicipality);
        }
        if !self.gives_health_care() {
            return (false, CyberReason::SocialCareOnly);
        }
        match self.medium_or_larger() {
            Some(true) => (true, CyberReason::MediumHealthCare),
            Some(false) => (false, CyberReason::SmallHealthCare),
            None => (false, CyberReason::SizeUnknown),
        }
    }

    /// Whether the organisation must designate a data protection officer (GDPR art. 37), and why.
    pub fn data_protection_officer(&self) -> (bool, DpoReason) {
        if let Some(own) = self.dpo_override {
            return (own, DpoReason::Override);
        }
        if self.public_authority() {
            return (true, DpoReason::PublicAuthority);
        }
        if self.medium_or_larger() == Some(true) {
            (true, DpoReason::LargeScaleCare)
        } else {
            (false, DpoReason::SmallPrivate)
        }
    }
}

/// The organisation facts as entered in the form or the API (the whole set; saving replaces them).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = OrganisationFactsBody))]
#[serde(deny_unknown_fields)]
pub struct OrgFactsDraft {
    /// region, municipality, municipal_association, municipal_company or private
    #[serde(default, deserialize_with = "draft::text")]
    pub legal_form: String,
    /// health, social or both
    #[serde(default, deserialize_with = "draft::text")]
    pub care: String,
    /// 0–10,000,000
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub employees: String,
    /// Million euro, 0–1,000,000
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub turnover_meur: String,
    /// Million euro, 0–1,000,000
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub balance_meur: String,
    /// Empty (follow the rule), yes or no
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub cybersecurity_override: String,
    /// Empty (follow the rule), yes or no
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dpo_override: String,
    /// Empty (not assessed), yes or no
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub security_sensitive: String,
    /// One controller per line (at most 50, each at most 200 characters)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub controllers: String,
}

fn override_field(field: &str, value: &str) -> Result<Option<bool>, ValidationError> {
    match value.trim() {
        "" | "rule" => Ok(None),
        "yes" | "true" => Ok(Some(true)),
        "no" | "false" => Ok(Some(false)),
        _ => Err(ValidationError::new(field, Rule::UnknownValue)),
    }
}

impl TryFrom<&OrgFactsDraft> for OrgFacts {
    type Error = ValidationErrors;

    fn try_from(d: &OrgFactsDraft) -> Result<OrgFacts, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let word = |field: &str, v: &str, parse: fn(&str) -> Option<_>| match draft::present(v) {
            None => Err(ValidationError::new(field, Rule::Required)),
            Some(k) => parse(k).ok_or_else(|| ValidationError::new(field, Rule::UnknownValue)),
        };
        let legal_form = errs.check(word("legal_form", &d.legal_form, LegalForm::parse));
        let care = errs.check(match draft::present(&d.care) {
            None => Err(ValidationError::new("care", Rule::Required)),
            Some(k) => {
                CareScope::parse(k).ok_or_else(|| ValidationError::new("care", Rule::UnknownValue))
            }
        });
        let num = |field: &str, v: &str, max: i64| crate::asset::int_field(field, v, 0, max);
        let employees = errs
            .check(num("employees", &d.employees, 10_000_000))
            .flatten();
        let turnover_meur = errs
            .check(num("turnover_meur", &d.turnover_meur, 1_000_000))
            .flatten();
        let balance_meur = errs
            .check(num("balance_meur", &d.balance_meur, 1_000_000))
            .flatten();
        let cybersecurity_override = errs.check(override_field(
            "cybersecurity_override",
            &d.cybersecurity_override,
        ));
        let dpo_override = errs.check(override_field("dpo_override", &d.dpo_override));
        let security_sensitive =
            errs.check(override_field("security_sensitive", &d.security_sensitive));
        let controllers: Vec<String> = d
            .controllers
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if controllers.len() > 50 {
            errs.push(ValidationError::new(
                "controllers",
                Rule::OutOfRange { min: 0, max: 50 },
            ));
        }
        if controllers.iter().any(|c| c.chars().count() > 200) {
            errs.push(ValidationError::new(
                "controllers",
                Rule::TooLong { max: 200 },
            ));
        }
        errs.clone().into_result()?;
        match (
            legal_form,
            care,
            cybersecurity_override,
            dpo_override,
            security_sensitive,
        ) {
            (
                Some(legal_form),
                Some(care),
                Some(cybersecurity_override),
                Some(dpo_override),
                Some(security_sensitive),
            ) => Ok(OrgFacts {
                legal_form,
                care,
                employees,
                turnover_meur,
                balance_meur,
                cybersecurity_override,
                dpo_override,
                security_sensitive,
                controllers,
            }),
            _ => Err(errs),
        }
    }
}

/// Which side of Tillit an organisation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Provider,
    Authority,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Region,
        OrgKind::Municipality,
        OrgKind::PrivateProvider,
        OrgKind::Authority,
    ];

    pub fn key(self) -> &'static str {
        match self {
            OrgKind::Region => "region",
            OrgKind::Municipality => "municipality",
            OrgKind::PrivateProvider => "private_provider",
            OrgKind::Authority => "authority",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<OrgKind, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        OrgKind::ALL
            .into_iter()
            .find(|k| k.key() == v)
            .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))
    }

    pub fn side(self) -> Side {
        match self {
            OrgKind::Authority => Side::Authority,
            _ => Side::Provider,
        }
    }
}

/// A Swedish organisationsnummer, stored as `NNNNNN-NNNN`.
///
/// Rules: ten digits (an optional `16` century prefix and the hyphen may be given); the third digit
/// is at least 2, which is what separates a legal person's number from a personnummer; the last
/// digit is the Luhn check digit of the first nine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(field: &str, value: &str) -> Result<OrgNumber, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        let digits: String = v.chars().filter(|c| *c != '-').collect();
        let hyphens = v.chars().filter(|c| *c == '-').count();
        let well_formed_hyphen = match hyphens {
            0 => true,
            1 => {
                let pos = v.find('-').unwrap_or(0);
                pos == v.len() - 5
            }
            _ => false,
        };
        if !well_formed_hyphen || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ValidationError::new(field, Rule::InvalidFormat));
        }
        let digits = match digits.len() {
            10 => digits,
            12 if digits.starts_with("16") => digits[2..].to_string(),
            _ => return Err(ValidationError::new(field, Rule::InvalidFormat)),
        };
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        if d[2] < 2 {
            return Err(ValidationError::new(field, Rule::InvalidFormat));
        }
        if luhn_check_digit(&d[..9]) != d[9] {
            return Err(ValidationError::new(field, Rule::InvalidChecksum));
        }
        Ok(OrgNumber(format!("{}-{}", &digits[..6], &digits[6..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Luhn (mod 10) check digit used by Swedish organisations- and personnummer.
pub fn luhn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = if i % 2 == 0 { d * 2 } else { *d };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// An organisation's name: required, at most 200 characters.
pub fn parse_org_name(field: &str, value: &str) -> Result<String, ValidationError> {
    text::required(field, value, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(form: LegalForm, care: CareScope) -> OrgFacts {
        OrgFacts {
            legal_form: form,
            care,
            ..OrgFacts::default_for(OrgKind::PrivateProvider)
        }
    }

    #[test]
    fn the_cybersecurity_act_covers_regions_municipalities_and_medium_private_health_care() {
        use CyberReason::*;
        let region = facts(LegalForm::Region, CareScope::Health);
        assert_eq!(region.cybersecurity_act(), (true, RegionOrMunicipality));
        let mut clinic = facts(LegalForm::Private, CareScope::Health);
        assert_eq!(clinic.cybersecurity_act(), (false, SizeUnknown));
        clinic.employees = Some(49);
        assert_eq!(clinic.cybersecurity_act(), (false, SmallHealthCare));
        clinic.employees = Some(50);
        assert_eq!(clinic.cybersecurity_act(), (true, MediumHealthCare));
        // Turnover and balance sheet must both exceed EUR 10 million.
        clinic.employees = Some(20);
        clinic.turnover_meur = Some(40);
        clinic.balance_meur = Some(8);
        assert_eq!(clinic.cybersecurity_act(), (false, SmallHealthCare));
        clinic.balance_meur = Some(11);
        assert_eq!(clinic.cybersecurity_act(), (true, MediumHealthCare));
        // A large private home-care or LSS company is not covered on that ground.
        let mut home_care = facts(LegalForm::Private, CareScope::Social);
        home_care.employees = Some(900);
        assert_eq!(home_care.cybersecurity_act(), (false, SocialCareOnly));
        // The organisation's own answer wins either way.
        home_care.cybersecurity_override = Some(true);
        assert_eq!(home_care.cybersecurity_act(), (true, Override));
        let mut small_region = region.clone();
        small_region.cybersecurity_override = Some(false);
        assert_eq!(small_region.cybersecurity_act(), (false, Override));
    }

    #[test]
    fn osl_binds_public_bodies_and_not_private_providers() {
        for form in [
            LegalForm::Region,
            LegalForm::Municipality,
            LegalForm::MunicipalAssociation,
            LegalForm::MunicipalCompany,
        ] {
            assert!(facts(form, CareScope::Both).public_authority(), "{form:?}");
        }
        assert!(!facts(LegalForm::Private, CareScope::Both).public_authority());
    }

    #[test]
    fn public_bodies_and_large_private_providers_need_a_data_protection_officer() {
        assert_eq!(
            facts(LegalForm::MunicipalCompany, CareScope::Social).data_protection_officer(),
            (true, DpoReason::PublicAuthority)
        );
        let mut private = facts(LegalForm::Private, CareScope::Health);
        assert_eq!(
            private.data_protection_officer(),
            (false, DpoReason::SmallPrivate)
        );
        private.employees = Some(300);
        assert_eq!(
            private.data_protection_officer(),
            (true, DpoReason::LargeScaleCare)
        );
    }

    #[test]
    fn facts_parse_from_the_form_and_name_every_broken_field() {
        let d = OrgFactsDraft {
            legal_form: "private".into(),
            care: "both".into(),
            employees: "1 200".into(),
            cybersecurity_override: "yes".into(),
            controllers: "Styrelsen\n\n Vårdbolaget AB ".into(),
            ..Default::default()
        };
        let f = OrgFacts::try_from(&d).unwrap();
        assert_eq!(f.employees, Some(1200));
        assert_eq!(f.cybersecurity_override, Some(true));
        assert_eq!(f.controllers, vec!["Styrelsen", "Vårdbolaget AB"]);
        let bad = OrgFactsDraft {
            legal_form: "kommun".into(),
            employees: "-3".into(),
            dpo_override: "maybe".into(),
            ..Default::default()
        };
        let e = OrgFacts::try_from(&bad).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["legal_form", "care", "employees", "dpo_override"]
        );
    }

    #[test]
    fn accepts_valid_numbers_in_every_written_form() {
        for s in [
            "232100-9991",
            "2321009991",
            "16232100-9991",
            "162321009991",
            " 556999-1234 ",
        ] {
            let n = OrgNumber::parse("org_number", s).unwrap();
            assert!(
                n.as_str().len() == 11 && n.as_str().contains('-'),
                "{s} -> {n}"
            );
        }
        assert_eq!(
            OrgNumber::parse("f", "2321009991").unwrap().as_str(),
            "232100-9991"
        );
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        let e = OrgNumber::parse("org_number", "232100-9992").unwrap_err();
        assert_eq!(e.rule, Rule::InvalidChecksum);
        assert_eq!(e.field, "org_number");
    }

    #[test]
    fn refuses_a_personnummer_and_malformed_input() {
        // Third digit below 2: a personnummer (born in month 01-12), not an organisation.
        assert_eq!(
            OrgNumber::parse("f", "8112189876").unwrap_err().rule,
            Rule::InvalidFormat
        );
        for bad in [
            "12345",
            "232100-999X",
            "2321-009991",
            "23-21-009991",
            "172321009991",
        ] {
            assert_eq!(
                OrgNumber::parse("f", bad).unwrap_err().rule,
                Rule::InvalidFormat,
                "{bad}"
            );
        }
        assert_eq!(OrgNumber::parse("f", "").unwrap_err().rule, Rule::Required);
    }

    #[test]
    fn kind_parses_from_its_key_only() {
        assert_eq!(
            OrgKind::parse("kind", "municipality").unwrap(),
            OrgKind::Municipality
        );
        assert_eq!(
            OrgKind::parse("kind", "kommun").unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(OrgKind::Authority.side(), Side::Authority);
        assert_eq!(OrgKind::Region.side(), Side::Provider);
    }
}
