//! A supplier: who it is, which countries' law can reach it, its sub-processors, its agreements
//! and certifications, and where it keeps and supports the data — the facts an outsourcing
//! assessment reads.

use crate::country;
use crate::draft;
use crate::org::OrgNumber;
use crate::risk::parse_date;
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The most sub-processors, certifications or countries in one list.
pub const MAX_LIST: usize = 50;

/// A yes/no answer that may not be known yet.
pub fn answer(field: &str, value: &str) -> Result<Option<bool>, ValidationError> {
    match value.trim() {
        "" | "unknown" => Ok(None),
        "yes" | "true" => Ok(Some(true)),
        "no" | "false" => Ok(Some(false)),
        _ => Err(ValidationError::new(field, Rule::UnknownValue)),
    }
}

/// A sub-processor and the country it processes in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subprocessor {
    pub name: String,
    /// ISO 3166-1 alpha-2; `None` when not known.
    pub country: Option<String>,
}

/// A certification and the last day it is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub name: String,
    /// YYYY-MM-DD
    pub valid_until: Option<String>,
}

/// A supplier's facts, validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplierInput {
    pub name: String,
    pub org_number: Option<String>,
    pub country: Option<String>,
    pub parent_company: Option<String>,
    pub parent_country: Option<String>,
    /// Countries whose law can compel the supplier (or its parent) to disclose data.
    pub jurisdictions: Vec<String>,
    pub subprocessors: Vec<Subprocessor>,
    /// The day the data processing agreement (GDPR art. 28) was signed.
    pub dpa_signed_on: Option<String>,
    pub confidentiality_undertaking: Option<bool>,
    pub audit_rights: Option<bool>,
    pub subprocessor_approval: Option<bool>,
    pub exit_terms: Option<bool>,
    pub certifications: Vec<Certification>,
    pub data_locations: Vec<String>,
    pub support_locations: Vec<String>,
    pub notes: Option<String>,
}

impl SupplierInput {
    /// Whether every place in the list is in the EU/EEA: `None` when the list is empty or a
    /// country is unknown (never counted as inside).
    pub fn all_in_eea(codes: &[String]) -> Option<bool> {
        if codes.is_empty() {
            return None;
        }
        let mut all = true;
        for c in codes {
            all &= country::in_eea(c)?;
        }
        Some(all)
    }

    /// Whether every sub-processor is in the EU/EEA (`Some(true)` when there are none).
    pub fn subprocessors_in_eea(&self) -> Option<bool> {
        let mut all = true;
        for s in &self.subprocessors {
            all &= country::in_eea(s.country.as_deref()?)?;
        }
        Some(all)
    }

    /// Whether a third country's law can compel the supplier, its parent or a sub-processor.
    pub fn foreign_law_exposure(&self) -> Option<bool> {
        let outside = |c: &Option<String>| c.as_deref().map(|c| country::in_eea(c) == Some(false));
        if !self.jurisdictions.is_empty() {
            return Some(
                self.jurisdictions
                    .iter()
                    .any(|c| country::in_eea(c) != Some(true)),
            );
        }
        let places = [outside(&self.country), outside(&self.parent_country)];
        if places.contains(&Some(true))
            || self
                .subprocessors
                .iter()
                .any(|s| outside(&s.country) == Some(true))
        {
            return Some(true);
        }
        // Everyone known and inside: no exposure as far as the register tells.
        let parent_known = self.parent_company.is_none() || self.parent_country.is_some();
        (self.country.is_some() && parent_known && self.subprocessors_in_eea() == Some(true))
            .then_some(false)
    }
}

