//! Amazon Resource Names: `arn:partition:service:region:account:resource`.
//!
//! The resource part may itself contain `:` and `/`; only the first five colons split.

use std::fmt;
use std::str::FromStr;

/// A parsed ARN. Fields are stored verbatim (no case folding): ARN matching is case-sensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

/// An ARN's parts, borrowed from its text: what hot paths read without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArnParts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> ArnParts<'a> {
    /// `arn:partition:service:region:account:resource` split at its first five colons; `None`
    /// unless it starts with `arn:` and has all six parts (any of them may be empty).
    pub fn split(text: &'a str) -> Option<Self> {
        let rest = text.strip_prefix("arn:")?;
        let (partition, rest) = split_colon(rest)?;
        let (service, rest) = split_colon(rest)?;
        let (region, rest) = split_colon(rest)?;
        let (account, resource) = split_colon(rest)?;
        Some(Self {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

/// `text` split at its first colon. A byte scan: ARN parts are short, and this runs on every
/// request (`str::split_once` goes through the general searcher).
pub fn split_colon(text: &str) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == b':')?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// Why a string is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("'{0}' does not start with 'arn:'")]
    MissingPrefix(String),
    #[error("'{0}' has fewer than six ':'-separated parts")]
    TooFewParts(String),
    #[error("'{0}' has an empty partition or service")]
    EmptyPartitionOrService(String),
}

impl Arn {
    /// The resource type and name of `type/name` or `type:name` resources, e.g. `role` and
    /// `path/MyRole` for `role/path/MyRole`.
    pub fn resource_type_and_name(&self) -> (&str, &str) {
        match self.resource.find(['/', ':']) {
            Some(at) => (
                self.resource.get(..at).unwrap_or_default(),
                self.resource.get(at + 1..).unwrap_or_default(),
            ),
            None => (self.resource.as_str(), ""),
        }
    }
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if !text.starts_with("arn:") {
            return Err(ArnError::MissingPrefix(text.to_owned()));
        }
        let parts = ArnParts::split(text).ok_or_else(|| ArnError::TooFewParts(text.to_owned()))?;
        if parts.partition.is_empty() || parts.service.is_empty() {
            return Err(ArnError::EmptyPartitionOrService(text.to_owned()));
        }
        Ok(Self {
            partition: parts.partition.to_owned(),
            service: parts.service.to_owned(),
            region: parts.region.to_owned(),
            account: parts.account.to_owned(),
            resource: parts.resource.to_owned(),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for text in [
            "arn:aws:iam::123456789012:role/path/MyRole",
            "arn:aws:sts::123456789012:assumed-role/MyRole/session",
            "arn:aws:s3:::bucket/key:with:colons",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1",
        ] {
            let arn: Arn = text.parse().unwrap();
            assert_eq!(arn.to_string(), text);
        }
    }

    #[test]
    fn splits_resource_type() {
        let arn: Arn = "arn:aws:iam::123456789012:role/path/MyRole"
            .parse()
            .unwrap();
        assert_eq!(arn.resource_type_and_name(), ("role", "path/MyRole"));
        let arn: Arn = "arn:aws:lambda:us-east-1:1:function:f".parse().unwrap();
        assert_eq!(arn.resource_type_and_name(), ("function", "f"));
    }

    #[test]
    fn rejects_malformed() {
        assert!(matches!(
            "aws:iam::1:x".parse::<Arn>(),
            Err(ArnError::MissingPrefix(_))
        ));
        assert!(matches!(
            "arn:aws:iam::1".parse::<Arn>(),
            Err(ArnError::TooFewParts(_))
        ));
        assert!(matches!(
            "arn::iam::1:x".parse::<Arn>(),
            Err(ArnError::EmptyPartitionOrService(_))
        ));
    }
}
