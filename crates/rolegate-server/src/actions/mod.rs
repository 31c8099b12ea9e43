//! Act: one file per action (or per small family of actions), each parsing its typed request
//! from the Query parameters, checking its permission through [`Ctx::authorize`], doing its
//! work, and writing its XML result.

pub mod iam;
pub mod sts;

use rolegate_protocol::{AwsError, Service, XmlResponse, XmlWriter};
use serde::Serialize;

use crate::audit::ResponseElements;
use crate::authenticate::Caller;
use crate::authorize::{self, DecisionRecord, RequestFacts};
use crate::state::AppState;

/// What an action sees of its request.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub caller: &'a Caller,
    pub facts: RequestFacts,
    pub request_id: &'a str,
    pub action: &'static str,
    pub service: Service,
    /// Every decision taken for this call, for the audit log.
    pub decisions: Vec<DecisionRecord>,
    /// What the audit log shows of the result (never secrets).
    pub response_elements: Option<ResponseElements>,
}

impl Ctx<'_> {
    /// Requires an identity-based permission for `action` on `resource`.
    pub fn authorize(&mut self, action: &str, resource: &str) -> Result<(), AwsError> {
        let (record, result) = authorize::require(self.caller, &self.facts, action, resource);
        self.decisions.push(record);
        result
    }

    /// Records what the audit log shows of the result (never secrets).
    pub fn audit_response(&mut self, elements: &impl Serialize) {
        self.response_elements = serde_json::value::to_raw_value(elements).ok();
    }

    /// A response with a result element written by `write`.
    pub fn respond(&self, write: impl FnOnce(&mut XmlWriter)) -> Result<String, AwsError> {
        let mut response = XmlResponse::new(self.action, self.service);
        write(response.writer());
        response
            .finish(self.request_id)
            .map_err(|e| crate::respond::internal(&e))
    }

    /// A response with no result element (IAM actions without output).
    pub fn respond_empty(&self) -> Result<String, AwsError> {
        XmlResponse::without_result(self.action, self.service)
            .finish(self.request_id)
            .map_err(|e| crate::respond::internal(&e))
    }

    /// The account the caller acts in (IAM actions operate on the caller's own account).
    pub fn account_id(&self) -> &str {
        &self.caller.account.id
    }
}
