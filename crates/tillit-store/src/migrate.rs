//! Schema migrations: each has a part common to both backends and a dialect part. Applied in order,
//! each in its own transaction, and recorded in `schema_migrations`.

use crate::dialect::Backend;
use crate::StoreError;
use sqlx::AnyPool;
use sqlx::Row;

struct Migration {
    version: i64,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "platform",
        common: include_str!("../migrations/0001_platform.sql"),
        sqlite: include_str!("../migrations/0001_platform.sqlite.sql"),
        postgres: include_str!("../migrations/0001_platform.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "information_assets",
        common: include_str!("../migrations/0002_information_assets.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "systems",
        common: include_str!("../migrations/0003_systems.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "assessments",
        common: include_str!("../migrations/0004_assessments.sql"),
        sqlite: include_str!("../migrations/0004_assessments.sqlite.sql"),
        postgres: include_str!("../migrations/0004_assessments.postgres.sql"),
    },
    Migration {
        version: 5,
        name: "risk_and_measures",
        common: include_str!("../migrations/0005_risk_and_measures.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "access_and_followup",
        common: include_str!("../migrations/0006_access_and_followup.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "integrations",
        common: include_str!("../migrations/0007_integrations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "instance_secrets",
        common: include_str!("../migrations/0008_instance_secrets.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "invitations",
        common: include_str!("../migrations/0009_invitations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "job_runs",
        common: include_str!("../migrations/0010_job_runs.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "law_and_catalog_versions",
        common: include_str!("../migrations/0011_law_and_catalog_versions.sql"),
        sqlite: include_str!("../migrations/0011_law_and_catalog_versions.sqlite.sql"),
        postgres: include_str!("../migrations/0011_law_and_catalog_versions.postgres.sql"),
    },
    Migration {
        version: 12,
        name: "sign_in_attempts",
        common: include_str!("../migrations/0012_sign_in_attempts.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "suppliers",
        common: include_str!("../migrations/0013_suppliers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "outsourcing",
        common: include_str!("../migrations/0014_outsourcing.sql"),
        sqlite: include_str!("../migrations/0014_outsourcing.sqlite.sql"),
        postgres: include_str!("../migrations/0014_outsourcing.postgres.sql"),
    },
    Migration {
        version: 15,
        name: "system_supplier_and_country",
        common: include_str!("../migrations/0015_system_supplier_and_country.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 16,
        name: "outsourcing_memo",
        common: include_str!("../migrations/0016_outsourcing_memo.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 17,
        name: "outsourcing_delegation",
        common: include_str!("../migrations/0017_outsourcing_delegation.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 18,
        name: "decision_measures",
        common: include_str!("../migrations/0018_decision_measures.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 19,
        name: "incidents",
        common: include_str!("../migrations/0019_incidents.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 20,
        name: "incident_follow_through",
        common: include_str!("../migrations/0020_incident_follow_through.sql"),
        sqlite: include_str!("../migrations/0020_incident_follow_through.sqlite.sql"),
        postgres: include_str!("../migrations/0020_incident_follow_through.postgres.sql"),
    },
    Migration {
        version: 21,
        name: "signing_keys_and_submissions",
        common: include_str!("../migrations/0021_signing_keys_and_submissions.sql"),
        sqlite: include_str!("../migrations/0021_signing_keys_and_submissions.sqlite.sql"),
        postgres: include_str!("../migrations/0021_signing_keys_and_submissions.postgres.sql"),
    },
    Migration {
        version: 22,
        name: "authority_workspace",
        common: include_str!("../migrations/0022_authority_workspace.sql"),
        sqlite: include_str!("../migrations/0022_authority_workspace.sqlite.sql"),
        postgres: include_str!("../migrations/0022_authority_workspace.postgres.sql"),
    },
    Migration {
        version: 23,
        name: "supervision_cases",
        common: include_str!("../migrations/0023_supervision_cases.sql"),
        sqlite: include_str!("../migrations/0023_supervision_cases.sqlite.sql"),
        postgres: include_str!("../migrations/0023_supervision_cases.postgres.sql"),
    },
    Migration {
        version: 24,
        name: "oscal_libraries",
        common: include_str!("../migrations/0024_oscal_libraries.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 25,
        name: "published_catalogs",
        common: include_str!("../migrations/0025_published_catalogs.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 26,
        name: "single_sign_on",
        common: include_str!("../migrations/0026_single_sign_on.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 27,
        name: "archive",
        common: include_str!("../migrations/0027_archive.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 28,
        name: "compliance_tallies",
        common: include_str!("../migrations/0028_compliance_tallies.sql"),
        sqlite: include_str!("../migrations/0028_compliance_tallies.sqlite.sql"),
        postgres: include_str!("../migrations/0028_compliance_tallies.postgres.sql"),
    },
    Migration {
        version: 29,
        name: "owner_sign_off",
        common: include_str!("../migrations/0029_owner_sign_off.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 30,
        name: "starter_kit",
        common: include_str!("../migrations/0030_starter_kit.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 31,
        name: "national_figures",
        common: include_str!("../migrations/0031_national_figures.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 32,
        name: "guided_start",
        common: include_str!("../migrations/0032_guided_start.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 33,
        name: "incident_playbooks",
        common: include_str!("../migrations/0033_incident_playbooks.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 34,
        name: "national_area_cover",
        common: include_str!("../migrations/0034_national_area_cover.sql"),
        sqlite: "",
        postgres: "",
    },
];

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    // A schema that is current is only read: a command run beside a busy server (a backup, a
    // verification) must not need SQLite's write lock.
    if check_current(pool).await.is_ok() {
        return Ok(());
    }
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    for m in MIGRATIONS {
        let applied = sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(pool)
            .await?
            .is_some();
        if applied {
            continue;
        }
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(m.common).execute(&mut *tx).await?;
        sqlx::raw_sql(backend.migration_part(m.sqlite, m.postgres))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(crate::now_timestamp())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            version = m.version,
            name = m.name,
            backend = backend.name(),
            "migration applied"
        );
    }
    // Facts kept for speed are filled in for what existed before the migration that added them.
    crate::followup::backfill_next_reviews(pool).await?;
    Ok(())
}

pub(crate) async fn check_current(pool: &AnyPool) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        .fetch_one(pool)
        .await?;
    let v: i64 = row.try_get("v")?;
    let latest = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
    if v != latest {
        return Err(StoreError::Corrupt(format!(
            "schema version {v}, expected {latest}"
        )));
    }
    Ok(())
}
