//! Adoption of the starter kit: the assets and systems made from its items in one unit of work,
//! the record of which item each came from, and the confirmation of a suggested classification.

use crate::audit::{AuditEntry, Work};
use crate::row::{i, level_of, os, s};
use crate::{now_timestamp, Actor, Store, StoreError, Tenant, Unique};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;
use tillit_domain::asset::AssetInput;
use tillit_domain::classification::Levels;
use tillit_domain::ids::AssetId;
use tillit_domain::system::SystemInput;

const ASSET: &str = "information_asset";
const SYSTEM: &str = "system";

/// An asset to make from a kit item, with its suggested classification.
#[derive(Debug, Clone)]
pub struct NewKitAsset {
    pub item: String,
    pub input: AssetInput,
    pub suggested: Levels,
    pub motivation: String,
}

/// A system to make from a kit item; it processes the assets made from (or already adopted
/// for) `asset_items`.
#[derive(Debug, Clone)]
pub struct NewKitSystem {
    pub item: String,
    pub input: SystemInput,
    pub asset_items: Vec<String>,
}

/// An adoption: what to make, from which kit version, by whom (by name, as the record shows it).
#[derive(Debug, Clone)]
pub struct KitPlan {
    pub kit_version: String,
    pub adopter_name: String,
    pub assets: Vec<NewKitAsset>,
    pub systems: Vec<NewKitSystem>,
}

/// What an adoption did with one item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Made now.
    Created,
    /// Adopted before: the same object is used.
    AlreadyAdopted,
    /// An object of the same name was in the register: it is used, not duplicated.
    SameName,
}

/// One item's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Adopted {
    pub item: String,
    pub object_type: &'static str,
    pub object_id: String,
    pub name: String,
    pub outcome: Outcome,
}

/// Where an asset or system came from, and the suggestion it carries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KitAdoption {
    pub object_type: String,
    pub object_id: String,
    pub kit_version: String,
    pub item: String,
    /// The suggested levels and motivation (assets only).
    pub suggested: Option<Levels>,
    pub suggested_motivation: Option<String>,
    pub adopted_at: String,
    pub adopted_by_name: String,
    pub confirmed_at: Option<String>,
    pub confirmed_by_name: Option<String>,
}

fn adoption_from(r: &AnyRow) -> Result<KitAdoption, StoreError> {
    let l = |c: &str| -> Result<_, StoreError> { level_of(c, r.try_get::<Option<i64>, _>(c)?) };
    let suggested = match (
        l("suggested_confidentiality")?,
        l("suggested_integrity")?,
        l("suggested_availability")?,
        l("suggested_traceability")?,
    ) {
        (Some(c), Some(i), Some(a), Some(t)) => Some(Levels {
            confidentiality: c,
            integrity: i,
            availability: a,
            traceability: t,
        }),
        _ => None,
    };
    Ok(KitAdoption {
        object_type: s(r, "object_type")?,
        object_id: s(r, "object_id")?,
        kit_version: s(r, "kit_version")?,
        item: s(r, "item")?,
        suggested,
        suggested_motivation: os(r, "suggested_motivation")?,
        adopted_at: s(r, "adopted_at")?,
        adopted_by_name: s(r, "adopted_by_name")?,
        confirmed_at: os(r, "confirmed_at")?,
        confirmed_by_name: os(r, "confirmed_by_name")?,
    })
}

const COLUMNS: &str = "object_type, object_id, kit_version, item, suggested_confidentiality, suggested_integrity, suggested_availability, suggested_traceability, suggested_motivation, adopted_at, adopted_by_name, confirmed_at, confirmed_by_name";

