//! Tillit's persistence: one store over SQLite or PostgreSQL (chosen by the database URL), the
//! schema and its migrations, tenant-scoped repositories and the hash-chained audit trail.
//!
//! SQL is written once with `$1` placeholders, which both backends accept; the few true dialect
//! differences live in `dialect.rs`. Every method that reads or changes an organisation's data takes
//! a [`Tenant`], which only this crate can make, and only from a checked membership (or, for the
//! platform operator's command line, from an organisation number).

mod access;
mod archive;
mod assessments;
mod assets;
mod attempts;
mod audit;
mod authority;
mod catalog;
mod compliance;
mod dialect;
mod error;
mod files;
mod followup;
mod guide;
mod incidents;
mod invitations;
mod kit;
mod libraries;
mod links;
mod measures;
mod members;
mod migrate;
mod national;
mod orgs;
mod outsourcing;
mod playbooks;
mod query;
mod reminders;
mod risk;
mod row;
mod search;
mod sessions;
mod signing;
mod sso;
mod submissions;
mod supervision;
mod suppliers;
mod systems;
mod tokens;
mod users;

pub use access::AccessAnalysis;
pub use assessments::{Assessment, AssessmentStatus, Evidence, NewEvidence, ORGANISATION_SCOPE};
pub use assets::{
    Asset, AssetInput, AssetQuery, AssetSort, ClassificationRecord, CONFIDENTIALITY_STRENGTHS,
};
pub use audit::{AuditEntry, AuditEvent, AuditFilter, ChainReport, Work};
pub use authority::{
    ModelVersion, NewRank, NewReceived, NewRegistryEntry, RankRow, RankingEntry, RankingRun,
    Received, RegistryEntry, RemitFilter,
};
pub use catalog::{NewReassessment, ReassessReason, Reassessment, RequirementMeasure};
pub use compliance::ScopeTallies;
pub use dialect::Backend;
pub use error::{Reference, StoreError, Unique};
pub use followup::{GapItem, GapKind, GapList, KeyFigures, Reviewed, GAP_ITEMS_SHOWN};
pub use guide::GuideMark;
pub use incidents::{
    Attachment, Incident, IncidentEntry, LinkedMeasure, NewSentReport, SavedReportDraft, SentReport,
};
pub use invitations::{Invitation, NewInvitation};
pub use kit::{Adopted, KitAdoption, KitPlan, NewKitAsset, NewKitSystem, Outcome};
pub use libraries::{ControlAssessment, LibraryControl, NewLibrary, OscalLibrary};
pub use measures::{Measure, MeasureOrder, MeasureQuery};
pub use members::{Member, MemberQuery, RoleCount};
pub use national::{NewSupportMark, PeriodRow, SupportMark};
pub use orgs::Organisation;
pub use outsourcing::{Decision, DecisionMeasure, NewDecision, OutsourcingCase};
pub use playbooks::{DoneStep, IncidentContact, StartedPlaybook};
pub use query::Linkable;
pub use reminders::{Contact, NewReminder, Reminder, SCHEDULE_SUBJECT};
pub use risk::{
    AcceptanceRecord, CellCount, OwnerAnswer, RiskAnalysis, RiskAnalysisInput, Scenario,
};
pub use search::{HitKind, Hits};
pub use sessions::{NewSession, SessionUser};
pub use signing::SigningKeyRow;
pub use sso::{SsoLogin, SsoProvider, SsoProviderRow, TakenLogin};
pub use submissions::{NewSubmission, ScheduleRow, Submission};
pub use supervision::{
    AnswerFile, CaseAccess, CaseAction, CaseActor, CaseAnswer, CaseDecision, CaseEvent, CaseFilter,
    CaseRequest, CaseRow, CaseScope, CaseShare, CaseTimesRow, DueRequest, Guidance, HistoricCase,
    NewAnswer, NewCase, NewGuidance,
};
pub use suppliers::Supplier;
pub use systems::{System, SystemInput, SystemQuery, SystemSort, HOSTING};
pub use tokens::{ApiToken, TokenAuth};
pub use users::{User, UserCredentials, UserMembership};

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::time::Duration;

/// Who made a change: a signed-in user, or the platform operator at the command line.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<String>,
    pub label: String,
}

