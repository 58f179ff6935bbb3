//! The API of additional libraries (OSCAL imports), systems' assessments against them, and a
//! system's OSCAL exports.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{parse_json, ApiJson, Params};
use crate::libraries::pages::{export_args, ExportParams};
use crate::systems::api::SystemRefDto;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_app::oscal::Upload;
use tillit_app::views::{ControlAssessment, LibraryControl, OscalLibrary};
use tillit_domain::assessment::AssessmentDraft;
use tillit_domain::ids::SystemId;
use tillit_oscal::Format;
use utoipa::ToSchema;

/// An imported library.
#[derive(Serialize, ToSchema)]
pub struct LibraryDto {
    pub id: String,
    pub title: String,
    pub version: String,
    pub oscal_version: String,
    /// The title of the catalog imported.
    pub catalog_title: String,
    /// The title of the profile it was resolved through, if any.
    pub profile_title: Option<String>,
    /// SHA-256 of the resolved catalog as stored.
    pub sha256: String,
    pub control_count: i64,
    pub imported_by: String,
    pub imported_at: String,
    /// How many systems are assessed against it.
    pub systems: i64,
}

impl From<OscalLibrary> for LibraryDto {
    fn from(l: OscalLibrary) -> Self {
        LibraryDto {
            id: l.id,
            title: l.title,
            version: l.version,
            oscal_version: l.oscal_version,
            catalog_title: l.catalog_title,
            profile_title: l.profile_title,
            sha256: l.sha256,
            control_count: l.control_count,
            imported_by: l.imported_by,
            imported_at: l.imported_at,
            systems: l.systems,
        }
    }
}

/// One control of a library, readable: parameters filled in, items on their own lines.
#[derive(Serialize, ToSchema)]
pub struct ControlDto {
    pub id: String,
    pub label: String,
    pub title: String,
    pub group_id: Option<String>,
    pub group_title: Option<String>,
    /// The control an enhancement belongs to.
    pub parent_id: Option<String>,
    pub statement: String,
    pub guidance: String,
}

impl From<LibraryControl> for ControlDto {
    fn from(c: LibraryControl) -> Self {
        ControlDto {
            id: c.id,
            label: c.label,
            title: c.title,
            group_id: c.group_id,
            group_title: c.group_title,
            parent_id: c.parent_id,
            statement: c.statement,
            guidance: c.guidance,
        }
    }
}

/// A library with its controls and the systems assessed against it.
#[derive(Serialize, ToSchema)]
pub struct LibraryDetailDto {
    pub library: LibraryDto,
    pub controls: Vec<ControlDto>,
    pub systems: Vec<SystemRefDto>,
}

/// An OSCAL catalog, and optionally a profile that selects from it (it must import exactly one
/// document, which is taken to be this catalog), as OSCAL JSON documents.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LibraryImportBody {
    /// An OSCAL catalog document: `{"catalog": {…}}`.
    #[schema(value_type = Object)]
    pub catalog: serde_json::Value,
    /// An OSCAL profile document: `{"profile": {…}}`.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<serde_json::Value>,
}

