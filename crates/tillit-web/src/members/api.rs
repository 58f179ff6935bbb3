//! The API of the organisation and its members (administrators change them).

use crate::api::shared::Problem;
use crate::api::shared::*;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::forms::Params;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_domain::ids::*;
use tillit_domain::org::OrgFactsDraft;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub kind: String,
    /// The caller's role in this organisation.
    pub your_role: String,
    /// The facts the law turns on, as the organisation's administrator keeps them.
    pub facts: OrganisationFactsDto,
    /// The requirement catalog version the organisation works against.
    pub catalog_version: String,
    /// The Ed25519 keys the organisation signs its submissions with, newest first: publish the
    /// active one, so that an authority can check a submission with `tillit submission verify`.
    pub signing_keys: Vec<SigningKeyDto>,
}

/// A signing key of the organisation (the public half).
#[derive(Serialize, ToSchema)]
pub struct SigningKeyDto {
    pub key_id: String,
    /// Hex, 32 bytes.
    pub public_key: String,
    pub created_at: String,
    /// Set when the key was replaced; what it signed still verifies.
    pub retired_at: Option<String>,
}

/// The organisation's facts and what follows from them.
#[derive(Serialize, ToSchema)]
pub struct OrganisationFactsDto {
    /// region, municipality, municipal_association, municipal_company or private
    pub legal_form: String,
    /// health, social or both
    pub care: String,
    pub employees: Option<i64>,
    pub turnover_meur: Option<i64>,
    pub balance_meur: Option<i64>,
    pub cybersecurity_override: Option<bool>,
    pub dpo_override: Option<bool>,
    /// The organisation's finding on security-sensitive activity; null while not assessed.
    pub security_sensitive: Option<bool>,
    pub controllers: Vec<String>,
    /// OSL binds the organisation (a public authority or a body treated as one).
    pub public_authority: bool,
    /// The Cybersecurity Act (2025:1506) covers the organisation.
    pub cybersecurity_act: bool,
    /// Why: region_or_municipality, medium_health_care, small_health_care, size_unknown,
    /// social_care_only or override
    pub cybersecurity_act_reason: String,
    /// A data protection officer is mandatory (GDPR art. 37).
    pub data_protection_officer: bool,
    /// Why: public_authority, large_scale_care, small_private or override
    pub data_protection_officer_reason: String,
}

