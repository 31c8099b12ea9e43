//! Respond: the XML result or AWS's `ErrorResponse`, with `x-amzn-RequestId` and
//! `Content-Type: text/xml` as AWS sends them. Internal failures are logged here and reach
//! the client only as `InternalFailure`, never with their cause.

use std::fmt::Display;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use rolegate_protocol::{AwsError, Service};

/// Logs an internal failure and returns the wire error that hides it.
pub fn internal(error: &dyn Display) -> AwsError {
    tracing::error!(%error, "internal failure");
    AwsError::internal_failure()
}

/// `x-amzn-RequestId` (header names are case-insensitive; HTTP/1.1 writes them lower-case).
const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

fn with_headers(status: StatusCode, body: String, request_id: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID, value);
    }
    response
}

/// A successful action's XML document.
pub fn success(body: String, request_id: &str) -> Response<Body> {
    with_headers(StatusCode::OK, body, request_id)
}

/// An `ErrorResponse` in `service`'s namespace.
pub fn failure(error: &AwsError, service: Service, request_id: &str) -> Response<Body> {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = error.to_xml(service, request_id).unwrap_or_default();
    with_headers(status, body, request_id)
}
