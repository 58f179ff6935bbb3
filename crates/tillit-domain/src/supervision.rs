//! Supervision cases (tillsynsärenden): what an authority opens about a provider, the requests it
//! sends and the answers it gets, its decisions and their follow-up, and the state machine that
//! says which step may follow which.
//!
//! A case is **open** until a decision is issued, then **decided** while the decision's required
//! actions are followed up, then **closed**. Requests may go out while the case is open or
//! decided (a follow-up question is a request too); nothing changes a closed case but a note. An
//! issued decision is never changed: a correction is a new decision that names the one it
//! corrects. A case closes without a motivation only when it has a decision and every required
//! action of the decision in force is verified as accepted; any other closing needs the case
//! officer's motivation.

use crate::draft;
use crate::{text, Rule, ValidationError, ValidationErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a case was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    /// Planned supervision, e.g. chosen from the risk-based ranking.
    Planned,
    /// Started by a complaint (klagomål).
    Complaint,
    /// Started by an incident report.
    Incident,
    /// A follow-up of an earlier decision.
    FollowUp,
}

impl CaseType {
    pub const ALL: [CaseType; 4] = [
        CaseType::Planned,
        CaseType::Complaint,
        CaseType::Incident,
        CaseType::FollowUp,
    ];
    pub fn key(self) -> &'static str {
        match self {
            CaseType::Planned => "planned",
            CaseType::Complaint => "complaint",
            CaseType::Incident => "incident",
            CaseType::FollowUp => "follow_up",
        }
    }
    /// The translation key of its name.
    pub fn label_key(self) -> String {
        format!("case-type-{}", self.key().replace('_', "-"))
    }
    pub fn from_key(k: &str) -> Option<CaseType> {
        Self::ALL.into_iter().find(|t| t.key() == k)
    }
    pub fn parse(field: &str, v: &str) -> Result<CaseType, ValidationError> {
        match v.trim() {
            "" => Err(ValidationError::new(field, Rule::Required)),
            v => Self::from_key(v).ok_or_else(|| ValidationError::new(field, Rule::UnknownValue)),
        }
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    Decided,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 3] = [CaseState::Open, CaseState::Decided, CaseState::Closed];
    pub fn key(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Decided => "decided",
            CaseState::Closed => "closed",
        }
    }
    pub fn label_key(self) -> String {
        format!("case-state-{}", self.key())
    }
    pub fn from_key(k: &str) -> Option<CaseState> {
        Self::ALL.into_iter().find(|s| s.key() == k)
    }
}

/// A step taken in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The authority sends a request to the provider.
    SendRequest,
    /// The provider answers a request.
    Answer,
    /// The authority issues a decision (the first one).
    Decide,
    /// The authority issues a decision correcting an earlier one.
    Correct,
    /// The provider reports what it did about a required action.
    ReportAction,
    /// The case officer verifies a required action.
    VerifyAction,
    /// The case is closed.
    Close,
    /// A note in the timeline (the authority or a sharing partner).
    Note,
    /// The case is shared with another authority, or a sharing revoked.
    Share,
}

/// Whether `step` may follow in a case in `state`.
pub fn may(state: CaseState, step: Step) -> bool {
    use CaseState::*;
    use Step::*;
    match step {
        Note => true,
        SendRequest | Answer | Share => state != Closed,
        Decide => state == Open,
        Correct | ReportAction | VerifyAction => state == Decided,
        Close => state != Closed,
    }
}

/// [`may`] as a field error: `field` is the field (or form) the step was asked for by.
pub fn check(state: CaseState, step: Step, field: &str) -> Result<(), ValidationError> {
    if may(state, step) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Rule::NotAllowedInState {
                state: state.key().to_string(),
            },
        ))
    }
}

/// Whether closing needs the officer's motivation: unless the case has a decision in force and
/// every required action of it is accepted.
pub fn close_needs_motivation(has_decision: bool, actions: &[Verdict]) -> bool {
    !has_decision || actions.iter().any(|v| *v != Verdict::Accepted)
}

/// A new case as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SupervisionCaseBody))]
#[serde(deny_unknown_fields)]
pub struct CaseDraft {
    /// The provider's organisation number (it must be in the authority's registry).
    #[serde(default, deserialize_with = "draft::text")]
    pub org_number: String,
    /// `planned`, `complaint`, `incident` or `follow_up`.
    #[serde(default, deserialize_with = "draft::text")]
    pub case_type: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub title: String,
    /// What the case is about and why it was opened.
    #[serde(default, deserialize_with = "draft::text")]
    pub background: String,
    /// The complaint's or incident report's reference, the earlier case followed up, …
    #[serde(default, deserialize_with = "draft::text")]
    pub origin_ref: String,
    /// The case officer (a member's user id); empty: the person opening it.
    #[serde(default, deserialize_with = "draft::text")]
    pub officer_id: String,
    /// The rest of the team (members' user ids).
    #[serde(default, deserialize_with = "draft::texts")]
    pub team_ids: Vec<String>,
    /// Set when opened from the ranking: the organisation's score there, in tenths.
    #[serde(default, deserialize_with = "draft::text")]
    pub ranking_score: String,
}

