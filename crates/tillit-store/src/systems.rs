//! Information systems and IT services, tenant-scoped. A system processes information assets
//! (many-to-many) and inherits, per aspect, the highest level among them; a level set on the system
//! itself is a deviation and is stored with its motivation.

use crate::assets::{asset_from_row, check_owner, unique_name, Asset};
use crate::audit::{AuditEntry, Work};
use crate::query::{fetch_page, linkables, Filter, Linkable};
use crate::row::s;
use crate::Reference;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::FromRow;
use tillit_domain::classification::{check_deviation, inherited_levels, Levels};
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::text::search_key;
use tillit_domain::ValidationErrors;

/// Where a system runs.
pub use tillit_domain::system::{SystemInput, HOSTING};

#[derive(Debug, Clone, Serialize)]
pub struct System {
    pub id: SystemId,
    pub input: SystemInput,
    pub owner_name: Option<String>,
    pub assets: Vec<Asset>,
    /// Per aspect, the highest level of the classified assets it processes.
    pub inherited: Option<Levels>,
    /// Levels set on the system itself, when it deviates.
    pub deviation: Option<Levels>,
    pub deviation_motivation: Option<String>,
    /// The supplier's name in the register, when the system names one.
    pub supplier_name: Option<String>,
    /// A supplier name written before the register, not yet linked to a supplier in it.
    pub unlinked_supplier: Option<String>,
    /// A country text written before countries were chosen from the list, naming none of them.
    pub unmatched_country: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl System {
    /// The levels that apply: the deviation when there is one, else the inherited levels.
    pub fn effective(&self) -> Option<Levels> {
        self.deviation.or(self.inherited)
    }
}

pub(crate) const COLUMNS: &str = "s.id AS id, s.name AS name, s.description AS description, s.owner_membership_id AS owner_membership_id, \
    s.supplier_id AS supplier_id, sup.name AS supplier_name, s.unlinked_supplier AS unlinked_supplier, s.hosting AS hosting, \
    s.country AS country, s.unmatched_country AS unmatched_country, s.review_interval_months AS review_interval_months, \
    s.confidentiality AS confidentiality, s.integrity AS integrity, s.availability AS availability, s.traceability AS traceability, \
    s.deviation_motivation AS deviation_motivation, s.created_at AS created_at, s.updated_at AS updated_at, u.display_name AS owner_name";
pub(crate) const FROM: &str = "systems s LEFT JOIN memberships m ON m.id = s.owner_membership_id LEFT JOIN users u ON u.id = m.user_id \
    LEFT JOIN suppliers sup ON sup.id = s.supplier_id AND sup.org_id = s.org_id";

/// The columns of a `System` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct SystemRow {
    confidentiality: Option<i64>,
    integrity: Option<i64>,
    availability: Option<i64>,
    traceability: Option<i64>,
    id: String,
    name: String,
    description: Option<String>,
    owner_membership_id: Option<String>,
    supplier_id: Option<String>,
    supplier_name: Option<String>,
    unlinked_supplier: Option<String>,
    hosting: String,
    country: Option<String>,
    unmatched_country: Option<String>,
    review_interval_months: i64,
    owner_name: Option<String>,
    deviation_motivation: Option<String>,
    created_at: String,
    updated_at: String,
}

