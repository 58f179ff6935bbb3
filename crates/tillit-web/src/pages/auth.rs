//! Signing in and out, switching organisation and language.

use super::{FieldError, PageCommon};
use crate::context::{cookie, session_cookie_name, set_cookie, Ctx, CurrentUser, Via, LANG_COOKIE};
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::i18n::Locale;
use crate::render::{page, safe_return_path, see_other};
use crate::security;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use std::collections::HashMap;
use std::time::Instant;
use tillit_domain::{Rule, ValidationError, ValidationErrors};
use tillit_store::{format_timestamp, Actor, NewSession};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: PageCommon,
    email: String,
    next: String,
    errors: Vec<FieldError>,
}

pub async fn root(ctx: Ctx) -> Response {
    see_other(if ctx.auth.is_some() {
        "/overview"
    } else {
        "/login"
    })
}

pub async fn login_page(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let next = q
        .get("next")
        .and_then(|n| safe_return_path(n))
        .unwrap_or("/overview")
        .to_string();
    if ctx.auth.is_some() {
        return see_other(&next);
    }
    let tpl = LoginPage {
        c: PageCommon::bare(&ctx, ctx.tr.t("login-title")),
        email: String::new(),
        next,
        errors: vec![],
    };
    page(StatusCode::OK, &tpl)
}

fn login_again(
    ctx: &Ctx,
    status: StatusCode,
    email: &str,
    next: &str,
    errors: ValidationErrors,
) -> Response {
    let tpl = LoginPage {
        c: PageCommon::bare(ctx, ctx.tr.t("login-title")),
        email: email.to_string(),
        next: next.to_string(),
        errors: FieldError::list(&ctx.tr, &errors),
    };
    page(status, &tpl)
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormFields,
) -> AppResult<Response> {
    let email = form.get("email").trim().to_lowercase();
    let password = form.get("password").to_string();
    let next = safe_return_path(form.get("next"))
        .unwrap_or("/overview")
        .to_string();
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
    if !errs.is_empty() {
        return Ok(login_again(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            &next,
            errs,
        ));
    }
    let now = Instant::now();
    if let Some(wait) = state.throttle.blocked(&email, &ctx.client_ip, now) {
        tracing::warn!(email = %email, ip = %ctx.client_ip, "sign-in throttled");
        return Err(AppError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let creds = state.store.user_by_email(&email).await?;
    let phc = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.as_ref().clone());
    let verified = state.hashing.verify(password, phc).await && creds.is_some();
    let Some(creds) = creds.filter(|_| verified) else {
        state.throttle.record_failure(&email, &ctx.client_ip, now);
        tracing::warn!(email = %email, ip = %ctx.client_ip, "sign-in failed");
        return Ok(login_again(
            &ctx,
            StatusCode::UNAUTHORIZED,
            &email,
            &next,
            ValidationErrors::single("password", Rule::Incorrect),
        ));
    };
    state.throttle.record_success(&email);

    // A new session id at every sign-in; any session the browser had before ends.
    let cookie_name = session_cookie_name(state.config.secure_cookies);
    if let Some(old) = cookie(&headers, cookie_name) {
        state
            .store
            .delete_session(&security::sha256_hex(&old))
            .await?;
    }
    let memberships = state.store.memberships_of_user(&creds.user.id).await?;
    let org_id = memberships.first().map(|m| m.org_id.clone());
    let secret = security::random_secret();
    let id_hash = security::sha256_hex(&secret);
    let now_ts = chrono::Utc::now();
    state
        .store
        .create_session(NewSession {
            id_hash: &id_hash,
            user_id: &creds.user.id,
            org_id: org_id.as_deref(),
            csrf_token: &security::random_secret(),
            now: &format_timestamp(now_ts),
            expires_at: &format_timestamp(now_ts + state.config.session_absolute),
        })
        .await?;
    state
        .store
        .record_event(
            &Actor::user(&creds.user.id, &creds.user.email),
            org_id.as_deref(),
            "auth.login",
            "user",
            &creds.user.id,
            json!({"ip": ctx.client_ip}),
        )
        .await?;
    let to = if creds.user.must_change_password {
        "/account?must_change=1#password".to_string()
    } else {
        next
    };
    let mut res = see_other(&to);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            cookie_name,
            &secret,
            state.config.secure_cookies,
            true,
            "Lax",
            None,
        ),
    );
    Ok(res)
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    if let Some(h) = user.auth.session_hash() {
        state.store.delete_session(h).await?;
    }
    let mut res = see_other("/login");
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            session_cookie_name(state.config.secure_cookies),
            "",
            state.config.secure_cookies,
            true,
            "Lax",
            Some(0),
        ),
    );
    Ok(res)
}

pub async fn switch_org(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormFields,
) -> AppResult<Response> {
    let Via::Session { id_hash, .. } = &user.auth.via else {
        return Err(AppError::Forbidden);
    };
    let org_id = form.get("org_id");
    if org_id.is_empty() {
        return Err(ValidationErrors::single("org_id", Rule::Required).into());
    }
    let memberships = state.store.memberships_of_user(&user.auth.user_id).await?;
    // Not a member there: the organisation does not exist as far as this user can tell.
    let m = memberships
        .iter()
        .find(|m| m.org_id == org_id)
        .ok_or(AppError::NotFound)?;
    state.store.set_session_org(id_hash, &m.org_id).await?;
    Ok(see_other("/overview?done=org-switched"))
}

pub async fn switch_language(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormFields,
) -> AppResult<Response> {
    let locale = Locale::parse(form.get("lang")).ok_or_else(|| {
        ValidationErrors::single(
            "lang",
            if form.get("lang").is_empty() {
                Rule::Required
            } else {
                Rule::UnknownValue
            },
        )
    })?;
    if let Some(a) = &ctx.auth {
        state
            .store
            .set_user_locale(&a.actor(), &a.user_id, locale.key())
            .await?;
    }
    let back = safe_return_path(form.get("return_to")).unwrap_or("/");
    let mut res = see_other(back);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            locale.key(),
            state.config.secure_cookies,
            false,
            "Lax",
            Some(365 * 24 * 3600),
        ),
    );
    Ok(res)
}
