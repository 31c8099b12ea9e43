//! Model constraints (length, range, pattern, required, list size) checked the way AWS's
//! request validation checks them, producing its exact `ValidationError` text:
//!
//! `2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member
//! must satisfy regular expression pattern: […]; Value '' at 'roleArn' failed to satisfy
//! constraint: Member must have length greater than or equal to 20`
//!
//! A [`Validator`] accumulates clauses in declaration order; actions declare each member with
//! the rule botocore's model gives it (see [`crate::model`]). Observed AWS behaviour encoded
//! here (Argmin's live STS oracle; LocalStack's AWS-validated IAM snapshots):
//! - lengths count Unicode scalar values, without normalization;
//! - for one field the pattern clause precedes the length clause (AWS returns both orders,
//!   pattern-first in most runs; clients should not depend on it);
//! - STS quotes the value (`Value 'x' at`, `Value null at`), IAM never does (`Value at`);
//! - a range clause shows the value as the parsed integer (`Value '-1'`).
//!
//! Not observed, chosen and documented: list-size clauses never quote a list of structures
//! (how STS would print a `Tag` list is unknown); a string list's member clause prints the
//! list as Java's `List.toString` does (`[a, b]`) and names every constraint of the member
//! shape, in the order AWS-recorded for IAM `UntagRole` (max, min, pattern, not null).

use crate::error::{AwsError, ProtocolError};
use crate::pattern::Pattern;
use crate::query::QueryMap;
use crate::service::Service;

/// `RoleArn` → `roleArn`: AWS's messages name members in lower camel case.
pub fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Constraints of a string shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringRule {
    /// Minimum length in Unicode scalar values (0: none).
    pub min: usize,
    /// Maximum length in Unicode scalar values.
    pub max: Option<usize>,
    pub pattern: Option<Pattern>,
}

impl StringRule {
    /// No constraint at all.
    pub const ANY: StringRule = StringRule {
        min: 0,
        max: None,
        pattern: None,
    };

    /// Length `min..=max`.
    pub const fn length(min: usize, max: usize) -> StringRule {
        StringRule {
            min,
            max: Some(max),
            pattern: None,
        }
    }

    /// Minimum length only.
    pub const fn at_least(min: usize) -> StringRule {
        StringRule {
            min,
            max: None,
            pattern: None,
        }
    }

    /// The same rule with a pattern.
    pub const fn pattern(self, pattern: Pattern) -> StringRule {
        StringRule {
            pattern: Some(pattern),
            ..self
        }
    }
}

/// Constraints of an integer shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRule {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl IntRule {
    /// Value `min..=max`.
    pub const fn range(min: i64, max: i64) -> IntRule {
        IntRule {
            min: Some(min),
            max: Some(max),
        }
    }
}

/// A session or resource tag whose key and value were both present.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Accumulates AWS validation clauses for one request.
#[derive(Debug, Clone)]
pub struct Validator {
    service: Service,
    clauses: Vec<String>,
}

/// `Value 'x'` (STS) or `Value` (IAM).
fn value_part(service: Service, shown: Option<&str>) -> String {
    match shown {
        Some(value) if service.echoes_values() => format!("Value '{value}'"),
        _ => "Value".to_owned(),
    }
}

fn clause(service: Service, shown: Option<&str>, path: &str, constraint: &str) -> String {
    format!(
        "{} at '{path}' failed to satisfy constraint: {constraint}",
        value_part(service, shown)
    )
}

/// The clause for an absent required member.
pub(crate) fn null_clause(service: Service, path: &str) -> String {
    let subject = if service.echoes_values() {
        "Value null"
    } else {
        "Value"
    };
    format!("{subject} at '{path}' failed to satisfy constraint: Member must not be null")
}

fn pattern_constraint(pattern: Pattern) -> String {
    format!(
        "Member must satisfy regular expression pattern: {}",
        pattern.source()
    )
}

fn max_length_constraint(max: usize) -> String {
    format!("Member must have length less than or equal to {max}")
}

fn min_length_constraint(min: usize) -> String {
    format!("Member must have length greater than or equal to {min}")
}

impl Validator {
    pub fn new(service: Service) -> Validator {
        Validator {
            service,
            clauses: Vec::new(),
        }
    }

    /// The service whose wording is used.
    pub fn service(&self) -> Service {
        self.service
    }

    /// Clauses recorded so far.
    pub fn clauses(&self) -> &[String] {
        &self.clauses
    }

