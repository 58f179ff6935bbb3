//! Single sign-on with OpenID Connect (ADR 0016): the administrator's identity providers, and the
//! authorization-code flow with PKCE, `state` and `nonce`.
//!
//! A sign-in starts at [`begin`]: discovery is read afresh from the provider (so a rotated key is
//! seen at once), a random state, nonce and PKCE verifier are kept in the database — the state
//! only as its hash — and the browser is sent to the provider. It ends at [`finish`]: the state
//! must come back in the browser that started it (a cookie holds it) and be unspent; the code is
//! exchanged with the verifier; the ID token's signature (by the provider's published keys),
//! issuer, audience, expiry and nonce are checked by `openidconnect`; then a verified claim names
//! the member. Every failure is told to the person in plain words and recorded in the audit
//! trail; none gives a session.

use crate::acting::Acting;
use crate::auth::{start_session, SignIn};
use crate::error::{Error, Result};
use crate::security::{random_secret, sha256_hex};
use crate::signing::{kek, open_bytes, seal_bytes};
use crate::App;
use chrono::Utc;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata,
    RedirectUrl, Scope,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tillit_domain::role::Permission;
use tillit_domain::sso::{ClaimProblem, SsoProviderDraft, SECRET_FROM_ENV};
use tillit_domain::user::Email;
use tillit_domain::{Rule, ValidationErrors};
use tillit_store::{format_timestamp, Actor, SsoProvider, SsoProviderRow, TakenLogin};

/// How long a started sign-in may take before it is refused.
pub const SIGN_IN_MINUTES: i64 = 10;

/// The discovery field `openidconnect`'s core metadata leaves out: where to end the provider's
/// session (OpenID Connect RP-Initiated Logout).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct LogoutMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end_session_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for LogoutMetadata {}

type Metadata = ProviderMetadata<
    LogoutMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Why a single sign-on did not give a session. The key is what the audit trail records and the
/// page's text is looked up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No such provider, or switched off.
    UnknownProvider,
    /// Discovery could not be read (unreachable, not OpenID Connect).
    Unreachable,
    /// The provider names another issuer than the one set up, in discovery or in the token.
    WrongIssuer,
    /// The ID token's signature does not verify with the provider's published keys.
    BadSignature,
    /// The ID token has expired (or is not yet valid).
    Expired,
    /// The ID token is for another client, carries another nonce, or is otherwise invalid.
    InvalidToken,
    /// The provider refused the code (or gave no ID token).
    CodeRefused,
    /// The person cancelled or the provider refused at its end (`error=` in the callback).
    ProviderRefused,
    /// The callback came back without a state, or with one never issued (or long gone).
    UnknownState,
    /// The state was used before.
    Replayed,
    /// The state did not start in this browser.
    OtherBrowser,
    /// The sign-in took longer than [`SIGN_IN_MINUTES`].
    TooSlow,
    /// The token does not carry the claim that names the member.
    ClaimMissing,
    /// The provider does not say the e-mail address is verified.
    Unverified,
    /// No member with that address, and the administrator does not let the provider make one.
    UnknownUser,
    /// The client secret cannot be had (the environment variable is not set, or the key file
    /// changed).
    SecretMissing,
}

impl Failure {
    pub fn key(self) -> &'static str {
        match self {
            Failure::UnknownProvider => "unknown_provider",
            Failure::Unreachable => "unreachable",
            Failure::WrongIssuer => "wrong_issuer",
            Failure::BadSignature => "bad_signature",
            Failure::Expired => "expired_token",
            Failure::InvalidToken => "invalid_token",
            Failure::CodeRefused => "code_refused",
            Failure::ProviderRefused => "provider_refused",
            Failure::UnknownState => "unknown_state",
            Failure::Replayed => "replayed_state",
            Failure::OtherBrowser => "other_browser",
            Failure::TooSlow => "too_slow",
            Failure::ClaimMissing => "claim_missing",
            Failure::Unverified => "email_unverified",
            Failure::UnknownUser => "unknown_user",
            Failure::SecretMissing => "secret_missing",
        }
    }
}

