//! Risk analysis: a likelihood × consequence matrix configurable per organisation (4 × 4 by
//! default) with a risk tolerance, scenarios scored before and after treatment, the rule that
//! accepting a risk above tolerance needs the information owner's recorded decision, and heat maps.

use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::text;
use serde::{Deserialize, Serialize};

/// The organisation's risk matrix. A risk's score is likelihood × consequence; a score above the
/// tolerance is not acceptable without a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RiskMatrix {
    pub likelihoods: u8,
    pub consequences: u8,
    pub tolerance: u32,
}

impl Default for RiskMatrix {
    /// 4 × 4, common practice in Swedish public sector; scores up to 6 are tolerated.
    fn default() -> Self {
        RiskMatrix {
            likelihoods: 4,
            consequences: 4,
            tolerance: 6,
        }
    }
}

pub const MIN_SCALE: u8 = 2;
pub const MAX_SCALE: u8 = 6;

impl RiskMatrix {
    /// A matrix may shrink only so far that every scenario still fits: each scale must keep at
    /// least the highest step any scenario uses (`used`: the highest likelihood and consequence,
    /// inherent or residual, of all the organisation's scenarios).
    pub fn check_fits(&self, used: RiskPoint) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        for (field, have, need) in [
            ("likelihoods", self.likelihoods, used.likelihood),
            ("consequences", self.consequences, used.consequence),
        ] {
            if need > have {
                errs.push(ValidationError::new(
                    field,
                    Rule::OutOfRange {
                        min: need.into(),
                        max: MAX_SCALE.into(),
                    },
                ));
            }
        }
        errs.into_result()
    }

    /// Validates a matrix from a form: each scale 2–6 steps, the tolerance within the scores.
    pub fn parse(
        likelihoods: &str,
        consequences: &str,
        tolerance: &str,
    ) -> Result<RiskMatrix, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let scale = |field: &str, v: &str| -> Result<u8, ValidationError> {
            let n = int(field, v)?;
            u8::try_from(n)
                .ok()
                .filter(|n| (MIN_SCALE..=MAX_SCALE).contains(n))
                .ok_or_else(|| {
                    ValidationError::new(
                        field,
                        Rule::OutOfRange {
                            min: MIN_SCALE.into(),
                            max: MAX_SCALE.into(),
                        },
                    )
                })
        };
        let l = errs.check(scale("likelihoods", likelihoods));
        let c = errs.check(scale("consequences", consequences));
        let t = errs.check(int("tolerance", tolerance));
        errs.into_result()?;
        match (l, c, t) {
            (Some(likelihoods), Some(consequences), Some(t)) => {
                let max = i64::from(likelihoods) * i64::from(consequences);
                if !(1..max).contains(&t) {
                    return Err(ValidationErrors::single(
                        "tolerance",
                        Rule::OutOfRange {
                            min: 1,
                            max: max - 1,
                        },
                    ));
                }
                Ok(RiskMatrix {
                    likelihoods,
                    consequences,
                    tolerance: u32::try_from(t).unwrap_or(u32::MAX),
                })
            }
            _ => Err(ValidationErrors::single("likelihoods", Rule::Required)),
        }
    }

    pub fn score(&self, p: RiskPoint) -> u32 {
        u32::from(p.likelihood) * u32::from(p.consequence)
    }

    pub fn above_tolerance(&self, p: RiskPoint) -> bool {
        self.score(p) > self.tolerance
    }

    /// The heat map's colour band of a point: above the tolerance high; within it, the upper
    /// half (above half the tolerance) medium and the rest low.
    pub fn band(&self, p: RiskPoint) -> Band {
        let s = self.score(p);
        if s > self.tolerance {
            Band::High
        } else if 2 * s > self.tolerance {
            Band::Medium
        } else {
            Band::Low
        }
    }

    /// Parses one likelihood or consequence value on this matrix's scale.
    pub fn parse_value(
        &self,
        field: &str,
        value: &str,
        of_likelihood: bool,
    ) -> Result<u8, ValidationError> {
        let max = if of_likelihood {
            self.likelihoods
        } else {
            self.consequences
        };
        let n = int(field, value)?;
        match u8::try_from(n) {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            // Inside the largest matrix there is but beyond this organisation's.
            Ok(n) if (1..=MAX_SCALE).contains(&n) => Err(ValidationError::new(
                field,
                Rule::OutsideRiskMatrix { max: max.into() },
            )),
            _ => Err(ValidationError::new(
                field,
                Rule::OutOfRange {
                    min: 1,
                    max: max.into(),
                },
            )),
        }
    }

    /// Counts scenarios per cell from (point, how many) pairs — the same point may come more than
    /// once. `cells[l-1][c-1]` is the count at likelihood l, consequence c; points off the matrix
    /// are left out.
    pub fn heat_map(&self, points: impl IntoIterator<Item = (RiskPoint, u32)>) -> Vec<Vec<u32>> {
        let mut cells =
            vec![vec![0u32; usize::from(self.consequences)]; usize::from(self.likelihoods)];
        for (p, n) in points {
            if let Some(cell) = cells
                .get_mut(usize::from(p.likelihood).wrapping_sub(1))
                .and_then(|row| row.get_mut(usize::from(p.consequence).wrapping_sub(1)))
            {
                *cell += n;
            }
        }
        cells
    }
}

