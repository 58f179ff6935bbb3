//! Plain-text fields: trimmed, required or optional, bounded in length (counted in characters).

use crate::error::{Rule, ValidationError};

/// Trims `value` and checks it is present and at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, ValidationError> {
    bounded(field, value, max)?;
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    Ok(v.to_string())
}

/// Trims `value`; empty becomes `None`; otherwise at most `max` characters.
pub fn optional(field: &str, value: &str, max: usize) -> Result<Option<String>, ValidationError> {
    bounded(field, value, max)?;
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    Ok(Some(v.to_string()))
}

/// The rules on the value as sent, before trimming, so that they read the same as the OpenAPI
/// document's `maxLength` and `pattern`: at most `max` characters, and no control character but
/// tab, line feed and carriage return.
fn bounded(field: &str, v: &str, max: usize) -> Result<(), ValidationError> {
    if v.chars().count() > max {
        return Err(ValidationError::new(field, Rule::TooLong { max }));
    }
    if v.chars().any(is_refused_control) {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    Ok(())
}

/// A control character a text field refuses (all but tab, line feed and carriage return).
pub fn is_refused_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\r' && c != '\t'
}

/// Lower-cased text used for case-insensitive search, the same on every database.
pub fn search_key(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A LIKE pattern matching `needle` anywhere, with LIKE's wildcards escaped (escape char `\`).
pub fn like_contains(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required("name", "  Anna  ", 10).unwrap(), "Anna");
        assert_eq!(
            required("name", "   ", 10).unwrap_err().rule,
            Rule::Required
        );
        assert_eq!(
            required("name", "abcdefghijk", 10).unwrap_err().rule,
            Rule::TooLong { max: 10 }
        );
        // Length counts characters, not bytes: Swedish letters are one each.
        assert!(required("name", "åäöåäöåäöå", 10).is_ok());
        assert_eq!(
            required("name", "a\u{0}b", 10).unwrap_err().rule,
            Rule::InvalidFormat
        );
        // The rules read the value as sent, as the API document's maxLength and pattern do: a
        // control character at the edge is refused too, and spaces count towards the length.
        assert_eq!(
            optional("name", "\u{b}Anna", 10).unwrap_err().rule,
            Rule::InvalidFormat
        );
        assert_eq!(
            optional("name", "Anna       ", 10).unwrap_err().rule,
            Rule::TooLong { max: 10 }
        );
        assert_eq!(optional("name", " \t\n", 10).unwrap(), None);
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains("50%_Å"), "%50\\%\\_å%");
    }
}
