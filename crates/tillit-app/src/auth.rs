//! Authentication: API tokens and sessions, sign-in with throttling, sign-out, the organisation a
//! session acts in, the person's language, and the [`Acting`] every other command needs.

use crate::acting::{Acting, Auth, Via};
use crate::error::{Error, Result};
use crate::security::{random_secret, sha256_hex};
use crate::App;
use chrono::{DateTime, Utc};
use serde_json::json;
use tillit_domain::{Rule, ValidationError, ValidationErrors};
use tillit_store::{format_timestamp, Actor, NewSession};

pub const TOKEN_PREFIX: &str = "tlt_";

fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The person behind a `Bearer` token: unknown, revoked or expired tokens are refused.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn authenticate_token(app: &App, secret: &str) -> Result<Auth> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(Error::Unauthenticated);
    }
    let now = Utc::now();
    let t = app
        .store
        .token_by_hash(&sha256_hex(secret))
        .await?
        .ok_or(Error::Unauthenticated)?;
    let expired = t
        .expires_at
        .as_deref()
        .and_then(parse_ts)
        .is_some_and(|e| e <= now);
    if t.revoked_at.is_some() || expired {
        return Err(Error::Unauthenticated);
    }
    let stale = t
        .last_used_at
        .as_deref()
        .and_then(parse_ts)
        .is_none_or(|l| (now - l).num_seconds() >= 60);
    if stale {
        app.store
            .touch_token(&t.token_id, &format_timestamp(now))
            .await?;
    }
    Ok(Auth {
        user_id: t.user_id,
        email: t.email,
        display_name: t.display_name,
        must_change_password: false,
        locale: t.locale,
        via: Via::Token {
            token_id: t.token_id,
            org_id: t.org_id,
            scopes: t.scopes,
        },
        csrf: None,
    })
}

/// The person behind a session cookie, if the session is alive (idle and absolute expiry).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn authenticate_session(app: &App, secret: &str) -> Result<Option<Auth>> {
    let now = Utc::now();
    let id_hash = sha256_hex(secret);
    let Some(s) = app.store.session(&id_hash).await? else {
        return Ok(None);
    };
    let last_seen = parse_ts(&s.last_seen_at);
    let idle_expired = last_seen.is_none_or(|l| now - l > app.config.session_idle);
    let expired = parse_ts(&s.expires_at).is_none_or(|e| e <= now);
    // A session from an identity provider ends with the provider: one switched off or removed
    // (even while the sign-in was finishing) gives nothing — and never a password session.
    let provider_gone = s.sso_provider_id.is_some() && s.sso_org_id.is_none();
    if idle_expired || expired || provider_gone {
        app.store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    // Refresh the idle clock at most once a minute, so reading pages does not write every time.
    if last_seen.is_some_and(|l| (now - l).num_seconds() >= 60) {
        app.store
            .touch_session(&id_hash, &format_timestamp(now))
            .await?;
    }
    Ok(Some(Auth {
        user_id: s.user_id,
        email: s.email,
        display_name: s.display_name,
        must_change_password: s.must_change_password,
        locale: s.locale,
        via: Via::Session {
            id_hash,
            org_id: s.org_id,
            provider: s.sso_provider_id.zip(s.sso_org_id),
        },
        csrf: Some(s.csrf_token),
    }))
}

/// The person acting in one organisation: the token's, or the session's chosen one (the first
/// membership when none is chosen yet, remembered for the session).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn acting(app: &App, auth: Auth) -> Result<Acting> {
    let mut memberships = app.store.memberships_of_user(&auth.user_id).await?;
    let membership = match &auth.via {
        Via::Token { org_id, .. } => memberships
            .iter()
            .find(|m| &m.org_id == org_id)
            .cloned()
            .ok_or(Error::Forbidden)?,
        Via::Session {
            id_hash, org_id, ..
        } => {
            // A session acts only where its way of signing in is accepted (a password where
            // passwords are, a provider in its own organisation). With none left — the
            // organisation switched passwords off — the session ends.
            let method = auth.method();
            let had = !memberships.is_empty();
            memberships
                .retain(|m| tillit_domain::sso::may_act_in(method, &m.org_id, m.accepts_passwords));
            if had && memberships.is_empty() {
                app.store.delete_session(id_hash).await?;
                return Err(Error::Unauthenticated);
            }
            match org_id
                .as_ref()
                .and_then(|o| memberships.iter().find(|m| &m.org_id == o))
            {
                Some(m) => m.clone(),
                None => {
                    let first = memberships.first().cloned().ok_or(Error::NoOrganisation)?;
                    app.store.set_session_org(id_hash, &first.org_id).await?;
                    first
                }
            }
        }
    };
    Ok(Acting::new(auth, membership, memberships))
}

