//! An incident as the register keeps it: what happened, when (started, discovered, and when the
//! organisation became aware — the legal clock), what it touched, what caused it, and the
//! assessments the reporting obligations rest on ([`crate::incident`]).

use crate::asset::{int_field, keys};
use crate::classification::Aspect;
use crate::draft;
use crate::incident::{Art34Exception, BreachRisk, DataRole, IncidentFacts, Known};
use crate::{text, Rule, ValidationError, ValidationErrors};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};

/// Where an incident stands.
pub const STATUSES: &[&str] = &["open", "contained", "closed"];
/// What caused it.
pub const CAUSES: &[&str] = &[
    "attack",
    "mistake",
    "system_fault",
    "supplier",
    "physical",
    "other",
];
/// The data-protection risk assessment (GDPR arts. 33–34).
pub const RISKS: &[&str] = &["unassessed", "unlikely", "risk", "high_risk"];
/// Why people are not told of a high-risk breach (art. 34.3).
pub const ART34_EXCEPTIONS: &[&str] = &[
    "unintelligible",
    "risk_no_longer_likely",
    "disproportionate_effort",
];
/// The organisation's part in the processing.
pub const ROLES: &[&str] = &["controller", "processor"];

/// An incident's facts, validated. Instants are UTC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentInput {
    pub title: String,
    pub description: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub discovered_at: Option<DateTime<Utc>>,
    pub aware_at: DateTime<Utc>,
    /// One of [`STATUSES`].
    pub status: String,
    pub system_ids: Vec<String>,
    pub asset_ids: Vec<String>,
    /// Keys of the aspects affected.
    pub aspects: Vec<String>,
    pub personal_data: Known,
    pub data_categories: Option<String>,
    pub individuals_approx: Option<i64>,
    pub records_approx: Option<i64>,
    /// One of [`CAUSES`], when known.
    pub cause: Option<String>,
    pub supplier_id: Option<String>,
    pub consequences: Option<String>,
    pub actions_taken: Option<String>,
    /// One of [`ROLES`].
    pub data_role: String,
    /// One of [`RISKS`].
    pub breach_risk: String,
    pub risk_motivation: Option<String>,
    pub art34_exception: Option<String>,
    pub significant: Known,
    pub significance_motivation: Option<String>,
    pub serious_care_injury: Known,
    pub serious_social_care_wrong: Known,
    /// What the organisation learned (asked when the incident is closed).
    pub lessons: Option<String>,
}

impl IncidentInput {
    /// The facts the deadline engine reads, with the CSIRT notification's sending time if known
    /// and whether a progress report has been sent.
    pub fn facts(
        &self,
        nis2_notification_sent_at: Option<DateTime<Utc>>,
        nis2_progress_report_sent: bool,
    ) -> IncidentFacts {
        IncidentFacts {
            aware_at: self.aware_at,
            personal_data: self.personal_data,
            role: if self.data_role == "processor" {
                DataRole::Processor
            } else {
                DataRole::Controller
            },
            risk: match self.breach_risk.as_str() {
                "unlikely" => BreachRisk::Unlikely,
                "risk" => BreachRisk::Risk,
                "high_risk" => BreachRisk::HighRisk,
                _ => BreachRisk::Unassessed,
            },
            art34_exception: match self.art34_exception.as_deref() {
                Some("unintelligible") => Some(Art34Exception::Unintelligible),
                Some("risk_no_longer_likely") => Some(Art34Exception::RiskNoLongerLikely),
                Some("disproportionate_effort") => Some(Art34Exception::DisproportionateEffort),
                _ => None,
            },
            significant: self.significant,
            nis2_notification_sent_at,
            nis2_progress_report_sent,
            ongoing: self.status != "closed",
            serious_care_injury: self.serious_care_injury,
            serious_social_care_wrong: self.serious_social_care_wrong,
        }
    }
}

