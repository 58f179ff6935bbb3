//! The language of the answer, and the request's context ([`Ctx`]) that handlers and the error
//! layer read: pages take the language switch's cookie, then the account's language, then the
//! browser's; the API takes the client's `Accept-Language`, then the account's. Swedish by
//! default. Forms get the session's CSRF token, or an anonymous one set as a cookie on the page.

use super::authentication::Authenticated;
use super::request::RequestMeta;
use crate::context::{anon_csrf_cookie_name, cookie, set_cookie, Ctx, LANG_COOKIE};
use crate::i18n::{Locale, Tr};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use tillit_app::security;

pub async fn choose(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let auth = req
        .extensions()
        .get::<Authenticated>()
        .and_then(|a| a.0.clone());
    let meta = req.extensions().get::<RequestMeta>().cloned();
    let headers = req.headers();
    let locale = pick_locale(headers, auth.as_ref().map(|a| a.locale.as_str()), is_api);
    let session_csrf = auth.as_ref().and_then(|a| a.csrf.clone());
    // Only a signed-out request needs the anonymous token; a key that cannot be read leaves the
    // request without one, and its form posts are refused.
    let key = match session_csrf {
        Some(_) => None,
        None => state.csrf_key().await.ok(),
    };
    let anon_csrf = key.and_then(|k| anonymous_csrf(headers, k, state.config.secure_cookies));
    let new_anon_csrf = match (&session_csrf, &anon_csrf, key) {
        (None, None, Some(k)) => Some(security::signed_token(k)),
        _ => None,
    };
    let ctx = Ctx {
        tr: Tr::new(state.i18n.clone(), locale),
        auth,
        is_api,
        csrf: session_csrf
            .or(anon_csrf)
            .or(new_anon_csrf.clone())
            .unwrap_or_default(),
        path,
        client_ip: meta
            .as_ref()
            .map(|m| m.client_ip.to_string())
            .unwrap_or_else(|| "unknown".into()),
        request_id: meta.map(|m| m.id).unwrap_or_default(),
    };
    req.extensions_mut().insert(ctx);
    let res = next.run(req).await;
    with_anon_cookie(&state, res, new_anon_csrf)
}

/// The anonymous CSRF cookie, when it is a token this installation issued.
pub(crate) fn anonymous_csrf(headers: &HeaderMap, key: &[u8], secure: bool) -> Option<String> {
    cookie(headers, anon_csrf_cookie_name(secure)).filter(|c| security::verify_signed_token(key, c))
}

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
                anon_csrf_cookie_name(state.config.secure_cookies),
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