fn int(field: &str, value: &str) -> Result<i64, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    v.parse()
        .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))
}

/// A likelihood and a consequence on the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RiskPoint {
    pub likelihood: u8,
    pub consequence: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Reducera
    Reduce,
    /// Acceptera
    Accept,
    /// Undvika
    Avoid,
    /// Överföra
    Transfer,
}

impl Treatment {
    pub const ALL: [Treatment; 4] = [
        Treatment::Reduce,
        Treatment::Accept,
        Treatment::Avoid,
        Treatment::Transfer,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Treatment::Reduce => "reduce",
            Treatment::Accept => "accept",
            Treatment::Avoid => "avoid",
            Treatment::Transfer => "transfer",
        }
    }
    pub fn from_key(k: &str) -> Option<Treatment> {
        Treatment::ALL.into_iter().find(|t| t.key() == k)
    }
}

/// The starter threat catalog (keys; the texts are translated). Free text is allowed too.
pub const THREATS: &[&str] = crate::words::Threat::KEYS;

/// An information owner's decision to accept a risk above tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    /// The membership of the information owner who decided.
    pub decided_by: String,
    /// The date of the decision (YYYY-MM-DD).
    pub decided_on: String,
    pub note: String,
}

/// A scenario as entered, validated against the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioInput {
    pub title: String,
    pub threat_key: Option<String>,
    pub threat_text: Option<String>,
    pub vulnerability: Option<String>,
    pub aspects: Vec<String>,
    pub asset_ids: Vec<String>,
    pub existing_measures: Option<String>,
    pub inherent: RiskPoint,
    pub treatment: Option<Treatment>,
    /// After planned measures; when not given, the inherent values.
    pub residual: RiskPoint,
    pub acceptance: Option<Acceptance>,
}

impl ScenarioInput {
    /// Above tolerance after treatment, and nothing decided: the gap the overview lists.
    pub fn untreated_above_tolerance(&self, m: &RiskMatrix) -> bool {
        m.above_tolerance(self.residual) && self.treatment.is_none()
    }
}

/// Who may decide to accept a risk above tolerance: an information owner — a member with the
/// owner role, or the owner of an information asset the scenario affects.
pub fn may_decide_acceptance(role: crate::role::Role, owns_an_affected_asset: bool) -> bool {
    role == crate::role::Role::Owner || owns_an_affected_asset
}

/// How an owner's decision to accept a risk is recorded: it counts when the owner made it,
/// signed in. Entered by the owner, it is signed at once; entered by someone else (a coordinator
/// preparing it), it is a request that waits on the owner, who accepts or declines it; saved again
/// unchanged, a signed decision stays signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// Signed now by the acting member, who is the decider.
    Now,
    /// Asked of the decider by the acting member.
    Requested,
    /// The decision already signed, unchanged.
    Unchanged,
}

