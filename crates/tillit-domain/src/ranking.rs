//! Risk-based supervision planning: the model an authority ranks the organisations in its remit
//! with, and the score it gives one organisation, explained factor by factor.
//!
//! A score is likelihood × consequence, each a weighted mean of factors on the scale 0–1 and the
//! score shown as 0–100. Every factor has a weight, a scale that turns the raw figure into 0–1, the
//! value assumed when its data is missing (stated in the model, never zero by accident) and a
//! rationale. The model is a versioned document: an authority's supervision lead edits it, every
//! version is kept and a ranking names the version it used (ADR 0012).

use crate::error::{Rule, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which half of the score a factor belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    Likelihood,
    Consequence,
}

/// Where a factor's figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The organisation's latest submission to the authority.
    Submission,
    /// The authority's own registry.
    Registry,
}

/// The factors a model can weigh. Each reads one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FactorKey {
    /// Share of requirements not met (100 − per cent met), per cent.
    ComplianceGap,
    /// Measures past their due date.
    OverdueMeasures,
    /// Risk scenarios above the organisation's tolerance with no measure.
    UntreatedRisks,
    /// Incidents in the last twelve months.
    Incidents,
    /// Statutory incident reports overdue when the submission was made.
    LateReports,
    /// Days since the latest risk analysis.
    RiskAnalysisAge,
    /// Days since the latest approved access-needs analysis.
    AccessAnalysisAge,
    /// Days since the authority's last supervision.
    SinceSupervision,
    /// Days since the latest submission.
    SubmissionAge,
    /// Number of patients or clients.
    Individuals,
    /// Highest confidentiality level of the organisation's classified information (0–4).
    Sensitivity,
    /// NIS2 class under the Cybersecurity Act.
    Nis2,
    /// The kinds of care given (the most sensitive one counts).
    KindOfCare,
}

impl FactorKey {
    pub const ALL: [FactorKey; 13] = [
        FactorKey::ComplianceGap,
        FactorKey::OverdueMeasures,
        FactorKey::UntreatedRisks,
        FactorKey::Incidents,
        FactorKey::LateReports,
        FactorKey::RiskAnalysisAge,
        FactorKey::AccessAnalysisAge,
        FactorKey::SinceSupervision,
        FactorKey::SubmissionAge,
        FactorKey::Individuals,
        FactorKey::Sensitivity,
        FactorKey::Nis2,
        FactorKey::KindOfCare,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FactorKey::ComplianceGap => "compliance_gap",
            FactorKey::OverdueMeasures => "overdue_measures",
            FactorKey::UntreatedRisks => "untreated_risks",
            FactorKey::Incidents => "incidents",
            FactorKey::LateReports => "late_reports",
            FactorKey::RiskAnalysisAge => "risk_analysis_age",
            FactorKey::AccessAnalysisAge => "access_analysis_age",
            FactorKey::SinceSupervision => "since_supervision",
            FactorKey::SubmissionAge => "submission_age",
            FactorKey::Individuals => "individuals",
            FactorKey::Sensitivity => "sensitivity",
            FactorKey::Nis2 => "nis2",
            FactorKey::KindOfCare => "kind_of_care",
        }
    }

    pub fn from_key(k: &str) -> Option<FactorKey> {
        FactorKey::ALL.into_iter().find(|f| f.key() == k.trim())
    }

    pub fn half(self) -> Half {
        match self {
            FactorKey::Individuals
            | FactorKey::Sensitivity
            | FactorKey::Nis2
            | FactorKey::KindOfCare => Half::Consequence,
            _ => Half::Likelihood,
        }
    }

    pub fn source(self) -> Source {
        match self {
            FactorKey::SinceSupervision
            | FactorKey::Individuals
            | FactorKey::Nis2
            | FactorKey::KindOfCare => Source::Registry,
            _ => Source::Submission,
        }
    }

    /// Whether the figure is a level (a word) rather than a number.
    pub fn is_level(self) -> bool {
        matches!(self, FactorKey::Nis2 | FactorKey::KindOfCare)
    }
}

/// How a factor's raw figure becomes a value 0–1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scale {
    /// figure / full_at, at most 1.
    Linear { full_at: f64 },
    /// ln(1 + figure) / ln(1 + full_at), at most 1: for counts of people, where the first
    /// thousands matter more than the next.
    Logarithmic { full_at: f64 },
    /// A value per level (a word, matched without regard to case); for several levels the
    /// highest counts.
    Levels { levels: BTreeMap<String, f64> },
}