impl Store {
    /// Makes the assets and then the systems of an adoption, all or none. An item adopted before
    /// (and not archived) is used again; so is an object of the same name already in the
    /// register. An archived object of the same name is refused as a duplicate name.
    pub async fn adopt_kit(
        &self,
        t: &Tenant,
        actor: &Actor,
        plan: &KitPlan,
    ) -> Result<Vec<Adopted>, StoreError> {
        let mut w = self.work().await?;
        let mark = Mark {
            version: &plan.kit_version,
            by: &plan.adopter_name,
        };
        let mut out = Vec::new();
        let mut asset_ids: HashMap<&str, String> = HashMap::new();
        for a in &plan.assets {
            let done = match existing(&mut w, t, ASSET, &a.item, &a.input.name).await? {
                Some((id, name, outcome)) => Adopted {
                    item: a.item.clone(),
                    object_type: ASSET,
                    object_id: id,
                    name,
                    outcome,
                },
                None => {
                    let id = w.create_asset(t, actor, &a.input).await?;
                    record(&mut w, t, actor, &mark, ASSET, &id, &a.item, Some(a)).await?;
                    Adopted {
                        item: a.item.clone(),
                        object_type: ASSET,
                        object_id: id,
                        name: a.input.name.clone(),
                        outcome: Outcome::Created,
                    }
                }
            };
            asset_ids.insert(&a.item, done.object_id.clone());
            out.push(done);
        }
        for sys in &plan.systems {
            let done = match existing(&mut w, t, SYSTEM, &sys.item, &sys.input.name).await? {
                Some((id, name, outcome)) => Adopted {
                    item: sys.item.clone(),
                    object_type: SYSTEM,
                    object_id: id,
                    name,
                    outcome,
                },
                None => {
                    let mut input = sys.input.clone();
                    input.asset_ids = sys
                        .asset_items
                        .iter()
                        .filter_map(|i| asset_ids.get(i.as_str()).cloned())
                        .collect();
                    input.asset_ids.sort();
                    input.asset_ids.dedup();
                    let id = w.create_system(t, actor, &input).await?;
                    record(&mut w, t, actor, &mark, SYSTEM, &id, &sys.item, None).await?;
                    Adopted {
                        item: sys.item.clone(),
                        object_type: SYSTEM,
                        object_id: id,
                        name: input.name,
                        outcome: Outcome::Created,
                    }
                }
            };
            out.push(done);
        }
        w.commit().await?;
        Ok(out)
    }

    /// The kit items the organisation has adopted, as item → (object type, object id), for the
    /// objects still in use.
    pub async fn kit_adopted_items(
        &self,
        t: &Tenant,
    ) -> Result<HashMap<String, (String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT k.item, k.object_type, k.object_id FROM kit_adoptions k
             LEFT JOIN information_assets a ON k.object_type = 'information_asset' AND a.id = k.object_id AND a.org_id = k.org_id
             LEFT JOIN systems y ON k.object_type = 'system' AND y.id = k.object_id AND y.org_id = k.org_id
             WHERE k.org_id = $1 AND a.archived_at IS NULL AND y.archived_at IS NULL",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((s(r, "item")?, (s(r, "object_type")?, s(r, "object_id")?))))
            .collect()
    }

    /// Where an asset or a system came from, if from the kit.
    pub async fn kit_adoption(
        &self,
        t: &Tenant,
        object_type: &str,
        object_id: &str,
    ) -> Result<Option<KitAdoption>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM kit_adoptions WHERE org_id = $1 AND object_type = $2 AND object_id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(t.id())
            .bind(object_type)
            .bind(object_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(adoption_from).transpose()
    }

    /// The kit items of the organisation's systems among those given, as system id → item.
    pub async fn kit_system_items(
        &self,
        t: &Tenant,
        system_ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        if system_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT object_id, item FROM kit_adoptions
             WHERE org_id = $1 AND object_type = 'system' AND object_id IN ({})",
            crate::links::placeholders(2, system_ids.len())
        );
        let mut q = sqlx::query(&sql).bind(t.id());
        for id in system_ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((s(r, "object_id")?, s(r, "item")?)))
            .collect()
    }

    /// Assets with a suggestion still waiting on its information owner: how many there are.
    pub async fn kit_suggestions_waiting(&self, t: &Tenant) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM kit_adoptions k JOIN information_assets a ON a.id = k.object_id AND a.org_id = k.org_id
             WHERE k.org_id = $1 AND k.object_type = 'information_asset' AND k.confirmed_at IS NULL
               AND k.suggested_motivation IS NOT NULL AND a.confidentiality IS NULL AND a.archived_at IS NULL",
        )
        .bind(t.id())
        .fetch_one(&self.pool)
        .await?;
        i(&row, "n")
    }

    /// The information owner confirms an asset's suggested classification, as it is or with
    /// changed levels: it becomes the asset's classification, kept in its history, and the
    /// adoption records who confirmed it.
    pub async fn confirm_kit_classification(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &AssetId,
        levels: &Levels,
        motivation: &str,
        confirmer: &str,
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        w.classify_asset(t, actor, id, levels, motivation).await?;
        let now = now_timestamp();
        sqlx::query(
            "UPDATE kit_adoptions SET confirmed_at = $1, confirmed_by_name = $2
             WHERE org_id = $3 AND object_type = 'information_asset' AND object_id = $4 AND confirmed_at IS NULL",
        )
        .bind(&now)
        .bind(confirmer)
        .bind(t.id())
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "kit.classification_confirmed",
                object_type: ASSET,
                object_id: id.as_str(),
                before: None,
                after: Some(json!({"levels": levels, "confirmed_by": confirmer})),
            },
        )
        .await?;
        w.commit().await
    }
}

