//! Outsourcing: is handing confidential data to a supplier for technical processing or storage
//! unsuitable (10 kap. 2 a § OSL), does GDPR allow it, and what would make it acceptable.
//!
//! The legal judgement lives in a **rule set** — a versioned document (`rules/outsourcing/`)
//! whose rules map the case's facts to the legal question, to findings with their provisions and
//! explanations, and to the conditions that would remove them. This module only knows the
//! vocabulary of facts and how to evaluate rules: [`assess`] is a pure function (facts, rule set)
//! → assessment. An unanswered fact is never treated as favourable: a rule that depends on it is
//! listed as an open question, and the assessment says whether the answer could change the
//! recommendation. The assessment supports a decision; it is not the decision.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// What a fact may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactType {
    Bool,
    /// A consequence level, 0–4.
    Level,
    /// One of the words.
    Word(&'static [&'static str]),
}

/// The scope of what the supplier does.
pub const SCOPES: &[&str] = &["technical", "beyond_technical", "exercise_of_authority"];
/// The strength of the confidentiality (as on an information asset).
pub const STRENGTHS: &[&str] = &[
    "presumption_of_secrecy",
    "presumption_of_openness",
    "absolute",
];
/// Who holds the encryption keys.
pub const KEY_HOLDERS: &[&str] = &[
    "customer_outside_supplier",
    "customer_in_supplier_service",
    "supplier",
];
/// The chapter V ground of a third-country transfer.
pub const TRANSFER_BASES: &[&str] = &["adequacy", "dpf", "scc", "bcr", "derogation", "none"];

/// The vocabulary of facts a rule set may use, with their types. The questions of the guided
/// assessment ask for these; the registers answer some of them.
pub const FACTS: &[(&str, FactType)] = &[
    // The organisation (from its facts).
    ("public_body", FactType::Bool),
    ("covered_by_lag_2020_914", FactType::Bool),
    // Scope of the service.
    ("scope", FactType::Word(SCOPES)),
    // The data (from the registers).
    ("confidentiality_provision", FactType::Bool),
    ("confidentiality_strength", FactType::Word(STRENGTHS)),
    ("confidentiality_level", FactType::Level),
    ("personal_data", FactType::Bool),
    ("special_categories", FactType::Bool),
    ("staff_data", FactType::Bool),
    ("large_scale", FactType::Bool),
    // Technical protection.
    ("encryption_in_transit", FactType::Bool),
    ("encryption_at_rest", FactType::Bool),
    ("key_holder", FactType::Word(KEY_HOLDERS)),
    ("supplier_plaintext_access", FactType::Bool),
    ("supplier_access_logged", FactType::Bool),
    ("data_in_eea", FactType::Bool),
    ("support_in_eea", FactType::Bool),
    ("subprocessors_in_eea", FactType::Bool),
    ("certified_iso27001", FactType::Bool),
    // Organisational and contractual protection.
    ("confidentiality_undertaking", FactType::Bool),
    ("processing_agreement", FactType::Bool),
    ("audit_rights", FactType::Bool),
    ("subprocessor_control", FactType::Bool),
    ("exit_terms", FactType::Bool),
    // Foreign law and transfers.
    ("foreign_law_exposure", FactType::Bool),
    ("third_country_transfer", FactType::Bool),
    ("transfer_basis", FactType::Word(TRANSFER_BASES)),
    ("dpf_certified", FactType::Bool),
    ("dpf_hr_scope", FactType::Bool),
    ("transfer_impact_assessment", FactType::Bool),
];

