//! The many-to-many links between an organisation's objects (a system's assets, an analysis's
//! systems, a scenario's assets, a measure's scenarios, a system's integrations): one helper to
//! replace an object's links after checking every target, and one to read the links of many
//! objects in one query.

use crate::row::s;
use crate::{Reference, StoreError, Tenant};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// A link table: the owner's column, the target's column and table, and what a missing target is.
pub(crate) struct Link {
    pub table: &'static str,
    pub owner_column: &'static str,
    pub target_column: &'static str,
    pub target_table: &'static str,
    /// The column of the target shown with it (its name or title).
    pub target_label: &'static str,
    pub reference: Reference,
}

pub(crate) const SYSTEM_ASSETS: Link = Link {
    table: "system_assets",
    owner_column: "system_id",
    target_column: "asset_id",
    target_table: "information_assets",
    target_label: "name",
    reference: Reference::Asset,
};

pub(crate) const SYSTEM_INTEGRATIONS: Link = Link {
    table: "system_integrations",
    owner_column: "system_id",
    target_column: "other_id",
    target_table: "systems",
    target_label: "name",
    reference: Reference::Integration,
};

pub(crate) const ANALYSIS_SYSTEMS: Link = Link {
    table: "risk_analysis_systems",
    owner_column: "analysis_id",
    target_column: "system_id",
    target_table: "systems",
    target_label: "name",
    reference: Reference::System,
};

pub(crate) const SCENARIO_ASSETS: Link = Link {
    table: "risk_scenario_assets",
    owner_column: "scenario_id",
    target_column: "asset_id",
    target_table: "information_assets",
    target_label: "name",
    reference: Reference::Asset,
};

pub(crate) const MEASURE_SCENARIOS: Link = Link {
    table: "measure_scenarios",
    owner_column: "measure_id",
    target_column: "scenario_id",
    target_table: "risk_scenarios",
    target_label: "title",
    reference: Reference::Scenario,
};

pub(crate) const CASE_SYSTEMS: Link = Link {
    table: "outsourcing_case_systems",
    owner_column: "case_id",
    target_column: "system_id",
    target_table: "systems",
    target_label: "name",
    reference: Reference::System,
};

pub(crate) const INCIDENT_SYSTEMS: Link = Link {
    table: "incident_systems",
    owner_column: "incident_id",
    target_column: "system_id",
    target_table: "systems",
    target_label: "name",
    reference: Reference::System,
};

pub(crate) const INCIDENT_ASSETS: Link = Link {
    table: "incident_assets",
    owner_column: "incident_id",
    target_column: "asset_id",
    target_table: "information_assets",
    target_label: "name",
    reference: Reference::Asset,
};

pub(crate) const CASE_ASSETS: Link = Link {
    table: "outsourcing_case_assets",
    owner_column: "case_id",
    target_column: "asset_id",
    target_table: "information_assets",
    target_label: "name",
    reference: Reference::Asset,
};

/// Placeholders `$from, $from+1, …` for `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The most values bound in one `IN (…)` list.
pub(crate) const IN_CHUNK: usize = 500;

/// Checks that every id is one of the organisation's objects in `table`, in one query per chunk.
pub(crate) async fn check_all_exist(
    conn: &mut AnyConnection,
    t: &Tenant,
    table: &str,
    ids: &[String],
    reference: Reference,
) -> Result<(), StoreError> {
    let wanted: std::collections::HashSet<&String> = ids.iter().collect();
    let mut found = 0;
    let distinct: Vec<&String> = wanted.iter().copied().collect();
    for chunk in distinct.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE org_id = $1 AND id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(t.id());
        for id in chunk {
            q = q.bind(*id);
        }
        found += crate::row::i(&q.fetch_one(&mut *conn).await?, "n")?;
    }
    if usize::try_from(found).unwrap_or(0) != wanted.len() {
        return Err(StoreError::UnknownReference(reference));
    }
    Ok(())
}

/// Replaces the owner's links with `targets`, after checking every target is the organisation's.
pub(crate) async fn set(
    conn: &mut AnyConnection,
    t: &Tenant,
    link: &Link,
    owner_id: &str,
    targets: &[String],
) -> Result<(), StoreError> {
    check_all_exist(conn, t, link.target_table, targets, link.reference).await?;
    let sql = format!(
        "DELETE FROM {} WHERE org_id = $1 AND {} = $2",
        link.table, link.owner_column
    );
    sqlx::query(&sql)
        .bind(t.id())
        .bind(owner_id)
        .execute(&mut *conn)
        .await?;
    let mut distinct: Vec<&String> = Vec::new();
    for target in targets {
        if !distinct.contains(&target) {
            distinct.push(target);
        }
    }
    for chunk in distinct.chunks(IN_CHUNK) {
        let rows = (0..chunk.len())
            .map(|i| format!("($1, $2, ${})", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {} (org_id, {}, {}) VALUES {rows}",
            link.table, link.owner_column, link.target_column
        );
        let mut q = sqlx::query(&sql).bind(t.id()).bind(owner_id);
        for target in chunk {
            q = q.bind(*target);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The linked targets (id and label, by label) of each owner, read in one query per chunk.
pub(crate) async fn targets_of(
    conn: &mut AnyConnection,
    t: &Tenant,
    link: &Link,
    owners: &[String],
) -> Result<HashMap<String, Vec<(String, String)>>, StoreError> {
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for chunk in owners.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT x.{owner} AS owner_id, y.id AS id, y.{label} AS label FROM {table} x
               JOIN {target_table} y ON y.id = x.{target} AND y.org_id = x.org_id
             WHERE x.org_id = $1 AND x.{owner} IN ({ins}) ORDER BY y.{label}, y.id",
            owner = link.owner_column,
            label = link.target_label,
            table = link.table,
            target_table = link.target_table,
            target = link.target_column,
            ins = placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(t.id());
        for o in chunk {
            q = q.bind(o);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.entry(s(&r, "owner_id")?)
                .or_default()
                .push((s(&r, "id")?, s(&r, "label")?));
        }
    }
    Ok(out)
}

/// An object that concerns systems and information assets (an outsourcing case, an incident).
pub(crate) trait ConcernsSystemsAndAssets {
    fn object_id(&self) -> &str;
    /// Takes the (id, name) of its systems and of its assets.
    fn take_links(&mut self, systems: Vec<(String, String)>, assets: Vec<(String, String)>);
}

/// Fills in the systems and assets of each object, two queries for the whole list.
pub(crate) async fn fill_systems_and_assets<T: ConcernsSystemsAndAssets>(
    conn: &mut AnyConnection,
    t: &Tenant,
    (system_link, asset_link): (&Link, &Link),
    list: &mut [T],
) -> Result<(), StoreError> {
    let ids: Vec<String> = list.iter().map(|c| c.object_id().to_string()).collect();
    let mut systems = targets_of(conn, t, system_link, &ids).await?;
    let mut assets = targets_of(conn, t, asset_link, &ids).await?;
    for c in list {
        let id = c.object_id().to_string();
        c.take_links(
            systems.remove(&id).unwrap_or_default(),
            assets.remove(&id).unwrap_or_default(),
        );
    }
    Ok(())
}
