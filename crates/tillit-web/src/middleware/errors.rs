//! Renders every error once, in the request's language: as an HTML page for a page request, as an
//! RFC 9457 problem document for the API. Handlers and the layers below return an `AppError`
//! (marked on the response); the timeout and body-limit layers answer with a status of their own,
//! which is rendered here too.

use super::authentication::Refused;
use crate::context::Ctx;
use crate::error::{AppError, ErrorMarker};
use crate::render::error_response_ref;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return next.run(req).await;
    };
    if let Some(Refused(e)) = req.extensions().get::<Refused>() {
        return error_response_ref(&state, &ctx, e);
    }
    let res = next.run(req).await;
    if let Some(marker) = res.extensions().get::<ErrorMarker>().cloned() {
        return error_response_ref(&state, &ctx, &marker.0);
    }
    match res.status() {
        StatusCode::SERVICE_UNAVAILABLE if is_bare(&res) => {
            tracing::warn!("request timed out");
            error_response_ref(&state, &ctx, &AppError::Timeout)
        }
        // Tillit's own answers of this status are marked errors; this is the body-limit layer's.
        StatusCode::PAYLOAD_TOO_LARGE => {
            error_response_ref(&state, &ctx, &AppError::PayloadTooLarge)
        }
        _ => res,
    }
}

/// A response with no content type: the timeout layer's status, not an answer of Tillit's (the
/// readiness check's 503 is text).
fn is_bare(res: &Response) -> bool {
    !res.headers().contains_key(axum::http::header::CONTENT_TYPE)
}