fn fact_type(name: &str) -> Option<FactType> {
    FACTS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Checks a value against a fact's type.
fn fits(t: FactType, v: &Value) -> bool {
    match t {
        FactType::Bool => v.is_boolean(),
        FactType::Level => v.as_i64().is_some_and(|n| (0..=4).contains(&n)),
        FactType::Word(words) => v.as_str().is_some_and(|s| words.contains(&s)),
    }
}

/// The known facts of a case; a fact that is absent is unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Facts(pub BTreeMap<String, Value>);

/// A fact that is not in the vocabulary or does not fit its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fact {fact}: {problem}")]
pub struct FactError {
    pub fact: String,
    pub problem: String,
}

impl Facts {
    /// Facts from a JSON object; `null` means unknown. Every name and value is checked.
    pub fn from_json(v: &Value) -> Result<Facts, FactError> {
        let obj = v.as_object().ok_or_else(|| FactError {
            fact: String::new(),
            problem: "the facts must be an object".into(),
        })?;
        let mut out = Facts::default();
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            out.set(k, v.clone())?;
        }
        Ok(out)
    }

    /// Sets a fact after checking its name and value.
    pub fn set(&mut self, name: &str, v: Value) -> Result<(), FactError> {
        let t = fact_type(name).ok_or_else(|| FactError {
            fact: name.into(),
            problem: "not a fact Tillit knows".into(),
        })?;
        if !fits(t, &v) {
            return Err(FactError {
                fact: name.into(),
                problem: format!("{v} does not fit"),
            });
        }
        self.0.insert(name.into(), v);
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The facts as canonical JSON (keys sorted, no spaces), which the decision record hashes.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// SHA-256 of the canonical JSON, in hex.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.canonical_json().as_bytes()))
    }
}

/// A text in both languages of the product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub sv: String,
    pub en: String,
}

impl Texts {
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.en
        } else {
            &self.sv
        }
    }
}

/// The legal question a case is judged under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// 10 kap. 2 a § OSL: is the disclosure for technical processing or storage unsuitable?
    #[serde(rename = "osl_10_2a")]
    Osl10_2a,
    /// A private provider: would the disclosure be unauthorised under its own duty of
    /// confidentiality (with lag (2020:914) where it covers the provider)?
    PrivateConfidentiality,
    /// The supplier does more than technical processing or storage: 10 kap. 2 a § is not the
    /// ground, another is needed.
    BeyondTechnical,
    /// No confidentiality provision applies to the data: 10 kap. 2 a § is not needed.
    NoConfidentiality,
}

impl Question {
    pub fn key(self) -> &'static str {
        match self {
            Question::Osl10_2a => "osl_10_2a",
            Question::PrivateConfidentiality => "private_confidentiality",
            Question::BeyondTechnical => "beyond_technical",
            Question::NoConfidentiality => "no_confidentiality",
        }
    }
}

/// What a rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Selects the legal question (the first that holds, in the rule set's order).
    Question,
    /// Weighs in the suitability of the disclosure.
    Finding,
    /// Weighs in whether GDPR chapter V allows a transfer (separately from OSL).
    Transfer,
}

/// How a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Alone makes the disclosure unsuitable (or a transfer unlawful).
    Decisive,
    /// A shortcoming with a remedy: adds its weight, and calls for conditions.
    Condition,
    /// Raises what is at stake (the data's sensitivity): adds its weight only.
    Weight,
    /// Lowers the risk: its (negative) weight counts.
    Favourable,
    /// Explains, without weight.
    Info,
}

/// The aspect of the case a rule concerns, in the order of the guided assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Scope,
    Confidentiality,
    Technical,
    Contractual,
    ForeignLaw,
    Transfer,
    Consequence,
}

/// A measure that would change the facts: the facts it sets, and what it is in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDef {
    pub id: String,
    /// A short name, the title of the measure the condition becomes.
    pub title: Texts,
    pub text: Texts,
    pub set: BTreeMap<String, Value>,
}

/// A condition on facts, as written in the rule set: `{"all": [...]}`, `{"any": [...]}`,
/// `{"not": {...}}`, `{"fact": F, "is": V}`, `{"fact": F, "in": [V, ...]}`,
/// `{"fact": F, "at_least": N}`, `{"fact": F, "at_most": N}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum When {
    All {
        all: Vec<When>,
    },
    Any {
        any: Vec<When>,
    },
    Not {
        not: Box<When>,
    },
    Is {
        fact: String,
        is: Value,
    },
    In {
        fact: String,
        #[serde(rename = "in")]
        one_of: Vec<Value>,
    },
    AtLeast {
        fact: String,
        at_least: i64,
    },
    AtMost {
        fact: String,
        at_most: i64,
    },
}

/// One rule of the rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub kind: RuleKind,
    pub factor: Factor,
    /// For a question rule: the question it selects.
    #[serde(default)]
    pub question: Option<Question>,
    /// For findings and transfer rules: the questions under which they weigh (empty: all but
    /// `beyond_technical`, where the disclosure is not judged under this test).
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    #[serde(default)]
    pub weight: i32,
    pub when: When,
    pub provision: String,
    pub explanation: Texts,
    #[serde(default)]
    pub conditions: Vec<ConditionDef>,
    /// What remains even when the conditions are met: a risk for the risk analysis.
    #[serde(default)]
    pub residual_risk: Option<Texts>,
}