/// A new case, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseInput {
    pub org_number: String,
    pub case_type: CaseType,
    pub title: String,
    pub background: Option<String>,
    pub origin_ref: Option<String>,
    pub officer_id: Option<String>,
    pub team_ids: Vec<String>,
    pub ranking_score: Option<i64>,
}

fn ids(values: &[String]) -> Vec<String> {
    let mut v: Vec<String> = values
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

impl TryFrom<&CaseDraft> for CaseInput {
    type Error = ValidationErrors;
    fn try_from(d: &CaseDraft) -> Result<Self, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        // A number whose check digit is wrong cannot be in the registry: not found (409), like
        // any other number the registry lacks.
        let org_number = errs.check(
            crate::org::OrgNumber::parse("org_number", &d.org_number)
                .map(|n| n.to_string())
                .map_err(|e| match e.rule {
                    Rule::InvalidChecksum => ValidationError::new("org_number", Rule::NotFound),
                    _ => e,
                }),
        );
        let case_type = errs.check(CaseType::parse("case_type", &d.case_type));
        let title = errs.check(text::required("title", &d.title, 200));
        let background = errs.check(text::optional("background", &d.background, 10_000));
        let origin_ref = errs.check(text::optional("origin_ref", &d.origin_ref, 200));
        let officer_id = errs.check(text::optional("officer_id", &d.officer_id, 100));
        // No control characters around the number either (text::optional refuses them).
        let score_text = errs
            .check(text::optional("ranking_score", &d.ranking_score, 40))
            .flatten()
            .unwrap_or_default();
        let ranking_score = match score_text.as_str() {
            "" => Some(None),
            s => errs.check(
                Some(s)
                    .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
                    .and_then(|s| s.parse::<i64>().ok())
                    .filter(|n| (0..=1000).contains(n))
                    .map(Some)
                    .ok_or_else(|| {
                        ValidationError::new(
                            "ranking_score",
                            Rule::OutOfRange { min: 0, max: 1000 },
                        )
                    }),
            ),
        };
        if case_type == Some(CaseType::Complaint) || case_type == Some(CaseType::Incident) {
            // A complaint or an incident report has a reference the case must keep.
            if matches!(origin_ref, Some(None)) {
                errs.push(ValidationError::new("origin_ref", Rule::Required));
            }
        }
        errs.clone().into_result()?;
        Ok(CaseInput {
            org_number: org_number.unwrap_or_default(),
            case_type: case_type.unwrap_or(CaseType::Planned),
            title: title.unwrap_or_default(),
            background: background.flatten(),
            origin_ref: origin_ref.flatten(),
            officer_id: officer_id.flatten(),
            team_ids: ids(&d.team_ids),
            ranking_score: ranking_score.flatten(),
        })
    }
}

/// A request to the provider as entered: the questions, the documents asked for (one per line)
/// and the day the answer is due.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseRequestBody))]
#[serde(deny_unknown_fields)]
pub struct RequestDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub questions: String,
    /// One document per line.
    #[serde(default, deserialize_with = "draft::text")]
    pub documents: String,
    /// YYYY-MM-DD, today or later.
    #[serde(default, deserialize_with = "draft::text")]
    pub deadline: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestInput {
    pub questions: String,
    pub documents: Vec<String>,
    pub deadline: NaiveDate,
}

/// A day `YYYY-MM-DD`.
pub fn parse_day(field: &str, v: &str) -> Result<NaiveDate, ValidationError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))
}

impl RequestInput {
    pub fn parse(d: &RequestDraft, today: NaiveDate) -> Result<RequestInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let questions = errs.check(text::required("questions", &d.questions, 20_000));
        let documents = errs.check(text::optional("documents", &d.documents, 5_000));
        let deadline = errs.check(parse_day("deadline", &d.deadline).and_then(|day| {
            if day < today {
                Err(ValidationError::new("deadline", Rule::InThePast))
            } else {
                Ok(day)
            }
        }));
        errs.into_result()?;
        Ok(RequestInput {
            questions: questions.unwrap_or_default(),
            documents: documents
                .flatten()
                .unwrap_or_default()
                .lines()
                .map(|l| {
                    l.trim()
                        .trim_start_matches(['-', '*', '•'])
                        .trim()
                        .to_string()
                })
                .filter(|l| !l.is_empty())
                .collect(),
            deadline: deadline.unwrap_or(today),
        })
    }
}

