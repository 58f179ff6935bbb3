//! Report drafts: for each report an incident calls for, the fields its recipient asks for —
//! GDPR art. 33.3 for a notification to IMY (and to the controller), art. 34.2 for the data
//! subjects, NIS2 art. 23 for the CSIRT's early warning, notification, progress and final
//! report, and the content of a lex Maria or lex Sarah report to IVO. Tillit pre-fills them
//! from the register; the organisation edits, copies or prints them and sends them itself.

use crate::draft;
use crate::incident::Kind;
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::Deserialize;

/// The most characters of one field.
pub const MAX_FIELD: usize = 4000;

/// The fields of a report of this kind, in the order the recipient reads them.
pub fn fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::ImyNotification => &[
            "notification_kind",
            "nature",
            "timeline",
            "categories_people",
            "categories_records",
            "consequences",
            "risk_assessment",
            "measures",
            "data_subjects_informed",
            "delay_reasons",
            "other_reports",
            "contact",
        ],
        Kind::ControllerNotification => &[
            "nature",
            "timeline",
            "categories_people",
            "categories_records",
            "consequences",
            "risk_assessment",
            "measures",
            "contact",
        ],
        Kind::DataSubjects => &["nature", "consequences", "measures", "advice", "contact"],
        Kind::Nis2EarlyWarning => &[
            "summary",
            "timeline",
            "services_affected",
            "malicious",
            "cross_border",
            "contact",
        ],
        Kind::Nis2Notification => &[
            "summary",
            "timeline",
            "services_affected",
            "severity_impact",
            "malicious",
            "cross_border",
            "indicators",
            "measures",
            "other_reports",
            "contact",
        ],
        Kind::Nis2ProgressReport => &["status_now", "measures", "contact"],
        Kind::Nis2FinalReport => &[
            "description",
            "severity_impact",
            "root_cause",
            "measures",
            "cross_border",
            "other_reports",
            "contact",
        ],
        Kind::LexMaria | Kind::LexSarah => &[
            "event",
            "timeline",
            "consequences",
            "causes",
            "measures",
            "informed_persons",
            "investigation",
            "other_reports",
            "contact",
        ],
    }
}

/// The provision that says what the report holds, written as the law is cited.
pub fn content_provision(kind: Kind) -> &'static str {
    match kind {
        Kind::ImyNotification => "GDPR art. 33.3",
        // A processor's notification has no content of its own in the regulation; the controller
        // needs what art. 33.3 lists for its own.
        Kind::ControllerNotification => "GDPR art. 33.2",
        Kind::DataSubjects => "GDPR art. 34.2",
        Kind::Nis2EarlyWarning
        | Kind::Nis2Notification
        | Kind::Nis2ProgressReport
        | Kind::Nis2FinalReport => "NIS2 art. 23",
        Kind::LexMaria => "HSLF-FS 2017:40; HSLF-FS 2017:41",
        Kind::LexSarah => "socialtjänstlagen (2025:400); LSS",
    }
}

/// A report draft as entered: every field any report has; a report reads its own.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTextDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub nature: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub timeline: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub categories_people: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub categories_records: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub consequences: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub measures: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub data_subjects_informed: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub delay_reasons: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub contact: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub advice: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub summary: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub malicious: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub cross_border: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub severity_impact: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub indicators: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub status_now: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub description: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub root_cause: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub event: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub causes: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub notification_kind: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub risk_assessment: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub other_reports: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub services_affected: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub informed_persons: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub investigation: String,
}