impl Scale {
    fn value_of_number(&self, x: f64) -> Option<f64> {
        let x = x.max(0.0);
        match self {
            Scale::Linear { full_at } => Some((x / full_at).min(1.0)),
            Scale::Logarithmic { full_at } => {
                Some(((1.0 + x).ln() / (1.0 + full_at).ln()).min(1.0))
            }
            Scale::Levels { .. } => None,
        }
    }

    fn value_of_levels(&self, words: &[String]) -> Option<f64> {
        match self {
            Scale::Levels { levels } => words
                .iter()
                .filter_map(|w| {
                    let w = w.trim().to_lowercase();
                    levels
                        .iter()
                        .filter(|(k, _)| k.to_lowercase() == w)
                        .map(|(_, v)| *v)
                        .reduce(f64::max)
                })
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v)))),
            _ => None,
        }
    }
}

/// One factor of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub key: FactorKey,
    /// 0–100; 0 leaves the factor out.
    pub weight: f64,
    pub scale: Scale,
    /// The value 0–1 assumed when the figure is missing (no submission, not in the registry).
    pub missing: f64,
    /// Why the factor counts, and why so much.
    pub rationale: String,
}

/// A ranking model: the factors, their weights, scales and rationales.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RankingModelBody))]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub factors: Vec<Factor>,
    /// What changed in this version, and why.
    #[serde(default)]
    pub note: String,
}

fn levels(pairs: &[(&str, f64)]) -> Scale {
    Scale::Levels {
        levels: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
    }
}

impl Model {
    /// The model every authority starts from (version 1), with its rationale.
    pub fn standard() -> Model {
        let f = |key, weight, scale, missing, rationale: &str| Factor {
            key,
            weight,
            scale,
            missing,
            rationale: rationale.to_string(),
        };
        use FactorKey::*;
        Model {
            note: "Tillits standardmodell.".into(),
            factors: vec![
                f(ComplianceGap, 25.0, Scale::Linear { full_at: 60.0 }, 1.0,
                  "Ouppfyllda krav är den direkta signalen om brister. 60 % ej uppfyllt eller mer räknas fullt. Saknas inlämning antas bristerna vara stora."),
                f(OverdueMeasures, 10.0, Scale::Linear { full_at: 20.0 }, 0.5,
                  "Försenade åtgärder visar att kända brister inte åtgärdas. 20 eller fler räknas fullt."),
                f(UntreatedRisks, 15.0, Scale::Linear { full_at: 10.0 }, 0.5,
                  "Risker över den egna toleransen utan åtgärd är brister organisationen själv har konstaterat. 10 eller fler räknas fullt."),
                f(Incidents, 10.0, Scale::Linear { full_at: 12.0 }, 0.3,
                  "Incidenter de senaste tolv månaderna; en per månad eller fler räknas fullt."),
                f(LateReports, 10.0, Scale::Linear { full_at: 2.0 }, 0.3,
                  "Försenad incidentrapportering till tillsynsmyndigheterna (GDPR art. 33, cybersäkerhetslagen)."),
                f(RiskAnalysisAge, 10.0, Scale::Linear { full_at: 730.0 }, 1.0,
                  "En riskanalys äldre än två år räknas som inaktuell; saknas den räknas det fullt."),
                f(AccessAnalysisAge, 5.0, Scale::Linear { full_at: 730.0 }, 1.0,
                  "Behovs- och riskanalysen styr åtkomsten till patientuppgifter (HSLF-FS 2016:40). Äldre än två år eller saknad räknas fullt."),
                f(SinceSupervision, 10.0, Scale::Linear { full_at: 1825.0 }, 1.0,
                  "Tid sedan senaste tillsyn; fem år eller aldrig räknas fullt."),
                f(SubmissionAge, 5.0, Scale::Linear { full_at: 365.0 }, 1.0,
                  "Ingen eller gammal inlämning är i sig en risksignal; ett år eller äldre räknas fullt."),
                f(Individuals, 40.0, Scale::Logarithmic { full_at: 500000.0 }, 0.5,
                  "Antal patienter eller klienter som berörs om något går fel, på logaritmisk skala: 500 000 eller fler räknas fullt."),
                f(Sensitivity, 25.0, Scale::Linear { full_at: 4.0 }, 0.75,
                  "Högsta konfidentialitetsnivå i organisationens klassning (0–4). Saknas klassning antas känsliga uppgifter, eftersom vården hanterar hälsouppgifter."),
                f(Nis2, 15.0, levels(&[("essential", 1.0), ("important", 0.6), ("not_covered", 0.0)]), 0.5,
                  "Väsentliga och viktiga verksamhetsutövare enligt cybersäkerhetslagen har större samhällspåverkan."),
                f(KindOfCare, 20.0, levels(&[
                    ("sjukhusvård", 1.0), ("psykiatri", 1.0), ("primärvård", 0.7),
                    ("individ- och familjeomsorg", 0.9), ("äldreomsorg", 0.8), ("lss", 0.8),
                    ("elevhälsa", 0.6), ("tandvård", 0.5)]), 0.7,
                  "Vårdformer med särskilt känsliga uppgifter eller sårbara grupper väger tyngre; flera vårdformer ger den högsta."),
            ],
        }
    }