/// The person's memberships (any organisation).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn memberships(app: &App, auth: &Auth) -> Result<Vec<tillit_store::UserMembership>> {
    Ok(app.store.memberships_of_user(&auth.user_id).await?)
}

/// What a sign-in attempt gave.
pub enum SignIn {
    /// A new session: its secret (for the cookie) and whether the password must change first.
    SignedIn {
        session_secret: String,
        must_change_password: bool,
    },
    /// Wrong address or password (never told apart).
    Refused(ValidationErrors),
    /// The right password, but every organisation of the person signs in through its identity
    /// provider: these (id, name) are offered instead.
    ProviderRequired(Vec<(String, String)>),
}

/// Signs a person in with e-mail and password. Attempts are throttled per account and per client
/// address; an unknown address takes as long as a wrong password. A new session id is made at
/// every sign-in, and the session the browser had before (`old_session`) ends.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    client_ip: &str,
    old_session: Option<&str>,
) -> Result<SignIn> {
    let email = email.trim().to_lowercase();
    let mut errs = ValidationErrors::new();
    if email.is_empty() {
        errs.push(ValidationError::new("email", Rule::Required));
    } else if email.chars().count() > 254 {
        errs.push(ValidationError::new("email", Rule::TooLong { max: 254 }));
    }
    if password.is_empty() {
        errs.push(ValidationError::new("password", Rule::Required));
    } else if password.chars().count() > tillit_domain::user::PASSWORD_MAX_CHARS {
        errs.push(ValidationError::new(
            "password",
            Rule::TooLong {
                max: tillit_domain::user::PASSWORD_MAX_CHARS,
            },
        ));
    }
    errs.into_result()?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    // The attempt is counted before the (slow) password check, so parallel attempts — on this
    // instance or another on the same database — cannot all pass the throttle before any failure
    // is recorded.
    let reservation = match app
        .throttle
        .reserve(&app.store, &email, client_ip, now_ms)
        .await?
    {
        Ok(r) => r,
        Err(wait) => {
            tracing::warn!(email = %email, ip = %client_ip, "sign-in throttled");
            return Err(Error::TooManyAttempts {
                retry_after_secs: u64::try_from(wait.as_millis().div_ceil(1000))
                    .unwrap_or(u64::MAX)
                    .max(1),
            });
        }
    };
    let creds = app.store.user_by_email(&email).await?;
    let phc = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| app.dummy_hash.as_ref().clone());
    let verified = app.hashing.verify(password.to_string(), phc).await && creds.is_some();
    let Some(creds) = creds.filter(|_| verified) else {
        // The reservation stands as the failure.
        tracing::warn!(email = %email, ip = %client_ip, "sign-in failed");
        return Ok(SignIn::Refused(ValidationErrors::single(
            "password",
            Rule::Incorrect,
        )));
    };
    app.throttle
        .record_success(&app.store, &email, client_ip, &reservation)
        .await?;
    let memberships = app.store.memberships_of_user(&creds.user.id).await?;
    if !memberships.is_empty() && !memberships.iter().any(|m| m.accepts_passwords) {
        let mut offered = Vec::new();
        for p in app.store.enabled_sso_providers().await? {
            if memberships.iter().any(|m| m.org_id == p.org_id) {
                offered.push((p.id, p.name));
            }
        }
        app.store
            .record_event(
                &Actor::user(&creds.user.id, &creds.user.email),
                memberships.first().map(|m| m.org_id.as_str()),
                "auth.password_refused",
                "user",
                &creds.user.id,
                json!({"ip": client_ip, "reason": "password_sign_in_off"}),
            )
            .await?;
        return Ok(SignIn::ProviderRequired(offered));
    }
    if let Some(old) = old_session {
        app.store.delete_session(&sha256_hex(old)).await?;
    }
    start_session(
        app,
        &creds.user.id,
        &creds.user.email,
        creds.user.must_change_password,
        client_ip,
        None,
    )
    .await
}

