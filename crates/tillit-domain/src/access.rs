//! The access-needs analysis (behovs- och riskanalys) that PDL 4 kap. 2 § requires before access to
//! patient information is granted: the user groups, what each needs and why, the risks of wider
//! (and narrower) access, the resulting access rules, approval and the next review.

use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::risk::parse_date;
use crate::text;
use serde::Serialize;

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
    get: impl Fn(&str) -> String,
    all: impl Fn(&str) -> Vec<String>,
) -> Result<AccessAnalysisInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let names = all("group_name");
    let infos = all("group_information");
    let reasons = all("group_reason");
    let rules = all("group_rule");
    let at = |v: &[String], i: usize| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut groups = Vec::new();
    for i in 0..names.len().max(infos.len()).max(reasons.len()) {
        let (n, inf, r, rule) = (at(&names, i), at(&infos, i), at(&reasons, i), at(&rules, i));
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
    let risks_wider = errs.check(text::required("risks_wider", &get("risks_wider"), 4000));
    let risks_narrower = errs
        .check(text::optional(
            "risks_narrower",
            &get("risks_narrower"),
            4000,
        ))
        .flatten();
    let access_rules = errs.check(text::required("access_rules", &get("access_rules"), 4000));
    let approved_by = Some(get("approved_by").trim().to_string()).filter(|s| !s.is_empty());
    let approved_on = match get("approved_on").trim() {
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
    let next_review_on = match get("next_review_on").trim() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(k: &str) -> String {
        match k {
            "risks_wider" => "Fler än vårdande personal kan läsa skyddade uppgifter.".into(),
            "access_rules" => "Läkare och sjuksköterskor: egen enhet; övriga spärrade.".into(),
            "approved_by" => "owner-1".into(),
            "approved_on" => "2026-11-20".into(),
            _ => String::new(),
        }
    }

    fn groups(k: &str) -> Vec<String> {
        match k {
            "group_name" => vec!["Läkare".into(), "".into()],
            "group_information" => {
                vec!["Hela journalen för patienter på enheten".into(), "".into()]
            }
            "group_reason" => vec!["Diagnos och behandling".into(), "".into()],
            "group_rule" => vec!["".into(), "".into()],
            _ => vec![],
        }
    }

    #[test]
    fn an_analysis_names_each_group_what_it_needs_and_why() {
        let a = parse_access_analysis(fields, groups).unwrap();
        assert_eq!(a.groups.len(), 1, "the empty row is ignored");
        assert_eq!(
            a.next_review_on, "2027-11-20",
            "a year after approval by default"
        );
    }

    #[test]
    fn a_group_without_a_reason_is_refused() {
        let e = parse_access_analysis(fields, |k| match k {
            "group_reason" => vec!["".into()],
            other => groups(other).into_iter().take(1).collect(),
        })
        .unwrap_err();
        assert_eq!(e.0[0].field, "group_reason");
    }

    #[test]
    fn without_user_groups_there_is_no_analysis() {
        let e = parse_access_analysis(fields, |_| vec![]).unwrap_err();
        assert_eq!(e.0[0].field, "group_name");
    }

    #[test]
    fn approval_needs_who_and_when() {
        let e = parse_access_analysis(
            |k| {
                if k == "approved_on" {
                    String::new()
                } else {
                    fields(k)
                }
            },
            groups,
        )
        .unwrap_err();
        assert!(e.0.iter().any(|x| x.field == "approved_on"));
    }
}
