//! Single sign-on with OpenID Connect: an organisation's identity providers as its administrator
//! sets them up, the rule of which sign-in lets a session act in which organisation, and how a
//! verified claim of the provider's ID token finds the member.

use crate::draft;
use crate::org::OrgKind;
use crate::role::Role;
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::Deserialize;

/// The client secret is read from the server's environment when it is given as `env:NAME`.
pub const SECRET_FROM_ENV: &str = "env:";
/// The only environment variables a provider may name: an organisation's administrator must not
/// be able to send the server's other secrets (its database address, its SMTP password) to a
/// token endpoint of their choosing.
pub const SECRET_ENV_PREFIX: &str = "TILLIT_OIDC_";

/// An identity provider as typed on the administrator's form (or sent to the API).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoProviderDraft {
    /// What the sign-in button says: "Logga in med {name}".
    #[serde(default, deserialize_with = "draft::text")]
    pub name: String,
    /// The issuer URL; discovery is read from `{issuer}/.well-known/openid-configuration`.
    #[serde(default, deserialize_with = "draft::text")]
    pub issuer: String,
    #[serde(default, deserialize_with = "draft::text")]
    pub client_id: String,
    /// The client secret, or `env:NAME` to read it from the server's environment. Empty when
    /// changing a provider: the stored secret stays.
    #[serde(default, deserialize_with = "draft::text")]
    pub client_secret: String,
    /// The claim whose value is the member's e-mail address (default `email`).
    #[serde(default, deserialize_with = "draft::text")]
    pub match_claim: String,
    /// Whether a person the provider vouches for who is not yet a member becomes one.
    #[serde(default, deserialize_with = "draft::flag")]
    pub create_members: String,
    /// The role such a new member gets.
    #[serde(default, deserialize_with = "draft::text")]
    pub default_role: String,
    #[serde(default, deserialize_with = "draft::flag")]
    pub enabled: String,
}

/// Where the client secret comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientSecret {
    /// Typed on the form; kept sealed, never shown again.
    Given(String),
    /// The name of an environment variable of the server.
    Env(String),
    /// Left empty when changing a provider: keep the stored one.
    Keep,
}

/// An identity provider, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoProviderInput {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: ClientSecret,
    pub match_claim: String,
    pub create_members: bool,
    pub default_role: Role,
    pub enabled: bool,
}

/// Whether a host is this machine (where a provider may be reached over plain HTTP: a test or
/// demo provider).
pub fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1")
}

/// An issuer URL: `https://`, a host, no query or fragment. Plain `http://` only to this machine,
/// and only where the operator allows it (`loopback`: a test or demo provider).
pub fn parse_issuer(field: &str, value: &str, loopback: bool) -> Result<String, ValidationError> {
    let v = text::required(field, value, 500)?;
    let v = v.trim_end_matches('/').to_string();
    let bad = || ValidationError::new(field, Rule::InvalidFormat);
    let (scheme, rest) = v.split_once("://").ok_or_else(bad)?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if !h.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    if !host_ok || v.contains(['?', '#', ' ', '@']) {
        return Err(bad());
    }
    match scheme {
        "https" => Ok(v),
        "http" if loopback && is_loopback(host) => Ok(v),
        _ => Err(ValidationError::new(field, Rule::InvalidFormat)),
    }
}

fn parse_claim(field: &str, value: &str) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok("email".into());
    }
    if v.chars().count() > 64 {
        return Err(ValidationError::new(field, Rule::TooLong { max: 64 }));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
    {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    Ok(v.to_string())
}

fn parse_secret(field: &str, value: &str, creating: bool) -> Result<ClientSecret, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return if creating {
            Err(ValidationError::new(field, Rule::Required))
        } else {
            Ok(ClientSecret::Keep)
        };
    }
    if v.chars().count() > 1000 {
        return Err(ValidationError::new(field, Rule::TooLong { max: 1000 }));
    }
    if let Some(name) = v.strip_prefix(SECRET_FROM_ENV) {
        let ok = name.len() > SECRET_ENV_PREFIX.len()
            && name.starts_with(SECRET_ENV_PREFIX)
            && name.len() <= 128
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        return if ok {
            Ok(ClientSecret::Env(name.to_string()))
        } else {
            Err(ValidationError::new(field, Rule::InvalidFormat))
        };
    }
    Ok(ClientSecret::Given(v.to_string()))
}

