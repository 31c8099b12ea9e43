//! The unit every action is: an [`Operation`] parses its typed input from the Query parameters,
//! runs (authorizing through [`Ctx::authorize`] and acting on the store in its transactions),
//! and returns a typed [`Output`] that is written both as AWS's XML and as the audit event's
//! `responseElements` from its one [`Shape`]. [`run`] is the one generic pipeline step that
//! does this for every operation; the dispatch table holds a [`Route`] per action.

use std::future::Future;
use std::pin::Pin;

use rolegate_policy::Decision;
use rolegate_protocol::{
    AwsError, IntRule, Pattern, QueryMap, Service, Shape, StringRule, Tag, Validator, XmlResponse,
    model,
};
use rolegate_store::Store;

use crate::audit::{self, ResponseElements};
use crate::authenticate::Caller;
use crate::authorize::{self, DecisionRecord, RequestFacts, Resource};
use crate::error::{Error, texts};
use crate::state::AppState;

/// One action.
pub trait Operation: Sized + Send {
    /// The action name (`CreateGroup`).
    const NAME: &'static str;
    /// The service that answers it.
    const SERVICE: Service;
    /// CloudTrail's `readOnly`: reads record no `responseElements`.
    const READ_ONLY: bool = false;
    type Output: Output;

    /// The typed input. Model constraints go through `input`, which collects every violation
    /// into one `ValidationError` as AWS reports them; the pipeline raises it after `parse`.
    fn parse(input: &mut Input<'_>) -> Result<Self, Error>;

    /// Authorizes and acts.
    fn run(self, ctx: &mut Ctx<'_>) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// A typed result.
pub trait Output: Shape + Send {
    /// Whether the response has a `<{Action}Result>` element (IAM actions with no output shape
    /// have only `ResponseMetadata`).
    const HAS_RESULT: bool = true;
}

/// The output of an IAM action that returns nothing: `ResponseMetadata` only.
pub struct NoResult;

impl Shape for NoResult {
    fn write<W: rolegate_protocol::ShapeWriter>(&self, _: &mut W) {}
}

impl Output for NoResult {
    const HAS_RESULT: bool = false;
}

/// The output of an action whose result element is empty (`<UpdateRoleResult/>`).
pub struct EmptyResult;

impl Shape for EmptyResult {
    fn write<W: rolegate_protocol::ShapeWriter>(&self, _: &mut W) {}
}

impl Output for EmptyResult {}

/// What an operation sees of its request.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub caller: &'a Caller,
    pub facts: RequestFacts,
    pub request_id: &'a str,
    /// Every decision taken for this call, for the audit log.
    pub decisions: Vec<DecisionRecord>,
}

impl Ctx<'_> {
    pub fn store(&self) -> &dyn Store {
        self.state.store.as_ref()
    }

    /// The account the caller acts in (IAM actions operate on the caller's own account).
    pub fn account_id(&self) -> &str {
        &self.caller.account.id
    }

    /// Requires an identity-based permission for `action` on `resource`, recording the decision.
    pub fn authorize(&mut self, action: &str, resource: &Resource) -> Result<(), Error> {
        self.authorize_with(action, resource, &[])
    }

    /// As [`Ctx::authorize`], with the action's own condition keys in the request context.
    pub fn authorize_with(
        &mut self,
        action: &str,
        resource: &Resource,
        context: &[(&str, &str)],
    ) -> Result<(), Error> {
        let (record, result) =
            authorize::require(self.caller, &self.facts, action, resource, context);
        self.decisions.push(record);
        result.map_err(Error::from)
    }

    /// As [`Ctx::authorize`], for an action IAM itself grants the caller when `granted` (the
    /// account password policy's `AllowUsersToChangePassword` lets users change their own
    /// password and read the policy): the grant stands in for a missing allow, never against
    /// an explicit deny.
    pub fn authorize_granted(
        &mut self,
        action: &str,
        resource: &Resource,
        granted: bool,
    ) -> Result<(), Error> {
        let (mut record, result) =
            authorize::require(self.caller, &self.facts, action, resource, &[]);
        let result = match result {
            Err(_) if granted && record.decision == Decision::ImplicitlyDenied => {
                record.decision = Decision::Allowed;
                record.matched = vec!["account-password-policy".to_owned()];
                Ok(())
            }
            other => other,
        };
        self.decisions.push(record);
        result.map_err(Error::from)
    }
}

/// A successful call: the XML document and what the audit log records of it.
pub struct Reply {
    pub body: String,
    pub elements: Option<ResponseElements>,
}

/// Parses, runs and writes operation `O`.
pub async fn run<O: Operation>(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<Reply, Error> {
    let mut input = Input::new(params, O::SERVICE);
    let operation = O::parse(&mut input)?;
    input.finish()?;
    let output = operation.run(ctx).await?;
    let mut response = if O::Output::HAS_RESULT {
        XmlResponse::new(O::NAME, O::SERVICE)
    } else {
        XmlResponse::without_result(O::NAME, O::SERVICE)
    };
    output.write(response.writer());
    let body = response.finish(ctx.request_id).map_err(Error::internal)?;
    let elements = if O::READ_ONLY {
        None
    } else {
        audit::response_elements(&output)
    };
    Ok(Reply { body, elements })
}

/// The boxed future of one routed call.
pub type Call<'a> = Pin<Box<dyn Future<Output = Result<Reply, Error>> + Send + 'a>>;

/// A dispatch-table entry.
#[derive(Clone, Copy)]
pub struct Route {
    pub name: &'static str,
    pub service: Service,
    pub read_only: bool,
    pub handler: for<'a, 'b> fn(&'a mut Ctx<'b>, &'a QueryMap) -> Call<'a>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route").field("name", &self.name).finish()
    }
}

/// The route of operation `O`. Each call's future is boxed, so a request's future is the size
/// of the pipeline's own, not of the largest operation's.
pub const fn route<O: Operation + 'static>() -> Route {
    Route {
        name: O::NAME,
        service: O::SERVICE,
        read_only: O::READ_ONLY,
        handler: boxed::<O>,
    }
}

fn boxed<'a, 'b, O: Operation + 'static>(ctx: &'a mut Ctx<'b>, params: &'a QueryMap) -> Call<'a> {
    Box::pin(run::<O>(ctx, params))
}

