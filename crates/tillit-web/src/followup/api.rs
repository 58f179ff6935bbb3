//! The API of the follow-up: the gaps to close, today's key figures, and reviews.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::AppResult;
use axum::extract::Path;
use axum::Json;
use serde::Serialize;
use tillit_domain::role::Permission;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct GapItemDto {
    pub label: String,
    pub detail: String,
    /// The page where it is fixed.
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct GapDto {
    /// e.g. unclassified_asset, untreated_risk, overdue_measure, missing_access_analysis
    pub kind: String,
    pub count: i64,
    /// The first few.
    pub items: Vec<GapItemDto>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpDto {
    pub gaps: Vec<GapDto>,
    pub assets: i64,
    pub unclassified_assets: i64,
    pub systems: i64,
    pub scenarios_above_tolerance: i64,
    pub open_measures: i64,
    pub overdue_measures: i64,
    pub compliance_percent: Option<i64>,
    /// The incidents of the last 12 months per month (YYYY-MM, Swedish time), cause and type
    /// (a care provider's; null for an authority).
    pub incidents: Option<IncidentStatsDto>,
}

#[derive(Serialize, ToSchema)]
pub struct IncidentMonthDto {
    /// YYYY-MM
    pub month: String,
    pub total: usize,
    /// Cause key → count (attack, mistake, system_fault, supplier, physical, other, unknown).
    pub by_cause: std::collections::BTreeMap<String, usize>,
}

#[derive(Serialize, ToSchema)]
pub struct IncidentStatsDto {
    pub total: usize,
    pub months: Vec<IncidentMonthDto>,
    /// Type key → count (personal_data_breach, significant, care_injury, social_care_wrong,
    /// other); an incident can be of several types.
    pub by_type: std::collections::BTreeMap<String, usize>,
}

/// The gaps to close and today's key figures.
#[utoipa::path(get, path = "/api/v1/follow-up", responses((status = 200, body = FollowUpDto)))]
pub async fn follow_up(m: Member) -> AppResult<Json<FollowUpDto>> {
    m.require(Permission::ViewRegisters)?;
    let (gaps, f) = crate::followup::pages::gaps_now(&m).await?;
    let incidents = if m.who.org_kind().side() == tillit_domain::org::Side::Provider {
        let s = tillit_app::incidents::incident_statistics(m.app(), &m.who, 12).await?;
        let causes = tillit_domain::incident_stats::causes();
        Some(IncidentStatsDto {
            total: s.total,
            months: s
                .months
                .into_iter()
                .map(|mo| IncidentMonthDto {
                    by_cause: causes
                        .iter()
                        .zip(mo.by_cause)
                        .map(|(c, n)| (c.to_string(), n))
                        .collect(),
                    month: mo.month,
                    total: mo.total,
                })
                .collect(),
            by_type: s.by_type.into_iter().collect(),
        })
    } else {
        None
    };
    Ok(Json(FollowUpDto {
        incidents,
        gaps: gaps
            .into_iter()
            .map(|g| GapDto {
                kind: g.kind.key().replace('-', "_"),
                count: g.count,
                items: g
                    .items
                    .into_iter()
                    .map(|i| GapItemDto {
                        label: i.label,
                        detail: i.detail,
                        href: i.href,
                    })
                    .collect(),
            })
            .collect(),
        assets: f.assets,
        unclassified_assets: f.unclassified_assets,
        systems: f.systems,
        scenarios_above_tolerance: f.scenarios_above_tolerance,
        open_measures: f.open_measures,
        overdue_measures: f.overdue_measures,
        compliance_percent: f.compliance_percent,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewDto {
    /// YYYY-MM-DD
    pub reviewed_on: Option<String>,
    pub next_review_on: Option<String>,
}

pub async fn review(
    m: &Member,
    what: tillit_app::views::Reviewed,
    id: &str,
) -> AppResult<Json<ReviewDto>> {
    let (reviewed_on, next_review_on) =
        tillit_app::followup::mark_reviewed(m.app(), &m.who, what, id).await?;
    Ok(Json(ReviewDto {
        reviewed_on,
        next_review_on,
    }))
}

/// Records that an information asset was reviewed today.
#[utoipa::path(post, path = "/api/v1/assets/{id}/review", params(("id" = String, Path)), responses((status = 200, body = ReviewDto), (status = 404, body = Problem)))]
pub async fn review_asset(m: Member, Path(id): Path<String>) -> AppResult<Json<ReviewDto>> {
    review(&m, tillit_app::views::Reviewed::Asset, &id).await
}

/// Records that a system was reviewed today.
#[utoipa::path(post, path = "/api/v1/systems/{id}/review", params(("id" = String, Path)), responses((status = 200, body = ReviewDto), (status = 404, body = Problem)))]
pub async fn review_system(m: Member, Path(id): Path<String>) -> AppResult<Json<ReviewDto>> {
    review(&m, tillit_app::views::Reviewed::System, &id).await
}
