//! Tillit's application layer: the use cases, one module per feature. Every adapter — the web
//! pages, the JSON API, background tasks — calls one command or query here with an [`Acting`]
//! (who, in which organisation, with which role and token scopes). A command authorises, turns its
//! typed draft into validated domain types, and stores the change with its audit event; a query
//! authorises and returns the view that pages, API and exports all read. Nothing here knows HTTP.

pub mod access;
pub mod acting;
pub mod archive;
pub mod assessments;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod authority;
pub mod catalog;
pub mod compliance;
pub mod error;
pub mod followup;
pub mod guide;
pub mod incidents;
pub mod invitations;
pub mod library;
pub mod measures;
pub mod members;
pub mod national;
pub mod oscal;
pub mod outsourcing;
pub mod playbooks;
pub mod reminders;
pub mod reports;
pub mod risk;
pub mod search;
pub mod security;
pub mod signing;
pub mod sso;
pub mod starter_kit;
pub mod submissions;
pub mod supervision;
pub mod suppliers;
pub mod systems;
pub mod tabular;
pub mod throttle;
pub mod transfer;
pub mod views;

pub use acting::{Acting, Auth, Via};
pub use error::{Error, Result};

use library::{Catalogs, Library};
use security::PasswordHashing;
use std::sync::Arc;
use throttle::{Throttle, ThrottlePolicy};
use tillit_store::Store;

/// What the application layer needs to be configured with.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub session_idle: chrono::Duration,
    pub session_absolute: chrono::Duration,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub throttle: ThrottlePolicy,
    /// The key that seals the organisations' signing keys (ADR 0011); none: no keys are made.
    pub signing_kek: Option<signing::Kek>,
    /// Whether an identity provider may be on this machine over plain HTTP (a test or demo
    /// provider). Off in production: an administrator must not make the server reach its own
    /// local services.
    pub sso_loopback: bool,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_idle: chrono::Duration::minutes(30),
            session_absolute: chrono::Duration::hours(12),
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            throttle: ThrottlePolicy::default(),
            signing_kek: None,
            sso_loopback: false,
        }
    }
}

/// The application: the store, the requirement library resolved at start, password hashing and
/// the sign-in throttle. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    /// Every version of the built-in requirement catalog, resolved at start.
    pub catalogs: Arc<Catalogs>,
    /// The outsourcing rule set, checked at start.
    pub rules: Arc<tillit_domain::outsourcing::RuleSet>,
    hashing: PasswordHashing,
    throttle: Arc<Throttle>,
    /// A hash to verify against when the account does not exist, so both cases take as long.
    dummy_hash: Arc<String>,
    config: Arc<AppConfig>,
    /// This process's name among the instances on one database.
    instance: Arc<String>,
    /// Files being read for import at once (each on a blocking thread).
    import_slots: Arc<tokio::sync::Semaphore>,
    /// One ranking computed at a time in this process.
    ranking_lock: Arc<tokio::sync::Mutex<()>>,
    /// National figures computed per authority and language, used until the authority's
    /// national-figures version or the day moves.
    pub(crate) national_cache: Arc<national::Cache>,
}

/// Today's date in Sweden (Europe/Stockholm), the day every "due", "overdue", "signed" and
/// "review" date is compared with — never the UTC date, which is yesterday's until 01:00 or
/// 02:00 Swedish time.
pub fn today_date() -> chrono::NaiveDate {
    tillit_domain::time::today()
}

/// [`today_date`] as YYYY-MM-DD.
pub fn today() -> String {
    today_date().to_string()
}

/// The Swedish day (YYYY-MM-DD) of a stored instant or date; a stamp taken at 23:30 UTC
/// belongs to the next day in Sweden. Empty when the value is neither.
pub fn day_of(stored: &str) -> String {
    tillit_domain::time::day_of(stored)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// How many import files are read at the same time.
pub const IMPORT_SLOTS: usize = 2;

impl App {
    pub fn new(store: Store, config: AppConfig) -> std::result::Result<App, String> {
        let hashing = PasswordHashing::new(config.argon2_memory_kib, config.argon2_iterations)?;
        let dummy_hash = hashing.hash_blocking("tillit-dummy-password-for-timing")?;
        Ok(App {
            store,
            catalogs: Arc::new(Catalogs::builtin()?),
            rules: Arc::new(outsourcing::builtin_rules()?),
            throttle: Arc::new(Throttle::new(config.throttle)),
            hashing,
            dummy_hash: Arc::new(dummy_hash),
            config: Arc::new(config),
            import_slots: Arc::new(tokio::sync::Semaphore::new(IMPORT_SLOTS)),
            ranking_lock: Arc::new(tokio::sync::Mutex::new(())),
            national_cache: Arc::new(national::Cache::default()),
            instance: Arc::new(uuid::Uuid::new_v4().simple().to_string()),
        })
    }

    /// Claims a run of a background task (the task and its time slot) for this instance: `true`
    /// for exactly one of the instances sharing the database.
    pub async fn claim_job_run(&self, job: &str, slot: &str) -> Result<bool> {
        Ok(self.store.claim_job_run(job, slot, &self.instance).await?)
    }

    /// A secret of the installation (the same for every instance and after restarts).
    pub async fn instance_secret(&self, name: &str) -> Result<String> {
        Ok(self.store.instance_secret(name).await?)
    }

    /// The catalog version the acting organisation works against.
    pub fn library(&self, who: &Acting) -> Arc<Library> {
        self.catalogs
            .for_org(&who.membership().catalog_version)
            .clone()
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    /// Ready means: the database answers and the schema is current.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.ready().await?)
    }
}

/// Every item of a paginated list, fetching 200 at a time.
pub(crate) async fn all_pages<T, Fut>(
    mut fetch: impl FnMut(tillit_domain::paging::PageRequest) -> Fut,
) -> Result<Vec<T>>
where
    Fut: std::future::Future<
        Output = std::result::Result<tillit_domain::paging::Page<T>, tillit_store::StoreError>,
    >,
{
    let mut out = Vec::new();
    for page in 1.. {
        let p = fetch(tillit_domain::paging::PageRequest {
            page,
            per_page: 200,
        })
        .await?;
        let more = p.has_next();
        out.extend(p.items);
        if !more {
            break;
        }
    }
    Ok(out)
}

/// Input about an object that may not be this organisation's: when the input is bad, the lookup
/// answers first, so another organisation's object is reported as not found (404), never as a
/// validation error (422). The lookup runs only on that path; a valid input goes to the store,
/// whose own lookup answers 404.
pub(crate) async fn valid_or_missing<X, T>(
    input: std::result::Result<X, tillit_domain::ValidationErrors>,
    lookup: impl std::future::Future<Output = std::result::Result<T, tillit_store::StoreError>>,
) -> Result<X> {
    match input {
        Ok(x) => Ok(x),
        Err(e) => {
            lookup.await?;
            Err(Error::Invalid(e))
        }
    }
}