/// A failed sign-in as the person is told it.
#[derive(Debug, Clone)]
pub struct Failed {
    pub failure: Failure,
    /// The provider's name and id, when known.
    pub provider: Option<String>,
    pub provider_id: Option<String>,
}

/// Where [`begin`] sends the browser.
pub enum Begun {
    /// To the provider; `state` goes into the browser's cookie.
    Redirect {
        url: String,
        state: String,
    },
    Failed(Failed),
}

/// What [`finish`] gave.
pub enum Finished {
    SignedIn {
        session_secret: String,
        must_change_password: bool,
        return_to: String,
    },
    Failed(Failed),
}

/// What the browser brought back to the callback.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// A provider on the sign-in page.
#[derive(Debug, Clone, Serialize)]
pub struct Offered {
    pub id: String,
    pub name: String,
    pub org_name: String,
}

/// A provider as its administrator sees it (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    /// `env:NAME` when read from the environment, else none (sealed in the database).
    pub secret_from: Option<String>,
    /// Whether the secret can be had now.
    pub secret_ready: bool,
    pub match_claim: String,
    pub create_members: bool,
    pub default_role: tillit_domain::role::Role,
    pub enabled: bool,
    pub members_linked: i64,
    pub last_used: Option<String>,
    pub updated_at: String,
}

/// The sign-in settings of an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub accepts_passwords: bool,
    pub providers: Vec<ProviderView>,
    /// Whether the person looking signed in through one of these providers (only then may
    /// passwords be switched off: the provider is shown to work).
    pub signed_in_through_provider: bool,
}

fn http() -> Result<openidconnect::reqwest::Client> {
    // No redirects: a provider's endpoints answer directly (and a redirect could lead the
    // server's request elsewhere).
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .map_err(|e| Error::internal(format!("HTTP client for sign-in: {e}")))
}

fn secret_aad(org_id: &str, provider_id: &str) -> Vec<u8> {
    format!("tillit-oidc-client-secret\n{org_id}\n{provider_id}").into_bytes()
}

/// The client secret of a provider: from the environment, or opened from its seal.
fn client_secret(app: &App, p: &SsoProvider) -> Option<String> {
    if let Some(name) = p.client_secret.strip_prefix(SECRET_FROM_ENV) {
        return std::env::var(name).ok().filter(|v| !v.is_empty());
    }
    let sealed = p.client_secret.strip_prefix("sealed:")?;
    let kek = kek(app).ok()?;
    let plain = open_bytes(kek, &secret_aad(&p.org_id, &p.id), sealed).ok()?;
    String::from_utf8(plain).ok()
}

fn view(app: &App, p: &SsoProvider, counts: &[(String, i64, Option<String>)]) -> ProviderView {
    let (n, last) = counts
        .iter()
        .find(|c| c.0 == p.id)
        .map(|c| (c.1, c.2.clone()))
        .unwrap_or((0, None));
    ProviderView {
        id: p.id.clone(),
        name: p.name.clone(),
        issuer: p.issuer.clone(),
        client_id: p.client_id.clone(),
        secret_from: p
            .client_secret
            .starts_with(SECRET_FROM_ENV)
            .then(|| p.client_secret.clone()),
        secret_ready: client_secret(app, p).is_some(),
        match_claim: p.match_claim.clone(),
        create_members: p.create_members,
        default_role: p.default_role,
        enabled: p.enabled,
        members_linked: n,
        last_used: last,
        updated_at: p.updated_at.clone(),
    }
}

