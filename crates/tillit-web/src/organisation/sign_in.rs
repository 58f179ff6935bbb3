//! The organisation's sign-in settings (administrators): its identity providers (OpenID Connect)
//! and whether its members may also sign in with a password.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{answer, FormFields, Params};
use crate::pages::ui::{choices, form_status, value, FormPage, Input};
use crate::pages::{notice_from, Choice, FieldError, Notice, PageCommon};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use tillit_app::sso::ProviderView;
use tillit_domain::role::{Permission, Role};
use tillit_domain::sso::SsoProviderDraft;
use tillit_domain::ValidationErrors;

/// A provider as a row of the settings page.
struct Row {
    id: String,
    name: String,
    issuer: String,
    client_id: String,
    secret: String,
    secret_ready: bool,
    claim: String,
    new_members: String,
    status: String,
    enabled: bool,
    linked: String,
}

#[derive(Template)]
#[template(path = "sign_in_settings.html")]
struct SettingsPage {
    c: PageCommon,
    accepts_passwords: bool,
    may_switch_off: bool,
    rows: Vec<Row>,
    callback: String,
    logout_return: String,
    errors: Vec<FieldError>,
}

fn row(m: &Member, p: &ProviderView) -> Row {
    let tr = &m.ctx.tr;
    Row {
        id: p.id.clone(),
        name: p.name.clone(),
        issuer: p.issuer.clone(),
        client_id: p.client_id.clone(),
        secret: match (
            p.secret_from.as_deref().map(|s| {
                s.trim_start_matches(tillit_domain::sso::SECRET_FROM_ENV)
                    .to_string()
            }),
            p.secret_ready,
        ) {
            (Some(env), true) => tr.f("sso-secret-env", &[("name", env)]),
            (Some(env), false) => tr.f("sso-secret-env-missing", &[("name", env)]),
            (None, true) => tr.t("sso-secret-sealed"),
            (None, false) => tr.t("sso-secret-unreadable"),
        },
        secret_ready: p.secret_ready,
        claim: p.match_claim.clone(),
        new_members: if p.create_members {
            tr.f("sso-new-members-as", &[("role", tr.role(p.default_role))])
        } else {
            tr.t("sso-new-members-no")
        },
        status: tr.t(if p.enabled {
            "sso-enabled"
        } else {
            "sso-disabled"
        }),
        enabled: p.enabled,
        linked: match &p.last_used {
            Some(last) => tr.f(
                "sso-linked-last",
                &[
                    ("count", p.members_linked.to_string()),
                    ("last", crate::pages::show_time(last)),
                ],
            ),
            None => tr.f("sso-linked", &[("count", p.members_linked.to_string())]),
        },
    }
}

async fn settings_page(
    m: &Member,
    headers: &HeaderMap,
    notice: Option<&str>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let s = tillit_app::sso::settings(m.app(), &m.who).await?;
    let base = crate::auth::sso::base_url(&m.state, headers);
    let mut c = PageCommon::member(m, tr.t("sso-settings-heading"), "/organisation");
    c.notice = notice_from(tr, notice);
    let tpl = SettingsPage {
        c,
        accepts_passwords: s.accepts_passwords,
        may_switch_off: s.signed_in_through_provider,
        rows: s.providers.iter().map(|p| row(m, p)).collect(),
        callback: format!("{base}/sso/callback"),
        logout_return: format!("{base}/login"),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(form_status(errors), &tpl))
}

pub async fn show(m: Member, headers: HeaderMap, Params(n): Params<Notice>) -> AppResult<Response> {
    settings_page(&m, &headers, n.done.as_deref(), None).await
}

/// The password switch: `allowed` is `yes` or `no`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSwitch {
    #[serde(default)]
    pub allowed: String,
}

pub async fn set_passwords(m: Member, headers: HeaderMap, form: FormFields) -> AppResult<Response> {
    let result = form
        .submit(async |d: PasswordSwitch| {
            let allowed = tillit_domain::asset::yes_no("allowed", &d.allowed)?;
            tillit_app::sso::set_password_sign_in(m.app(), &m.who, allowed).await
        })
        .await;
    answer(
        result,
        |_| "/organisation/sign-in?done=sign-in-saved".to_string(),
        async |v| settings_page(&m, &headers, None, Some(&v)).await,
    )
    .await
}

