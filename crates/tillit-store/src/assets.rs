//! Information assets (informationsmängder) and their classification, tenant-scoped. The current
//! classification is kept on the asset for fast lists; every classification is also kept as history.

use crate::audit::{AuditEntry, Work};
use crate::query::{fetch_page, linkables, Filter, Linkable};
use crate::row::s;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use crate::{Reference, Unique};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::FromRow;
use sqlx::Row;
use tillit_domain::classification::{ConsequenceLevel, Levels};
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::text::search_key;

pub use tillit_domain::asset::{AssetInput, CONFIDENTIALITY_STRENGTHS};

#[derive(Debug, Clone, Serialize)]
pub struct Asset {
    pub id: AssetId,
    pub input: AssetInput,
    pub owner_name: Option<String>,
    pub levels: Option<Levels>,
    pub classified_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassificationRecord {
    pub id: String,
    pub levels: Levels,
    pub motivation: String,
    pub classified_by: String,
    pub classified_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetSort {
    Name,
    Updated,
    /// Highest protection need first; unclassified last.
    Level,
}

#[derive(Debug, Clone, Default)]
pub struct AssetQuery {
    pub q: Option<String>,
    /// `Some(true)`: only classified; `Some(false)`: only unclassified.
    pub classified: Option<bool>,
    pub owner_membership_id: Option<String>,
    pub personal_data: Option<bool>,
    pub sort: Option<AssetSort>,
    /// The archived assets instead of those in use.
    pub archived: bool,
}

pub(crate) const COLUMNS: &str = "a.id AS id, a.name AS name, a.description AS description, a.owner_membership_id AS owner_membership_id, \
    a.personal_data AS personal_data, a.special_categories AS special_categories, a.offences AS offences, a.data_subjects AS data_subjects, \
    a.individuals_approx AS individuals_approx, a.confidentiality_provisions AS confidentiality_provisions, a.confidentiality_strength AS confidentiality_strength, a.legal_basis AS legal_basis, \
    a.review_interval_months AS review_interval_months, a.confidentiality AS confidentiality, a.integrity AS integrity, \
    a.availability AS availability, a.traceability AS traceability, a.classified_at AS classified_at, a.created_at AS created_at, \
    a.updated_at AS updated_at, u.display_name AS owner_name";
pub(crate) const FROM: &str = "information_assets a LEFT JOIN memberships m ON m.id = a.owner_membership_id LEFT JOIN users u ON u.id = m.user_id";

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) fn level(r: &AnyRow, col: &str) -> Result<Option<ConsequenceLevel>, StoreError> {
    let v: Option<i64> = r.try_get(col)?;
    v.map(|n| {
        ConsequenceLevel::from_number(n)
            .ok_or_else(|| StoreError::Corrupt(format!("{col}: level {n}")))
    })
    .transpose()
}

/// The columns of a `Asset` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct AssetRow {
    confidentiality: Option<i64>,
    integrity: Option<i64>,
    availability: Option<i64>,
    traceability: Option<i64>,
    id: String,
    name: String,
    description: Option<String>,
    owner_membership_id: Option<String>,
    personal_data: i64,
    special_categories: String,
    offences: i64,
    data_subjects: String,
    confidentiality_provisions: Option<String>,
    confidentiality_strength: Option<String>,
    legal_basis: Option<String>,
    review_interval_months: i64,
    owner_name: Option<String>,
    classified_at: Option<String>,
    created_at: String,
    updated_at: String,
    individuals_approx: Option<i64>,
}

