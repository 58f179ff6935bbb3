//! The catalog versions in the API: the versions, the comparison of two, the upgrade plan with
//! its impact, the upgrade, and what it leaves to be assessed.

use crate::api::shared::Problem;
use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Params};
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_app::catalog::{CatalogDiff, ChangeKind, UpgradePlan};
use tillit_domain::diff::Piece;
use utoipa::ToSchema;

/// One version of the requirement catalog.
#[derive(Serialize, ToSchema)]
pub struct CatalogVersionDto {
    /// The version an organisation names: "1", "2", …
    pub version: String,
    pub title: String,
    pub last_modified: String,
    pub remarks: String,
    pub requirements: usize,
    pub areas: usize,
    /// The organisation works against this version.
    pub current: bool,
}

/// Every version of the catalog, oldest first.
#[utoipa::path(get, path = "/api/v1/catalog/versions", responses((status = 200, body = [CatalogVersionDto])))]
pub async fn versions(m: Member) -> AppResult<Json<Vec<CatalogVersionDto>>> {
    Ok(Json(
        tillit_app::catalog::versions(m.app(), &m.who)?
            .into_iter()
            .map(|v| CatalogVersionDto {
                version: v.key,
                title: v.title,
                last_modified: v.last_modified,
                remarks: v.remarks,
                requirements: v.requirements,
                areas: v.areas,
                current: v.current,
            })
            .collect(),
    ))
}

