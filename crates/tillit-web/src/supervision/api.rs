//! Supervision in the API: the authority's cases under `/api/v1/authority/cases…`, its
//! handling-time statistics and targets; the provider's cases under `/api/v1/supervision/…`;
//! guidance under `/api/v1/guidance`.

#[allow(unused_imports)]
use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{ApiJson, Params};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_app::supervision::{self as sup, CaseListParams, StatsParams};
use tillit_domain::supervision::{
    AnswerDraft, CaseDraft, CloseDraft, DecisionDraft, GuidanceDraft, NoteDraft, ReportDraft,
    RequestDraft, ShareDraft, TargetsDraft, VerifyDraft,
};
use utoipa::ToSchema;

/// A case as listed.
#[derive(Serialize, ToSchema)]
pub struct SupervisionCaseDto {
    pub id: String,
    pub reference: String,
    pub authority: String,
    pub org_number: String,
    pub org_name: String,
    pub case_type: String,
    pub title: String,
    pub state: String,
    pub officer: String,
    pub opened_at: String,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
    pub open_requests: i64,
}

impl From<sup::CaseRow> for SupervisionCaseDto {
    fn from(c: sup::CaseRow) -> Self {
        SupervisionCaseDto {
            id: c.id,
            reference: c.reference,
            authority: c.authority_name,
            org_number: c.org_number,
            org_name: c.org_name,
            case_type: c.case_type,
            title: c.title,
            state: c.state,
            officer: c.officer_name,
            opened_at: c.opened_at,
            decided_at: c.decided_at,
            closed_at: c.closed_at,
            open_requests: c.open_requests,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionCasePageDto {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub items: Vec<SupervisionCaseDto>,
}

/// The id of what was made.
#[derive(Serialize, ToSchema)]
pub struct CreatedIdDto {
    pub id: String,
}

fn created(id: String) -> Response {
    (StatusCode::CREATED, Json(CreatedIdDto { id })).into_response()
}

/// The authority's cases (`scope=own`, the default) or those other authorities shared with it
/// (`scope=shared`), newest first.
#[utoipa::path(get, path = "/api/v1/authority/cases",
    params(("scope" = Option<String>, Query), ("state" = Option<String>, Query), ("case_type" = Option<String>, Query),
        ("org_number" = Option<String>, Query), ("q" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = SupervisionCasePageDto), (status = 422, body = Problem)))]
pub async fn list(
    m: Member,
    Params(p): Params<CaseListParams>,
) -> AppResult<Json<SupervisionCasePageDto>> {
    let l = sup::cases(m.app(), &m.who, &p).await?;
    Ok(Json(SupervisionCasePageDto {
        page: l.page,
        per_page: l.per_page,
        total: l.total,
        items: l.items.into_iter().map(Into::into).collect(),
    }))
}

/// Opens a case about an organisation in the authority's registry.
#[utoipa::path(post, path = "/api/v1/authority/cases", request_body = CaseDraft,
    responses((status = 201, body = CreatedIdDto), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn open(m: Member, ApiJson(d): ApiJson<CaseDraft>) -> AppResult<Response> {
    Ok(created(sup::open_case(m.app(), &m.who, &d).await?))
}

/// One case as the acting organisation may see it (its authority, a sharing partner — read
/// audited — or the provider, which sees what is addressed to it).
#[utoipa::path(get, path = "/api/v1/authority/cases/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn show(m: Member, Path(id): Path<String>) -> AppResult<Json<sup::CaseView>> {
    Ok(Json(sup::case(m.app(), &m.who, &id).await?))
}

/// Sends a request to the provider: questions, documents asked for, a deadline.
#[utoipa::path(post, path = "/api/v1/authority/cases/{id}/requests", params(("id" = String, Path)), request_body = RequestDraft,
    responses((status = 201, body = CreatedIdDto), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn send_request(
    m: Member,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<RequestDraft>,
) -> AppResult<Response> {
    Ok(created(sup::send_request(m.app(), &m.who, &id, &d).await?))
}

/// Issues a decision (never changed afterwards), or with `corrects` a correction of the decision
/// in force. An order's required actions become measures in the provider's action plan.
#[utoipa::path(post, path = "/api/v1/authority/cases/{id}/decisions", params(("id" = String, Path)), request_body = DecisionDraft,
    responses((status = 201, body = CreatedIdDto), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn decide(
    m: Member,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<DecisionDraft>,
) -> AppResult<Response> {
    Ok(created(sup::decide(m.app(), &m.who, &id, &d).await?))
}

/// The case officer's verdict on a reported action.
#[utoipa::path(post, path = "/api/v1/authority/cases/{id}/actions/{action_id}/verification",
    params(("id" = String, Path), ("action_id" = String, Path)), request_body = VerifyDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn verify(
    m: Member,
    Path((id, action)): Path<(String, String)>,
    ApiJson(d): ApiJson<VerifyDraft>,
) -> AppResult<StatusCode> {
    sup::verify_action(m.app(), &m.who, &id, &action, &d).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes the case; a motivation is required unless every required action is accepted.
#[utoipa::path(post, path = "/api/v1/authority/cases/{id}/close", params(("id" = String, Path)), request_body = CloseDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn close(
    m: Member,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<CloseDraft>,
) -> AppResult<StatusCode> {
    sup::close(m.app(), &m.who, &id, &d).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A note in the timeline (the authority or a sharing partner; never shown to the provider).
#[utoipa::path(post, path = "/api/v1/authority/cases/{id}/notes", params(("id" = String, Path)), request_body = NoteDraft,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn note(
    m: Member,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<NoteDraft>,
) -> AppResult<StatusCode> {
    sup::note(m.app(), &m.who, &id, &d).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shares the case, read-only, with another authority.
#[utoipa::path(post, path = "/api/v1/authority/cases/{id}/shares", params(("id" = String, Path)), request_body = ShareDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn share(
    m: Member,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<ShareDraft>,
) -> AppResult<StatusCode> {
    sup::share(m.app(), &m.who, &id, &d).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a sharing.
#[utoipa::path(delete, path = "/api/v1/authority/cases/{id}/shares/{authority_id}",
    params(("id" = String, Path), ("authority_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke(
    m: Member,
    Path((id, partner)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    sup::revoke_share(m.app(), &m.who, &id, &partner).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Handling-time statistics for a year (or one of its quarters): per case type and in all.
#[utoipa::path(get, path = "/api/v1/authority/case-statistics",
    params(("year" = Option<i64>, Query), ("quarter" = Option<i64>, Query)),
    responses((status = 200, body = Object), (status = 422, body = Problem)))]
pub async fn statistics(
    m: Member,
    Params(p): Params<StatsParams>,
) -> AppResult<Json<serde_json::Value>> {
    let s = sup::statistics(m.app(), &m.who, &p).await?;
    Ok(Json(serde_json::json!({
        "year": s.year, "quarter": s.quarter, "from": s.from, "to": s.to,
        "by_case_type": s.rows, "attention": s.attention, "attention_total": s.attention_total,
    })))
}

/// The authority's targets: days to a decision per case type (its own days).
#[utoipa::path(put, path = "/api/v1/authority/case-targets", request_body = TargetsDraft,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn set_targets(m: Member, ApiJson(d): ApiJson<TargetsDraft>) -> AppResult<StatusCode> {
    sup::set_targets(m.app(), &m.who, &d).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The supervision cases concerning the acting provider.
#[utoipa::path(get, path = "/api/v1/supervision/cases", responses((status = 200, body = Vec<SupervisionCaseDto>)))]
pub async fn provider_list(m: Member) -> AppResult<Json<Vec<SupervisionCaseDto>>> {
    Ok(Json(
        sup::provider_cases(m.app(), &m.who)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The provider answers a request, attaching a signed extract of the objects it names.
#[utoipa::path(post, path = "/api/v1/supervision/cases/{id}/requests/{request_id}/answer",
    params(("id" = String, Path), ("request_id" = String, Path)), request_body = AnswerDraft,
    responses((status = 201, body = CreatedIdDto), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn answer(
    m: Member,
    Path((id, request)): Path<(String, String)>,
    ApiJson(d): ApiJson<AnswerDraft>,
) -> AppResult<Response> {
    Ok(created(
        sup::answer(m.app(), &m.who, &id, &request, &d, &[]).await?,
    ))
}

/// The provider reports what it did about a required action.
#[utoipa::path(post, path = "/api/v1/supervision/cases/{id}/actions/{action_id}/report",
    params(("id" = String, Path), ("action_id" = String, Path)), request_body = ReportDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn report(
    m: Member,
    Path((id, action)): Path<(String, String)>,
    ApiJson(d): ApiJson<ReportDraft>,
) -> AppResult<StatusCode> {
    sup::report_action(m.app(), &m.who, &id, &action, &d).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A published guidance document's latest version.
#[derive(Serialize, ToSchema)]
pub struct GuidanceDto {
    pub id: String,
    pub authority: String,
    pub doc_key: String,
    pub version: i64,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub topics: Vec<String>,
    /// Kinds of organisation concerned (empty: every kind).
    pub org_kinds: Vec<String>,
    pub published_at: String,
    pub published_by: String,
    /// The version publishes a requirement catalog (`/api/v1/guidance/{id}/catalog`).
    pub publishes_catalog: bool,
}

fn semicolon_list(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Published guidance (latest versions): an authority's own, or for a provider what concerns its
/// kind of organisation.
#[utoipa::path(get, path = "/api/v1/guidance", responses((status = 200, body = Vec<GuidanceDto>)))]
pub async fn guidance(m: Member) -> AppResult<Json<Vec<GuidanceDto>>> {
    Ok(Json(
        sup::guidance(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|g| GuidanceDto {
                topics: semicolon_list(&g.topics),
                org_kinds: semicolon_list(&g.org_kinds),
                id: g.id,
                authority: g.authority_name,
                doc_key: g.doc_key,
                version: g.version,
                title: g.title,
                summary: g.summary,
                body: g.body,
                published_at: g.published_at,
                published_by: g.published_by_name,
                publishes_catalog: g.library_id.is_some(),
            })
            .collect(),
    ))
}

/// One guidance document's version, its versions and what changed from the one before.
#[utoipa::path(get, path = "/api/v1/guidance/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn guidance_doc(m: Member, Path(id): Path<String>) -> AppResult<Json<sup::GuidanceView>> {
    Ok(Json(sup::guidance_doc(m.app(), &m.who, &id).await?))
}

/// Publishes a guidance document in Markdown (the supervision lead); under an existing
/// `doc_key`, as its next version.
#[utoipa::path(post, path = "/api/v1/authority/guidance", request_body = GuidanceDraft,
    responses((status = 201, body = Object), (status = 422, body = Problem)))]
pub async fn publish(m: Member, ApiJson(d): ApiJson<GuidanceDraft>) -> AppResult<Response> {
    let g = sup::publish_guidance(m.app(), &m.who, &d, None).await?;
    Ok((StatusCode::CREATED, Json(g)).into_response())
}

/// A guidance version that publishes a requirement catalog: the guidance's fields, and the OSCAL
/// catalog (with a profile that selects from it) as JSON documents.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuidanceCatalogBody {
    #[serde(default, deserialize_with = "tillit_domain::draft::text")]
    #[schema(value_type = Option<String>)]
    pub doc_key: String,
    #[serde(default, deserialize_with = "tillit_domain::draft::text")]
    pub title: String,
    #[serde(default, deserialize_with = "tillit_domain::draft::text")]
    pub summary: String,
    /// Markdown: what the catalog is for and what is new.
    #[serde(default, deserialize_with = "tillit_domain::draft::text")]
    pub body: String,
    #[serde(default, deserialize_with = "tillit_domain::draft::texts")]
    pub topics: Vec<String>,
    #[serde(default, deserialize_with = "tillit_domain::draft::texts")]
    pub org_kinds: Vec<String>,
    /// An OSCAL catalog document: `{"catalog": {…}}`.
    #[schema(value_type = Object)]
    pub catalog: serde_json::Value,
    /// An OSCAL profile document that imports exactly one catalog (this one).
    #[schema(value_type = Option<Object>)]
    pub profile: Option<serde_json::Value>,
}

/// Publishes a guidance version that carries a requirement catalog (the supervision lead).
#[utoipa::path(post, path = "/api/v1/authority/guidance/catalogs", request_body = GuidanceCatalogBody,
    responses((status = 201, body = Object), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn publish_catalog(
    m: Member,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(crate::error::AppError::UnsupportedMediaType);
    }
    let b: GuidanceCatalogBody = crate::forms::parse_json(&body)?;
    let d = GuidanceDraft {
        doc_key: b.doc_key,
        title: b.title,
        summary: b.summary,
        body: b.body,
        topics: b.topics,
        org_kinds: b.org_kinds,
    };
    let upload = |name: &str, v: &serde_json::Value| tillit_app::oscal::Upload {
        name: format!("{name}.json"),
        bytes: serde_json::to_vec(v).unwrap_or_default(),
    };
    let catalog = upload("catalog", &b.catalog);
    let profile = b.profile.as_ref().map(|p| upload("profile", p));
    let g = sup::publish_guidance(m.app(), &m.who, &d, Some((catalog, profile))).await?;
    Ok((StatusCode::CREATED, Json(g)).into_response())
}

/// The OSCAL catalog a guidance version publishes, as resolved when it was published.
#[utoipa::path(get, path = "/api/v1/guidance/{id}/catalog", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn guidance_catalog(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    let doc = tillit_app::oscal::published_catalog_document(m.app(), &m.who, &id).await?;
    let text = tillit_app::oscal::write(&doc, tillit_oscal::Format::Json)?;
    let mut res = text.into_response();
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

/// What adopting a published catalog did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AdoptedCatalogDto {
    pub library: crate::libraries::api::LibraryDto,
    /// Systems now assessed against the new version (those of the earlier copy).
    pub systems: usize,
    /// Assessments carried over from the earlier copy (controls that did not change).
    pub assessments_carried: usize,
}

/// Adopts the catalog a guidance version publishes as one of the organisation's libraries (a
/// provider's administrator or coordinator). Adopting a version twice gives the same library.
#[utoipa::path(post, path = "/api/v1/guidance/{id}/adopt", params(("id" = String, Path)),
    responses((status = 200, body = AdoptedCatalogDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn adopt_catalog(
    m: Member,
    Path(id): Path<String>,
) -> AppResult<Json<AdoptedCatalogDto>> {
    let a = tillit_app::oscal::adopt_published(m.app(), &m.who, &id).await?;
    Ok(Json(AdoptedCatalogDto {
        library: a.library.into(),
        systems: a.systems,
        assessments_carried: a.carried,
    }))
}