/// The organisation's sign-in settings (administrators).
pub async fn settings(app: &App, who: &Acting) -> Result<Settings> {
    who.require(Permission::ManageMembers)?;
    let providers = app.store.sso_providers(who.tenant()).await?;
    let counts = app.store.sso_identity_counts(who.tenant()).await?;
    Ok(Settings {
        accepts_passwords: app.store.password_sign_in(who.tenant()).await?,
        signed_in_through_provider: who
            .auth
            .provider()
            .is_some_and(|id| providers.iter().any(|p| p.id == id)),
        providers: providers.iter().map(|p| view(app, p, &counts)).collect(),
    })
}

/// One provider (administrators).
pub async fn provider(app: &App, who: &Acting, id: &str) -> Result<ProviderView> {
    who.require(Permission::ManageMembers)?;
    let p = app.store.sso_provider(who.tenant(), id).await?;
    let counts = app.store.sso_identity_counts(who.tenant()).await?;
    Ok(view(app, &p, &counts))
}

fn stored_secret(
    app: &App,
    org_id: &str,
    provider_id: &str,
    s: &tillit_domain::sso::ClientSecret,
) -> Result<Option<String>> {
    use tillit_domain::sso::ClientSecret as S;
    Ok(match s {
        S::Keep => None,
        S::Env(name) => Some(format!("{SECRET_FROM_ENV}{name}")),
        S::Given(secret) => {
            let kek = kek(app).map_err(|_| {
                ValidationErrors::single(
                    "client_secret",
                    Rule::InvalidDocument {
                        detail: "no key-encryption key: give env:NAME".into(),
                    },
                )
            })?;
            Some(format!(
                "sealed:{}",
                seal_bytes(kek, &secret_aad(org_id, provider_id), secret.as_bytes())?
            ))
        }
    })
}

fn row<'a>(
    x: &'a tillit_domain::sso::SsoProviderInput,
    secret: Option<&'a str>,
) -> SsoProviderRow<'a> {
    SsoProviderRow {
        name: &x.name,
        issuer: &x.issuer,
        client_id: &x.client_id,
        client_secret: secret,
        match_claim: &x.match_claim,
        create_members: x.create_members,
        default_role: x.default_role,
        enabled: x.enabled,
    }
}

/// Adds an identity provider (administrators).
pub async fn create_provider(app: &App, who: &Acting, d: &SsoProviderDraft) -> Result<String> {
    who.require(Permission::ManageMembers)?;
    let x = d.parse(who.org_kind(), true, app.config().sso_loopback)?;
    // The secret is sealed to the provider's row: the id is made first.
    let id = tillit_store::new_id();
    let secret = stored_secret(app, who.org_id(), &id, &x.client_secret)?;
    app.store
        .create_sso_provider(who.tenant(), &who.actor(), &id, &row(&x, secret.as_deref()))
        .await?;
    Ok(id)
}

/// Changes an identity provider (administrators). An empty secret keeps the stored one.
pub async fn update_provider(
    app: &App,
    who: &Acting,
    id: &str,
    d: &SsoProviderDraft,
) -> Result<()> {
    who.require(Permission::ManageMembers)?;
    let existing = app.store.sso_provider(who.tenant(), id).await?;
    let x = d.parse(who.org_kind(), false, app.config().sso_loopback)?;
    guard_last_provider(app, who, &existing.id, x.enabled).await?;
    let secret = stored_secret(app, who.org_id(), &existing.id, &x.client_secret)?;
    app.store
        .update_sso_provider(
            who.tenant(),
            &who.actor(),
            &existing.id,
            &row(&x, secret.as_deref()),
        )
        .await?;
    Ok(())
}

/// Removes an identity provider (administrators).
pub async fn delete_provider(app: &App, who: &Acting, id: &str) -> Result<()> {
    who.require(Permission::ManageMembers)?;
    let existing = app.store.sso_provider(who.tenant(), id).await?;
    guard_last_provider(app, who, &existing.id, false).await?;
    app.store
        .delete_sso_provider(who.tenant(), &who.actor(), &existing.id)
        .await?;
    Ok(())
}

