//! The supplier register in the API.

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
use tillit_app::views::Supplier;
use tillit_domain::ids::SupplierId;
use tillit_domain::role::Permission;
use tillit_domain::supplier::{Certification, Subprocessor, SupplierDraft};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SubprocessorDto {
    pub name: String,
    /// ISO 3166-1 alpha-2, or null when not known.
    pub country: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CertificationDto {
    pub name: String,
    /// YYYY-MM-DD
    pub valid_until: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SupplierDto {
    pub id: String,
    pub name: String,
    pub org_number: Option<String>,
    pub country: Option<String>,
    pub parent_company: Option<String>,
    pub parent_country: Option<String>,
    pub jurisdictions: Vec<String>,
    pub subprocessors: Vec<SubprocessorDto>,
    pub dpa_signed_on: Option<String>,
    pub confidentiality_undertaking: Option<bool>,
    pub audit_rights: Option<bool>,
    pub subprocessor_approval: Option<bool>,
    pub exit_terms: Option<bool>,
    pub certifications: Vec<CertificationDto>,
    pub data_locations: Vec<String>,
    pub support_locations: Vec<String>,
    /// Whether every data location is in the EU/EEA (null when a location is unknown).
    pub data_in_eea: Option<bool>,
    /// Whether a third country's law can compel the supplier, its parent or a sub-processor
    /// (null when the register cannot tell).
    pub foreign_law_exposure: Option<bool>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Supplier> for SupplierDto {
    fn from(s: Supplier) -> Self {
        let i = s.input;
        let data_in_eea = tillit_domain::supplier::SupplierInput::all_in_eea(&i.data_locations);
        let foreign_law_exposure = i.foreign_law_exposure();
        SupplierDto {
            id: s.id.to_string(),
            name: i.name,
            org_number: i.org_number,
            country: i.country,
            parent_company: i.parent_company,
            parent_country: i.parent_country,
            jurisdictions: i.jurisdictions,
            subprocessors: i
                .subprocessors
                .into_iter()
                .map(|Subprocessor { name, country }| SubprocessorDto { name, country })
                .collect(),
            dpa_signed_on: i.dpa_signed_on,
            confidentiality_undertaking: i.confidentiality_undertaking,
            audit_rights: i.audit_rights,
            subprocessor_approval: i.subprocessor_approval,
            exit_terms: i.exit_terms,
            certifications: i
                .certifications
                .into_iter()
                .map(|Certification { name, valid_until }| CertificationDto { name, valid_until })
                .collect(),
            data_locations: i.data_locations,
            support_locations: i.support_locations,
            data_in_eea,
            foreign_law_exposure,
            notes: i.notes,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SupplierPage {
    pub items: Vec<SupplierDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// The supplier register.
#[utoipa::path(get, path = "/api/v1/suppliers",
    params(("q" = Option<String>, Query, description = "text in the name, number, parent or a sub-processor"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = SupplierPage), (status = 422, body = Problem)))]
pub async fn list_suppliers(
    m: Member,
    Params(p): Params<tillit_app::suppliers::SupplierListParams>,
) -> AppResult<Json<SupplierPage>> {
    m.require(Permission::ViewRegisters)?;
    let (q, page) = p.parse()?;
    let list = tillit_app::suppliers::list_suppliers(m.app(), &m.who, q.as_deref(), page).await?;
    Ok(Json(SupplierPage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list.items.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a supplier.
#[utoipa::path(post, path = "/api/v1/suppliers", request_body = SupplierDraft, responses((status = 201, body = SupplierDto), (status = 422, body = Problem)))]
pub async fn create_supplier(
    m: Member,
    ApiJson(body): ApiJson<SupplierDraft>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let s = tillit_app::suppliers::create_supplier(m.app(), &m.who, &body).await?;
    Ok((StatusCode::CREATED, Json(SupplierDto::from(s))).into_response())
}

/// One supplier.
#[utoipa::path(get, path = "/api/v1/suppliers/{id}", params(("id" = String, Path)), responses((status = 200, body = SupplierDto), (status = 404, body = Problem)))]
pub async fn get_supplier(m: Member, Path(id): Path<SupplierId>) -> AppResult<Json<SupplierDto>> {
    m.require(Permission::ViewRegisters)?;
    let s = tillit_app::suppliers::supplier(m.app(), &m.who, &id).await?;
    Ok(Json(s.into()))
}

/// Replaces a supplier's facts.
#[utoipa::path(put, path = "/api/v1/suppliers/{id}", params(("id" = String, Path)), request_body = SupplierDraft, responses((status = 200, body = SupplierDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_supplier(
    m: Member,
    Path(id): Path<SupplierId>,
    ApiJson(body): ApiJson<SupplierDraft>,
) -> AppResult<Json<SupplierDto>> {
    m.require(Permission::EditRegisters)?;
    let s = tillit_app::suppliers::update_supplier(m.app(), &m.who, &id, &body).await?;
    Ok(Json(s.into()))
}