/// A new session for a person who has proved who they are, in the organisation they last acted
/// in (while they are still a member there), else their first.
pub(crate) async fn start_session(
    app: &App,
    user_id: &str,
    email: &str,
    must_change_password: bool,
    client_ip: &str,
    provider: Option<(&str, &str)>,
) -> Result<SignIn> {
    let method = match provider {
        Some((_, org_id)) => tillit_domain::sso::SignInMethod::Provider { org_id },
        None => tillit_domain::sso::SignInMethod::Password,
    };
    let mut memberships = app.store.memberships_of_user(user_id).await?;
    memberships.retain(|m| tillit_domain::sso::may_act_in(method, &m.org_id, m.accepts_passwords));
    let last = app.store.last_org_of(user_id).await?;
    let org_id = last
        .filter(|l| memberships.iter().any(|m| &m.org_id == l))
        .or_else(|| memberships.first().map(|m| m.org_id.clone()));
    let secret = random_secret();
    let id_hash = sha256_hex(&secret);
    let now_ts = Utc::now();
    app.store
        .create_session(NewSession {
            id_hash: &id_hash,
            user_id,
            org_id: org_id.as_deref(),
            csrf_token: &random_secret(),
            now: &format_timestamp(now_ts),
            expires_at: &format_timestamp(now_ts + app.config.session_absolute),
            sso_provider_id: provider.map(|(id, _)| id),
        })
        .await?;
    app.store
        .record_event(
            &Actor::user(user_id, email),
            org_id.as_deref(),
            "auth.login",
            "user",
            user_id,
            json!({"ip": client_ip, "provider": provider.map(|(id, _)| id)}),
        )
        .await?;
    Ok(SignIn::SignedIn {
        session_secret: secret,
        must_change_password,
    })
}

/// Ends the session (if the person came by session).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_out(app: &App, auth: &Auth) -> Result<()> {
    if let Some(h) = auth.session_hash() {
        app.store.delete_session(h).await?;
    }
    Ok(())
}

/// Makes the session act in another of the person's organisations. Not a member there: the
/// organisation does not exist as far as this person can tell.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn switch_organisation(app: &App, auth: &Auth, org_id: &str) -> Result<()> {
    let Via::Session { id_hash, .. } = &auth.via else {
        return Err(Error::Forbidden);
    };
    if org_id.is_empty() {
        return Err(ValidationErrors::single("org_id", Rule::Required).into());
    }
    let memberships = app.store.memberships_of_user(&auth.user_id).await?;
    let m = memberships
        .iter()
        .find(|m| {
            m.org_id == org_id
                && tillit_domain::sso::may_act_in(auth.method(), &m.org_id, m.accepts_passwords)
        })
        .ok_or(Error::NotFound)?;
    app.store.set_session_org(id_hash, &m.org_id).await?;
    app.store.set_last_org(&auth.user_id, &m.org_id).await?;
    Ok(())
}

/// Remembers the person's language.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_locale(app: &App, auth: &Auth, locale: &str) -> Result<()> {
    app.store
        .set_user_locale(&auth.actor(), &auth.user_id, locale)
        .await?;
    Ok(())
}

/// Ends the sessions that have expired (idle or absolute); run periodically.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sweep_sessions(app: &App) -> Result<u64> {
    let now = Utc::now();
    let idle_before = format_timestamp(now - app.config.session_idle);
    Ok(app
        .store
        .delete_expired_sessions(&format_timestamp(now), &idle_before)
        .await?)
}

/// A member acting outside a request — the demo's seeding, a command-line job — with the
/// member's role in the organisation (by organisation number) and every token scope.
pub async fn acting_as_member(app: &App, email: &str, org_number: &str) -> Result<Acting> {
    let user = app
        .store
        .user_by_email(email)
        .await?
        .ok_or(Error::NotFound)?;
    let number = tillit_domain::org::OrgNumber::parse("org_number", org_number)?;
    let org = app
        .store
        .organisation_by_number(&number)
        .await?
        .ok_or(Error::NotFound)?;
    let auth = Auth {
        user_id: user.user.id.clone(),
        email: email.to_string(),
        display_name: user.user.display_name.clone(),
        must_change_password: false,
        locale: "sv".into(),
        via: Via::Token {
            token_id: "job".into(),
            org_id: org.id.clone(),
            scopes: tillit_domain::role::Scope::ALL.to_vec(),
        },
        csrf: None,
    };
    acting(app, auth).await
}
