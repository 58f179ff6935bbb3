//! The national figures' API: the same figures as the page, with the same rule (no figure for
//! fewer than five organisations), and the marks of published support.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_domain::national::{Protected, Sums, SupportMarkDraft};
use tillit_domain::role::Permission;
use utoipa::ToSchema;

/// A group's figures. Absent figures: none to divide by.
#[derive(Serialize, ToSchema)]
pub struct FiguresDto {
    pub organisations: i64,
    pub compliance_percent: Option<i64>,
    pub risk_analysis_current_percent: Option<i64>,
    pub access_analysis_current_percent: Option<i64>,
    /// Incidents in the last 12 months per organisation.
    pub incidents_per_organisation: Option<f64>,
}

impl From<&Sums> for FiguresDto {
    fn from(s: &Sums) -> Self {
        FiguresDto {
            organisations: s.orgs,
            compliance_percent: s.compliance(),
            risk_analysis_current_percent: s.risk_share(),
            access_analysis_current_percent: s.access_share(),
            incidents_per_organisation: s.incidents_per_org_tenths().map(|t| t as f64 / 10.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GroupDto {
    /// The county or kind; for the rest, empty.
    pub group: String,
    /// True for the rest: the groups too small to stand alone, merged.
    pub rest: bool,
    /// The groups merged into the rest (never with figures of their own).
    pub merged: Vec<String>,
    pub figures: FiguresDto,
}

#[derive(Serialize, ToSchema)]
pub struct AreaDto {
    pub area: String,
    pub title: String,
    pub organisations: i64,
    /// Absent when fewer than five organisations reported the area.
    pub compliance_percent: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct GapShareDto {
    /// unclassified, untreated_risks, overdue_measures, missing_access_analysis or
    /// overdue_incident_reports
    pub gap: String,
    /// The share of organisations with the gap.
    pub percent: i64,
}

#[derive(Serialize, ToSchema)]
pub struct QuarterDto {
    /// `2026-4`
    pub quarter: String,
    /// Absent when fewer than five organisations submitted in the quarter.
    pub figures: Option<FiguresDto>,
}

#[derive(Serialize, ToSchema)]
pub struct NationalDto {
    pub as_of: String,
    pub since: Option<String>,
    /// Fewer than five organisations in all: nothing is shown.
    pub suppressed: bool,
    /// The least number of organisations a figure rests on.
    pub min_group: i64,
    pub total: Option<FiguresDto>,
    pub by_county: Vec<GroupDto>,
    pub by_kind: Vec<GroupDto>,
    pub areas: Vec<AreaDto>,
    pub gaps: Vec<GapShareDto>,
    pub trend: Vec<QuarterDto>,
}

fn groups(p: &Protected) -> Vec<GroupDto> {
    p.rows
        .iter()
        .map(|r| GroupDto {
            group: if r.rest {
                String::new()
            } else {
                r.keys[0].clone()
            },
            rest: r.rest,
            merged: if r.rest { r.keys.clone() } else { vec![] },
            figures: (&r.sums).into(),
        })
        .collect()
}

/// The authority's national figures from the submissions it has received: each organisation's
/// latest, per county, kind and requirement area; the common gaps; the trend per quarter.
#[utoipa::path(get, path = "/api/v1/authority/national-figures", responses((status = 200, body = NationalDto), (status = 403, body = Problem)))]
pub async fn figures(m: Member) -> AppResult<Json<NationalDto>> {
    m.require(Permission::ViewSupervision)?;
    let f = tillit_app::national::figures(m.app(), &m.who, m.ctx.tr.lang())
        .await?
        .as_ref()
        .clone();
    Ok(Json(NationalDto {
        as_of: f.as_of,
        since: f.since,
        suppressed: f.total.is_none(),
        min_group: tillit_domain::national::MIN_GROUP,
        total: f.total.as_ref().map(Into::into),
        by_county: groups(&f.by_county),
        by_kind: groups(&f.by_kind),
        areas: f
            .areas
            .into_iter()
            .map(|a| AreaDto {
                area: a.area,
                title: a.title,
                organisations: a.orgs,
                compliance_percent: a.percent,
            })
            .collect(),
        gaps: f
            .gaps
            .into_iter()
            .map(|(k, v)| GapShareDto {
                gap: k.key().into(),
                percent: v,
            })
            .collect(),
        trend: f
            .trend
            .into_iter()
            .map(|q| QuarterDto {
                quarter: q.quarter,
                figures: q.sums.as_ref().map(Into::into),
            })
            .collect(),
    }))
}

/// A requirement area's compliance in a period.
#[derive(Serialize, ToSchema)]
pub struct AreaPercentDto {
    pub area: String,
    /// Absent below five organisations.
    pub compliance_percent: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PeriodDto {
    pub from: String,
    /// The day after the period's last day.
    pub until: String,
    pub organisations: i64,
    pub compliance_percent: Option<i64>,
    pub risk_analysis_current_percent: Option<i64>,
    pub access_analysis_current_percent: Option<i64>,
    /// Per area concerned.
    pub areas: Vec<AreaPercentDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SupportMarkDto {
    pub id: String,
    pub title: String,
    pub published_on: String,
    pub guidance_doc_key: Option<String>,
    pub areas: Vec<String>,
    pub org_kinds: Vec<String>,
    pub window_months: i64,
    pub before: PeriodDto,
    pub after: PeriodDto,
    /// The after period has not ended yet.
    pub after_running: bool,
    /// Organisations that submitted in both periods.
    pub paired_organisations: i64,
    /// Their mean change of compliance, in percentage points; absent below five.
    pub paired_compliance_change: Option<i64>,
}

fn period(p: tillit_app::national::PeriodFigures) -> PeriodDto {
    PeriodDto {
        from: p.from,
        until: p.until,
        organisations: p.orgs,
        compliance_percent: p.compliance,
        risk_analysis_current_percent: p.risk_share,
        access_analysis_current_percent: p.access_share,
        areas: p
            .areas
            .into_iter()
            .map(|(area, compliance_percent)| AreaPercentDto {
                area,
                compliance_percent,
            })
            .collect(),
    }
}

fn mark_dto(m: tillit_app::national::MarkFigures) -> SupportMarkDto {
    SupportMarkDto {
        id: m.mark.id,
        title: m.mark.title,
        published_on: m.mark.published_on,
        guidance_doc_key: m.mark.guidance_doc_key,
        areas: m.mark.areas,
        org_kinds: m.mark.org_kinds,
        window_months: m.mark.window_months,
        before: period(m.before),
        after: period(m.after),
        after_running: m.after_running,
        paired_organisations: m.paired.orgs,
        paired_compliance_change: m.paired.compliance_change,
    }
}

/// The marks of published support, newest first, each with the figures before and after.
#[utoipa::path(get, path = "/api/v1/authority/support-marks", responses((status = 200, body = Vec<SupportMarkDto>), (status = 403, body = Problem)))]
pub async fn marks(m: Member) -> AppResult<Json<Vec<SupportMarkDto>>> {
    m.require(Permission::ViewSupervision)?;
    let list = tillit_app::national::marks(m.app(), &m.who, m.ctx.tr.lang())
        .await?
        .as_ref()
        .clone();
    Ok(Json(list.into_iter().map(mark_dto).collect()))
}

/// Marks a piece of published support (the supervision lead), to follow its figures before and
/// after.
#[utoipa::path(post, path = "/api/v1/authority/support-marks", request_body = SupportMarkDraft, responses((status = 201, body = SupportMarkDto), (status = 403, body = Problem), (status = 409, body = Problem, description = "A day after today, an area the authority's catalog does not hold, or a guidance document it has not published"), (status = 422, body = Problem)))]
pub async fn create_mark(
    m: Member,
    ApiJson(body): ApiJson<SupportMarkDraft>,
) -> AppResult<Response> {
    m.require(Permission::LeadSupervision)?;
    let lang = m.ctx.tr.lang();
    let made = tillit_app::national::mark_support(m.app(), &m.who, &body).await?;
    let list = tillit_app::national::marks(m.app(), &m.who, lang)
        .await?
        .as_ref()
        .clone();
    let one = list
        .into_iter()
        .find(|x| x.mark.id == made.id)
        .ok_or(crate::error::AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(mark_dto(one))).into_response())
}
