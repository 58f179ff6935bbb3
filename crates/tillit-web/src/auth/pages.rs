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
    /// The identity providers offered: (start address, "Sign in with …", organisation).
    providers: Vec<(String, String, String)>,
    /// After signing out of a session from a provider: (its end-session address, its name).
    end_session: Option<(String, String)>,
    /// Why the password was not enough (the organisation signs in through its provider).
    provider_required: bool,
}

/// The sign-in buttons: one per enabled identity provider, "Logga in med …".
async fn provider_buttons(
    state: &AppState,
    ctx: &Ctx,
    next: &str,
    only: Option<&[(String, String)]>,
) -> AppResult<Vec<(String, String, String)>> {
    let offered = tillit_app::sso::offered(&state.app).await?;
    Ok(offered
        .into_iter()
        .filter(|p| only.is_none_or(|o| o.iter().any(|(id, _)| id == &p.id)))
        .map(|p| {
            (
                format!(
                    "/sso/{}/start?next={}",
                    crate::render::urlencode(&p.id),
                    crate::render::urlencode(next)
                ),
                ctx.tr.f("sso-sign-in-with", &[("provider", p.name)]),
                p.org_name,
            )
        })
        .collect())
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
    /// The identity provider of the session just ended, whose own sign-out is offered.
    pub signed_out: Option<String>,
}

pub async fn login_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Params(q): Params<LoginParams>,
) -> AppResult<Response> {
    let next = q
        .next
        .as_deref()
        .and_then(|n| safe_return_path(n))
        .unwrap_or("/overview")
        .to_string();
    if ctx.auth.is_some() {
        return Ok(see_other(&next));
    }
    let end_session = match q.signed_out.as_deref().filter(|p| p.len() <= 64) {
        Some(provider) => {
            let back = format!("{}/login", crate::auth::sso::base_url(&state, &headers));
            tillit_app::sso::end_session_url(&state.app, provider, &back)
                .await?
                .map(|(url, name)| (url, ctx.tr.f("sso-sign-out-at", &[("provider", name)])))
        }
        None => None,
    };
    let tpl = LoginPage {
        c: PageCommon::bare(&ctx, ctx.tr.t("login-title")),
        email: String::new(),
        providers: provider_buttons(&state, &ctx, &next, None).await?,
        next,
        errors: vec![],
        end_session,
        provider_required: false,
    };
    Ok(page(StatusCode::OK, &tpl))
}

async fn login_again(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    email: &str,
    next: &str,
    errors: ValidationErrors,
    required: Option<&[(String, String)]>,
) -> AppResult<Response> {
    let tpl = LoginPage {
        c: PageCommon::bare(ctx, ctx.tr.t("login-title")),
        email: email.to_string(),
        next: next.to_string(),
        providers: provider_buttons(state, ctx, next, required).await?,
        end_session: None,
        provider_required: required.is_some(),
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
    Ok(page(status, &tpl))
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
            return login_again(
                &state,
                &ctx,
                StatusCode::UNAUTHORIZED,
                &email,
                &next,
                errs,
                None,
            )
            .await
        }
        Ok(SignIn::ProviderRequired(offered)) => {
            return login_again(
                &state,
                &ctx,
                StatusCode::FORBIDDEN,
                &email,
                &next,
                ValidationErrors::new(),
                Some(&offered),
            )
            .await
        }
        Err(tillit_app::Error::Invalid(errs)) => {
            return login_again(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &email,
                &next,
                errs,
                None,
            )
            .await
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
    // Signed in through a provider: the sign-in page offers to sign out there too.
    let to = match user.auth.provider() {
        Some(p) => format!("/login?signed_out={}", crate::render::urlencode(p)),
        None => "/login".to_string(),
    };
    let mut res = see_other(&to);
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