    pub fn factor(&self, key: FactorKey) -> Option<&Factor> {
        self.factors.iter().find(|f| f.key == key)
    }

    /// Checks the model: every factor at most once, weights 0–100, scales and values in range, and
    /// a rationale for each. A half whose weights are all 0 is left out of the score (it counts as
    /// 1): the model then ranks by the other half alone.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let mut seen = std::collections::HashSet::new();
        for f in &self.factors {
            let field = |what: &str| format!("factors.{}.{what}", f.key.key());
            if !seen.insert(f.key) {
                errs.push(ValidationError::new(field("key"), Rule::AlreadyExists));
            }
            if !f.weight.is_finite() || !(0.0..=100.0).contains(&f.weight) {
                errs.push(ValidationError::new(
                    field("weight"),
                    Rule::OutOfRange { min: 0, max: 100 },
                ));
            }
            if !f.missing.is_finite() || !(0.0..=1.0).contains(&f.missing) {
                errs.push(ValidationError::new(
                    field("missing"),
                    Rule::OutOfRange { min: 0, max: 1 },
                ));
            }
            match &f.scale {
                Scale::Linear { full_at } | Scale::Logarithmic { full_at } => {
                    if f.key.is_level() {
                        errs.push(ValidationError::new(field("scale"), Rule::UnknownValue));
                    } else if !full_at.is_finite() || *full_at <= 0.0 || *full_at > 1e9 {
                        errs.push(ValidationError::new(
                            field("full_at"),
                            Rule::OutOfRange {
                                min: 0,
                                max: 1_000_000_000,
                            },
                        ));
                    }
                }
                Scale::Levels { levels } => {
                    if !f.key.is_level() {
                        errs.push(ValidationError::new(field("scale"), Rule::UnknownValue));
                    } else if levels.is_empty() || levels.len() > 50 {
                        errs.push(ValidationError::new(field("levels"), Rule::Required));
                    } else if levels.iter().any(|(k, v)| {
                        k.trim().is_empty()
                            || k.chars().count() > 100
                            || !v.is_finite()
                            || !(0.0..=1.0).contains(v)
                    }) {
                        errs.push(ValidationError::new(
                            field("levels"),
                            Rule::OutOfRange { min: 0, max: 1 },
                        ));
                    }
                }
            }
            if let Err(e) = crate::text::required(&field("rationale"), &f.rationale, 2000) {
                errs.push(e);
            }
        }
        if let Err(e) = crate::text::optional("note", &self.note, 2000) {
            errs.push(e);
        }
        errs.into_result()
    }
}

/// A factor as the API and the form give it: its weight, the figure that counts fully (number
/// factors) or the value of each level (level factors), the value when missing, the rationale.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FactorDraft {
    pub weight: f64,
    #[serde(default)]
    pub full_at: Option<f64>,
    #[serde(default)]
    pub levels: Option<BTreeMap<String, f64>>,
    pub missing: f64,
    pub rationale: String,
}

/// A new version of the ranking model: every factor, by its key, and a note on what changed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RankingModelBody))]
#[serde(deny_unknown_fields)]
pub struct ModelDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: String,
    pub factors: BTreeMap<FactorKey, FactorDraft>,
}

impl FactorKey {
    /// The scale a factor uses: levels for NIS2 class and kind of care, logarithmic for the
    /// number of individuals, linear for the rest.
    pub fn scale_kind(self) -> &'static str {
        match self {
            FactorKey::Nis2 | FactorKey::KindOfCare => "levels",
            FactorKey::Individuals => "logarithmic",
            _ => "linear",
        }
    }
}