/// An organisation without passwords keeps at least one enabled provider: else nobody could sign
/// in to it.
async fn guard_last_provider(app: &App, who: &Acting, id: &str, stays_enabled: bool) -> Result<()> {
    if stays_enabled || app.store.password_sign_in(who.tenant()).await? {
        return Ok(());
    }
    let others = app
        .store
        .sso_providers(who.tenant())
        .await?
        .iter()
        .any(|p| p.enabled && p.id != id);
    if others {
        Ok(())
    } else {
        Err(ValidationErrors::single("enabled", Rule::NoSignInLeft).into())
    }
}

/// Lets the organisation's members sign in with a password, or not (administrators). Passwords
/// are switched off only from a session signed in through one of the organisation's enabled
/// providers — proof that it works — so that an administrator cannot lock everyone out.
pub async fn set_password_sign_in(app: &App, who: &Acting, allowed: bool) -> Result<()> {
    who.require(Permission::ManageMembers)?;
    if !allowed {
        let providers = app.store.sso_providers(who.tenant()).await?;
        let through = who
            .auth
            .provider()
            .is_some_and(|id| providers.iter().any(|p| p.id == id && p.enabled));
        if !through {
            return Err(
                ValidationErrors::single("password_sign_in", Rule::ProviderNotProven).into(),
            );
        }
    }
    app.store
        .set_password_sign_in(who.tenant(), &who.actor(), allowed)
        .await?;
    Ok(())
}

/// The providers the sign-in page offers.
pub async fn offered(app: &App) -> Result<Vec<Offered>> {
    Ok(app
        .store
        .enabled_sso_providers()
        .await?
        .into_iter()
        .map(|p| Offered {
            id: p.id,
            name: p.name,
            org_name: p.org_name,
        })
        .collect())
}

async fn discover(
    issuer: &str,
    http: &openidconnect::reqwest::Client,
) -> std::result::Result<Metadata, Failure> {
    let url = IssuerUrl::new(issuer.to_string()).map_err(|_| Failure::Unreachable)?;
    Metadata::discover_async(url, http).await.map_err(|e| {
        let text = e.to_string();
        tracing::warn!(issuer, error = %text, "OpenID discovery failed");
        if text.contains("issuer") {
            Failure::WrongIssuer
        } else {
            Failure::Unreachable
        }
    })
}