/// An answer as the provider enters it: its text, and the objects of its registers it attaches
/// as a signed extract (files travel beside it).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseAnswerBody))]
#[serde(deny_unknown_fields)]
pub struct AnswerDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub text: String,
    #[serde(default, deserialize_with = "draft::texts")]
    pub asset_ids: Vec<String>,
    #[serde(default, deserialize_with = "draft::texts")]
    pub system_ids: Vec<String>,
    #[serde(default, deserialize_with = "draft::texts")]
    pub measure_ids: Vec<String>,
    #[serde(default, deserialize_with = "draft::texts")]
    pub analysis_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerInput {
    pub text: String,
    pub asset_ids: Vec<String>,
    pub system_ids: Vec<String>,
    pub measure_ids: Vec<String>,
    pub analysis_ids: Vec<String>,
}

/// At most this many objects of each kind in one extract.
pub const MAX_EXTRACT_OBJECTS: usize = 200;

impl TryFrom<&AnswerDraft> for AnswerInput {
    type Error = ValidationErrors;
    fn try_from(d: &AnswerDraft) -> Result<Self, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let text = errs.check(text::required("text", &d.text, 50_000));
        let x = AnswerInput {
            text: text.unwrap_or_default(),
            asset_ids: ids(&d.asset_ids),
            system_ids: ids(&d.system_ids),
            measure_ids: ids(&d.measure_ids),
            analysis_ids: ids(&d.analysis_ids),
        };
        for (field, list) in [
            ("asset_ids", &x.asset_ids),
            ("system_ids", &x.system_ids),
            ("measure_ids", &x.measure_ids),
            ("analysis_ids", &x.analysis_ids),
        ] {
            if list.len() > MAX_EXTRACT_OBJECTS {
                errs.push(ValidationError::new(
                    field,
                    Rule::OutOfRange {
                        min: 0,
                        max: MAX_EXTRACT_OBJECTS as i64,
                    },
                ));
            }
        }
        errs.into_result()?;
        Ok(x)
    }
}

impl AnswerInput {
    pub fn object_count(&self) -> usize {
        self.asset_ids.len()
            + self.system_ids.len()
            + self.measure_ids.len()
            + self.analysis_ids.len()
    }
}

/// A decision's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Closed without criticism or action (avslutas utan åtgärd).
    NoRemark,
    /// Criticism (kritik).
    Criticism,
    /// Reprimand (reprimand; IMY, GDPR art. 58(2)).
    Reprimand,
    /// Order (föreläggande), with required actions, with or without a conditional fine (vite).
    Order,
    /// Ban (förbud).
    Ban,
    /// Administrative fine (sanktionsavgift; IMY under GDPR art. 83, or under the Cybersecurity
    /// Act), with its amount and legal ground.
    AdministrativeFine,
    /// Referral to another authority (överlämnande).
    Referral,
}

impl Outcome {
    pub const ALL: [Outcome; 7] = [
        Outcome::NoRemark,
        Outcome::Criticism,
        Outcome::Reprimand,
        Outcome::Order,
        Outcome::Ban,
        Outcome::AdministrativeFine,
        Outcome::Referral,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Outcome::NoRemark => "no_remark",
            Outcome::Criticism => "criticism",
            Outcome::Reprimand => "reprimand",
            Outcome::Order => "order",
            Outcome::Ban => "ban",
            Outcome::AdministrativeFine => "administrative_fine",
            Outcome::Referral => "referral",
        }
    }
    pub fn label_key(self) -> String {
        format!("outcome-{}", self.key().replace('_', "-"))
    }
    pub fn from_key(k: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.key() == k)
    }
}

/// A finding as entered: the requirement (catalog id) and provision it concerns, and what was
/// found. An empty provision is filled in from the requirement by the application layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FindingBody))]
#[serde(deny_unknown_fields)]
pub struct FindingDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub requirement_id: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub provision: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub text: String,
}

/// A required action as entered: what and by when (YYYY-MM-DD).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RequiredActionBody))]
#[serde(deny_unknown_fields)]
pub struct ActionDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub text: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub due_on: String,
}

