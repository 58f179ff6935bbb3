//! Countries as ISO 3166-1 alpha-2 codes, with Swedish and English names and whether the country
//! is in the EU/EEA (`catalogs/countries.json`). An unknown country is never inside the EU/EEA.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Country {
    pub code: String,
    pub sv: String,
    pub en: String,
    /// A member state of the EU, or Iceland, Liechtenstein or Norway.
    pub eea: bool,
}

impl Country {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.en
        } else {
            &self.sv
        }
    }
}

#[derive(Deserialize)]
struct File {
    countries: Vec<Country>,
}

/// Every country, by code.
pub fn all() -> &'static [Country] {
    static ALL: OnceLock<Vec<Country>> = OnceLock::new();
    ALL.get_or_init(|| {
        serde_json::from_str::<File>(include_str!("../../../catalogs/countries.json"))
            .map(|f| f.countries)
            .unwrap_or_default()
    })
}

/// The country with this code (upper case, two letters).
pub fn by_code(code: &str) -> Option<&'static Country> {
    let code = code.trim();
    all().iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Whether the country is in the EU/EEA: `None` when the code is unknown (never counted as in).
pub fn in_eea(code: &str) -> Option<bool> {
    by_code(code).map(|c| c.eea)
}

/// Other names people write for a country, beside the ISO names.
const ALIASES: &[(&str, &str)] = &[
    ("sweden", "SE"),
    ("usa", "US"),
    ("us", "US"),
    ("u.s.a.", "US"),
    ("förenta staterna", "US"),
    ("amerika", "US"),
    ("storbritannien", "GB"),
    ("england", "GB"),
    ("uk", "GB"),
    ("great britain", "GB"),
    ("holland", "NL"),
    ("nederländerna", "NL"),
    ("tjeckien", "CZ"),
    ("sydkorea", "KR"),
    ("south korea", "KR"),
    ("ryssland", "RU"),
    ("russia", "RU"),
];

/// A country code from the list, exactly as the list writes it (`SE`); empty is none.
pub fn code_field(field: &str, value: &str) -> Result<Option<String>, crate::ValidationError> {
    match crate::draft::present(value) {
        None => Ok(None),
        Some(v) => all()
            .iter()
            .find(|c| c.code == v)
            .map(|c| Some(c.code.clone()))
            .ok_or_else(|| crate::ValidationError::new(field, crate::Rule::UnknownValue)),
    }
}

/// The country a free text names (a code, the Swedish or English name, or a common alias), for
/// texts written before countries were chosen from the list.
pub fn match_text(text: &str) -> Option<&'static Country> {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    if t.is_empty() {
        return None;
    }
    if t.len() == 2 {
        if let Some(c) = by_code(&t) {
            return Some(c);
        }
    }
    all()
        .iter()
        .find(|c| c.sv.to_lowercase() == t || c.en.to_lowercase() == t)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(a, _)| *a == t)
                .and_then(|(_, code)| by_code(code))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_iso_country_and_thirty_in_the_eea() {
        assert_eq!(all().len(), 249);
        assert_eq!(all().iter().filter(|c| c.eea).count(), 30);
        assert_eq!(by_code("se").map(|c| c.sv.as_str()), Some("Sverige"));
        assert_eq!(in_eea("NO"), Some(true), "Norway is in the EEA");
        assert_eq!(in_eea("CH"), Some(false), "Switzerland is not");
        assert_eq!(in_eea("GB"), Some(false));
        assert_eq!(in_eea("XX"), None, "unknown is not inside");
        assert_eq!(in_eea(""), None);
    }

    #[test]
    fn free_text_is_matched_by_code_name_or_alias_and_the_rest_is_left() {
        for (text, code) in [
            ("Sverige", "SE"),
            ("sweden", "SE"),
            ("SE", "SE"),
            ("USA", "US"),
            ("United States", "US"),
            ("Storbritannien", "GB"),
            ("Tyskland", "DE"),
            ("Irland.", "IE"),
        ] {
            assert_eq!(
                match_text(text).map(|c| c.code.as_str()),
                Some(code),
                "{text}"
            );
        }
        assert_eq!(match_text("Norden"), None);
        assert_eq!(match_text("EU"), None);
        assert_eq!(match_text(""), None);
    }
}