fn default_severity() -> Severity {
    Severity::Info
}

/// A versioned rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub id: String,
    pub version: String,
    pub title: Texts,
    /// The date from which the rule set describes the law (YYYY-MM-DD).
    pub valid_from: String,
    /// The score from which the disclosure is judged unsuitable.
    pub unsuitable_from: i32,
    pub rules: Vec<RuleDef>,
}

/// What is wrong with a rule set: the rule (or `rule_set`), the field and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule}, field {field}: {problem}")]
pub struct RuleSetError {
    pub rule: String,
    pub field: String,
    pub problem: String,
}

fn rs_err(rule: &str, field: &str, problem: impl Into<String>) -> RuleSetError {
    RuleSetError {
        rule: rule.into(),
        field: field.into(),
        problem: problem.into(),
    }
}

impl RuleSet {
    /// Reads and checks a rule set: every fact named exists and every value fits it, ids are
    /// unique, question rules name a question, the last question rule always holds, and the texts
    /// are written in both languages.
    pub fn parse(json: &str) -> Result<RuleSet, RuleSetError> {
        let doc: Value = serde_json::from_str(json)
            .map_err(|e| rs_err("rule_set", "document", format!("not JSON: {e}")))?;
        let Some(rules) = doc.get("rules").and_then(Value::as_array) else {
            return Err(rs_err("rule_set", "rules", "a list of rules is needed"));
        };
        // Each rule on its own, so that a problem names the rule and its field.
        let mut parsed = Vec::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            let id = r
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(|| format!("rules[{i}]"), str::to_string);
            parsed.push(decode::<RuleDef>(r, &id)?);
        }
        let mut head = doc.clone();
        head["rules"] = Value::Array(vec![]);
        let mut rs: RuleSet = decode(&head, "rule_set")?;
        rs.rules = parsed;
        rs.check()?;
        Ok(rs)
    }

    fn check(&self) -> Result<(), RuleSetError> {
        if self.id.trim().is_empty() {
            return Err(rs_err("rule_set", "id", "is empty"));
        }
        if self.version.trim().is_empty() {
            return Err(rs_err("rule_set", "version", "is empty"));
        }
        if chrono::NaiveDate::parse_from_str(&self.valid_from, "%Y-%m-%d").is_err() {
            return Err(rs_err("rule_set", "valid_from", "is not a date YYYY-MM-DD"));
        }
        if self.unsuitable_from <= 0 {
            return Err(rs_err("rule_set", "unsuitable_from", "must be above 0"));
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut last_question: Option<&RuleDef> = None;
        for r in &self.rules {
            if r.id.trim().is_empty() || !seen.insert(r.id.as_str()) {
                return Err(rs_err(&r.id, "id", "is empty or repeated"));
            }
            check_when(&r.id, "when", &r.when)?;
            for (field, t) in [("explanation", &r.explanation)] {
                if t.sv.trim().is_empty() || t.en.trim().is_empty() {
                    return Err(rs_err(&r.id, field, "needs both sv and en"));
                }
            }
            if r.provision.trim().is_empty() {
                return Err(rs_err(&r.id, "provision", "is empty"));
            }
            match r.kind {
                RuleKind::Question => {
                    if r.question.is_none() {
                        return Err(rs_err(&r.id, "question", "a question rule names one"));
                    }
                    last_question = Some(r);
                }
                RuleKind::Finding | RuleKind::Transfer => {
                    if r.question.is_some() {
                        return Err(rs_err(&r.id, "question", "only question rules name one"));
                    }
                    let weighs = matches!(r.severity, Severity::Condition | Severity::Weight);
                    if weighs && r.weight <= 0 {
                        return Err(rs_err(&r.id, "weight", "must be above 0 for this severity"));
                    }
                    if r.severity == Severity::Favourable && r.weight >= 0 {
                        return Err(rs_err(&r.id, "weight", "must be below 0 when favourable"));
                    }
                }
            }
            for c in &r.conditions {
                if c.id.trim().is_empty()
                    || c.text.sv.trim().is_empty()
                    || c.text.en.trim().is_empty()
                {
                    return Err(rs_err(
                        &r.id,
                        "conditions",
                        "each needs an id and both texts",
                    ));
                }
                if c.set.is_empty() {
                    return Err(rs_err(
                        &r.id,
                        "conditions",
                        format!("{} sets no fact", c.id),
                    ));
                }
                for (k, v) in &c.set {
                    check_fact(&r.id, "conditions", k, v)?;
                }
            }
            if let Some(t) = &r.residual_risk {
                if t.sv.trim().is_empty() || t.en.trim().is_empty() {
                    return Err(rs_err(&r.id, "residual_risk", "needs both sv and en"));
                }
            }
        }
        match last_question {
            None => Err(rs_err("rule_set", "rules", "no question rule")),
            Some(q) if q.when != (When::All { all: vec![] }) => Err(rs_err(
                &q.id,
                "when",
                "the last question rule must always hold ({\"all\": []})",
            )),
            Some(_) => Ok(()),
        }
    }
}

