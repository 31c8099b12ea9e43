//! The condition evaluator: the one place that decides whether a `Condition` entry holds. STS,
//! the server's authorizer and the analyzer all come here ([`evaluate`]).
//!
//! Semantics (IAM User Guide, "Condition operators" and "Multivalued context keys"):
//! - values of one key are ORed; keys and operators of a statement are ANDed (by the caller);
//! - a negated operator (`StringNotEquals`, `NotIpAddress`, ...) holds when *no* pair of request
//!   value and policy value matches (NOR), and holds when the key is absent;
//! - `...IfExists` holds when the key is absent, and otherwise is the plain operator;
//! - `ForAllValues:` holds when every request value satisfies the operator, and when the key is
//!   absent or empty; `ForAnyValue:` needs at least one request value that does, and fails when
//!   the key is absent or empty (unless `IfExists`);
//! - `Null` with `true` holds when the key is absent, with `false` when it is present;
//! - a value that does not parse for its operator (a number that is not one) matches nothing.

mod date;

use std::net::IpAddr;

use ipnet::IpNet;

use crate::arn_pattern::ArnPattern;
use crate::ast::{self, ConditionOperator, Operator, SetQualifier};
use crate::context::Request;
use crate::env::Env;
use crate::variables::{Lookup, Template};
use crate::wildcard::Pattern;

/// Whether `condition` holds for `request`, with policy variables substituted (as in a
/// `2012-10-17` document). This is the same code the compiled policies run.
pub fn evaluate(condition: &ast::Condition, request: &Request) -> bool {
    let compiled = CompiledCondition::new(condition, true);
    let env = Env::new(request);
    compiled.evaluate(&env, &mut Vec::new())
}

/// The family of an operator decides how values are parsed and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    StringIgnoreCase,
    StringLike,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

fn family(op: Operator) -> Family {
    use Operator::*;
    match op {
        StringEquals | StringNotEquals => Family::String,
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => Family::StringIgnoreCase,
        StringLike | StringNotLike => Family::StringLike,
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => Family::Numeric,
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => Family::Date,
        Bool => Family::Bool,
        BinaryEquals => Family::Binary,
        IpAddress | NotIpAddress => Family::Ip,
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
        Null => Family::Null,
    }
}

/// A policy value parsed for its operator.
#[derive(Debug, Clone, PartialEq)]
enum Parsed {
    Text(String),
    Pattern(Pattern),
    Number(f64),
    Date(i128),
    Bool(bool),
    Net(IpNet),
    Arn(ArnPattern),
    NullFlag(bool),
    /// Does not parse for the operator: matches nothing.
    Invalid,
}

#[derive(Debug, Clone, PartialEq)]
enum PolicyValue {
    Static(Parsed),
    Dynamic(Template),
}

/// A condition compiled once per policy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledCondition {
    operator: ConditionOperator,
    family: Family,
    key: String,
    key_lower: String,
    /// All values static: the fast path.
    fixed: Vec<Parsed>,
    /// Some value has policy variables: resolved per evaluation.
    dynamic: Option<Vec<PolicyValue>>,
}

impl CompiledCondition {
    pub(crate) fn new(condition: &ast::Condition, variables: bool) -> Self {
        let operator = condition.operator;
        let family = family(operator.base);
        let values: Vec<PolicyValue> = condition
            .values
            .iter()
            .map(|v| match variables.then(|| Template::parse(v)).flatten() {
                Some(template) if family != Family::Null => PolicyValue::Dynamic(template),
                _ => PolicyValue::Static(parse_static(family, v)),
            })
            .collect();
        let any_dynamic = values.iter().any(|v| matches!(v, PolicyValue::Dynamic(_)));
        let fixed = if any_dynamic {
            Vec::new()
        } else {
            values
                .iter()
                .filter_map(|v| match v {
                    PolicyValue::Static(p) => Some(p.clone()),
                    PolicyValue::Dynamic(_) => None,
                })
                .collect()
        };
        CompiledCondition {
            operator,
            family,
            key: condition.key.clone(),
            key_lower: condition.key.to_lowercase(),
            fixed,
            dynamic: any_dynamic.then_some(values),
        }
    }