/// An incident as entered. Times are RFC 3339 instants, or a local date and time
/// (`2026-11-10T09:00`) read as Swedish time; answers are `yes`, `no` or empty (not known).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IncidentBody))]
#[serde(deny_unknown_fields)]
pub struct IncidentDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub title: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: String,
    /// When it started; not after `discovered_at` or `aware_at` (422 `out_of_order`).
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub started_at: String,
    /// When it was discovered; not after `aware_at` (422 `out_of_order`).
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub discovered_at: String,
    /// When the organisation became aware: the clock of every deadline. Not before
    /// `started_at` or `discovered_at` (422 `out_of_order`); not in the future (409).
    #[serde(default, deserialize_with = "draft::text")]
    pub aware_at: String,
    /// open, contained or closed (default open)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: String,
    #[serde(default, deserialize_with = "draft::texts")]
    pub system_ids: Vec<String>,
    #[serde(default, deserialize_with = "draft::texts")]
    pub asset_ids: Vec<String>,
    /// confidentiality, integrity, availability, traceability
    #[serde(default, deserialize_with = "draft::texts")]
    pub aspects: Vec<String>,
    /// yes, no or unknown
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub personal_data: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub data_categories: String,
    /// Approximately how many people, 0 or more.
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub individuals_approx: String,
    /// Approximately how many records, 0 or more.
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub records_approx: String,
    /// attack, mistake, system_fault, supplier, physical or other
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub cause: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub supplier_id: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub consequences: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub actions_taken: String,
    /// controller or processor (default controller)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub data_role: String,
    /// unassessed, unlikely, risk or high_risk (default unassessed)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub breach_risk: String,
    /// Why the risk is assessed so (required once assessed: GDPR art. 33.5).
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub risk_motivation: String,
    /// unintelligible, risk_no_longer_likely or disproportionate_effort (only with high_risk)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub art34_exception: String,
    /// yes, no or unknown: a significant incident under the Cybersecurity Act
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub significant: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub significance_motivation: String,
    /// yes, no or unknown: caused or could have caused a serious vårdskada (lex Maria)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub serious_care_injury: String,
    /// yes, no or unknown: an allvarligt missförhållande or påtaglig risk för one (lex Sarah)
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub serious_social_care_wrong: String,
    /// What was learned (asked when the incident is closed).
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub lessons: String,
}

/// A report marked sent: which obligation, when (default now) and the recipient's reference.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReportSentBody))]
#[serde(deny_unknown_fields)]
pub struct ReportSentDraft {
    /// The obligation's key (e.g. imy_notification).
    #[serde(default, deserialize_with = "draft::text")]
    pub obligation: String,
    /// When it was sent: RFC 3339, or Swedish local time; empty is now.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sent_at: String,
    /// The reference the recipient gave (a case number).
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub reference: String,
}

/// A lesson of an incident made a measure: its title and, if set, its due date.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = LessonMeasureBody))]
#[serde(deny_unknown_fields)]
pub struct LessonMeasureDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub title: String,
    /// YYYY-MM-DD, today or later
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub due_on: String,
}

/// An entry in an incident's log: when it happened (default now) and what.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IncidentEntryBody))]
#[serde(deny_unknown_fields)]
pub struct IncidentEntryDraft {
    /// RFC 3339, or Swedish local time; empty is now. Not in the future.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub at: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub text: String,
}

/// An instant: RFC 3339 with its offset, or a local date and time read as Swedish time. A local
/// time the spring change skips does not exist and is refused.
pub fn parse_instant(field: &str, value: &str) -> Result<Option<DateTime<Utc>>, ValidationError> {
    let Some(v) = draft::present(value) else {
        return Ok(None);
    };
    if v.chars().count() > 40 {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .ok_or_else(|| ValidationError::new(field, Rule::InvalidFormat))?;
    Stockholm
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| ValidationError::new(field, Rule::InvalidFormat))
}

