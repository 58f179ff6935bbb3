//! Information classification (informationsklassning): each information asset is rated for
//! confidentiality, integrity, availability and traceability on the consequence scale 0–4 (the
//! four levels of the classification model in the method support of MCF, formerly MSB, with SKR
//! KLASSA's fifth level). A system inherits, per aspect, the highest level of the
//! assets it processes; setting a system's level differently is a deviation and needs a motivation.

use crate::error::{Rule, ValidationError, ValidationErrors};
use crate::text;
use serde::{Deserialize, Serialize};

/// Konsekvensnivå: how serious the consequence would be if the aspect failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "u8")]
pub enum ConsequenceLevel {
    /// 0 Försumbar
    Negligible = 0,
    /// 1 Måttlig
    Moderate = 1,
    /// 2 Betydande
    Significant = 2,
    /// 3 Allvarlig
    Serious = 3,
    /// 4 Synnerligen allvarlig
    VerySerious = 4,
}

impl From<ConsequenceLevel> for u8 {
    fn from(l: ConsequenceLevel) -> u8 {
        l as u8
    }
}

impl ConsequenceLevel {
    pub const ALL: [ConsequenceLevel; 5] = [
        ConsequenceLevel::Negligible,
        ConsequenceLevel::Moderate,
        ConsequenceLevel::Significant,
        ConsequenceLevel::Serious,
        ConsequenceLevel::VerySerious,
    ];

    pub fn from_number(n: i64) -> Option<ConsequenceLevel> {
        ConsequenceLevel::ALL.into_iter().find(|l| *l as i64 == n)
    }

    pub fn parse(field: &str, value: &str) -> Result<ConsequenceLevel, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        let n: i64 = v
            .parse()
            .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))?;
        ConsequenceLevel::from_number(n)
            .ok_or_else(|| ValidationError::new(field, Rule::OutOfRange { min: 0, max: 4 }))
    }

    pub fn number(self) -> u8 {
        self as u8
    }
}

/// The four aspects Tillit classifies (KLASSA adds traceability to the classic three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    Confidentiality,
    Integrity,
    Availability,
    Traceability,
}

impl Aspect {
    pub const ALL: [Aspect; 4] = [
        Aspect::Confidentiality,
        Aspect::Integrity,
        Aspect::Availability,
        Aspect::Traceability,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Aspect::Confidentiality => "confidentiality",
            Aspect::Integrity => "integrity",
            Aspect::Availability => "availability",
            Aspect::Traceability => "traceability",
        }
    }
}

/// One level per aspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Levels {
    pub confidentiality: ConsequenceLevel,
    pub integrity: ConsequenceLevel,
    pub availability: ConsequenceLevel,
    pub traceability: ConsequenceLevel,
}

impl Levels {
    pub fn get(&self, a: Aspect) -> ConsequenceLevel {
        match a {
            Aspect::Confidentiality => self.confidentiality,
            Aspect::Integrity => self.integrity,
            Aspect::Availability => self.availability,
            Aspect::Traceability => self.traceability,
        }
    }

    /// The highest level of any aspect: the asset's overall protection need.
    pub fn highest(&self) -> ConsequenceLevel {
        Aspect::ALL
            .into_iter()
            .map(|a| self.get(a))
            .max()
            .unwrap_or(ConsequenceLevel::Negligible)
    }

    /// Parses the four levels, given in aspect order (errors are named by the aspect keys).
    pub fn parse_each(values: [&str; 4]) -> Result<Levels, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let mut level = |a: Aspect| {
            let i = Aspect::ALL.iter().position(|x| *x == a).unwrap_or(0);
            errs.check(ConsequenceLevel::parse(a.key(), values[i]))
        };
        let (c, i, a, t) = (
            level(Aspect::Confidentiality),
            level(Aspect::Integrity),
            level(Aspect::Availability),
            level(Aspect::Traceability),
        );
        match (c, i, a, t) {
            (Some(confidentiality), Some(integrity), Some(availability), Some(traceability)) => {
                Ok(Levels {
                    confidentiality,
                    integrity,
                    availability,
                    traceability,
                })
            }
            _ => Err(errs),
        }
    }
}

/// What a system inherits from the assets it processes: per aspect, the highest level. `None` when
/// it processes no classified asset.
pub fn inherited_levels(assets: &[Levels]) -> Option<Levels> {
    let max = |a: Aspect| assets.iter().map(|l| l.get(a)).max();
    Some(Levels {
        confidentiality: max(Aspect::Confidentiality)?,
        integrity: max(Aspect::Integrity)?,
        availability: max(Aspect::Availability)?,
        traceability: max(Aspect::Traceability)?,
    })
}

/// The aspects where a chosen level differs from the inherited one.
pub fn deviations(inherited: &Levels, chosen: &Levels) -> Vec<Aspect> {
    Aspect::ALL
        .into_iter()
        .filter(|a| inherited.get(*a) != chosen.get(*a))
        .collect()
}

