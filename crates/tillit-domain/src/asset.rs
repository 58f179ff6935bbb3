//! An information asset (informationsmängd): the facts a person enters about it, and the rules
//! that check them.

use crate::draft::{self, present};
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};

/// Special categories of personal data (GDPR art. 9) an asset may hold.
pub const SPECIAL_CATEGORIES: &[&str] = crate::words::SpecialCategory::KEYS;

/// Whom the personal data is about.
pub const DATA_SUBJECTS: &[&str] = crate::words::DataSubject::KEYS;

/// How strong the confidentiality of an asset is (presumption of secrecy, of openness, absolute).
pub const CONFIDENTIALITY_STRENGTHS: &[&str] = crate::words::ConfidentialityStrength::KEYS;

/// An asset's facts, validated.
#[derive(Debug, Clone, Serialize)]
pub struct AssetInput {
    pub name: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub personal_data: bool,
    /// Keys of art. 9 categories, e.g. `health`, `genetic`.
    pub special_categories: Vec<String>,
    /// Data about criminal offences (GDPR art. 10, not an art. 9 category).
    pub offences: bool,
    /// Keys, e.g. `patients`, `staff`, `children`.
    pub data_subjects: Vec<String>,
    pub individuals_approx: Option<i64>,
    /// e.g. "25 kap. 1 § OSL".
    pub confidentiality_provisions: Option<String>,
    /// One of [`CONFIDENTIALITY_STRENGTHS`].
    pub confidentiality_strength: Option<String>,
    pub legal_basis: Option<String>,
    pub review_interval_months: i64,
}

impl AssetInput {
    /// Patient data (patientuppgifter): the asset is about patients, or health-care secrecy
    /// (25 kap. OSL) protects it. Health data about staff alone (sick leave) is not patient data.
    /// A system that processes an asset with patient data processes patient data.
    pub fn is_patient_data(&self) -> bool {
        self.data_subjects
            .iter()
            .any(|s| s == crate::words::DataSubject::Patients.key())
            || self.provisions_include(PATIENT_DATA_SECRECY)
    }

    /// Social-care data: about care recipients, or social-services secrecy (26 kap. OSL).
    pub fn is_social_care_data(&self) -> bool {
        self.data_subjects
            .iter()
            .any(|s| s == crate::words::DataSubject::CareRecipients.key())
            || self.provisions_include(SOCIAL_CARE_SECRECY)
    }

    fn provisions_include(&self, chapter: &str) -> bool {
        self.confidentiality_provisions
            .as_deref()
            .is_some_and(|p| p.contains(chapter))
    }
}

/// The key under which version 1 kept offences among the special categories.
const OLD_OFFENCES_KEY: &str = "offences";

/// The chapter of OSL on secrecy in health care, as written in an asset's provisions.
pub const PATIENT_DATA_SECRECY: &str = "25 kap";
/// The chapter of OSL on secrecy in social services.
pub const SOCIAL_CARE_SECRECY: &str = "26 kap";

/// An information asset's facts as entered (the whole set; an update replaces them).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AssetBody))]
#[serde(deny_unknown_fields)]
pub struct AssetDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub name: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub owner_membership_id: String,
    #[serde(default, deserialize_with = "draft::flag")]
    #[cfg_attr(feature = "openapi", schema(value_type = bool))]
    pub personal_data: String,
    /// ethnic_origin, political, religion, trade_union, genetic, biometric, health, sex_life (GDPR
    /// art. 9). `offences` is still read here from older files and means `offences: true`.
    #[serde(default, deserialize_with = "draft::texts")]
    pub special_categories: Vec<String>,
    /// Data about criminal offences (GDPR art. 10): true or false
    #[serde(default, deserialize_with = "draft::flag")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub offences: String,
    /// patients, care_recipients, children, relatives, staff, public
    #[serde(default, deserialize_with = "draft::texts")]
    pub data_subjects: Vec<String>,
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub individuals_approx: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub confidentiality_provisions: String,
    /// presumption_of_secrecy, presumption_of_openness or absolute
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub confidentiality_strength: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub legal_basis: String,
    /// 1–60, default 12.
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub review_interval_months: String,
}

