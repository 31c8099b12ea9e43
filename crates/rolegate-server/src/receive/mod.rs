//! Receive: the HTTP edge. Routes (`POST /` and `GET /` for the Query protocol, `GET /health`),
//! body-size limit and timeouts, and the hand-over of each request to the pipeline as plain
//! data (`Incoming`), so that nothing past this module knows about axum.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};
use axum::routing::get;
use rolegate_protocol::MAX_BODY_BYTES;
use rolegate_sigv4::HttpRequest;
use tower_http::timeout::TimeoutLayer;

use crate::pipeline;
use crate::state::AppState;

/// One request as the pipeline sees it.
#[derive(Debug)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub source_ip: String,
    pub user_agent: String,
}

impl Incoming {
    /// The sans-IO view SigV4 verification needs.
    pub fn sigv4_request<'a>(&'a self, headers: &'a [(&'a str, &'a str)]) -> HttpRequest<'a> {
        HttpRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers,
            body: &self.body,
        }
    }
}

/// The service's routes and layers.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/", get(api).post(api))
        // The pipeline answers 413 itself, as AWS does, for bodies over the Query limit.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES + 1))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

async fn health() -> &'static str {
    "ok"
}

async fn api(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let header_pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|v| (name.as_str().to_owned(), v.to_owned()))
        })
        .collect();
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let incoming = Incoming {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        headers: header_pairs,
        body,
        source_ip: peer.ip().to_string(),
        user_agent,
    };
    pipeline::handle(&state, incoming).await
}
