//! Measures (åtgärder) and the action plan. A measure must trace to at least one risk scenario or
//! requirement: an untraced measure is refused, because nobody can tell what it is for (the
//! finding the seeds describe). Done is not verified: verification records how the effect was
//! checked. Follow-up dates: when a review is due, and what is overdue.

use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::text;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    /// Planerad
    Planned,
    /// Pågående
    InProgress,
    /// Genomförd
    Done,
    /// Verifierad
    Verified,
}

impl MeasureStatus {
    pub const ALL: [MeasureStatus; 4] = [
        MeasureStatus::Planned,
        MeasureStatus::InProgress,
        MeasureStatus::Done,
        MeasureStatus::Verified,
    ];
    pub fn key(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "planned",
            MeasureStatus::InProgress => "in_progress",
            MeasureStatus::Done => "done",
            MeasureStatus::Verified => "verified",
        }
    }
    pub fn from_key(k: &str) -> Option<MeasureStatus> {
        MeasureStatus::ALL.into_iter().find(|s| s.key() == k)
    }
    /// Still to be carried out.
    pub fn is_open(self) -> bool {
        matches!(self, MeasureStatus::Planned | MeasureStatus::InProgress)
    }
}

/// A requirement a measure answers, in a scope: a system's id, or the organisation (`None`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RequirementRef {
    pub system_id: Option<String>,
    pub requirement_id: String,
}

impl RequirementRef {
    /// Form encoding: `SYSTEM_ID/REQUIREMENT_ID`, or `organisation/REQUIREMENT_ID`.
    pub fn parse(v: &str) -> Option<RequirementRef> {
        let (scope, req) = v.trim().split_once('/')?;
        if scope.is_empty() || req.is_empty() {
            return None;
        }
        Some(RequirementRef {
            system_id: (scope != "organisation").then(|| scope.to_string()),
            requirement_id: req.to_string(),
        })
    }
    pub fn key(&self) -> String {
        format!(
            "{}/{}",
            self.system_id.as_deref().unwrap_or("organisation"),
            self.requirement_id
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureInput {
    pub title: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    /// YYYY-MM-DD
    pub due_on: Option<String>,
    pub status: MeasureStatus,
    /// Estimated cost in whole kronor.
    pub cost_sek: Option<i64>,
    /// How the effect was checked; required to mark a measure verified.
    pub verification: Option<String>,
    pub scenario_ids: Vec<String>,
    pub requirements: Vec<RequirementRef>,
}

/// A measure must trace to a risk scenario or a requirement.
pub fn check_traced(
    scenarios: &[String],
    requirements: &[RequirementRef],
) -> Result<(), ValidationError> {
    if scenarios.is_empty() && requirements.is_empty() {
        return Err(ValidationError::new("traces", Rule::Untraced));
    }
    Ok(())
}

/// Checks a measure draft: it must trace to a risk scenario or a requirement.
pub fn parse_measure(d: &MeasureDraft) -> Result<MeasureInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let title = errs.check(text::required("title", &d.title, 200));
    let description = errs
        .check(text::optional("description", &d.description, 4000))
        .flatten();
    let owner_membership_id =
        Some(d.owner_membership_id.trim().to_string()).filter(|s| !s.is_empty());
    let due_on = match d.due_on.trim() {
        "" => None,
        v => errs.check(crate::risk::parse_date("due_on", v)),
    };
    let status = match d.status.trim() {
        "" => Some(MeasureStatus::Planned),
        k => {
            let s = MeasureStatus::from_key(k);
            if s.is_none() {
                errs.push(ValidationError::new("status", Rule::UnknownValue));
            }
            s
        }
    };
    let cost_sek = match d.cost_sek.replace([' ', '\u{a0}'], "").as_str() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) if (0..=10_000_000_000).contains(&n) => Some(n),
            Ok(_) => {
                errs.push(ValidationError::new(
                    "cost_sek",
                    Rule::OutOfRange {
                        min: 0,
                        max: 10_000_000_000,
                    },
                ));
                None
            }
            Err(_) => {
                errs.push(ValidationError::new("cost_sek", Rule::InvalidFormat));
                None
            }
        },
    };
    let verification = errs
        .check(text::optional("verification", &d.verification, 4000))
        .flatten();
    if status == Some(MeasureStatus::Verified) && verification.is_none() {
        errs.push(ValidationError::new("verification", Rule::Required));
    }
    let mut scenario_ids: Vec<String> = d
        .scenario_ids
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect();
    scenario_ids.sort();
    scenario_ids.dedup();
    let mut requirements = Vec::new();
    for r in d.requirements.iter().filter(|s| !s.trim().is_empty()) {
        match RequirementRef::parse(r) {
            Some(r) if !requirements.contains(&r) => requirements.push(r),
            Some(_) => {}
            None => errs.push(ValidationError::new("requirements", Rule::InvalidFormat)),
        }
    }
    errs.check(check_traced(&scenario_ids, &requirements));
    errs.into_result()?;
    let (Some(title), Some(status)) = (title, status) else {
        return Err(ValidationErrors::single("title", Rule::Required));
    };
    Ok(MeasureInput {
        title,
        description,
        owner_membership_id,
        due_on,
        status,
        cost_sek,
        verification,
        scenario_ids,
        requirements,
    })
}