/// An information owner's answer to a request to accept a risk.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AcceptanceAnswerBody))]
#[serde(deny_unknown_fields)]
pub struct AcceptanceAnswerDraft {
    /// `accept` or `decline`.
    #[serde(default)]
    pub decision: String,
    /// The owner's motivation; required when declining.
    #[serde(default)]
    pub note: String,
}

impl AcceptanceAnswerDraft {
    /// Whether the owner accepts, and the note (none when blank). A refusal says why, so that
    /// whoever asked can decide again.
    pub fn parse(&self) -> Result<(bool, Option<String>), ValidationErrors> {
        let accept = match self.decision.trim() {
            "accept" => true,
            "decline" => false,
            "" => return Err(ValidationErrors::single("decision", Rule::Required)),
            _ => return Err(ValidationErrors::single("decision", Rule::UnknownValue)),
        };
        let note = text::optional("note", &self.note, 4000).map_err(ValidationErrors::from)?;
        if !accept && note.is_none() {
            return Err(ValidationErrors::single("note", Rule::Required));
        }
        Ok((accept, note))
    }
}

/// The signature of a decision by `decider`, entered by `acting` (a membership id);
/// `signed_before` when the same decision (decider, date and note) was signed already.
pub fn signature(decider: &str, acting: &str, signed_before: bool) -> Signature {
    if signed_before {
        Signature::Unchanged
    } else if decider == acting {
        Signature::Now
    } else {
        Signature::Requested
    }
}

/// Accepting a risk whose residual score is above the tolerance requires the information owner's
/// recorded decision (who and when, with a note). Accepting a tolerable risk needs no decision.
pub fn check_acceptance(
    m: &RiskMatrix,
    treatment: Option<Treatment>,
    residual: RiskPoint,
    acceptance: Option<&Acceptance>,
) -> Result<(), ValidationError> {
    if treatment == Some(Treatment::Accept) && m.above_tolerance(residual) && acceptance.is_none() {
        return Err(ValidationError::new("accepted_by", Rule::RequiredByRecords));
    }
    Ok(())
}

/// Parses a date `YYYY-MM-DD`.
pub fn parse_date(field: &str, value: &str) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))
}

