//! The invitation's page. Whoever holds the link sees the offer (organisation, role, address);
//! the person with that address takes it — signed in, by accepting; without an account, by
//! making one here.

use crate::context::{session_cookie_name, set_cookie, Ctx, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::pages::{FieldError, PageCommon};
use crate::render::{page, see_other, urlencode};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use tillit_app::auth::SignIn;
use tillit_app::invitations::{Offer, Registration};
use tillit_domain::ValidationErrors;

/// What the person holding the link can do.
pub enum InvitationState {
    SignedInAsInvited,
    SignedInAsOther,
    SignIn,
    Register,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    c: PageCommon,
    offer_text: String,
    state: InvitationState,
    secret: String,
    return_path: String,
    display_name: String,
    errors: Vec<FieldError>,
}

fn render(
    ctx: &Ctx,
    secret: &str,
    offer: &Offer,
    status: StatusCode,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> Response {
    let tr = &ctx.tr;
    let i = &offer.invitation;
    let state = match &ctx.auth {
        Some(a) if a.email.eq_ignore_ascii_case(&i.email) => InvitationState::SignedInAsInvited,
        Some(_) => InvitationState::SignedInAsOther,
        None if offer.account_exists => InvitationState::SignIn,
        None => InvitationState::Register,
    };
    let tpl = InvitationPage {
        c: PageCommon::bare(ctx, tr.t("invitation-title")),
        offer_text: tr.f(
            "invitation-offer",
            &[
                ("org", i.org_name.clone()),
                ("role", tr.role(i.role)),
                ("email", i.email.clone()),
            ],
        ),
        state,
        secret: secret.to_string(),
        return_path: urlencode(&format!("/invitations/{secret}")),
        display_name: form
            .map(|f| f.get("display_name").to_string())
            .unwrap_or_else(|| i.display_name.clone()),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    page(status, &tpl)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(secret): Path<String>,
) -> AppResult<Response> {
    let offer = tillit_app::invitations::offer(&state.app, &secret).await?;
    Ok(render(&ctx, &secret, &offer, StatusCode::OK, None, None))
}

pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(secret): Path<String>,
) -> AppResult<Response> {
    tillit_app::invitations::accept(&state.app, &user.auth, &secret).await?;
    Ok(see_other("/overview?done=invitation-accepted"))
}

pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(secret): Path<String>,
    form: FormFields,
) -> AppResult<Response> {
    let result = tillit_app::invitations::register(
        &state.app,
        &secret,
        Registration {
            display_name: form.get("display_name"),
            password: form.get("new_password"),
            password_confirm: form.get("new_password_confirm"),
            client_ip: &ctx.client_ip,
        },
    )
    .await;
    match result {
        Ok(SignIn::SignedIn { session_secret, .. }) => {
            let mut res = see_other("/overview?done=invitation-accepted");
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    session_cookie_name(state.config.secure_cookies),
                    &session_secret,
                    state.config.secure_cookies,
                    true,
                    "Lax",
                    None,
                ),
            );
            Ok(res)
        }
        // The organisation signs in through its identity provider: the sign-in page offers it.
        Ok(SignIn::ProviderRequired(_)) => Ok(see_other("/login")),
        Ok(SignIn::Refused(v)) | Err(tillit_app::Error::Invalid(v)) => {
            let offer = tillit_app::invitations::offer(&state.app, &secret).await?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(render(&ctx, &secret, &offer, status, Some(&form), Some(&v)))
        }
        Err(e) => Err(AppError::from(e)),
    }
}