/// Decodes a part of the rule set; a problem names `rule` and the field it is in.
fn decode<T: for<'de> Deserialize<'de>>(v: &Value, rule: &str) -> Result<T, RuleSetError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let field = path.split(['.', '[']).next().unwrap_or_default();
        let field = if field.is_empty() || field == "." {
            "rule"
        } else {
            field
        };
        rs_err(rule, field, e.inner().to_string())
    })
}

fn check_fact(rule: &str, field: &str, name: &str, v: &Value) -> Result<(), RuleSetError> {
    let t = fact_type(name).ok_or_else(|| rs_err(rule, field, format!("unknown fact {name}")))?;
    if !fits(t, v) {
        return Err(rs_err(
            rule,
            field,
            format!("{v} does not fit the fact {name}"),
        ));
    }
    Ok(())
}

fn check_when(rule: &str, field: &str, w: &When) -> Result<(), RuleSetError> {
    match w {
        When::All { all: ws } | When::Any { any: ws } => {
            ws.iter().try_for_each(|w| check_when(rule, field, w))
        }
        When::Not { not } => check_when(rule, field, not),
        When::Is { fact, is } => check_fact(rule, field, fact, is),
        When::In { fact, one_of } => {
            if one_of.is_empty() {
                return Err(rs_err(rule, field, format!("{fact}: an empty list")));
            }
            one_of
                .iter()
                .try_for_each(|v| check_fact(rule, field, fact, v))
        }
        When::AtLeast { fact, at_least: n } | When::AtMost { fact, at_most: n } => {
            if fact_type(fact) != Some(FactType::Level) {
                return Err(rs_err(
                    rule,
                    field,
                    format!("{fact}: at_least/at_most need a level fact"),
                ));
            }
            check_fact(rule, field, fact, &Value::from(*n))
        }
    }
}

/// A three-valued truth: a rule over an unknown fact is neither true nor false.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Truth {
    True,
    False,
    /// Unknown, and the facts whose answers would decide it.
    Unknown(Vec<String>),
}

fn eval(w: &When, f: &Facts) -> Truth {
    let leaf = |fact: &str, test: &dyn Fn(&Value) -> bool| match f.get(fact) {
        None => Truth::Unknown(vec![fact.to_string()]),
        Some(v) if test(v) => Truth::True,
        Some(_) => Truth::False,
    };
    match w {
        When::Is { fact, is } => leaf(fact, &|v| v == is),
        When::In { fact, one_of } => leaf(fact, &|v| one_of.contains(v)),
        When::AtLeast { fact, at_least } => {
            leaf(fact, &|v| v.as_i64().is_some_and(|n| n >= *at_least))
        }
        When::AtMost { fact, at_most } => {
            leaf(fact, &|v| v.as_i64().is_some_and(|n| n <= *at_most))
        }
        When::Not { not } => match eval(not, f) {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            u => u,
        },
        When::All { all } => {
            let mut unknown = Vec::new();
            for w in all {
                match eval(w, f) {
                    Truth::False => return Truth::False,
                    Truth::Unknown(fs) => unknown.extend(fs),
                    Truth::True => {}
                }
            }
            if unknown.is_empty() {
                Truth::True
            } else {
                unknown.dedup();
                Truth::Unknown(unknown)
            }
        }
        When::Any { any } => {
            let mut unknown = Vec::new();
            for w in any {
                match eval(w, f) {
                    Truth::True => return Truth::True,
                    Truth::Unknown(fs) => unknown.extend(fs),
                    Truth::False => {}
                }
            }
            if unknown.is_empty() {
                Truth::False
            } else {
                unknown.dedup();
                Truth::Unknown(unknown)
            }
        }
    }
}

