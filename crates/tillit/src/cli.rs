//! The command line.

use crate::config::{self, Overrides, Settings};
use crate::demo;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tillit_app::security::{initial_password, PasswordHashing};
use tillit_domain::org::{parse_org_name, OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::{check_new_password, parse_display_name, Email};
use tillit_domain::{ValidationError, ValidationErrors};
use tillit_store::{Actor, ChainReport, Store, StoreError};
use tillit_web::i18n::{I18n, Locale, Tr};
use tillit_web::AppState;
use tokio::net::TcpListener;

#[derive(Parser, Debug)]
#[command(
    name = "tillit",
    version,
    about = "Tillit: systematic, risk-based protection of personal data in Swedish health and social care"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Directory for the embedded SQLite database and other data.
    #[arg(long, global = true, env = "TILLIT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Overrides --data-dir's database.
    #[arg(long, global = true, env = "TILLIT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file (TOML).
    #[arg(long, global = true, env = "TILLIT_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen address is logged).
    #[arg(long, env = "TILLIT_BIND")]
    pub bind: Option<String>,
    /// Mark cookies Secure and send HSTS (set when Tillit is reached over HTTPS).
    #[arg(long, env = "TILLIT_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Log format: text or json.
    #[arg(long, env = "TILLIT_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Reverse proxies whose X-Forwarded-For names the client: addresses or networks,
    /// comma-separated (e.g. 10.0.0.0/8,::1). Without it the connection's address is used.
    #[arg(long, env = "TILLIT_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve Tillit (web pages and API).
    Serve(ServeArgs),
    /// Serve Tillit with demo data (made on first run, kept after); prints the logins.
    Demo(ServeArgs),
    /// Platform administration: organisations, users, memberships.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// OSCAL catalogs and profiles: resolve, validate, convert files; import one into an
    /// organisation as an additional library.
    #[command(subcommand)]
    Oscal(crate::oscal::OscalCommand),
    /// Signed submissions to the supervising authorities (works on files; no database).
    #[command(subcommand)]
    Submission(SubmissionCommand),
    /// A consistent online copy of the SQLite database (for PostgreSQL use pg_dump).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum SubmissionCommand {
    /// Checks a downloaded submission offline: its content against its SHA-256 and its Ed25519
    /// signature, and with --public-key that the organisation's published key signed it.
    /// Exit 0 when it holds, 2 with the reason when it does not.
    Verify {
        file: PathBuf,
        /// The public key the organisation publishes (hex), to pin the signer.
        #[arg(long)]
        public_key: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an organisation.
    CreateOrg {
        #[arg(long)]
        name: String,
        /// Organisationsnummer, NNNNNN-NNNN.
        #[arg(long)]
        org_number: String,
        /// region, municipality, private_provider or authority.
        #[arg(long)]
        kind: String,
    },
    /// List organisations.
    ListOrgs,
    /// Create a user. Without --password-stdin a one-time password is printed, to be changed at first sign-in.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user a role in an organisation.
    AddMember {
        #[arg(long)]
        email: String,
        #[arg(long)]
        org_number: String,
        #[arg(long)]
        role: String,
    },
    /// Reset a user's password to a printed one-time password; the user's sessions end.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Let an organisation's members sign in with a password again: the way back when its
    /// identity provider no longer works and passwords were switched off (ADR 0016).
    AllowPasswords {
        /// Organisationsnummer, NNNNNN-NNNN.
        #[arg(long)]
        org_number: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the whole hash chain and report the first broken link; with `--checkpoints`, also
    /// check that the chain still extends every signed checkpoint.
    Verify {
        /// A checkpoint file (JSON lines) to check the chain against.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// The checkpoint signer's public key (hex); default: the configured key file's.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Write a signed checkpoint of the chain's head now (also done every ten minutes while
    /// serving, and at shutdown); prints it and the public key to verify it with.
    Checkpoint,
}

fn load_settings(db: &DbArgs, serve: Option<&ServeArgs>) -> Result<Settings, String> {
    let file = match &db.config {
        Some(p) => config::read_file(p)?,
        None => config::FileConfig::default(),
    };
    config::settings(
        file,
        Overrides {
            bind: serve.and_then(|s| s.bind.as_deref()),
            data_dir: db.data_dir.as_deref(),
            database_url: db.database_url.as_deref(),
            secure_cookies: serve.and_then(|s| s.secure_cookies),
            log_format: serve.and_then(|s| s.log_format.as_deref()),
            trusted_proxies: serve.and_then(|s| s.trusted_proxies.as_deref()),
        },
    )
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TILLIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Colours only where a person reads the log; a file or a log collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub async fn open_store(s: &Settings) -> Result<Store, String> {
    if s.database_url.starts_with("sqlite:")
        && s.database_url.contains(&s.data_dir.display().to_string())
    {
        std::fs::create_dir_all(&s.data_dir)
            .map_err(|e| format!("{}: {e}", s.data_dir.display()))?;
    }
    let store = Store::connect(&s.database_url)
        .await
        .map_err(|e| e.to_string())?;
    store
        .migrate()
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(store)
}

fn english() -> Result<Tr, String> {
    Ok(Tr::new(Arc::new(I18n::new()?), Locale::En))
}

/// A validation error as one line an operator can act on.
fn explain(v: &ValidationErrors) -> String {
    match english() {
        Ok(tr) => {
            v.0.iter()
                .map(|e| format!("{}: {}", e.field, tr.rule(e)))
                .collect::<Vec<_>>()
                .join("; ")
        }
        Err(_) => v.to_string(),
    }
}

fn store_err(e: StoreError) -> String {
    match e {
        StoreError::Invalid(v) => explain(&v),
        StoreError::NotFound => "not found".into(),
        other => other.to_string(),
    }
}

fn invalid(e: ValidationError) -> String {
    explain(&ValidationErrors::from(e))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn serve(
    settings: Settings,
    store: Store,
    banner: Option<String>,
) -> Result<ExitCode, String> {
    let listener = TcpListener::bind(&settings.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // Healing the kept facts is a repair, not a condition of serving: a busy database at start
    // is logged, and the facts heal at the next start (the code keeps them current meanwhile).
    if let Err(e) = store.heal().await {
        tracing::warn!(error = %e, "healing the kept facts at start failed");
    }
    // The key that seals the organisations' signing keys (ADR 0011), kept beside the data.
    let mut web = settings.web.clone();
    // The demo may use a test identity provider on this machine (`TILLIT_DEMO_OIDC_ISSUER`).
    if banner.is_some() {
        web.sso_loopback = true;
        // The demo shows the design system to developers at /design.
        web.design_page = true;
    }
    let kek = crate::checkpoints::load_or_create_key(&settings.signing_key_file)?;
    web.signing_kek = Some(tillit_app::signing::Kek(kek.to_bytes()));
    let app = tillit_app::App::new(store.clone(), AppState::app_config(&web))?;
    match tillit_app::signing::ensure_all(&app).await {
        Ok(n) => {
            tracing::info!(organisations = n, key_file = %settings.signing_key_file.display(), "signing keys")
        }
        Err(e) => tracing::warn!(error = %e, "giving the organisations their signing keys failed"),
    }
    // The demo (the only caller with a banner) seeds its authority side here: the submissions
    // must be signed with the keys just ensured.
    if banner.is_some() {
        crate::demo_authority::seed(&app).await?;
        crate::demo_authority::seed_cases(&app, &store).await?;
        crate::demo_authority::seed_sign_in(&app).await?;
        crate::demo::seed_history(&app, &store).await?;
    }
    let state = AppState::new(app, web)?;
    // Signed checkpoints of the audit chain: at start, every ten minutes, and at shutdown.
    let key = crate::checkpoints::load_or_create_key(&settings.checkpoint_key_file)?;
    tracing::info!(
        key_file = %settings.checkpoint_key_file.display(),
        checkpoints = %settings.checkpoint_file.display(),
        public_key = %crate::checkpoints::public_key_hex(&key),
        "audit checkpoints"
    );
    let checkpointing = {
        let (store, key, file) = (store.clone(), key.clone(), settings.checkpoint_file.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
            loop {
                tick.tick().await;
                if let Err(e) = crate::checkpoints::write(&store, &key, &file).await {
                    tracing::warn!(error = %e, "audit checkpoint failed");
                }
            }
        })
    };
    tracing::info!(address = %addr, backend = store.backend().name(), "listening");
    println!("Tillit listening on http://{addr}");
    if let Some(b) = banner {
        println!("{}", b.replace("{url}", &format!("http://{addr}")));
    }
    tillit_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    checkpointing.abort();
    if let Err(e) = crate::checkpoints::write(&store, &key, &settings.checkpoint_file).await {
        tracing::warn!(error = %e, "audit checkpoint at shutdown failed");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

pub async fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Serve(args) => {
            let settings = load_settings(&cli.db, Some(&args))?;
            init_logging(settings.log_json);
            let store = open_store(&settings).await?;
            serve(settings, store, None).await
        }
        Command::Demo(args) => {
            let settings = load_settings(&cli.db, Some(&args))?;
            init_logging(settings.log_json);
            let store = open_store(&settings).await?;
            let hashing = PasswordHashing::new(
                settings.web.argon2_memory_kib,
                settings.web.argon2_iterations,
            )?;
            demo::seed(&store, &hashing).await.map_err(store_err)?;
            serve(settings, store, Some(demo::banner())).await
        }
        Command::Admin(cmd) => {
            let settings = load_settings(&cli.db, None)?;
            let store = open_store(&settings).await?;
            let hashing = PasswordHashing::new(
                settings.web.argon2_memory_kib,
                settings.web.argon2_iterations,
            )?;
            admin(cmd, &store, &hashing).await
        }
        Command::Audit(AuditCommand::Verify {
            checkpoints,
            public_key,
        }) => {
            let settings = load_settings(&cli.db, None)?;
            let store = open_store(&settings).await?;
            match store.verify_audit_chain().await.map_err(store_err)? {
                ChainReport::Intact { events } => {
                    println!("audit chain intact: {events} events verified");
                }
                ChainReport::Broken(b) => {
                    println!("audit chain BROKEN: {b}");
                    if let Some(id) = b.event_id() {
                        println!("first broken event: {id}");
                    }
                    return Ok(ExitCode::from(2));
                }
            }
            let Some(file) = checkpoints else {
                return Ok(ExitCode::SUCCESS);
            };
            let public = match public_key {
                Some(k) => crate::checkpoints::parse_public_key(&k)?,
                None => {
                    crate::checkpoints::load_key(&settings.checkpoint_key_file)?.verifying_key()
                }
            };
            match crate::checkpoints::verify(&store, &file, &public).await? {
                Ok(n) => {
                    println!("the chain extends all {n} signed checkpoints");
                    Ok(ExitCode::SUCCESS)
                }
                Err(f) => {
                    println!("audit chain does NOT extend its checkpoints: {f}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            let settings = load_settings(&cli.db, None)?;
            let store = open_store(&settings).await?;
            let key = crate::checkpoints::load_or_create_key(&settings.checkpoint_key_file)?;
            match crate::checkpoints::write(&store, &key, &settings.checkpoint_file).await? {
                Some(c) => println!(
                    "checkpoint at event {} written to {}",
                    c.seq,
                    settings.checkpoint_file.display()
                ),
                None => println!("the chain has not moved since the last checkpoint"),
            }
            println!("public key: {}", crate::checkpoints::public_key_hex(&key));
            Ok(ExitCode::SUCCESS)
        }
        Command::Oscal(crate::oscal::OscalCommand::Import {
            catalog,
            profile,
            org,
            member,
        }) => {
            let settings = load_settings(&cli.db, None)?;
            let store = open_store(&settings).await?;
            let app = tillit_app::App::new(store, AppState::app_config(&settings.web))?;
            let who = tillit_app::auth::acting_as_member(&app, &member, &org)
                .await
                .map_err(|e| match e {
                    tillit_app::Error::NotFound => {
                        format!("no member {member} in the organisation {org}")
                    }
                    tillit_app::Error::Invalid(v) => explain(&v),
                    other => other.to_string(),
                })?;
            let read = |p: &std::path::Path| -> Result<tillit_app::oscal::Upload, String> {
                Ok(tillit_app::oscal::Upload {
                    name: p.display().to_string(),
                    bytes: std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?,
                })
            };
            let catalog = read(&catalog)?;
            let profile = profile.as_deref().map(read).transpose()?;
            let lib = tillit_app::oscal::import_library(&app, &who, catalog, profile)
                .await
                .map_err(|e| match e {
                    tillit_app::Error::Invalid(v) => explain(&v),
                    tillit_app::Error::Forbidden => {
                        format!("{member} may not manage the organisation's catalogs")
                    }
                    other => other.to_string(),
                })?;
            println!(
                "imported {} {} ({} controls) as library {}",
                lib.title, lib.version, lib.control_count, lib.id
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Oscal(cmd) => crate::oscal::run(cmd),
        Command::Submission(SubmissionCommand::Verify { file, public_key }) => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            match tillit_domain::submission::verify(&text, public_key.as_deref()) {
                Ok(v) => {
                    println!("valid: SHA-256 {}", v.sha256);
                    println!("signed with key {} ({})", v.key_id, v.public_key);
                    if public_key.is_none() {
                        println!("the signer is not pinned: compare the key with the one the organisation publishes, or pass --public-key");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("NOT VALID: {e}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Backup { to } => {
            let settings = load_settings(&cli.db, None)?;
            let store = open_store(&settings).await?;
            store.backup_to(&to).await.map_err(store_err)?;
            println!("backup written to {}", to.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn admin(
    cmd: AdminCommand,
    store: &Store,
    hashing: &PasswordHashing,
) -> Result<ExitCode, String> {
    let actor = Actor::operator();
    match cmd {
        AdminCommand::CreateOrg {
            name,
            org_number,
            kind,
        } => {
            let mut errs = ValidationErrors::new();
            let name = errs.check(parse_org_name("name", &name));
            let number = errs.check(OrgNumber::parse("org_number", &org_number));
            let kind = errs.check(OrgKind::parse("kind", &kind));
            let (Some(name), Some(number), Some(kind)) = (name, number, kind) else {
                return Err(explain(&errs));
            };
            let org = store
                .create_organisation(&actor, &name, &number, kind, tillit_app::library::LATEST)
                .await
                .map_err(store_err)?;
            println!(
                "created organisation {} ({}) id {}",
                org.name, org.org_number, org.id
            );
        }
        AdminCommand::ListOrgs => {
            for o in store.list_organisations().await.map_err(store_err)? {
                println!("{}\t{}\t{}\t{}", o.org_number, o.kind.key(), o.name, o.id);
            }
        }
        AdminCommand::CreateUser {
            email,
            name,
            password_stdin,
        } => {
            let email = Email::parse("email", &email).map_err(invalid)?;
            let name = parse_display_name("name", &name).map_err(invalid)?;
            let (password, must_change) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| e.to_string())?;
                let p = line.trim_end_matches(['\n', '\r']).to_string();
                check_new_password("password", &p, email.as_str()).map_err(invalid)?;
                (p, false)
            } else {
                (initial_password(), true)
            };
            let hash = hashing.hash(password.clone()).await?;
            let user = store
                .create_user(&actor, &email, &name, &hash, must_change)
                .await
                .map_err(store_err)?;
            println!("created user {} id {}", user.email, user.id);
            if must_change {
                println!("one-time password (must be changed at first sign-in): {password}");
            }
        }
        AdminCommand::AddMember {
            email,
            org_number,
            role,
        } => {
            let number = OrgNumber::parse("org_number", &org_number).map_err(invalid)?;
            let (tenant, org) = store.operator_tenant(&number).await.map_err(|e| match e {
                StoreError::NotFound => {
                    format!("org_number: no organisation has the number {number}")
                }
                other => store_err(other),
            })?;
            let role = Role::parse_for("role", &role, org.kind).map_err(invalid)?;
            let user = store
                .user_by_email(&email)
                .await
                .map_err(store_err)?
                .ok_or_else(|| format!("email: no user has the address {email}"))?;
            let m = store
                .add_member(&tenant, &actor, &user.user.id, role)
                .await
                .map_err(store_err)?;
            println!(
                "{} is now {} in {} (membership {})",
                m.email,
                role.key(),
                org.name,
                m.id
            );
        }
        AdminCommand::ResetPassword { email } => {
            let user = store
                .user_by_email(&email)
                .await
                .map_err(store_err)?
                .ok_or_else(|| format!("email: no user has the address {email}"))?;
            let password = initial_password();
            let hash = hashing.hash(password.clone()).await?;
            store
                .set_password(&actor, &user.user.id, &hash, true, None)
                .await
                .map_err(store_err)?;
            println!(
                "password reset for {}; their sessions have ended and their API tokens are revoked",
                user.user.email
            );
            println!("one-time password (must be changed at first sign-in): {password}");
        }
        AdminCommand::AllowPasswords { org_number } => {
            let number = OrgNumber::parse("org_number", &org_number).map_err(invalid)?;
            let (tenant, org) = store.operator_tenant(&number).await.map_err(|e| match e {
                StoreError::NotFound => {
                    format!("org_number: no organisation has the number {number}")
                }
                other => store_err(other),
            })?;
            if store.password_sign_in(&tenant).await.map_err(store_err)? {
                println!("{} already accepts password sign-in", org.name);
            } else {
                store
                    .set_password_sign_in(&tenant, &actor, true)
                    .await
                    .map_err(store_err)?;
                println!(
                    "{} accepts password sign-in again; members without a password can have one set with reset-password",
                    org.name
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