/// A decision as entered. (A form's rows of findings and actions are gathered into these lists
/// by the page, which leaves out rows left empty.)
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseDecisionBody))]
#[serde(deny_unknown_fields)]
pub struct DecisionDraft {
    /// `no_remark`, `criticism`, `reprimand`, `order`, `ban`, `administrative_fine` or `referral`.
    #[serde(default, deserialize_with = "draft::text")]
    pub outcome: String,
    /// The decision's reasons in summary.
    #[serde(default, deserialize_with = "draft::text")]
    pub summary: String,
    /// The day decided, YYYY-MM-DD; today or earlier; empty: today.
    #[serde(default, deserialize_with = "draft::text")]
    pub decided_on: String,
    #[serde(default)]
    pub findings: Vec<FindingDraft>,
    /// An order's required actions.
    #[serde(default)]
    pub actions: Vec<ActionDraft>,
    /// An order's conditional fine (vite), whole kronor; empty: an order without one.
    #[serde(default, deserialize_with = "draft::number")]
    pub fine_sek: String,
    /// An administrative fine's amount, whole kronor.
    #[serde(default, deserialize_with = "draft::number")]
    pub penalty_sek: String,
    /// An administrative fine's legal ground, e.g. "GDPR art. 83".
    #[serde(default, deserialize_with = "draft::text")]
    pub legal_ground: String,
    /// A referral's recipient.
    #[serde(default, deserialize_with = "draft::text")]
    pub referral_to: String,
    /// The decision this one replaces (its id); empty for the first decision.
    #[serde(default, deserialize_with = "draft::text")]
    pub corrects: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub requirement_id: String,
    pub provision: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredAction {
    pub text: String,
    pub due_on: NaiveDate,
}

/// A decision, checked: what an issued decision stores, never changed afterwards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionInput {
    pub outcome: Outcome,
    pub summary: String,
    pub decided_on: NaiveDate,
    pub findings: Vec<Finding>,
    pub actions: Vec<RequiredAction>,
    pub fine_sek: Option<i64>,
    pub penalty_sek: Option<i64>,
    pub legal_ground: Option<String>,
    pub referral_to: Option<String>,
    pub corrects: Option<String>,
}

fn amount(field: &str, v: &str) -> Result<Option<i64>, ValidationError> {
    let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    if v.is_empty() {
        return Ok(None);
    }
    let max = 10_000_000_000_i64;
    v.parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .map(Some)
        .ok_or_else(|| ValidationError::new(field, Rule::OutOfRange { min: 1, max }))
}

impl DecisionInput {
    /// Checks a decision; `known_requirement` says whether a catalog id names a requirement.
    pub fn parse(
        d: &DecisionDraft,
        today: NaiveDate,
        known_requirement: impl Fn(&str) -> bool,
    ) -> Result<DecisionInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let outcome = match d.outcome.trim() {
            "" => errs.check(Err(ValidationError::new("outcome", Rule::Required))),
            k => errs.check(
                Outcome::from_key(k)
                    .ok_or_else(|| ValidationError::new("outcome", Rule::UnknownValue)),
            ),
        };
        let summary = errs.check(text::required("summary", &d.summary, 50_000));
        let decided_on = match d.decided_on.trim() {
            "" => Some(today),
            v => errs.check(parse_day("decided_on", v).and_then(|day| {
                if day > today {
                    Err(ValidationError::new("decided_on", Rule::InTheFuture))
                } else {
                    Ok(day)
                }
            })),
        };
        let mut findings = Vec::new();
        for (i, f) in d.findings.iter().enumerate() {
            let name = |n: &str| format!("findings[{i}].{n}");
            let requirement_id = errs.check(
                text::required(&name("requirement_id"), &f.requirement_id, 100).and_then(|id| {
                    if known_requirement(&id) {
                        Ok(id)
                    } else {
                        Err(ValidationError::new(name("requirement_id"), Rule::NotFound))
                    }
                }),
            );
            // An unknown requirement has no provision to fill in: only that is reported.
            let provision = match requirement_id {
                Some(_) => errs.check(text::required(&name("provision"), &f.provision, 300)),
                None => errs
                    .check(text::optional(&name("provision"), &f.provision, 300))
                    .map(|p| p.unwrap_or_default()),
            };
            let text = errs.check(text::required(&name("text"), &f.text, 10_000));
            if let (Some(requirement_id), Some(provision), Some(text)) =
                (requirement_id, provision, text)
            {
                findings.push(Finding {
                    requirement_id,
                    provision,
                    text,
                });
            }
        }
        let mut actions = Vec::new();
        for (i, a) in d.actions.iter().enumerate() {
            let text = errs.check(text::required(
                &format!("actions[{i}].text"),
                &a.text,
                5_000,
            ));
            let due_field = format!("actions[{i}].due_on");
            let due_on = errs.check(parse_day(&due_field, &a.due_on).and_then(|day| {
                if day < today {
                    Err(ValidationError::new(due_field.clone(), Rule::InThePast))
                } else {
                    Ok(day)
                }
            }));
            if let (Some(text), Some(due_on)) = (text, due_on) {
                actions.push(RequiredAction { text, due_on });
            }
        }
        let fine_sek = errs.check(amount("fine_sek", &d.fine_sek)).flatten();
        let penalty_sek = errs.check(amount("penalty_sek", &d.penalty_sek)).flatten();
        let legal_ground = errs
            .check(text::optional("legal_ground", &d.legal_ground, 300))
            .flatten();
        let referral_to = errs
            .check(text::optional("referral_to", &d.referral_to, 300))
            .flatten();
        let corrects = errs
            .check(text::optional("corrects", &d.corrects, 100))
            .flatten();
        if let Some(o) = outcome {
            // What each outcome needs, and what it cannot have.
            if o != Outcome::NoRemark && d.findings.is_empty() {
                errs.push(ValidationError::new("findings", Rule::Required));
            }
            match (o == Outcome::Order, !d.actions.is_empty()) {
                (true, false) => errs.push(ValidationError::new("actions", Rule::Required)),
                (false, true) => errs.push(ValidationError::new("actions", Rule::Mismatch)),
                _ => {}
            }
            if o != Outcome::Order && fine_sek.is_some() {
                errs.push(ValidationError::new("fine_sek", Rule::Mismatch));
            }
            let fine = o == Outcome::AdministrativeFine;
            match (fine, penalty_sek.is_some()) {
                (true, false) => errs.push(ValidationError::new("penalty_sek", Rule::Required)),
                (false, true) => errs.push(ValidationError::new("penalty_sek", Rule::Mismatch)),
                _ => {}
            }
            if fine && legal_ground.is_none() {
                errs.push(ValidationError::new("legal_ground", Rule::Required));
            }
            let referral = o == Outcome::Referral;
            match (referral, referral_to.is_some()) {
                (true, false) => errs.push(ValidationError::new("referral_to", Rule::Required)),
                (false, true) => errs.push(ValidationError::new("referral_to", Rule::Mismatch)),
                _ => {}
            }
        }
        errs.into_result()?;
        Ok(DecisionInput {
            outcome: outcome.unwrap_or(Outcome::NoRemark),
            summary: summary.unwrap_or_default(),
            decided_on: decided_on.unwrap_or(today),
            findings,
            actions,
            fine_sek,
            penalty_sek,
            legal_ground,
            referral_to,
            corrects,
        })
    }
}

