//! Self-assessment (egenbedömning) of requirements: a status per requirement with its rules, the
//! compliance figure per requirement area, and the limits on evidence files.

use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Uppfyllt
    Met,
    /// Delvis uppfyllt
    PartlyMet,
    /// Ej uppfyllt
    NotMet,
    /// Ej tillämpligt (needs a motivation)
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Met,
        Status::PartlyMet,
        Status::NotMet,
        Status::NotApplicable,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::PartlyMet => "partly_met",
            Status::NotMet => "not_met",
            Status::NotApplicable => "not_applicable",
        }
    }
    pub fn from_key(k: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == k)
    }
    pub fn parse(field: &str, value: &str) -> Result<Status, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        Status::from_key(v).ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))
    }
    /// A gap: the requirement is not (fully) met.
    pub fn is_gap(self) -> bool {
        matches!(self, Status::PartlyMet | Status::NotMet)
    }
}

/// A validated assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentInput {
    pub status: Status,
    pub motivation: Option<String>,
    pub comment: Option<String>,
}

/// "Ej tillämpligt" must say why; the other statuses may carry a motivation too.
pub fn parse_assessment(
    status: &str,
    motivation: &str,
    comment: &str,
) -> Result<AssessmentInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let status = errs.check(Status::parse("status", status));
    let motivation = errs
        .check(text::optional("motivation", motivation, 4000))
        .flatten();
    let comment = errs
        .check(text::optional("comment", comment, 4000))
        .flatten();
    if status == Some(Status::NotApplicable) && motivation.is_none() {
        errs.push(ValidationError::new("motivation", Rule::Required));
    }
    errs.into_result()?;
    match status {
        Some(status) => Ok(AssessmentInput {
            status,
            motivation,
            comment,
        }),
        None => Err(ValidationErrors::single("status", Rule::Required)),
    }
}

/// Counts of one requirement area (or all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub applicable: u32,
    pub met: u32,
    pub partly_met: u32,
    pub not_met: u32,
    pub not_applicable: u32,
}

/// Where a requirement's status for a system comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Assessed for the system itself.
    System,
    /// Assessed once for the whole organisation, and so for every system it applies to.
    Organisation,
}

/// A requirement's status for a system: the system's own assessment when there is one, else
/// the organisation's — a requirement the organisation assessed once for everyone (an incident
/// routine, a policy) is not "not assessed" on each system.
pub fn status_for_system(
    own: Option<Status>,
    organisation: Option<Status>,
) -> Option<(Status, Source)> {
    own.map(|s| (s, Source::System))
        .or(organisation.map(|s| (s, Source::Organisation)))
}

impl Tally {
    /// Adds one applicable requirement with its status (`None`: not assessed yet).
    pub fn add(&mut self, s: Option<Status>) {
        self.add_many(s, 1);
    }

    /// Adds `n` applicable requirements with the same status.
    pub fn add_many(&mut self, s: Option<Status>, n: u32) {
        self.applicable += n;
        match s {
            Some(Status::Met) => self.met += n,
            Some(Status::PartlyMet) => self.partly_met += n,
            Some(Status::NotMet) => self.not_met += n,
            Some(Status::NotApplicable) => self.not_applicable += n,
            None => {}
        }
    }

    pub fn assessed(&self) -> u32 {
        self.met + self.partly_met + self.not_met + self.not_applicable
    }

    /// Compliance in per cent: met counts fully, partly met half, not met and not yet assessed
    /// nothing; requirements assessed as not applicable are left out. `None` when nothing counts,
    /// or before the first requirement is assessed (a figure of 0 % would say the requirements
    /// were found unmet).
    pub fn compliance_percent(&self) -> Option<u32> {
        let counted = self.applicable - self.not_applicable;
        if counted == 0 || self.assessed() == 0 {
            return None;
        }
        let halves = 2 * self.met + self.partly_met;
        // Rounded half up, in whole per cent.
        Some((halves * 100 + counted) / (2 * counted))
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.applicable += o.applicable;
        self.met += o.met;
        self.partly_met += o.partly_met;
        self.not_met += o.not_met;
        self.not_applicable += o.not_applicable;
    }
}