/// The OpenID client for a provider, from its discovery, coming back to `redirect_uri`.
fn client(
    meta: Metadata,
    p: &SsoProvider,
    secret: String,
    redirect_uri: &str,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
> {
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| Error::internal(format!("callback address {redirect_uri}: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        meta,
        ClientId::new(p.client_id.clone()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(redirect))
}

async fn record_failure(
    app: &App,
    provider: Option<&SsoProvider>,
    failure: Failure,
    client_ip: &str,
    detail: Option<&str>,
) -> Result<Failed> {
    tracing::warn!(
        reason = failure.key(),
        ip = client_ip,
        "single sign-on failed"
    );
    // Without a provider (a state never issued, an unknown provider) there is no organisation
    // to tell, and anyone could fill the trail: the log line is all.
    let Some(p) = provider else {
        return Ok(Failed {
            failure,
            provider: None,
            provider_id: None,
        });
    };
    app.store
        .record_event(
            &Actor {
                user_id: None,
                label: format!("single sign-on ({client_ip})"),
            },
            Some(p.org_id.as_str()),
            "auth.sso_failed",
            "sso_provider",
            &p.id,
            json!({"reason": failure.key(), "ip": client_ip, "detail": detail}),
        )
        .await?;
    Ok(Failed {
        failure,
        provider: Some(p.name.clone()),
        provider_id: Some(p.id.clone()),
    })
}

/// Starts a sign-in through a provider; `redirect_uri` is Tillit's callback as the browser
/// reaches it, `return_to` the local path to go to afterwards.
pub async fn begin(
    app: &App,
    provider_id: &str,
    redirect_uri: &str,
    return_to: &str,
    client_ip: &str,
) -> Result<Begun> {
    let p = app
        .store
        .sso_provider_for_sign_in(provider_id)
        .await?
        .filter(|p| p.enabled);
    let Some(p) = p else {
        return Ok(Begun::Failed(
            record_failure(app, None, Failure::UnknownProvider, client_ip, None).await?,
        ));
    };
    let Some(secret) = client_secret(app, &p) else {
        return Ok(Begun::Failed(
            record_failure(app, Some(&p), Failure::SecretMissing, client_ip, None).await?,
        ));
    };
    let http = http()?;
    let meta = match discover(&p.issuer, &http).await {
        Ok(m) => m,
        Err(f) => {
            return Ok(Begun::Failed(
                record_failure(app, Some(&p), f, client_ip, None).await?,
            ))
        }
    };
    let client = client(meta, &p, secret, redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = random_secret();
    let nonce = random_secret();
    let state_for_url = state.clone();
    let nonce_for_url = nonce.clone();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        move || CsrfToken::new(state_for_url),
        move || Nonce::new(nonce_for_url),
    );
    request = request.set_pkce_challenge(challenge);
    if p.match_claim == "email" {
        request = request.add_scope(Scope::new("email".into()));
    }
    request = request.add_scope(Scope::new("profile".into()));
    let (url, _, _) = request.url();
    app.store
        .create_sso_login(
            &sha256_hex(&state),
            &p.id,
            &nonce,
            verifier.secret(),
            return_to,
            redirect_uri,
        )
        .await?;
    Ok(Begun::Redirect {
        url: url.to_string(),
        state,
    })
}

fn claims_failure(e: &ClaimsVerificationError) -> Failure {
    match e {
        ClaimsVerificationError::Expired(_) => Failure::Expired,
        ClaimsVerificationError::InvalidIssuer(_) => Failure::WrongIssuer,
        ClaimsVerificationError::SignatureVerification(_) => Failure::BadSignature,
        _ => Failure::InvalidToken,
    }
}

/// The claims of an ID token whose signature has been verified, as JSON (for the member's claim,
/// which need not be one the crate knows).
fn payload(jwt: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let part = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Ends a sign-in at the callback. `cookie_state` is the state the browser kept; `old_session`
/// the session it had (ended when a new one starts). The code is exchanged with the callback
/// address the sign-in was started with, whatever host this request came by.
pub async fn finish(
    app: &App,
    cb: &Callback,
    cookie_state: Option<&str>,
    client_ip: &str,
    old_session: Option<&str>,
) -> Result<Finished> {
    let fail = |p: Option<SsoProvider>, f: Failure, detail: Option<String>| async move {
        Ok::<_, Error>(Finished::Failed(
            record_failure(app, p.as_ref(), f, client_ip, detail.as_deref()).await?,
        ))
    };
    let Some(state) = cb
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= 200)
    else {
        return fail(None, Failure::UnknownState, None).await;
    };
    let login = match app.store.take_sso_login(&sha256_hex(state)).await? {
        TakenLogin::Fresh(l) => l,
        TakenLogin::Replayed(l) => {
            let p = app.store.sso_provider_for_sign_in(&l.provider_id).await?;
            return fail(p, Failure::Replayed, None).await;
        }
        TakenLogin::Unknown => return fail(None, Failure::UnknownState, None).await,
    };
    let p = app
        .store
        .sso_provider_for_sign_in(&login.provider_id)
        .await?
        .filter(|p| p.enabled);
    let Some(p) = p else {
        return fail(None, Failure::UnknownProvider, None).await;
    };
    // The state must come back to the browser that started the sign-in: else someone else's
    // sign-in could be finished in this browser (login CSRF).
    let same_browser = cookie_state.is_some_and(|c| {
        use subtle::ConstantTimeEq;
        c.len() == state.len() && bool::from(c.as_bytes().ct_eq(state.as_bytes()))
    });
    if !same_browser {
        return fail(Some(p), Failure::OtherBrowser, None).await;
    }
    let started = chrono::DateTime::parse_from_rfc3339(&login.created_at)
        .map(|d| d.with_timezone(&Utc))
        .ok();
    if started.is_none_or(|s| Utc::now() - s > chrono::Duration::minutes(SIGN_IN_MINUTES)) {
        return fail(Some(p), Failure::TooSlow, None).await;
    }
    if let Some(error) = &cb.error {
        let detail = format!(
            "{}{}",
            error.chars().take(100).collect::<String>(),
            cb.error_description
                .as_deref()
                .map(|d| format!(": {}", d.chars().take(300).collect::<String>()))
                .unwrap_or_default()
        );
        return fail(Some(p), Failure::ProviderRefused, Some(detail)).await;
    }
    let Some(code) = cb.code.clone().filter(|c| !c.is_empty() && c.len() <= 4096) else {
        return fail(Some(p), Failure::CodeRefused, None).await;
    };
    let Some(secret) = client_secret(app, &p) else {
        return fail(Some(p), Failure::SecretMissing, None).await;
    };
    let http = http()?;
    let meta = match discover(&p.issuer, &http).await {
        Ok(m) => m,
        Err(f) => return fail(Some(p), f, None).await,
    };
    let client = client(meta, &p, secret, &login.redirect_uri)?;
    let exchange = match client.exchange_code(AuthorizationCode::new(code)) {
        Ok(r) => r,
        Err(e) => return fail(Some(p), Failure::CodeRefused, Some(e.to_string())).await,
    };
    let token = match exchange
        .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
        .request_async(&http)
        .await
    {
        Ok(t) => t,
        Err(e) => {
            let detail = e.to_string();
            return fail(Some(p), Failure::CodeRefused, Some(detail)).await;
        }
    };
    let Some(id_token) = token.extra_fields().id_token() else {
        return fail(Some(p), Failure::CodeRefused, Some("no ID token".into())).await;
    };
    let verifier = client.id_token_verifier();
    let claims = match id_token.claims(&verifier, &Nonce::new(login.nonce.clone())) {
        Ok(c) => c,
        Err(e) => {
            let detail = e.to_string();
            return fail(Some(p), claims_failure(&e), Some(detail)).await;
        }
    };
    let subject = claims.subject().as_str().to_string();
    let Some(all) = payload(&id_token.to_string()) else {
        return fail(Some(p), Failure::InvalidToken, None).await;
    };
    let display_name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_string());
    // A subject the provider vouched for before names its member; else the claim does.
    let user_id = match app.store.sso_identity(&p.id, &subject).await? {
        Some(u) => Some(u),
        None => {
            let address = match tillit_domain::sso::vouched_address(&all, &p.match_claim) {
                Ok(a) => a,
                Err(ClaimProblem::Missing) => {
                    return fail(
                        Some(p.clone()),
                        Failure::ClaimMissing,
                        Some(p.match_claim.clone()),
                    )
                    .await
                }
                Err(ClaimProblem::Unverified) => {
                    return fail(Some(p), Failure::Unverified, None).await
                }
            };
            member_for(app, &p, &address, display_name.as_deref()).await?
        }
    };
    let Some(user_id) = user_id else {
        return fail(Some(p), Failure::UnknownUser, Some(subject)).await;
    };
    // The person must (still) be a member of the provider's organisation.
    let Some((_, _m)) = app.store.tenant_for_member(&user_id, &p.org_id).await? else {
        return fail(Some(p), Failure::UnknownUser, Some(subject)).await;
    };
    // The provider may have been switched off, removed or pointed elsewhere while the person
    // was away at it.
    let unchanged = app
        .store
        .sso_provider_for_sign_in(&p.id)
        .await?
        .is_some_and(|now| now.enabled && now.issuer == p.issuer && now.client_id == p.client_id);
    if !unchanged {
        return fail(Some(p), Failure::UnknownProvider, None).await;
    }
    app.store
        .link_sso_identity(&p.id, &subject, &user_id)
        .await?;
    let user = app.store.user_by_id(&user_id).await?;
    if let Some(old) = old_session {
        app.store.delete_session(&sha256_hex(old)).await?;
    }
    match start_session(
        app,
        &user.user.id,
        &user.user.email,
        false,
        client_ip,
        Some((&p.id, &p.org_id)),
    )
    .await?
    {
        SignIn::SignedIn {
            session_secret,
            must_change_password,
        } => {
            app.store.set_last_org(&user.user.id, &p.org_id).await?;
            Ok(Finished::SignedIn {
                session_secret,
                must_change_password,
                return_to: login.return_to,
            })
        }
        _ => Err(Error::internal("a session could not be started")),
    }
}

/// The member of the provider's organisation with this address; made one (with the provider's
/// default role) when the administrator allows it.
async fn member_for(
    app: &App,
    p: &SsoProvider,
    address: &str,
    display_name: Option<&str>,
) -> Result<Option<String>> {
    if let Some(u) = app.store.user_by_email(address).await? {
        let member = app.store.tenant_for_member(&u.user.id, &p.org_id).await?;
        return Ok(member.map(|_| u.user.id));
    }
    if !p.create_members {
        return Ok(None);
    }
    let Ok(email) = Email::parse("email", address) else {
        return Ok(None);
    };
    let name = display_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(address)
        .chars()
        .take(200)
        .collect::<String>();
    let actor = Actor {
        user_id: None,
        label: format!("single sign-on: {}", p.name),
    };
    // The password hash is no hash at all: the person signs in through the provider only.
    let user = app
        .store
        .create_user(&actor, &email, &name, "!sso", false)
        .await?;
    let tenant = app
        .store
        .sso_provider_tenant(&p.id)
        .await?
        .ok_or(Error::NotFound)?;
    app.store
        .add_member(&tenant, &actor, &user.id, p.default_role)
        .await?;
    Ok(Some(user.id))
}

/// Where to end the provider's session after signing out of Tillit, when it offers that
/// (RP-Initiated Logout: the client id and where to come back).
pub async fn end_session_url(
    app: &App,
    provider_id: &str,
    post_logout_redirect_uri: &str,
) -> Result<Option<(String, String)>> {
    let Some(p) = app
        .store
        .sso_provider_for_sign_in(provider_id)
        .await?
        .filter(|p| p.enabled)
    else {
        return Ok(None);
    };
    let http = http()?;
    let Ok(meta) = discover(&p.issuer, &http).await else {
        return Ok(None);
    };
    let Some(end) = meta.additional_metadata().end_session_endpoint.clone() else {
        return Ok(None);
    };
    let Ok(mut url) = openidconnect::url::Url::parse(&end) else {
        return Ok(None);
    };
    // Only an address at the provider's own host, by https (plain http only on this machine):
    // the sign-in page links to it.
    let issuer = openidconnect::url::Url::parse(&p.issuer).ok();
    let same_host = issuer.as_ref().is_some_and(|i| {
        i.host_str() == url.host_str() && i.port_or_known_default() == url.port_or_known_default()
    });
    let scheme_ok = url.scheme() == "https"
        || (url.scheme() == "http" && url.host_str().is_some_and(tillit_domain::sso::is_loopback));
    if !same_host || !scheme_ok {
        return Ok(None);
    }
    url.query_pairs_mut()
        .append_pair("client_id", &p.client_id)
        .append_pair("post_logout_redirect_uri", post_logout_redirect_uri);
    Ok(Some((url.to_string(), p.name)))
}

/// Forgets sign-ins started long ago; run periodically.
pub async fn sweep_sign_ins(app: &App) -> Result<u64> {
    let before = format_timestamp(Utc::now() - chrono::Duration::hours(1));
    Ok(app.store.delete_old_sso_logins(&before).await?)
}
