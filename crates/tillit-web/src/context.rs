//! Per-request context, made once by a middleware before any handler runs: who is asking (session
//! cookie or API token), in which language, and — for every state-changing request made with a
//! cookie — whether it carries the right CSRF token. Handlers get it through extractors; the
//! `Member` extractor adds the organisation the request acts in, checked against the memberships.

use crate::error::{AppError, ErrorMarker};
use crate::i18n::{Locale, Tr};
use crate::render;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use tillit_app::security;
use tillit_app::views::UserMembership;
use tillit_app::Acting;
use tillit_domain::role::{Permission, Scope};

pub const LANG_COOKIE: &str = "tillit_lang";
pub const ANON_CSRF_COOKIE: &str = "tillit_csrf";
pub use tillit_app::auth::TOKEN_PREFIX;
/// The largest form body read to find the CSRF token.
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// The largest multipart body (an evidence file and its form fields).
pub const MAX_MULTIPART_BYTES: usize = tillit_domain::assessment::MAX_EVIDENCE_BYTES + 64 * 1024;

pub use tillit_app::{Auth, Via};

#[derive(Clone)]
pub struct Ctx {
    pub tr: Tr,
    pub auth: Option<Auth>,
    pub is_api: bool,
    /// The CSRF token to put in forms: the session's, or the anonymous cookie's.
    pub csrf: String,
    /// Path and query of this request, for returning after sign-in.
    pub path: String,
    pub client_ip: String,
}

impl Ctx {
    pub fn locale(&self) -> Locale {
        self.tr.locale
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-tillit_session"
    } else {
        "tillit_session"
    }
}

/// A `Set-Cookie` value. Session and CSRF cookies are HttpOnly; all are path `/`.
pub fn set_cookie(
    name: &str,
    value: &str,
    secure: bool,
    http_only: bool,
    same_site: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; SameSite={same_site}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Auth>, AppError> {
    if let Some(authz) = headers.get(header::AUTHORIZATION) {
        let value = authz.to_str().map_err(|_| AppError::Unauthenticated)?;
        let secret = value
            .strip_prefix("Bearer ")
            .ok_or(AppError::Unauthenticated)?
            .trim();
        return Ok(Some(
            tillit_app::auth::authenticate_token(&state.app, secret).await?,
        ));
    }
    let Some(secret) = cookie(headers, session_cookie_name(state.config.secure_cookies)) else {
        return Ok(None);
    };
    Ok(tillit_app::auth::authenticate_session(&state.app, &secret).await?)
}

/// Pages: the language chosen with the switch (cookie), then the account's, then the browser's.
/// API: the client's Accept-Language first, then the account's. Swedish by default.
fn pick_locale(headers: &HeaderMap, user_locale: Option<&str>, is_api: bool) -> Locale {
    let accept = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .and_then(Locale::from_accept_language)
    };
    let chosen = || cookie(headers, LANG_COOKIE).and_then(|c| Locale::parse(&c));
    let account = || user_locale.and_then(Locale::parse);
    if is_api {
        accept().or_else(account).unwrap_or(Locale::Sv)
    } else {
        chosen()
            .or_else(account)
            .or_else(accept)
            .unwrap_or(Locale::Sv)
    }
}

/// Rejects a cross-site request: when the browser says where the request comes from, it must be
/// this site.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" {
            return false;
        }
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        _ => true,
    }
}

/// The boundary of a `multipart/form-data` body (file uploads).
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.starts_with("multipart/form-data") {
        return None;
    }
    ct.split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
        .next()
}