impl AssetRow {
    pub(crate) fn into_view(self) -> Result<Asset, StoreError> {
        let row = self;
        let levels = match (
            crate::row::level_of("confidentiality", row.confidentiality)?,
            crate::row::level_of("integrity", row.integrity)?,
            crate::row::level_of("availability", row.availability)?,
            crate::row::level_of("traceability", row.traceability)?,
        ) {
            (Some(confidentiality), Some(integrity), Some(availability), Some(traceability)) => {
                Some(Levels {
                    confidentiality,
                    integrity,
                    availability,
                    traceability,
                })
            }
            _ => None,
        };
        Ok(Asset {
            id: row.id.into(),
            input: AssetInput {
                name: row.name,
                description: row.description,
                owner_membership_id: row.owner_membership_id,
                personal_data: row.personal_data != 0,
                special_categories: list(&row.special_categories),
                offences: row.offences != 0,
                data_subjects: list(&row.data_subjects),
                individuals_approx: row.individuals_approx,
                confidentiality_provisions: row.confidentiality_provisions,
                confidentiality_strength: row.confidentiality_strength,
                legal_basis: row.legal_basis,
                review_interval_months: row.review_interval_months,
            },
            owner_name: row.owner_name,
            levels,
            classified_at: row.classified_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub(crate) fn asset_from_row(r: &AnyRow) -> Result<Asset, StoreError> {
    AssetRow::from_row(r)?.into_view()
}

async fn asset_in(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    id: &str,
) -> Result<Asset, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.org_id = $1 AND a.id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    asset_from_row(&row.ok_or(StoreError::NotFound)?)
}

/// The owner must be a member of the same organisation.
pub(crate) async fn check_owner(
    conn: &mut sqlx::AnyConnection,
    t: &Tenant,
    owner: Option<&str>,
) -> Result<(), StoreError> {
    if let Some(o) = owner {
        let found = sqlx::query("SELECT id FROM memberships WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(o)
            .fetch_optional(conn)
            .await?;
        if found.is_none() {
            return Err(StoreError::UnknownReference(Reference::Owner));
        }
    }
    Ok(())
}

pub(crate) fn unique_name(e: sqlx::Error) -> StoreError {
    if StoreError::is_unique_violation(&e) {
        StoreError::Duplicate(Unique::Name)
    } else {
        e.into()
    }
}

impl Store {
    pub async fn list_assets(
        &self,
        t: &Tenant,
        q: &AssetQuery,
        page: PageRequest,
    ) -> Result<Page<Asset>, StoreError> {
        let mut filter = Filter::tenant("a.org_id", t.id());
        filter.and_sql(if q.archived {
            "a.archived_at IS NOT NULL"
        } else {
            "a.archived_at IS NULL"
        });
        if let Some(text) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("a.search_text", text);
        }
        match q.classified {
            Some(true) => filter.and_sql("a.highest_level IS NOT NULL"),
            Some(false) => filter.and_sql("a.highest_level IS NULL"),
            None => &mut filter,
        };
        if let Some(o) = &q.owner_membership_id {
            filter.and("a.owner_membership_id =", o.clone());
        }
        if let Some(p) = q.personal_data {
            filter.and_sql(if p {
                "a.personal_data = 1"
            } else {
                "a.personal_data = 0"
            });
        }
        let order = match q.sort.unwrap_or(AssetSort::Name) {
            AssetSort::Name => "a.name, a.id",
            AssetSort::Updated => "a.updated_at DESC, a.id",
            AssetSort::Level => "COALESCE(a.highest_level, -1) DESC, a.name, a.id",
        };
        fetch_page(
            &self.pool,
            COLUMNS,
            FROM,
            &filter,
            order,
            page,
            AssetRow::into_view,
        )
        .await
    }

    /// Every asset a form can link to, by name; archived ones marked.
    pub async fn asset_choices(&self, t: &Tenant) -> Result<Vec<Linkable>, StoreError> {
        linkables(&self.pool, "information_assets", t.id()).await
    }

    pub async fn asset(&self, t: &Tenant, id: &AssetId) -> Result<Asset, StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        asset_in(&mut conn, t, id).await
    }

    pub async fn create_asset(
        &self,
        t: &Tenant,
        actor: &Actor,
        a: &AssetInput,
    ) -> Result<Asset, StoreError> {
        let mut w = self.work().await?;
        let id = w.create_asset(t, actor, a).await?;
        w.commit().await?;
        self.asset(t, &AssetId::from(id)).await
    }

    pub async fn update_asset(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &AssetId,
        a: &AssetInput,
    ) -> Result<Asset, StoreError> {
        let mut w = self.work().await?;
        w.update_asset(t, actor, id, a).await?;
        w.commit().await?;
        self.asset(t, id).await
    }

    /// Classifies an asset: the new levels become current and are added to its history.
    pub async fn classify_asset(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &AssetId,
        levels: &Levels,
        motivation: &str,
    ) -> Result<Asset, StoreError> {
        let mut w = self.work().await?;
        w.classify_asset(t, actor, id, levels, motivation).await?;
        w.commit().await?;
        self.asset(t, id).await
    }

    /// Every classification of an asset, newest first.
    pub async fn asset_classifications(
        &self,
        t: &Tenant,
        id: &AssetId,
    ) -> Result<Vec<ClassificationRecord>, StoreError> {
        let id = id.as_str();
        let rows = sqlx::query(
            "SELECT id, confidentiality, integrity, availability, traceability, motivation, classified_by, classified_at
             FROM asset_classifications WHERE org_id = $1 AND asset_id = $2 ORDER BY classified_at DESC, id DESC",
        )
        .bind(t.id())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let l = |c: &str| {
                    level(r, c)?.ok_or_else(|| StoreError::Corrupt(format!("{c} missing")))
                };
                Ok(ClassificationRecord {
                    id: s(r, "id")?,
                    levels: Levels {
                        confidentiality: l("confidentiality")?,
                        integrity: l("integrity")?,
                        availability: l("availability")?,
                        traceability: l("traceability")?,
                    },
                    motivation: s(r, "motivation")?,
                    classified_by: s(r, "classified_by")?,
                    classified_at: s(r, "classified_at")?,
                })
            })
            .collect()
    }
}