/// Checks a scenario draft against the organisation's risk matrix.
pub fn parse_scenario(
    m: &RiskMatrix,
    d: &ScenarioDraft,
) -> Result<ScenarioInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let title = errs.check(text::required("title", &d.title, 200));
    let threat_key = match d.threat_key.trim() {
        "" => None,
        k if THREATS.contains(&k) => Some(k.to_string()),
        _ => {
            errs.push(ValidationError::new("threat_key", Rule::UnknownValue));
            None
        }
    };
    let threat_text = errs
        .check(text::optional("threat_text", &d.threat_text, 1000))
        .flatten();
    if threat_key.is_none()
        && threat_text.is_none()
        && !errs.0.iter().any(|e| e.field == "threat_key")
    {
        errs.push(ValidationError::new("threat_key", Rule::Required));
    }
    let vulnerability = errs
        .check(text::optional("vulnerability", &d.vulnerability, 2000))
        .flatten();
    let existing_measures = errs
        .check(text::optional(
            "existing_measures",
            &d.existing_measures,
            4000,
        ))
        .flatten();
    let mut aspects = Vec::new();
    for a in d.aspects.iter().cloned() {
        if crate::classification::Aspect::ALL
            .iter()
            .any(|x| x.key() == a)
        {
            if !aspects.contains(&a) {
                aspects.push(a);
            }
        } else {
            errs.push(ValidationError::new("aspects", Rule::UnknownValue));
        }
    }
    let mut asset_ids = d.asset_ids.clone();
    asset_ids.retain(|a| !a.trim().is_empty());
    asset_ids.dedup();
    let il = errs.check(m.parse_value("inherent_likelihood", &d.inherent_likelihood, true));
    let ic = errs.check(m.parse_value("inherent_consequence", &d.inherent_consequence, false));
    let treatment = match d.treatment.trim() {
        "" => None,
        k => match Treatment::from_key(k) {
            Some(t) => Some(t),
            None => {
                errs.push(ValidationError::new("treatment", Rule::UnknownValue));
                None
            }
        },
    };
    let optional_value = |field: &str, v: &str, of_l: bool, errs: &mut ValidationErrors| {
        if v.trim().is_empty() {
            None
        } else {
            errs.check(m.parse_value(field, v, of_l))
        }
    };
    let rl = optional_value(
        "residual_likelihood",
        &d.residual_likelihood,
        true,
        &mut errs,
    );
    let rc = optional_value(
        "residual_consequence",
        &d.residual_consequence,
        false,
        &mut errs,
    );
    let acceptance = if d.accepted_by.trim().is_empty() {
        // Nobody accepted: the date and note are not kept, but what was sent must still be valid.
        if !d.accepted_on.trim().is_empty() {
            errs.check(parse_date("accepted_on", &d.accepted_on));
        }
        errs.check(text::optional("acceptance_note", &d.acceptance_note, 4000));
        None
    } else {
        let on = errs.check(parse_date("accepted_on", &d.accepted_on));
        let note = errs.check(text::required("acceptance_note", &d.acceptance_note, 4000));
        match (on, note) {
            (Some(decided_on), Some(note)) => Some(Acceptance {
                decided_by: d.accepted_by.trim().to_string(),
                decided_on,
                note,
            }),
            _ => None,
        }
    };
    errs.into_result()?;
    let (Some(title), Some(il), Some(ic)) = (title, il, ic) else {
        return Err(ValidationErrors::single("title", Rule::Required));
    };
    let inherent = RiskPoint {
        likelihood: il,
        consequence: ic,
    };
    let residual = RiskPoint {
        likelihood: rl.unwrap_or(il),
        consequence: rc.unwrap_or(ic),
    };
    check_acceptance(m, treatment, residual, acceptance.as_ref())
        .map_err(ValidationErrors::from)?;
    Ok(ScenarioInput {
        title,
        threat_key,
        threat_text,
        vulnerability,
        aspects,
        asset_ids,
        existing_measures,
        inherent,
        treatment,
        residual,
        acceptance,
    })
}

/// A risk analysis's facts, validated.
#[derive(Debug, Clone, Serialize)]
pub struct RiskAnalysisInput {
    pub title: String,
    pub scope: Option<String>,
    pub participants: Option<String>,
    /// YYYY-MM-DD
    pub analysed_on: String,
    pub review_interval_months: i64,
    pub system_ids: Vec<String>,
}

impl TryFrom<&RiskAnalysisDraft> for RiskAnalysisInput {
    type Error = ValidationErrors;

    fn try_from(d: &RiskAnalysisDraft) -> Result<RiskAnalysisInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let title = errs.check(text::required("title", &d.title, 200));
        let scope = errs
            .check(text::optional("scope", &d.scope, 4000))
            .flatten();
        let participants = errs
            .check(text::optional("participants", &d.participants, 2000))
            .flatten();
        let analysed_on = errs.check(parse_date("analysed_on", &d.analysed_on));
        let interval = match d.review_interval_months.trim() {
            "" => Some(12),
            v => match v.parse::<i64>() {
                Ok(n) if (1..=60).contains(&n) => Some(n),
                Ok(_) => {
                    errs.push(ValidationError::new(
                        "review_interval_months",
                        Rule::OutOfRange { min: 1, max: 60 },
                    ));
                    None
                }
                Err(_) => {
                    errs.push(ValidationError::new(
                        "review_interval_months",
                        Rule::InvalidFormat,
                    ));
                    None
                }
            },
        };
        let mut system_ids: Vec<String> = d
            .system_ids
            .iter()
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect();
        system_ids.sort();
        system_ids.dedup();
        errs.into_result()?;
        match (title, analysed_on, interval) {
            (Some(title), Some(analysed_on), Some(review_interval_months)) => {
                Ok(RiskAnalysisInput {
                    title,
                    scope,
                    participants,
                    analysed_on,
                    review_interval_months,
                    system_ids,
                })
            }
            _ => Err(ValidationErrors::single("title", Rule::Required)),
        }
    }
}