/// A supplier's facts as entered. Sub-processors are one per line, `name; country code`;
/// certifications one per line, `name; valid until (YYYY-MM-DD)`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SupplierBody))]
#[serde(deny_unknown_fields)]
pub struct SupplierDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub name: String,
    /// A Swedish organisation number (checked) or a foreign registration number.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub org_number: String,
    /// ISO 3166-1 alpha-2 code.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub parent_company: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub parent_country: String,
    /// Countries (codes) whose law can compel disclosure.
    #[serde(default, deserialize_with = "draft::texts")]
    pub jurisdictions: Vec<String>,
    /// One per line: `name; country code`.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub subprocessors: String,
    /// YYYY-MM-DD
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dpa_signed_on: String,
    /// yes, no or unknown
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub confidentiality_undertaking: String,
    /// yes, no or unknown
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub audit_rights: String,
    /// yes, no or unknown
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub subprocessor_approval: String,
    /// yes, no or unknown
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub exit_terms: String,
    /// One per line: `name; valid until (YYYY-MM-DD)`.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub certifications: String,
    /// Countries (codes) where the data is stored or processed.
    #[serde(default, deserialize_with = "draft::texts")]
    pub data_locations: Vec<String>,
    /// Countries (codes) support is given from.
    #[serde(default, deserialize_with = "draft::texts")]
    pub support_locations: Vec<String>,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: String,
}

fn countries(field: &str, values: &[String], errs: &mut ValidationErrors) -> Vec<String> {
    let mut out = Vec::new();
    for v in values.iter().flat_map(|v| v.split(',')) {
        match country::code_field(field, v) {
            Ok(Some(c)) if !out.contains(&c) => out.push(c),
            Ok(_) => {}
            Err(e) => {
                errs.push(e);
                return out;
            }
        }
    }
    if out.len() > MAX_LIST {
        errs.push(ValidationError::new(
            field,
            Rule::OutOfRange {
                min: 0,
                max: MAX_LIST as i64,
            },
        ));
    }
    out
}

/// The most characters of one line of a list.
pub const MAX_LINE: usize = 200;

/// The non-blank lines of a list field, trimmed: at most [`MAX_LIST`] lines of at most
/// [`MAX_LINE`] characters, no control characters.
fn lines<'a>(field: &str, value: &'a str, errs: &mut ValidationErrors) -> Vec<&'a str> {
    if let Err(e) = text::optional(field, value, MAX_LIST * (MAX_LINE + 2)) {
        errs.push(e);
        return vec![];
    }
    let out: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if out.len() > MAX_LIST {
        errs.push(ValidationError::new(
            field,
            Rule::OutOfRange {
                min: 0,
                max: MAX_LIST as i64,
            },
        ));
    }
    if out.iter().any(|l| l.chars().count() > MAX_LINE) {
        errs.push(ValidationError::new(field, Rule::TooLong { max: MAX_LINE }));
    }
    out
}

/// `name; tail`, where the tail is kept only when `read` understands it; otherwise the whole line
/// is the name (so "Drift AB; Sverige" finds Sweden, and "Bolag; okänt" stays a name).
fn split_tail<T>(line: &str, read: impl Fn(&str) -> Option<T>) -> (String, Option<T>) {
    if let Some((name, tail)) = line.rsplit_once(';') {
        if let Some(t) = read(tail.trim()) {
            if !name.trim().is_empty() {
                return (name.trim().to_string(), Some(t));
            }
        }
    }
    (line.to_string(), None)
}

impl SupplierInput {
    /// The draft's facts, validated, with the day the agreement was signed checked against
    /// `today` (YYYY-MM-DD): it cannot have been signed after today.
    pub fn parse(d: &SupplierDraft, today: &str) -> Result<SupplierInput, ValidationErrors> {
        let future = draft::present(&d.dpa_signed_on)
            .and_then(|v| parse_date("dpa_signed_on", v).ok())
            .is_some_and(|day| day.as_str() > today);
        let in_the_future = || ValidationError::new("dpa_signed_on", Rule::InTheFuture);
        match (SupplierInput::try_from(d), future) {
            (Ok(x), false) => Ok(x),
            (Ok(_), true) => Err(ValidationErrors(vec![in_the_future()])),
            (Err(mut e), true) => {
                e.push(in_the_future());
                Err(e)
            }
            (Err(e), false) => Err(e),
        }
    }
}