/// A control of a library and its assessment for the system.
#[derive(Serialize, ToSchema)]
pub struct ControlStatusDto {
    pub control_id: String,
    pub label: String,
    pub title: String,
    pub group_title: Option<String>,
    /// met, partly_met, not_met, not_applicable; absent when not assessed.
    pub status: Option<String>,
    pub assessed_by: Option<String>,
    pub assessed_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ControlAssessmentDto {
    pub system_id: String,
    pub library_id: String,
    pub control_id: String,
    pub status: String,
    pub motivation: Option<String>,
    pub comment: Option<String>,
    pub assessed_by: String,
    pub assessed_at: String,
}

impl From<ControlAssessment> for ControlAssessmentDto {
    fn from(a: ControlAssessment) -> Self {
        ControlAssessmentDto {
            system_id: a.system_id,
            library_id: a.library_id,
            control_id: a.control_id,
            status: a.status.key().into(),
            motivation: a.motivation,
            comment: a.comment,
            assessed_by: a.assessed_by,
            assessed_at: a.assessed_at,
        }
    }
}

/// The organisation's imported libraries, newest first.
#[utoipa::path(get, path = "/api/v1/libraries", responses((status = 200, body = [LibraryDto])))]
pub async fn list(m: Member) -> AppResult<Json<Vec<LibraryDto>>> {
    Ok(Json(
        tillit_app::oscal::libraries(m.app(), &m.who)
            .await?
            .into_iter()
            .map(LibraryDto::from)
            .collect(),
    ))
}

/// Imports an OSCAL catalog (resolved through the profile when one is given) as an additional
/// library systems can be assessed against. A document Tillit cannot read, or a profile it
/// cannot resolve against the catalog, is refused with 422 naming `catalog` or `profile`.
#[utoipa::path(post, path = "/api/v1/libraries", request_body = LibraryImportBody,
    responses((status = 201, body = LibraryDto), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn import(m: Member, headers: axum::http::HeaderMap, body: Bytes) -> AppResult<Response> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(AppError::UnsupportedMediaType);
    }
    let b: LibraryImportBody = parse_json(&body)?;
    let to_upload = |name: &str, v: &serde_json::Value| Upload {
        name: format!("{name}.json"),
        bytes: serde_json::to_vec(v).unwrap_or_default(),
    };
    let catalog = to_upload("catalog", &b.catalog);
    let profile = b.profile.as_ref().map(|p| to_upload("profile", p));
    let l = tillit_app::oscal::import_library(m.app(), &m.who, catalog, profile).await?;
    Ok((StatusCode::CREATED, Json(LibraryDto::from(l))).into_response())
}

/// A library, its controls and the systems assessed against it.
#[utoipa::path(get, path = "/api/v1/libraries/{lid}", params(("lid" = String, Path)),
    responses((status = 200, body = LibraryDetailDto), (status = 404, body = Problem)))]
pub async fn show(m: Member, Path(lid): Path<String>) -> AppResult<Json<LibraryDetailDto>> {
    let v = tillit_app::oscal::library(m.app(), &m.who, &lid).await?;
    Ok(Json(LibraryDetailDto {
        library: v.library.into(),
        controls: v.controls.into_iter().map(ControlDto::from).collect(),
        systems: v
            .systems
            .into_iter()
            .map(|(id, name)| SystemRefDto { id, name })
            .collect(),
    }))
}

/// Removes a library no system is or was assessed against (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/libraries/{lid}", params(("lid" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(m: Member, Path(lid): Path<String>) -> AppResult<StatusCode> {
    tillit_app::oscal::remove_library(m.app(), &m.who, &lid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The library's resolved catalog as imported (OSCAL JSON).
#[utoipa::path(get, path = "/api/v1/libraries/{lid}/catalog", params(("lid" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn catalog(m: Member, Path(lid): Path<String>) -> AppResult<Response> {
    let doc = tillit_app::oscal::library_catalog(m.app(), &m.who, &lid).await?;
    json_text(tillit_app::oscal::write(&doc, Format::Json)?)
}

fn json_text(text: String) -> AppResult<Response> {
    let mut res = text.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

/// The libraries a system is assessed against.
#[utoipa::path(get, path = "/api/v1/systems/{id}/libraries", params(("id" = String, Path)),
    responses((status = 200, body = [LibraryDto]), (status = 404, body = Problem)))]
pub async fn system_libraries(
    m: Member,
    Path(id): Path<SystemId>,
) -> AppResult<Json<Vec<LibraryDto>>> {
    Ok(Json(
        tillit_app::oscal::system_libraries(m.app(), &m.who, &id)
            .await?
            .into_iter()
            .map(LibraryDto::from)
            .collect(),
    ))
}

/// Starts assessing the system against the library; gives back the system's libraries.
#[utoipa::path(put, path = "/api/v1/systems/{id}/libraries/{lid}", params(("id" = String, Path), ("lid" = String, Path)),
    responses((status = 200, body = [LibraryDto]), (status = 404, body = Problem)))]