/// Tillit's one definition of compliance (efterlevnad), used by every page, export, report and
/// submission that shows it:
///
/// - a **scope** is the organisation's own requirements or one system in use;
/// - each requirement that applies to a scope counts once in it, with its status for that scope
///   (`status_for_system`: a system's own assessment, else the organisation's) — so a
///   requirement the organisation assessed once counts for every system it applies to, and one
///   not yet assessed counts as nothing met;
/// - a scope's compliance is `Tally::compliance_percent` of its counts, and the organisation's
///   (overall and per requirement area) that of all its scopes' counts added up.
///
/// This gives a scope's counts per requirement area from its applicable requirements, each as
/// (area, status).
pub fn scope_tallies<'a>(
    applicable: impl IntoIterator<Item = (&'a str, Option<Status>)>,
) -> std::collections::BTreeMap<String, Tally> {
    let mut out: std::collections::BTreeMap<String, Tally> = Default::default();
    for (area, status) in applicable {
        out.entry(area.to_string()).or_default().add(status);
    }
    out
}

/// The organisation's counts: its scopes' counts added up, per requirement area.
pub fn organisation_tallies<'a>(
    scopes: impl IntoIterator<Item = &'a std::collections::BTreeMap<String, Tally>>,
) -> std::collections::BTreeMap<String, Tally> {
    let mut out: std::collections::BTreeMap<String, Tally> = Default::default();
    for scope in scopes {
        for (area, t) in scope {
            *out.entry(area.clone()).or_default() += *t;
        }
    }
    out
}

/// The largest evidence file.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// The file types accepted as evidence, by extension, with their media type.
pub const EVIDENCE_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
];

/// Checks an uploaded evidence file: a plain file name of an accepted type, not empty, within the
/// size limit, and content that matches its type (so a renamed executable is refused). Returns the
/// media type to store.
pub fn check_evidence_file(name: &str, content: &[u8]) -> Result<&'static str, ValidationError> {
    let field = "file";
    let name = name.trim();
    if name.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    if name.chars().count() > 200
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    if content.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    if content.len() > MAX_EVIDENCE_BYTES {
        return Err(ValidationError::new(
            field,
            Rule::TooLong {
                max: MAX_EVIDENCE_BYTES,
            },
        ));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let media = EVIDENCE_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, m)| *m)
        .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))?;
    let matches = match ext.as_str() {
        "pdf" => content.starts_with(b"%PDF-"),
        "png" => content.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => content.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" | "xlsx" | "odt" | "ods" => content.starts_with(b"PK\x03\x04"),
        _ => std::str::from_utf8(content).is_ok() && !content.contains(&0),
    };
    if !matches {
        return Err(ValidationError::new(field, Rule::Mismatch));
    }
    Ok(media)
}

/// Checks an evidence link: an absolute http(s) address.
pub fn parse_evidence_link(value: &str) -> Result<String, ValidationError> {
    let url = text::required("url", value, 2000)?;
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !url.contains(char::is_whitespace) => {
            Ok(url)
        }
        _ => Err(ValidationError::new("url", Rule::InvalidFormat)),
    }
}

impl TryFrom<&AssessmentDraft> for AssessmentInput {
    type Error = ValidationErrors;

    fn try_from(d: &AssessmentDraft) -> Result<AssessmentInput, ValidationErrors> {
        parse_assessment(&d.status, &d.motivation, &d.comment)
    }
}

/// An assessment of one requirement as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AssessmentBody))]
#[serde(deny_unknown_fields)]
pub struct AssessmentDraft {
    /// met, partly_met, not_met or not_applicable (which needs a motivation)
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub status: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub motivation: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub comment: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_counts_the_organisations_assessment_unless_it_has_its_own() {
        use Status::*;
        assert_eq!(
            status_for_system(None, Some(Met)),
            Some((Met, Source::Organisation))
        );
        assert_eq!(
            status_for_system(Some(NotMet), Some(Met)),
            Some((NotMet, Source::System)),
            "the system's own assessment wins"
        );
        assert_eq!(status_for_system(None, None), None);
    }