impl ModelDraft {
    /// The model: every factor must be given, with the figure its scale needs; level words are
    /// matched without regard to case.
    pub fn into_model(self) -> Result<Model, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let mut factors = Vec::new();
        for key in FactorKey::ALL {
            let Some(d) = self.factors.get(&key) else {
                errs.push(ValidationError::new(
                    format!("factors.{}", key.key()),
                    Rule::Required,
                ));
                continue;
            };
            let field = |w: &str| format!("factors.{}.{w}", key.key());
            let scale = match key.scale_kind() {
                "levels" => match &d.levels {
                    Some(l) => {
                        let mut levels = BTreeMap::new();
                        for (k, v) in l {
                            let k = k.trim().to_string();
                            let e = levels.entry(k).or_insert(*v);
                            *e = e.max(*v);
                        }
                        Scale::Levels { levels }
                    }
                    None => {
                        errs.push(ValidationError::new(field("levels"), Rule::Required));
                        continue;
                    }
                },
                kind => match d.full_at {
                    Some(full_at) if kind == "logarithmic" => Scale::Logarithmic { full_at },
                    Some(full_at) => Scale::Linear { full_at },
                    None => {
                        errs.push(ValidationError::new(field("full_at"), Rule::Required));
                        continue;
                    }
                },
            };
            factors.push(Factor {
                key,
                weight: d.weight,
                scale,
                missing: d.missing,
                rationale: d.rationale.trim().to_string(),
            });
        }
        errs.into_result()?;
        let m = Model {
            factors,
            note: self.note.trim().to_string(),
        };
        m.validate()?;
        Ok(m)
    }
}

impl Model {
    /// The model as a draft (the form's and the API's shape).
    pub fn to_draft(&self) -> ModelDraft {
        ModelDraft {
            note: String::new(),
            factors: self
                .factors
                .iter()
                .map(|f| {
                    let (full_at, levels) = match &f.scale {
                        Scale::Linear { full_at } | Scale::Logarithmic { full_at } => {
                            (Some(*full_at), None)
                        }
                        Scale::Levels { levels } => (None, Some(levels.clone())),
                    };
                    (
                        f.key,
                        FactorDraft {
                            weight: f.weight,
                            full_at,
                            levels,
                            missing: f.missing,
                            rationale: f.rationale.clone(),
                        },
                    )
                })
                .collect(),
        }
    }
}

/// A factor's figure for one organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Number(f64),
    Levels(Vec<String>),
}

/// What the ranking knows of one organisation: its figures and the date each is from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inputs {
    pub figures: BTreeMap<FactorKey, (Figure, Option<String>)>,
}

impl Inputs {
    pub fn set(&mut self, key: FactorKey, figure: Figure, as_of: Option<String>) {
        self.figures.insert(key, (figure, as_of));
    }
}

/// One factor's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub key: FactorKey,
    pub half: Half,
    pub source: Source,
    /// The figure, or `None` when missing (then `value` is the model's `missing`).
    pub figure: Option<Figure>,
    /// The date the figure is from.
    pub as_of: Option<String>,
    pub value: f64,
    /// The factor's share of its half's weight (0–1).
    pub weight_share: f64,
    /// Points of the score (0–100) this factor accounts for; the parts of each half add up to the
    /// score.
    pub points: f64,
}

/// A score explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// 0–100, one decimal.
    pub score: f64,
    /// 0–1.
    pub likelihood: f64,
    pub consequence: f64,
    pub parts: Vec<Part>,
    /// Factors whose figure was missing.
    pub missing: Vec<FactorKey>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Scores one organisation with a model.
pub fn score(model: &Model, inputs: &Inputs) -> Score {
    let mut values: Vec<(&Factor, Option<Figure>, Option<String>, f64)> = Vec::new();
    for f in model.factors.iter().filter(|f| f.weight > 0.0) {
        let given = inputs.figures.get(&f.key);
        let v = given.and_then(|(fig, _)| match fig {
            Figure::Number(x) if x.is_finite() => f.scale.value_of_number(*x),
            Figure::Levels(words) => f.scale.value_of_levels(words),
            Figure::Number(_) => None,
        });
        let (figure, as_of) = match (v, given) {
            (Some(_), Some((fig, d))) => (Some(fig.clone()), d.clone()),
            _ => (None, None),
        };
        values.push((f, figure, as_of, v.unwrap_or(f.missing).clamp(0.0, 1.0)));
    }
    let half_total = |h: Half| -> f64 {
        values
            .iter()
            .filter(|(f, ..)| f.key.half() == h)
            .map(|(f, ..)| f.weight)
            .sum()
    };
    let (wl, wc) = (half_total(Half::Likelihood), half_total(Half::Consequence));
    let mean = |h: Half, w: f64| -> f64 {
        if w <= 0.0 {
            return 1.0;
        }
        values
            .iter()
            .filter(|(f, ..)| f.key.half() == h)
            .map(|(f, _, _, v)| f.weight * v)
            .sum::<f64>()
            / w
    };
    let (l, c) = (mean(Half::Likelihood, wl), mean(Half::Consequence, wc));
    let parts = values
        .iter()
        .map(|(f, figure, as_of, v)| {
            let half = f.key.half();
            let share = match half {
                Half::Likelihood => f.weight / wl,
                Half::Consequence => f.weight / wc,
            };
            let share = if share.is_finite() { share } else { 0.0 };
            let other = match half {
                Half::Likelihood => c,
                Half::Consequence => l,
            };
            Part {
                key: f.key,
                half,
                source: f.key.source(),
                figure: figure.clone(),
                as_of: as_of.clone(),
                value: *v,
                weight_share: share,
                points: round1(100.0 * share * v * other),
            }
        })
        .collect::<Vec<_>>();
    let missing = parts
        .iter()
        .filter(|p| p.figure.is_none())
        .map(|p| p.key)
        .collect();
    Score {
        score: round1(100.0 * l * c),
        likelihood: l,
        consequence: c,
        parts,
        missing,
    }
}

