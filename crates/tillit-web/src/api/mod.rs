//! The JSON API under `/api/v1`: the same rules as the pages (they share `services` and the
//! `Member` authorisation), errors as RFC 9457 problem documents, lists paginated. The OpenAPI 3.1
//! document is generated from these handlers and types.

pub mod work;

use crate::context::{CurrentUser, Member};
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::pages::admin::audit_filter;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tillit_app::views::MemberQuery;
use tillit_domain::access::{AccessAnalysisDraft, UserGroupDraft};
use tillit_domain::assessment::AssessmentDraft;
use tillit_domain::asset::AssetDraft;
use tillit_domain::classification::{ClassificationDraft, SystemLevelsDraft};
use tillit_domain::measure::MeasureDraft;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::risk::{RiskAnalysisDraft, RiskMatrixDraft, ScenarioDraft};
use tillit_domain::role::{Permission, Role, Scope};
use tillit_domain::system::SystemDraft;
use tillit_domain::{Rule, ValidationErrors};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/organisation", get(organisation))
        .route("/members", get(list_members).post(add_member))
        .route(
            "/members/{id}",
            get(get_member).patch(change_member).delete(remove_member),
        )
        .route("/assets", get(list_assets).post(create_asset))
        .route("/assets/{id}", get(get_asset).put(update_asset))
        .route(
            "/assets/{id}/classification",
            axum::routing::post(classify_asset),
        )
        .route("/systems", get(list_systems).post(create_system))
        .route("/systems/{id}", get(get_system).put(update_system))
        .route(
            "/systems/{id}/levels",
            axum::routing::put(set_system_levels).delete(clear_system_levels),
        )
        .route("/requirements", get(work::organisation_requirements))
        .route(
            "/requirements/{rid}/assessment",
            axum::routing::put(work::assess_org_requirement),
        )
        .route("/systems/{id}/requirements", get(work::system_requirements))
        .route(
            "/systems/{id}/requirements/{rid}/evidence",
            axum::routing::post(work::add_system_evidence),
        )
        .route(
            "/requirements/{rid}/evidence",
            axum::routing::post(work::add_org_evidence),
        )
        .route(
            "/assets/{id}/review",
            axum::routing::post(work::review_asset),
        )
        .route(
            "/systems/{id}/review",
            axum::routing::post(work::review_system),
        )
        .route(
            "/systems/{id}/integrations",
            get(work::get_integrations).put(work::put_integrations),
        )
        .route(
            "/systems/{id}/requirements/{rid}/assessment",
            axum::routing::put(work::assess_system_requirement),
        )
        .route(
            "/systems/{id}/access-analysis",
            get(work::get_access_analysis).put(work::put_access_analysis),
        )
        .route(
            "/risk-matrix",
            get(work::get_risk_matrix).put(work::put_risk_matrix),
        )
        .route(
            "/risk-analyses",
            get(work::list_risk_analyses).post(work::create_risk_analysis),
        )
        .route(
            "/risk-analyses/{id}",
            get(work::get_risk_analysis).put(work::update_risk_analysis),
        )
        .route(
            "/risk-analyses/{id}/scenarios",
            get(work::list_scenarios).post(work::create_scenario),
        )
        .route(
            "/scenarios/{id}",
            get(work::get_scenario).put(work::update_scenario),
        )
        .route("/heat-map", get(work::heat_map))
        .route(
            "/measures",
            get(work::list_measures).post(work::create_measure),
        )
        .route(
            "/measures/{id}",
            get(work::get_measure).put(work::update_measure),
        )
        .route("/follow-up", get(work::follow_up))
        .route("/audit-events", get(list_audit_events))
        .route("/audit-events/{id}", get(get_audit_event))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", axum::routing::delete(revoke_token))
        .fallback(crate::pages::not_found)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Tillit API", version = "1", description = "Systematic, risk-based protection of personal data in Swedish health and social care. Authenticate with `Authorization: Bearer tlt_…` (an API token made under Account → API tokens) or a browser session with the `X-CSRF-Token` header on changes. Every request acts in the organisation of the token (or the session's chosen one)."),
    paths(work::review_asset, work::review_system, work::add_system_evidence, work::add_org_evidence, work::get_integrations, work::put_integrations, work::system_requirements, work::organisation_requirements, work::assess_system_requirement, work::assess_org_requirement, work::get_risk_matrix, work::put_risk_matrix, work::list_risk_analyses, work::create_risk_analysis, work::get_risk_analysis, work::update_risk_analysis, work::list_scenarios, work::create_scenario, work::get_scenario, work::update_scenario, work::heat_map, work::list_measures, work::create_measure, work::get_measure, work::update_measure, work::get_access_analysis, work::put_access_analysis, work::follow_up, list_systems, create_system, get_system, update_system, set_system_levels, clear_system_levels, list_assets, create_asset, get_asset, update_asset, classify_asset, me, organisation, list_members, add_member, get_member, change_member, remove_member, list_audit_events, get_audit_event, list_tokens, create_token, revoke_token),
    components(schemas(work::ReviewDto, work::EvidenceLinkBody, work::EvidenceDto, work::IntegrationsBody, work::IntegrationsDto, work::SystemRefDto, work::RequirementStatusDto, AssessmentDraft, work::AssessmentDto, work::RiskMatrixDto, RiskAnalysisDraft, RiskMatrixDraft, UserGroupDraft, work::RiskAnalysisDto, work::RiskAnalysisPage, ScenarioDraft, work::ScenarioDto, work::HeatCellDto, work::HeatMapDto, MeasureDraft, work::MeasureDto, work::MeasurePage, work::UserGroupDto, AccessAnalysisDraft, work::AccessAnalysisDto, work::GapItemDto, work::GapDto, work::FollowUpDto, SystemDto, SystemPage, SystemDraft, SystemLevelsDraft, AssetDto, AssetPage, AssetDraft, LevelsDto, ClassificationDraft, MeDto, MembershipDto, OrganisationDto, MemberDto, MemberPage, NewMemberDto, AddedMemberDto, RoleChangeDto, AuditEventDto, AuditEventPage, TokenDto, NewTokenDto, CreatedTokenDto, Problem, FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// An RFC 9457 problem document.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Option<Vec<FieldProblem>>,
}

/// One field that broke one rule.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub rule: String,
    pub message: String,
}

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
pub struct OrganisationDto {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub kind: String,
    /// The caller's role in this organisation.
    pub your_role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub created_at: String,
}

impl From<tillit_app::views::Member> for MemberDto {
    fn from(m: tillit_app::views::Member) -> Self {
        MemberDto {
            id: m.id,
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            role: m.role.key().into(),
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
    /// Needed when the address has no account yet.
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AddedMemberDto {
    pub member: MemberDto,
    /// Set when a new account was made: hand it over once; it must be changed at first sign-in.
    pub initial_password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChangeDto {
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventDto {
    pub id: String,
    pub seq: i64,
    pub occurred_at: String,
    pub actor_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventPage {
    pub items: Vec<AuditEventDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl From<tillit_app::views::AuditEvent> for AuditEventDto {
    fn from(e: tillit_app::views::AuditEvent) -> Self {
        AuditEventDto {
            id: e.id,
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor: e.actor_label,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: e.before,
            after: e.after,
        }
    }
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
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenDto {
    pub token: TokenDto,
    /// The secret, shown this once.
    pub secret: String,
}

fn page_of<T, U: From<T>>(p: Page<T>) -> (Vec<U>, i64, i64, i64) {
    (
        p.items.into_iter().map(U::from).collect(),
        p.page,
        p.per_page,
        p.total,
    )
}

/// The signed-in user and their memberships.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeDto), (status = 401, body = Problem)))]
async fn me(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<MeDto>> {
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

/// The organisation the request acts in.
#[utoipa::path(get, path = "/api/v1/organisation", responses((status = 200, body = OrganisationDto), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn organisation(
    State(state): State<AppState>,
    m: Member,
) -> AppResult<Json<OrganisationDto>> {
    m.require(Permission::ViewOverview)?;
    let o = tillit_app::members::organisation(&state.app, &m.who).await?;
    Ok(Json(OrganisationDto {
        id: o.id,
        name: o.name,
        org_number: o.org_number,
        kind: o.kind.key().into(),
        your_role: m.membership.role.key().into(),
    }))
}

/// Members of the organisation, by name.
#[utoipa::path(get, path = "/api/v1/members",
    params(("q" = Option<String>, Query, description = "text in name or e-mail"), ("role" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query, description = "1–200, default 50")),
    responses((status = 200, body = MemberPage), (status = 422, body = Problem)))]
async fn list_members(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<MemberPage>> {
    m.require(Permission::ViewMembers)?;
    let page = PageRequest::parse(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
    )?;
    let role = match q.get("role").map(String::as_str).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            Role::parse_for("role", r, m.membership.org_kind).map_err(ValidationErrors::from)?,
        ),
        None => None,
    };
    let text = q.get("q").cloned();
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ValidationErrors::single("q", Rule::TooLong { max: 200 }).into());
    }
    let list =
        tillit_app::members::list_members(&state.app, &m.who, &MemberQuery { q: text, role }, page)
            .await?;
    let (items, page, per_page, total) = page_of(list);
    Ok(Json(MemberPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// Adds a member (administrators).
#[utoipa::path(post, path = "/api/v1/members", request_body = NewMemberDto,
    responses((status = 201, body = AddedMemberDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<NewMemberDto>,
) -> AppResult<Response> {
    m.require(Permission::ManageMembers)?;
    let (member, initial_password) = tillit_app::members::add_member(
        &state.app,
        &m.who,
        &body.email,
        body.display_name.as_deref().unwrap_or(""),
        &body.role,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedMemberDto {
            member: member.into(),
            initial_password,
        }),
    )
        .into_response())
}

/// One member.
#[utoipa::path(get, path = "/api/v1/members/{id}", params(("id" = String, Path)), responses((status = 200, body = MemberDto), (status = 404, body = Problem)))]
async fn get_member(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<MemberDto>> {
    m.require(Permission::ViewMembers)?;
    Ok(Json(
        tillit_app::members::member(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}

/// Changes a member's role (administrators). The last administrator keeps the role.
#[utoipa::path(patch, path = "/api/v1/members/{id}", params(("id" = String, Path)), request_body = RoleChangeDto,
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn change_member(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleChangeDto>,
) -> AppResult<Json<MemberDto>> {
    m.require(Permission::ManageMembers)?;
    Ok(Json(
        tillit_app::members::change_member_role(&state.app, &m.who, &id, &body.role)
            .await?
            .into(),
    ))
}

/// Removes a member (administrators). Their tokens for this organisation are revoked.
#[utoipa::path(delete, path = "/api/v1/members/{id}", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn remove_member(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    m.require(Permission::ManageMembers)?;
    tillit_app::members::remove_member(&state.app, &m.who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation's audit trail, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audit-events",
    params(("action" = Option<String>, Query), ("actor" = Option<String>, Query), ("object_type" = Option<String>, Query), ("object_id" = Option<String>, Query),
           ("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AuditEventPage), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_audit_events(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<AuditEventPage>> {
    m.require(Permission::ViewAuditLog)?;
    let (filter, page) = audit_filter(&q)?;
    let (items, page, per_page, total) =
        page_of(tillit_app::audit::list_audit_events(&state.app, &m.who, &filter, page).await?);
    Ok(Json(AuditEventPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// One audit event.
#[utoipa::path(get, path = "/api/v1/audit-events/{id}", params(("id" = String, Path)), responses((status = 200, body = AuditEventDto), (status = 404, body = Problem)))]
async fn get_audit_event(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<AuditEventDto>> {
    m.require(Permission::ViewAuditLog)?;
    Ok(Json(
        tillit_app::audit::audit_event(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}

/// The caller's own API tokens in this organisation.
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = [TokenDto])))]
async fn list_tokens(State(state): State<AppState>, m: Member) -> AppResult<Json<Vec<TokenDto>>> {
    m.require_scope(Scope::Read)?;
    Ok(Json(
        tillit_app::members::list_tokens(&state.app, &m.who)
            .await?
            .into_iter()
            .map(TokenDto::from)
            .collect(),
    ))
}

/// Makes an API token (signed-in sessions only; a token cannot make tokens).
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewTokenDto,
    responses((status = 201, body = CreatedTokenDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_token(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<NewTokenDto>,
) -> AppResult<Response> {
    let days = body.expires_in_days.map(|d| d.to_string());
    let new = tillit_app::members::create_token(
        &state.app,
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
async fn revoke_token(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    m.require_scope(Scope::Write)?;
    tillit_app::members::revoke_token(&state.app, &m.who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Consequence levels 0–4 per aspect.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelsDto {
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    pub traceability: u8,
}

#[derive(Serialize, ToSchema)]
pub struct AssetDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub owner_name: Option<String>,
    pub personal_data: bool,
    pub special_categories: Vec<String>,
    pub data_subjects: Vec<String>,
    pub individuals_approx: Option<i64>,
    pub confidentiality_provisions: Option<String>,
    /// presumption_of_secrecy, presumption_of_openness or absolute
    pub confidentiality_strength: Option<String>,
    pub legal_basis: Option<String>,
    pub review_interval_months: i64,
    /// Absent while the asset is unclassified.
    pub classification: Option<LevelsDto>,
    pub classified_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<tillit_app::views::Asset> for AssetDto {
    fn from(a: tillit_app::views::Asset) -> Self {
        let i = a.input;
        AssetDto {
            id: a.id,
            name: i.name,
            description: i.description,
            owner_membership_id: i.owner_membership_id,
            owner_name: a.owner_name,
            personal_data: i.personal_data,
            special_categories: i.special_categories,
            data_subjects: i.data_subjects,
            individuals_approx: i.individuals_approx,
            confidentiality_provisions: i.confidentiality_provisions,
            confidentiality_strength: i.confidentiality_strength,
            legal_basis: i.legal_basis,
            review_interval_months: i.review_interval_months,
            classification: a.levels.map(levels_dto),
            classified_at: a.classified_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssetPage {
    pub items: Vec<AssetDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Information assets, with their current classification.
#[utoipa::path(get, path = "/api/v1/assets",
    params(("q" = Option<String>, Query), ("classified" = Option<String>, Query, description = "yes or no"), ("sort" = Option<String>, Query, description = "name, level or updated"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AssetPage), (status = 422, body = Problem)))]
async fn list_assets(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<AssetPage>> {
    use tillit_app::views::{AssetQuery, AssetSort};
    m.require(Permission::ViewRegisters)?;
    let page = PageRequest::parse(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
    )?;
    let classified = match q.get("classified").map(String::as_str).unwrap_or("") {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => return Err(ValidationErrors::single("classified", Rule::UnknownValue).into()),
    };
    let sort = match q.get("sort").map(String::as_str).unwrap_or("") {
        "" | "name" => AssetSort::Name,
        "level" => AssetSort::Level,
        "updated" => AssetSort::Updated,
        _ => return Err(ValidationErrors::single("sort", Rule::UnknownValue).into()),
    };
    let text = q.get("q").cloned();
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ValidationErrors::single("q", Rule::TooLong { max: 200 }).into());
    }
    let list = tillit_app::assets::list_assets(
        &state.app,
        &m.who,
        &AssetQuery {
            q: text,
            classified,
            sort: Some(sort),
            ..Default::default()
        },
        page,
    )
    .await?;
    let (items, page, per_page, total) = page_of(list);
    Ok(Json(AssetPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// Adds an information asset.
#[utoipa::path(post, path = "/api/v1/assets", request_body = AssetDraft, responses((status = 201, body = AssetDto), (status = 422, body = Problem)))]
async fn create_asset(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<AssetDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let a = tillit_app::assets::create_asset(&state.app, &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(AssetDto::from(a))).into_response())
}

/// One information asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}", params(("id" = String, Path)), responses((status = 200, body = AssetDto), (status = 404, body = Problem)))]
async fn get_asset(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<AssetDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::assets::asset(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces an information asset's facts.
#[utoipa::path(put, path = "/api/v1/assets/{id}", params(("id" = String, Path)), request_body = AssetDraft, responses((status = 200, body = AssetDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_asset(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssetDraft>,
) -> AppResult<Json<AssetDto>> {
    m.require(Permission::EditRegisters)?;
    Ok(Json(
        tillit_app::assets::update_asset(&state.app, &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Classifies an information asset (levels 0–4 per aspect, with a motivation); kept in its history.
#[utoipa::path(post, path = "/api/v1/assets/{id}/classification", params(("id" = String, Path)), request_body = ClassificationDraft, responses((status = 200, body = AssetDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn classify_asset(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClassificationDraft>,
) -> AppResult<Json<AssetDto>> {
    m.require(Permission::Classify)?;
    Ok(Json(
        tillit_app::assets::classify_asset(&state.app, &m.who, &id, &body)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct SystemDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_membership_id: Option<String>,
    pub owner_name: Option<String>,
    pub supplier: Option<String>,
    /// own_operation, outsourced or public_cloud
    pub hosting: String,
    pub country: Option<String>,
    pub review_interval_months: i64,
    pub asset_ids: Vec<String>,
    /// Per aspect, the highest level of the classified assets it processes.
    pub inherited: Option<LevelsDto>,
    /// Levels set on the system itself (a motivated deviation).
    pub deviation: Option<LevelsDto>,
    pub deviation_motivation: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn levels_dto(l: tillit_domain::classification::Levels) -> LevelsDto {
    LevelsDto {
        confidentiality: l.confidentiality.number(),
        integrity: l.integrity.number(),
        availability: l.availability.number(),
        traceability: l.traceability.number(),
    }
}

impl From<tillit_app::views::System> for SystemDto {
    fn from(s: tillit_app::views::System) -> Self {
        let i = s.input;
        SystemDto {
            id: s.id,
            name: i.name,
            description: i.description,
            owner_membership_id: i.owner_membership_id,
            owner_name: s.owner_name,
            supplier: i.supplier,
            hosting: i.hosting,
            country: i.country,
            review_interval_months: i.review_interval_months,
            asset_ids: i.asset_ids,
            inherited: s.inherited.map(levels_dto),
            deviation: s.deviation.map(levels_dto),
            deviation_motivation: s.deviation_motivation,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SystemPage {
    pub items: Vec<SystemDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Systems and IT services with what they inherit.
#[utoipa::path(get, path = "/api/v1/systems", params(("q" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200, body = SystemPage), (status = 422, body = Problem)))]
async fn list_systems(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<SystemPage>> {
    m.require(Permission::ViewRegisters)?;
    let page = PageRequest::parse(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
    )?;
    let text = q.get("q").cloned().unwrap_or_default();
    if text.chars().count() > 200 {
        return Err(ValidationErrors::single("q", Rule::TooLong { max: 200 }).into());
    }
    let (items, page, per_page, total) =
        page_of(tillit_app::systems::list_systems(&state.app, &m.who, Some(&text), page).await?);
    Ok(Json(SystemPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// Adds a system.
#[utoipa::path(post, path = "/api/v1/systems", request_body = SystemDraft, responses((status = 201, body = SystemDto), (status = 422, body = Problem)))]
async fn create_system(
    State(state): State<AppState>,
    m: Member,
    ApiJson(body): ApiJson<SystemDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let s = tillit_app::systems::create_system(&state.app, &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(SystemDto::from(s))).into_response())
}

/// One system.
#[utoipa::path(get, path = "/api/v1/systems/{id}", params(("id" = String, Path)), responses((status = 200, body = SystemDto), (status = 404, body = Problem)))]
async fn get_system(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(
        tillit_app::systems::system(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}

/// Replaces a system's facts and the assets it processes.
#[utoipa::path(put, path = "/api/v1/systems/{id}", params(("id" = String, Path)), request_body = SystemDraft, responses((status = 200, body = SystemDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_system(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SystemDraft>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::EditRegisters)?;
    Ok(Json(
        tillit_app::systems::update_system(&state.app, &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Sets the system's own levels; a deviation from the inherited levels needs a motivation.
#[utoipa::path(put, path = "/api/v1/systems/{id}/levels", params(("id" = String, Path)), request_body = SystemLevelsDraft, responses((status = 200, body = SystemDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_system_levels(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SystemLevelsDraft>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::Classify)?;
    Ok(Json(
        tillit_app::systems::set_system_levels(&state.app, &m.who, &id, &body)
            .await?
            .into(),
    ))
}

/// Removes the system's own levels, so the inherited ones apply.
#[utoipa::path(delete, path = "/api/v1/systems/{id}/levels", params(("id" = String, Path)), responses((status = 200, body = SystemDto), (status = 404, body = Problem)))]
async fn clear_system_levels(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<SystemDto>> {
    m.require(Permission::Classify)?;
    Ok(Json(
        tillit_app::systems::clear_system_levels(&state.app, &m.who, &id)
            .await?
            .into(),
    ))
}
