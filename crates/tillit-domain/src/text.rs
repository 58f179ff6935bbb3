//! Plain-text fields: trimmed, required or optional, bounded in length (counted in characters).

use crate::error::{Rule, ValidationError};

/// Trims `value` and checks it is present and at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::new(field, Rule::Required));
    }
    bounded(field, v, max)
}

/// Trims `value`; empty becomes `None`; otherwise at most `max` characters.
pub fn optional(field: &str, value: &str, max: usize) -> Result<Option<String>, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    bounded(field, v, max).map(Some)
}

fn bounded(field: &str, v: &str, max: usize) -> Result<String, ValidationError> {
    if v.chars().count() > max {
        return Err(ValidationError::new(field, Rule::TooLong { max }));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    Ok(v.to_string())
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
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains("50%_Å"), "%50\\%\\_å%");
    }
}