/// What would lower the score most: each likelihood factor with a value above 0 — what the
/// organisation or the authority can change; the consequence side is what the organisation is —
/// and the score if it were at its best (the deficiency remedied, the supervision done, a fresh
/// submission), largest change first.
pub fn what_would_change(model: &Model, inputs: &Inputs) -> Vec<(FactorKey, f64)> {
    let now = score(model, inputs).score;
    let mut out: Vec<(FactorKey, f64)> = score(model, inputs)
        .parts
        .iter()
        .filter(|p| p.half == Half::Likelihood && p.value > 0.0)
        .map(|p| {
            let mut m = model.clone();
            if let Some(f) = m.factors.iter_mut().find(|f| f.key == p.key) {
                // The figure's best value: 0 on a number scale, the lowest level on a level scale.
                f.missing = 0.0;
                f.scale = match &f.scale {
                    Scale::Levels { .. } => Scale::Levels {
                        levels: BTreeMap::new(),
                    },
                    s => s.clone(),
                };
            }
            let mut i = inputs.clone();
            i.figures.remove(&p.key);
            (p.key, score(&m, &i).score)
        })
        .filter(|(_, s)| *s < now)
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    out
}

/// The part of a submission's content the ranking reads, kept beside every submission an
/// authority receives (the same paths, so that [`inputs`] reads either).
pub fn figures_of(c: &serde_json::Value) -> serde_json::Value {
    // The national figures (crate::national) read the kind, the areas and the gap counts too.
    let areas: Vec<serde_json::Value> = c["compliance"]["areas"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| serde_json::json!({"area": x["area"], "percent_met": x["percent_met"]}))
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "organisation": {"kind": c["organisation"]["kind"]},
        "compliance": {"percent_met": c["compliance"]["percent_met"], "areas": areas},
        "measures": {"overdue": c["measures"]["overdue"]},
        "risk": {
            "above_tolerance_untreated": c["risk"]["above_tolerance_untreated"],
            "latest_risk_analysis": c["risk"]["latest_risk_analysis"],
        },
        "incidents": {
            "last_12_months": c["incidents"]["last_12_months"],
            "reports_overdue_now": c["incidents"]["reports_overdue_now"],
        },
        "classification": {
            "highest_confidentiality": c["classification"]["highest_confidentiality"],
            "unclassified": c["classification"]["unclassified"],
        },
        "access_needs_analysis": {
            "latest_approved": c["access_needs_analysis"]["latest_approved"],
            "systems_with_patient_data_missing_one": c["access_needs_analysis"]["systems_with_patient_data_missing_one"],
        },
    })
}

/// A number in a submission's content, as a figure.
fn number(v: &serde_json::Value) -> Option<f64> {
    v.as_f64()
}

fn days_since(day: Option<&str>, today: chrono::NaiveDate) -> Option<f64> {
    // The Swedish day: a submission stamped 23:30 UTC was made on the next day in Sweden.
    let date = crate::time::day_of(day?)?;
    Some((today - date).num_days().max(0) as f64)
}

/// What the registry holds of one organisation, as the ranking reads it.
#[derive(Debug, Clone, Default)]
pub struct RegistryFacts {
    pub individuals: Option<i64>,
    pub nis2_class: String,
    pub kinds_of_care: Vec<String>,
    pub last_supervised_on: Option<String>,
    /// The date the registry row was last imported.
    pub as_of: Option<String>,
}