/// The object an item should use instead of a new one: adopted before and in use, or the same
/// name in the register.
async fn existing(
    w: &mut Work<'_>,
    t: &Tenant,
    object_type: &str,
    item: &str,
    name: &str,
) -> Result<Option<(String, String, Outcome)>, StoreError> {
    let table = if object_type == ASSET {
        "information_assets"
    } else {
        "systems"
    };
    let sql = format!(
        "SELECT o.id, o.name FROM kit_adoptions k JOIN {table} o ON o.id = k.object_id AND o.org_id = k.org_id
         WHERE k.org_id = $1 AND k.object_type = $2 AND k.item = $3 AND o.archived_at IS NULL
         ORDER BY k.adopted_at DESC"
    );
    let before = sqlx::query(&sql)
        .bind(t.id())
        .bind(object_type)
        .bind(item)
        .fetch_optional(w.conn())
        .await?;
    if let Some(r) = before {
        return Ok(Some((
            s(&r, "id")?,
            s(&r, "name")?,
            Outcome::AlreadyAdopted,
        )));
    }
    let sql = format!("SELECT id, name, archived_at FROM {table} WHERE org_id = $1 AND name = $2");
    let same = sqlx::query(&sql)
        .bind(t.id())
        .bind(name)
        .fetch_optional(w.conn())
        .await?;
    match same {
        Some(r) if os(&r, "archived_at")?.is_some() => Err(StoreError::Duplicate(Unique::Name)),
        Some(r) => Ok(Some((s(&r, "id")?, s(&r, "name")?, Outcome::SameName))),
        None => Ok(None),
    }
}

/// The kit version and the adopter's name written on every adopted object.
struct Mark<'a> {
    version: &'a str,
    by: &'a str,
}

#[allow(clippy::too_many_arguments)]
async fn record(
    w: &mut Work<'_>,
    t: &Tenant,
    actor: &Actor,
    mark: &Mark<'_>,
    object_type: &'static str,
    id: &str,
    item: &str,
    asset: Option<&NewKitAsset>,
) -> Result<(), StoreError> {
    let n = |f: fn(&Levels) -> tillit_domain::classification::ConsequenceLevel| {
        asset.map(|a| i64::from(f(&a.suggested).number()))
    };
    sqlx::query(
        "INSERT INTO kit_adoptions (org_id, object_type, object_id, kit_version, item, suggested_confidentiality, suggested_integrity,
           suggested_availability, suggested_traceability, suggested_motivation, adopted_at, adopted_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(t.id())
    .bind(object_type)
    .bind(id)
    .bind(mark.version)
    .bind(item)
    .bind(n(|l| l.confidentiality))
    .bind(n(|l| l.integrity))
    .bind(n(|l| l.availability))
    .bind(n(|l| l.traceability))
    .bind(asset.map(|a| a.motivation.clone()))
    .bind(now_timestamp())
    .bind(mark.by)
    .execute(w.conn())
    .await?;
    w.record(
        actor,
        Some(t.id()),
        AuditEntry {
            action: "kit.adopt",
            object_type,
            object_id: id,
            before: None,
            after: Some(json!({"kit_version": mark.version, "item": item})),
        },
    )
    .await
}