/// The provider's report on a required action.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ActionReportBody))]
#[serde(deny_unknown_fields)]
pub struct ReportDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub report: String,
}

impl ReportDraft {
    pub fn parse(&self) -> Result<String, ValidationErrors> {
        Ok(text::required("report", &self.report, 20_000)?)
    }
}

/// The case officer's verdict on a required action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Not yet verified.
    Pending,
    Accepted,
    NotAccepted,
}

impl Verdict {
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Pending => "pending",
            Verdict::Accepted => "accepted",
            Verdict::NotAccepted => "not_accepted",
        }
    }
    pub fn label_key(self) -> String {
        format!("verdict-{}", self.key().replace('_', "-"))
    }
    pub fn from_key(k: &str) -> Option<Verdict> {
        [Verdict::Pending, Verdict::Accepted, Verdict::NotAccepted]
            .into_iter()
            .find(|v| v.key() == k)
    }
}

/// A verification as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ActionVerificationBody))]
#[serde(deny_unknown_fields)]
pub struct VerifyDraft {
    /// `accepted` or `not_accepted`.
    #[serde(default, deserialize_with = "draft::text")]
    pub verdict: String,
    /// Required when not accepted.
    #[serde(default, deserialize_with = "draft::text")]
    pub reason: String,
}

impl VerifyDraft {
    /// The verdict and its reason; a verdict needs a report from the provider to judge.
    pub fn parse(&self, reported: bool) -> Result<(Verdict, Option<String>), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let verdict = match self.verdict.trim() {
            "" => errs.check(Err(ValidationError::new("verdict", Rule::Required))),
            "accepted" => Some(Verdict::Accepted),
            "not_accepted" => Some(Verdict::NotAccepted),
            _ => errs.check(Err(ValidationError::new("verdict", Rule::UnknownValue))),
        };
        let reason = errs
            .check(text::optional("reason", &self.reason, 10_000))
            .flatten();
        if verdict == Some(Verdict::NotAccepted) && reason.is_none() {
            errs.push(ValidationError::new("reason", Rule::Required));
        }
        if !reported {
            errs.push(ValidationError::new("verdict", Rule::RequiredByRecords));
        }
        errs.into_result()?;
        Ok((verdict.unwrap_or(Verdict::Pending), reason))
    }
}

/// Closing as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseCloseBody))]
#[serde(deny_unknown_fields)]
pub struct CloseDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub motivation: String,
}