/// The inputs for one organisation: the registry's facts and the figures of its latest
/// submission (its content and the day it was made), as of `today`.
pub fn inputs(
    registry: &RegistryFacts,
    latest: Option<(&serde_json::Value, &str)>,
    today: chrono::NaiveDate,
) -> Inputs {
    let mut i = Inputs::default();
    let reg_day = registry.as_of.clone();
    if let Some(n) = registry.individuals {
        i.set(
            FactorKey::Individuals,
            Figure::Number(n as f64),
            reg_day.clone(),
        );
    }
    if !registry.nis2_class.is_empty() && registry.nis2_class != "unknown" {
        i.set(
            FactorKey::Nis2,
            Figure::Levels(vec![registry.nis2_class.clone()]),
            reg_day.clone(),
        );
    }
    if !registry.kinds_of_care.is_empty() {
        i.set(
            FactorKey::KindOfCare,
            Figure::Levels(registry.kinds_of_care.clone()),
            reg_day.clone(),
        );
    }
    // An age is dated by where it was read (the registry, the submission); the day it counts
    // from is today less the age.
    if let Some(days) = days_since(registry.last_supervised_on.as_deref(), today) {
        i.set(
            FactorKey::SinceSupervision,
            Figure::Number(days),
            reg_day.clone(),
        );
    }
    let Some((c, submitted)) = latest else {
        return i;
    };
    let day = crate::time::day_of(submitted).map(|d| d.to_string());
    if let Some(days) = days_since(Some(submitted), today) {
        i.set(FactorKey::SubmissionAge, Figure::Number(days), day.clone());
    }
    let mut put = |k: FactorKey, v: Option<f64>| {
        if let Some(x) = v {
            i.set(k, Figure::Number(x), day.clone());
        }
    };
    put(
        FactorKey::ComplianceGap,
        number(&c["compliance"]["percent_met"]).map(|p| (100.0 - p).max(0.0)),
    );
    put(
        FactorKey::OverdueMeasures,
        number(&c["measures"]["overdue"]),
    );
    put(
        FactorKey::UntreatedRisks,
        number(&c["risk"]["above_tolerance_untreated"]),
    );
    put(
        FactorKey::Incidents,
        number(&c["incidents"]["last_12_months"]),
    );
    put(
        FactorKey::LateReports,
        number(&c["incidents"]["reports_overdue_now"]),
    );
    put(
        FactorKey::Sensitivity,
        number(&c["classification"]["highest_confidentiality"]),
    );
    for (k, v) in [
        (
            FactorKey::RiskAnalysisAge,
            &c["risk"]["latest_risk_analysis"],
        ),
        (
            FactorKey::AccessAnalysisAge,
            &c["access_needs_analysis"]["latest_approved"],
        ),
    ] {
        if let Some(days) = days_since(v.as_str(), today) {
            i.set(k, Figure::Number(days), day.clone());
        }
    }
    i
}

/// The organisation kinds a registry row can name.
pub const REGISTRY_KINDS: [&str; 4] = ["region", "municipality", "private_provider", "other"];
/// The NIS2 classes a registry row can name.
pub const NIS2_CLASSES: [&str; 4] = ["essential", "important", "not_covered", "unknown"];

/// Reads a registry row's kind, in English or Swedish.
pub fn registry_kind(field: &str, v: &str) -> Result<String, ValidationError> {
    let k = match v.trim().to_lowercase().as_str() {
        "region" => "region",
        "municipality" | "kommun" => "municipality",
        "private_provider" | "privat vårdgivare" | "privat" | "enskild" => "private_provider",
        "other" | "annan" | "övrig" => "other",
        "" => return Err(ValidationError::new(field, Rule::Required)),
        _ => return Err(ValidationError::new(field, Rule::UnknownValue)),
    };
    Ok(k.to_string())
}

