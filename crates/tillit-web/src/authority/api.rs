//! The authority's workspace in the API, under `/api/v1/authority/…`.

#[allow(unused_imports)]
use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Params};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_app::authority::{self as auth, RemitParams};
use tillit_domain::role::Permission;
use utoipa::ToSchema;

/// One organisation's place in the ranking.
#[derive(Serialize, ToSchema)]
pub struct RankDto {
    pub place: i64,
    /// The registry row (use it with `/authority/ranking/{id}`).
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub county: String,
    pub kind: String,
    pub nis2_class: String,
    /// 0–100.
    pub score: f64,
    /// 0–1.
    pub likelihood: f64,
    pub consequence: f64,
    /// The likelihood factor that adds most to the score.
    pub top_factor: String,
    pub no_submission: bool,
    /// A row the demo generated.
    pub generated: bool,
}

/// A page of the ranking.
#[derive(Serialize, ToSchema)]
pub struct RankingDto {
    /// The model version the ranking used.
    pub model_version: i64,
    pub computed_at: String,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// How many organisations (filtered) score 0–10, 10–20, … 90–100.
    pub distribution: Vec<i64>,
    pub without_submission: i64,
    pub items: Vec<RankDto>,
}

/// The ranking of the organisations in the authority's remit, highest score first.
#[utoipa::path(get, path = "/api/v1/authority/ranking",
    params(("county" = Option<String>, Query), ("kind" = Option<String>, Query, description = "region, municipality, private_provider, other"), ("nis2_class" = Option<String>, Query, description = "essential, important, not_covered, unknown"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = RankingDto), (status = 422, body = Problem)))]
pub async fn ranking(m: Member, Params(p): Params<RemitParams>) -> AppResult<Json<RankingDto>> {
    m.require(Permission::ViewSupervision)?;
    let (f, page) = p.parse()?;
    let v = auth::ranking(m.app(), &m.who, &f, page).await?;
    let offset = (v.page.page - 1) * v.page.per_page;
    Ok(Json(RankingDto {
        model_version: v.model_version,
        computed_at: v.computed_at,
        page: v.page.page,
        per_page: v.page.per_page,
        total: v.page.total,
        distribution: v.distribution.to_vec(),
        without_submission: v.without_submission,
        items: v
            .page
            .items
            .into_iter()
            .enumerate()
            .map(|(i, r)| RankDto {
                place: offset + i as i64 + 1,
                id: r.entry_id,
                name: r.name,
                org_number: r.org_number,
                county: r.county,
                kind: r.kind,
                nis2_class: r.nis2_class,
                score: r.score_tenths as f64 / 10.0,
                likelihood: r.likelihood_permille as f64 / 1000.0,
                consequence: r.consequence_permille as f64 / 1000.0,
                top_factor: r.top_factor,
                no_submission: r.missing_submission != 0,
                generated: r.generated != 0,
            })
            .collect(),
    }))
}

/// One organisation's score explained factor by factor (each part's figure, its date and source,
/// its value and the points it adds), and what would lower it most. It shows the figures of the
/// latest submission: for those who read submissions (not the authority's administrator), and
/// the read is audited.
#[utoipa::path(get, path = "/api/v1/authority/ranking/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Object)))]
pub async fn explain(m: Member, Path(id): Path<String>) -> AppResult<Json<serde_json::Value>> {
    m.require(Permission::ReadSubmissions)?;
    let x = auth::explain(m.app(), &m.who, &id).await?;
    Ok(Json(serde_json::json!({
        "organisation": x.entry,
        "model_version": x.model_version,
        "place": x.place,
        "of": x.of,
        "score": x.score,
        "what_would_change": x.changes.iter().map(|(k, s, p)| serde_json::json!({"factor": k, "score": s, "place": p})).collect::<Vec<_>>(),
    })))
}

/// A page of the registry.
#[derive(Serialize, ToSchema)]
pub struct RegistryPageDto {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<tillit_store_view::RegistryEntry>,
}

mod tillit_store_view {
    pub use tillit_app::views::RegistryEntry;
}

/// The registry of the organisations in the authority's remit.
#[utoipa::path(get, path = "/api/v1/authority/registry",
    params(("q" = Option<String>, Query, description = "text in the name or number"), ("county" = Option<String>, Query), ("kind" = Option<String>, Query), ("nis2_class" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = RegistryPageDto), (status = 422, body = Problem)))]
pub async fn registry(
    m: Member,
    Params(p): Params<RemitParams>,
) -> AppResult<Json<RegistryPageDto>> {
    m.require(Permission::ViewSupervision)?;
    let (f, page) = p.parse()?;
    let l = auth::registry(m.app(), &m.who, &f, page).await?;
    Ok(Json(RegistryPageDto {
        page: l.page,
        per_page: l.per_page,
        total: l.total,
        items: l.items,
    }))
}

/// A submission received.
#[derive(Serialize, ToSchema)]
pub struct ReceivedDto {
    pub id: String,
    pub org_number: String,
    pub org_name: String,
    pub sha256: String,
    pub key_id: String,
    pub submitted_at: String,
    pub received_at: String,
    /// `tillit` (sent inside this Tillit) or `file` (imported).
    pub source: String,
}