/// The engine's recommendation, best first. Under `beyond_technical` there is none: the tool says
/// another ground is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// lämpligt: not unsuitable.
    Suitable,
    /// lämpligt med villkor: not unsuitable, provided that the conditions are met.
    SuitableWithConditions,
    /// olämpligt.
    Unsuitable,
    /// 10 kap. 2 a § is not the ground for what the supplier does; another is needed.
    AnotherGroundNeeded,
}

impl Recommendation {
    pub fn key(self) -> &'static str {
        match self {
            Recommendation::Suitable => "suitable",
            Recommendation::SuitableWithConditions => "suitable_with_conditions",
            Recommendation::Unsuitable => "unsuitable",
            Recommendation::AnotherGroundNeeded => "another_ground_needed",
        }
    }
}

/// Whether GDPR chapter V allows the transfers of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferVerdict {
    /// No transfer to a third country (as answered).
    NoTransfer,
    /// A transfer with a chapter V ground.
    Lawful,
    /// A transfer with a ground that needs more (a transfer impact assessment, say).
    LawfulWithConditions,
    /// A transfer without a chapter V ground: an unlawful transfer (art. 44).
    Unlawful,
    /// Not answered enough to tell.
    Unknown,
}

impl fmt::Display for Recommendation {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A rule that holds for the case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub kind: RuleKind,
    pub factor: Factor,
    pub severity: Severity,
    pub weight: i32,
    pub provision: String,
    pub explanation: Texts,
    pub conditions: Vec<ConditionDef>,
}

/// A rule the answers so far cannot decide, and the facts that would.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenQuestion {
    pub rule_id: String,
    pub kind: RuleKind,
    pub severity: Severity,
    pub facts: Vec<String>,
    pub explanation: Texts,
}

/// A condition and what meeting it would change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionEffect {
    pub id: String,
    pub title: Texts,
    pub text: Texts,
    /// The rules whose findings it answers.
    pub rule_ids: Vec<String>,
    pub recommendation_from: Recommendation,
    pub recommendation_to: Recommendation,
    pub transfer_from: TransferVerdict,
    pub transfer_to: TransferVerdict,
    /// The score before and after (the weights the condition takes away).
    pub score_from: i32,
    pub score_to: i32,
}

/// How far the recommendation can be relied on, given the open questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Every rule is decided.
    High,
    /// Open questions remain, but no answer to them could change the recommendation.
    Medium,
    /// An answer to an open question could change the recommendation.
    Low,
}

/// The engine's answer for one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub rule_set_id: String,
    pub rule_set_version: String,
    pub question: Question,
    /// The question rule that selected it.
    pub question_rule: String,
    pub question_explanation: Texts,
    pub question_provision: String,
    /// The recommendation, taking every open question as unfavourable.
    pub recommendation: Recommendation,
    pub transfer: TransferVerdict,
    /// The sum of the weights, open questions counted as holding.
    pub score: i32,
    pub findings: Vec<Finding>,
    pub open_questions: Vec<OpenQuestion>,
    /// Conditions that would improve the outcome, most effective first.
    pub conditions: Vec<ConditionEffect>,
    pub residual_risks: Vec<(String, Texts)>,
    pub confidence: Confidence,
    /// The outcome if every open question were answered unfavourably (which is the
    /// recommendation), and favourably.
    pub worst: Recommendation,
    pub best: Recommendation,
    /// No answer still to come can change the recommendation.
    pub determined: bool,
}

/// The outcome of the rules for one set of facts, without the conditions' effects.
struct Outcome {
    question: usize,
    recommendation: Recommendation,
    transfer: TransferVerdict,
    score: i32,
    holding: Vec<usize>,
    open: Vec<(usize, Vec<String>)>,
    question_open: Vec<String>,
    worst: Recommendation,
    best: Recommendation,
}

fn weighs_under(r: &RuleDef, q: Question) -> bool {
    if r.questions.is_empty() {
        q != Question::BeyondTechnical
    } else {
        r.questions.contains(&q)
    }
}

