//! Signing in and out, switching organisation and language.

use crate::context::{cookie, session_cookie_name, set_cookie, Ctx, CurrentUser, LANG_COOKIE};
use crate::error::AppResult;
use crate::forms::FormFields;
use crate::forms::Params;
use crate::i18n::Locale;
use crate::pages::{FieldError, PageCommon};
use crate::render::{page, safe_return_path, see_other};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use tillit_app::auth::SignIn;
use tillit_domain::{Rule, ValidationErrors};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: PageCommon,
    email: String,
    next: String,
    errors: Vec<FieldError>,
}

pub async fn root(ctx: Ctx) -> Response {
    see_other(if ctx.auth.is_some() {
        "/overview"
    } else {
        "/login"
    })
}

/// Where to go after signing in (a local path).
#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginParams {
    pub next: Option<String>,
}

pub async fn login_page(ctx: Ctx, Params(q): Params<LoginParams>) -> Response {
    let next = q
        .next
        .as_deref()
        .and_then(|n| safe_return_path(n))
        .unwrap_or("/overview")
        .to_string();
    if ctx.auth.is_some() {
        return see_other(&next);
    }
    let tpl = LoginPage {
        c: PageCommon::bare(&ctx, ctx.tr.t("login-title")),
        email: String::new(),
        next,
        errors: vec![],
    };
    page(StatusCode::OK, &tpl)
}

fn login_again(
    ctx: &Ctx,
    status: StatusCode,
    email: &str,
    next: &str,
    errors: ValidationErrors,
) -> Response {
    let tpl = LoginPage {
        c: PageCommon::bare(ctx, ctx.tr.t("login-title")),
        email: email.to_string(),
        next: next.to_string(),
        // A wrong password says no more than that the pair is wrong (not whether the account
        // exists).
        errors: FieldError::list(&ctx.tr, &errors)
            .into_iter()
            .zip(errors.0.iter())
            .map(|(f, e)| {
                if e.field == "password" && e.rule == tillit_domain::Rule::Incorrect {
                    FieldError {
                        field: "password".into(),
                        label: String::new(),
                        message: ctx.tr.t("login-failed"),
                    }
                } else {
                    f
                }
            })
            .collect(),
    };
    page(status, &tpl)
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormFields,
) -> AppResult<Response> {
    let email = form.get("email").trim().to_lowercase();
    let next = safe_return_path(form.get("next"))
        .unwrap_or("/overview")
        .to_string();
    let cookie_name = session_cookie_name(state.config.secure_cookies);
    let old = cookie(&headers, cookie_name);
    let outcome = tillit_app::auth::sign_in(
        &state.app,
        &email,
        form.get("password"),
        &ctx.client_ip,
        old.as_deref(),
    )
    .await;
    let (secret, must_change) = match outcome {
        Ok(SignIn::SignedIn {
            session_secret,
            must_change_password,
        }) => (session_secret, must_change_password),
        Ok(SignIn::Refused(errs)) => {
            return Ok(login_again(
                &ctx,
                StatusCode::UNAUTHORIZED,
                &email,
                &next,
                errs,
            ))
        }
        Err(tillit_app::Error::Invalid(errs)) => {
            return Ok(login_again(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &email,
                &next,
                errs,
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let to = if must_change {
        "/account?must_change=1#password".to_string()
    } else {
        next
    };
    let mut res = see_other(&to);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            cookie_name,
            &secret,
            state.config.secure_cookies,
            true,
            "Lax",
            None,
        ),
    );
    Ok(res)
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    tillit_app::auth::sign_out(&state.app, &user.auth).await?;
    let mut res = see_other("/login");
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            session_cookie_name(state.config.secure_cookies),
            "",
            state.config.secure_cookies,
            true,
            "Lax",
            Some(0),
        ),
    );
    Ok(res)
}

pub async fn switch_org(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormFields,
) -> AppResult<Response> {
    tillit_app::auth::switch_organisation(&state.app, &user.auth, form.get("org_id")).await?;
    Ok(see_other("/overview?done=org-switched"))
}

pub async fn switch_language(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormFields,
) -> AppResult<Response> {
    let locale = Locale::parse(form.get("lang")).ok_or_else(|| {
        ValidationErrors::single(
            "lang",
            if form.get("lang").is_empty() {
                Rule::Required
            } else {
                Rule::UnknownValue
            },
        )
    })?;
    if let Some(a) = &ctx.auth {
        tillit_app::auth::set_locale(&state.app, a, locale.key()).await?;
    }
    let back = safe_return_path(form.get("return_to")).unwrap_or("/");
    let mut res = see_other(back);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            locale.key(),
            state.config.secure_cookies,
            false,
            "Lax",
            Some(365 * 24 * 3600),
        ),
    );
    Ok(res)
}