impl SystemRow {
    pub(crate) fn into_view(self) -> Result<System, StoreError> {
        let row = self;
        let deviation = match (
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
        Ok(System {
            id: row.id.into(),
            input: SystemInput {
                name: row.name,
                description: row.description,
                owner_membership_id: row.owner_membership_id,
                supplier_id: row.supplier_id,
                hosting: row.hosting,
                country: row.country,
                review_interval_months: row.review_interval_months,
                asset_ids: vec![],
            },
            owner_name: row.owner_name,
            assets: vec![],
            inherited: None,
            deviation,
            deviation_motivation: row.deviation_motivation,
            supplier_name: row.supplier_name,
            unlinked_supplier: row.unlinked_supplier,
            unmatched_country: row.unmatched_country,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub(crate) fn system_from_row(r: &AnyRow) -> Result<System, StoreError> {
    SystemRow::from_row(r)?.into_view()
}

/// Fills in the assets each system processes and what it inherits from them, in one query per
/// chunk of systems.
pub(crate) async fn with_assets(
    conn: &mut AnyConnection,
    t: &Tenant,
    list: &mut [System],
) -> Result<(), StoreError> {
    let ids: Vec<String> = list.iter().map(|s| s.id.to_string()).collect();
    let mut by_system: std::collections::HashMap<String, Vec<Asset>> =
        std::collections::HashMap::new();
    for chunk in ids.chunks(crate::links::IN_CHUNK) {
        let sql = format!(
            "SELECT sa.system_id AS system_id, {} FROM {} JOIN system_assets sa ON sa.asset_id = a.id
             WHERE a.org_id = $1 AND sa.org_id = $1 AND sa.system_id IN ({}) ORDER BY a.name, a.id",
            crate::assets::COLUMNS,
            crate::assets::FROM,
            crate::links::placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(t.id());
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            by_system
                .entry(s(&r, "system_id")?)
                .or_default()
                .push(asset_from_row(&r)?);
        }
    }
    for sys in list.iter_mut() {
        sys.assets = by_system.remove(sys.id.as_str()).unwrap_or_default();
        sys.input.asset_ids = sys.assets.iter().map(|a| a.id.to_string()).collect();
        let classified: Vec<Levels> = sys.assets.iter().filter_map(|a| a.levels).collect();
        sys.inherited = inherited_levels(&classified);
    }
    Ok(())
}

async fn system_in(conn: &mut AnyConnection, t: &Tenant, id: &str) -> Result<System, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE s.org_id = $1 AND s.id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut sys = system_from_row(&row.ok_or(StoreError::NotFound)?)?;
    with_assets(conn, t, std::slice::from_mut(&mut sys)).await?;
    Ok(sys)
}

/// Replaces the assets a system processes (each must be one of the organisation's) and
/// recomputes whether the system processes patient data.
async fn set_assets(
    conn: &mut AnyConnection,
    t: &Tenant,
    system_id: &str,
    asset_ids: &[String],
) -> Result<(), StoreError> {
    crate::links::set(conn, t, &crate::links::SYSTEM_ASSETS, system_id, asset_ids).await?;
    crate::followup::refresh_patient_data(conn, t, Some(system_id), None).await?;
    Ok(())
}

/// Filters and order of the systems list.
#[derive(Debug, Clone, Default)]
pub struct SystemQuery {
    pub q: Option<String>,
    /// One of [`HOSTING`].
    pub hosting: Option<String>,
    /// Only systems that process patient data (`Some(true)`) or that do not.
    pub patient_data: Option<bool>,
    /// Only the systems of this supplier (an id in the register).
    pub supplier_id: Option<String>,
    pub sort: SystemSort,
    /// The archived systems instead of those in use.
    pub archived: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SystemSort {
    #[default]
    Name,
    /// Most recently changed first.
    Updated,
    /// Next review due first.
    NextReview,
}

impl Store {
    pub async fn list_systems(
        &self,
        t: &Tenant,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<System>, StoreError> {
        let query = SystemQuery {
            q: q.map(str::to_string),
            ..Default::default()
        };
        self.list_systems_by(t, &query, page).await
    }

    pub async fn list_systems_by(
        &self,
        t: &Tenant,
        query: &SystemQuery,
        page: PageRequest,
    ) -> Result<Page<System>, StoreError> {
        let mut filter = Filter::tenant("s.org_id", t.id());
        filter.and_sql(if query.archived {
            "s.archived_at IS NOT NULL"
        } else {
            "s.archived_at IS NULL"
        });
        if let Some(text) = query.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            filter.and_contains("s.search_text", text);
        }
        if let Some(h) = &query.hosting {
            filter.and("s.hosting =", h.clone());
        }
        if let Some(x) = &query.supplier_id {
            filter.and("s.supplier_id =", x.clone());
        }
        match query.patient_data {
            Some(true) => {
                filter.and_sql("s.patient_data = 1");
            }
            Some(false) => {
                filter.and_sql("s.patient_data = 0");
            }
            None => {}
        }
        let order = match query.sort {
            SystemSort::Name => "s.name, s.id",
            SystemSort::Updated => "s.updated_at DESC, s.id",
            SystemSort::NextReview => "CASE WHEN s.next_review_on IS NULL THEN 1 ELSE 0 END, s.next_review_on, s.name, s.id",
        };
        let list = fetch_page(
            &self.pool,
            COLUMNS,
            FROM,
            &filter,
            order,
            page,
            SystemRow::into_view,
        )
        .await?;
        let mut conn = self.pool.acquire().await?;
        let mut list = list;
        with_assets(&mut conn, t, &mut list.items).await?;
        Ok(list)
    }

    /// Every system's name by id (for labels).
    pub async fn system_names(
        &self,
        t: &Tenant,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM systems WHERE org_id = $1")
            .bind(t.id())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((s(r, "id")?, s(r, "name")?)))
            .collect()
    }

    /// Every system a form can link to, by name; archived ones marked.
    pub async fn system_choices(&self, t: &Tenant) -> Result<Vec<Linkable>, StoreError> {
        linkables(&self.pool, "systems", t.id()).await
    }

    pub async fn system(&self, t: &Tenant, id: &SystemId) -> Result<System, StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        system_in(&mut conn, t, id).await
    }

    pub async fn create_system(
        &self,
        t: &Tenant,
        actor: &Actor,
        x: &SystemInput,
    ) -> Result<System, StoreError> {
        let mut w = self.work().await?;
        let id = w.create_system(t, actor, x).await?;
        w.commit().await?;
        self.system(t, &SystemId::from(id)).await
    }

    pub async fn update_system(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &SystemId,
        x: &SystemInput,
    ) -> Result<System, StoreError> {
        let mut w = self.work().await?;
        w.update_system(t, actor, id, x).await?;
        w.commit().await?;
        self.system(t, id).await
    }

    /// Sets the system's own levels (a deviation from what it inherits, with its motivation), or
    /// clears them (`None`) so the inherited levels apply again.
    pub async fn set_system_levels(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &SystemId,
        levels: Option<&Levels>,
        motivation: &str,
    ) -> Result<System, StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let before = system_in(tx.conn(), t, id).await?;
        let motivation = match levels {
            Some(l) => check_deviation(before.inherited.as_ref(), l, motivation)
                .map_err(ValidationErrors::from)?,
            None => None,
        };
        let n = |f: fn(&Levels) -> tillit_domain::classification::ConsequenceLevel| {
            levels.map(|l| i64::from(f(l).number()))
        };
        sqlx::query(
            "UPDATE systems SET confidentiality = $1, integrity = $2, availability = $3, traceability = $4, deviation_motivation = $5, updated_at = $6
             WHERE org_id = $7 AND id = $8",
        )
        .bind(n(|l| l.confidentiality))
        .bind(n(|l| l.integrity))
        .bind(n(|l| l.availability))
        .bind(n(|l| l.traceability))
        .bind(&motivation)
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "system.levels",
                object_type: "system",
                object_id: id,
                before: Some(json!({"name": before.input.name, "levels": before.deviation, "inherited": before.inherited})),
                after: Some(json!({"name": before.input.name, "levels": levels, "motivation": motivation})),
            },
        )
        .await?;
        crate::followup::refresh_next_review(tx.conn(), t, crate::followup::Reviewed::System, id)
            .await?;
        let sys = system_in(tx.conn(), t, id).await?;
        tx.commit().await?;
        Ok(sys)
    }

