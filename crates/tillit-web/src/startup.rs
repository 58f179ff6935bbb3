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
/// swept every ten minutes meanwhile.
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
            if let Err(e) = tillit_app::auth::sweep_sessions(&sweeper_app).await {
                tracing::warn!(error = %e, "session sweep failed");
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
            if let Err(e) = tillit_app::followup::snapshot_all(&snap_app).await {
                tracing::warn!(error = %e, "daily snapshot: listing organisations failed");
            }
        }
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let res = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    sweeper.abort();
    snapshots.abort();
    res
}
