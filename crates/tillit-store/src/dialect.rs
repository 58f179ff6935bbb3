//! The only places where SQLite and PostgreSQL need different SQL or handling.

use crate::StoreError;
use sqlx::AnyPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub(crate) const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
];

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(
                url.split(':').next().unwrap_or("").to_string(),
            ))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub(crate) fn max_connections(self) -> u32 {
        match self {
            // SQLite serialises writers anyway; a few readers in WAL mode are plenty.
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }
    }

    /// Dialect-specific part of a migration, run after the common part.
    pub(crate) fn migration_part(
        self,
        sqlite: &'static str,
        postgres: &'static str,
    ) -> &'static str {
        match self {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }
}

pub(crate) async fn backup(
    pool: &AnyPool,
    backend: Backend,
    path: &std::path::Path,
) -> Result<(), StoreError> {
    match backend {
        Backend::Sqlite => {
            if path.exists() {
                return Err(StoreError::Io(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    format!("{} already exists", path.display()),
                )));
            }
            let target = path.to_string_lossy().to_string();
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(pool)
                .await?;
            Ok(())
        }
        Backend::Postgres => Err(StoreError::UnsupportedUrl(
            "postgres: use pg_dump for an online backup (see README)".into(),
        )),
    }
}
