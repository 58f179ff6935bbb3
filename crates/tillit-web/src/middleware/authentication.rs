//! Who is asking: an API token (`Authorization: Bearer …`) or a session cookie, checked once per
//! request through the application layer. A token that is wrong is an error (rendered by the
//! error layer, which knows the language); no credentials at all is an anonymous request.

use crate::context::{cookie, session_cookie_name};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use tillit_app::Auth;

/// The outcome of authentication, for the layers and extractors below.
#[derive(Clone, Debug)]
pub struct Authenticated(pub Option<Auth>);

/// Credentials were presented and refused; the error layer answers with this error.
#[derive(Clone, Debug)]
pub struct Refused(pub std::sync::Arc<AppError>);

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match credentials(&state, req.headers()).await {
        Ok(auth) => {
            req.extensions_mut().insert(Authenticated(auth));
        }
        Err(e) => {
            req.extensions_mut().insert(Authenticated(None));
            req.extensions_mut().insert(Refused(std::sync::Arc::new(e)));
        }
    }
    next.run(req).await
}

async fn credentials(state: &AppState, headers: &HeaderMap) -> Result<Option<Auth>, AppError> {
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