impl TryFrom<&SupplierDraft> for SupplierInput {
    type Error = ValidationErrors;

    fn try_from(d: &SupplierDraft) -> Result<SupplierInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let name = errs.check(text::required("name", &d.name, 200));
        let country = errs
            .check(country::code_field("country", &d.country))
            .flatten();
        // Kept as written (Swedish or foreign); a valid Swedish number is written the usual way.
        let org_number = errs
            .check(text::optional("org_number", &d.org_number, 40))
            .flatten()
            .map(|v| match OrgNumber::parse("org_number", &v) {
                Ok(n) if country.as_deref() == Some("SE") => n.as_str().to_string(),
                _ => v,
            });
        let parent_company = errs
            .check(text::optional("parent_company", &d.parent_company, 200))
            .flatten();
        let parent_country = errs
            .check(country::code_field("parent_country", &d.parent_country))
            .flatten();
        let jurisdictions = countries("jurisdictions", &d.jurisdictions, &mut errs);
        let subprocessors = lines("subprocessors", &d.subprocessors, &mut errs)
            .into_iter()
            .map(|l| {
                let (name, c) = split_tail(l, |t| country::match_text(t).map(|c| c.code.clone()));
                Subprocessor { name, country: c }
            })
            .collect();
        let certifications = lines("certifications", &d.certifications, &mut errs)
            .into_iter()
            .map(|l| {
                let (name, valid_until) = split_tail(l, |t| parse_date("certifications", t).ok());
                Certification { name, valid_until }
            })
            .collect();
        let dpa_signed_on = match draft::present(&d.dpa_signed_on) {
            None => None,
            Some(v) => errs.check(parse_date("dpa_signed_on", v)),
        };
        let confidentiality_undertaking = errs
            .check(answer(
                "confidentiality_undertaking",
                &d.confidentiality_undertaking,
            ))
            .flatten();
        let audit_rights = errs
            .check(answer("audit_rights", &d.audit_rights))
            .flatten();
        let subprocessor_approval = errs
            .check(answer("subprocessor_approval", &d.subprocessor_approval))
            .flatten();
        let exit_terms = errs.check(answer("exit_terms", &d.exit_terms)).flatten();
        let data_locations = countries("data_locations", &d.data_locations, &mut errs);
        let support_locations = countries("support_locations", &d.support_locations, &mut errs);
        let notes = errs
            .check(text::optional("notes", &d.notes, 4000))
            .flatten();
        if parent_country.is_some() && parent_company.is_none() {
            errs.push(ValidationError::new("parent_company", Rule::Required));
        }
        errs.clone().into_result()?;
        let Some(name) = name else {
            return Err(errs);
        };
        Ok(SupplierInput {
            name,
            org_number,
            country,
            parent_company,
            parent_country,
            jurisdictions,
            subprocessors,
            dpa_signed_on,
            confidentiality_undertaking,
            audit_rights,
            subprocessor_approval,
            exit_terms,
            certifications,
            data_locations,
            support_locations,
            notes,
        })
    }
}

