//! What the API's feature modules share: problem documents, pages of results, levels.

use serde::{Deserialize, Serialize};
use tillit_domain::paging::Page;
use utoipa::ToSchema;

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

pub(crate) fn page_of<T, U: From<T>>(p: Page<T>) -> (Vec<U>, i64, i64, i64) {
    (
        p.items.into_iter().map(U::from).collect(),
        p.page,
        p.per_page,
        p.total,
    )
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

pub(crate) fn levels_dto(l: tillit_domain::classification::Levels) -> LevelsDto {
    LevelsDto {
        confidentiality: l.confidentiality.number(),
        integrity: l.integrity.number(),
        availability: l.availability.number(),
        traceability: l.traceability.number(),
    }
}