    /// Whether the condition holds. Keys absent from the request are added to `missing`.
    pub(crate) fn evaluate(&self, env: &Env<'_>, missing: &mut Vec<String>) -> bool {
        let present = env.values(&self.key_lower).filter(|v| !v.is_empty());
        if self.family == Family::Null {
            return self.fixed.iter().any(|v| match v {
                Parsed::NullFlag(true) => present.is_none(),
                Parsed::NullFlag(false) => present.is_some(),
                _ => false,
            });
        }
        let Some(request_values) = present else {
            if !missing.contains(&self.key) {
                missing.push(self.key.clone());
            }
            return match self.operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => self.operator.if_exists,
                None => self.operator.if_exists || self.operator.base.is_negated(),
            };
        };
        match &self.dynamic {
            None => self.holds(request_values, &self.fixed),
            Some(values) => {
                let resolved: Vec<Parsed> = values
                    .iter()
                    .filter_map(|v| resolve(self.family, v, env))
                    .collect();
                self.holds(request_values, &resolved)
            }
        }
    }

    fn holds(&self, request_values: &[String], policy_values: &[Parsed]) -> bool {
        let base = self.operator.base;
        let negated = base.is_negated();
        // Does one request value equal/match/... any policy value (positive form)?
        let any_match = |value: &str| policy_values.iter().any(|p| positive_match(base, p, value));
        let satisfies = |value: &String| any_match(value) != negated;
        match self.operator.qualifier {
            None if negated => request_values.iter().all(satisfies),
            None => request_values.iter().any(satisfies),
            Some(SetQualifier::ForAnyValue) => request_values.iter().any(satisfies),
            Some(SetQualifier::ForAllValues) => request_values.iter().all(satisfies),
        }
    }
}

fn resolve(family: Family, value: &PolicyValue, env: &Env<'_>) -> Option<Parsed> {
    match value {
        PolicyValue::Static(p) => Some(p.clone()),
        PolicyValue::Dynamic(template) => match family {
            Family::StringLike => {
                let mut tokens = Vec::new();
                template.resolve_tokens(env, &mut tokens)?;
                Some(Parsed::Pattern(Pattern::from_tokens(&tokens, false)))
            }
            Family::Arn => {
                let mut tokens = Vec::new();
                template.resolve_tokens(env, &mut tokens)?;
                Some(Parsed::Arn(ArnPattern::from_tokens(&tokens)))
            }
            _ => Some(parse_static(family, &template.resolve_text(env)?)),
        },
    }
}

