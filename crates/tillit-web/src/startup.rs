//! Building the application: configuration, routes, middleware, and serving with graceful shutdown.

use crate::middleware::client::TrustedProxies;
use crate::state::AppState;
use crate::{api, middleware, pages, static_files};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tillit_app::throttle::ThrottlePolicy;
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Cookies marked Secure (and HSTS sent): set when Tillit is reached over HTTPS.
    pub secure_cookies: bool,
    pub session_idle: chrono::Duration,
    pub session_absolute: chrono::Duration,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub throttle: ThrottlePolicy,
    /// Proxies whose `X-Forwarded-For` names the client (none: the connection's address is used).
    pub trusted_proxies: TrustedProxies,
    /// How long a request may take before it is answered with 503 and dropped.
    pub request_timeout: Duration,
    /// How long a client may take to send a request's headers (and may stay idle between
    /// requests) before the connection is closed.
    pub header_read_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
    /// SMTP for e-mail reminders of incident deadlines; none: e-mail is off.
    pub mail: Option<tillit_app::reminders::MailConfig>,
    /// The key that seals the organisations' signing keys (ADR 0011); none: no keys are made.
    pub signing_kek: Option<tillit_app::signing::Kek>,
    /// The address Tillit is reached at (`https://tillit.region.example`): the single sign-on
    /// callback is made from it. None: from the request's `Host`.
    pub public_url: Option<String>,
    /// Whether an identity provider may be on this machine over plain HTTP (tests, the demo).
    pub sso_loopback: bool,
    /// Whether `/design` (the design system, for developers) is served; off in production.
    pub design_page: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: chrono::Duration::minutes(30),
            session_absolute: chrono::Duration::hours(12),
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            throttle: ThrottlePolicy::default(),
            trusted_proxies: TrustedProxies::default(),
            request_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            mail: None,
            signing_kek: None,
            public_url: None,
            sso_loopback: false,
            design_page: false,
        }
    }
}

async fn healthz() -> impl IntoResponse {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.ready().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
        }
    }
}

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/static/{name}", get(static_files::serve_static))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/lang", post(crate::auth::pages::switch_language))
        .fallback(pages::not_found);
    middleware::stack(routes, &state).with_state(state)
}

/// Serves until `shutdown` completes, then lets requests in flight finish. Expired sessions are
/// swept every ten minutes and snapshots taken every hour meanwhile — by one of the instances
/// sharing the database, each run claimed in the database.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper_app = state.app.clone();
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            // One instance sweeps each ten-minute slot.
            let now = chrono::Utc::now();
            let slot = format!(
                "{}{}0",
                now.format("%Y-%m-%dT%H:"),
                chrono::Timelike::minute(&now) / 10
            );
            match sweeper_app.claim_job_run("session-sweep", &slot).await {
                Ok(true) => {
                    if let Err(e) = tillit_app::auth::sweep_sessions(&sweeper_app).await {
                        tracing::warn!(error = %e, "session sweep failed");
                    }
                    // Sign-ins through identity providers started over an hour ago.
                    if let Err(e) = tillit_app::sso::sweep_sign_ins(&sweeper_app).await {
                        tracing::warn!(error = %e, "single sign-on sweep failed");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "session sweep: claiming the run failed"),
            }
        }
    });
    // Daily snapshots of every care provider's key figures, for the follow-up trend: taken at start
    // and every hour (a day's snapshot is replaced while the day lasts, so it ends as the day's).
    let snap_app = state.app.clone();
    let snapshots = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            // One instance takes each hour's snapshots.
            let slot = chrono::Utc::now().format("%Y-%m-%dT%H").to_string();
            match snap_app.claim_job_run("daily-snapshot", &slot).await {
                Ok(true) => {
                    if let Err(e) = tillit_app::followup::snapshot_all(&snap_app).await {
                        tracing::warn!(error = %e, "daily snapshot: listing organisations failed");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "daily snapshot: claiming the run failed"),
            }
        }
    });
    // E-mail reminders of incident deadlines, when SMTP is configured.
    let reminders = state
        .config
        .mail
        .clone()
        .and_then(|c| crate::incidents::reminders::spawn(state.clone(), c));
    let limits = ConnectionLimits::from(state.config.as_ref());
    let res = serve_connections(listener, router(state), shutdown, limits).await;
    sweeper.abort();
    snapshots.abort();
    if let Some(r) = reminders {
        r.abort();
    }
    res
}

/// What a connection may take: its request headers must arrive within `header_read_timeout`
/// (which also closes a connection left idle between requests), and at most `max_connections`
/// are served at once — further clients wait in the listen queue.
#[derive(Debug, Clone, Copy)]
struct ConnectionLimits {
    header_read_timeout: Duration,
    max_connections: usize,
    /// How long requests in flight may take to finish at shutdown.
    drain: Duration,
}

impl From<&WebConfig> for ConnectionLimits {
    fn from(c: &WebConfig) -> Self {
        ConnectionLimits {
            header_read_timeout: c.header_read_timeout,
            max_connections: c.max_connections,
            drain: c.request_timeout,
        }
    }
}

/// Accepts connections and serves each with hyper, within the limits, until `shutdown`
/// completes; then stops accepting and lets the requests in flight finish.
async fn serve_connections(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower_service::Service;

    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    // HTTP/1.1 only: Tillit is reached over HTTP/1.1 (a TLS-terminating proxy in front speaks
    // HTTP/2 to browsers), and detecting the version would wait on a silent connection.
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = match make_service.call(peer).await {
            Ok(s) => s,
            Err(never) => match never {},
        };
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were stopped");
    }
    Ok(())
}
