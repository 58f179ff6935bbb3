//! The organisation-wide search over its registers in use: information assets, systems, risk
//! analyses, scenarios and measures, by name (title) and description.

use crate::{Store, StoreError, Tenant};

/// What kind of object a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Asset,
    System,
    RiskAnalysis,
    Scenario,
    Measure,
}

impl HitKind {
    pub const ALL: [HitKind; 5] = [
        HitKind::Asset,
        HitKind::System,
        HitKind::RiskAnalysis,
        HitKind::Scenario,
        HitKind::Measure,
    ];

    pub fn key(self) -> &'static str {
        match self {
            HitKind::Asset => "asset",
            HitKind::System => "system",
            HitKind::RiskAnalysis => "risk_analysis",
            HitKind::Scenario => "scenario",
            HitKind::Measure => "measure",
        }
    }

    /// (table, title column, detail column)
    fn source(self) -> (&'static str, &'static str, &'static str) {
        match self {
            HitKind::Asset => ("information_assets", "name", "COALESCE(description, '')"),
            HitKind::System => ("systems", "name", "COALESCE(description, '')"),
            HitKind::RiskAnalysis => ("risk_analyses", "title", "COALESCE(scope, '')"),
            HitKind::Scenario => ("risk_scenarios", "title", "COALESCE(threat_text, '')"),
            HitKind::Measure => ("measures", "title", "COALESCE(description, '')"),
        }
    }
}

/// The hits of one kind: the first few by title, and how many there are in all.
#[derive(Debug, Clone)]
pub struct Hits {
    pub kind: HitKind,
    pub total: i64,
    /// (id, title, detail)
    pub items: Vec<(String, String, String)>,
}

impl Store {
    /// The organisation's objects in use whose lower-cased search text contains `needle`
    /// (lower-cased here), at most `limit` of each kind, with each kind's total.
    pub async fn search(
        &self,
        t: &Tenant,
        needle: &str,
        limit: i64,
    ) -> Result<Vec<Hits>, StoreError> {
        let pattern = tillit_domain::text::like_contains(&needle.to_lowercase());
        let mut out = Vec::new();
        let mut conn = self.pool.acquire().await?;
        for kind in HitKind::ALL {
            let (table, title, detail) = kind.source();
            let filter = "org_id = $1 AND archived_at IS NULL AND search_text LIKE $2 ESCAPE '\\'";
            let (total,): (i64,) =
                sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE {filter}"))
                    .bind(t.id())
                    .bind(&pattern)
                    .fetch_one(&mut *conn)
                    .await?;
            let items: Vec<(String, String, String)> = if total == 0 {
                vec![]
            } else {
                sqlx::query_as(&format!(
                    "SELECT id, {title}, {detail} FROM {table} WHERE {filter} ORDER BY {title}, id LIMIT {limit}"
                ))
                .bind(t.id())
                .bind(&pattern)
                .fetch_all(&mut *conn)
                .await?
            };
            out.push(Hits { kind, total, items });
        }
        Ok(out)
    }
}
