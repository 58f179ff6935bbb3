//! The web layer's one error type, mapped once to a status and to either an HTML page or an
//! RFC 9457 problem document, in the request's language. Handlers return `AppError`; the context
//! middleware renders it, because only it knows whether the request was for a page or the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tillit_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("the password must be changed first")]
    MustChangePassword,
    #[error("not allowed")]
    Forbidden,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("too many failed attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("the request took too long")]
    Timeout,
    #[error("no membership in any organisation")]
    NoOrganisation,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::MustChangePassword
            | AppError::Forbidden
            | AppError::Csrf
            | AppError::NoOrganisation => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(v) if conflicts_with_records(v) => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Machine-readable problem type, and the i18n key of the title.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::MustChangePassword => "must-change-password",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not-found",
            AppError::Invalid(v) if conflicts_with_records(v) => "conflict",
            AppError::Invalid(_) => "invalid",
            AppError::TooManyAttempts { .. } => "too-many-attempts",
            AppError::UnsupportedMediaType => "unsupported-media-type",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::Timeout => "timeout",
            AppError::NoOrganisation => "no-organisation",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// Every error of the body is one the OpenAPI document cannot state: the body is well formed but
/// does not fit the organisation's data as it is now (see `Rule::depends_on_records`).
fn conflicts_with_records(v: &ValidationErrors) -> bool {
    !v.0.is_empty() && v.0.iter().all(|e| e.rule.depends_on_records())
}

impl From<tillit_app::Error> for AppError {
    fn from(e: tillit_app::Error) -> Self {
        use tillit_app::Error as E;
        match e {
            E::Unauthenticated => AppError::Unauthenticated,
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::Invalid(v) => AppError::Invalid(v),
            E::TooManyAttempts { retry_after_secs } => {
                AppError::TooManyAttempts { retry_after_secs }
            }
            E::NoOrganisation => AppError::NoOrganisation,
            E::Internal(m) => AppError::Internal(m),
        }
    }
}

/// Carries the error from the handler to the context middleware, which renders it.
#[derive(Clone)]
pub struct ErrorMarker(pub Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(msg) = &self {
            tracing::error!(error = %msg, "internal error");
        }
        let mut res = self.status().into_response();
        res.extensions_mut().insert(ErrorMarker(Arc::new(self)));
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;