impl Actor {
    pub fn user(id: &str, email: &str) -> Self {
        Self {
            user_id: Some(id.to_string()),
            label: email.to_string(),
        }
    }
    pub fn operator() -> Self {
        Self {
            user_id: None,
            label: "operator (tillit admin)".to_string(),
        }
    }
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "system".to_string(),
        }
    }
}

/// An organisation whose data a request may touch. Only the store makes one, after checking a
/// membership, so a repository call without an authorised tenant cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    id: String,
}

impl Tenant {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub(crate) fn checked(id: String) -> Self {
        Self { id }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's single writer, taken by every unit of work (none on PostgreSQL, whose row locks
    /// order writers).
    writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

/// A statement that changes one row, by its id: none changed means the row is not there (or
/// not the organisation's), which is "not found".
pub(crate) trait OneRow {
    async fn one_row(self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError>;
}

impl<'q> OneRow for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    async fn one_row(self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        match self.execute(conn).await?.rows_affected() {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }
}

/// The current time as stored: UTC, RFC 3339, millisecond precision.
pub fn now_timestamp() -> String {
    format_timestamp(chrono::Utc::now())
}

pub fn format_timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Store {
    /// Connects to the database named by `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let mut opts = AnyPoolOptions::new()
            .max_connections(backend.max_connections())
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in dialect::SQLITE_PRAGMAS {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = opts.connect(url).await?;
        let writer = (backend == Backend::Sqlite).then(Default::default);
        Ok(Store {
            pool,
            backend,
            writer,
        })
    }

    /// Starts a unit of work: changes made through it are stored together by [`Work::commit`] or
    /// not at all.
    pub async fn work(&self) -> Result<Work<'_>, StoreError> {
        Work::begin(&self.pool, self.writer.as_ref()).await
    }

    /// A secret of the installation, made (random, 32 bytes, hex) the first time it is asked for
    /// and the same for every instance and after every restart.
    pub async fn instance_secret(&self, name: &str) -> Result<String, StoreError> {
        let fresh = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        sqlx::query(
            "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&fresh)
        .bind(now_timestamp())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM instance_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        row::s(&row, "value")
    }

    /// Claims one run of a background task — the task and its time slot (`"2026-12-01T14"` for
    /// an hourly task) — for this instance. `true` for the one instance that claimed it: with
    /// several instances on one database, each run happens once.
    pub async fn claim_job_run(
        &self,
        job: &str,
        slot: &str,
        instance: &str,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "INSERT INTO job_runs (job, slot, instance, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (job, slot) DO NOTHING",
        )
        .bind(job)
        .bind(slot)
        .bind(instance)
        .bind(now_timestamp())
        .execute(&self.pool)
        .await?
        .rows_affected();
        // Runs older than a week are only history.
        sqlx::query("DELETE FROM job_runs WHERE claimed_at < $1")
            .bind(format_timestamp(
                chrono::Utc::now() - chrono::Duration::days(7),
            ))
            .execute(&self.pool)
            .await?;
        Ok(n == 1)
    }

    /// Who ran a task's runs: (slot, instance), newest first.
    pub async fn job_runs(&self, job: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows =
            sqlx::query("SELECT slot, instance FROM job_runs WHERE job = $1 ORDER BY slot DESC")
                .bind(job)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((row::s(r, "slot")?, row::s(r, "instance")?)))
            .collect()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Brings the schema up to date. Safe to run at every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate::run(&self.pool, self.backend).await
    }

    /// Recomputes the facts the store keeps for speed (review dates, patient-data flags) from the
    /// data — cheap, run by the server at start to heal any drift — and links systems' supplier
    /// and country texts written before the register and the country list where it can.
    pub async fn heal(&self) -> Result<(), StoreError> {
        followup::backfill_next_reviews(&self.pool).await?;
        risk::backfill_scenario_search(&self.pool).await?;
        self.link_written_system_facts().await?;
        self.backfill_submission_figures().await?;
        Ok(())
    }

    /// Ready means: the database answers and the schema is current.
    pub async fn ready(&self) -> Result<(), StoreError> {
        migrate::check_current(&self.pool).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A consistent online copy of an SQLite database (`VACUUM INTO`); PostgreSQL uses pg_dump.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        dialect::backup(&self.pool, self.backend, path).await
    }
}