/// A run of words shared by both versions, or only in the old (removed) or the new (added).
#[derive(Serialize, ToSchema)]
pub struct PieceDto {
    /// same, removed or added
    pub kind: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldChangeDto {
    /// title, statement, guidance, provisions, iso, params or area
    pub field: String,
    /// sv or en for the texts written in both languages
    pub lang: Option<String>,
    pub before: String,
    pub after: String,
    pub pieces: Vec<PieceDto>,
}

#[derive(Serialize, ToSchema)]
pub struct RequirementChangeDto {
    pub requirement_id: String,
    pub label: String,
    pub area: String,
    pub title_sv: String,
    pub title_en: String,
    /// added, removed or changed
    pub kind: String,
    /// What the requirement asks changed (statement, guidance, citations or parameters); a
    /// change of only title, area or ISO numbers is editorial and assessments carry over.
    pub material: bool,
    pub fields: Vec<FieldChangeDto>,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogDiffDto {
    pub from: String,
    pub to: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub changes: Vec<RequirementChangeDto>,
}

fn kind(k: ChangeKind) -> String {
    match k {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    }
    .into()
}

fn diff_dto(d: CatalogDiff) -> CatalogDiffDto {
    CatalogDiffDto {
        added: d.count(ChangeKind::Added),
        removed: d.count(ChangeKind::Removed),
        changed: d.count(ChangeKind::Changed),
        unchanged: d.unchanged,
        from: d.from,
        to: d.to,
        changes: d
            .changes
            .into_iter()
            .map(|c| {
                let [title_sv, title_en] = c.title;
                RequirementChangeDto {
                    requirement_id: c.id,
                    label: c.label,
                    area: c.area,
                    title_sv,
                    title_en,
                    kind: kind(c.kind),
                    material: c.material,
                    fields: c
                        .fields
                        .into_iter()
                        .map(|f| FieldChangeDto {
                            field: f.field.into(),
                            lang: f.lang.map(str::to_string),
                            before: f.before,
                            after: f.after,
                            pieces: f
                                .pieces
                                .into_iter()
                                .map(|p| match p {
                                    Piece::Same(text) => PieceDto {
                                        kind: "same".into(),
                                        text,
                                    },
                                    Piece::Removed(text) => PieceDto {
                                        kind: "removed".into(),
                                        text,
                                    },
                                    Piece::Added(text) => PieceDto {
                                        kind: "added".into(),
                                        text,
                                    },
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// `?from=1&to=2`
#[derive(Deserialize, ToSchema)]
pub struct DiffQuery {
    pub from: String,
    pub to: String,
}

/// What changed between two versions: requirements added, removed and changed, each changed
/// field with the words marked.
#[utoipa::path(get, path = "/api/v1/catalog/diff", params(("from" = String, Query), ("to" = String, Query)), responses((status = 200, body = CatalogDiffDto), (status = 404, body = Problem, description = "No such version.")))]
pub async fn diff(m: Member, Params(q): Params<DiffQuery>) -> AppResult<Json<CatalogDiffDto>> {
    Ok(Json(diff_dto(tillit_app::catalog::diff_versions(
        m.app(),
        &m.who,
        &q.from,
        &q.to,
    )?)))
}

/// A scope: a system, or the organisation-wide scope (`system_id` null).
#[derive(Serialize, ToSchema)]
pub struct ScopeDto {
    pub system_id: Option<String>,
    pub system_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TouchedMeasureDto {
    pub system_id: Option<String>,
    pub measure_id: String,
    pub title: String,
}

/// What one changed or removed requirement touches of the organisation's work.
#[derive(Serialize, ToSchema)]
pub struct ImpactDto {
    pub requirement_id: String,
    /// changed or removed
    pub change: String,
    /// Assessments of the requirement, in any scope.
    pub assessments: usize,
    /// Of them, those to be re-assessed after the upgrade.
    pub to_reassess: usize,
    /// Pieces of evidence attached to those assessments.
    pub evidence: i64,
    /// The first scopes by name (at most 12).
    pub scopes: Vec<ScopeDto>,
    pub measures: Vec<TouchedMeasureDto>,
}

/// A requirement that will apply and is not yet assessed.
#[derive(Serialize, ToSchema)]
pub struct NewlyApplicableDto {
    pub requirement_id: String,
    /// How many scopes it will apply to.
    pub scopes: usize,
    /// The first scopes by name (at most 12).
    pub named: Vec<ScopeDto>,
}

/// What the upgrade to the newest version would do to the organisation's work.
#[derive(Serialize, ToSchema)]
pub struct UpgradePlanDto {
    pub from: String,
    pub to: String,
    pub carried_over: usize,
    pub to_reassess: usize,
    pub impacts: Vec<ImpactDto>,
    pub newly_applicable: Vec<NewlyApplicableDto>,
    pub diff: CatalogDiffDto,
}

fn scope(s: tillit_app::catalog::ScopeRef) -> ScopeDto {
    ScopeDto {
        system_id: s.system_id,
        system_name: s.system_name,
    }
}

fn plan_dto(p: UpgradePlan) -> UpgradePlanDto {
    UpgradePlanDto {
        to_reassess: p.to_reassess(),
        impacts: p
            .impact_summaries()
            .into_iter()
            .map(|i| ImpactDto {
                requirement_id: i.requirement_id,
                change: kind(i.kind),
                assessments: i.assessments,
                to_reassess: i.to_reassess,
                evidence: i.evidence,
                scopes: i.scopes.into_iter().map(scope).collect(),
                measures: i
                    .measures
                    .into_iter()
                    .map(|x| TouchedMeasureDto {
                        system_id: x.system_id,
                        measure_id: x.measure_id,
                        title: x.title,
                    })
                    .collect(),
            })
            .collect(),
        newly_applicable: p
            .added_summaries()
            .into_iter()
            .map(|a| NewlyApplicableDto {
                requirement_id: a.requirement_id,
                scopes: a.scopes,
                named: a.named.into_iter().map(scope).collect(),
            })
            .collect(),
        carried_over: p.carried_over,
        from: p.from,
        to: p.to,
        diff: diff_dto(p.diff),
    }
}

/// The upgrade on offer: what changed and which of the organisation's assessments, evidence and
/// measures each change touches. 404 when the organisation is on the newest version.
#[utoipa::path(get, path = "/api/v1/catalog/upgrade", responses((status = 200, body = UpgradePlanDto), (status = 404, body = Problem, description = "Already on the newest version.")))]
pub async fn plan(m: Member) -> AppResult<Json<UpgradePlanDto>> {
    tillit_app::catalog::upgrade_plan(m.app(), &m.who)
        .await?
        .map(|p| Json(plan_dto(p)))
        .ok_or(AppError::NotFound)
}

/// The version the caller saw the plan for; the upgrade is refused if the organisation has moved.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeBody {
    pub from: String,
}

#[derive(Serialize, ToSchema)]
pub struct UpgradeOutcomeDto {
    pub from: String,
    pub to: String,
    pub to_reassess: usize,
    pub to_assess: usize,
    pub carried_over: usize,
}

/// Moves the organisation to the newest version (administrator or coordinator).
#[utoipa::path(post, path = "/api/v1/catalog/upgrade", request_body = UpgradeBody, responses((status = 200, body = UpgradeOutcomeDto), (status = 404, body = Problem, description = "Already on the newest version."), (status = 422, body = Problem)))]
pub async fn upgrade(
    m: Member,
    ApiJson(body): ApiJson<UpgradeBody>,
) -> AppResult<Json<UpgradeOutcomeDto>> {
    let o = tillit_app::catalog::upgrade(m.app(), &m.who, &body.from).await?;
    Ok(Json(UpgradeOutcomeDto {
        from: o.from,
        to: o.to,
        to_reassess: o.to_reassess,
        to_assess: o.to_assess,
        carried_over: o.carried_over,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ReassessmentDto {
    pub requirement_id: String,
    pub system_id: Option<String>,
    /// changed (assess again) or added (assess for the first time)
    pub reason: String,
    pub catalog_version: String,
    pub since: String,
}

/// A page of what is to be assessed.
#[derive(Serialize, ToSchema)]
pub struct ReassessmentPage {
    pub items: Vec<ReassessmentDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// `?page=2&per_page=200`
#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// What the organisation's catalog upgrades ask to be assessed and is not yet.
#[utoipa::path(get, path = "/api/v1/catalog/reassessments",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query, description = "1–200, default 50")),
    responses((status = 200, body = ReassessmentPage), (status = 422, body = Problem)))]
pub async fn reassessments(
    m: Member,
    Params(q): Params<PageQuery>,
) -> AppResult<Json<ReassessmentPage>> {
    let page = tillit_domain::paging::PageRequest::parse(q.page.as_deref(), q.per_page.as_deref())?;
    let list = tillit_app::catalog::reassessments(m.app(), &m.who, page).await?;
    Ok(Json(ReassessmentPage {
        page: list.page,
        per_page: list.per_page,
        total: list.total,
        items: list
            .items
            .into_iter()
            .map(|r| ReassessmentDto {
                requirement_id: r.requirement_id,
                system_id: r.system_id,
                reason: r.reason.key().into(),
                catalog_version: r.catalog_version,
                since: r.created_at,
            })
            .collect(),
    }))
}