/// The value of the `csrf` field of a multipart body, if it has one.
pub(crate) fn multipart_csrf(body: &[u8], boundary: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    // The first piece is the preamble before the first delimiter, not a part.
    text.split(delimiter.as_str()).skip(1).find_map(|part| {
        let (head, value) = part.split_once("\r\n\r\n")?;
        let named_csrf = head.lines().any(|l| {
            let l = l.to_ascii_lowercase();
            l.starts_with("content-disposition:") && l.contains("name=\"csrf\"")
        });
        named_csrf.then(|| value.trim_end_matches("\r\n").to_string())
    })
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

pub async fn context_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let client_ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let headers = req.headers().clone();
    let auth_result = authenticate(&state, &headers).await;
    let user_locale = match &auth_result {
        Ok(Some(a)) => Some(a.locale.clone()),
        _ => None,
    };
    let locale = pick_locale(&headers, user_locale.as_deref(), is_api);
    let tr = Tr::new(state.i18n.clone(), locale);
    let anon_csrf = cookie(&headers, ANON_CSRF_COOKIE).filter(|c| c.len() == 64);
    let mut ctx = Ctx {
        tr,
        auth: None,
        is_api,
        csrf: String::new(),
        path,
        client_ip,
    };

    let auth = match auth_result {
        Ok(a) => a,
        Err(e) => return render::error_response(&state, &ctx, e),
    };
    let session_csrf = auth.as_ref().and_then(|a| a.csrf.clone());
    let new_anon_csrf = if session_csrf.is_none() && anon_csrf.is_none() {
        Some(security::random_secret())
    } else {
        None
    };
    ctx.csrf = session_csrf
        .clone()
        .or(anon_csrf.clone())
        .or(new_anon_csrf.clone())
        .unwrap_or_default();
    let via_token = auth.as_ref().is_some_and(Auth::is_token);
    ctx.auth = auth;

    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !via_token {
        // Cookie-authenticated (or anonymous) state change: needs the CSRF token.
        if !same_origin(&headers) {
            return render::error_response(&state, &ctx, AppError::Csrf);
        }
        let expected = session_csrf.or(anon_csrf);
        let mut presented = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if presented.is_none() && is_form(&headers) {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
                Ok(b) => b,
                Err(_) => return render::error_response(&state, &ctx, AppError::PayloadTooLarge),
            };
            presented = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v));
            req = Request::from_parts(parts, Body::from(bytes));
        } else if let (None, Some(boundary)) = (&presented, multipart_boundary(&headers)) {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, MAX_MULTIPART_BYTES).await {
                Ok(b) => b,
                Err(_) => return render::error_response(&state, &ctx, AppError::PayloadTooLarge),
            };
            presented = multipart_csrf(&bytes, &boundary);
            req = Request::from_parts(parts, Body::from(bytes));
        }
        let ok = match (expected, presented) {
            (Some(e), Some(p)) => security::secrets_equal(&e, &p),
            _ => false,
        };
        if !ok {
            return render::error_response(&state, &ctx, AppError::Csrf);
        }
    }

    req.extensions_mut().insert(ctx.clone());
    let mut res = next.run(req).await;
    if let Some(marker) = res.extensions().get::<ErrorMarker>().cloned() {
        res = render::error_response_ref(&state, &ctx, &marker.0);
    }
    with_anon_cookie(&state, res, new_anon_csrf)
}

fn with_anon_cookie(
    state: &AppState,
    mut res: Response,
    new_anon_csrf: Option<String>,
) -> Response {
    // Only pages carry forms; health checks, assets and the API get no cookie.
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let Some(c) = new_anon_csrf.filter(|_| is_html) {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                ANON_CSRF_COOKIE,
                &c,
                state.config.secure_cookies,
                true,
                "Strict",
                None,
            ),
        );
    }
    res
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context missing"))
    }
}

/// A signed-in user (any organisation, or none).
pub struct CurrentUser {
    pub ctx: Ctx,
    pub auth: Auth,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let auth = ctx.auth.clone().ok_or(AppError::Unauthenticated)?;
        Ok(CurrentUser { ctx, auth })
    }
}

/// A signed-in member acting in one organisation (the session's chosen one, or the token's).
pub struct Member {
    pub ctx: Ctx,
    pub auth: Auth,
    /// Who acts, for the application layer's commands and queries.
    pub who: Acting,
    pub membership: UserMembership,
    pub memberships: Vec<UserMembership>,
}

impl Member {
    /// The one authorisation check: the role must allow it, and a token must carry the scope.
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        Ok(self.who.require(p)?)
    }

    /// For actions on the user's own things (their tokens): only the token scope is checked.
    pub fn require_scope(&self, scope: Scope) -> Result<(), AppError> {
        Ok(self.who.require_scope(scope)?)
    }

    pub fn may(&self, p: Permission) -> bool {
        self.who.may(p)
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser { ctx, auth } = CurrentUser::from_request_parts(parts, state).await?;
        if auth.must_change_password && !ctx.is_api {
            return Err(AppError::MustChangePassword);
        }
        let who = tillit_app::auth::acting(&state.app, auth.clone()).await?;
        Ok(Member {
            ctx,
            auth,
            membership: who.membership().clone(),
            memberships: who.memberships.clone(),
            who,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_csrf_field_is_found_in_a_multipart_body() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n";
        assert_eq!(
            super::multipart_csrf(body, "XyZ").as_deref(),
            Some("abc123")
        );
        assert_eq!(super::multipart_csrf(body, "Other"), None);
        let no_token =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ncsrf\r\n--XyZ--\r\n";
        assert_eq!(super::multipart_csrf(no_token, "XyZ"), None);
    }
}
