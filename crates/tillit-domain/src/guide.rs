//! The guided start: eight steps from empty registers to a first complete round of the
//! systematic work, each done when the organisation's own records show it (or when a member marks
//! it done), and skippable by someone who knows the way.

use serde::{Deserialize, Serialize};

/// A step of the guide, in the order a new organisation takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Members,
    Adopt,
    Classify,
    Requirements,
    Assess,
    Risk,
    Measures,
    Submit,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Members,
        Step::Adopt,
        Step::Classify,
        Step::Requirements,
        Step::Assess,
        Step::Risk,
        Step::Measures,
        Step::Submit,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Step::Members => "members",
            Step::Adopt => "adopt",
            Step::Classify => "classify",
            Step::Requirements => "requirements",
            Step::Assess => "assess",
            Step::Risk => "risk",
            Step::Measures => "measures",
            Step::Submit => "submit",
        }
    }

    pub fn parse(key: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The page where the step is done.
    pub fn href(self) -> &'static str {
        match self {
            Step::Members => "/admin/members",
            Step::Adopt => "/start/kit",
            Step::Classify => "/assets?classified=no",
            Step::Requirements => "/requirements",
            Step::Assess => "/requirements",
            Step::Risk => "/risks",
            Step::Measures => "/measures",
            Step::Submit => "/submissions",
        }
    }

    /// Whether the organisation's records show the step done.
    pub fn done_by(self, f: &Facts) -> bool {
        match self {
            Step::Members => f.members >= 2,
            Step::Adopt => f.assets > 0 && f.systems > 0,
            Step::Classify => f.assets > 0 && f.unclassified == 0,
            // Going through the requirements leaves no record until one is assessed.
            Step::Requirements | Step::Assess => f.assessments > 0,
            Step::Risk => f.analyses_with_scenarios > 0,
            Step::Measures => f.measures > 0,
            Step::Submit => f.submissions > 0,
        }
    }
}

/// What the organisation's records hold, as the guide reads them (objects in use).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub members: i64,
    pub assets: i64,
    pub systems: i64,
    pub unclassified: i64,
    pub assessments: i64,
    pub analyses_with_scenarios: i64,
    pub measures: i64,
    pub submissions: i64,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The records show it done.
    Done,
    /// A member marked it done (a step the records cannot show, or done outside Tillit).
    MarkedDone,
    Skipped,
    Todo,
}

impl State {
    pub fn finished(self) -> bool {
        self != State::Todo
    }
}

/// A step's state: what the records show first, then what a member marked.
pub fn state_of(step: Step, facts: &Facts, marked: Option<Mark>) -> State {
    if step.done_by(facts) {
        return State::Done;
    }
    match marked {
        Some(Mark::Done) => State::MarkedDone,
        Some(Mark::Skipped) => State::Skipped,
        None => State::Todo,
    }
}

/// What a member may mark a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Done,
    Skipped,
}

impl Mark {
    pub fn key(self) -> &'static str {
        match self {
            Mark::Done => "done",
            Mark::Skipped => "skipped",
        }
    }
    pub fn parse(key: &str) -> Option<Mark> {
        match key {
            "done" => Some(Mark::Done),
            "skipped" => Some(Mark::Skipped),
            _ => None,
        }
    }
}

/// A member's mark on a step as entered: `done`, `skipped`, or `todo` to take a mark back.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = GuideStepBody))]
#[serde(deny_unknown_fields)]
pub struct StepDraft {
    /// members, adopt, classify, requirements, assess, risk, measures or submit
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub step: String,
    /// done, skipped or todo
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub state: String,
}

impl StepDraft {
    pub fn parse(&self) -> Result<(Step, Option<Mark>), crate::ValidationErrors> {
        let mut errs = crate::ValidationErrors::new();
        let step = match Step::parse(self.step.trim()) {
            Some(s) => Some(s),
            None => {
                let rule = if self.step.trim().is_empty() {
                    crate::Rule::Required
                } else {
                    crate::Rule::UnknownValue
                };
                errs.push(crate::ValidationError::new("step", rule));
                None
            }
        };
        let mark = match self.state.trim() {
            "todo" => Some(None),
            s => match Mark::parse(s) {
                Some(m) => Some(Some(m)),
                None => {
                    let rule = if s.is_empty() {
                        crate::Rule::Required
                    } else {
                        crate::Rule::UnknownValue
                    };
                    errs.push(crate::ValidationError::new("state", rule));
                    None
                }
            },
        };
        errs.into_result()?;
        match (step, mark) {
            (Some(s), Some(m)) => Ok((s, m)),
            _ => Err(crate::ValidationErrors::single(
                "step",
                crate::Rule::Required,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_decide_before_any_mark() {
        let f = Facts {
            assets: 3,
            systems: 1,
            unclassified: 0,
            ..Facts::default()
        };
        assert_eq!(state_of(Step::Adopt, &f, None), State::Done);
        assert_eq!(
            state_of(Step::Classify, &f, Some(Mark::Skipped)),
            State::Done
        );
        assert_eq!(
            state_of(Step::Risk, &f, Some(Mark::Skipped)),
            State::Skipped
        );
        assert_eq!(state_of(Step::Risk, &f, None), State::Todo);
        assert_eq!(
            state_of(Step::Requirements, &f, Some(Mark::Done)),
            State::MarkedDone
        );
    }

    #[test]
    fn nothing_classified_is_not_a_classified_register() {
        let empty = Facts::default();
        assert!(
            !Step::Classify.done_by(&empty),
            "no assets: nothing to call classified"
        );
        let one_left = Facts {
            assets: 4,
            unclassified: 1,
            ..Facts::default()
        };
        assert!(!Step::Classify.done_by(&one_left));
    }

    #[test]
    fn a_mark_names_its_bad_fields() {
        let e = StepDraft {
            step: "dance".into(),
            state: "".into(),
        }
        .parse()
        .unwrap_err();
        let f: Vec<(&str, &crate::Rule)> =
            e.0.iter().map(|x| (x.field.as_str(), &x.rule)).collect();
        assert_eq!(
            f,
            [
                ("step", &crate::Rule::UnknownValue),
                ("state", &crate::Rule::Required)
            ]
        );
        let back = StepDraft {
            step: "risk".into(),
            state: "todo".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(back, (Step::Risk, None));
    }
}
