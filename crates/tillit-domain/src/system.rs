//! A system or IT service: the facts a person enters about it, and the rules that check them.

use crate::asset::int_field;
use crate::draft;
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};

/// How a system is run.
pub const HOSTING: &[&str] = crate::words::Hosting::KEYS;

/// The most information assets one system may name.
pub const MAX_ASSETS_PER_SYSTEM: usize = 500;

/// A system's facts, validated.
#[derive(Debug, Clone, Serialize)]
pub struct SystemInput {
    pub name: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    /// The supplier in the register that runs or delivers the system.
    pub supplier_id: Option<String>,
    /// One of [`HOSTING`].
    pub hosting: String,
    /// The country where the information is processed: an ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub review_interval_months: i64,
    /// The information assets the system processes.
    pub asset_ids: Vec<String>,
}

/// A system's facts as entered (the whole set; an update replaces them and the assets it
/// processes).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SystemBody))]
#[serde(deny_unknown_fields)]
pub struct SystemDraft {
    #[serde(default, deserialize_with = "draft::text")]
    pub name: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: String,
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub owner_membership_id: String,
    /// The supplier's id in the supplier register.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub supplier_id: String,
    /// The supplier's name as the supplier register writes it (case aside), in place of its id;
    /// a name the register does not hold is refused.
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub supplier: String,
    /// own_operation, outsourced or public_cloud
    #[serde(default, deserialize_with = "draft::text")]
    pub hosting: String,
    /// The country of processing: an ISO 3166-1 alpha-2 code (`SE`).
    #[serde(default, deserialize_with = "draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: String,
    /// 1–60, default 12.
    #[serde(default, deserialize_with = "draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub review_interval_months: String,
    #[serde(default, deserialize_with = "draft::texts")]
    pub asset_ids: Vec<String>,
}

impl TryFrom<&SystemDraft> for SystemInput {
    type Error = ValidationErrors;

    fn try_from(d: &SystemDraft) -> Result<SystemInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let name = errs.check(text::required("name", &d.name, 200));
        let description = errs.check(text::optional("description", &d.description, 4000));
        let owner = errs.check(text::optional(
            "owner_membership_id",
            &d.owner_membership_id,
            100,
        ));
        let supplier_id = errs.check(text::optional("supplier_id", &d.supplier_id, 100));
        // A name is turned into an id by the application layer, which reads the register; here
        // only its form is checked.
        errs.check(text::optional("supplier", &d.supplier, 200));
        let country = errs.check(crate::country::code_field("country", &d.country));
        let hosting = d.hosting.trim().to_string();
        if hosting.is_empty() {
            errs.push(ValidationError::new("hosting", Rule::Required));
        } else if !HOSTING.contains(&hosting.as_str()) {
            errs.push(ValidationError::new("hosting", Rule::UnknownValue));
        }
        let review_interval_months = errs
            .check(int_field(
                "review_interval_months",
                &d.review_interval_months,
                1,
                60,
            ))
            .flatten()
            .unwrap_or(12);
        let mut asset_ids: Vec<String> = d
            .asset_ids
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        asset_ids.sort();
        asset_ids.dedup();
        if asset_ids.len() > MAX_ASSETS_PER_SYSTEM {
            errs.push(ValidationError::new(
                "asset_ids",
                Rule::TooLong {
                    max: MAX_ASSETS_PER_SYSTEM,
                },
            ));
        }
        errs.clone().into_result()?;
        let (
            Some(name),
            Some(description),
            Some(owner_membership_id),
            Some(supplier_id),
            Some(country),
        ) = (name, description, owner, supplier_id, country)
        else {
            return Err(errs);
        };
        Ok(SystemInput {
            name,
            description,
            owner_membership_id,
            supplier_id,
            hosting,
            country,
            review_interval_months,
            asset_ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosting_is_required_and_must_be_known() {
        let mut d = SystemDraft {
            name: "Journal".into(),
            ..Default::default()
        };
        let e = SystemInput::try_from(&d).unwrap_err();
        assert_eq!(e.0[0].field, "hosting");
        assert_eq!(e.0[0].rule, Rule::Required);
        d.hosting = "basement".into();
        assert_eq!(
            SystemInput::try_from(&d).unwrap_err().0[0].rule,
            Rule::UnknownValue
        );
        d.hosting = "public_cloud".into();
        d.asset_ids = vec!["b".into(), " a ".into(), "b".into(), "".into()];
        assert_eq!(SystemInput::try_from(&d).unwrap().asset_ids, ["a", "b"]);
    }
}
