//! The policy document as written: what `Policy::parse` reads and `Policy::to_json` prints.
//!
//! Names follow the IAM JSON policy grammar. The AST keeps the author's text (case of condition
//! keys, order of values) and no source positions, so that parse → print → parse is the identity.

use std::fmt;

/// The policy language version (`Version` element).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`: the current language; policy variables are substituted.
    V2012_10_17,
    /// `2008-10-17`: the original language; `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The text AWS uses for this version.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }

    /// Whether `${...}` policy variables are substituted under this version.
    pub fn has_policy_variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `Version`; `None` when absent, which AWS reads as `2008-10-17`.
    pub version: Option<Version>,
    /// `Id`, if given.
    pub id: Option<String>,
    /// The statements, in document order (`Statement` given as one object is a list of one).
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// The version in force: an absent `Version` means `2008-10-17`.
    pub fn effective_version(&self) -> Version {
        self.version.unwrap_or(Version::V2008_10_17)
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

impl Effect {
    /// The JSON text of the effect.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if given.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal` (`negated`), if given.
    pub principal: Option<PrincipalBlock>,
    /// `Action` or `NotAction` (`negated`).
    pub action: ActionBlock,
    /// `Resource` or `NotResource` (`negated`); absent in trust policies.
    pub resource: Option<ResourceBlock>,
    /// The `Condition` block flattened: one entry per operator and key, in document order.
    pub conditions: Vec<Condition>,
}

/// `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    /// `true` for `NotPrincipal`.
    pub negated: bool,
    /// What the element names.
    pub principal: Principal,
}

/// The value of a `Principal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, including anonymous callers.
    Any,
    /// `"Principal": {"AWS": ..., "Service": ...}`, in document order.
    Specified(Vec<PrincipalEntry>),
}

/// One key of a `Principal` object with its values (a string or a list in the document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub kind: PrincipalKind,
    /// The principals named under that key.
    pub values: Vec<String>,
}

/// The keys a `Principal` object may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `"AWS"`: accounts, users, roles, sessions, unique ids, or `*`.
    Aws,
    /// `"Service"`: a service principal such as `ec2.amazonaws.com`.
    Service,
    /// `"Federated"`: an OIDC/SAML provider ARN or a web identity provider name.
    Federated,
    /// `"CanonicalUser"`: an S3 canonical user id.
    CanonicalUser,
}

impl PrincipalKind {
    /// The JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    /// The kind for a JSON key (exact case, as AWS requires).
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "AWS" => Some(PrincipalKind::Aws),
            "Service" => Some(PrincipalKind::Service),
            "Federated" => Some(PrincipalKind::Federated),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }
}

/// `Action` / `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionBlock {
    /// `true` for `NotAction`.
    pub negated: bool,
    /// The action patterns (`service:Action`, wildcards allowed, case-insensitive).
    pub values: Vec<String>,
}

/// `Resource` / `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBlock {
    /// `true` for `NotResource`.
    pub negated: bool,
    /// The resource patterns (ARNs with wildcards and policy variables, or `*`).
    pub values: Vec<String>,
}

/// One condition: an operator applied to one context key with one or more values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator, with its `IfExists` suffix and `ForAllValues:`/`ForAnyValue:` prefix.
    pub operator: ConditionOperator,
    /// The context key as written (keys compare case-insensitively).
    pub key: String,
    /// The policy values (JSON numbers and booleans are kept as their text).
    pub values: Vec<String>,
}

/// A condition operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    /// The base operator.
    pub base: Operator,
    /// The `IfExists` suffix.
    pub if_exists: bool,
    /// The `ForAllValues:` / `ForAnyValue:` prefix.
    pub qualifier: Option<SetQualifier>,
}

impl ConditionOperator {
    /// Reads an operator name; `None` if it is not one AWS knows.
    pub fn parse(text: &str) -> Option<Self> {
        let (qualifier, rest) = if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, text)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let base = Operator::from_name(base)?;
        // `Null` tests existence itself: neither IfExists nor a set qualifier means anything.
        if base == Operator::Null && (if_exists || qualifier.is_some()) {
            return None;
        }
        Some(ConditionOperator {
            base,
            if_exists,
            qualifier,
        })
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// Every value in the request must match (true when the key is absent or empty).
    ForAllValues,
    /// At least one value in the request must match (false when the key is absent or empty).
    ForAnyValue,
}

macro_rules! operators {
    ($($variant:ident),* $(,)?) => {
        /// The base condition operators of the IAM policy language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operator {
            $(
                #[doc = concat!("`", stringify!($variant), "`")]
                $variant,
            )*
        }

        impl Operator {
            /// Every operator, for generators and documentation.
            pub const ALL: &'static [Operator] = &[$(Operator::$variant),*];

            /// The operator's name in policies.
            pub fn name(self) -> &'static str {
                match self {
                    $(Operator::$variant => stringify!($variant),)*
                }
            }

            /// The operator for a name (exact case).
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($variant) => Some(Operator::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

operators! {
    StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
    StringLike, StringNotLike,
    NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals,
    NumericGreaterThan, NumericGreaterThanEquals,
    DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
    DateGreaterThanEquals,
    Bool, BinaryEquals, IpAddress, NotIpAddress,
    ArnEquals, ArnLike, ArnNotEquals, ArnNotLike,
    Null,
}

impl Operator {
    /// Whether this is a negated operator (`...Not...`, `NotIpAddress`): such operators match
    /// when no value matches (NOR), and when the key is absent.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            Operator::StringNotEquals
                | Operator::StringNotEqualsIgnoreCase
                | Operator::StringNotLike
                | Operator::NumericNotEquals
                | Operator::DateNotEquals
                | Operator::NotIpAddress
                | Operator::ArnNotEquals
                | Operator::ArnNotLike
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for name in [
            "StringEquals",
            "ForAllValues:StringLike",
            "ForAnyValue:ArnNotLikeIfExists",
            "NumericLessThanEqualsIfExists",
            "Null",
        ] {
            let op = ConditionOperator::parse(name).unwrap();
            assert_eq!(op.to_string(), name);
        }
    }

    #[test]
    fn refuses_unknown_and_meaningless_operators() {
        for name in [
            "StringEqual",
            "stringequals",
            "NullIfExists",
            "ForAllValues:Null",
            "ForAnyValues:StringLike",
            "IfExists",
            "",
        ] {
            assert!(ConditionOperator::parse(name).is_none(), "{name}");
        }
    }

    #[test]
    fn negated_operators() {
        let negated: Vec<_> = Operator::ALL
            .iter()
            .filter(|o| o.is_negated())
            .map(|o| o.name())
            .collect();
        assert_eq!(
            negated,
            [
                "StringNotEquals",
                "StringNotEqualsIgnoreCase",
                "StringNotLike",
                "NumericNotEquals",
                "DateNotEquals",
                "NotIpAddress",
                "ArnNotEquals",
                "ArnNotLike"
            ]
        );
    }
}
