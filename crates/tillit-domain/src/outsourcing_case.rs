//! An outsourcing case: a supplier's service and the systems and information it concerns, the
//! answers of the guided assessment, and the decision record. The facts the registers hold
//! (the data's classification and confidentiality, the supplier's places and agreements, the
//! organisation's legal form) are read from them, never retyped; the case's answers fill in what
//! the registers cannot tell.

use crate::draft;
use crate::outsourcing::{Facts, KEY_HOLDERS, SCOPES, TRANSFER_BASES};
use crate::supplier::{answer, SupplierInput};
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At least this many people make the data "large scale" in the assessment.
pub const LARGE_SCALE: i64 = 100_000;

/// The questions the case answers itself: (fact, allowed words). A yes/no fact has no words.
pub const ASKED: &[(&str, Option<&[&str]>)] = &[
    ("scope", Some(SCOPES)),
    ("encryption_in_transit", None),
    ("encryption_at_rest", None),
    ("key_holder", Some(KEY_HOLDERS)),
    ("supplier_plaintext_access", None),
    ("supplier_access_logged", None),
    ("transfer_basis", Some(TRANSFER_BASES)),
    ("dpf_certified", None),
    ("dpf_hr_scope", None),
    ("transfer_impact_assessment", None),
    ("covered_by_lag_2020_914", None),
    // Asked only when the registers cannot tell.
    ("confidentiality_provision", None),
    ("large_scale", None),
    ("processing_agreement", None),
];

/// What a case is about, with its answers, validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseInput {
    pub title: String,
    /// The case's reference in the organisation's diary (diarienummer), as written.
    pub reference: Option<String>,
    /// The member who prepares the case (handläggare).
    pub prepared_by: Option<String>,
    pub supplier_id: String,
    pub service: Option<String>,
    pub system_ids: Vec<String>,
    pub asset_ids: Vec<String>,
    /// The answers given in the case (known ones only).
    pub answers: Facts,
}

/// A case as entered. Each answer is a word of its question, `yes`/`no`, or empty (not known).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = OutsourcingCaseBody))]
#[serde(deny_unknown_fields)]
pub struct CaseDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub title: String,
    /// The case's reference in the organisation's diary (diarienummer), e.g. `RS 2026/1234`.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub reference: String,
    /// The member who prepares the case (handläggare): a membership id.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub prepared_by: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub supplier_id: String,
    /// What the supplier does: the service and the processing.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub service: String,
    #[serde(default, deserialize_with = "draft::texts")]
    pub system_ids: Vec<String>,
    #[serde(default, deserialize_with = "draft::texts")]
    pub asset_ids: Vec<String>,
    /// technical, beyond_technical or exercise_of_authority
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub scope: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub encryption_in_transit: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub encryption_at_rest: String,
    /// customer_outside_supplier, customer_in_supplier_service or supplier
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub key_holder: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub supplier_plaintext_access: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub supplier_access_logged: String,
    /// adequacy, dpf, scc, bcr, derogation or none
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub transfer_basis: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dpf_certified: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dpf_hr_scope: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub transfer_impact_assessment: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub covered_by_lag_2020_914: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub confidentiality_provision: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub large_scale: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub processing_agreement: String,
}

impl CaseDraft {
    fn answer_text(&self, fact: &str) -> &str {
        match fact {
            "scope" => &self.scope,
            "encryption_in_transit" => &self.encryption_in_transit,
            "encryption_at_rest" => &self.encryption_at_rest,
            "key_holder" => &self.key_holder,
            "supplier_plaintext_access" => &self.supplier_plaintext_access,
            "supplier_access_logged" => &self.supplier_access_logged,
            "transfer_basis" => &self.transfer_basis,
            "dpf_certified" => &self.dpf_certified,
            "dpf_hr_scope" => &self.dpf_hr_scope,
            "transfer_impact_assessment" => &self.transfer_impact_assessment,
            "covered_by_lag_2020_914" => &self.covered_by_lag_2020_914,
            "confidentiality_provision" => &self.confidentiality_provision,
            "large_scale" => &self.large_scale,
            "processing_agreement" => &self.processing_agreement,
            _ => "",
        }
    }
}