impl ReportTextDraft {
    fn get(&self, key: &str) -> &str {
        match key {
            "nature" => &self.nature,
            "timeline" => &self.timeline,
            "categories_people" => &self.categories_people,
            "categories_records" => &self.categories_records,
            "consequences" => &self.consequences,
            "measures" => &self.measures,
            "data_subjects_informed" => &self.data_subjects_informed,
            "delay_reasons" => &self.delay_reasons,
            "contact" => &self.contact,
            "advice" => &self.advice,
            "summary" => &self.summary,
            "malicious" => &self.malicious,
            "cross_border" => &self.cross_border,
            "severity_impact" => &self.severity_impact,
            "indicators" => &self.indicators,
            "status_now" => &self.status_now,
            "description" => &self.description,
            "root_cause" => &self.root_cause,
            "event" => &self.event,
            "causes" => &self.causes,
            "notification_kind" => &self.notification_kind,
            "risk_assessment" => &self.risk_assessment,
            "other_reports" => &self.other_reports,
            "services_affected" => &self.services_affected,
            "informed_persons" => &self.informed_persons,
            "investigation" => &self.investigation,
            _ => "",
        }
    }
}

/// The report's fields, checked: each at most [`MAX_FIELD`] characters without control
/// characters; a field another kind of report has must be empty (it would be lost).
pub fn parse_report_text(
    kind: Kind,
    d: &ReportTextDraft,
) -> Result<Vec<(String, String)>, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let mine = fields(kind);
    let mut out = Vec::new();
    for key in ALL_FIELDS {
        let value = d.get(key);
        if !mine.contains(key) {
            if !value.trim().is_empty() {
                errs.push(ValidationError::new(*key, Rule::UnknownValue));
            }
            continue;
        }
        if let Some(v) = errs.check(text::optional(key, value, MAX_FIELD)).flatten() {
            out.push((key.to_string(), v));
        }
    }
    errs.into_result()?;
    Ok(out)
}

/// Every field of every report.
pub const ALL_FIELDS: &[&str] = &[
    "nature",
    "timeline",
    "categories_people",
    "categories_records",
    "consequences",
    "measures",
    "data_subjects_informed",
    "delay_reasons",
    "contact",
    "advice",
    "summary",
    "malicious",
    "cross_border",
    "severity_impact",
    "indicators",
    "status_now",
    "description",
    "root_cause",
    "event",
    "causes",
    "notification_kind",
    "risk_assessment",
    "other_reports",
    "services_affected",
    "informed_persons",
    "investigation",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_has_its_fields_and_a_contact() {
        for kind in Kind::ALL {
            let f = fields(kind);
            assert!(f.contains(&"contact"), "{kind:?}");
            assert!(f.iter().all(|k| ALL_FIELDS.contains(k)), "{kind:?}");
        }
        // What art. 33.3 asks of a notification to IMY.
        for k in [
            "nature",
            "categories_people",
            "categories_records",
            "consequences",
            "measures",
        ] {
            assert!(fields(Kind::ImyNotification).contains(&k));
        }
        // What NIS2 art. 23 asks of an early warning, updated by the notification.
        for k in ["malicious", "cross_border"] {
            assert!(fields(Kind::Nis2Notification).contains(&k));
        }
        assert!(fields(Kind::Nis2EarlyWarning).contains(&"malicious"));
        assert!(fields(Kind::Nis2EarlyWarning).contains(&"cross_border"));
    }

    #[test]
    fn a_field_of_another_report_or_too_long_is_refused() {
        let d = ReportTextDraft {
            nature: "Brev till fel mottagare".into(),
            malicious: "Nej".into(),
            ..Default::default()
        };
        let e = parse_report_text(Kind::ImyNotification, &d)
            .err()
            .unwrap_or_default();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "malicious");
        let d = ReportTextDraft {
            nature: "x".repeat(MAX_FIELD + 1),
            ..Default::default()
        };
        assert!(parse_report_text(Kind::ImyNotification, &d).is_err());
        let d = ReportTextDraft {
            nature: "Brev till fel mottagare".into(),
            contact: " ".into(),
            ..Default::default()
        };
        let ok = parse_report_text(Kind::ImyNotification, &d).unwrap_or_default();
        assert_eq!(
            ok,
            vec![("nature".to_string(), "Brev till fel mottagare".to_string())]
        );
    }
}