impl TryFrom<&RiskMatrixDraft> for RiskMatrix {
    type Error = ValidationErrors;

    fn try_from(d: &RiskMatrixDraft) -> Result<RiskMatrix, ValidationErrors> {
        RiskMatrix::parse(&d.likelihoods, &d.consequences, &d.tolerance)
    }
}

/// A risk scenario as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ScenarioBody))]
#[serde(deny_unknown_fields)]
pub struct ScenarioDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub title: String,
    /// A key of the threat catalog (e.g. `ransomware`), or leave out and give `threat_text`.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub threat_key: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub threat_text: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub vulnerability: String,
    /// confidentiality, integrity, availability, traceability
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub aspects: Vec<String>,
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub asset_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub existing_measures: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub inherent_likelihood: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub inherent_consequence: String,
    /// reduce, accept, avoid or transfer
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub treatment: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub residual_likelihood: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub residual_consequence: String,
    /// The information owner's membership id (needed to accept a risk above tolerance).
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub accepted_by: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub accepted_on: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub acceptance_note: String,
}

/// A risk analysis as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RiskAnalysisBody))]
#[serde(deny_unknown_fields)]
pub struct RiskAnalysisDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub title: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub scope: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub participants: String,
    /// YYYY-MM-DD
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub analysed_on: String,
    /// Months, 1–60 (default 12).
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub review_interval_months: String,
    /// Systems in scope (the organisation's).
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub system_ids: Vec<String>,
}

/// The risk matrix and tolerance as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RiskMatrixDto))]
#[serde(deny_unknown_fields)]
pub struct RiskMatrixDraft {
    /// Likelihood steps, 2–6.
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub likelihoods: String,
    /// Consequence steps, 2–6.
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub consequences: String,
    /// The highest tolerated score (likelihood × consequence).
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub tolerance: String,
}

/// A heat map cell's band (green, amber, red), always shown with its meaning in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Low,
    Medium,
    High,
}

impl Band {
    pub fn key(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
        }
    }
}

/// The two scales of a risk matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Likelihood,
    Consequence,
}