fn key_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn organisation_dto(
    o: tillit_app::views::Organisation,
    role: &str,
    keys: Vec<tillit_app::views::SigningKeyRow>,
) -> OrganisationDto {
    let f = &o.facts;
    let (cyber, cyber_why) = f.cybersecurity_act();
    let (dpo, dpo_why) = f.data_protection_officer();
    OrganisationDto {
        facts: OrganisationFactsDto {
            legal_form: f.legal_form.key().into(),
            care: f.care.key().into(),
            employees: f.employees,
            turnover_meur: f.turnover_meur,
            balance_meur: f.balance_meur,
            cybersecurity_override: f.cybersecurity_override,
            dpo_override: f.dpo_override,
            security_sensitive: f.security_sensitive,
            controllers: f.controllers.clone(),
            public_authority: f.public_authority(),
            cybersecurity_act: cyber,
            cybersecurity_act_reason: key_of(cyber_why),
            data_protection_officer: dpo,
            data_protection_officer_reason: key_of(dpo_why),
        },
        id: o.id,
        name: o.name,
        org_number: o.org_number,
        kind: o.kind.key().into(),
        your_role: role.into(),
        catalog_version: o.catalog_version,
        signing_keys: keys
            .into_iter()
            .map(|k| SigningKeyDto {
                key_id: k.id,
                public_key: k.public_key,
                created_at: k.created_at,
                retired_at: k.retired_at,
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// A delegated right to decide outsourcing cases: the delegation it rests on.
    pub outsourcing_delegation: Option<String>,
    pub created_at: String,
}

impl From<tillit_app::views::Member> for MemberDto {
    fn from(m: tillit_app::views::Member) -> Self {
        MemberDto {
            id: m.id.into(),
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            role: m.role.key().into(),
            outsourcing_delegation: m.outsourcing_delegation,
            created_at: m.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<MemberDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberDto {
    pub email: String,
    /// The person's name, as the invitation shows it.
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: String,
}

/// An invitation: the person with the address takes the role by opening `url` — signing in, or
/// making an account. The answer is the same whether the address has an account or not.
#[derive(Serialize, ToSchema)]
pub struct InvitationDto {
    pub id: String,
    pub email: String,
    pub role: String,
    pub expires_at: String,
    /// Hand it to the person; it is shown only now.
    pub url: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChangeDto {
    pub role: String,
}

/// The organisation the request acts in.
#[utoipa::path(get, path = "/api/v1/organisation", responses((status = 200, body = OrganisationDto), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn organisation(m: Member) -> AppResult<Json<OrganisationDto>> {
    m.require(Permission::ViewOverview)?;
    let o = tillit_app::members::organisation(m.app(), &m.who).await?;
    let keys = tillit_app::signing::public_keys(m.app(), &m.who).await?;
    Ok(Json(organisation_dto(
        o,
        m.who.membership().role.key(),
        keys,
    )))
}

/// Replaces the organisation's facts (administrator). What applies follows at once: OSL-based
/// requirements for public bodies, NIS2 duties for covered organisations, the data protection
/// officer where mandatory.
#[utoipa::path(put, path = "/api/v1/organisation/facts", request_body = OrgFactsDraft, responses((status = 200, body = OrganisationDto), (status = 422, body = Problem)))]
pub async fn put_facts(
    m: Member,
    ApiJson(body): ApiJson<OrgFactsDraft>,
) -> AppResult<Json<OrganisationDto>> {
    let o = tillit_app::members::set_organisation_facts(m.app(), &m.who, &body).await?;
    let keys = tillit_app::signing::public_keys(m.app(), &m.who).await?;
    Ok(Json(organisation_dto(
        o,
        m.who.membership().role.key(),
        keys,
    )))
}

/// Members of the organisation, by name.
#[utoipa::path(get, path = "/api/v1/members",
    params(("q" = Option<String>, Query, description = "text in name or e-mail"), ("role" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query, description = "1–200, default 50")),
    responses((status = 200, body = MemberPage), (status = 422, body = Problem)))]
pub async fn list_members(
    m: Member,
    Params(p): Params<tillit_app::members::MemberListParams>,
) -> AppResult<Json<MemberPage>> {
    m.require(Permission::ViewMembers)?;
    let (query, page) = p.parse()?;
    let list = tillit_app::members::list_members(m.app(), &m.who, &query, page).await?;
    let (items, page, per_page, total) = page_of(list);
    Ok(Json(MemberPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// Invites a person to the organisation (administrators).
#[utoipa::path(post, path = "/api/v1/members", request_body = NewMemberDto,
    responses((status = 201, body = InvitationDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_member(
    m: Member,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<NewMemberDto>,
) -> AppResult<Response> {
    let invited = tillit_app::invitations::invite(
        m.app(),
        &m.who,
        &body.email,
        body.display_name.as_deref().unwrap_or(""),
        &body.role,
    )
    .await?;
    let url = crate::members::pages::invitation_url(&m.state, &headers, &invited.secret);
    let i = invited.invitation;
    Ok((
        StatusCode::CREATED,
        Json(InvitationDto {
            id: i.id,
            email: i.email,
            role: i.role.key().into(),
            expires_at: i.expires_at,
            url,
        }),
    )
        .into_response())
}

/// One member.
#[utoipa::path(get, path = "/api/v1/members/{id}", params(("id" = String, Path)), responses((status = 200, body = MemberDto), (status = 404, body = Problem)))]
pub async fn get_member(m: Member, Path(id): Path<MembershipId>) -> AppResult<Json<MemberDto>> {
    m.require(Permission::ViewMembers)?;
    Ok(Json(
        tillit_app::members::member(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

/// Changes a member's role (administrators). The last administrator keeps the role.
#[utoipa::path(patch, path = "/api/v1/members/{id}", params(("id" = String, Path)), request_body = RoleChangeDto,
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn change_member(
    m: Member,
    Path(id): Path<MembershipId>,
    ApiJson(body): ApiJson<RoleChangeDto>,
) -> AppResult<Json<MemberDto>> {
    m.require(Permission::ManageMembers)?;
    Ok(Json(
        tillit_app::members::change_member_role(m.app(), &m.who, &id, &body.role)
            .await?
            .into(),
    ))
}

/// Grants a member a delegated right to decide outsourcing cases, resting on the delegation given,
/// or withdraws it (an empty delegation). Administrators.
#[utoipa::path(put, path = "/api/v1/members/{id}/outsourcing-delegation", params(("id" = String, Path)),
    request_body = tillit_domain::role::DelegationDraft,
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_outsourcing_delegation(
    m: Member,
    Path(id): Path<MembershipId>,
    ApiJson(body): ApiJson<tillit_domain::role::DelegationDraft>,
) -> AppResult<Json<MemberDto>> {
    Ok(Json(
        tillit_app::members::set_outsourcing_delegation(m.app(), &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Removes a member (administrators). Their tokens for this organisation are revoked.
#[utoipa::path(delete, path = "/api/v1/members/{id}", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn remove_member(m: Member, Path(id): Path<MembershipId>) -> AppResult<StatusCode> {
    m.require(Permission::ManageMembers)?;
    tillit_app::members::remove_member(m.app(), &m.who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
