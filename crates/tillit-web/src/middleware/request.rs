//! The outermost of Tillit's own layers: gives the request an id, runs the rest of the request in
//! a `tracing` span that carries it (so every log line of the request names it), finds the
//! client's address, writes the request's log line and returns the id in `x-request-id`.

use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the outermost layer learned about the request.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub id: String,
    pub client_ip: IpAddr,
}

pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let client_ip = state.config.trusted_proxies.client(peer, req.headers());
    req.extensions_mut().insert(RequestMeta {
        id: id.clone(),
        client_ip,
    });
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let span = tracing::info_span!("request", id = %id);
    async move {
        let start = std::time::Instant::now();
        let mut res = next.run(req).await;
        let status = res.status().as_u16();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::error!(%method, %path, status, ms, client = %client_ip, "request");
        } else {
            tracing::info!(%method, %path, status, ms, "request");
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(REQUEST_ID_HEADER, v);
        }
        res
    }
    .instrument(span)
    .await
}
