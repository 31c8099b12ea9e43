//! The AWS Query protocol at Rolegate's edge: form-encoded parameters in (`Action=…&Version=…`),
//! model constraints checked with AWS's exact `ValidationError` wording, and XML out — results
//! and `ErrorResponse` envelopes shaped byte for byte as STS and IAM shape them. Sans-IO.
//!
//! Flow for one action: [`QueryRequest::parse`] → a [`Validator`] declares each member with the
//! [`StringRule`]/[`IntRule`] botocore's model gives it (see [`model`]) → the action runs →
//! [`XmlResponse`] (success) or [`AwsError::to_xml`] (failure).

mod error;
mod error_response;
pub mod model;
mod pattern;
mod policy_document;
mod query;
mod service;
mod shape;
mod validate;
mod xml;

pub use error::{AwsError, Fault, ProtocolError};
pub use pattern::Pattern;
pub use policy_document::encode_policy_document;
pub use query::{MAX_BODY_BYTES, QueryMap, QueryRequest};
pub use service::{AWS_FAULT_NAMESPACE, Service};
pub use shape::{Shape, ShapeWriter};
pub use validate::{IntRule, StringRule, Tag, Validator, lower_camel};
pub use xml::{ToXml, XmlError, XmlResponse, XmlWriter, format_timestamp, push_timestamp};
