//! Static assets, embedded in the binary. URLs carry a version so they can be cached for long.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

const APP_CSS: &[u8] = include_bytes!("../static/app.css");
const HTMX_JS: &[u8] = include_bytes!("../static/htmx.min.js");
const FAVICON: &[u8] = include_bytes!("../static/favicon.svg");
const NAV_JS: &[u8] = include_bytes!("../static/nav.js");

/// Changes whenever the assets of this build change (the crate version is enough: assets ship
/// inside the binary).
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

pub async fn serve_static(Path(name): Path<String>) -> Response {
    let (body, ctype) = match name.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX_JS, "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        "nav.js" => (NAV_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    res
}