    #[test]
    fn not_applicable_needs_a_motivation() {
        let e = parse_assessment("not_applicable", " ", "").unwrap_err();
        assert_eq!(e.0[0].field, "motivation");
        assert_eq!(e.0[0].rule, Rule::Required);
        let ok = parse_assessment("not_applicable", "Systemet lagrar inga loggar.", "").unwrap();
        assert_eq!(ok.status, Status::NotApplicable);
        assert!(parse_assessment("met", "", "").is_ok());
    }

    #[test]
    fn an_unknown_status_is_named() {
        let e = parse_assessment("maybe", "", "").unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), &e.0[0].rule),
            ("status", &Rule::UnknownValue)
        );
    }

    #[test]
    fn compliance_counts_partly_met_as_half_and_leaves_out_not_applicable() {
        let mut t = Tally::default();
        for s in [
            Some(Status::Met),
            Some(Status::PartlyMet),
            Some(Status::NotMet),
            None,
            Some(Status::NotApplicable),
        ] {
            t.add(s);
        }
        // (1 + 0.5 + 0 + 0) of 4 counted = 37.5 % → 38 %.
        assert_eq!(t.compliance_percent(), Some(38));
        assert_eq!(t.assessed(), 4);
        let mut all_na = Tally::default();
        all_na.add(Some(Status::NotApplicable));
        assert_eq!(all_na.compliance_percent(), None);
        let mut none_assessed = Tally::default();
        none_assessed.add_many(None, 8);
        assert_eq!(none_assessed.compliance_percent(), None);
        none_assessed.add(Some(Status::NotMet));
        assert_eq!(none_assessed.compliance_percent(), Some(0));
    }

    #[test]
    fn a_requirement_assessed_once_for_the_organisation_counts_in_every_system_it_applies_to() {
        // The organisation assessed "policy" as met once; system A assessed "logs" itself as
        // partly met; system B has not assessed "logs".
        let org_policy = Some(Status::Met);
        let system = |own_logs: Option<Status>| {
            scope_tallies([
                ("styrning", status_for_system(None, org_policy).map(|x| x.0)),
                ("logg", status_for_system(own_logs, None).map(|x| x.0)),
            ])
        };
        let a = system(Some(Status::PartlyMet));
        let b = system(None);
        let org = scope_tallies([("styrning", org_policy)]);
        let all = organisation_tallies([&org, &a, &b]);
        // "policy" counts three times (the organisation and both systems), all met.
        assert_eq!(all["styrning"].met, 3);
        assert_eq!(all["styrning"].compliance_percent(), Some(100));
        // "logs": one partly met, one not assessed → a quarter.
        assert_eq!(all["logg"].applicable, 2);
        assert_eq!(all["logg"].compliance_percent(), Some(25));
        let mut total = Tally::default();
        for t in all.values() {
            total += *t;
        }
        // (3 + 0.5) of 5 = 70 %.
        assert_eq!(total.compliance_percent(), Some(70));
    }

    #[test]
    fn evidence_files_must_be_an_accepted_type_whose_content_matches() {
        assert_eq!(
            check_evidence_file("rutin.pdf", b"%PDF-1.7 ...").unwrap(),
            "application/pdf"
        );
        assert_eq!(
            check_evidence_file("rutin.pdf", b"MZ\x90\x00")
                .unwrap_err()
                .rule,
            Rule::Mismatch
        );
        assert_eq!(
            check_evidence_file("setup.exe", b"MZ").unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(
            check_evidence_file("tom.txt", b"").unwrap_err().rule,
            Rule::Required
        );
        assert_eq!(
            check_evidence_file("../x.txt", b"a").unwrap_err().rule,
            Rule::InvalidFormat
        );
        let big = vec![b'a'; MAX_EVIDENCE_BYTES + 1];
        assert!(matches!(
            check_evidence_file("stor.txt", &big).unwrap_err().rule,
            Rule::TooLong { .. }
        ));
    }

    #[test]
    fn evidence_links_are_absolute_web_addresses() {
        assert!(parse_evidence_link("https://intranat.example/rutin").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://x",
            "https://",
            "intranat/rutin",
            "",
        ] {
            assert!(parse_evidence_link(bad).is_err(), "{bad}");
        }
    }
}