impl SsoProviderDraft {
    /// Validates the draft for an organisation of `kind`; `creating` makes the secret required;
    /// `loopback` lets the issuer be on this machine over plain HTTP (tests, the demo). A new
    /// member is never made an administrator by a provider's word alone.
    pub fn parse(
        &self,
        kind: OrgKind,
        creating: bool,
        loopback: bool,
    ) -> Result<SsoProviderInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let name = errs.check(text::required("name", &self.name, 120));
        let issuer = errs.check(parse_issuer("issuer", &self.issuer, loopback));
        let client_id = errs.check(text::required("client_id", &self.client_id, 200));
        let client_secret =
            errs.check(parse_secret("client_secret", &self.client_secret, creating));
        let match_claim = errs.check(parse_claim("match_claim", &self.match_claim));
        let create_members =
            errs.check(crate::asset::yes_no("create_members", &self.create_members));
        let enabled = errs.check(crate::asset::yes_no("enabled", &self.enabled));
        let default_role = errs.check(match draft::present(&self.default_role) {
            None => Ok(Role::for_kind(kind)
                .into_iter()
                .rfind(|r| !r.is_admin())
                .unwrap_or(Role::Reader)),
            Some(v) => Role::parse_for("default_role", v, kind).and_then(|r| {
                if r.is_admin() {
                    Err(ValidationError::new("default_role", Rule::NotForNewMembers))
                } else {
                    Ok(r)
                }
            }),
        });
        errs.into_result()?;
        Ok(SsoProviderInput {
            name: name.unwrap_or_default(),
            issuer: issuer.unwrap_or_default(),
            client_id: client_id.unwrap_or_default(),
            client_secret: client_secret.unwrap_or(ClientSecret::Keep),
            match_claim: match_claim.unwrap_or_default(),
            create_members: create_members.unwrap_or_default(),
            default_role: default_role.unwrap_or(Role::Reader),
            enabled: enabled.unwrap_or_default(),
        })
    }
}

/// How a session was signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod<'a> {
    /// E-mail address and password.
    Password,
    /// Through an identity provider of the organisation `org_id`.
    Provider { org_id: &'a str },
}

/// Whether a session signed in by `method` may act in the organisation `org_id`. A password
/// opens the organisations that accept passwords; an identity provider opens its own
/// organisation only — another organisation never trusts a region's provider on its word, even
/// for the same person.
pub fn may_act_in(method: SignInMethod<'_>, org_id: &str, accepts_passwords: bool) -> bool {
    match method {
        SignInMethod::Password => accepts_passwords,
        SignInMethod::Provider { org_id: own } => own == org_id,
    }
}

/// Why a claim of a verified ID token does not name a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimProblem {
    /// The token does not carry the claim (or it is not text).
    Missing,
    /// The claim is `email` and the provider does not say the address is verified.
    Unverified,
}