    /// Whether nothing failed so far.
    pub fn is_ok(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Records a complete clause (for a constraint this module has no helper for).
    pub fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// `Member must not be null` at `path`.
    pub fn null(&mut self, path: &str) {
        self.clauses.push(null_clause(self.service, path));
    }

    /// Checks `value` at `path` against a string rule: pattern, then length.
    pub fn string(&mut self, path: &str, value: &str, rule: &StringRule) {
        self.string_at(|| path.to_owned(), value, rule);
    }

    /// [`Validator::string`] with the path computed only when a clause needs it (the common,
    /// valid case then allocates nothing).
    fn string_at(&mut self, path: impl Fn() -> String, value: &str, rule: &StringRule) {
        if let Some(pattern) = rule.pattern.filter(|p| !p.matches(value)) {
            let c = clause(
                self.service,
                Some(value),
                &path(),
                &pattern_constraint(pattern),
            );
            self.clauses.push(c);
        }
        let length = value.chars().count();
        if length < rule.min {
            let c = clause(
                self.service,
                Some(value),
                &path(),
                &min_length_constraint(rule.min),
            );
            self.clauses.push(c);
        } else if let Some(max) = rule.max.filter(|&max| length > max) {
            let c = clause(
                self.service,
                Some(value),
                &path(),
                &max_length_constraint(max),
            );
            self.clauses.push(c);
        }
    }

    /// Checks an integer against a range.
    pub fn integer(&mut self, path: &str, value: i64, rule: &IntRule) {
        self.integer_at(|| path.to_owned(), value, rule);
    }

    /// [`Validator::integer`] with the path computed only when a clause needs it.
    fn integer_at(&mut self, path: impl Fn() -> String, value: i64, rule: &IntRule) {
        if let Some(min) = rule.min.filter(|&min| value < min) {
            let constraint = format!("Member must have value greater than or equal to {min}");
            let shown = value.to_string();
            self.clauses
                .push(clause(self.service, Some(&shown), &path(), &constraint));
        } else if let Some(max) = rule.max.filter(|&max| value > max) {
            let constraint = format!("Member must have value less than or equal to {max}");
            let shown = value.to_string();
            self.clauses
                .push(clause(self.service, Some(&shown), &path(), &constraint));
        }
    }

    /// Checks that `value` is one of `allowed` (AWS-recorded IAM wording).
    pub fn enumeration(&mut self, path: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            let c = clause(
                self.service,
                Some(value),
                path,
                "Member must satisfy enum value set",
            );
            self.clauses.push(c);
        }
    }

    /// Checks a list's size; `shown` is the list as AWS would print it (`None`: never quoted).
    pub fn list_size(
        &mut self,
        path: &str,
        shown: Option<&str>,
        len: usize,
        min: usize,
        max: Option<usize>,
    ) {
        self.list_size_at(|| path.to_owned(), shown, len, min, max);
    }

    /// [`Validator::list_size`] with the path computed only when a clause needs it.
    fn list_size_at(
        &mut self,
        path: impl Fn() -> String,
        shown: Option<&str>,
        len: usize,
        min: usize,
        max: Option<usize>,
    ) {
        if len < min {
            let c = clause(self.service, shown, &path(), &min_length_constraint(min));
            self.clauses.push(c);
        } else if let Some(max) = max.filter(|&max| len > max) {
            let c = clause(self.service, shown, &path(), &max_length_constraint(max));
            self.clauses.push(c);
        }
    }

