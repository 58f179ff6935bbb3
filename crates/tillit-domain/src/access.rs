//! The access-needs analysis (behovs- och riskanalys) that HSLF-FS 2016:40 4 kap. 2 § requires
//! before access to patient information is granted (the care provider decides the conditions for
//! access, PDL 4 kap. 2 §): the user groups, what each needs and why, the risks of wider
//! (and narrower) access, the resulting access rules, approval and the next review.

use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::risk::parse_date;
use crate::text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserGroup {
    pub name: String,
    pub information_needed: String,
    pub reason: String,
    pub access_rule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessAnalysisInput {
    pub groups: Vec<UserGroup>,
    pub risks_wider: String,
    pub risks_narrower: Option<String>,
    pub access_rules: String,
    /// The information owner's membership, when approved.
    pub approved_by: Option<String>,
    pub approved_on: Option<String>,
    /// YYYY-MM-DD
    pub next_review_on: String,
}

/// Parses the form. Group rows come as repeated fields in the same order; a row left wholly empty
/// is ignored, a partly filled row must name the group, the information and the reason.
/// Approval needs both who and when; the next review defaults to a year after approval.
pub fn parse_access_analysis(
    d: &AccessAnalysisDraft,
) -> Result<AccessAnalysisInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let mut groups = Vec::new();
    for g in &d.groups {
        let (n, inf, r, rule) = (
            g.name.trim().to_string(),
            g.information_needed.trim().to_string(),
            g.reason.trim().to_string(),
            g.access_rule.trim().to_string(),
        );
        if n.is_empty() && inf.is_empty() && r.is_empty() && rule.is_empty() {
            continue;
        }
        let name = errs.check(text::required("group_name", &n, 200));
        let information_needed = errs.check(text::required("group_information", &inf, 2000));
        let reason = errs.check(text::required("group_reason", &r, 2000));
        let access_rule = errs
            .check(text::optional("group_rule", &rule, 2000))
            .flatten();
        if let (Some(name), Some(information_needed), Some(reason)) =
            (name, information_needed, reason)
        {
            groups.push(UserGroup {
                name,
                information_needed,
                reason,
                access_rule,
            });
        }
    }
    if groups.is_empty() && !errs.0.iter().any(|e| e.field.starts_with("group_")) {
        errs.push(ValidationError::new("group_name", Rule::Required));
    }
    let risks_wider = errs.check(text::required("risks_wider", &d.risks_wider, 4000));
    let risks_narrower = errs
        .check(text::optional("risks_narrower", &d.risks_narrower, 4000))
        .flatten();
    let access_rules = errs.check(text::required("access_rules", &d.access_rules, 4000));
    let approved_by = Some(d.approved_by.trim().to_string()).filter(|s| !s.is_empty());
    let approved_on = match d.approved_on.trim() {
        "" => None,
        v => errs.check(parse_date("approved_on", v)),
    };
    if approved_by.is_some() != approved_on.is_some()
        && !errs.0.iter().any(|e| e.field == "approved_on")
    {
        let field = if approved_by.is_some() {
            "approved_on"
        } else {
            "approved_by"
        };
        errs.push(ValidationError::new(field, Rule::Required));
    }
    let next_review_on = match d.next_review_on.trim() {
        "" => approved_on.as_deref().and_then(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .map(|d| crate::measure::next_review(d, 12).to_string())
        }),
        v => errs.check(parse_date("next_review_on", v)),
    };
    if next_review_on.is_none()
        && !errs
            .0
            .iter()
            .any(|e| e.field == "next_review_on" || e.field == "approved_on")
    {
        errs.push(ValidationError::new("next_review_on", Rule::Required));
    }
    errs.into_result()?;
    match (risks_wider, access_rules, next_review_on) {
        (Some(risks_wider), Some(access_rules), Some(next_review_on)) => Ok(AccessAnalysisInput {
            groups,
            risks_wider,
            risks_narrower,
            access_rules,
            approved_by,
            approved_on,
            next_review_on,
        }),
        _ => Err(ValidationErrors::single("risks_wider", Rule::Required)),
    }
}

/// One group of users and what it needs.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = UserGroupDto))]
#[serde(deny_unknown_fields)]
pub struct UserGroupDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub information_needed: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub reason: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub access_rule: String,
}

/// An access-needs analysis as entered. A form sends the groups as repeated fields in the same order; the web layer pairs them into `groups`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AccessAnalysisBody))]
#[serde(deny_unknown_fields)]
pub struct AccessAnalysisDraft {
    #[serde(default)]
    pub groups: Vec<UserGroupDraft>,
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub risks_wider: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub risks_narrower: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub access_rules: String,
    /// The approving information owner's membership id.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub approved_by: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub approved_on: String,
    /// Default: a year after approval.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub next_review_on: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AccessAnalysisDraft {
        AccessAnalysisDraft {
            groups: vec![
                UserGroupDraft {
                    name: "Läkare".into(),
                    information_needed: "Hela journalen för patienter på enheten".into(),
                    reason: "Diagnos och behandling".into(),
                    access_rule: String::new(),
                },
                UserGroupDraft::default(),
            ],
            risks_wider: "Fler än vårdande personal kan läsa skyddade uppgifter.".into(),
            access_rules: "Läkare och sjuksköterskor: egen enhet; övriga spärrade.".into(),
            approved_by: "owner-1".into(),
            approved_on: "2026-11-20".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_analysis_names_each_group_what_it_needs_and_why() {
        let a = parse_access_analysis(&draft()).unwrap();
        assert_eq!(a.groups.len(), 1, "the empty row is ignored");
        assert_eq!(
            a.next_review_on, "2027-11-20",
            "a year after approval by default"
        );
    }

    #[test]
    fn a_group_without_a_reason_is_refused() {
        let mut d = draft();
        d.groups[0].reason = String::new();
        let e = parse_access_analysis(&d).unwrap_err();
        assert_eq!(e.0[0].field, "group_reason");
    }

    #[test]
    fn without_user_groups_there_is_no_analysis() {
        let mut d = draft();
        d.groups.clear();
        let e = parse_access_analysis(&d).unwrap_err();
        assert_eq!(e.0[0].field, "group_name");
    }

    #[test]
    fn approval_needs_who_and_when() {
        let mut d = draft();
        d.approved_on = String::new();
        let e = parse_access_analysis(&d).unwrap_err();
        assert!(e.0.iter().any(|x| x.field == "approved_on"));
    }
}