/// The same changes inside a unit of work, to be stored with others or not at all.
/// A classification to write: the asset, its name and levels before, the new levels and why.
struct Classifying<'a> {
    id: &'a str,
    name: &'a str,
    before: Option<Levels>,
    levels: &'a Levels,
    motivation: &'a str,
}

impl Work<'_> {
    pub async fn create_asset(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        a: &AssetInput,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let now = now_timestamp();
        check_owner(self.conn(), t, a.owner_membership_id.as_deref()).await?;
        sqlx::query(
            "INSERT INTO information_assets (id, org_id, name, description, owner_membership_id, personal_data, special_categories, data_subjects,
               individuals_approx, confidentiality_provisions, legal_basis, review_interval_months, search_text, created_at, updated_at,
               confidentiality_strength, next_review_on, offences)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&a.name)
        .bind(&a.description)
        .bind(&a.owner_membership_id)
        .bind(i64::from(a.personal_data))
        .bind(a.special_categories.join(","))
        .bind(a.data_subjects.join(","))
        .bind(a.individuals_approx)
        .bind(&a.confidentiality_provisions)
        .bind(&a.legal_basis)
        .bind(a.review_interval_months)
        .bind(search_key(&[&a.name, a.description.as_deref().unwrap_or("")]))
        .bind(&now)
        .bind(&a.confidentiality_strength)
        .bind(crate::followup::first_review(&now, a.review_interval_months))
        .bind(i64::from(a.offences))
        .execute(self.conn())
        .await
        .map_err(unique_name)?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "asset.create",
                object_type: "information_asset",
                object_id: &id,
                before: None,
                after: Some(json!(a)),
            },
        )
        .await?;
        // A new asset is processed by no system yet, so no system's patient-data flag changes.
        Ok(id)
    }

    pub async fn update_asset(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        id: &AssetId,
        a: &AssetInput,
    ) -> Result<(), StoreError> {
        let id = id.as_str();
        let before = asset_in(self.conn(), t, id).await?;
        check_owner(self.conn(), t, a.owner_membership_id.as_deref()).await?;
        sqlx::query(
            "UPDATE information_assets SET name = $1, description = $2, owner_membership_id = $3, personal_data = $4, special_categories = $5,
               data_subjects = $6, individuals_approx = $7, confidentiality_provisions = $8, legal_basis = $9, review_interval_months = $10,
               search_text = $11, updated_at = $12, confidentiality_strength = $15, offences = $16 WHERE org_id = $13 AND id = $14",
        )
        .bind(&a.name)
        .bind(&a.description)
        .bind(&a.owner_membership_id)
        .bind(i64::from(a.personal_data))
        .bind(a.special_categories.join(","))
        .bind(a.data_subjects.join(","))
        .bind(a.individuals_approx)
        .bind(&a.confidentiality_provisions)
        .bind(&a.legal_basis)
        .bind(a.review_interval_months)
        .bind(search_key(&[&a.name, a.description.as_deref().unwrap_or("")]))
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id)
        .bind(&a.confidentiality_strength)
        .bind(i64::from(a.offences))
        .execute(self.conn())
        .await
        .map_err(unique_name)?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "asset.update",
                object_type: "information_asset",
                object_id: id,
                before: Some(json!(before.input)),
                after: Some(json!(a)),
            },
        )
        .await?;
        crate::followup::refresh_next_review(self.conn(), t, crate::followup::Reviewed::Asset, id)
            .await?;
        crate::followup::refresh_patient_data(self.conn(), t, None, Some(id)).await?;
        Ok(())
    }

    /// Classifies an asset: the new levels become current and are added to its history.
    pub async fn classify_asset(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        id: &AssetId,
        levels: &Levels,
        motivation: &str,
    ) -> Result<(), StoreError> {
        let id = id.as_str();
        let before = asset_in(self.conn(), t, id).await?;
        let c = Classifying {
            id,
            name: &before.input.name,
            before: before.levels,
            levels,
            motivation,
        };
        self.write_classification(t, actor, c).await
    }

    /// Creates an asset with its first classification: the import's path, which knows the asset
    /// is new and so reads nothing back.
    pub async fn create_classified_asset(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        a: &AssetInput,
        levels: &Levels,
        motivation: &str,
    ) -> Result<String, StoreError> {
        let id = self.create_asset(t, actor, a).await?;
        let c = Classifying {
            id: &id,
            name: &a.name,
            before: None,
            levels,
            motivation,
        };
        self.write_classification(t, actor, c).await?;
        Ok(id)
    }

    async fn write_classification(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        c: Classifying<'_>,
    ) -> Result<(), StoreError> {
        let (id, levels) = (c.id, c.levels);
        let now = now_timestamp();
        let n = |l: ConsequenceLevel| i64::from(l.number());
        sqlx::query(
            "UPDATE information_assets SET confidentiality = $1, integrity = $2, availability = $3, traceability = $4, highest_level = $5,
               classified_at = $6, updated_at = $6 WHERE org_id = $7 AND id = $8",
        )
        .bind(n(levels.confidentiality))
        .bind(n(levels.integrity))
        .bind(n(levels.availability))
        .bind(n(levels.traceability))
        .bind(n(levels.highest()))
        .bind(&now)
        .bind(t.id())
        .bind(id)
        .execute(self.conn())
        .await?;
        sqlx::query(
            "INSERT INTO asset_classifications (id, org_id, asset_id, confidentiality, integrity, availability, traceability, motivation, classified_by, classified_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(t.id())
        .bind(id)
        .bind(n(levels.confidentiality))
        .bind(n(levels.integrity))
        .bind(n(levels.availability))
        .bind(n(levels.traceability))
        .bind(c.motivation)
        .bind(&actor.label)
        .bind(&now)
        .execute(self.conn())
        .await?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "asset.classify",
                object_type: "information_asset",
                object_id: id,
                before: Some(json!({"name": c.name, "levels": c.before})),
                after: Some(json!({"name": c.name, "levels": levels, "motivation": c.motivation})),
            },
        )
        .await?;
        // The levels change neither the review date nor whether a system processes patient data.
        Ok(())
    }
}