    /// A required string member of `params`; absent → `Member must not be null`. Returns the
    /// value even when it breaks the rule (call [`Validator::finish`] before using it).
    pub fn required<'a>(
        &mut self,
        params: &'a QueryMap,
        name: &str,
        rule: &StringRule,
    ) -> Option<&'a str> {
        match params.get(name) {
            Some(value) => {
                self.string_at(|| params.field_path(name), value, rule);
                Some(value)
            }
            None => {
                self.null(&params.field_path(name));
                None
            }
        }
    }

    /// An optional string member of `params`.
    pub fn optional<'a>(
        &mut self,
        params: &'a QueryMap,
        name: &str,
        rule: &StringRule,
    ) -> Option<&'a str> {
        let value = params.get(name)?;
        self.string_at(|| params.field_path(name), value, rule);
        Some(value)
    }

    /// An optional integer member. A malformed number is returned at once as an error:
    /// AWS deserializes before it validates, so `MalformedInput` pre-empts every clause.
    pub fn optional_i32(
        &mut self,
        params: &QueryMap,
        name: &str,
        rule: &IntRule,
    ) -> Result<Option<i32>, ProtocolError> {
        let value = params.optional_i32(name)?;
        if let Some(value) = value {
            self.integer_at(|| params.field_path(name), i64::from(value), rule);
        }
        Ok(value)
    }

    /// A required integer member.
    pub fn required_i32(
        &mut self,
        params: &QueryMap,
        name: &str,
        rule: &IntRule,
    ) -> Result<Option<i32>, ProtocolError> {
        let value = self.optional_i32(params, name, rule)?;
        if value.is_none() {
            self.null(&params.field_path(name));
        }
        Ok(value)
    }

    /// A list of strings (`Name.member.N`): size, then one clause naming every member
    /// constraint if any member breaks `member`.
    pub fn string_list(
        &mut self,
        params: &QueryMap,
        name: &str,
        max_items: Option<usize>,
        member: &StringRule,
    ) -> Vec<String> {
        let values = params.string_list(name);
        if values.is_empty() {
            // An absent list breaks nothing (the minimum size is 0): skip the formatting.
            return values;
        }
        let path = params.field_path(name);
        let shown = format!("[{}]", values.join(", "));
        self.list_size(&path, Some(&shown), values.len(), 0, max_items);
        let mut probe = Validator::new(self.service);
        for value in &values {
            probe.string("", value, member);
        }
        if !probe.is_ok() {
            let mut constraints = Vec::new();
            constraints.extend(member.max.map(max_length_constraint));
            if member.min > 0 {
                constraints.push(min_length_constraint(member.min));
            }
            constraints.extend(member.pattern.map(pattern_constraint));
            constraints.push("Member must not be null".to_owned());
            let constraint = format!(
                "Member must satisfy constraint: [{}]",
                constraints.join(", ")
            );
            self.clauses
                .push(clause(self.service, Some(&shown), &path, &constraint));
        }
        values
    }

    /// A list of `Key`/`Value` tags: size, then each tag's key and value (both required).
    /// Returns the tags whose key and value are both present.
    pub fn tags(
        &mut self,
        params: &QueryMap,
        name: &str,
        max_items: Option<usize>,
        key: &StringRule,
        value: &StringRule,
    ) -> Vec<Tag> {
        let members = params.list(name, "member");
        self.list_size_at(
            || params.field_path(name),
            None,
            members.len(),
            0,
            max_items,
        );
        members
            .iter()
            .filter_map(|member| {
                let k = self.required(member, "Key", key);
                let v = self.required(member, "Value", value);
                Some(Tag {
                    key: k?.to_owned(),
                    value: v?.to_owned(),
                })
            })
            .collect()
    }

    /// `Ok` if nothing failed, else [`ProtocolError::Validation`] with every clause.
    pub fn finish(self) -> Result<(), ProtocolError> {
        if self.clauses.is_empty() {
            Ok(())
        } else {
            Err(ProtocolError::Validation(self.clauses))
        }
    }

    /// [`Validator::finish`], as the wire error of this validator's service.
    pub fn check(self) -> Result<(), AwsError> {
        let service = self.service;
        self.finish().map_err(|e| e.to_aws_error(service))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sts;
    use crate::query::QueryRequest;

    fn req(body: &str) -> QueryRequest {
        QueryRequest::parse(body.as_bytes(), "").unwrap()
    }

    fn message(v: Validator) -> String {
        v.check().unwrap_err().message.unwrap()
    }

    #[test]
    fn lower_camel_case() {
        assert_eq!(lower_camel("RoleArn"), "roleArn");
        assert_eq!(lower_camel("DurationSeconds"), "durationSeconds");
        assert_eq!(lower_camel(""), "");
    }

    #[test]
    fn sts_session_name_clauses_match_live_aws() {
        for (value, expected) in [
            (
                "",
                "1 validation error detected: Value '' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
            ),
            (
                "a",
                "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
            ),
            (
                "bad/name",
                r"1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*",
            ),
        ] {
            let r = req(&format!("RoleSessionName={}", value.replace('/', "%2F")));
            let mut v = Validator::new(Service::Sts);
            v.required(&r, "RoleSessionName", &sts::ROLE_SESSION_NAME);
            assert_eq!(message(v), expected);
        }
        let long = "a".repeat(65);
        let mut v = Validator::new(Service::Sts);
        v.string("roleSessionName", &long, &sts::ROLE_SESSION_NAME);
        assert_eq!(
            message(v),
            format!(
                "1 validation error detected: Value '{long}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"
            )
        );
    }

    #[test]
    fn empty_role_arn_gets_two_clauses() {
        let mut v = Validator::new(Service::Sts);
        v.required(&req("RoleArn="), "RoleArn", &sts::ARN);
        assert_eq!(
            message(v),
            r"2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+; Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"
        );
    }

    #[test]
    fn length_counts_scalar_values() {
        let mut v = Validator::new(Service::Sts);
        v.string("roleArn", &"é".repeat(2048), &sts::ARN);
        assert!(v.is_ok());
        let mut v = Validator::new(Service::Sts);
        v.string("roleArn", &"😀".repeat(2048), &sts::ARN);
        assert_eq!(v.clauses().len(), 1, "pattern only");
        let mut v = Validator::new(Service::Sts);
        v.string("roleArn", &"e\u{301}".repeat(1025), &sts::ARN);
        assert_eq!(
            v.clauses(),
            [format!(
                "Value '{}' at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048",
                "e\u{301}".repeat(1025)
            )]
        );
    }

    #[test]
    fn duration_ranges_and_malformed_input() {
        for (text, expected) in [
            (
                "-1",
                "1 validation error detected: Value '-1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            ),
            (
                "0899",
                "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            ),
            (
                "43201",
                "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
            ),
            (
                "2147483647",
                "1 validation error detected: Value '2147483647' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
            ),
        ] {
            let mut v = Validator::new(Service::Sts);
            let got = v.optional_i32(
                &req(&format!("DurationSeconds={text}")),
                "DurationSeconds",
                &sts::ROLE_DURATION_SECONDS,
            );
            assert!(got.unwrap().is_some());
            assert_eq!(message(v), expected);
        }
        let mut v = Validator::new(Service::Sts);
        v.required(&req(""), "RoleArn", &sts::ARN);
        let err = v
            .optional_i32(
                &req("DurationSeconds=abc"),
                "DurationSeconds",
                &sts::ROLE_DURATION_SECONDS,
            )
            .unwrap_err();
        assert_eq!(err.to_aws_error(Service::Sts).code, "MalformedInput");
    }

    #[test]
    fn clauses_aggregate_across_fields_in_order() {
        let r = req("RoleSessionName=bad%2Fname&DurationSeconds=1");
        let mut v = Validator::new(Service::Sts);
        v.required(&r, "RoleArn", &sts::ARN);
        v.required(&r, "RoleSessionName", &sts::ROLE_SESSION_NAME);
        v.optional_i32(&r, "DurationSeconds", &sts::ROLE_DURATION_SECONDS)
            .unwrap();
        assert_eq!(
            message(v),
            "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; \
             Value 'bad/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; \
             Value '1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        );
    }

    #[test]
    fn iam_hides_values() {
        let r = req("Tags.member.1.Key=bad%23key&Tags.member.1.Value=v&Tags.member.2.Key=k");
        let mut v = Validator::new(Service::Iam);
        v.required(&r, "RoleName", &crate::model::iam::ROLE_NAME);
        let tags = v.tags(
            &r,
            "Tags",
            Some(50),
            &crate::model::iam::TAG_KEY,
            &crate::model::iam::TAG_VALUE,
        );
        assert_eq!(
            tags,
            [Tag {
                key: "bad#key".into(),
                value: "v".into()
            }],
            "tag 2 lacks a value"
        );
        assert_eq!(
            message(v),
            "3 validation errors detected: Value at 'roleName' failed to satisfy constraint: Member must not be null; \
             Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; \
             Value at 'tags.2.member.value' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn too_many_tags() {
        let body: Vec<String> = (1..=51)
            .map(|i| format!("Tags.member.{i}.Key=k{i}&Tags.member.{i}.Value=v"))
            .collect();
        let mut v = Validator::new(Service::Iam);
        let tags = v.tags(
            &req(&body.join("&")),
            "Tags",
            Some(50),
            &crate::model::iam::TAG_KEY,
            &crate::model::iam::TAG_VALUE,
        );
        assert_eq!(tags.len(), 51);
        assert_eq!(
            message(v),
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
        );
    }

    #[test]
    fn string_list_member_clause() {
        let r = req("TagKeys.member.1=ok&TagKeys.member.2=bad%23");
        let mut v = Validator::new(Service::Iam);
        let keys = v.string_list(&r, "TagKeys", Some(50), &crate::model::iam::TAG_KEY);
        assert_eq!(keys, ["ok", "bad#"]);
        assert_eq!(
            message(v),
            r"1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+, Member must not be null]"
        );
        let mut v = Validator::new(Service::Sts);
        v.string_list(&r, "TagKeys", Some(50), &sts::TAG_KEY);
        assert!(
            message(v).starts_with("1 validation error detected: Value '[ok, bad#]' at 'tagKeys'")
        );
    }

    #[test]
    fn enumeration() {
        let mut v = Validator::new(Service::Iam);
        v.enumeration("status", "Bogus", &["Active", "Inactive", "Expired"]);
        v.enumeration("status", "Active", &["Active", "Inactive", "Expired"]);
        assert_eq!(
            message(v),
            "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"
        );
    }

    #[test]
    fn all_good() {
        let r = req("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1");
        let mut v = Validator::new(Service::Sts);
        assert_eq!(
            v.required(&r, "RoleArn", &sts::ARN),
            Some("arn:aws:iam::123456789012:role/demo")
        );
        assert_eq!(v.optional(&r, "ExternalId", &sts::EXTERNAL_ID), None);
        assert!(v.check().is_ok());
    }
}