/// The recommendation from the findings that hold.
/// The values a fact can take, for trying the answers of an open question.
fn candidates(fact: &str) -> Vec<Value> {
    match fact_type(fact) {
        Some(FactType::Bool) => vec![Value::Bool(true), Value::Bool(false)],
        Some(FactType::Level) => (0..=4).map(Value::from).collect(),
        Some(FactType::Word(ws)) => ws.iter().map(|w| Value::from(*w)).collect(),
        None => vec![],
    }
}

/// The most answer combinations tried for one group of facts that open rules share.
const MAX_COMBINATIONS: usize = 512;

/// How open findings weigh under one combination of answers: decisive, the weight, and whether a
/// finding calls for conditions.
type Weighing = (bool, i32, bool);

/// The worst and best recommendation over the answers open questions could get, and the worst
/// score. Open findings are grouped by the unknown facts they share; each group's answers are
/// tried together (up to [`MAX_COMBINATIONS`]; a larger group counts every finding at once for
/// the worst case, and only the favourable ones for the best).
fn bounds(
    rs: &RuleSet,
    q: Question,
    f: &Facts,
    held: &[&RuleDef],
    open: &[(usize, Vec<String>)],
) -> (Recommendation, Recommendation, i32) {
    let findings: Vec<(&RuleDef, &Vec<String>)> = open
        .iter()
        .map(|(i, fs)| (&rs.rules[*i], fs))
        .filter(|(r, _)| r.kind == RuleKind::Finding)
        .collect();
    // Groups: facts joined by the rules that wait for them together.
    let mut groups: Vec<(Vec<String>, Vec<&RuleDef>)> = Vec::new();
    for (r, fs) in &findings {
        let mut merged: (Vec<String>, Vec<&RuleDef>) = ((*fs).clone(), vec![*r]);
        let mut rest = Vec::new();
        for g in groups.drain(..) {
            if g.0.iter().any(|x| merged.0.contains(x)) {
                merged.0.extend(
                    g.0.into_iter()
                        .filter(|x| !merged.0.contains(x))
                        .collect::<Vec<_>>(),
                );
                merged.1.extend(g.1);
            } else {
                rest.push(g);
            }
        }
        rest.push(merged);
        groups = rest;
    }
    let weigh = |rules: &[&RuleDef], facts: &Facts| -> Weighing {
        let mut w = (false, 0, false);
        for r in rules {
            if eval(&r.when, facts) == Truth::True {
                w.0 |= r.severity == Severity::Decisive;
                w.1 += r.weight;
                w.2 |= r.severity == Severity::Condition;
            }
        }
        w
    };
    let held: Vec<&RuleDef> = held
        .iter()
        .copied()
        .filter(|r| r.kind == RuleKind::Finding)
        .collect();
    let mut worst = weigh(&held, f);
    let mut best = worst;
    for (facts, rules) in &groups {
        let domains: Vec<Vec<Value>> = facts.iter().map(|x| candidates(x)).collect();
        let combinations = domains
            .iter()
            .try_fold(1usize, |n, d| n.checked_mul(d.len().max(1)))
            .unwrap_or(usize::MAX);
        let (hi, lo) = if combinations <= MAX_COMBINATIONS {
            let mut hi: Option<Weighing> = None;
            let mut lo: Option<Weighing> = None;
            for k in 0..combinations {
                let mut tried = f.clone();
                let mut rem = k;
                for (fact, d) in facts.iter().zip(&domains) {
                    if d.is_empty() {
                        continue;
                    }
                    tried.0.insert(fact.clone(), d[rem % d.len()].clone());
                    rem /= d.len();
                }
                let w = weigh(rules, &tried);
                if hi.is_none_or(|h| w > h) {
                    hi = Some(w);
                }
                if lo.is_none_or(|l| w < l) {
                    lo = Some(w);
                }
            }
            (hi.unwrap_or_default(), lo.unwrap_or_default())
        } else {
            let all = rules.iter().filter(|r| r.severity != Severity::Favourable);
            let fav = rules.iter().filter(|r| r.severity == Severity::Favourable);
            (
                (
                    all.clone().any(|r| r.severity == Severity::Decisive),
                    all.clone().map(|r| r.weight).sum(),
                    all.clone().any(|r| r.severity == Severity::Condition),
                ),
                (false, fav.map(|r| r.weight).sum(), false),
            )
        };
        worst = (worst.0 || hi.0, worst.1 + hi.1, worst.2 || hi.2);
        best = (best.0 || lo.0, best.1 + lo.1, best.2 || lo.2);
    }
    let rec = |w: Weighing| {
        if q == Question::BeyondTechnical {
            Recommendation::AnotherGroundNeeded
        } else if w.0 || w.1 >= rs.unsuitable_from {
            Recommendation::Unsuitable
        } else if w.2 {
            Recommendation::SuitableWithConditions
        } else {
            Recommendation::Suitable
        }
    };
    (rec(worst), rec(best), worst.1)
}

