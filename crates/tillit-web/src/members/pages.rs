//! The members page of an organisation (administrators): add, change role, remove.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::forms::Params;
use crate::pages::Notice;
use crate::pages::{notice_from, show_time, Choice, FieldError, PageCommon, Pager};
use crate::render::{page, see_other};
use crate::state::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use tillit_app::members::MemberListParams;
use tillit_domain::ids::*;
use tillit_domain::role::{Permission, Role};
use tillit_domain::ValidationErrors;

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub since: String,
}

pub struct AddForm {
    pub email: String,
    pub display_name: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    c: PageCommon,
    q: String,
    role_options: Vec<Choice>,
    add_role_options: Vec<Choice>,
    members: Vec<MemberRow>,
    summary: String,
    pager: Pager,
    may_manage: bool,
    errors: Vec<FieldError>,
    form: AddForm,
    /// The link of the invitation just made, shown once.
    invitation_link: Option<String>,
    invitations: Vec<InvitationRow>,
}

/// An invitation not yet taken.
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub expires: String,
}

fn role_choices(m: &Member, selected: &str) -> Vec<Choice> {
    Role::for_kind(m.who.membership().org_kind)
        .into_iter()
        .map(|r| Choice {
            key: r.key().into(),
            label: m.ctx.tr.role(r),
            selected: r.key() == selected,
        })
        .collect()
}

struct AddOutcome<'a> {
    errors: Option<&'a ValidationErrors>,
    form: Option<&'a FormFields>,
    invitation_link: Option<String>,
    notice: Option<String>,
}

async fn render_members(
    m: &Member,
    q: &MemberListParams,
    status: StatusCode,
    add: AddOutcome<'_>,
) -> AppResult<Response> {
    m.require(Permission::ViewMembers)?;
    let tr = &m.ctx.tr;
    let (query, page_req) = q.parse()?;
    let text = q.q.clone();
    let role_key = q.role.clone();
    let list = tillit_app::members::list_members(m.app(), &m.who, &query, page_req).await?;
    let summary = tr.f("members-summary", &[("count", list.total.to_string())]);
    let per_page = q.per_page.clone().unwrap_or_default();
    let pager = Pager::new(
        tr,
        "/admin/members",
        &[
            ("q", text.clone()),
            ("role", role_key.clone()),
            ("per_page", per_page),
        ],
        &list,
    );
    let members = list
        .items
        .into_iter()
        .map(|x| MemberRow {
            id: x.id.into(),
            name: x.display_name,
            email: x.email,
            role: match &x.outsourcing_delegation {
                Some(_) => format!(
                    "{} · {}",
                    tr.role(x.role),
                    tr.t("member-decides-outsourcing")
                ),
                None => tr.role(x.role),
            },
            since: show_time(&x.created_at),
        })
        .collect();
    let form_role = add
        .form
        .map(|f| f.get("role").to_string())
        .unwrap_or_default();
    let invitations = if m.may(Permission::ManageMembers) {
        tillit_app::invitations::open_invitations(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id,
                email: i.email,
                role: tr.role(i.role),
                expires: show_time(&i.expires_at),
            })
            .collect()
    } else {
        vec![]
    };
    let tpl = MembersPage {
        c: PageCommon::member(m, tr.t("members-title"), "/admin/members").with_notice(add.notice),
        q: text,
        role_options: role_choices(m, &role_key),
        add_role_options: role_choices(m, &form_role),
        members,
        summary,
        pager,
        may_manage: m.may(Permission::ManageMembers),
        errors: add
            .errors
            .map(|e| FieldError::list(tr, e))
            .unwrap_or_default(),
        form: AddForm {
            email: add
                .form
                .map(|f| f.get("email").to_string())
                .unwrap_or_default(),
            display_name: add
                .form
                .map(|f| f.get("display_name").to_string())
                .unwrap_or_default(),
        },
        invitation_link: add.invitation_link,
        invitations,
    };
    Ok(page(status, &tpl))
}

pub async fn members_page(
    m: Member,
    Params(q): Params<MemberListParams>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_members(
        &m,
        &q,
        StatusCode::OK,
        AddOutcome {
            errors: None,
            form: None,
            invitation_link: None,
            notice,
        },
    )
    .await
}