/// An optional whole number within bounds; spaces (as in "250 000") are allowed.
pub fn int_field(
    field: &str,
    value: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, ValidationError> {
    let v = value.trim().replace([' ', '\u{a0}'], "");
    if v.is_empty() {
        return Ok(None);
    }
    let n: i64 = v
        .parse()
        .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))?;
    if !(min..=max).contains(&n) {
        return Err(ValidationError::new(field, Rule::OutOfRange { min, max }));
    }
    Ok(Some(n))
}

/// Keys from a list (each value may itself be a comma-separated list), sorted and without
/// repeats; an unknown key is an error of the field.
pub fn keys(
    field: &str,
    values: &[String],
    allowed: &[&str],
    errs: &mut ValidationErrors,
) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .flat_map(|v| v.split(',').map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .collect();
    if out.iter().any(|k| !allowed.contains(&k.as_str())) {
        errs.push(ValidationError::new(field, Rule::UnknownValue));
    }
    out.sort();
    out.dedup();
    out
}

/// A yes/no field: empty is no.
pub fn yes_no(field: &str, value: &str) -> Result<bool, ValidationError> {
    match value.trim() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" | "on" => Ok(true),
        _ => Err(ValidationError::new(field, Rule::InvalidFormat)),
    }
}

impl TryFrom<&AssetDraft> for AssetInput {
    type Error = ValidationErrors;