/// Reads a registry row's NIS2 class, in English or Swedish; empty is `unknown`.
pub fn nis2_class(field: &str, v: &str) -> Result<String, ValidationError> {
    let k = match v.trim().to_lowercase().as_str() {
        "essential" | "väsentlig" => "essential",
        "important" | "viktig" => "important",
        "not_covered" | "ej omfattad" | "nej" => "not_covered",
        "unknown" | "okänd" | "" => "unknown",
        _ => return Err(ValidationError::new(field, Rule::UnknownValue)),
    };
    Ok(k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn two_factor_model() -> Model {
        Model {
            note: String::new(),
            factors: vec![
                Factor {
                    key: FactorKey::OverdueMeasures,
                    weight: 1.0,
                    scale: Scale::Linear { full_at: 10.0 },
                    missing: 0.5,
                    rationale: "r".into(),
                },
                Factor {
                    key: FactorKey::ComplianceGap,
                    weight: 3.0,
                    scale: Scale::Linear { full_at: 100.0 },
                    missing: 1.0,
                    rationale: "r".into(),
                },
                Factor {
                    key: FactorKey::Individuals,
                    weight: 1.0,
                    scale: Scale::Linear { full_at: 1000.0 },
                    missing: 0.25,
                    rationale: "r".into(),
                },
            ],
        }
    }

    #[test]
    fn each_factor_contributes_its_weighted_share_and_the_parts_add_up() {
        let m = two_factor_model();
        let mut i = Inputs::default();
        i.set(FactorKey::OverdueMeasures, Figure::Number(5.0), None);
        i.set(FactorKey::ComplianceGap, Figure::Number(20.0), None);
        i.set(FactorKey::Individuals, Figure::Number(1000.0), None);
        let s = score(&m, &i);
        // likelihood = (1 × 0.5 + 3 × 0.2) / 4 = 0.275; consequence = 1
        assert!((s.likelihood - 0.275).abs() < 1e-9);
        assert!((s.consequence - 1.0).abs() < 1e-9);
        assert_eq!(s.score, 27.5);
        let pts = |k| s.parts.iter().find(|p| p.key == k).unwrap().points;
        assert_eq!(pts(FactorKey::OverdueMeasures), 12.5);
        assert_eq!(pts(FactorKey::ComplianceGap), 15.0);
        assert_eq!(pts(FactorKey::Individuals), 27.5);
        assert!(s.missing.is_empty());
    }

    #[test]
    fn missing_data_takes_the_value_the_model_states_never_zero_by_accident() {
        let m = two_factor_model();
        let s = score(&m, &Inputs::default());
        // likelihood = (0.5 + 3 × 1.0) / 4 = 0.875; consequence = 0.25
        assert_eq!(s.score, 21.9);
        assert_eq!(s.missing.len(), 3);
        assert!(s.parts.iter().all(|p| p.figure.is_none()));
        // A level the scale does not know counts as missing, not as 0.
        let std = Model::standard();
        let mut i = Inputs::default();
        i.set(
            FactorKey::Nis2,
            Figure::Levels(vec!["okänd-klass".into()]),
            None,
        );
        let p = score(&std, &i)
            .parts
            .into_iter()
            .find(|p| p.key == FactorKey::Nis2)
            .unwrap();
        assert_eq!(p.value, 0.5);
        assert!(p.figure.is_none());
        // A figure that is not a number is missing too.
        i.set(FactorKey::Incidents, Figure::Number(f64::NAN), None);
        let p = score(&std, &i)
            .parts
            .into_iter()
            .find(|p| p.key == FactorKey::Incidents)
            .unwrap();
        assert_eq!(p.value, 0.3);
    }

    #[test]
    fn scales_cap_at_one_and_levels_take_the_highest() {
        assert_eq!(
            Scale::Linear { full_at: 10.0 }.value_of_number(30.0),
            Some(1.0)
        );
        assert_eq!(
            Scale::Linear { full_at: 10.0 }.value_of_number(-3.0),
            Some(0.0)
        );
        let log = Scale::Logarithmic { full_at: 999.0 };
        assert!((log.value_of_number(99.0).unwrap() - (100f64.ln() / 1000f64.ln())).abs() < 1e-12);
        let std = Model::standard();
        let care = &std.factor(FactorKey::KindOfCare).unwrap().scale;
        assert_eq!(
            care.value_of_levels(&["Tandvård".into(), "psykiatri".into()]),
            Some(1.0)
        );
    }

    #[test]
    fn a_weight_of_zero_leaves_the_factor_out_and_a_new_version_changes_the_score() {
        let mut m = two_factor_model();
        let mut i = Inputs::default();
        i.set(FactorKey::OverdueMeasures, Figure::Number(10.0), None);
        i.set(FactorKey::ComplianceGap, Figure::Number(0.0), None);
        i.set(FactorKey::Individuals, Figure::Number(1000.0), None);
        let before = score(&m, &i).score;
        m.factors[1].weight = 0.0;
        let after = score(&m, &i);
        assert_eq!(before, 25.0);
        assert_eq!(after.score, 100.0);
        assert!(after
            .parts
            .iter()
            .all(|p| p.key != FactorKey::ComplianceGap));
    }

    #[test]
    fn what_would_change_puts_the_largest_drop_first() {
        let m = two_factor_model();
        let mut i = Inputs::default();
        i.set(FactorKey::OverdueMeasures, Figure::Number(10.0), None);
        i.set(FactorKey::ComplianceGap, Figure::Number(50.0), None);
        i.set(FactorKey::Individuals, Figure::Number(1000.0), None);
        let w = what_would_change(&m, &i);
        // Compliance gap (3 × 0.5) outweighs overdue measures (1 × 1); the consequence side
        // (the number of individuals) is what the organisation is, not something to change.
        assert_eq!(w.len(), 2);
        assert_eq!(w[0], (FactorKey::ComplianceGap, 25.0));
        assert_eq!(w[1], (FactorKey::OverdueMeasures, 37.5));
    }

    #[test]
    fn inputs_read_the_submission_and_the_registry_with_their_dates() {
        let content = serde_json::json!({
            "compliance": {"percent_met": 70},
            "measures": {"overdue": 3},
            "risk": {"above_tolerance_untreated": 2, "latest_risk_analysis": "2026-06-01"},
            "incidents": {"last_12_months": 4, "reports_overdue_now": 0},
            "classification": {"highest_confidentiality": 3},
            "access_needs_analysis": {"latest_approved": null},
        });
        let reg = RegistryFacts {
            individuals: Some(12000),
            nis2_class: "important".into(),
            kinds_of_care: vec!["primärvård".into()],
            last_supervised_on: None,
            as_of: Some("2026-11-01".into()),
        };
        let i = inputs(
            &reg,
            Some((&content, "2026-11-20T10:00:00Z")),
            day("2026-12-01"),
        );
        let f = |k| i.figures.get(&k).map(|(f, d)| (f.clone(), d.clone()));
        assert_eq!(
            f(FactorKey::ComplianceGap),
            Some((Figure::Number(30.0), Some("2026-11-20".into())))
        );
        assert_eq!(
            f(FactorKey::RiskAnalysisAge),
            Some((Figure::Number(183.0), Some("2026-11-20".into())))
        );
        assert_eq!(f(FactorKey::SubmissionAge).unwrap().0, Figure::Number(11.0));
        assert_eq!(f(FactorKey::AccessAnalysisAge), None);
        assert_eq!(f(FactorKey::SinceSupervision), None);
        assert_eq!(
            f(FactorKey::Individuals),
            Some((Figure::Number(12000.0), Some("2026-11-01".into())))
        );
        // No submission: only the registry's figures.
        let none = inputs(&reg, None, day("2026-12-01"));
        assert!(!none.figures.contains_key(&FactorKey::SubmissionAge));
        assert!(!none.figures.contains_key(&FactorKey::ComplianceGap));
        // …and the standard model counts the missing submission fully, not as zero.
        let s = score(&Model::standard(), &none);
        let sub = s
            .parts
            .iter()
            .find(|p| p.key == FactorKey::SubmissionAge)
            .unwrap();
        assert_eq!(sub.value, 1.0);
        let with = score(&Model::standard(), &i);
        assert!(s.score > with.score, "{} vs {}", s.score, with.score);
    }

    #[test]
    fn a_submission_is_dated_by_its_swedish_day() {
        // 23:30 UTC on 1 December is 00:30 on 2 December in Sweden.
        let content = serde_json::json!({"measures": {"overdue": 0}});
        let i = inputs(
            &RegistryFacts::default(),
            Some((&content, "2026-12-01T23:30:00Z")),
            day("2026-12-02"),
        );
        let (age, dated) = i.figures.get(&FactorKey::SubmissionAge).unwrap();
        assert_eq!(*age, Figure::Number(0.0));
        assert_eq!(dated.as_deref(), Some("2026-12-02"));
        let (_, dated) = i.figures.get(&FactorKey::OverdueMeasures).unwrap();
        assert_eq!(dated.as_deref(), Some("2026-12-02"));
    }

    #[test]
    fn the_standard_model_is_valid_and_bad_models_name_the_field() {
        Model::standard().validate().unwrap();
        let mut m = Model::standard();
        m.factors[0].weight = 200.0;
        m.factors[1].rationale = " ".into();
        m.factors[2].scale = Scale::Levels {
            levels: BTreeMap::new(),
        };
        m.factors.push(m.factors[3].clone());
        let e = m.validate().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"factors.compliance_gap.weight"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"factors.overdue_measures.rationale"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"factors.untreated_risks.scale"),
            "{fields:?}"
        );
        assert!(fields.contains(&"factors.incidents.key"), "{fields:?}");
        let only_likelihood = Model {
            note: String::new(),
            factors: vec![Model::standard().factors[0].clone()],
        };
        only_likelihood.validate().unwrap();
        // With no consequence factor the score is the likelihood alone.
        let mut i = Inputs::default();
        i.set(FactorKey::ComplianceGap, Figure::Number(30.0), None);
        assert_eq!(score(&only_likelihood, &i).score, 50.0);
    }

    #[test]
    fn registry_words_are_read_in_both_languages() {
        assert_eq!(registry_kind("kind", "Kommun").unwrap(), "municipality");
        assert_eq!(nis2_class("nis2_class", "").unwrap(), "unknown");
        assert_eq!(nis2_class("nis2_class", "Väsentlig").unwrap(), "essential");
        assert_eq!(
            registry_kind("kind", "bolag").unwrap_err().rule,
            Rule::UnknownValue
        );
    }
}