fn parse_static(family: Family, text: &str) -> Parsed {
    match family {
        Family::String | Family::Binary => Parsed::Text(text.to_owned()),
        Family::StringIgnoreCase => Parsed::Text(text.to_lowercase()),
        Family::StringLike => Parsed::Pattern(Pattern::new(text)),
        Family::Numeric => parse_number(text).map_or(Parsed::Invalid, Parsed::Number),
        Family::Date => date::parse(text).map_or(Parsed::Invalid, Parsed::Date),
        Family::Bool => parse_bool(text).map_or(Parsed::Invalid, Parsed::Bool),
        Family::Ip => parse_net(text).map_or(Parsed::Invalid, Parsed::Net),
        Family::Arn => Parsed::Arn(ArnPattern::new(text)),
        Family::Null => parse_bool(text).map_or(Parsed::Invalid, Parsed::NullFlag),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Decimal numbers only (Rust would also read `inf` and `NaN`).
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let valid = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !valid {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A CIDR block, or a single address as its own /32 or /128.
fn parse_net(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<IpNet>().ok().map(|n| n.addr()))
}

fn ignore_case_eq(lowered_policy: &str, value: &str) -> bool {
    lowered_policy
        .chars()
        .eq(value.chars().flat_map(char::to_lowercase))
}

/// The positive form of the operator on one (policy value, request value) pair; negated
/// operators are decided by the caller as "no pair matches".
fn positive_match(op: Operator, policy: &Parsed, value: &str) -> bool {
    use Operator::*;
    match (op, policy) {
        (StringEquals | StringNotEquals | BinaryEquals, Parsed::Text(p)) => p == value,
        (StringEqualsIgnoreCase | StringNotEqualsIgnoreCase, Parsed::Text(p)) => {
            ignore_case_eq(p, value)
        }
        (StringLike | StringNotLike, Parsed::Pattern(p)) => p.matches(value),
        (_, Parsed::Number(p)) => parse_number(value).is_some_and(|v| match op {
            NumericLessThan => v < *p,
            NumericLessThanEquals => v <= *p,
            NumericGreaterThan => v > *p,
            NumericGreaterThanEquals => v >= *p,
            _ => v == *p,
        }),
        (_, Parsed::Date(p)) => date::parse(value).is_some_and(|v| match op {
            DateLessThan => v < *p,
            DateLessThanEquals => v <= *p,
            DateGreaterThan => v > *p,
            DateGreaterThanEquals => v >= *p,
            _ => v == *p,
        }),
        (Bool, Parsed::Bool(p)) => parse_bool(value) == Some(*p),
        (IpAddress | NotIpAddress, Parsed::Net(p)) => {
            parse_ip(value).is_some_and(|ip| p.contains(&ip))
        }
        (ArnEquals | ArnLike | ArnNotEquals | ArnNotLike, Parsed::Arn(p)) => p.matches(value),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Condition;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: ConditionOperator::parse(op).unwrap(),
            key: key.to_owned(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn request(ctx: &[(&str, &[&str])]) -> Request {
        let mut r = Request::new(
            "arn:aws:iam::111122223333:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::b/k",
        );
        for (k, vs) in ctx {
            r.context.insert_all(*k, vs.iter().copied());
        }
        r
    }

    fn check(op: &str, key: &str, values: &[&str], ctx: &[(&str, &[&str])]) -> bool {
        evaluate(&cond(op, key, values), &request(ctx))
    }

    #[test]
    fn string_operators() {
        let ctx: &[(&str, &[&str])] = &[("aws:PrincipalTag/team", &["Blue"])];
        assert!(check(
            "StringEquals",
            "aws:principaltag/TEAM",
            &["Red", "Blue"],
            ctx
        ));
        assert!(!check(
            "StringEquals",
            "aws:PrincipalTag/team",
            &["blue"],
            ctx
        ));
        assert!(check(
            "StringEqualsIgnoreCase",
            "aws:PrincipalTag/team",
            &["bLUE"],
            ctx
        ));
        assert!(!check(
            "StringNotEqualsIgnoreCase",
            "aws:PrincipalTag/team",
            &["BLUE"],
            ctx
        ));
        assert!(check("StringLike", "aws:PrincipalTag/team", &["B*"], ctx));
        assert!(check("StringLike", "aws:PrincipalTag/team", &["Bl?e"], ctx));
        assert!(!check("StringLike", "aws:PrincipalTag/team", &["b*"], ctx));
        assert!(check(
            "StringNotLike",
            "aws:PrincipalTag/team",
            &["R*"],
            ctx
        ));
        assert!(
            !check("StringEquals", "aws:PrincipalTag/team", &["B*"], ctx),
            "StringEquals has no wildcards"
        );
    }

    #[test]
    fn negated_operators_are_nor_over_values() {
        let ctx: &[(&str, &[&str])] = &[("aws:RequestedRegion", &["eu-west-1"])];
        assert!(!check(
            "StringNotEquals",
            "aws:RequestedRegion",
            &["us-east-1", "eu-west-1"],
            ctx
        ));
        assert!(check(
            "StringNotEquals",
            "aws:RequestedRegion",
            &["us-east-1", "us-west-2"],
            ctx
        ));
        let multi: &[(&str, &[&str])] = &[("aws:TagKeys", &["a", "b"])];
        assert!(
            !check("StringNotEquals", "aws:TagKeys", &["b"], multi),
            "one request value equal: NOR fails"
        );
    }

    #[test]
    fn absent_keys() {
        assert!(!check("StringEquals", "aws:SourceVpc", &["vpc-1"], &[]));
        assert!(
            check("StringNotEquals", "aws:SourceVpc", &["vpc-1"], &[]),
            "negated operators match absent keys"
        );
        assert!(check(
            "StringEqualsIfExists",
            "aws:SourceVpc",
            &["vpc-1"],
            &[]
        ));
        assert!(check("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"], &[]));
        assert!(!check(
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            &["3600"],
            &[]
        ));
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &[]
        ));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["a"],
            &[]
        ));
        assert!(check(
            "ForAnyValue:StringEqualsIfExists",
            "aws:TagKeys",
            &["a"],
            &[]
        ));
        assert!(!check(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["a"],
            &[]
        ));
        // An empty list is the same as absent.
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &[("aws:TagKeys", &[])]
        ));
    }

    #[test]
    fn if_exists_on_present_keys_is_the_plain_operator() {
        let ctx: &[(&str, &[&str])] = &[("aws:SourceVpc", &["vpc-2"])];
        assert!(!check(
            "StringEqualsIfExists",
            "aws:SourceVpc",
            &["vpc-1"],
            ctx
        ));
        assert!(check(
            "StringNotEqualsIfExists",
            "aws:SourceVpc",
            &["vpc-1"],
            ctx
        ));
    }

    #[test]
    fn set_qualifiers() {
        let ctx: &[(&str, &[&str])] = &[("aws:TagKeys", &["env", "team"])];
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env", "team", "cost"],
            ctx
        ));
        assert!(!check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env"],
            ctx
        ));
        assert!(check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["team"],
            ctx
        ));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["cost"],
            ctx
        ));
        assert!(check(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["env"],
            ctx
        ));
        assert!(!check(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["env"],
            ctx
        ));
        assert!(check(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["cost"],
            ctx
        ));
        assert!(check(
            "ForAllValues:StringLike",
            "aws:TagKeys",
            &["e*", "t*"],
            ctx
        ));
        // Without a qualifier a multivalued key matches when any value does.
        assert!(check("StringEquals", "aws:TagKeys", &["team"], ctx));
    }

    #[test]
    fn numeric_operators() {
        let ctx: &[(&str, &[&str])] = &[("aws:MultiFactorAuthAge", &["300"])];
        assert!(check(
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            &["3600"],
            ctx
        ));
        assert!(!check(
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            &["300"],
            ctx
        ));
        assert!(check(
            "NumericLessThanEquals",
            "aws:MultiFactorAuthAge",
            &["300"],
            ctx
        ));
        assert!(check(
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            &["299.5"],
            ctx
        ));
        assert!(check(
            "NumericGreaterThanEquals",
            "aws:MultiFactorAuthAge",
            &["3e2"],
            ctx
        ));
        assert!(check(
            "NumericEquals",
            "aws:MultiFactorAuthAge",
            &["300.0"],
            ctx
        ));
        assert!(check(
            "NumericNotEquals",
            "aws:MultiFactorAuthAge",
            &["301"],
            ctx
        ));
        assert!(!check(
            "NumericEquals",
            "aws:MultiFactorAuthAge",
            &["NaN"],
            ctx
        ));
        assert!(!check("NumericEquals", "k:n", &["1"], &[("k:n", &["one"])]));
    }

    #[test]
    fn date_operators() {
        let ctx: &[(&str, &[&str])] = &[("aws:CurrentTime", &["2024-06-01T12:00:00Z"])];
        assert!(check(
            "DateLessThan",
            "aws:CurrentTime",
            &["2024-06-02"],
            ctx
        ));
        assert!(check(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["2024-06-01T11:59:59Z"],
            ctx
        ));
        assert!(check("DateEquals", "aws:CurrentTime", &["1717243200"], ctx));
        assert!(check(
            "DateLessThanEquals",
            "aws:CurrentTime",
            &["2024-06-01T14:00:00+02:00"],
            ctx
        ));
        assert!(check(
            "DateNotEquals",
            "aws:CurrentTime",
            &["2024-06-01"],
            ctx
        ));
        assert!(!check(
            "DateGreaterThanEquals",
            "aws:CurrentTime",
            &["not a date"],
            ctx
        ));
        assert!(check(
            "DateGreaterThan",
            "aws:EpochTime",
            &["2020-01-01"],
            &[("aws:EpochTime", &["1717243200"])]
        ));
    }

    #[test]
    fn bool_binary_null() {
        let ctx: &[(&str, &[&str])] =
            &[("aws:SecureTransport", &["TRUE"]), ("k:bin", &["QmluYXJ5"])];
        assert!(check("Bool", "aws:SecureTransport", &["true"], ctx));
        assert!(!check("Bool", "aws:SecureTransport", &["false"], ctx));
        assert!(!check("Bool", "aws:SecureTransport", &["yes"], ctx));
        assert!(check("BinaryEquals", "k:bin", &["QmluYXJ5"], ctx));
        assert!(!check("BinaryEquals", "k:bin", &["QmluYXJZ"], ctx));
        assert!(check("Null", "aws:TokenIssueTime", &["true"], ctx));
        assert!(!check("Null", "aws:SecureTransport", &["true"], ctx));
        assert!(check("Null", "aws:SecureTransport", &["false"], ctx));
        assert!(check(
            "Null",
            "aws:SecureTransport",
            &["true", "false"],
            ctx
        ));
    }

    #[test]
    fn ip_operators() {
        let v4: &[(&str, &[&str])] = &[("aws:SourceIp", &["203.0.113.7"])];
        assert!(check("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], v4));
        assert!(check("IpAddress", "aws:SourceIp", &["203.0.113.7"], v4));
        assert!(!check(
            "IpAddress",
            "aws:SourceIp",
            &["198.51.100.0/24"],
            v4
        ));
        assert!(check(
            "NotIpAddress",
            "aws:SourceIp",
            &["198.51.100.0/24", "10.0.0.0/8"],
            v4
        ));
        assert!(!check(
            "NotIpAddress",
            "aws:SourceIp",
            &["198.51.100.0/24", "203.0.0.0/8"],
            v4
        ));
        let v6: &[(&str, &[&str])] = &[("aws:SourceIp", &["2001:db8::1"])];
        assert!(check("IpAddress", "aws:SourceIp", &["2001:db8::/32"], v6));
        assert!(!check("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], v6));
        assert!(!check("IpAddress", "aws:SourceIp", &["not-a-cidr"], v4));
    }

    #[test]
    fn arn_operators_match_per_segment() {
        let ctx: &[(&str, &[&str])] = &[(
            "aws:SourceArn",
            &["arn:aws:sns:us-east-1:111122223333:topic"],
        )];
        assert!(check(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:111122223333:*"],
            ctx
        ));
        assert!(check(
            "ArnEquals",
            "aws:SourceArn",
            &["arn:aws:sns:us-east-1:111122223333:topic"],
            ctx
        ));
        assert!(!check(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:topic"],
            ctx
        ));
        assert!(check(
            "ArnNotLike",
            "aws:SourceArn",
            &["arn:aws:sqs:*:*:*"],
            ctx
        ));
        assert!(!check(
            "ArnNotEquals",
            "aws:SourceArn",
            &["arn:aws:sns:*:*:*"],
            ctx
        ));
    }

    #[test]
    fn policy_variables_in_values() {
        let ctx: &[(&str, &[&str])] = &[
            ("s3:prefix", &["home/alice/docs"]),
            ("aws:PrincipalTag/team", &["ops"]),
        ];
        assert!(check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            ctx
        ));
        assert!(!check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:PrincipalTag/team}/*"],
            ctx
        ));
        assert!(check(
            "StringEquals",
            "aws:PrincipalTag/team",
            &["${aws:PrincipalTag/missing, 'ops'}"],
            ctx
        ));
        assert!(!check(
            "StringEquals",
            "aws:PrincipalTag/team",
            &["${aws:PrincipalTag/missing}"],
            ctx
        ));
    }

    #[test]
    fn missing_keys_are_reported() {
        let compiled =
            CompiledCondition::new(&cond("StringEquals", "sts:ExternalId", &["x"]), true);
        let r = request(&[]);
        let env = Env::new(&r);
        let mut missing = Vec::new();
        assert!(!compiled.evaluate(&env, &mut missing));
        assert_eq!(missing, ["sts:ExternalId"]);
    }
}
