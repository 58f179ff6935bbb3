//! The request's context as handlers see it, made by the middleware (`crate::middleware`) before
//! any handler runs: who is asking, in which language, the CSRF token for forms, the client's
//! address and the request id. Handlers get it through extractors; the `Member` extractor adds
//! the organisation the request acts in, through the application layer.

use crate::error::AppError;
use crate::i18n::{Locale, Tr};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use tillit_app::Acting;
use tillit_domain::role::{Permission, Scope};

pub const LANG_COOKIE: &str = "tillit_lang";
/// The anonymous CSRF cookie (before sign-in). With secure cookies it has the `__Host-` prefix,
/// so no other site — not a sibling subdomain either — can set it.
pub fn anon_csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-tillit_csrf"
    } else {
        "tillit_csrf"
    }
}
pub use tillit_app::auth::TOKEN_PREFIX;
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
    /// The id in the request's log lines and its `x-request-id` header.
    pub request_id: String,
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
        // The account pages (where the password is changed) take a `CurrentUser`; the API takes
        // nothing before the password is changed.
        if auth.must_change_password && ctx.is_api {
            return Err(AppError::MustChangePassword);
        }
        Ok(CurrentUser { ctx, auth })
    }
}

/// A signed-in member acting in one organisation (the session's chosen one, or the token's).
pub struct Member {
    pub ctx: Ctx,
    /// Who acts — the person, the membership they act in, all their memberships — for the
    /// application layer's commands and queries and for the page shell.
    pub who: Acting,
    /// Reports still to send for incidents, soonest first, for the navigation and the overview
    /// (read for pages only).
    pub reports_due: Vec<tillit_app::incidents::DueReport>,
    /// The next scheduled submission when it is due within two weeks or overdue (read for pages
    /// only).
    pub submission_due: Option<tillit_app::submissions::Schedule>,
    /// Supervision requests from authorities still to answer (read for pages only).
    pub supervision_open: usize,
    /// The application the member acts in, for the handler's commands and queries.
    pub state: AppState,
}

impl Member {
    pub fn new(ctx: Ctx, who: Acting, state: AppState) -> Member {
        Member {
            state,
            ctx,
            who,
            reports_due: Vec::new(),
            submission_due: None,
            supervision_open: 0,
        }
    }

    /// Reads the reports still to send, for a page's navigation (a care provider's member who
    /// may see the registers).
    pub async fn count_reports_due(&mut self, state: &AppState) -> Result<(), AppError> {
        if self.who.org_kind().side() == tillit_domain::org::Side::Provider
            && self.may(Permission::ViewRegisters)
        {
            self.reports_due = tillit_app::incidents::reports_due(&state.app, &self.who).await?;
            self.submission_due = tillit_app::submissions::schedule(&state.app, &self.who)
                .await?
                .filter(|s| s.days_left(tillit_app::today_date()) <= 14);
            self.supervision_open =
                tillit_app::supervision::provider_open_items(&state.app, &self.who).await?;
        }
        Ok(())
    }

    /// The application layer, for a command or query in the member's name.
    pub fn app(&self) -> &tillit_app::App {
        &self.state.app
    }

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
        // Until a one-time password is changed, only the password change itself may succeed —
        // on the pages (which lead there) and in the API alike.
        if auth.must_change_password {
            return Err(AppError::MustChangePassword);
        }
        let who = tillit_app::auth::acting(&state.app, auth).await?;
        let is_page = !ctx.is_api && parts.method == axum::http::Method::GET;
        let mut m = Member::new(ctx, who, state.clone());
        if is_page {
            m.count_reports_due(state).await?;
        }
        Ok(m)
    }
}