impl CloseDraft {
    /// The motivation, required unless the records make it unnecessary.
    pub fn parse(&self, needs_motivation: bool) -> Result<Option<String>, ValidationErrors> {
        let m = text::optional("motivation", &self.motivation, 10_000)?;
        if needs_motivation && m.is_none() {
            return Err(ValidationErrors::single(
                "motivation",
                Rule::RequiredByRecords,
            ));
        }
        Ok(m)
    }
}

/// A note as entered (the authority's own, or a sharing partner's).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseNoteBody))]
#[serde(deny_unknown_fields)]
pub struct NoteDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub text: String,
}

impl NoteDraft {
    pub fn parse(&self) -> Result<String, ValidationErrors> {
        Ok(text::required("text", &self.text, 10_000)?)
    }
}

/// Sharing as entered: the authority (its organisation id) to share the case with.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseShareBody))]
#[serde(deny_unknown_fields)]
pub struct ShareDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub authority_id: String,
}

/// An authority's handling-time targets as entered: days to a decision per case type (the
/// authority's own days, waiting for the provider excluded); empty: no target.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseTargetsBody))]
#[serde(deny_unknown_fields)]
pub struct TargetsDraft {
    #[serde(default, deserialize_with = "draft::number")]
    pub planned: String,
    #[serde(default, deserialize_with = "draft::number")]
    pub complaint: String,
    #[serde(default, deserialize_with = "draft::number")]
    pub incident: String,
    #[serde(default, deserialize_with = "draft::number")]
    pub follow_up: String,
}

impl TargetsDraft {
    pub fn parse(&self) -> Result<Vec<(CaseType, Option<u32>)>, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let mut out = Vec::new();
        for (t, v) in [
            (CaseType::Planned, &self.planned),
            (CaseType::Complaint, &self.complaint),
            (CaseType::Incident, &self.incident),
            (CaseType::FollowUp, &self.follow_up),
        ] {
            let v = v.trim();
            if v.is_empty() {
                out.push((t, None));
                continue;
            }
            match v.parse::<u32>().ok().filter(|n| (1..=3650).contains(n)) {
                Some(n) => out.push((t, Some(n))),
                None => errs.push(ValidationError::new(
                    t.key(),
                    Rule::OutOfRange { min: 1, max: 3650 },
                )),
            }
        }
        errs.into_result()?;
        Ok(out)
    }
}

/// A guidance document as the authority writes it: Markdown, with its topics and the kinds of
/// organisation it concerns (none: all). Publishing under an existing `doc_key` makes a new
/// version of that document.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = GuidanceBody))]
#[serde(deny_unknown_fields)]
pub struct GuidanceDraft {
    /// The document's key (letters, digits and hyphens); empty: made from the title.
    #[serde(default, deserialize_with = "draft::text")]
    pub doc_key: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub title: String,
    /// What is new or what the document is for, in a sentence or two.
    #[serde(default, deserialize_with = "draft::text")]
    pub summary: String,
    /// Markdown.
    #[serde(default, deserialize_with = "draft::text")]
    pub body: String,
    #[serde(default, deserialize_with = "draft::texts")]
    pub topics: Vec<String>,
    /// Kinds of organisation concerned (`region`, `municipality`, `private_provider`, …).
    #[serde(default, deserialize_with = "draft::texts")]
    pub org_kinds: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuidanceInput {
    pub doc_key: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub topics: Vec<String>,
    pub org_kinds: Vec<String>,
}

/// A key made of a title: lower-case letters a–z and digits, words joined by hyphens (å, ä and
/// ö become a, a and o).
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ó' | 'ø' => 'o',
            'é' | 'è' | 'ë' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let key: String = out.trim_end_matches('-').chars().take(80).collect();
    let key = key.trim_end_matches('-').to_string();
    if key.is_empty() {
        "vagledning".to_string()
    } else {
        key
    }
}

