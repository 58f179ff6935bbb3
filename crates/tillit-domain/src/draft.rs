//! Drafts: what a person typed, before the domain has checked it. The same draft struct is decoded
//! from an HTML form (where every value is text and a repeated field is a list) and from a JSON
//! body (where a number may be a number and a list an array), so the pages and the API can never
//! apply different rules. Fields are therefore read leniently — text, a number or a boolean all
//! become text, `null` and a missing field become empty — and the domain's parsers turn a draft
//! into validated types, naming the field and the rule of every error.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// A single value as text: a string, a number or a boolean (`null` is empty).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// A list of values as text: one value (a form field given once) or a sequence.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(TextsVisitor)
}

/// The visits of a single value that reads as text: a string, a number or a boolean; a unit
/// (JSON `null`) is empty. Shared by the visitors of one value and of a list's element.
macro_rules! scalar_as_text {
    () => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
    };
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, a number or a boolean")
    }
    scalar_as_text!();
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(TextVisitor)
    }
    // A form field given twice where one value is expected: the last one counts, as browsers
    // and the earlier form reader agree.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        let mut last = String::new();
        while let Some(v) = seq.next_element_seed(TextSeed)? {
            last = v;
        }
        Ok(last)
    }
}

struct TextSeed;

impl<'de> de::DeserializeSeed<'de> for TextSeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// One element of a list: text, a number or a boolean, but not a nested list or object.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, a number or a boolean")
    }
    scalar_as_text!();
}

struct TextsVisitor;

impl<'de> Visitor<'de> for TextsVisitor {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of values, or one value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(TextSeed)? {
            out.push(v);
        }
        Ok(out)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<String>, E> {
        Ok(vec![v])
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_any(TextsVisitor)
    }
}

/// Trims a value and gives `None` when nothing is left.
pub fn present(v: &str) -> Option<&str> {
    Some(v.trim()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Draft {
        #[serde(default, deserialize_with = "super::text")]
        name: String,
        #[serde(default, deserialize_with = "super::text")]
        count: String,
        #[serde(default, deserialize_with = "super::texts")]
        tags: Vec<String>,
    }

    #[test]
    fn json_numbers_booleans_and_null_read_as_text() {
        let d: Draft =
            serde_json::from_str(r#"{"name": true, "count": 250000, "tags": null}"#).unwrap();
        assert_eq!(d.name, "true");
        assert_eq!(d.count, "250000");
        assert!(d.tags.is_empty());
    }

    #[test]
    fn a_json_list_of_values_is_a_list_and_a_nested_list_is_refused() {
        let d: Draft = serde_json::from_str(r#"{"tags": ["a", 2, false]}"#).unwrap();
        assert_eq!(d.tags, ["a", "2", "false"]);
        assert!(serde_json::from_str::<Draft>(r#"{"tags": [["a"]]}"#).is_err());
        assert!(serde_json::from_str::<Draft>(r#"{"name": {"x": 1}}"#).is_err());
    }

    #[test]
    fn missing_fields_are_empty_and_unknown_fields_are_refused() {
        let d: Draft = serde_json::from_str("{}").unwrap();
        assert_eq!(d.name, "");
        assert!(serde_json::from_str::<Draft>(r#"{"boss": 1}"#).is_err());
    }
}