/// A measure is overdue when its due date has passed and it is not carried out.
pub fn is_overdue(due_on: Option<&str>, status: MeasureStatus, today: NaiveDate) -> bool {
    status.is_open()
        && due_on
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .is_some_and(|d| d < today)
}

/// The date the next review is due: the last review (or creation) plus the interval.
pub fn next_review(last: NaiveDate, interval_months: i64) -> NaiveDate {
    let months = u32::try_from(interval_months.clamp(1, 120)).unwrap_or(12);
    last.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// A review is overdue when its next date has passed.
pub fn review_overdue(last: NaiveDate, interval_months: i64, today: NaiveDate) -> bool {
    next_review(last, interval_months) < today
}

/// A measure as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MeasureBody))]
#[serde(deny_unknown_fields)]
pub struct MeasureDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub title: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub owner_membership_id: String,
    /// YYYY-MM-DD
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub due_on: String,
    /// planned (default), in_progress, done, verified (which needs `verification`)
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub cost_sek: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub verification: String,
    /// Risk scenarios it answers.
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub scenario_ids: Vec<String>,
    /// Requirements it answers, as `SYSTEM_ID/REQUIREMENT_ID` or `organisation/REQUIREMENT_ID`. A measure must trace to at least one scenario or requirement.
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub requirements: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> MeasureDraft {
        MeasureDraft {
            title: "Inför tvåfaktorsautentisering".into(),
            status: "planned".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_untraced_measure_is_refused() {
        let e = parse_measure(&form()).unwrap_err();
        assert_eq!(e.0[0].field, "traces");
        assert_eq!(e.0[0].rule, Rule::Untraced);
    }

    #[test]
    fn a_measure_tracing_to_a_scenario_or_a_requirement_is_accepted() {
        let to_scenario = parse_measure(&MeasureDraft {
            scenario_ids: vec!["s1".into()],
            ..form()
        });
        assert!(to_scenario.is_ok());
        let to_req = parse_measure(&MeasureDraft {
            requirements: vec!["sys1/beh-4".into()],
            ..form()
        })
        .unwrap();
        assert_eq!(
            to_req.requirements,
            vec![RequirementRef {
                system_id: Some("sys1".into()),
                requirement_id: "beh-4".into()
            }]
        );
        let org = RequirementRef::parse("organisation/inc-2").unwrap();
        assert_eq!(org.system_id, None);
        assert_eq!(org.key(), "organisation/inc-2");
    }

    #[test]
    fn verified_needs_a_description_of_how_the_effect_was_checked() {
        let verified = MeasureDraft {
            status: "verified".into(),
            scenario_ids: vec!["s1".into()],
            ..form()
        };
        let e = parse_measure(&verified).unwrap_err();
        assert_eq!(e.0[0].field, "verification");
        let ok = parse_measure(&MeasureDraft {
            verification: "Inloggning utan andra faktorn prövades och nekades.".into(),
            ..verified
        });
        assert!(ok.is_ok());
    }

    #[test]
    fn a_measure_is_overdue_when_due_has_passed_and_it_is_not_done() {
        let today = d("2026-11-22");
        assert!(is_overdue(
            Some("2026-11-21"),
            MeasureStatus::Planned,
            today
        ));
        assert!(is_overdue(
            Some("2026-01-01"),
            MeasureStatus::InProgress,
            today
        ));
        assert!(
            !is_overdue(Some("2026-11-22"), MeasureStatus::Planned, today),
            "due today is not overdue"
        );
        assert!(!is_overdue(Some("2026-01-01"), MeasureStatus::Done, today));
        assert!(!is_overdue(None, MeasureStatus::Planned, today));
    }

    #[test]
    fn a_review_is_due_one_interval_after_the_last() {
        assert_eq!(next_review(d("2025-11-22"), 12), d("2026-11-22"));
        assert_eq!(
            next_review(d("2026-01-31"), 1),
            d("2026-02-28"),
            "end of month"
        );
        assert!(!review_overdue(d("2025-11-22"), 12, d("2026-11-22")));
        assert!(review_overdue(d("2025-11-21"), 12, d("2026-11-23")));
    }
}
