//! Cross-site request forgery: a state-changing request made with a cookie (or anonymously) must
//! come from this site and carry the CSRF token — the session's, or the anonymous cookie's before
//! sign-in — in the `x-csrf-token` header or the form's `csrf` field (URL-encoded or multipart).
//! API tokens carry no ambient authority and need none; nor does an API request without any
//! credentials, which is refused as unauthenticated.

use super::language::anonymous_csrf;
use crate::context::{Ctx, MAX_MULTIPART_BYTES};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tillit_app::{security, Auth};

/// The largest form body read to find the CSRF token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let ctx = req.extensions().get::<Ctx>();
    let auth = ctx.and_then(|c| c.auth.clone());
    let anonymous_api = ctx.is_some_and(|c| c.is_api) && auth.is_none();
    // An API request without credentials carries no ambient authority to forge: it goes on to be
    // refused as unauthenticated (401), not as a CSRF failure.
    if !unsafe_method || anonymous_api || auth.as_ref().is_some_and(Auth::is_token) {
        return next.run(req).await;
    }
    match verified(&state, req, auth).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn verified(state: &AppState, req: Request, auth: Option<Auth>) -> Result<Request, AppError> {
    let headers = req.headers().clone();
    if !same_origin(&headers) {
        return Err(AppError::Csrf);
    }
    let expected = match auth.and_then(|a| a.csrf) {
        Some(c) => Some(c),
        None => {
            let key = state.csrf_key().await?;
            anonymous_csrf(&headers, key, state.config.secure_cookies)
        }
    };
    let mut presented = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut req = req;
    if presented.is_none() && is_form(&headers) {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        presented = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v));
        req = Request::from_parts(parts, Body::from(bytes));
    } else if let (None, Some(boundary)) = (&presented, multipart_boundary(&headers)) {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_MULTIPART_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        presented = multipart_csrf(&bytes, &boundary);
        req = Request::from_parts(parts, Body::from(bytes));
    }
    match (expected, presented) {
        (Some(e), Some(p)) if security::secrets_equal(&e, &p) => Ok(req),
        _ => Err(AppError::Csrf),
    }
}

/// When the browser says where the request comes from, it must be this site.
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