/// Writes sub-processors back as the form's lines.
pub fn subprocessor_lines(list: &[Subprocessor]) -> String {
    list.iter()
        .map(|s| match &s.country {
            Some(c) => format!("{}; {c}", s.name),
            None => s.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes certifications back as the form's lines.
pub fn certification_lines(list: &[Certification]) -> String {
    list.iter()
        .map(|c| match &c.valid_until {
            Some(d) => format!("{}; {d}", c.name),
            None => c.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SupplierDraft {
        SupplierDraft {
            name: "Molnbolaget Sverige AB".into(),
            org_number: "556677-8899".into(),
            country: "SE".into(),
            parent_company: "Cloud Corp".into(),
            parent_country: "US".into(),
            subprocessors: "Drift AB; SE\nSupport Inc; IN\n\n".into(),
            certifications: "ISO/IEC 27001; 2027-05-31".into(),
            data_locations: vec!["SE".into(), "IE".into()],
            support_locations: vec!["SE, IN".into()],
            confidentiality_undertaking: "yes".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_supplier_reads_its_lists_and_answers() {
        let mut d = draft();
        d.org_number = "556036-0793".into();
        let s = SupplierInput::try_from(&d).unwrap();
        assert_eq!(s.org_number.as_deref(), Some("556036-0793"));
        assert_eq!(s.subprocessors.len(), 2);
        assert_eq!(s.subprocessors[1].country.as_deref(), Some("IN"));
        assert_eq!(
            s.certifications[0].valid_until.as_deref(),
            Some("2027-05-31")
        );
        assert_eq!(s.support_locations, ["SE", "IN"]);
        assert_eq!(s.confidentiality_undertaking, Some(true));
        assert_eq!(s.audit_rights, None, "not answered is unknown, not no");
        assert_eq!(SupplierInput::all_in_eea(&s.data_locations), Some(true));
        assert_eq!(SupplierInput::all_in_eea(&s.support_locations), Some(false));
        assert_eq!(s.subprocessors_in_eea(), Some(false));
        assert_eq!(s.foreign_law_exposure(), Some(true), "a US parent");
    }

    #[test]
    fn unknown_places_are_never_inside_the_eea() {
        assert_eq!(SupplierInput::all_in_eea(&[]), None);
        assert_eq!(SupplierInput::all_in_eea(&["SE".into(), "XX".into()]), None);
        let mut d = draft();
        d.parent_company = String::new();
        d.parent_country = String::new();
        d.org_number = "556036-0793".into();
        d.subprocessors = "Drift AB".into();
        let s = SupplierInput::try_from(&d).unwrap();
        assert_eq!(s.subprocessors_in_eea(), None);
        assert_eq!(
            s.foreign_law_exposure(),
            None,
            "a sub-processor without a country"
        );
        d.subprocessors = "Drift AB; SE".into();
        let s = SupplierInput::try_from(&d).unwrap();
        assert_eq!(s.foreign_law_exposure(), Some(false));
    }

    #[test]
    fn bad_input_names_each_field() {
        let d = SupplierDraft {
            name: " ".into(),
            country: "se".into(),
            org_number: "x".repeat(41),
            parent_country: "ZZ".into(),
            subprocessors: "a\n".repeat(51),
            certifications: "x".repeat(201),
            data_locations: vec!["Sverige".into()],
            audit_rights: "maybe".into(),
            ..Default::default()
        };
        let e = SupplierInput::try_from(&d).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "name",
            "country",
            "org_number",
            "parent_country",
            "subprocessors",
            "certifications",
            "data_locations",
            "audit_rights",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn list_lines_keep_what_they_cannot_read_as_the_name() {
        let d = SupplierDraft {
            name: "Leverantören".into(),
            subprocessors: "Drift AB; Sverige\nBolag; okänt\n; SE".into(),
            certifications: "ISO/IEC 27001; 2027-05-31\nSOC 2; nästa år".into(),
            org_number: "5560360793".into(),
            country: "SE".into(),
            ..Default::default()
        };
        let s = SupplierInput::try_from(&d).unwrap();
        assert_eq!(s.org_number.as_deref(), Some("556036-0793"));
        let subs: Vec<(&str, Option<&str>)> = s
            .subprocessors
            .iter()
            .map(|x| (x.name.as_str(), x.country.as_deref()))
            .collect();
        assert_eq!(
            subs,
            [
                ("Drift AB", Some("SE")),
                ("Bolag; okänt", None),
                ("; SE", None)
            ]
        );
        assert_eq!(s.certifications[1].name, "SOC 2; nästa år");
        assert_eq!(s.certifications[1].valid_until, None);
    }
}