/// The chapter V verdict from the transfer rules alone (the rule set says what a transfer is).
fn transfer_verdict(holding: &[&RuleDef], open: &[&RuleDef]) -> TransferVerdict {
    let transfers: Vec<&&RuleDef> = holding
        .iter()
        .filter(|r| r.kind == RuleKind::Transfer)
        .collect();
    if transfers.iter().any(|r| r.severity == Severity::Decisive) {
        TransferVerdict::Unlawful
    } else if open.iter().any(|r| r.kind == RuleKind::Transfer) {
        TransferVerdict::Unknown
    } else if transfers.is_empty() {
        TransferVerdict::NoTransfer
    } else if transfers.iter().any(|r| r.severity == Severity::Condition) {
        TransferVerdict::LawfulWithConditions
    } else {
        TransferVerdict::Lawful
    }
}

fn outcome(rs: &RuleSet, f: &Facts) -> Outcome {
    // The question: the first question rule that holds; the facts of those before it that are
    // undecided are open (they could select another question).
    let mut question_open = Vec::new();
    let mut question = 0;
    for (i, r) in rs.rules.iter().enumerate() {
        if r.kind != RuleKind::Question {
            continue;
        }
        match eval(&r.when, f) {
            Truth::True => {
                question = i;
                break;
            }
            Truth::Unknown(fs) => question_open.extend(fs),
            Truth::False => {}
        }
    }
    let q = rs.rules[question].question.unwrap_or(Question::Osl10_2a);
    let mut holding = Vec::new();
    let mut open = Vec::new();
    for (i, r) in rs.rules.iter().enumerate() {
        if r.kind == RuleKind::Question || !weighs_under(r, q) {
            continue;
        }
        match eval(&r.when, f) {
            Truth::True => holding.push(i),
            Truth::Unknown(fs) => open.push((i, fs)),
            Truth::False => {}
        }
    }
    let held: Vec<&RuleDef> = holding.iter().map(|i| &rs.rules[*i]).collect();
    let opened: Vec<&RuleDef> = open.iter().map(|(i, _)| &rs.rules[*i]).collect();
    let transfer = transfer_verdict(&held, &opened);
    // An unanswered question is never taken as favourable: the recommendation is the worst case
    // over the answers the open questions could get, and the best case says what answering
    // could bring. Answers are tried together for the facts that rules share, so answers that
    // cannot both be true (level 3 and level 4) are never counted at once.
    let (worst, best, score) = bounds(rs, q, f, &held, &open);
    let recommendation = worst;
    Outcome {
        question,
        recommendation,
        transfer,
        score,
        holding,
        open,
        question_open,
        worst,
        best,
    }
}