/// The e-mail address a verified ID token vouches for: the value of `claim`, lower-cased. An
/// `email` claim counts only with `email_verified: true` (an address anyone may type into their
/// account at the provider proves nothing); another claim (`upn`, `preferred_username`) is the
/// provider's own identifier for the account and counts as it is.
pub fn vouched_address(
    claims: &serde_json::Map<String, serde_json::Value>,
    claim: &str,
) -> Result<String, ClaimProblem> {
    let value = claims
        .get(claim)
        .and_then(|v| v.as_str())
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty() && s.contains('@') && s.chars().count() <= 254)
        .ok_or(ClaimProblem::Missing)?;
    if claim == "email" {
        let verified = match claims.get("email_verified") {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => s == "true",
            _ => false,
        };
        if !verified {
            return Err(ClaimProblem::Unverified);
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft() -> SsoProviderDraft {
        SsoProviderDraft {
            name: "Region Norrfjälls inloggning".into(),
            issuer: "https://login.norrfjall.example/realms/vard/".into(),
            client_id: "tillit".into(),
            client_secret: "hemligt".into(),
            match_claim: String::new(),
            create_members: "on".into(),
            default_role: String::new(),
            enabled: "on".into(),
        }
    }

    #[test]
    fn a_provider_is_validated_and_defaults_filled_in() {
        let p = draft().parse(OrgKind::Region, true, false).unwrap();
        assert_eq!(p.issuer, "https://login.norrfjall.example/realms/vard");
        assert_eq!(p.match_claim, "email");
        assert_eq!(p.client_secret, ClientSecret::Given("hemligt".into()));
        assert!(!p.default_role.is_admin());
        assert!(p.create_members && p.enabled);
    }

    #[test]
    fn plain_http_is_refused_except_on_this_machine_when_the_operator_allows_it() {
        assert!(parse_issuer("issuer", "http://login.norrfjall.example", true).is_err());
        assert!(parse_issuer("issuer", "http://127.0.0.1:4000", true).is_ok());
        assert!(parse_issuer("issuer", "http://localhost:4000/x", true).is_ok());
        // Where the operator has not allowed it, not even this machine.
        assert!(parse_issuer("issuer", "http://127.0.0.1:4000", false).is_err());
        assert!(parse_issuer("issuer", "https://login.example", false).is_ok());
        assert!(parse_issuer("issuer", "ftp://login.example", true).is_err());
        assert!(parse_issuer("issuer", "https://login.example/?a=b", true).is_err());
        assert!(parse_issuer("issuer", "https://user@login.example", true).is_err());
        assert!(parse_issuer("issuer", "login.example", true).is_err());
    }

    #[test]
    fn the_secret_is_required_when_creating_and_kept_when_left_empty_on_change() {
        let mut d = draft();
        d.client_secret = String::new();
        let e = d.parse(OrgKind::Region, true, false).unwrap_err();
        assert_eq!(e.0[0].field, "client_secret");
        assert_eq!(
            d.parse(OrgKind::Region, false, false)
                .unwrap()
                .client_secret,
            ClientSecret::Keep
        );
        d.client_secret = "env:TILLIT_OIDC_NORRFJALL".into();
        assert_eq!(
            d.parse(OrgKind::Region, true, false).unwrap().client_secret,
            ClientSecret::Env("TILLIT_OIDC_NORRFJALL".into())
        );
        d.client_secret = "env:lower case".into();
        assert_eq!(
            d.parse(OrgKind::Region, true, false).unwrap_err().0[0].field,
            "client_secret"
        );
    }

    #[test]
    fn a_provider_never_makes_new_members_administrators() {
        let mut d = draft();
        d.default_role = "admin".into();
        let e = d.parse(OrgKind::Region, true, false).unwrap_err();
        assert_eq!(e.0[0].field, "default_role");
        assert_eq!(e.0[0].rule, Rule::NotForNewMembers);
        d.default_role = "case_officer".into();
        assert!(
            d.parse(OrgKind::Region, true, false).is_err(),
            "an authority role in a region"
        );
    }

    #[test]
    fn a_password_opens_only_organisations_that_accept_passwords() {
        assert!(may_act_in(SignInMethod::Password, "a", true));
        assert!(!may_act_in(SignInMethod::Password, "a", false));
    }

    #[test]
    fn a_provider_opens_its_own_organisation_and_no_other() {
        let via_a = SignInMethod::Provider { org_id: "a" };
        assert!(may_act_in(via_a, "a", false));
        assert!(may_act_in(via_a, "a", true));
        assert!(
            !may_act_in(via_a, "b", true),
            "b trusts passwords, not a's provider"
        );
    }

    #[test]
    fn an_email_claim_counts_only_when_verified() {
        let c = |v: serde_json::Value| v.as_object().unwrap().clone();
        let ok = c(json!({"email": "Sara@Norrfjall.example", "email_verified": true}));
        assert_eq!(
            vouched_address(&ok, "email").unwrap(),
            "sara@norrfjall.example"
        );
        let unverified = c(json!({"email": "sara@norrfjall.example", "email_verified": false}));
        assert_eq!(
            vouched_address(&unverified, "email"),
            Err(ClaimProblem::Unverified)
        );
        let silent = c(json!({"email": "sara@norrfjall.example"}));
        assert_eq!(
            vouched_address(&silent, "email"),
            Err(ClaimProblem::Unverified)
        );
        let upn = c(json!({"upn": "sara@norrfjall.example"}));
        assert_eq!(
            vouched_address(&upn, "upn").unwrap(),
            "sara@norrfjall.example"
        );
        assert_eq!(vouched_address(&upn, "email"), Err(ClaimProblem::Missing));
        let number = c(json!({"upn": 42}));
        assert_eq!(vouched_address(&number, "upn"), Err(ClaimProblem::Missing));
    }
}
