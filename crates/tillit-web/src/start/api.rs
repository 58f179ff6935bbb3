//! The starter kit's API: what it offers, adoption in one step, and the information owner's
//! confirmation of a suggested classification.

use crate::api::shared::{levels_dto, LevelsDto, Problem};
use crate::context::Member;
use crate::error::AppResult;
use crate::forms::ApiJson;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tillit_domain::ids::AssetId;
use tillit_domain::role::Permission;
use tillit_domain::starter_kit::AdoptionDraft;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct KitItemDto {
    pub id: String,
    /// information_asset or system
    pub kind: String,
    pub name: String,
    pub description: String,
    /// The confidentiality provisions that apply to the organisation (assets).
    pub confidentiality_provisions: Option<String>,
    /// What the organisation must decide itself about confidentiality (assets).
    pub confidentiality_note: Option<String>,
    pub special_categories: Vec<String>,
    pub data_subjects: Vec<String>,
    /// The suggested classification (assets); it counts only once the information owner
    /// confirms it.
    pub suggested_classification: Option<LevelsDto>,
    pub motivation: Option<String>,
    /// The assets a system brings with it (names).
    pub processes: Vec<String>,
    /// The threats common for a system (titles).
    pub threats: Vec<String>,
    /// The organisation's asset or system made from the item, while in use.
    pub adopted_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct KitProfileDto {
    pub key: String,
    pub title: String,
    pub intro: String,
    pub items: Vec<KitItemDto>,
}

#[derive(Serialize, ToSchema)]
pub struct KitDto {
    pub kit: String,
    pub version: String,
    pub published: String,
    pub title: String,
    /// Whether OSL binds the organisation (the confidentiality provisions follow from it).
    pub bound_by_osl: bool,
    pub profiles: Vec<KitProfileDto>,
}

#[derive(Serialize, ToSchema)]
pub struct AdoptedDto {
    pub item: String,
    /// information_asset or system
    pub object_type: String,
    pub id: String,
    pub name: String,
    /// created, already_adopted (the same object is used) or same_name (an object of that name
    /// was in the register and is used)
    pub outcome: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdoptionDto {
    pub created: usize,
    pub items: Vec<AdoptedDto>,
}

/// The starter kit as offered to the organisation, in the request's language.
#[utoipa::path(get, path = "/api/v1/starter-kit", responses((status = 200, body = KitDto), (status = 403, body = Problem)))]
pub async fn offer(m: Member) -> AppResult<Json<KitDto>> {
    m.require(Permission::ViewRegisters)?;
    let o = tillit_app::starter_kit::offer(m.app(), &m.who, m.ctx.tr.lang()).await?;
    Ok(Json(KitDto {
        kit: o.kit,
        version: o.version,
        published: o.published,
        title: o.title,
        bound_by_osl: o.bound_by_osl,
        profiles: o
            .profiles
            .into_iter()
            .map(|p| KitProfileDto {
                key: p.key,
                title: p.title,
                intro: p.intro,
                items: p
                    .items
                    .into_iter()
                    .map(|i| KitItemDto {
                        id: i.id,
                        kind: i.kind.into(),
                        name: i.name,
                        description: i.description,
                        confidentiality_provisions: i.provisions,
                        confidentiality_note: i.confidentiality_note,
                        special_categories: i.special_categories,
                        data_subjects: i.data_subjects,
                        suggested_classification: i.suggested.map(levels_dto),
                        motivation: i.motivation,
                        processes: i.processes,
                        threats: i.threats,
                        adopted_id: i.adopted_id,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// Adopts items of the starter kit in one step: all become the organisation's own assets and
/// systems (a system brings the assets it processes), or nothing is stored. No asset is
/// classified until its information owner confirms the suggestion.
#[utoipa::path(post, path = "/api/v1/starter-kit/adoptions", request_body = AdoptionDraft, responses((status = 201, body = AdoptionDto), (status = 403, body = Problem), (status = 409, body = Problem, description = "An item offered to another kind of organisation, an owner who is not a member, or a name taken by an archived object"), (status = 422, body = Problem)))]
pub async fn adopt(m: Member, ApiJson(body): ApiJson<AdoptionDraft>) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let done = tillit_app::starter_kit::adopt(m.app(), &m.who, &body, m.ctx.tr.lang()).await?;
    let created = done
        .iter()
        .filter(|d| d.outcome == tillit_app::starter_kit::Outcome::Created)
        .count();
    let items = done
        .into_iter()
        .map(|d| AdoptedDto {
            outcome: match d.outcome {
                tillit_app::starter_kit::Outcome::Created => "created",
                tillit_app::starter_kit::Outcome::AlreadyAdopted => "already_adopted",
                tillit_app::starter_kit::Outcome::SameName => "same_name",
            }
            .into(),
            item: d.item,
            object_type: d.object_type.into(),
            id: d.object_id,
            name: d.name,
        })
        .collect();
    Ok((StatusCode::CREATED, Json(AdoptionDto { created, items })).into_response())
}

/// The asset's information owner confirms the starter kit's suggested classification; it then
/// counts like any classification. Only the owner may (403 for anyone else; 409 while the asset
/// has no owner).
#[utoipa::path(post, path = "/api/v1/assets/{id}/suggested-classification/confirmation", params(("id" = String, Path)), responses((status = 200, body = crate::assets::api::AssetDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "Already confirmed or classified, or the asset has no information owner")))]
pub async fn confirm(
    m: Member,
    Path(id): Path<AssetId>,
) -> AppResult<Json<crate::assets::api::AssetDto>> {
    m.require(Permission::Classify)?;
    tillit_app::starter_kit::confirm_suggestion(m.app(), &m.who, &id, m.ctx.tr.lang()).await?;
    Ok(Json(
        tillit_app::assets::asset(m.app(), &m.who, &id)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct GuideStepDto {
    /// members, adopt, classify, requirements, assess, risk, measures or submit
    pub step: String,
    /// done (the records show it), marked_done, skipped or todo
    pub state: String,
    pub marked_by: Option<String>,
    pub marked_at: Option<String>,
    /// The page where the step is done.
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct GuideDto {
    pub done: usize,
    pub total: usize,
    /// The first step neither done nor skipped.
    pub next: Option<String>,
    pub steps: Vec<GuideStepDto>,
}

fn guide_dto(g: tillit_app::guide::Guide) -> GuideDto {
    use tillit_domain::guide::State;
    GuideDto {
        done: g.done,
        total: g.total,
        next: g.next.map(|s| s.key().to_string()),
        steps: g
            .steps
            .into_iter()
            .map(|s| GuideStepDto {
                step: s.step.key().into(),
                state: match s.state {
                    State::Done => "done",
                    State::MarkedDone => "marked_done",
                    State::Skipped => "skipped",
                    State::Todo => "todo",
                }
                .into(),
                marked_by: s.marked_by,
                marked_at: s.marked_at,
                href: s.step.href().into(),
            })
            .collect(),
    }
}

/// The guided start: where the organisation stands on the eight steps to its first complete
/// round (care providers).
#[utoipa::path(get, path = "/api/v1/guide", responses((status = 200, body = GuideDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn guide(m: Member) -> AppResult<Json<GuideDto>> {
    m.require(Permission::ViewRegisters)?;
    Ok(Json(guide_dto(
        tillit_app::guide::guide(m.app(), &m.who).await?,
    )))
}

/// Marks a step done or skipped, or takes the mark back (`todo`).
#[utoipa::path(post, path = "/api/v1/guide/steps", request_body = tillit_domain::guide::StepDraft, responses((status = 200, body = GuideDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn mark_step(
    m: Member,
    ApiJson(body): ApiJson<tillit_domain::guide::StepDraft>,
) -> AppResult<Json<GuideDto>> {
    m.require(Permission::EditRegisters)?;
    Ok(Json(guide_dto(
        tillit_app::guide::mark(m.app(), &m.who, &body).await?,
    )))
}
