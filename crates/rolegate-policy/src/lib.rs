//! The IAM policy language: parse, validate, compile and evaluate policy documents exactly as
//! AWS does. Pure and synchronous: no I/O, no clock (time arrives in the request context).
//!
//! ```
//! use rolegate_policy::{authorize, Decision, Policy, PolicySet, PolicyType, Request};
//!
//! let trust = Policy::parse(
//!     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
//!         "Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole",
//!         "Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}}"#,
//!     PolicyType::Trust,
//! )?;
//! let caller = Policy::parse(
//!     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#,
//!     PolicyType::Identity,
//! )?;
//! let mut request = Request::new(
//!     "arn:aws:iam::444455556666:user/alice",
//!     "sts:AssumeRole",
//!     "arn:aws:iam::111122223333:role/Deploy",
//! );
//! request.context.insert("sts:ExternalId", "s3cr3t");
//! let set = PolicySet { identity: vec![caller], resource: vec![trust], ..PolicySet::default() };
//! assert_eq!(authorize(&request, &set).decision, Decision::Allowed);
//! # Ok::<(), rolegate_policy::PolicyError>(())
//! ```
//!
//! Stages, one module each: [`json`](crate::Location) reader with positions → `parse` (shared
//! grammar, [`ast`]) → `validate` (per [`PolicyType`] rules and sizes, for the account's
//! [`Partition`]) → `compile` ([`wildcard`] matchers, ARN segment patterns, variable templates,
//! action index) → `evaluate` (one policy) → `authorize` (all policies, AWS's evaluation logic).
//! [`condition`] is the one condition evaluator; [`eval_json`] and [`check_json`] are the CLI's
//! line protocols.

pub mod ast;
pub mod check_json;
pub mod condition;
pub mod eval_json;
pub mod wildcard;

mod arn_pattern;
mod authorize;
mod compile;
mod context;
mod env;
mod error;
mod evaluate;
mod json;
mod parse;
mod policy;
mod principal;
mod print;
mod validate;
mod variables;

pub use authorize::{Decision, MatchedStatement, PolicySet, Response, authorize};
pub use context::{Context, Request};
pub use error::{PolicyError, messages};
pub use evaluate::{PolicyDecision, PolicyOutcome, StatementMatch, evaluate_policy};
pub use json::Location;
pub use policy::{Policy, PolicyType};
pub use principal::{CallerKind, PrincipalMatch};
pub use rolegate_types::Partition;
pub use validate::{SizeLimit, TRUST_ACTIONS};