impl Axis {
    pub fn key(self) -> &'static str {
        match self {
            Axis::Likelihood => "likelihood",
            Axis::Consequence => "consequence",
        }
    }

    /// The six named steps a scale draws from, lowest first.
    const NAMES: [[&'static str; 6]; 2] = [
        [
            "very-low",
            "low",
            "moderate",
            "high",
            "very-high",
            "almost-certain",
        ],
        [
            "negligible",
            "limited",
            "noticeable",
            "serious",
            "very-serious",
            "catastrophic",
        ],
    ];

    /// The name of step `step` (1-based) on a scale of `steps` steps: a scale of four uses the
    /// middle four names, a scale of five adds the lowest, six all of them, three and two the
    /// middle ones — so a step's meaning shifts as little as possible when the matrix changes.
    /// The label key is `risk-step-{axis}-{name}`, its description the same key with `-desc`.
    pub fn step_name(self, steps: u8, step: u8) -> Option<&'static str> {
        let picks: &[usize] = match steps {
            2 => &[1, 3],
            3 => &[1, 2, 3],
            4 => &[1, 2, 3, 4],
            5 => &[0, 1, 2, 3, 4],
            6 => &[0, 1, 2, 3, 4, 5],
            _ => return None,
        };
        let names = &Self::NAMES[self as usize];
        picks
            .get(usize::from(step).checked_sub(1)?)
            .map(|&i| names[i])
    }

    /// Every label key of the axis's steps (for the language test).
    pub fn all_step_keys(self) -> impl Iterator<Item = String> {
        Self::NAMES[self as usize]
            .iter()
            .map(move |n| format!("risk-step-{}-{n}", self.key()))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_owner_who_declines_says_why() {
        let d = |decision: &str, note: &str| AcceptanceAnswerDraft {
            decision: decision.into(),
            note: note.into(),
        };
        assert_eq!(d("accept", " ").parse().unwrap(), (true, None));
        assert_eq!(d("decline", "  ").parse().unwrap_err().0[0].field, "note");
        assert_eq!(
            d("decline", "Minska risken.").parse().unwrap(),
            (false, Some("Minska risken.".into()))
        );
        assert_eq!(d("", "").parse().unwrap_err().0[0].rule, Rule::Required);
        assert_eq!(
            d("maybe", "").parse().unwrap_err().0[0].rule,
            Rule::UnknownValue
        );
    }

    #[test]
    fn an_owners_decision_counts_when_the_owner_signs_it() {
        // The owner enters it: signed at once.
        assert_eq!(signature("owner-1", "owner-1", false), Signature::Now);
        // A coordinator enters it for the owner: a request that waits on the owner.
        assert_eq!(signature("owner-1", "coord-1", false), Signature::Requested);
        // Saved again unchanged by anyone: the signature stands.
        assert_eq!(signature("owner-1", "coord-1", true), Signature::Unchanged);
    }

    #[test]
    fn the_bands_split_at_half_the_tolerance_and_at_the_tolerance() {
        let m = RiskMatrix::default(); // 4 × 4, tolerance 6
        let at = |l, c| {
            m.band(RiskPoint {
                likelihood: l,
                consequence: c,
            })
        };
        assert_eq!(at(1, 3), Band::Low, "3 is half of 6");
        assert_eq!(at(2, 2), Band::Medium);
        assert_eq!(at(2, 3), Band::Medium, "6 is within the tolerance");
        assert_eq!(at(1, 4), Band::Medium);
        assert_eq!(at(3, 3), Band::High);
        assert_eq!(at(4, 4), Band::High);
    }

    #[test]
    fn each_step_of_every_scale_has_a_name_and_the_names_rise() {
        for axis in [Axis::Likelihood, Axis::Consequence] {
            for steps in MIN_SCALE..=MAX_SCALE {
                let names: Vec<&str> = (1..=steps)
                    .map(|i| axis.step_name(steps, i).expect("named"))
                    .collect();
                let order: Vec<usize> = names
                    .iter()
                    .map(|n| {
                        Axis::NAMES[axis as usize]
                            .iter()
                            .position(|x| x == n)
                            .unwrap()
                    })
                    .collect();
                assert!(order.windows(2).all(|w| w[0] < w[1]), "{names:?}");
                assert_eq!(axis.step_name(steps, 0), None);
                assert_eq!(axis.step_name(steps, steps + 1), None);
            }
        }
        // The default matrix of four: low, moderate, high, very high.
        assert_eq!(Axis::Likelihood.step_name(4, 1), Some("low"));
        assert_eq!(Axis::Consequence.step_name(4, 4), Some("very-serious"));
        assert_eq!(Axis::Likelihood.step_name(7, 1), None);
    }
    use super::*;

    fn p(likelihood: u8, consequence: u8) -> RiskPoint {
        RiskPoint {
            likelihood,
            consequence,
        }
    }

    #[test]
    fn the_default_matrix_is_four_by_four_and_scores_multiply() {
        let m = RiskMatrix::default();
        assert_eq!((m.likelihoods, m.consequences), (4, 4));
        assert_eq!(m.score(p(3, 4)), 12);
        assert!(!m.above_tolerance(p(2, 3)), "6 is tolerated");
        assert!(m.above_tolerance(p(2, 4)), "8 is not");
    }

    #[test]
    fn a_matrix_has_two_to_six_steps_and_a_tolerance_inside_its_scores() {
        assert_eq!(
            RiskMatrix::parse("5", "5", "10").unwrap(),
            RiskMatrix {
                likelihoods: 5,
                consequences: 5,
                tolerance: 10
            }
        );
        assert_eq!(
            RiskMatrix::parse("7", "4", "6").unwrap_err().0[0].field,
            "likelihoods"
        );
        assert_eq!(
            RiskMatrix::parse("4", "4", "16").unwrap_err().0[0].field,
            "tolerance"
        );
        assert_eq!(
            RiskMatrix::parse("4", "4", "0").unwrap_err().0[0].field,
            "tolerance"
        );
    }

    #[test]
    fn a_matrix_may_shrink_only_while_every_scenario_still_fits() {
        let m = RiskMatrix {
            likelihoods: 3,
            consequences: 4,
            tolerance: 6,
        };
        assert!(m.check_fits(p(3, 4)).is_ok());
        assert!(m.check_fits(p(1, 1)).is_ok());
        let e = m.check_fits(p(4, 5)).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["likelihoods", "consequences"]);
        assert_eq!(e.0[0].rule, Rule::OutOfRange { min: 4, max: 6 });
    }

    #[test]
    fn only_an_information_owner_may_accept_a_risk() {
        use crate::role::Role;
        assert!(may_decide_acceptance(Role::Owner, false));
        assert!(
            may_decide_acceptance(Role::SystemOwner, true),
            "owns an affected asset"
        );
        for r in [
            Role::Admin,
            Role::Coordinator,
            Role::SystemOwner,
            Role::Dpo,
            Role::Reader,
        ] {
            assert!(!may_decide_acceptance(r, false), "{r:?}");
        }
    }

    #[test]
    fn accepting_a_risk_above_tolerance_needs_the_owners_decision() {
        let m = RiskMatrix::default();
        let high = p(3, 3);
        let e = check_acceptance(&m, Some(Treatment::Accept), high, None).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.rule),
            ("accepted_by", Rule::RequiredByRecords)
        );
        let decision = Acceptance {
            decided_by: "owner".into(),
            decided_on: "2026-11-20".into(),
            note: "Accepteras till nytt system 2027.".into(),
        };
        assert!(check_acceptance(&m, Some(Treatment::Accept), high, Some(&decision)).is_ok());
        // A tolerable risk may be accepted without a decision; other treatments need none.
        assert!(check_acceptance(&m, Some(Treatment::Accept), p(2, 2), None).is_ok());
        assert!(check_acceptance(&m, Some(Treatment::Reduce), high, None).is_ok());
    }

    #[test]
    fn a_scenario_is_scored_on_the_matrix_and_residual_defaults_to_inherent() {
        let m = RiskMatrix::default();
        let mut d = ScenarioDraft {
            title: "Utpressningsvirus krypterar journalen".into(),
            threat_key: "ransomware".into(),
            inherent_likelihood: "3".into(),
            inherent_consequence: "4".into(),
            ..Default::default()
        };
        let s = parse_scenario(&m, &d).unwrap();
        assert_eq!(s.residual, s.inherent);
        assert!(s.untreated_above_tolerance(&m));
        d.inherent_likelihood = "5".into();
        let e = parse_scenario(&m, &d).unwrap_err();
        assert_eq!(e.0[0].field, "inherent_likelihood");
        assert_eq!(e.0[0].rule, Rule::OutsideRiskMatrix { max: 4 });
        assert!(e.0[0].rule.depends_on_records());
        d.inherent_likelihood = "7".into();
        let e = parse_scenario(&m, &d).unwrap_err();
        assert_eq!(e.0[0].rule, Rule::OutOfRange { min: 1, max: 4 });
        assert!(!e.0[0].rule.depends_on_records());
    }

    #[test]
    fn a_scenario_names_a_threat_from_the_catalog_or_in_free_text() {
        let m = RiskMatrix::default();
        let mut d = ScenarioDraft {
            title: "x".into(),
            inherent_likelihood: "1".into(),
            inherent_consequence: "1".into(),
            ..Default::default()
        };
        assert_eq!(parse_scenario(&m, &d).unwrap_err().0[0].field, "threat_key");
        d.threat_text = "Översvämning i serverhallen".into();
        assert!(parse_scenario(&m, &d).is_ok());
    }

    #[test]
    fn the_heat_map_counts_scenarios_per_cell() {
        let m = RiskMatrix::default();
        let cells = m.heat_map([
            (p(1, 1), 1),
            (p(3, 4), 1),
            (p(3, 4), 1),
            (p(4, 2), 1),
            (p(5, 1), 3),
        ]);
        assert_eq!(cells[0][0], 1);
        assert_eq!(cells[2][3], 2);
        assert_eq!(cells[3][1], 1);
        assert_eq!(cells.iter().flatten().sum::<u32>(), 4);
    }
}