impl TryFrom<&GuidanceDraft> for GuidanceInput {
    type Error = ValidationErrors;
    fn try_from(d: &GuidanceDraft) -> Result<Self, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let title = errs.check(text::required("title", &d.title, 200));
        let summary = errs.check(text::required("summary", &d.summary, 1_000));
        let body = errs.check(text::required("body", &d.body, 200_000));
        let key_text = errs
            .check(text::optional("doc_key", &d.doc_key, 200))
            .flatten()
            .unwrap_or_default();
        let doc_key = match key_text.as_str() {
            "" if errs.for_field("doc_key").is_some() => None,
            "" => title.as_deref().map(slug).filter(|s| !s.is_empty()),
            k => errs.check(
                Some(k.to_string())
                    .filter(|k| {
                        k.len() <= 80
                            && k.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    })
                    .ok_or_else(|| ValidationError::new("doc_key", Rule::InvalidFormat)),
            ),
        };
        let mut topics = Vec::new();
        for t in ids(&d.topics) {
            if let Some(t) = errs.check(text::required("topics", &t, 60)) {
                topics.push(t);
            }
        }
        let org_kinds = ids(&d.org_kinds);
        for k in &org_kinds {
            match crate::org::OrgKind::parse("org_kinds", k) {
                Ok(kind) if kind.side() == crate::org::Side::Provider => {}
                Ok(_) => errs.push(ValidationError::new(
                    "org_kinds",
                    Rule::NotAllowedForOrganisationKind,
                )),
                Err(e) => errs.push(e),
            }
        }
        errs.into_result()?;
        Ok(GuidanceInput {
            doc_key: doc_key.unwrap_or_default(),
            title: title.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            body: body.unwrap_or_default(),
            topics,
            org_kinds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.0.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn a_decision_may_be_issued_only_in_an_open_case_and_corrected_only_after() {
        assert!(may(CaseState::Open, Step::Decide));
        assert!(!may(CaseState::Decided, Step::Decide));
        assert!(!may(CaseState::Open, Step::Correct));
        assert!(may(CaseState::Decided, Step::Correct));
        assert!(!may(CaseState::Closed, Step::Correct));
    }

    #[test]
    fn a_closed_case_takes_nothing_but_notes() {
        for step in [
            Step::SendRequest,
            Step::Answer,
            Step::Decide,
            Step::Correct,
            Step::ReportAction,
            Step::VerifyAction,
            Step::Close,
            Step::Share,
        ] {
            assert!(!may(CaseState::Closed, step), "{step:?}");
        }
        assert!(may(CaseState::Closed, Step::Note));
        let e = check(CaseState::Closed, Step::SendRequest, "questions").unwrap_err();
        assert_eq!(
            e.rule,
            Rule::NotAllowedInState {
                state: "closed".into()
            }
        );
    }

    #[test]
    fn actions_are_reported_and_verified_only_while_decided() {
        assert!(!may(CaseState::Open, Step::ReportAction));
        assert!(!may(CaseState::Open, Step::VerifyAction));
        assert!(may(CaseState::Decided, Step::ReportAction));
        assert!(may(CaseState::Decided, Step::VerifyAction));
        assert!(may(CaseState::Decided, Step::SendRequest));
    }

    #[test]
    fn closing_needs_a_motivation_unless_every_action_of_a_decision_is_accepted() {
        assert!(close_needs_motivation(false, &[]));
        assert!(!close_needs_motivation(true, &[]));
        assert!(!close_needs_motivation(
            true,
            &[Verdict::Accepted, Verdict::Accepted]
        ));
        assert!(close_needs_motivation(
            true,
            &[Verdict::Accepted, Verdict::Pending]
        ));
        assert!(close_needs_motivation(true, &[Verdict::NotAccepted]));
        let d = CloseDraft::default();
        assert_eq!(
            d.parse(true).unwrap_err().0[0].rule,
            Rule::RequiredByRecords
        );
        assert_eq!(d.parse(false).unwrap(), None);
    }

    fn order() -> DecisionDraft {
        DecisionDraft {
            outcome: "order".into(),
            summary: "Behovs- och riskanalys saknas.".into(),
            findings: vec![FindingDraft {
                requirement_id: "acc-1".into(),
                provision: "HSLF-FS 2016:40 4 kap. 2 §".into(),
                text: "Ingen analys före tilldelning av behörigheter.".into(),
            }],
            actions: vec![ActionDraft {
                text: "Gör en behovs- och riskanalys för journalsystemet.".into(),
                due_on: "2027-03-01".into(),
            }],
            ..DecisionDraft::default()
        }
    }

    #[test]
    fn an_order_needs_findings_and_actions_with_due_days_not_in_the_past() {
        let today = day("2026-12-01");
        let d = DecisionInput::parse(&order(), today, |id| id == "acc-1").unwrap();
        assert_eq!(d.outcome, Outcome::Order);
        assert_eq!(d.actions[0].due_on, day("2027-03-01"));
        assert_eq!(d.decided_on, today);

        let mut no_actions = order();
        no_actions.actions.clear();
        let e = DecisionInput::parse(&no_actions, today, |_| true).unwrap_err();
        assert_eq!(fields(&e), ["actions"]);

        let mut late = order();
        late.actions[0].due_on = "2026-11-30".into();
        let e = DecisionInput::parse(&late, today, |_| true).unwrap_err();
        assert_eq!(e.0[0].field, "actions[0].due_on");
        assert_eq!(e.0[0].rule, Rule::InThePast);

        let e = DecisionInput::parse(&order(), today, |_| false).unwrap_err();
        assert_eq!(e.0[0].field, "findings[0].requirement_id");
        assert_eq!(e.0[0].rule, Rule::NotFound);
    }

    #[test]
    fn each_outcome_has_what_it_needs_and_nothing_it_cannot() {
        let today = day("2026-12-01");
        let mut fine = order();
        fine.outcome = "administrative_fine".into();
        let e = DecisionInput::parse(&fine, today, |_| true).unwrap_err();
        // No actions with a fine, but an amount and a legal ground.
        assert_eq!(fields(&e), ["actions", "penalty_sek", "legal_ground"]);
        fine.actions.clear();
        fine.penalty_sek = "2 500 000".into();
        fine.legal_ground = "GDPR art. 83".into();
        let d = DecisionInput::parse(&fine, today, |_| true).unwrap();
        assert_eq!(d.penalty_sek, Some(2_500_000));

        let mut none = DecisionDraft {
            outcome: "no_remark".into(),
            summary: "Inga brister.".into(),
            ..DecisionDraft::default()
        };
        assert!(DecisionInput::parse(&none, today, |_| true).is_ok());
        none.fine_sek = "100000".into();
        let e = DecisionInput::parse(&none, today, |_| true).unwrap_err();
        assert_eq!(fields(&e), ["fine_sek"]);

        let criticism = DecisionDraft {
            outcome: "criticism".into(),
            summary: "Brister.".into(),
            ..DecisionDraft::default()
        };
        let e = DecisionInput::parse(&criticism, today, |_| true).unwrap_err();
        assert_eq!(fields(&e), ["findings"]);

        let mut with_fine = order();
        with_fine.fine_sek = "500000".into();
        assert_eq!(
            DecisionInput::parse(&with_fine, today, |_| true)
                .unwrap()
                .fine_sek,
            Some(500_000)
        );
        let mut future = order();
        future.decided_on = "2026-12-02".into();
        let e = DecisionInput::parse(&future, today, |_| true).unwrap_err();
        assert_eq!(e.0[0].rule, Rule::InTheFuture);
    }

    #[test]
    fn a_verdict_needs_a_report_and_a_refusal_its_reason() {
        let d = VerifyDraft {
            verdict: "not_accepted".into(),
            reason: String::new(),
        };
        assert_eq!(fields(&d.parse(true).unwrap_err()), ["reason"]);
        let d = VerifyDraft {
            verdict: "accepted".into(),
            reason: String::new(),
        };
        assert_eq!(d.parse(true).unwrap(), (Verdict::Accepted, None));
        assert_eq!(
            d.parse(false).unwrap_err().0[0].rule,
            Rule::RequiredByRecords
        );
    }

    #[test]
    fn a_request_is_due_today_or_later_and_lists_its_documents() {
        let today = day("2026-12-01");
        let r = RequestInput::parse(
            &RequestDraft {
                questions: "Hur tilldelas behörigheter?".into(),
                documents: "- Behovs- och riskanalys\n\n* Loggrutin".into(),
                deadline: "2026-12-15".into(),
            },
            today,
        )
        .unwrap();
        assert_eq!(r.documents, ["Behovs- och riskanalys", "Loggrutin"]);
        let e = RequestInput::parse(
            &RequestDraft {
                questions: "x".into(),
                documents: String::new(),
                deadline: "2026-11-30".into(),
            },
            today,
        )
        .unwrap_err();
        assert_eq!(e.0[0].rule, Rule::InThePast);
    }

    #[test]
    fn a_complaint_keeps_its_reference() {
        let d = CaseDraft {
            org_number: "212000-0142".into(),
            case_type: "complaint".into(),
            title: "Klagomål om åtkomst".into(),
            ..CaseDraft::default()
        };
        let e = CaseInput::try_from(&d).unwrap_err();
        assert_eq!(fields(&e), ["origin_ref"]);
    }

    #[test]
    fn a_guidance_key_is_made_from_its_title() {
        assert_eq!(
            slug("Behovs- och riskanalys i vården"),
            "behovs-och-riskanalys-i-varden"
        );
        let d = GuidanceDraft {
            title: "Åtkomst & loggning".into(),
            summary: "s".into(),
            body: "# Rubrik".into(),
            org_kinds: vec!["municipality".into()],
            ..GuidanceDraft::default()
        };
        assert_eq!(
            GuidanceInput::try_from(&d).unwrap().doc_key,
            "atkomst-loggning"
        );
        let bad = GuidanceDraft {
            doc_key: "Inte OK".into(),
            org_kinds: vec!["authority".into()],
            ..d
        };
        assert_eq!(
            fields(&GuidanceInput::try_from(&bad).unwrap_err()),
            ["doc_key", "org_kinds"]
        );
    }
}
