//! Organisations (tenants): their kind and their Swedish organisationsnummer.

use crate::error::{Rule, ValidationError};
use crate::text;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an organisation is. Care providers do the information-security work; authorities supervise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Region,
    Municipality,
    PrivateProvider,
    Authority,
}

impl OrgKind {
    /// Whether the Cybersecurity Act (cybersäkerhetslag 2025:1506, from 2026-01-15) covers the
    /// organisation by its kind alone: every region and municipality is covered. A private
    /// health-care provider is covered from medium size, which its kind does not tell; an
    /// authority supervises, it is not covered here.
    pub fn covered_by_cybersecurity_act(self) -> bool {
        matches!(self, OrgKind::Region | OrgKind::Municipality)
    }
}

/// Which side of Tillit an organisation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Provider,
    Authority,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Region,
        OrgKind::Municipality,
        OrgKind::PrivateProvider,
        OrgKind::Authority,
    ];

    pub fn key(self) -> &'static str {
        match self {
            OrgKind::Region => "region",
            OrgKind::Municipality => "municipality",
            OrgKind::PrivateProvider => "private_provider",
            OrgKind::Authority => "authority",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<OrgKind, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        OrgKind::ALL
            .into_iter()
            .find(|k| k.key() == v)
            .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))
    }

    pub fn side(self) -> Side {
        match self {
            OrgKind::Authority => Side::Authority,
            _ => Side::Provider,
        }
    }
}

/// A Swedish organisationsnummer, stored as `NNNNNN-NNNN`.
///
/// Rules: ten digits (an optional `16` century prefix and the hyphen may be given); the third digit
/// is at least 2, which is what separates a legal person's number from a personnummer; the last
/// digit is the Luhn check digit of the first nine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(field: &str, value: &str) -> Result<OrgNumber, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        let digits: String = v.chars().filter(|c| *c != '-').collect();
        let hyphens = v.chars().filter(|c| *c == '-').count();
        let well_formed_hyphen = match hyphens {
            0 => true,
            1 => {
                let pos = v.find('-').unwrap_or(0);
                pos == v.len() - 5
            }
            _ => false,
        };
        if !well_formed_hyphen || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ValidationError::new(field, Rule::InvalidFormat));
        }
        let digits = match digits.len() {
            10 => digits,
            12 if digits.starts_with("16") => digits[2..].to_string(),
            _ => return Err(ValidationError::new(field, Rule::InvalidFormat)),
        };
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        if d[2] < 2 {
            return Err(ValidationError::new(field, Rule::InvalidFormat));
        }
        if luhn_check_digit(&d[..9]) != d[9] {
            return Err(ValidationError::new(field, Rule::InvalidChecksum));
        }
        Ok(OrgNumber(format!("{}-{}", &digits[..6], &digits[6..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Luhn (mod 10) check digit used by Swedish organisations- and personnummer.
pub fn luhn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = if i % 2 == 0 { d * 2 } else { *d };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// An organisation's name: required, at most 200 characters.
pub fn parse_org_name(field: &str, value: &str) -> Result<String, ValidationError> {
    text::required(field, value, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_and_municipality_is_covered_by_the_cybersecurity_act() {
        assert!(OrgKind::Region.covered_by_cybersecurity_act());
        assert!(OrgKind::Municipality.covered_by_cybersecurity_act());
        assert!(!OrgKind::PrivateProvider.covered_by_cybersecurity_act());
        assert!(!OrgKind::Authority.covered_by_cybersecurity_act());
    }

    #[test]
    fn accepts_valid_numbers_in_every_written_form() {
        for s in [
            "232100-9991",
            "2321009991",
            "16232100-9991",
            "162321009991",
            " 556999-1234 ",
        ] {
            let n = OrgNumber::parse("org_number", s).unwrap();
            assert!(
                n.as_str().len() == 11 && n.as_str().contains('-'),
                "{s} -> {n}"
            );
        }
        assert_eq!(
            OrgNumber::parse("f", "2321009991").unwrap().as_str(),
            "232100-9991"
        );
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        let e = OrgNumber::parse("org_number", "232100-9992").unwrap_err();
        assert_eq!(e.rule, Rule::InvalidChecksum);
        assert_eq!(e.field, "org_number");
    }

    #[test]
    fn refuses_a_personnummer_and_malformed_input() {
        // Third digit below 2: a personnummer (born in month 01-12), not an organisation.
        assert_eq!(
            OrgNumber::parse("f", "8112189876").unwrap_err().rule,
            Rule::InvalidFormat
        );
        for bad in [
            "12345",
            "232100-999X",
            "2321-009991",
            "23-21-009991",
            "172321009991",
        ] {
            assert_eq!(
                OrgNumber::parse("f", bad).unwrap_err().rule,
                Rule::InvalidFormat,
                "{bad}"
            );
        }
        assert_eq!(OrgNumber::parse("f", "").unwrap_err().rule, Rule::Required);
    }

    #[test]
    fn kind_parses_from_its_key_only() {
        assert_eq!(
            OrgKind::parse("kind", "municipality").unwrap(),
            OrgKind::Municipality
        );
        assert_eq!(
            OrgKind::parse("kind", "kommun").unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(OrgKind::Authority.side(), Side::Authority);
        assert_eq!(OrgKind::Region.side(), Side::Provider);
    }
}