/// Ids from a list, trimmed, without repeats.
fn ids(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

impl TryFrom<&CaseDraft> for CaseInput {
    type Error = ValidationErrors;

    fn try_from(d: &CaseDraft) -> Result<CaseInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let title = errs.check(text::required("title", &d.title, 200));
        let reference = errs
            .check(text::optional("reference", &d.reference, 60))
            .flatten();
        let prepared_by = errs
            .check(text::optional("prepared_by", &d.prepared_by, 100))
            .flatten();
        let supplier_id = errs.check(text::required("supplier_id", &d.supplier_id, 100));
        let service = errs
            .check(text::optional("service", &d.service, 4000))
            .flatten();
        let system_ids = ids(&d.system_ids);
        let asset_ids = ids(&d.asset_ids);
        if system_ids.is_empty() && asset_ids.is_empty() {
            errs.push(ValidationError::new("concerns", Rule::Required));
        }
        let mut answers = Facts::default();
        for (fact, words) in ASKED {
            let v = d.answer_text(fact).trim();
            let value = match words {
                _ if v.is_empty() || v == "unknown" => continue,
                Some(words) => {
                    if words.contains(&v) {
                        Value::from(v)
                    } else {
                        errs.push(ValidationError::new(*fact, Rule::UnknownValue));
                        continue;
                    }
                }
                None => match answer(fact, v) {
                    Ok(Some(b)) => Value::from(b),
                    Ok(None) => continue,
                    Err(e) => {
                        errs.push(e);
                        continue;
                    }
                },
            };
            answers.0.insert(fact.to_string(), value);
        }
        errs.clone().into_result()?;
        match (title, supplier_id) {
            (Some(title), Some(supplier_id)) => Ok(CaseInput {
                title,
                reference,
                prepared_by,
                supplier_id,
                service,
                system_ids,
                asset_ids,
                answers,
            }),
            _ => Err(errs),
        }
    }
}

/// The register facts of one information asset (or a system's own levels) the case concerns.
#[derive(Debug, Clone, Default)]
pub struct DataFacts {
    pub has_provision: bool,
    /// presumption_of_secrecy, presumption_of_openness or absolute
    pub strength: Option<String>,
    /// The confidentiality level, when classified.
    pub confidentiality: Option<u8>,
    pub personal_data: bool,
    pub special_categories: bool,
    pub staff: bool,
    pub individuals: Option<i64>,
}

fn strength_rank(s: &str) -> u8 {
    match s {
        "absolute" => 3,
        "presumption_of_secrecy" => 2,
        _ => 1,
    }
}