/// A deviation from the inherited levels must be motivated (the motivation is what a reviewer
/// reads to accept it).
pub fn check_deviation(
    inherited: Option<&Levels>,
    chosen: &Levels,
    motivation: &str,
) -> Result<Option<String>, ValidationError> {
    let motivation = text::optional("deviation_motivation", motivation, 4000)?;
    let deviates = inherited.is_some_and(|i| !deviations(i, chosen).is_empty());
    if deviates && motivation.is_none() {
        return Err(ValidationError::new(
            "deviation_motivation",
            Rule::RequiredByRecords,
        ));
    }
    Ok(motivation)
}

/// A classification's motivation: required, so the level can be understood and reviewed.
pub fn parse_motivation(value: &str) -> Result<String, ValidationError> {
    text::required("motivation", value, 4000)
}

impl ClassificationDraft {
    /// The levels and the motivation, or every broken rule.
    pub fn parse(&self) -> Result<(Levels, String), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let levels = match Levels::parse_each([
            &self.confidentiality,
            &self.integrity,
            &self.availability,
            &self.traceability,
        ]) {
            Ok(l) => Some(l),
            Err(e) => {
                errs.0.extend(e.0);
                None
            }
        };
        let motivation = errs.check(parse_motivation(&self.motivation));
        match (levels, motivation) {
            (Some(l), Some(m)) if errs.is_empty() => Ok((l, m)),
            _ => Err(errs),
        }
    }
}

impl SystemLevelsDraft {
    pub fn levels(&self) -> Result<Levels, ValidationErrors> {
        Levels::parse_each([
            &self.confidentiality,
            &self.integrity,
            &self.availability,
            &self.traceability,
        ])
    }
}

/// A classification as entered: levels 0–4 per aspect and why.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ClassificationBody))]
#[serde(deny_unknown_fields)]
pub struct ClassificationDraft {
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub confidentiality: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub integrity: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub availability: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub traceability: String,
    /// Why these levels: required.
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub motivation: String,
}

/// A system's own levels as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SystemLevelsBody))]
#[serde(deny_unknown_fields)]
pub struct SystemLevelsDraft {
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub confidentiality: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub integrity: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub availability: String,
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub traceability: String,
    /// Required when any level differs from the inherited one.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub deviation_motivation: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsequenceLevel::*;

    fn levels(
        c: ConsequenceLevel,
        i: ConsequenceLevel,
        a: ConsequenceLevel,
        t: ConsequenceLevel,
    ) -> Levels {
        Levels {
            confidentiality: c,
            integrity: i,
            availability: a,
            traceability: t,
        }
    }

    #[test]
    fn levels_are_zero_to_four() {
        assert_eq!(
            ConsequenceLevel::parse("confidentiality", "4").unwrap(),
            VerySerious
        );
        assert_eq!(
            ConsequenceLevel::parse("confidentiality", "5")
                .unwrap_err()
                .rule,
            Rule::OutOfRange { min: 0, max: 4 }
        );
        assert_eq!(
            ConsequenceLevel::parse("integrity", "hög")
                .unwrap_err()
                .rule,
            Rule::InvalidFormat
        );
        assert_eq!(
            ConsequenceLevel::parse("integrity", "").unwrap_err().field,
            "integrity"
        );
        assert!(Negligible < Moderate && Serious < VerySerious);
    }

    #[test]
    fn a_system_inherits_the_highest_level_per_aspect() {
        let journal = levels(Serious, Serious, Significant, Serious);
        let booking = levels(Moderate, Significant, Serious, Moderate);
        let inherited = inherited_levels(&[journal, booking]).unwrap();
        assert_eq!(inherited, levels(Serious, Serious, Serious, Serious));
        assert_eq!(
            inherited_levels(&[]),
            None,
            "nothing classified, nothing inherited"
        );
        assert_eq!(journal.highest(), Serious);
    }

    #[test]
    fn a_deviation_needs_a_motivation() {
        let inherited = levels(Serious, Serious, Significant, Serious);
        let lower_availability = levels(Serious, Serious, Moderate, Serious);
        assert_eq!(
            deviations(&inherited, &lower_availability),
            vec![Aspect::Availability]
        );
        assert_eq!(
            check_deviation(Some(&inherited), &lower_availability, " ")
                .unwrap_err()
                .field,
            "deviation_motivation"
        );
        assert_eq!(
            check_deviation(
                Some(&inherited),
                &lower_availability,
                "Reservrutin på papper finns"
            )
            .unwrap()
            .as_deref(),
            Some("Reservrutin på papper finns")
        );
        assert_eq!(
            check_deviation(Some(&inherited), &inherited, "").unwrap(),
            None,
            "no deviation, no motivation needed"
        );
        assert_eq!(
            check_deviation(None, &inherited, "").unwrap(),
            None,
            "nothing to deviate from"
        );
    }

    #[test]
    fn a_form_names_every_missing_aspect() {
        let e = Levels::parse_each(["", "2", "", ""]).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["confidentiality", "availability", "traceability"]);
    }
}