fn provider_form(
    m: &Member,
    existing: Option<&ProviderView>,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let tr = &m.ctx.tr;
    let flag = |name: &str, stored: bool, label: &str| {
        Input::checks(
            name,
            tr.t(&format!("field-sso-{}", name.replace('_', "-"))),
            choices(
                form,
                name,
                &if stored {
                    vec!["yes".to_string()]
                } else {
                    vec![]
                },
                [("yes".to_string(), tr.t(label))],
            ),
        )
    };
    let role_now = value(form, "default_role", || {
        existing
            .map(|p| p.default_role.key().to_string())
            .unwrap_or_else(|| {
                Role::for_kind(m.who.org_kind())
                    .into_iter()
                    .rfind(|r| !r.is_admin())
                    .map(|r| r.key().to_string())
                    .unwrap_or_default()
            })
    });
    let roles = Role::for_kind(m.who.org_kind())
        .into_iter()
        .filter(|r| !r.is_admin())
        .map(|r| Choice {
            selected: r.key() == role_now,
            key: r.key().to_string(),
            label: tr.role(r),
        })
        .collect();
    let fields = vec![
        Input::text(
            "name",
            tr.t("field-sso-name"),
            value(form, "name", || {
                existing.map(|p| p.name.clone()).unwrap_or_default()
            }),
        )
        .hint(tr.t("sso-name-hint")),
        Input::text(
            "issuer",
            tr.t("field-sso-issuer"),
            value(form, "issuer", || {
                existing.map(|p| p.issuer.clone()).unwrap_or_default()
            }),
        )
        .hint(tr.t("sso-issuer-hint")),
        Input::text(
            "client_id",
            tr.t("field-sso-client-id"),
            value(form, "client_id", || {
                existing.map(|p| p.client_id.clone()).unwrap_or_default()
            }),
        ),
        Input::secret("client_secret", tr.t("field-sso-client-secret")).hint(tr.t(
            if existing.is_some() {
                "sso-secret-hint-change"
            } else {
                "sso-secret-hint"
            },
        )),
        Input::text(
            "match_claim",
            tr.t("field-sso-match-claim"),
            value(form, "match_claim", || {
                existing
                    .map(|p| p.match_claim.clone())
                    .unwrap_or_else(|| "email".into())
            }),
        )
        .hint(tr.t("sso-claim-hint")),
        flag(
            "create_members",
            existing.is_some_and(|p| p.create_members),
            "sso-create-members-label",
        ),
        Input::select("default_role", tr.t("field-sso-default-role"), roles)
            .hint(tr.t("sso-default-role-hint")),
        flag(
            "enabled",
            existing.is_none_or(|p| p.enabled),
            "sso-enabled-label",
        ),
    ];
    let (heading, action) = match existing {
        Some(p) => (
            tr.f("sso-edit-heading", &[("provider", p.name.clone())]),
            format!("/organisation/sign-in/providers/{}", p.id),
        ),
        None => (
            tr.t("sso-new-heading"),
            "/organisation/sign-in/providers/new".to_string(),
        ),
    };
    Ok(FormPage {
        c: PageCommon::member(m, heading.clone(), "/organisation"),
        back_href: "/organisation/sign-in".into(),
        back_label: tr.t("sso-settings-heading"),
        heading,
        intro: tr.t("sso-form-intro"),
        action,
        submit: tr.t("save"),
        fields,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    }
    .render(form_status(errors)))
}

pub async fn new_form(m: Member) -> AppResult<Response> {
    provider_form(&m, None, None, None)
}

pub async fn create(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let result = form
        .submit(async |d: SsoProviderDraft| {
            tillit_app::sso::create_provider(m.app(), &m.who, &d).await
        })
        .await;
    answer(
        result,
        |_| "/organisation/sign-in?done=sign-in-saved".to_string(),
        async |v| provider_form(&m, None, Some(&form), Some(&v)),
    )
    .await
}

pub async fn edit_form(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    let p = tillit_app::sso::provider(m.app(), &m.who, &id).await?;
    provider_form(&m, Some(&p), None, None)
}

pub async fn update(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let p = tillit_app::sso::provider(m.app(), &m.who, &id).await?;
    let result = form
        .submit(async |d: SsoProviderDraft| {
            tillit_app::sso::update_provider(m.app(), &m.who, &p.id, &d).await
        })
        .await;
    answer(
        result,
        |_| "/organisation/sign-in?done=sign-in-saved".to_string(),
        async |v| provider_form(&m, Some(&p), Some(&form), Some(&v)),
    )
    .await
}

pub async fn delete(m: Member, headers: HeaderMap, Path(id): Path<String>) -> AppResult<Response> {
    match tillit_app::sso::delete_provider(m.app(), &m.who, &id).await {
        Ok(()) => Ok(crate::render::see_other(
            "/organisation/sign-in?done=sign-in-removed",
        )),
        Err(tillit_app::Error::Invalid(v)) => settings_page(&m, &headers, None, Some(&v)).await,
        Err(e) => Err(e.into()),
    }
}
