//! The middleware every request passes, outermost first, each in its own module:
//!
//! 1. security headers (`crate::security`);
//! 2. [`request`]: a request id (on every log line of the request and in the `x-request-id`
//!    response header), the client's address (trusted proxies), the request's log line;
//! 3. [`authentication`]: the session cookie or API token, checked once;
//! 4. [`language`]: the language of the answer, and the request's [`Ctx`](crate::context::Ctx);
//! 5. [`errors`]: renders every error below it once, as a page or a problem document;
//! 6. the request timeout and the body-size limit (`tower-http`);
//! 7. [`csrf`]: a state-changing request made with a cookie must carry the CSRF token.

pub mod authentication;
pub mod client;
pub mod csrf;
pub mod errors;
pub mod language;
pub mod request;

use crate::state::AppState;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest body of any request (an evidence file with its form fields); routes set their own
/// lower limits.
pub const MAX_BODY_BYTES: usize = crate::context::MAX_MULTIPART_BYTES;

/// Wraps the routes in the middleware, in the order above.
pub fn stack(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let hsts = state.config.secure_cookies;
    routes
        .layer(from_fn_with_state(state.clone(), csrf::check))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout,
        ))
        .layer(from_fn_with_state(state.clone(), errors::render))
        .layer(from_fn_with_state(state.clone(), language::choose))
        .layer(from_fn_with_state(
            state.clone(),
            authentication::authenticate,
        ))
        .layer(from_fn_with_state(state.clone(), request::identify))
        .layer(from_fn(move |req, next| {
            crate::security::security_headers(hsts, req, next)
        }))
}
