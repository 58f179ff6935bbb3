//! People: e-mail addresses (their login names), display names and the password policy.

use crate::error::{Rule, ValidationError};
use crate::text;

/// An e-mail address, lower-cased; used as the login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> Result<Email, ValidationError> {
        let v = text::required(field, value, 254)?.to_lowercase();
        let mut parts = v.split('@');
        let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
            (Some(l), Some(d), None) => (l, d),
            _ => return Err(ValidationError::new(field, Rule::InvalidFormat)),
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok || v.chars().any(char::is_whitespace)
        {
            return Err(ValidationError::new(field, Rule::InvalidFormat));
        }
        Ok(Email(v))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown to others: required, at most 200 characters.
pub fn parse_display_name(field: &str, value: &str) -> Result<String, ValidationError> {
    text::required(field, value, 200)
}

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Password policy (OWASP ASVS 2.1): at least 12 characters, at most 128, any characters allowed,
/// not made of one repeated character, and not the same as the login name.
pub fn check_new_password(field: &str, password: &str, email: &str) -> Result<(), ValidationError> {
    let n = password.chars().count();
    if n == 0 {
        return Err(ValidationError::new(field, Rule::Required));
    }
    if n < PASSWORD_MIN_CHARS {
        return Err(ValidationError::new(
            field,
            Rule::TooShort {
                min: PASSWORD_MIN_CHARS,
            },
        ));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(ValidationError::new(
            field,
            Rule::TooLong {
                max: PASSWORD_MAX_CHARS,
            },
        ));
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) || password.eq_ignore_ascii_case(email) {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lowercased_and_checked() {
        assert_eq!(
            Email::parse("email", " Anna@Region.Example ")
                .unwrap()
                .as_str(),
            "anna@region.example"
        );
        for bad in [
            "anna", "anna@", "@x.se", "a@b", "a b@c.se", "a@@c.se", "a@.se", "a@c..se",
        ] {
            assert_eq!(
                Email::parse("email", bad).unwrap_err().rule,
                Rule::InvalidFormat,
                "{bad}"
            );
        }
        assert_eq!(Email::parse("email", "").unwrap_err().rule, Rule::Required);
    }

    #[test]
    fn password_policy() {
        assert!(check_new_password("p", "korrekt häst batteri", "a@b.se").is_ok());
        assert_eq!(
            check_new_password("p", "kort", "a@b.se").unwrap_err().rule,
            Rule::TooShort { min: 12 }
        );
        assert_eq!(
            check_new_password("p", "aaaaaaaaaaaaaa", "x@y.se")
                .unwrap_err()
                .rule,
            Rule::InvalidFormat
        );
        assert_eq!(
            check_new_password("p", "anna@region.se", "anna@region.se")
                .unwrap_err()
                .rule,
            Rule::InvalidFormat
        );
        assert_eq!(
            check_new_password("p", &"ab".repeat(65), "x@y.se")
                .unwrap_err()
                .rule,
            Rule::TooLong { max: 128 }
        );
    }
}