/// Invites a person to the organisation: the answer is the same whether their address has an
/// account or not — a link to hand over, with which they take the role.
pub async fn add_member(m: Member, headers: HeaderMap, form: FormFields) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let q = MemberListParams::default();
    let result = tillit_app::invitations::invite(
        m.app(),
        &m.who,
        form.get("email"),
        form.get("display_name"),
        form.get("role"),
    )
    .await
    .map_err(AppError::from);
    let (status, outcome) = match result {
        Ok(invited) => (
            StatusCode::CREATED,
            AddOutcome {
                errors: None,
                form: None,
                invitation_link: Some(invitation_url(&m.state, &headers, &invited.secret)),
                // The box with the link says that the invitation is made.
                notice: None,
            },
        ),
        Err(AppError::Invalid(v)) => {
            let outcome = AddOutcome {
                errors: Some(&v),
                form: Some(&form),
                invitation_link: None,
                notice: None,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_members(&m, &q, status, outcome).await;
        }
        Err(e) => return Err(e),
    };
    render_members(&m, &q, status, outcome).await
}

/// The address of an invitation's page, on the host the administrator reached Tillit by.
pub fn invitation_url(state: &AppState, headers: &HeaderMap, secret: &str) -> String {
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("{scheme}://{host}/invitations/{secret}"),
        None => format!("/invitations/{secret}"),
    }
}

pub async fn revoke_invitation(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    tillit_app::invitations::revoke_invitation(m.app(), &m.who, &id).await?;
    Ok(see_other("/admin/members?done=invitation-revoked"))
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    c: PageCommon,
    id: String,
    name: String,
    email: String,
    role_label: String,
    since: String,
    role_options: Vec<Choice>,
    /// The delegation the member's right to decide outsourcing cases rests on, if granted.
    delegation: Option<String>,
    /// The form's value (what was sent, or the delegation).
    delegation_value: String,
    errors: Vec<FieldError>,
}

async fn render_member(
    m: &Member,
    id: &str,
    status: StatusCode,
    errors: Option<&ValidationErrors>,
    form: Option<&FormFields>,
) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let tr = &m.ctx.tr;
    let x = tillit_app::members::member(m.app(), &m.who, &MembershipId::from(id)).await?;
    let tpl = MemberPage {
        c: PageCommon::member(m, x.display_name.clone(), "/admin/members"),
        role_options: role_choices(m, x.role.key()),
        id: x.id.into(),
        role_label: tr.role(x.role),
        name: x.display_name,
        email: x.email,
        since: show_time(&x.created_at),
        delegation_value: form
            .map(|f| f.get("outsourcing_delegation").to_string())
            .or_else(|| x.outsourcing_delegation.clone())
            .unwrap_or_default(),
        delegation: x.outsourcing_delegation,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(status, &tpl))
}

pub async fn member_page(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    render_member(&m, &id, StatusCode::OK, None, None).await
}

/// A member command's answer: on to `Ok`'s address, or the member's page again with the field
/// errors (and what was sent).
async fn after_change(
    m: &Member,
    id: &MembershipId,
    result: Result<String, AppError>,
    form: Option<&FormFields>,
) -> AppResult<Response> {
    match result {
        Ok(to) => Ok(see_other(&to)),
        Err(AppError::Invalid(v)) => {
            render_member(
                m,
                id.as_str(),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&v),
                form,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn change_role(
    m: Member,
    Path(id): Path<MembershipId>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let result = tillit_app::members::change_member_role(m.app(), &m.who, &id, form.get("role"))
        .await
        .map(|_| "/admin/members?done=member-updated".to_string())
        .map_err(AppError::from);
    after_change(&m, &id, result, None).await
}

/// Grants or withdraws a member's delegated right to decide outsourcing cases.
pub async fn set_delegation(
    m: Member,
    Path(id): Path<MembershipId>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let result = form
        .submit(async |d: tillit_domain::role::DelegationDraft| {
            tillit_app::members::set_outsourcing_delegation(m.app(), &m.who, &id, &d).await
        })
        .await
        .map(|x| format!("/admin/members/{}?done=member-updated", x.id));
    after_change(&m, &id, result, Some(&form)).await
}

pub async fn remove_member(m: Member, Path(id): Path<MembershipId>) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let result = tillit_app::members::remove_member(m.app(), &m.who, &id)
        .await
        .map(|_| "/admin/members?done=member-removed".to_string())
        .map_err(AppError::from);
    after_change(&m, &id, result, None).await
}