/// An operation's parameters with the model validation that reads them: each accessor checks
/// the member's constraints and records a violation instead of failing, so that every
/// violation is reported at once, in AWS's order.
pub struct Input<'a> {
    pub params: &'a QueryMap,
    pub v: Validator,
    /// An error AWS reports on its own rather than as a validation clause (an invalid path).
    alone: Option<AwsError>,
}

impl<'a> Input<'a> {
    pub fn new(params: &'a QueryMap, service: Service) -> Self {
        Self {
            params,
            v: Validator::new(service),
            alone: None,
        }
    }

    /// Raises the collected violations.
    pub fn finish(self) -> Result<(), AwsError> {
        match self.alone {
            Some(error) => Err(error),
            None => self.v.check(),
        }
    }

    /// A required string member (empty when missing: the violation is recorded).
    pub fn required(&mut self, name: &str, rule: &StringRule) -> String {
        self.v
            .required(self.params, name, rule)
            .unwrap_or_default()
            .to_owned()
    }

    pub fn optional(&mut self, name: &str, rule: &StringRule) -> Option<String> {
        self.v.optional(self.params, name, rule).map(str::to_owned)
    }

    pub fn optional_i32(&mut self, name: &str, rule: &IntRule) -> Result<Option<i32>, Error> {
        Ok(self.v.optional_i32(self.params, name, rule)?)
    }

    pub fn optional_bool(&mut self, name: &str) -> Result<Option<bool>, Error> {
        Ok(self.params.optional_bool(name)?)
    }

    /// An enumeration member: one of `allowed`, exactly.
    pub fn optional_enum(&mut self, name: &str, allowed: &[&str]) -> Option<String> {
        let value = self.v.optional(self.params, name, &StringRule::ANY)?;
        self.v
            .enumeration(&self.params.field_path(name), value, allowed);
        Some(value.to_owned())
    }

    /// An entity's `Path` or `NewPath`. One of the right length that breaks the pattern gets
    /// IAM's own text for it, not a validation clause.
    pub fn optional_path(&mut self, name: &str) -> Option<String> {
        let rule = model::iam::PATH;
        if let Some(value) = self.params.get(name) {
            let length = value.chars().count();
            if length >= rule.min
                && rule.max.is_none_or(|max| length <= max)
                && !Pattern::Path.matches(value)
            {
                self.alone
                    .get_or_insert_with(|| AwsError::validation_error(texts::INVALID_PATH));
                return Some(value.to_owned());
            }
        }
        self.optional(name, &rule)
    }

    /// An entity's `Path`: `/` when absent.
    pub fn path(&mut self, name: &str) -> String {
        self.optional_path(name).unwrap_or_else(|| "/".to_owned())
    }

    /// `Tags` with IAM's rules (count, key and value shapes).
    pub fn tags(&mut self) -> Vec<Tag> {
        self.v.tags(
            self.params,
            "Tags",
            Some(model::iam::MAX_TAGS),
            &model::iam::TAG_KEY,
            &model::iam::TAG_VALUE,
        )
    }

    /// `Tags` of TagX actions: required and not empty.
    pub fn required_tags(&mut self) -> Vec<Tag> {
        let tags = self.tags();
        if self.params.list("Tags", "member").is_empty() {
            let path = self.params.field_path("Tags");
            self.v.null(&path);
        }
        tags
    }

    /// `TagKeys` of UntagX actions.
    pub fn tag_keys(&mut self) -> Vec<String> {
        self.v.string_list(
            self.params,
            "TagKeys",
            Some(model::iam::MAX_TAGS),
            &model::iam::TAG_KEY,
        )
    }
}