/// Assesses a case: the legal question, the findings factor by factor with their provisions, the
/// recommendation, the transfer verdict, what is still open, and the conditions that would
/// improve the outcome, most effective first.
pub fn assess(rs: &RuleSet, f: &Facts) -> Assessment {
    let o = outcome(rs, f);
    let qr = &rs.rules[o.question];
    let findings: Vec<Finding> = o
        .holding
        .iter()
        .map(|i| {
            let r = &rs.rules[*i];
            Finding {
                rule_id: r.id.clone(),
                kind: r.kind,
                factor: r.factor,
                severity: r.severity,
                weight: r.weight,
                provision: r.provision.clone(),
                explanation: r.explanation.clone(),
                conditions: r.conditions.clone(),
            }
        })
        .collect();
    let mut open_questions: Vec<OpenQuestion> = o
        .open
        .iter()
        .map(|(i, fs)| {
            let r = &rs.rules[*i];
            OpenQuestion {
                rule_id: r.id.clone(),
                kind: r.kind,
                severity: r.severity,
                facts: fs.clone(),
                explanation: r.explanation.clone(),
            }
        })
        .collect();
    if !o.question_open.is_empty() {
        let mut facts = o.question_open.clone();
        facts.sort();
        facts.dedup();
        open_questions.insert(
            0,
            OpenQuestion {
                rule_id: qr.id.clone(),
                kind: RuleKind::Question,
                severity: Severity::Decisive,
                facts,
                explanation: qr.explanation.clone(),
            },
        );
    }
    // Each condition of a finding that holds (or may hold), tried on its own.
    let mut conditions: Vec<ConditionEffect> = Vec::new();
    let candidates = o
        .holding
        .iter()
        .chain(o.open.iter().map(|(i, _)| i))
        .map(|i| &rs.rules[*i]);
    for r in candidates {
        for c in &r.conditions {
            if let Some(e) = conditions.iter_mut().find(|e| e.id == c.id) {
                if !e.rule_ids.contains(&r.id) {
                    e.rule_ids.push(r.id.clone());
                }
                continue;
            }
            // A condition already met offers nothing.
            if c.set.iter().all(|(k, v)| f.get(k) == Some(v)) {
                continue;
            }
            let mut changed = f.clone();
            for (k, v) in &c.set {
                changed.0.insert(k.clone(), v.clone());
            }
            let after = outcome(rs, &changed);
            // Nor does one that changes neither the outcome nor the weight.
            if after.recommendation == o.recommendation
                && after.transfer == o.transfer
                && after.score == o.score
            {
                continue;
            }
            conditions.push(ConditionEffect {
                id: c.id.clone(),
                title: c.title.clone(),
                text: c.text.clone(),
                rule_ids: vec![r.id.clone()],
                recommendation_from: o.recommendation,
                recommendation_to: after.recommendation,
                transfer_from: o.transfer,
                transfer_to: after.transfer,
                score_from: o.score,
                score_to: after.score,
            });
        }
    }
    // Most effective first: the biggest step in the recommendation, then in the transfer
    // verdict, then the most weight taken away, then the most findings answered; the rule set's
    // order breaks ties.
    let step = |e: &ConditionEffect| {
        (
            rank(e.recommendation_from) - rank(e.recommendation_to),
            transfer_rank(e.transfer_from) - transfer_rank(e.transfer_to),
            e.score_from - e.score_to,
            e.rule_ids.len() as i32,
        )
    };
    let mut indexed: Vec<(usize, ConditionEffect)> = conditions.into_iter().enumerate().collect();
    indexed.sort_by(|(ia, a), (ib, b)| step(b).cmp(&step(a)).then(ia.cmp(ib)));
    let conditions = indexed.into_iter().map(|(_, e)| e).collect();
    let residual_risks = o
        .holding
        .iter()
        .filter_map(|i| {
            let r = &rs.rules[*i];
            r.residual_risk.clone().map(|t| (r.id.clone(), t))
        })
        .collect();
    let confidence = if o.worst != o.best || !o.question_open.is_empty() {
        Confidence::Low
    } else if open_questions.is_empty() {
        Confidence::High
    } else {
        Confidence::Medium
    };
    Assessment {
        rule_set_id: rs.id.clone(),
        rule_set_version: rs.version.clone(),
        question: qr.question.unwrap_or(Question::Osl10_2a),
        question_rule: qr.id.clone(),
        question_explanation: qr.explanation.clone(),
        question_provision: qr.provision.clone(),
        recommendation: o.recommendation,
        transfer: o.transfer,
        score: o.score,
        findings,
        open_questions,
        conditions,
        residual_risks,
        confidence,
        worst: o.worst,
        best: o.best,
        determined: o.worst == o.best && o.question_open.is_empty(),
    }
}

fn rank(r: Recommendation) -> i32 {
    match r {
        Recommendation::Suitable => 0,
        Recommendation::SuitableWithConditions => 1,
        Recommendation::Unsuitable => 2,
        Recommendation::AnotherGroundNeeded => 2,
    }
}

fn transfer_rank(t: TransferVerdict) -> i32 {
    match t {
        TransferVerdict::NoTransfer | TransferVerdict::Lawful => 0,
        TransferVerdict::LawfulWithConditions => 1,
        TransferVerdict::Unknown => 2,
        TransferVerdict::Unlawful => 3,
    }
}
