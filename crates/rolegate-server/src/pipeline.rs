//! The spine of the server: one Query-protocol request, top to bottom.
//!
//! receive → authenticate → dispatch → run the operation (parse, authorize, act) → audit →
//! respond
//!
//! Authorization happens inside each operation (through `Ctx::authorize`) because the resource
//! a permission names is only known once the operation has parsed its input and found the
//! entity; AssumeRole adds its trust-policy decision there too. Every call is audited, whatever
//! its outcome, a request that cannot even be read included.

use axum::body::Body;
use axum::http::Response;
use rolegate_protocol::{AwsError, QueryRequest, Service};
use rolegate_types::Partition;
use time::OffsetDateTime;

use crate::audit::{self, Call};
use crate::authenticate::{self, Authenticated};
use crate::authorize::RequestFacts;
use crate::dispatch;
use crate::operation::Ctx;
use crate::receive::Incoming;
use crate::respond;
use crate::state::AppState;

/// Handles one API request.
pub async fn handle(state: &AppState, incoming: Incoming<'_>) -> Response<Body> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let now = OffsetDateTime::now_utc() + state.clock_offset;

    // Receive: decode the form body and query string.
    let query = match QueryRequest::parse(incoming.body, incoming.query) {
        Ok(query) => query,
        Err(e) => {
            let error = e.to_aws_error(Service::Sts);
            return refuse(state, &incoming, &request_id, now, error).await;
        }
    };
    let guessed = dispatch::guess_service(query.action(), query.version());
    let parameters: Vec<(&str, &str)> = query.iter().collect();
    let mut call = Call {
        request_id: &request_id,
        event_time: now,
        service: guessed,
        action: query.action().unwrap_or_default(),
        read_only: false,
        region: &state.region,
        source_ip: &incoming.source_ip,
        user_agent: incoming.user_agent,
        caller: None,
        parameters,
        response_elements: None,
        decisions: &[],
        error: None,
    };

    // Authenticate: SigV4 → the caller.
    let http = incoming.sigv4_request();
    let Authenticated {
        caller,
        service,
        region,
    } = match authenticate::authenticate(state, &http, now).await {
        Ok(authenticated) => authenticated,
        Err(error) => {
            call.error = Some(&error);
            state.audit.record(audit::event(&call)).await;
            return respond::failure(&error, guessed, &request_id);
        }
    };
    call.service = service;
    call.caller = Some(&caller);
    call.region = &region;

    // Dispatch: Action + Version → operation.
    let route = match dispatch::route_for(service, query.action(), query.version()) {
        Ok(route) => route,
        Err(error) => {
            call.error = Some(&error);
            state.audit.record(audit::event(&call)).await;
            return respond::failure(&error, service, &request_id);
        }
    };
    call.read_only = route.read_only;

    // Run: the operation parses its input, checks its permissions and does its work.
    let mut ctx = Ctx {
        state,
        caller: &caller,
        facts: RequestFacts {
            now,
            source_ip: incoming.source_ip.clone(),
            partition: Partition::of_region(&region),
            region: region.clone(),
            secure_transport: false,
        },
        request_id: &request_id,
        decisions: Vec::new(),
    };
    let outcome = (route.handler)(&mut ctx, query.params())
        .await
        .map_err(|e| e.into_aws(service));

    // Audit: one event, allowed or denied.
    call.decisions = &ctx.decisions;
    let (body, error) = match outcome {
        Ok(reply) => {
            call.response_elements = reply.elements;
            (Some(reply.body), None)
        }
        Err(error) => (None, Some(error)),
    };
    call.error = error.as_ref();
    state.audit.record(audit::event(&call)).await;

    // Respond.
    match (body, &error) {
        (Some(body), _) => respond::success(body, &request_id),
        (None, Some(error)) => respond::failure(error, service, &request_id),
        (None, None) => respond::failure(&AwsError::internal_failure(), service, &request_id),
    }
}

/// Answers a request that could not be read (a malformed form, a body over the limit) with
/// `error`, and audits it: nobody authenticated, nothing dispatched.
pub async fn refuse(
    state: &AppState,
    incoming: &Incoming<'_>,
    request_id: &str,
    now: OffsetDateTime,
    error: AwsError,
) -> Response<Body> {
    let call = Call {
        request_id,
        event_time: now,
        service: Service::Sts,
        action: "",
        read_only: false,
        region: &state.region,
        source_ip: &incoming.source_ip,
        user_agent: incoming.user_agent,
        caller: None,
        parameters: Vec::new(),
        response_elements: None,
        decisions: &[],
        error: Some(&error),
    };
    state.audit.record(audit::event(&call)).await;
    respond::failure(&error, Service::Sts, request_id)
}
