//! Drafts: what a person typed, before the domain has checked it. The same draft struct is decoded
//! from an HTML form (where every value is text and a repeated field is a list) and from a JSON
//! body, so the pages and the API can never apply different rules. Every field is kept as text —
//! `null` and a missing field become empty — and the domain's parsers turn a draft into validated
//! types, naming the field and the rule of every error.
//!
//! Two readings. A form (and a file import) is read leniently: every value is text, and a value
//! given once where a list is expected is a list of one. A JSON body of the API is read
//! [`strictly`], as the OpenAPI document describes it: a text field takes a string, a [`number`]
//! field a whole number, a [`flag`] a boolean and a list an array — a number sent for a text, or
//! the text "12" sent for a number, is refused and the field named.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Runs a decoding (of a JSON body) with the types of the OpenAPI document enforced. Decoding is
/// synchronous, so the thread-local switch covers exactly the drafts decoded inside `f`.
pub fn strictly<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(STRICT.with(|s| s.replace(true)));
    f()
}

fn is_strict() -> bool {
    STRICT.with(|s| s.get())
}

/// A single value as text. Strictly: a string or `null`. Leniently also a number or a boolean.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// A list of values as text. Strictly: an array of strings or `null`. Leniently also one value (a
/// form field given once) and numbers or booleans.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(TextsVisitor)
}

/// A whole number, kept as its text. Strictly: a JSON integer (or a float with no fraction, which
/// JSON Schema counts as an integer) or `null`. Leniently also text, parsed by the domain.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(NumberVisitor)
}

/// A yes/no value, kept as `true`/`false`. Strictly: a JSON boolean or `null`. Leniently also the
/// text a form sends, read by the domain.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(FlagVisitor)
}

/// The visits a typed field shares: text only when reading leniently (a form), `null` as empty,
/// and a repeated form field as its last value (never strictly).
macro_rules! typed_field {
    ($visitor:ident) => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            lenient(de::Unexpected::Str(v), &self)?;
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_any($visitor)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
            lenient(de::Unexpected::Seq, &self)?;
            let mut last = String::new();
            while let Some(v) = seq.next_element_seed(TextSeed)? {
                last = v;
            }
            Ok(last)
        }
    };
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok((v as i64).to_string())
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }
    typed_field!(NumberVisitor);
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    typed_field!(FlagVisitor);
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
            lenient(de::Unexpected::Bool(v), &self)?;
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            lenient(de::Unexpected::Signed(v), &self)?;
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            lenient(de::Unexpected::Unsigned(v), &self)?;
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            lenient(de::Unexpected::Float(v), &self)?;
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
    };
}

/// Refuses a value of the wrong JSON type when reading strictly.
fn lenient<E: de::Error>(got: de::Unexpected, expected: &dyn de::Expected) -> Result<(), E> {
    if is_strict() {
        Err(E::invalid_type(got, expected))
    } else {
        Ok(())
    }
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
        lenient(de::Unexpected::Seq, &self)?;
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
/// Strictly, a string that is not empty (an empty or `null` element names nothing).
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, a number or a boolean")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if v.is_empty() {
            lenient(de::Unexpected::Str(v), &"a value that is not empty")?;
        }
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.visit_str(&v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        lenient(de::Unexpected::Bool(v), &self)?;
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        lenient(de::Unexpected::Signed(v), &self)?;
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        lenient(de::Unexpected::Unsigned(v), &self)?;
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        lenient(de::Unexpected::Float(v), &self)?;
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        lenient(de::Unexpected::Unit, &"a value that is not empty")?;
        Ok(String::new())
    }
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
        lenient(de::Unexpected::Str(v), &self)?;
        Ok(vec![v.to_string()])
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<String>, E> {
        lenient(de::Unexpected::Str(&v), &self)?;
        Ok(vec![v])
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<String>, E> {
        lenient(de::Unexpected::Bool(v), &self)?;
        Ok(vec![v.to_string()])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<String>, E> {
        lenient(de::Unexpected::Signed(v), &self)?;
        Ok(vec![v.to_string()])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<String>, E> {
        lenient(de::Unexpected::Unsigned(v), &self)?;
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

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Typed {
        #[serde(default, deserialize_with = "super::text")]
        name: String,
        #[serde(default, deserialize_with = "super::number")]
        count: String,
        #[serde(default, deserialize_with = "super::flag")]
        personal: String,
        #[serde(default, deserialize_with = "super::texts")]
        tags: Vec<String>,
    }

    fn strict(json: &str) -> Result<Typed, serde_json::Error> {
        super::strictly(|| serde_json::from_str(json))
    }

    #[test]
    fn strictly_each_field_takes_only_its_json_type() {
        let d = strict(r#"{"name": "Journal", "count": 250000, "personal": true, "tags": ["a"]}"#)
            .unwrap();
        assert_eq!(
            (d.name.as_str(), d.count.as_str(), d.personal.as_str()),
            ("Journal", "250000", "true")
        );
        assert_eq!(strict(r#"{"count": 12.0}"#).unwrap().count, "12");
        for wrong in [
            r#"{"name": 12}"#,
            r#"{"name": false}"#,
            r#"{"name": ["a"]}"#,
            r#"{"count": "12"}"#,
            r#"{"count": 1.5}"#,
            r#"{"personal": "true"}"#,
            r#"{"personal": 1}"#,
            r#"{"tags": "a"}"#,
            r#"{"tags": [1]}"#,
            r#"{"tags": [""]}"#,
            r#"{"tags": [null]}"#,
        ] {
            assert!(strict(wrong).is_err(), "{wrong} should be refused");
        }
        let empty =
            strict(r#"{"name": null, "count": null, "personal": null, "tags": null}"#).unwrap();
        assert_eq!((empty.name, empty.count), (String::new(), String::new()));
    }

    #[test]
    fn strict_reading_ends_with_its_decoding_and_forms_stay_lenient() {
        assert!(strict(r#"{"count": "12"}"#).is_err());
        let d: Typed = serde_json::from_str(r#"{"count": "12", "personal": "on"}"#).unwrap();
        assert_eq!((d.count.as_str(), d.personal.as_str()), ("12", "on"));
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
