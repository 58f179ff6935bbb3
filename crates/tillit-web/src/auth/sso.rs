//! Single sign-on in the browser: the start that sends a person to their organisation's identity
//! provider, the callback it returns to, and the page that says why a sign-in failed.

use crate::context::{cookie, session_cookie_name, set_cookie, Ctx};
use crate::error::AppResult;
use crate::forms::Params;
use crate::pages::PageCommon;
use crate::render::{page, safe_return_path, see_other, urlencode};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use tillit_app::sso::{Begun, Callback, Failed, Failure, Finished};

/// The cookie that carries a sign-in's state from its start to its callback in the same browser:
/// `__Host-` over HTTPS, so that no other host (a sibling domain) can set it.
pub fn state_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-tillit_sso_state"
    } else {
        "tillit_sso_state"
    }
}

#[derive(Template)]
#[template(path = "sso_failed.html")]
struct FailedPage {
    c: PageCommon,
    heading: String,
    reason: String,
    provider: String,
    retry: String,
    code: String,
}

/// The address of this Tillit as the browser reaches it: the configured public address, else
/// the request's host (only a host name and port are taken from it).
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

fn failed_page(ctx: &Ctx, f: &Failed) -> Response {
    let tr = &ctx.tr;
    let status = match f.failure {
        Failure::Unreachable => StatusCode::BAD_GATEWAY,
        Failure::UnknownProvider => StatusCode::NOT_FOUND,
        Failure::SecretMissing => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNAUTHORIZED,
    };
    let tpl = FailedPage {
        c: PageCommon::bare(ctx, tr.t("sso-failed-title")),
        heading: tr.t("sso-failed-title"),
        reason: tr.t(&format!(
            "sso-failure-{}",
            f.failure.key().replace('_', "-")
        )),
        provider: f
            .provider
            .as_deref()
            .map(|p| tr.f("sso-failed-provider", &[("provider", p.to_string())]))
            .unwrap_or_default(),
        retry: f
            .provider_id
            .as_deref()
            .filter(|_| !matches!(f.failure, Failure::UnknownProvider))
            .map(|id| format!("/sso/{}/start", urlencode(id)))
            .unwrap_or_default(),
        code: f.failure.key().to_string(),
    };
    page(status, &tpl)
}

/// Where to go after signing in (a local path).
#[derive(Debug, Default, serde::Deserialize)]
pub struct StartParams {
    pub next: Option<String>,
}

/// Sends the browser to the provider, with a fresh state in a cookie.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Params(q): Params<StartParams>,
) -> AppResult<Response> {
    let next = q
        .next
        .as_deref()
        .and_then(safe_return_path)
        .unwrap_or("/overview")
        .to_string();
    let callback = format!("{}/sso/callback", base_url(&state, &headers));
    match tillit_app::sso::begin(&state.app, &id, &callback, &next, &ctx.client_ip).await? {
        Begun::Redirect { url, state: s } => {
            let mut res = see_other(&url);
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    state_cookie(state.config.secure_cookies),
                    &s,
                    state.config.secure_cookies,
                    true,
                    // Lax: the provider sends the browser back with a top-level GET.
                    "Lax",
                    Some(tillit_app::sso::SIGN_IN_MINUTES * 60),
                ),
            );
            Ok(res)
        }
        Begun::Failed(f) => Ok(failed_page(&ctx, &f)),
    }
}

/// The provider's answer: a session, or a page that says why not.
pub async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Params(cb): Params<Callback>,
) -> AppResult<Response> {
    let cookie_name = session_cookie_name(state.config.secure_cookies);
    let old = cookie(&headers, cookie_name);
    let from_browser = cookie(&headers, state_cookie(state.config.secure_cookies));
    let outcome = tillit_app::sso::finish(
        &state.app,
        &cb,
        from_browser.as_deref(),
        &ctx.client_ip,
        old.as_deref(),
    )
    .await?;
    let clear = set_cookie(
        state_cookie(state.config.secure_cookies),
        "",
        state.config.secure_cookies,
        true,
        "Lax",
        Some(0),
    );
    let mut res = match outcome {
        Finished::SignedIn {
            session_secret,
            must_change_password,
            return_to,
        } => {
            let to = if must_change_password {
                "/account?must_change=1#password".to_string()
            } else {
                safe_return_path(&return_to)
                    .unwrap_or("/overview")
                    .to_string()
            };
            let mut res = see_other(&to);
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    cookie_name,
                    &session_secret,
                    state.config.secure_cookies,
                    true,
                    "Lax",
                    None,
                ),
            );
            res
        }
        Finished::Failed(f) => failed_page(&ctx, &f),
    };
    res.headers_mut().append(header::SET_COOKIE, clear);
    Ok(res)
}