/// The facts the registers give: the organisation's form, the data's confidentiality and
/// sensitivity (the strictest of what the case concerns), and the supplier's places, law and
/// agreements. What they cannot tell is left out, to be answered in the case or stay open.
pub fn register_facts(
    public_body: Option<bool>,
    data: &[DataFacts],
    supplier: &SupplierInput,
    today: &str,
) -> Facts {
    let mut f = Facts::default();
    let mut put = |k: &str, v: Value| {
        f.0.insert(k.to_string(), v);
    };
    if let Some(p) = public_body {
        put("public_body", Value::from(p));
        if p {
            // Lag (2020:914) gives the staff of an authority's supplier a duty of confidentiality.
            put("covered_by_lag_2020_914", Value::from(true));
        }
    }
    if !data.is_empty() {
        if data.iter().any(|d| d.has_provision || d.strength.is_some()) {
            put("confidentiality_provision", Value::from(true));
        }
        if let Some(s) = data
            .iter()
            .filter_map(|d| d.strength.as_deref())
            .max_by_key(|s| strength_rank(s))
        {
            put("confidentiality_strength", Value::from(s));
        }
        let known = data.iter().filter_map(|d| d.confidentiality).max();
        let all_classified = data.iter().all(|d| d.confidentiality.is_some());
        if let Some(level) = known.filter(|l| all_classified || *l == 4) {
            put("confidentiality_level", Value::from(level));
        }
        let personal = data.iter().any(|d| d.personal_data);
        put("personal_data", Value::from(personal));
        put(
            "special_categories",
            Value::from(data.iter().any(|d| d.special_categories)),
        );
        put("staff_data", Value::from(data.iter().any(|d| d.staff)));
        if data
            .iter()
            .any(|d| d.individuals.is_some_and(|n| n >= LARGE_SCALE))
        {
            put("large_scale", Value::from(true));
        } else if data.iter().all(|d| d.individuals.is_some()) {
            put("large_scale", Value::from(false));
        }
    }
    let places = [
        (
            "data_in_eea",
            SupplierInput::all_in_eea(&supplier.data_locations),
        ),
        (
            "support_in_eea",
            SupplierInput::all_in_eea(&supplier.support_locations),
        ),
        ("subprocessors_in_eea", supplier.subprocessors_in_eea()),
    ];
    for (k, v) in places {
        if let Some(v) = v {
            put(k, Value::from(v));
        }
    }
    let outside = places.iter().map(|(_, v)| *v);
    if outside.clone().any(|v| v == Some(false)) {
        put("third_country_transfer", Value::from(true));
    } else if outside.clone().all(|v| v == Some(true)) {
        put("third_country_transfer", Value::from(false));
    }
    if let Some(v) = supplier.foreign_law_exposure() {
        put("foreign_law_exposure", Value::from(v));
    }
    for (k, v) in [
        (
            "confidentiality_undertaking",
            supplier.confidentiality_undertaking,
        ),
        ("audit_rights", supplier.audit_rights),
        ("subprocessor_control", supplier.subprocessor_approval),
        ("exit_terms", supplier.exit_terms),
    ] {
        if let Some(v) = v {
            put(k, Value::from(v));
        }
    }
    if supplier.dpa_signed_on.is_some() {
        put("processing_agreement", Value::from(true));
    }
    let iso: Vec<_> = supplier
        .certifications
        .iter()
        .filter(|c| c.name.contains("27001"))
        .collect();
    if iso
        .iter()
        .any(|c| c.valid_until.as_deref().is_none_or(|u| u >= today))
    {
        put("certified_iso27001", Value::from(true));
    } else if !supplier.certifications.is_empty() {
        put("certified_iso27001", Value::from(false));
    }
    f
}

/// The facts a case is assessed on: the registers' facts, and the case's answers where the
/// registers do not tell. Also says which facts came from where.
pub fn case_facts(registers: &Facts, answers: &Facts) -> Facts {
    let mut f = registers.clone();
    for (k, v) in &answers.0 {
        f.0.entry(k.clone()).or_insert_with(|| v.clone());
    }
    f
}

/// The decision maker's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    ApprovedWithConditions,
    Rejected,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [
        Outcome::Approved,
        Outcome::ApprovedWithConditions,
        Outcome::Rejected,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::ApprovedWithConditions => "approved_with_conditions",
            Outcome::Rejected => "rejected",
        }
    }
    pub fn from_key(k: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.key() == k)
    }
}

/// A decision as entered: the outcome, why, and the conditions (ids from the assessment) that
/// become measures in the action plan.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = OutsourcingDecisionBody))]
#[serde(deny_unknown_fields)]
pub struct DecisionDraft {
    /// approved, approved_with_conditions or rejected
    #[serde(default, deserialize_with = "draft::text")]
    pub outcome: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub motivation: String,
    /// Condition ids of the assessment to carry out as measures.
    #[serde(default, deserialize_with = "draft::texts")]
    pub conditions: Vec<String>,
    /// YYYY-MM-DD: when the conditions' measures are due.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub conditions_due_on: String,
    /// The delegation the decision is made under (e.g. the point of the board's delegation
    /// order), as written.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub delegation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionInput {
    pub outcome: Outcome,
    pub motivation: String,
    pub conditions: Vec<String>,
    pub conditions_due_on: Option<String>,
    pub delegation: Option<String>,
}