fn word(field: &str, value: &str, allowed: &[&str]) -> Result<Option<String>, ValidationError> {
    match draft::present(value) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
        Some(_) => Err(ValidationError::new(field, Rule::UnknownValue)),
    }
}

fn answer(field: &str, value: &str) -> Result<Known, ValidationError> {
    crate::supplier::answer(field, value)
}

fn ids(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Checks an incident against the rules, with `now` for "not in the future".
pub fn parse_incident(
    d: &IncidentDraft,
    now: DateTime<Utc>,
) -> Result<IncidentInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let title = errs.check(text::required("title", &d.title, 200));
    let description = errs
        .check(text::optional("description", &d.description, 4000))
        .flatten();
    let started_at = errs
        .check(parse_instant("started_at", &d.started_at))
        .flatten();
    let discovered_at = errs
        .check(parse_instant("discovered_at", &d.discovered_at))
        .flatten();
    let aware_at = match parse_instant("aware_at", &d.aware_at) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errs.push(ValidationError::new("aware_at", Rule::Required));
            None
        }
        Err(e) => {
            errs.push(e);
            None
        }
    };
    // The order of events: it started, was discovered, and the organisation became aware.
    if let (Some(s), Some(x)) = (started_at, discovered_at) {
        if x < s {
            errs.push(ValidationError::new("discovered_at", Rule::OutOfOrder));
        }
    }
    if let Some(a) = aware_at {
        if started_at.is_some_and(|s| a < s) || discovered_at.is_some_and(|x| a < x) {
            errs.push(ValidationError::new("aware_at", Rule::OutOfOrder));
        }
    }
    for (field, t) in [
        ("started_at", started_at),
        ("discovered_at", discovered_at),
        ("aware_at", aware_at),
    ] {
        if t.is_some_and(|t| t > now + chrono::Duration::minutes(5)) {
            errs.push(ValidationError::new(field, Rule::InTheFuture));
        }
    }
    let status = errs
        .check(word("status", &d.status, STATUSES))
        .flatten()
        .unwrap_or_else(|| "open".into());
    let aspects = keys(
        "aspects",
        &d.aspects,
        &Aspect::ALL.map(Aspect::key),
        &mut errs,
    );
    let personal_data = errs.check(answer("personal_data", &d.personal_data));
    let data_categories = errs
        .check(text::optional("data_categories", &d.data_categories, 500))
        .flatten();
    let individuals_approx = errs
        .check(int_field(
            "individuals_approx",
            &d.individuals_approx,
            0,
            100_000_000,
        ))
        .flatten();
    let records_approx = errs
        .check(int_field(
            "records_approx",
            &d.records_approx,
            0,
            1_000_000_000,
        ))
        .flatten();
    let cause = errs.check(word("cause", &d.cause, CAUSES)).flatten();
    let supplier_id = errs
        .check(text::optional("supplier_id", &d.supplier_id, 100))
        .flatten();
    let consequences = errs
        .check(text::optional("consequences", &d.consequences, 4000))
        .flatten();
    let actions_taken = errs
        .check(text::optional("actions_taken", &d.actions_taken, 4000))
        .flatten();
    let data_role = errs
        .check(word("data_role", &d.data_role, ROLES))
        .flatten()
        .unwrap_or_else(|| "controller".into());
    let breach_risk = errs
        .check(word("breach_risk", &d.breach_risk, RISKS))
        .flatten()
        .unwrap_or_else(|| "unassessed".into());
    let risk_motivation = errs
        .check(text::optional("risk_motivation", &d.risk_motivation, 2000))
        .flatten();
    // An assessed risk is documented with its motivation, whatever it says (art. 33.5).
    if breach_risk != "unassessed" && risk_motivation.is_none() {
        errs.push(ValidationError::new("risk_motivation", Rule::Required));
    }
    let art34_exception = errs
        .check(word(
            "art34_exception",
            &d.art34_exception,
            ART34_EXCEPTIONS,
        ))
        .flatten();
    if art34_exception.is_some() && breach_risk != "high_risk" {
        errs.push(ValidationError::new("art34_exception", Rule::Mismatch));
    }
    let significant = errs.check(answer("significant", &d.significant));
    let significance_motivation = errs
        .check(text::optional(
            "significance_motivation",
            &d.significance_motivation,
            2000,
        ))
        .flatten();
    let serious_care_injury = errs.check(answer("serious_care_injury", &d.serious_care_injury));
    let serious_social_care_wrong = errs.check(answer(
        "serious_social_care_wrong",
        &d.serious_social_care_wrong,
    ));
    let lessons = errs
        .check(text::optional("lessons", &d.lessons, 4000))
        .flatten();
    errs.clone().into_result()?;
    let (Some(title), Some(aware_at)) = (title, aware_at) else {
        return Err(errs);
    };
    Ok(IncidentInput {
        title,
        description,
        started_at,
        discovered_at,
        aware_at,
        status,
        system_ids: ids(&d.system_ids),
        asset_ids: ids(&d.asset_ids),
        aspects,
        personal_data: personal_data.flatten(),
        data_categories,
        individuals_approx,
        records_approx,
        cause,
        supplier_id,
        consequences,
        actions_taken,
        data_role,
        breach_risk,
        risk_motivation,
        art34_exception,
        significant: significant.flatten(),
        significance_motivation,
        serious_care_injury: serious_care_injury.flatten(),
        serious_social_care_wrong: serious_social_care_wrong.flatten(),
        lessons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-12T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.0.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_local_time_is_swedish_time_and_an_instant_keeps_its_offset() {
        let t = parse_instant("aware_at", "2026-11-10T09:00").ok().flatten();
        assert_eq!(
            t.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-10T08:00:00+00:00")
        );
        let t = parse_instant("aware_at", "2026-07-10T09:00").ok().flatten();
        assert_eq!(
            t.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-07-10T07:00:00+00:00")
        );
        let t = parse_instant("aware_at", "2026-11-10T09:00:00+01:00")
            .ok()
            .flatten();
        assert_eq!(
            t.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-10T08:00:00+00:00")
        );
        // 02:30 on 29 March 2026 does not exist in Sweden.
        assert!(parse_instant("aware_at", "2026-03-29T02:30").is_err());
        assert!(parse_instant("aware_at", "igår").is_err());
    }

    #[test]
    fn awareness_before_the_start_and_negative_counts_are_refused_by_field() {
        let d = IncidentDraft {
            title: "Felskickade brev".into(),
            started_at: "2026-11-10T09:00".into(),
            discovered_at: "2026-11-09T09:00".into(),
            aware_at: "2026-11-08T09:00".into(),
            individuals_approx: "-5".into(),
            breach_risk: "unlikely".into(),
            art34_exception: "unintelligible".into(),
            personal_data: "kanske".into(),
            ..Default::default()
        };
        let e = parse_incident(&d, now()).unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "discovered_at",
                "aware_at",
                "personal_data",
                "individuals_approx",
                "risk_motivation",
                "art34_exception"
            ]
        );
    }

    #[test]
    fn a_time_in_the_future_is_refused_and_defaults_fill_the_rest() {
        let d = IncidentDraft {
            title: "Utpressningsprogram".into(),
            aware_at: "2026-11-20T09:00".into(),
            ..Default::default()
        };
        let e = parse_incident(&d, now()).unwrap_err();
        assert_eq!(e.0[0].rule, Rule::InTheFuture);
        let d = IncidentDraft {
            aware_at: "2026-11-11T09:00".into(),
            ..d
        };
        let x = parse_incident(&d, now()).unwrap();
        assert_eq!(
            (
                x.status.as_str(),
                x.data_role.as_str(),
                x.breach_risk.as_str()
            ),
            ("open", "controller", "unassessed")
        );
        assert_eq!(x.personal_data, None, "not answered is not known");
    }
}
