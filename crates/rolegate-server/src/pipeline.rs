//! The spine of the server: one Query-protocol request, top to bottom.
//!
//! receive → authenticate → dispatch → authorize → act → audit → respond
//!
//! Authorization happens inside each action (through `Ctx::authorize`) because the resource a
//! permission names is only known once the action has parsed its parameters; AssumeRole adds
//! its trust-policy decision there too. Every call is audited, whatever its outcome.

use axum::body::Body;
use axum::http::Response;
use rolegate_protocol::{AwsError, QueryRequest, Service};
use time::OffsetDateTime;

use crate::actions::Ctx;
use crate::audit::{self, Call};
use crate::authenticate::{self, Authenticated};
use crate::authorize::RequestFacts;
use crate::dispatch;
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
            return respond::failure(&e.to_aws_error(Service::Sts), Service::Sts, &request_id);
        }
    };
    let guessed = dispatch::guess_service(query.action(), query.version());
    let parameters: Vec<(&str, &str)> = query.iter().collect();
    let mut call = Call {
        request_id: &request_id,
        event_time: now,
        service: guessed,
        action: query.action().unwrap_or_default(),
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
    let operation = match dispatch::route(service, query.action(), query.version()) {
        Ok(operation) => operation,
        Err(error) => {
            call.error = Some(&error);
            state.audit.record(audit::event(&call)).await;
            return respond::failure(&error, service, &request_id);
        }
    };

    // Authorize and act: the operation checks its permissions, then does its work.
    let mut ctx = Ctx {
        state,
        caller: &caller,
        facts: RequestFacts {
            now,
            source_ip: incoming.source_ip.clone(),
            region: region.clone(),
            secure_transport: false,
        },
        request_id: &request_id,
        action: operation.name(),
        service,
        decisions: Vec::new(),
        response_elements: None,
    };
    let outcome: Result<String, AwsError> = operation.run(&mut ctx, query.params()).await;

    // Audit: one event, allowed or denied.
    call.decisions = &ctx.decisions;
    call.response_elements = ctx.response_elements.take();
    call.error = outcome.as_ref().err();
    state.audit.record(audit::event(&call)).await;

    // Respond.
    match outcome {
        Ok(body) => respond::success(body, &request_id),
        Err(error) => respond::failure(&error, service, &request_id),
    }
}
