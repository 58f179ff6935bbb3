//! The signed-in user's own account: memberships, password, API tokens.

use crate::context::{CurrentUser, Member};
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::forms::Params;
use crate::pages::Notice;
use crate::pages::{notice_from, show_time, Choice, FieldError, PageCommon};
use crate::render::{page, see_other};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::role::Scope;
use tillit_domain::ValidationErrors;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: PageCommon,
    name: String,
    email: String,
    orgs: Vec<(String, String, String)>,
    must_change: bool,
    errors: Vec<FieldError>,
}

async fn render_account(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = &user.ctx.tr;
    let memberships = tillit_app::auth::memberships(&state.app, &user.auth).await?;
    let orgs = memberships
        .iter()
        .map(|m| (m.org_name.clone(), tr.kind(m.org_kind), tr.role(m.role)))
        .collect();
    // The account page is reachable before a membership exists and before the first password
    // change, so it shows the shell only when the user can act in an organisation.
    let mut c = PageCommon::bare(&user.ctx, tr.t("account-title"));
    if !user.auth.must_change_password && !memberships.is_empty() {
        {
            let who = tillit_app::auth::acting(&state.app, user.auth.clone()).await?;
            let mut member = Member::new(user.ctx.clone(), who, state.clone());
            member.count_reports_due(state).await?;
            c = PageCommon::member(&member, tr.t("account-title"), "/account");
        }
    }
    let tpl = AccountPage {
        c: c.with_notice(notice),
        name: user.auth.display_name.clone(),
        email: user.auth.email.clone(),
        orgs,
        must_change: user.auth.must_change_password,
        errors,
    };
    Ok(page(status, &tpl))
}

pub async fn account_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&user.ctx.tr, notice.done.as_deref());
    render_account(&state, &user, StatusCode::OK, vec![], notice).await
}

pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormFields,
) -> AppResult<Response> {
    let change = tillit_app::members::PasswordChange {
        user_id: &user.auth.user_id,
        email: &user.auth.email,
        keep_session: user.auth.session_hash(),
        current: form.get("current_password"),
        new: form.get("new_password"),
        confirm: form.get("new_password_confirm"),
        client_ip: &user.ctx.client_ip,
    };
    let res = tillit_app::members::change_password(&state.app, change)
        .await
        .map_err(AppError::from);
    match res {
        Ok(()) => Ok(see_other("/account?done=password-changed")),
        Err(AppError::Invalid(v)) => {
            let errors = FieldError::list(&user.ctx.tr, &v);
            render_account(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created: String,
    pub last_used: String,
    pub status: String,
    pub active: bool,
    pub revoke_label: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: PageCommon,
    tokens: Vec<TokenRow>,
    new_secret: Option<String>,
    errors: Vec<FieldError>,
    form_name: String,
    form_days: String,
    scope_options: Vec<Choice>,
}

async fn render_tokens(
    m: &Member,
    status: StatusCode,
    new_secret: Option<String>,
    errors: Option<&ValidationErrors>,
    form: Option<&FormFields>,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let now = tillit_app::views::format_timestamp(chrono::Utc::now());
    let tokens = tillit_app::members::list_tokens(m.app(), &m.who)
        .await?
        .into_iter()
        .map(|t| {
            let expired = t.expires_at.as_deref().is_some_and(|e| e <= now.as_str());
            let (status, active) = if t.revoked_at.is_some() {
                (tr.t("tokens-status-revoked"), false)
            } else if expired {
                (tr.t("tokens-status-expired"), false)
            } else if let Some(e) = &t.expires_at {
                (
                    tr.f("tokens-status-active-until", &[("date", show_time(e))]),
                    true,
                )
            } else {
                (tr.t("tokens-status-active"), true)
            };
            TokenRow {
                revoke_label: tr.f("tokens-revoke-named", &[("name", t.name.clone())]),
                id: t.id,
                name: t.name,
                prefix: t.prefix,
                scopes: t
                    .scopes
                    .iter()
                    .map(|s| tr.t(&format!("scope-{}", s.key())))
                    .collect::<Vec<_>>()
                    .join(", "),
                created: show_time(&t.created_at),
                last_used: t
                    .last_used_at
                    .as_deref()
                    .map(show_time)
                    .unwrap_or_else(|| tr.t("never")),
                status,
                active,
            }
        })
        .collect();
    let chosen = form
        .map(|f| f.all("scopes"))
        .unwrap_or_else(|| vec!["read".into()]);
    let scope_options = Scope::ALL
        .into_iter()
        .filter(|s| *s != Scope::Admin || m.who.membership().role.is_admin())
        .map(|s| Choice {
            key: s.key().into(),
            label: tr.t(&format!("scope-{}", s.key())),
            selected: chosen.iter().any(|c| c == s.key()),
        })
        .collect();
    let tpl = TokensPage {
        c: PageCommon::member(m, tr.t("tokens-title"), "/account/tokens").with_notice(notice),
        tokens,
        new_secret,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        form_name: form.map(|f| f.get("name").to_string()).unwrap_or_default(),
        form_days: form
            .map(|f| f.get("expires_in_days").to_string())
            .unwrap_or_else(|| "90".into()),
        scope_options,
    };
    Ok(page(status, &tpl))
}

pub async fn tokens_page(m: Member, Params(notice): Params<Notice>) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_tokens(&m, StatusCode::OK, None, None, None, notice).await
}

pub async fn create_token(m: Member, form: FormFields) -> AppResult<Response> {
    match tillit_app::members::create_token(
        m.app(),
        &m.who,
        form.get("name"),
        &form.all("scopes"),
        Some(form.get("expires_in_days")),
    )
    .await
    .map_err(AppError::from)
    {
        // The secret is shown in this response only; it is never stored or shown again.
        Ok(new) => render_tokens(&m, StatusCode::CREATED, Some(new.secret), None, None, None).await,
        Err(AppError::Invalid(v)) => {
            render_tokens(
                &m,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&v),
                Some(&form),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_token(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    tillit_app::members::revoke_token(m.app(), &m.who, &id).await?;
    Ok(see_other("/account/tokens?done=token-revoked"))
}