/// Checks a decision against the assessment's conditions: conditions belong to an approval with
/// conditions, and each must be one the assessment offers.
pub fn parse_decision(
    d: &DecisionDraft,
    offered: &[String],
    today: &str,
) -> Result<DecisionInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let outcome = match draft::present(&d.outcome) {
        None => {
            errs.push(ValidationError::new("outcome", Rule::Required));
            None
        }
        Some(k) => {
            let o = Outcome::from_key(k);
            if o.is_none() {
                errs.push(ValidationError::new("outcome", Rule::UnknownValue));
            }
            o
        }
    };
    let motivation = errs.check(text::required("motivation", &d.motivation, 4000));
    let delegation = errs
        .check(text::optional("delegation", &d.delegation, 300))
        .flatten();
    let conditions = ids(&d.conditions);
    // The conditions on offer depend on the case's assessment today.
    if conditions.iter().any(|c| !offered.contains(c)) {
        errs.push(ValidationError::new("conditions", Rule::NotFound));
    }
    if outcome == Some(Outcome::ApprovedWithConditions) && conditions.is_empty() {
        errs.push(ValidationError::new("conditions", Rule::Required));
    }
    if matches!(outcome, Some(Outcome::Approved | Outcome::Rejected)) && !conditions.is_empty() {
        errs.push(ValidationError::new("conditions", Rule::Mismatch));
    }
    let conditions_due_on = match draft::present(&d.conditions_due_on) {
        None => None,
        Some(v) => match crate::risk::parse_date("conditions_due_on", v) {
            Ok(date) if date.as_str() < today => {
                errs.push(ValidationError::new("conditions_due_on", Rule::InThePast));
                None
            }
            Ok(date) => Some(date),
            Err(e) => {
                errs.push(e);
                None
            }
        },
    };
    errs.clone().into_result()?;
    match (outcome, motivation) {
        (Some(outcome), Some(motivation)) => Ok(DecisionInput {
            outcome,
            motivation,
            conditions,
            conditions_due_on,
            delegation,
        }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supplier::SupplierDraft;

    fn supplier(fields: &[(&str, &str)]) -> SupplierInput {
        let mut d = SupplierDraft {
            name: "Leverantör".into(),
            ..Default::default()
        };
        for (k, v) in fields {
            match *k {
                "country" => d.country = v.to_string(),
                "data_locations" => d.data_locations = vec![v.to_string()],
                "support_locations" => d.support_locations = vec![v.to_string()],
                "parent_company" => d.parent_company = v.to_string(),
                "parent_country" => d.parent_country = v.to_string(),
                "dpa_signed_on" => d.dpa_signed_on = v.to_string(),
                "certifications" => d.certifications = v.to_string(),
                "audit_rights" => d.audit_rights = v.to_string(),
                _ => unreachable!(),
            }
        }
        SupplierInput::try_from(&d).unwrap()
    }

    #[test]
    fn the_registers_give_the_strictest_data_facts_and_leave_the_unknown_open() {
        let data = [
            DataFacts {
                has_provision: true,
                strength: Some("presumption_of_secrecy".into()),
                confidentiality: Some(3),
                personal_data: true,
                special_categories: true,
                individuals: Some(150_000),
                ..Default::default()
            },
            DataFacts {
                strength: Some("presumption_of_openness".into()),
                confidentiality: Some(1),
                staff: true,
                ..Default::default()
            },
        ];
        let s = supplier(&[
            ("country", "SE"),
            ("parent_company", "Cloud Corp"),
            ("parent_country", "US"),
            ("data_locations", "SE"),
            ("support_locations", "US"),
            ("dpa_signed_on", "2024-01-01"),
            ("certifications", "ISO/IEC 27001; 2025-12-31"),
        ]);
        let f = register_facts(Some(true), &data, &s, "2026-12-01");
        let get = |k: &str| f.get(k).cloned();
        assert_eq!(
            get("confidentiality_strength"),
            Some(Value::from("presumption_of_secrecy"))
        );
        assert_eq!(get("confidentiality_level"), Some(Value::from(3)));
        assert_eq!(get("large_scale"), Some(Value::from(true)));
        assert_eq!(get("staff_data"), Some(Value::from(true)));
        assert_eq!(get("data_in_eea"), Some(Value::from(true)));
        assert_eq!(get("support_in_eea"), Some(Value::from(false)));
        assert_eq!(get("third_country_transfer"), Some(Value::from(true)));
        assert_eq!(get("foreign_law_exposure"), Some(Value::from(true)));
        assert_eq!(get("processing_agreement"), Some(Value::from(true)));
        assert_eq!(
            get("certified_iso27001"),
            Some(Value::from(false)),
            "expired"
        );
        assert_eq!(get("audit_rights"), None, "not answered in the register");
        assert_eq!(get("covered_by_lag_2020_914"), Some(Value::from(true)));

        // An unclassified asset leaves the level open, unless another is already at 4.
        let open = [
            DataFacts::default(),
            DataFacts {
                confidentiality: Some(3),
                ..Default::default()
            },
        ];
        assert_eq!(
            register_facts(None, &open, &s, "2026-12-01").get("confidentiality_level"),
            None
        );
        let top = [
            DataFacts::default(),
            DataFacts {
                confidentiality: Some(4),
                ..Default::default()
            },
        ];
        assert_eq!(
            register_facts(None, &top, &s, "2026-12-01").get("confidentiality_level"),
            Some(&Value::from(4))
        );
    }

    #[test]
    fn answers_fill_in_what_the_registers_cannot_tell_but_never_override_them() {
        let mut registers = Facts::default();
        registers.0.insert("data_in_eea".into(), Value::from(false));
        let mut answers = Facts::default();
        answers.0.insert("data_in_eea".into(), Value::from(true));
        answers.0.insert("scope".into(), Value::from("technical"));
        let f = case_facts(&registers, &answers);
        assert_eq!(f.get("data_in_eea"), Some(&Value::from(false)));
        assert_eq!(f.get("scope"), Some(&Value::from("technical")));
    }

    #[test]
    fn a_case_needs_a_title_a_supplier_and_what_it_concerns() {
        let e = CaseInput::try_from(&CaseDraft::default()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "supplier_id", "concerns"]);
        let d = CaseDraft {
            title: "E-tjänster i molnet".into(),
            supplier_id: "s1".into(),
            system_ids: vec!["sys".into()],
            scope: "technical".into(),
            key_holder: "supplier".into(),
            supplier_plaintext_access: "yes".into(),
            encryption_at_rest: "unknown".into(),
            transfer_basis: "adequacy-ish".into(),
            ..Default::default()
        };
        let e = CaseInput::try_from(&d).unwrap_err();
        assert_eq!(e.0[0].field, "transfer_basis");
        let d = CaseDraft {
            transfer_basis: String::new(),
            ..d
        };
        let c = CaseInput::try_from(&d).unwrap();
        assert_eq!(
            c.answers.get("supplier_plaintext_access"),
            Some(&Value::from(true))
        );
        assert_eq!(
            c.answers.get("encryption_at_rest"),
            None,
            "unknown is left open"
        );
    }

    #[test]
    fn a_decision_carries_only_conditions_the_assessment_offers() {
        let offered = vec!["customer-held-keys".to_string()];
        let ok = parse_decision(
            &DecisionDraft {
                outcome: "approved_with_conditions".into(),
                motivation: "Med regionens egna nycklar.".into(),
                conditions: vec!["customer-held-keys".into()],
                ..Default::default()
            },
            &offered,
            "2026-12-01",
        )
        .unwrap();
        assert_eq!(ok.outcome, Outcome::ApprovedWithConditions);
        let e = parse_decision(
            &DecisionDraft {
                outcome: "approved_with_conditions".into(),
                motivation: " ".into(),
                conditions: vec!["made-up".into()],
                conditions_due_on: "2020-01-01".into(),
                delegation: "x".repeat(301),
            },
            &offered,
            "2026-12-01",
        )
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "motivation",
                "delegation",
                "conditions",
                "conditions_due_on"
            ]
        );
        let e = parse_decision(
            &DecisionDraft {
                outcome: "approved_with_conditions".into(),
                motivation: "x".into(),
                ..Default::default()
            },
            &offered,
            "2026-12-01",
        )
        .unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].rule.clone()),
            ("conditions", Rule::Required)
        );
    }
}
