//! Receive: the HTTP edge. Routes (`POST /` and `GET /` for the Query protocol, `GET /health`),
//! body-size limit and timeouts, and the hand-over of each request to the pipeline as plain
//! data (`Incoming`), so that nothing past this module knows about axum.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, State};
use axum::http::{Request, Response, StatusCode};
use axum::routing::get;
use rolegate_protocol::{AwsError, MAX_BODY_BYTES};
use rolegate_sigv4::HttpRequest;
use tower::ServiceBuilder;

use crate::pipeline;
use crate::state::AppState;

/// One request as the pipeline sees it, borrowed from axum's request parts.
#[derive(Debug)]
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// The headers whose values are text (SigV4 signs no other kind).
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: &'a [u8],
    pub source_ip: String,
    pub user_agent: &'a str,
}

impl Incoming<'_> {
    /// The sans-IO view SigV4 verification needs.
    pub fn sigv4_request(&self) -> HttpRequest<'_> {
        HttpRequest {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: &self.headers,
            body: self.body,
        }
    }
}

/// The service's routes and layers.
pub fn router(state: Arc<AppState>) -> Router {
    let routes = Router::new()
        .route("/health", get(health))
        .route("/", get(api).post(api))
        .with_state(state);
    with_deadline(routes, REQUEST_TIMEOUT)
}

/// Answers 408 to a request (its body included) not answered within `limit`. tower's timeout
/// polls the request before its timer, so a request answered at its first poll (AssumeRole,
/// GetCallerIdentity) never arms one: arming it woke the runtime's I/O driver once per request.
fn with_deadline(routes: Router, limit: Duration) -> Router {
    routes.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(timed_out))
            .timeout(limit),
    )
}

/// How long a request may take before it is answered 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The only error the layers below `HandleErrorLayer` produce: the deadline passed.
async fn timed_out(_: tower::BoxError) -> StatusCode {
    StatusCode::REQUEST_TIMEOUT
}

async fn health() -> &'static str {
    "ok"
}

/// The Query-protocol endpoint. Takes the request whole: axum's `HeaderMap` extractor would
/// clone every header.
async fn api(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    // One byte over the limit is read whole, and the pipeline answers it as AWS does (413, no
    // body); so is a longer one, here. (A body that fails to arrive for any other reason means
    // the client is gone, and no answer will be read.)
    let read = axum::body::to_bytes(body, MAX_BODY_BYTES + 1).await;
    let headers = &parts.headers;
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect(),
        body: read.as_deref().unwrap_or_default(),
        source_ip: address_text(peer.ip()),
        user_agent: headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
    };
    if read.is_err() {
        let request_id = uuid::Uuid::new_v4().to_string();
        let now = time::OffsetDateTime::now_utc() + state.clock_offset;
        let error = AwsError::request_entity_too_large();
        return pipeline::refuse(&state, &incoming, &request_id, now, error).await;
    }
    // Boxed: the pipeline's future is several kilobytes, and every layer above (routing, the
    // timeout, the connection) would otherwise hold it inline and move it on each hand-over.
    Box::pin(pipeline::handle(&state, incoming)).await
}

/// The peer's address as text. IPv4, the usual case, is written with `itoa`: `to_string` went
/// through the formatting machinery and regrew its string on every request.
fn address_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let mut out = String::with_capacity(15);
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(itoa::Buffer::new().format(octet));
            }
            out
        }
        IpAddr::V6(v6) => v6.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;
    use tower::ServiceExt as _;

    use super::*;

    #[test]
    fn addresses_are_written_as_std_writes_them() {
        for text in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "10.20.3.45",
            "::1",
            "2001:db8::7",
        ] {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(address_text(ip), ip.to_string());
        }
    }

    /// The status `routes` answers `path` with; fails rather than hangs if there is none.
    async fn answer(routes: Router, path: &str) -> StatusCode {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = tokio::time::timeout(Duration::from_secs(5), routes.oneshot(request));
        response.await.expect("no answer").unwrap().status()
    }

    #[tokio::test]
    async fn a_request_past_its_deadline_is_answered_408() {
        let routes = Router::new()
            .route("/slow", get(std::future::pending::<&'static str>))
            .route("/fast", get(health));
        let routes = with_deadline(routes, Duration::from_millis(20));
        assert_eq!(
            answer(routes.clone(), "/slow").await,
            StatusCode::REQUEST_TIMEOUT
        );
        assert_eq!(answer(routes, "/fast").await, StatusCode::OK);
    }
}