    /// Every broken rule is named by its field. Special categories or data subjects without
    /// personal data contradict each other.
    fn try_from(d: &AssetDraft) -> Result<AssetInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let name = errs.check(text::required("name", &d.name, 200));
        let description = errs.check(text::optional("description", &d.description, 4000));
        let owner = errs.check(text::optional(
            "owner_membership_id",
            &d.owner_membership_id,
            100,
        ));
        let personal_data = errs
            .check(yes_no("personal_data", &d.personal_data))
            .unwrap_or(false);
        // Version 1 listed offences among the special categories; it is art. 10, its own fact.
        let mut offences = errs.check(yes_no("offences", &d.offences)).unwrap_or(false);
        let mut special_categories = keys(
            "special_categories",
            &d.special_categories,
            &[SPECIAL_CATEGORIES, &[OLD_OFFENCES_KEY]].concat(),
            &mut errs,
        );
        if let Some(i) = special_categories
            .iter()
            .position(|k| k == OLD_OFFENCES_KEY)
        {
            special_categories.remove(i);
            offences = true;
        }
        let data_subjects = keys("data_subjects", &d.data_subjects, DATA_SUBJECTS, &mut errs);
        let individuals_approx = errs
            .check(int_field(
                "individuals_approx",
                &d.individuals_approx,
                0,
                100_000_000,
            ))
            .flatten();
        let review_interval_months = errs
            .check(int_field(
                "review_interval_months",
                &d.review_interval_months,
                1,
                60,
            ))
            .flatten()
            .unwrap_or(12);
        let provisions = errs.check(text::optional(
            "confidentiality_provisions",
            &d.confidentiality_provisions,
            1000,
        ));
        let legal_basis = errs.check(text::optional("legal_basis", &d.legal_basis, 1000));
        let confidentiality_strength = match present(&d.confidentiality_strength) {
            None => None,
            Some(k) if CONFIDENTIALITY_STRENGTHS.contains(&k) => Some(k.to_string()),
            Some(_) => {
                errs.push(ValidationError::new(
                    "confidentiality_strength",
                    Rule::UnknownValue,
                ));
                None
            }
        };
        if (!special_categories.is_empty() || !data_subjects.is_empty() || offences)
            && !personal_data
        {
            errs.push(ValidationError::new("personal_data", Rule::Mismatch));
        }
        errs.clone().into_result()?;
        let (
            Some(name),
            Some(description),
            Some(owner_membership_id),
            Some(confidentiality_provisions),
            Some(legal_basis),
        ) = (name, description, owner, provisions, legal_basis)
        else {
            return Err(errs);
        };
        Ok(AssetInput {
            name,
            description,
            owner_membership_id,
            personal_data,
            special_categories,
            offences,
            data_subjects,
            individuals_approx,
            confidentiality_provisions,
            confidentiality_strength,
            legal_basis,
            review_interval_months,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Result<AssetInput, ValidationErrors>) -> Vec<(String, Rule)> {
        r.err()
            .map(|e| e.0.into_iter().map(|e| (e.field, e.rule)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn offences_are_art_10_not_a_special_category_and_old_files_still_read() {
        let old = AssetDraft {
            name: "Orosanmälningar".into(),
            personal_data: "true".into(),
            special_categories: vec!["health,offences".into()],
            ..Default::default()
        };
        let a = AssetInput::try_from(&old).unwrap();
        assert!(a.offences);
        assert_eq!(a.special_categories, vec!["health"]);
        assert!(!SPECIAL_CATEGORIES.contains(&"offences"));
        assert_eq!(SPECIAL_CATEGORIES[0], "ethnic_origin");
        let no_personal = AssetDraft {
            name: "x".into(),
            offences: "true".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(AssetInput::try_from(&no_personal)),
            vec![("personal_data".to_string(), Rule::Mismatch)]
        );
    }

    #[test]
    fn an_asset_needs_a_name_and_known_keys() {
        let d = AssetDraft {
            special_categories: vec!["health,astrology".into()],
            personal_data: "yes".into(),
            ..Default::default()
        };
        let f = fields(AssetInput::try_from(&d));
        assert!(f.contains(&("name".into(), Rule::Required)));
        assert!(f.contains(&("special_categories".into(), Rule::UnknownValue)));
    }

    #[test]
    fn data_subjects_without_personal_data_contradict() {
        let d = AssetDraft {
            name: "Journal".into(),
            data_subjects: vec!["patients".into()],
            ..Default::default()
        };
        assert_eq!(
            fields(AssetInput::try_from(&d)),
            [("personal_data".to_string(), Rule::Mismatch)]
        );
    }

    #[test]
    fn numbers_may_have_spaces_and_the_review_interval_defaults_to_a_year() {
        let d = AssetDraft {
            name: "Journal".into(),
            personal_data: "true".into(),
            individuals_approx: "250 000".into(),
            ..Default::default()
        };
        let a = AssetInput::try_from(&d).unwrap();
        assert_eq!(a.individuals_approx, Some(250_000));
        assert_eq!(a.review_interval_months, 12);
    }

    fn asset(subjects: &[&str], provisions: &str) -> AssetInput {
        let d = AssetDraft {
            name: "Uppgifter".into(),
            personal_data: "yes".into(),
            data_subjects: vec![subjects.join(",")],
            confidentiality_provisions: provisions.into(),
            ..Default::default()
        };
        AssetInput::try_from(&d).unwrap()
    }

    #[test]
    fn patient_data_is_data_about_patients_or_under_health_care_secrecy() {
        assert!(asset(&["patients"], "").is_patient_data());
        assert!(asset(&["relatives"], "25 kap. 1 § OSL").is_patient_data());
        // Staff health data (sick leave) is personal data, not patient data.
        assert!(!asset(&["staff"], "39 kap. 1 § OSL").is_patient_data());
        assert!(!asset(&["care_recipients"], "26 kap. 1 § OSL").is_patient_data());
        assert!(asset(&["care_recipients"], "").is_social_care_data());
        assert!(asset(&["public"], "26 kap. 1 § OSL").is_social_care_data());
    }
}