pub async fn adopt(
    m: Member,
    Path((id, lid)): Path<(SystemId, String)>,
) -> AppResult<Json<Vec<LibraryDto>>> {
    tillit_app::oscal::adopt_library(m.app(), &m.who, &id, &lid).await?;
    system_libraries(m, Path(id)).await
}

/// Stops assessing the system against the library; its assessments are kept.
#[utoipa::path(delete, path = "/api/v1/systems/{id}/libraries/{lid}", params(("id" = String, Path), ("lid" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn drop_library(
    m: Member,
    Path((id, lid)): Path<(SystemId, String)>,
) -> AppResult<StatusCode> {
    tillit_app::oscal::drop_library(m.app(), &m.who, &id, &lid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The library's controls and their assessment for the system.
#[utoipa::path(get, path = "/api/v1/systems/{id}/libraries/{lid}/controls", params(("id" = String, Path), ("lid" = String, Path)),
    responses((status = 200, body = [ControlStatusDto]), (status = 404, body = Problem)))]
pub async fn controls(
    m: Member,
    Path((id, lid)): Path<(SystemId, String)>,
) -> AppResult<Json<Vec<ControlStatusDto>>> {
    let v = tillit_app::oscal::system_library(m.app(), &m.who, &id, &lid).await?;
    Ok(Json(
        v.rows
            .into_iter()
            .map(|r| ControlStatusDto {
                control_id: r.control.id,
                label: r.control.label,
                title: r.control.title,
                group_title: r.control.group_title,
                status: r.assessment.as_ref().map(|a| a.status.key().to_string()),
                assessed_by: r.assessment.as_ref().map(|a| a.assessed_by.clone()),
                assessed_at: r.assessment.map(|a| a.assessed_at),
            })
            .collect(),
    ))
}

/// Records the assessment of one control for the system.
#[utoipa::path(put, path = "/api/v1/systems/{id}/libraries/{lid}/controls/{cid}/assessment",
    params(("id" = String, Path), ("lid" = String, Path), ("cid" = String, Path)), request_body = AssessmentDraft,
    responses((status = 200, body = ControlAssessmentDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn assess(
    m: Member,
    Path((id, lid, cid)): Path<(SystemId, String, String)>,
    ApiJson(body): ApiJson<AssessmentDraft>,
) -> AppResult<Json<ControlAssessmentDto>> {
    Ok(Json(
        tillit_app::oscal::assess_control(m.app(), &m.who, &id, &lid, &cid, &body)
            .await?
            .into(),
    ))
}

/// `?library=ID` of an export.
#[derive(Debug, Default, Deserialize)]
pub struct OscalExportQuery {
    /// For `assessment-results`: an imported library the system is assessed against (Tillit's
    /// own requirements when absent).
    pub library: Option<String>,
}

/// A system's OSCAL document (JSON): `catalog` (its applicable requirements, resolved),
/// `profile` (the profile that selects them from Tillit's catalog), `assessment-results` (its
/// self-assessment) or `poam` (its action plan; 409 when it has no measures). Each validates
/// against NIST's OSCAL schema.
#[utoipa::path(get, path = "/api/v1/systems/{id}/oscal/{kind}",
    params(("id" = String, Path), ("kind" = String, Path, description = "catalog, profile, assessment-results or poam"),
        ("library" = Option<String>, Query, description = "for assessment-results: an imported library the system is assessed against")),
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn export(
    m: Member,
    Path((id, kind)): Path<(SystemId, String)>,
    Params(q): Params<OscalExportQuery>,
) -> AppResult<Response> {
    let (kind, format, library) = export_args(
        &kind,
        &ExportParams {
            format: None,
            library: q.library,
        },
    )?;
    let doc = tillit_app::oscal::export(
        m.app(),
        &m.who,
        &id,
        kind,
        library.as_deref(),
        m.ctx.tr.lang(),
    )
    .await?;
    json_text(tillit_app::oscal::write(&doc, format)?)
}