impl From<tillit_app::views::Received> for ReceivedDto {
    fn from(r: tillit_app::views::Received) -> Self {
        ReceivedDto {
            id: r.id,
            org_number: r.org_number,
            org_name: r.org_name,
            sha256: r.sha256,
            key_id: r.key_id,
            submitted_at: r.submitted_at,
            received_at: r.received_at,
            source: r.source,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceivedPageDto {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub items: Vec<ReceivedDto>,
}

#[derive(serde::Deserialize, Default)]
pub struct ReceivedParams {
    #[serde(default)]
    org_number: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    per_page: Option<String>,
}

/// The submissions the authority received, newest first (metadata; read one for its content).
#[utoipa::path(get, path = "/api/v1/authority/submissions",
    params(("org_number" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = ReceivedPageDto), (status = 422, body = Problem)))]
pub async fn received(
    m: Member,
    Params(p): Params<ReceivedParams>,
) -> AppResult<Json<ReceivedPageDto>> {
    m.require(Permission::ViewSupervision)?;
    let page = tillit_domain::paging::PageRequest::parse(p.page.as_deref(), p.per_page.as_deref())?;
    // A number as the registry writes it (NNNNNN-NNNN); any other text simply matches none.
    let n = p.org_number.trim();
    let n = if n.is_empty() {
        None
    } else {
        Some(
            tillit_domain::org::OrgNumber::parse("org_number", n)
                .map(|o| o.as_str().to_string())
                .unwrap_or_else(|_| n.to_string()),
        )
    };
    let l = auth::received(m.app(), &m.who, n.as_deref(), page).await?;
    Ok(Json(ReceivedPageDto {
        page: l.page,
        per_page: l.per_page,
        total: l.total,
        items: l.items.into_iter().map(Into::into).collect(),
    }))
}

/// One submission received: the signed file and its signature checked against the provider's
/// published keys. The read is audited.
#[utoipa::path(get, path = "/api/v1/authority/submissions/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Object)))]
pub async fn received_one(m: Member, Path(id): Path<String>) -> AppResult<Json<serde_json::Value>> {
    m.require(Permission::ReadSubmissions)?;
    let (r, envelope, verdict) = auth::read_received(m.app(), &m.who, &id).await?;
    let env: serde_json::Value = serde_json::from_str(&envelope).map_err(AppError::internal)?;
    Ok(Json(serde_json::json!({
        "received": ReceivedDto::from(r),
        "signature_valid": verdict.is_ok(),
        "signature_problem": verdict.err(),
        "file": env,
    })))
}

/// Imports a submission file (`tillit-submission/1`) a provider sent from another Tillit. It is
/// refused with the reason (`file`, rule `submission_refused`) when it is not a submission, has
/// been changed, comes from an organisation not in the registry, cannot be checked against a
/// published key, was signed with another key, or was already received.
#[utoipa::path(post, path = "/api/v1/authority/submissions", request_body = Object,
    responses((status = 201, body = ReceivedDto), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn import(m: Member, body: axum::body::Bytes) -> AppResult<Response> {
    m.require(Permission::ImportSubmissions)?;
    let id = auth::import_submission(m.app(), &m.who, &body).await?;
    let r = auth::received_meta(m.app(), &m.who, &id).await?;
    Ok((StatusCode::CREATED, Json(ReceivedDto::from(r))).into_response())
}

/// The ranking model in force.
#[derive(Serialize, ToSchema)]
pub struct ModelDto {
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    #[schema(value_type = Object)]
    pub model: tillit_domain::ranking::Model,
}

/// The ranking model in force: its factors, weights, scales and rationales.
#[utoipa::path(get, path = "/api/v1/authority/model", responses((status = 200, body = ModelDto)))]
pub async fn model(m: Member) -> AppResult<Json<ModelDto>> {
    m.require(Permission::ViewSupervision)?;
    let mut all = auth::model_versions(m.app(), &m.who).await?;
    if all.is_empty() {
        return Err(AppError::NotFound);
    }
    let (v, model) = all.remove(0);
    Ok(Json(ModelDto {
        version: v.version,
        created_at: v.created_at,
        created_by: v.created_by_name,
        model,
    }))
}

/// Every version of the ranking model, newest first.
#[utoipa::path(get, path = "/api/v1/authority/model/versions", responses((status = 200, body = Vec<ModelDto>)))]
pub async fn model_versions(m: Member) -> AppResult<Json<Vec<ModelDto>>> {
    m.require(Permission::ViewSupervision)?;
    Ok(Json(
        auth::model_versions(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|(v, model)| ModelDto {
                version: v.version,
                created_at: v.created_at,
                created_by: v.created_by_name,
                model,
            })
            .collect(),
    ))
}

/// Publishes a new version of the ranking model (the supervision lead): every factor with its
/// weight (0–100), the figure that counts fully (`full_at`) or the value of each level
/// (`levels`, for `nis2` and `kind_of_care`), the value when the figure is missing (0–1) and the
/// rationale. The ranking is computed again with it.
#[utoipa::path(post, path = "/api/v1/authority/model", request_body = tillit_domain::ranking::ModelDraft,
    responses((status = 201, body = ModelDto), (status = 422, body = Problem)))]
pub async fn save_model(
    m: Member,
    ApiJson(body): ApiJson<tillit_domain::ranking::ModelDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRankingModel)?;
    let version = auth::save_model(m.app(), &m.who, body).await?;
    let (v, model) = auth::model_versions(m.app(), &m.who)
        .await?
        .into_iter()
        .find(|(v, _)| v.version == version)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(ModelDto {
            version: v.version,
            created_at: v.created_at,
            created_by: v.created_by_name,
            model,
        }),
    )
        .into_response())
}