    /// The systems this one integrates with (it sends information to or exchanges it with), and
    /// those that integrate with it: (id, name) each, by name.
    pub async fn integrations(
        &self,
        t: &Tenant,
        id: &SystemId,
    ) -> Result<(Vec<(String, String)>, Vec<(String, String)>), StoreError> {
        let id = id.as_str();
        let pairs = |rows: Vec<AnyRow>| -> Result<Vec<(String, String)>, StoreError> {
            rows.iter()
                .map(|r| Ok((s(r, "id")?, s(r, "name")?)))
                .collect()
        };
        let to = sqlx::query(
            "SELECT o.id AS id, o.name AS name FROM system_integrations x JOIN systems o ON o.id = x.other_id
             WHERE x.org_id = $1 AND o.org_id = $1 AND x.system_id = $2 ORDER BY o.name",
        )
        .bind(t.id())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let from = sqlx::query(
            "SELECT o.id AS id, o.name AS name FROM system_integrations x JOIN systems o ON o.id = x.system_id
             WHERE x.org_id = $1 AND o.org_id = $1 AND x.other_id = $2 ORDER BY o.name",
        )
        .bind(t.id())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok((pairs(to)?, pairs(from)?))
    }

    /// Replaces the systems this one integrates with. Each must be another of the organisation's
    /// systems.
    pub async fn set_integrations(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &SystemId,
        others: &[String],
    ) -> Result<(), StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let sys = system_in(tx.conn(), t, id).await?;
        if others.iter().any(|o| o == id) {
            // A system does not integrate with itself (the application layer says so first).
            return Err(StoreError::UnknownReference(Reference::Integration));
        }
        // The audit's "before", read in the same transaction as the change.
        let before: Vec<String> = sqlx::query(
            "SELECT other_id FROM system_integrations WHERE org_id = $1 AND system_id = $2 ORDER BY other_id",
        )
        .bind(t.id())
        .bind(id)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| s(r, "other_id"))
        .collect::<Result<_, _>>()?;
        crate::links::set(tx.conn(), t, &crate::links::SYSTEM_INTEGRATIONS, id, others).await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "system.integrations",
                object_type: "system",
                object_id: id,
                before: Some(json!({"name": sys.input.name, "integrations": before})),
                after: Some(json!({"name": sys.input.name, "integrations": others})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What a system is found by: its name, description and supplier (from the register, or as
/// written before it).
fn system_search_text(name: &str, description: Option<&str>, supplier: &[Option<&str>]) -> String {
    let mut parts = vec![name, description.unwrap_or("")];
    parts.extend(supplier.iter().flatten());
    search_key(&parts)
}

/// The name of the organisation's supplier `id`; an id that is not one of its suppliers is an
/// unknown reference.
async fn supplier_name(
    conn: &mut AnyConnection,
    t: &Tenant,
    id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Some(id) = id else { return Ok(None) };
    let row = sqlx::query("SELECT name FROM suppliers WHERE org_id = $1 AND id = $2")
        .bind(t.id())
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::UnknownReference(Reference::Supplier))?;
    Ok(Some(s(&row, "name")?))
}

/// Links systems whose supplier was written as text before the register to `supplier` when the
/// names are the same (case aside), moves recognised country texts to their codes, and keeps
/// every system's search text in step with its supplier's name. `supplier: None` does it for
/// every organisation (at start-up); each change is audited as the system's.
pub(crate) async fn link_written_facts(
    w: &mut Work<'_>,
    actor: &Actor,
    only: Option<(&Tenant, &str)>,
) -> Result<usize, StoreError> {
    let mut sql = String::from(
        "SELECT s.id AS id, s.org_id AS org_id, s.name AS name, s.description AS description, s.unlinked_supplier AS unlinked_supplier,
                s.unmatched_country AS unmatched_country, s.supplier_id AS supplier_id
         FROM systems s WHERE (s.unlinked_supplier IS NOT NULL OR s.unmatched_country IS NOT NULL",
    );
    if only.is_some() {
        sql.push_str(" OR s.supplier_id = $2) AND s.org_id = $1");
    } else {
        sql.push(')');
    }
    let mut q = sqlx::query(&sql);
    if let Some((t, id)) = only {
        q = q.bind(t.id()).bind(id);
    }
    let rows = q.fetch_all(w.conn()).await?;
    let mut suppliers: std::collections::HashMap<String, Vec<(String, String)>> =
        std::collections::HashMap::new();
    let mut changed = 0;
    for r in rows {
        let (id, org) = (s(&r, "id")?, s(&r, "org_id")?);
        let name = s(&r, "name")?;
        let description: Option<String> = crate::row::os(&r, "description")?;
        let unlinked: Option<String> = crate::row::os(&r, "unlinked_supplier")?;
        let unmatched: Option<String> = crate::row::os(&r, "unmatched_country")?;
        let mut supplier_id: Option<String> = crate::row::os(&r, "supplier_id")?;
        if !suppliers.contains_key(&org) {
            let list = sqlx::query("SELECT id, name FROM suppliers WHERE org_id = $1")
                .bind(&org)
                .fetch_all(w.conn())
                .await?
                .iter()
                .map(|x| Ok((s(x, "id")?, s(x, "name")?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            suppliers.insert(org.clone(), list);
        }
        let register = &suppliers[&org];
        let linked = match (&supplier_id, &unlinked) {
            (None, Some(text)) => register
                .iter()
                .find(|(_, n)| n.to_lowercase() == text.trim().to_lowercase())
                .map(|(i, _)| i.clone()),
            _ => None,
        };
        let country = unmatched
            .as_deref()
            .and_then(tillit_domain::country::match_text)
            .map(|c| c.code.clone());
        if linked.is_some() {
            supplier_id = linked.clone();
        }
        let unlinked_now = unlinked.clone().filter(|_| linked.is_none());
        let supplier = supplier_id
            .as_ref()
            .and_then(|i| register.iter().find(|(x, _)| x == i))
            .map(|(_, n)| n.as_str());
        let search = system_search_text(
            &name,
            description.as_deref(),
            &[supplier, unlinked_now.as_deref()],
        );
        let tenant = Tenant::checked(org.clone());
        sqlx::query(
            "UPDATE systems SET supplier_id = $1, unlinked_supplier = $2, country = COALESCE($3, country),
               unmatched_country = $4, search_text = $5 WHERE org_id = $6 AND id = $7",
        )
        .bind(&supplier_id)
        .bind(&unlinked_now)
        .bind(&country)
        .bind(unmatched.clone().filter(|_| country.is_none()))
        .bind(&search)
        .bind(tenant.id())
        .bind(&id)
        .execute(w.conn())
        .await?;
        if linked.is_some() || country.is_some() {
            changed += 1;
            w.record(
                actor,
                Some(tenant.id()),
                AuditEntry {
                    action: "system.link",
                    object_type: "system",
                    object_id: &id,
                    before: Some(json!({"name": name, "supplier": unlinked, "country": unmatched})),
                    after: Some(json!({"name": name, "supplier_id": linked, "country": country})),
                },
            )
            .await?;
        }
    }
    Ok(changed)
}

impl Store {
    /// Links what was written as text before the supplier register and the country list, in
    /// every organisation (see [`link_written_facts`]); run at start-up.
    pub async fn link_written_system_facts(&self) -> Result<usize, StoreError> {
        // Read first: a start with nothing to link takes no write lock.
        let any = sqlx::query(
            "SELECT id FROM systems WHERE unlinked_supplier IS NOT NULL OR unmatched_country IS NOT NULL LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        if any.is_none() {
            return Ok(0);
        }
        let mut w = self.work().await?;
        let n = link_written_facts(&mut w, &Actor::system(), None).await?;
        w.commit().await?;
        Ok(n)
    }
}

/// The same changes inside a unit of work, to be stored with others or not at all.
impl Work<'_> {
    pub async fn create_system(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        x: &SystemInput,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let now = now_timestamp();
        check_owner(self.conn(), t, x.owner_membership_id.as_deref()).await?;
        let supplier = supplier_name(self.conn(), t, x.supplier_id.as_deref()).await?;
        sqlx::query(
            "INSERT INTO systems (id, org_id, name, description, owner_membership_id, supplier_id, hosting, country, review_interval_months, search_text, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&x.name)
        .bind(&x.description)
        .bind(&x.owner_membership_id)
        .bind(&x.supplier_id)
        .bind(&x.hosting)
        .bind(&x.country)
        .bind(x.review_interval_months)
        .bind(system_search_text(&x.name, x.description.as_deref(), &[supplier.as_deref()]))
        .bind(&now)
        .execute(self.conn())
        .await
        .map_err(unique_name)?;
        set_assets(self.conn(), t, &id, &x.asset_ids).await?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "system.create",
                object_type: "system",
                object_id: &id,
                before: None,
                after: Some(json!(x)),
            },
        )
        .await?;
        crate::followup::refresh_next_review(
            self.conn(),
            t,
            crate::followup::Reviewed::System,
            &id,
        )
        .await?;
        Ok(id)
    }

    pub async fn update_system(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        id: &SystemId,
        x: &SystemInput,
    ) -> Result<(), StoreError> {
        let id = id.as_str();
        let before = system_in(self.conn(), t, id).await?;
        check_owner(self.conn(), t, x.owner_membership_id.as_deref()).await?;
        let supplier = supplier_name(self.conn(), t, x.supplier_id.as_deref()).await?;
        // Text written before the register and the country list is kept until the user chooses
        // a supplier or a country in its place.
        let unlinked = before.unlinked_supplier.filter(|_| x.supplier_id.is_none());
        let unmatched = before.unmatched_country.filter(|_| x.country.is_none());
        sqlx::query(
            "UPDATE systems SET name = $1, description = $2, owner_membership_id = $3, supplier_id = $4, hosting = $5, country = $6,
               review_interval_months = $7, search_text = $8, updated_at = $9, unlinked_supplier = $10, unmatched_country = $11
             WHERE org_id = $12 AND id = $13",
        )
        .bind(&x.name)
        .bind(&x.description)
        .bind(&x.owner_membership_id)
        .bind(&x.supplier_id)
        .bind(&x.hosting)
        .bind(&x.country)
        .bind(x.review_interval_months)
        .bind(system_search_text(
            &x.name,
            x.description.as_deref(),
            &[supplier.as_deref(), unlinked.as_deref()],
        ))
        .bind(now_timestamp())
        .bind(&unlinked)
        .bind(&unmatched)
        .bind(t.id())
        .bind(id)
        .execute(self.conn())
        .await
        .map_err(unique_name)?;
        set_assets(self.conn(), t, id, &x.asset_ids).await?;
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "system.update",
                object_type: "system",
                object_id: id,
                before: Some(json!(before.input)),
                after: Some(json!(x)),
            },
        )
        .await?;
        crate::followup::refresh_next_review(self.conn(), t, crate::followup::Reviewed::System, id)
            .await?;
        Ok(())
    }
}
