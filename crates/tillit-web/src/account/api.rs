//! The API of the signed-in person: who they are, their memberships and their API tokens.

use crate::api::shared::Problem;
use crate::context::{CurrentUser, Member};
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_domain::role::Scope;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct MembershipDto {
    pub organisation_id: String,
    pub organisation_name: String,
    /// region, municipality, private_provider or authority
    pub organisation_kind: String,
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub memberships: Vec<MembershipDto>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<tillit_app::views::ApiToken> for TokenDto {
    fn from(t: tillit_app::views::ApiToken) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t.scopes.iter().map(|s| s.key().to_string()).collect(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenDto {
    pub name: String,
    /// Any of read, write, admin (admin only for administrators).
    pub scopes: Vec<String>,
    /// 1–730; omitted means the token does not expire.
    #[serde(default, deserialize_with = "tillit_domain::draft::number")]
    #[schema(value_type = Option<i64>)]
    pub expires_in_days: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenDto {
    pub token: TokenDto,
    /// The secret, shown this once.
    pub secret: String,
}

/// The signed-in user and their memberships.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeDto), (status = 401, body = Problem)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<MeDto>> {
    let memberships = tillit_app::auth::memberships(&state.app, &user.auth).await?;
    Ok(Json(MeDto {
        id: user.auth.user_id.clone(),
        email: user.auth.email.clone(),
        display_name: user.auth.display_name.clone(),
        memberships: memberships
            .into_iter()
            .map(|m| MembershipDto {
                organisation_id: m.org_id,
                organisation_name: m.org_name,
                organisation_kind: m.org_kind.key().into(),
                role: m.role.key().into(),
            })
            .collect(),
    }))
}

/// The caller's own API tokens in this organisation.
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = [TokenDto])))]
pub async fn list_tokens(m: Member) -> AppResult<Json<Vec<TokenDto>>> {
    m.require_scope(Scope::Read)?;
    Ok(Json(
        tillit_app::members::list_tokens(m.app(), &m.who)
            .await?
            .into_iter()
            .map(TokenDto::from)
            .collect(),
    ))
}

/// Makes an API token (signed-in sessions only; a token cannot make tokens).
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewTokenDto,
    responses((status = 201, body = CreatedTokenDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(m: Member, ApiJson(body): ApiJson<NewTokenDto>) -> AppResult<Response> {
    let days = Some(body.expires_in_days.clone()).filter(|d| !d.is_empty());
    let new = tillit_app::members::create_token(
        m.app(),
        &m.who,
        &body.name,
        &body.scopes,
        days.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenDto {
            token: new.token.into(),
            secret: new.secret,
        }),
    )
        .into_response())
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", params(("id" = String, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_token(m: Member, Path(id): Path<String>) -> AppResult<StatusCode> {
    m.require_scope(Scope::Write)?;
    tillit_app::members::revoke_token(m.app(), &m.who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
