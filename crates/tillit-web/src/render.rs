//! Turning results into responses: HTML pages, and errors as pages or RFC 9457 problem documents.

use crate::context::Ctx;
use crate::error::AppError;
use crate::pages::{FieldError, PageCommon};
use crate::state::AppState;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// Renders a page with a status.
pub fn page<T: Template>(status: StatusCode, tpl: &T) -> Response {
    match tpl.render() {
        Ok(body) => {
            let mut res = (status, body).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            res
        }
        Err(e) => AppError::internal(format!("template: {e}")).into_response(),
    }
}

/// 303 See Other: the answer to a successful form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A local path to return to: must start with one `/` and stay on this site.
pub fn safe_return_path(p: &str) -> Option<&str> {
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(char::is_control);
    ok.then_some(p)
}

pub fn error_response(state: &AppState, ctx: &Ctx, e: AppError) -> Response {
    error_response_ref(state, ctx, &e)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: PageCommon,
    heading: String,
    message: String,
    errors: Vec<FieldError>,
    back_href: String,
    back_label: String,
}

pub fn error_response_ref(_state: &AppState, ctx: &Ctx, e: &AppError) -> Response {
    let tr = &ctx.tr;
    let status = e.status();
    let title = tr.t(&format!("error-{}", e.code()));
    let detail = tr.t(&format!("error-{}-detail", e.code()));
    let mut res = if ctx.is_api {
        let errors: Vec<_> = match e {
            AppError::Invalid(v) => v
                .0
                .iter()
                .map(|fe| json!({"field": fe.field, "rule": fe.rule.code(), "message": format!("{}: {}", tr.field(&fe.field), tr.rule(fe))}))
                .collect(),
            _ => vec![],
        };
        let mut body = json!({
            "type": format!("urn:tillit:problem:{}", e.code()),
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        if !errors.is_empty() {
            body["errors"] = json!(errors);
        }
        let mut res = (status, body.to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(e, AppError::Unauthenticated) {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tillit\""),
            );
        }
        res
    } else {
        match e {
            AppError::Unauthenticated => {
                let next = if ctx.path.starts_with("/login") {
                    "/overview".to_string()
                } else {
                    ctx.path.clone()
                };
                let to = format!("/login?next={}", urlencode(&next));
                return see_other(&to);
            }
            AppError::MustChangePassword => return see_other("/account?must_change=1#password"),
            _ => {}
        }
        let errors = match e {
            AppError::Invalid(v) => FieldError::list(tr, v),
            _ => vec![],
        };
        let signed_in = ctx.auth.is_some();
        let tpl = ErrorPage {
            c: PageCommon::bare(ctx, title.clone()),
            heading: title,
            message: detail,
            errors,
            back_href: if signed_in {
                "/overview".into()
            } else {
                "/login".into()
            },
            back_label: tr.t(if signed_in {
                "error-back-overview"
            } else {
                "error-back-login"
            }),
        };
        page(status, &tpl)
    };
    if let AppError::TooManyAttempts { retry_after_secs } = e {
        if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
