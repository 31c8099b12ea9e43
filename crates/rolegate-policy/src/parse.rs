//! Policy text → [`ast::PolicyDocument`]: the grammar every policy type shares.
//!
//! This stage refuses what no policy type accepts (bad JSON, unknown elements, wrong JSON types,
//! an `Effect` other than `Allow`/`Deny`, a statement without actions). What depends on the
//! policy type (required or prohibited elements, trust actions, principal forms, sizes) is
//! [`crate::validate`]'s job. Element positions are kept beside the AST for error messages.

use crate::PolicyType;
use crate::ast::{
    ActionBlock, Condition, ConditionOperator, Effect, PolicyDocument, Principal, PrincipalBlock,
    PrincipalEntry, PrincipalKind, ResourceBlock, Statement, Version,
};
use crate::error::{PolicyError, messages};
use crate::json::{self, Location, Node, Value};

/// Where the parts of one statement were, for validation messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StatementSpans {
    pub(crate) at: Option<Location>,
    pub(crate) sid: Option<Location>,
    pub(crate) principal: Option<Location>,
    pub(crate) action: Option<Location>,
    pub(crate) resource: Option<Location>,
    pub(crate) condition: Option<Location>,
    /// `Principal` was a bare ARN string rather than `{"AWS": ...}`; read leniently, refused by
    /// validation.
    pub(crate) principal_is_bare_string: bool,
}

/// Positions of a document's parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DocumentSpans {
    pub(crate) version: Option<Location>,
    pub(crate) statement: Option<Location>,
    pub(crate) statements: Vec<StatementSpans>,
}

struct Parser {
    ty: PolicyType,
}

impl Parser {
    fn syntax(&self, at: Location, detail: impl Into<String>) -> PolicyError {
        PolicyError::malformed(messages::SYNTAX, Some(at), None).with_detail(detail.into())
    }

    fn field_error(
        &self,
        at: Location,
        field: &'static str,
        detail: impl Into<String>,
    ) -> PolicyError {
        PolicyError::malformed(messages::SYNTAX, Some(at), Some(field)).with_detail(detail.into())
    }
}

/// Reads a policy document.
pub(crate) fn parse_document(
    text: &str,
    ty: PolicyType,
) -> Result<(PolicyDocument, DocumentSpans), PolicyError> {
    let p = Parser { ty };
    let root = json::parse(text).map_err(|e| {
        let message = if ty == PolicyType::Trust {
            messages::INVALID_JSON
        } else {
            messages::SYNTAX
        };
        PolicyError::malformed(message, Some(e.at), None)
            .with_detail(format!("invalid JSON at {}: {}", e.at, e.reason))
    })?;
    let Value::Object(members) = root.value else {
        return Err(p.syntax(
            root.at,
            format!(
                "the document must be a JSON object, not {}",
                root.value.type_name()
            ),
        ));
    };
    let mut doc = PolicyDocument {
        version: None,
        id: None,
        statements: Vec::new(),
    };
    let mut spans = DocumentSpans::default();
    let mut statement_node = None;
    for (key, node) in &members {
        match key.as_str() {
            "Version" => {
                spans.version = Some(node.at);
                doc.version = Some(match &node.value {
                    Value::String(v) if v == "2012-10-17" => Version::V2012_10_17,
                    Value::String(v) if v == "2008-10-17" => Version::V2008_10_17,
                    _ => {
                        return Err(p.field_error(
                            node.at,
                            "Version",
                            "Version must be \"2012-10-17\" or \"2008-10-17\"",
                        ));
                    }
                });
            }
            "Id" => match &node.value {
                Value::String(v) => doc.id = Some(v.clone()),
                other => {
                    return Err(p.field_error(
                        node.at,
                        "Id",
                        format!("Id must be a string, not {}", other.type_name()),
                    ));
                }
            },
            "Statement" => statement_node = Some(node),
            other => return Err(p.syntax(node.at, format!("unknown top-level element {other:?}"))),
        }
    }
    let Some(statement_node) = statement_node else {
        return Err(p.syntax(root.at, "the document has no Statement"));
    };
    spans.statement = Some(statement_node.at);
    let statement_nodes: Vec<&Node> = match &statement_node.value {
        Value::Object(_) => vec![statement_node],
        // An empty list parses (it allows nothing); validation refuses it for storage.
        Value::Array(items) => items.iter().collect(),
        other => {
            return Err(p.field_error(
                statement_node.at,
                "Statement",
                format!(
                    "Statement must be an object or a list, not {}",
                    other.type_name()
                ),
            ));
        }
    };
    for node in statement_nodes {
        let (statement, statement_spans) = p.statement(node)?;
        doc.statements.push(statement);
        spans.statements.push(statement_spans);
    }
    Ok((doc, spans))
}

impl Parser {
    fn statement(&self, node: &Node) -> Result<(Statement, StatementSpans), PolicyError> {
        let Value::Object(members) = &node.value else {
            return Err(self.field_error(
                node.at,
                "Statement",
                format!(
                    "a statement must be an object, not {}",
                    node.value.type_name()
                ),
            ));
        };
        let mut spans = StatementSpans {
            at: Some(node.at),
            ..StatementSpans::default()
        };
        let (mut sid, mut effect, mut principal, mut action, mut resource) =
            (None, None, None, None, None);
        let mut conditions = Vec::new();
        for (key, value) in members {
            match key.as_str() {
                "Sid" => {
                    spans.sid = Some(value.at);
                    match &value.value {
                        Value::String(s) => sid = Some(s.clone()),
                        other => {
                            return Err(self.field_error(
                                value.at,
                                "Sid",
                                format!("Sid must be a string, not {}", other.type_name()),
                            ));
                        }
                    }
                }
                "Effect" => effect = Some(self.effect(value)?),
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        return Err(self.syntax(
                            value.at,
                            "a statement cannot have both Principal and NotPrincipal",
                        ));
                    }
                    spans.principal = Some(value.at);
                    spans.principal_is_bare_string =
                        matches!(&value.value, Value::String(s) if s != "*");
                    principal = Some(PrincipalBlock {
                        negated: key == "NotPrincipal",
                        principal: self.principal(value)?,
                    });
                }
                "Action" | "NotAction" => {
                    if action.is_some() {
                        return Err(self.syntax(
                            value.at,
                            "a statement cannot have both Action and NotAction",
                        ));
                    }
                    spans.action = Some(value.at);
                    let values = self.strings(value, "Action")?;
                    if values.is_empty() {
                        return Err(PolicyError::malformed(
                            messages::MUST_CONTAIN_ACTIONS,
                            Some(value.at),
                            Some("Action"),
                        ));
                    }
                    action = Some(ActionBlock {
                        negated: key == "NotAction",
                        values,
                    });
                }
                "Resource" | "NotResource" => {
                    if resource.is_some() {
                        return Err(self.syntax(
                            value.at,
                            "a statement cannot have both Resource and NotResource",
                        ));
                    }
                    spans.resource = Some(value.at);
                    let values = self.strings(value, "Resource")?;
                    if values.is_empty() {
                        return Err(PolicyError::malformed(
                            messages::MUST_CONTAIN_RESOURCES,
                            Some(value.at),
                            Some("Resource"),
                        ));
                    }
                    resource = Some(ResourceBlock {
                        negated: key == "NotResource",
                        values,
                    });
                }
                "Condition" => {
                    spans.condition = Some(value.at);
                    conditions = self.conditions(value)?;
                }
                other => {
                    return Err(if self.ty == PolicyType::Trust {
                        PolicyError::malformed(messages::unknown_field(other), Some(value.at), None)
                    } else {
                        self.syntax(value.at, format!("unknown statement element {other:?}"))
                    });
                }
            }
        }
        let Some(effect) = effect else {
            return Err(if self.ty == PolicyType::Trust {
                PolicyError::malformed(
                    messages::missing_field("Effect"),
                    Some(node.at),
                    Some("Effect"),
                )
            } else {
                self.field_error(node.at, "Effect", "the statement has no Effect")
            });
        };
        let Some(action) = action else {
            return Err(PolicyError::malformed(
                messages::MUST_CONTAIN_ACTIONS,
                Some(node.at),
                Some("Action"),
            ));
        };
        Ok((
            Statement {
                sid,
                effect,
                principal,
                action,
                resource,
                conditions,
            },
            spans,
        ))
    }

    fn effect(&self, node: &Node) -> Result<Effect, PolicyError> {
        match &node.value {
            Value::String(s) if s == "Allow" => Ok(Effect::Allow),
            Value::String(s) if s == "Deny" => Ok(Effect::Deny),
            // IAM's first pass accepts any case; the second ("legacy") pass does not.
            Value::String(s)
                if s.eq_ignore_ascii_case("allow") || s.eq_ignore_ascii_case("deny") =>
            {
                Err(PolicyError::malformed(
                    messages::LEGACY_PARSING,
                    Some(node.at),
                    Some("Effect"),
                ))
            }
            Value::String(s) => Err(self.field_error(
                node.at,
                "Effect",
                format!("Effect must be Allow or Deny, not {s:?}"),
            )),
            other => Err(self.field_error(
                node.at,
                "Effect",
                format!("Effect must be a string, not {}", other.type_name()),
            )),
        }
    }

    /// A string or a list of strings.
    fn strings(&self, node: &Node, field: &'static str) -> Result<Vec<String>, PolicyError> {
        match &node.value {
            Value::String(s) => Ok(vec![s.clone()]),
            Value::Array(items) => items
                .iter()
                .map(|item| match &item.value {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(self.field_error(
                        item.at,
                        field,
                        format!("{field} values must be strings, not {}", other.type_name()),
                    )),
                })
                .collect(),
            other => Err(self.field_error(
                node.at,
                field,
                format!(
                    "{field} must be a string or a list of strings, not {}",
                    other.type_name()
                ),
            )),
        }
    }

    fn principal(&self, node: &Node) -> Result<Principal, PolicyError> {
        match &node.value {
            Value::String(s) if s == "*" => Ok(Principal::Any),
            // Not in the grammar, but common: read as `{"AWS": "..."}` (validation refuses it).
            Value::String(s) => Ok(Principal::Specified(vec![PrincipalEntry {
                kind: PrincipalKind::Aws,
                values: vec![s.clone()],
            }])),
            Value::Object(members) if !members.is_empty() => members
                .iter()
                .map(|(key, value)| {
                    let kind = PrincipalKind::from_key(key).ok_or_else(|| {
                        self.field_error(
                            value.at,
                            "Principal",
                            format!("unknown principal type {key:?}"),
                        )
                    })?;
                    Ok(PrincipalEntry {
                        kind,
                        values: self.strings(value, "Principal")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Principal::Specified),
            _ => Err(self.field_error(
                node.at,
                "Principal",
                "Principal must be \"*\" or an object of principal types",
            )),
        }
    }

    fn conditions(&self, node: &Node) -> Result<Vec<Condition>, PolicyError> {
        let Value::Object(blocks) = &node.value else {
            return Err(self.field_error(node.at, "Condition", "Condition must be an object"));
        };
        let mut out = Vec::new();
        for (operator_name, block) in blocks {
            let operator = ConditionOperator::parse(operator_name).ok_or_else(|| {
                self.field_error(
                    block.at,
                    "Condition",
                    format!("unknown condition operator {operator_name:?}"),
                )
            })?;
            let Value::Object(keys) = &block.value else {
                return Err(self.field_error(
                    block.at,
                    "Condition",
                    format!("the {operator_name} block must be an object"),
                ));
            };
            for (key, values) in keys {
                let values = match &values.value {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| self.condition_value(i))
                        .collect::<Result<Vec<_>, _>>()?,
                    _ => vec![self.condition_value(values)?],
                };
                out.push(Condition {
                    operator,
                    key: key.clone(),
                    values,
                });
            }
        }
        Ok(out)
    }

    fn condition_value(&self, node: &Node) -> Result<String, PolicyError> {
        match &node.value {
            Value::String(s) | Value::Number(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.field_error(
                node.at,
                "Condition",
                format!(
                    "condition values must be strings, numbers or booleans, not {}",
                    other.type_name()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Operator;

    fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        parse_document(text, PolicyType::Identity).map(|(d, _)| d)
    }

    fn message(text: &str, ty: PolicyType) -> String {
        parse_document(text, ty).unwrap_err().message().to_owned()
    }

    #[test]
    fn reads_a_full_statement() {
        let doc = parse(
            r#"{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"A1","Effect":"Deny",
               "NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/u"],"Service":"ec2.amazonaws.com"},
               "NotAction":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
               "Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]},"Null":{"k:x":"true"}}}}"#,
        )
        .unwrap();
        assert_eq!(doc.version, Some(Version::V2012_10_17));
        assert_eq!(doc.id.as_deref(), Some("x"));
        let s = &doc.statements[0];
        assert_eq!(s.sid.as_deref(), Some("A1"));
        assert_eq!(s.effect, Effect::Deny);
        let p = s.principal.as_ref().unwrap();
        assert!(p.negated);
        let Principal::Specified(entries) = &p.principal else {
            panic!()
        };
        assert_eq!(entries[0].values.len(), 2);
        assert_eq!(entries[1].kind, PrincipalKind::Service);
        assert!(s.action.negated);
        assert!(s.resource.as_ref().unwrap().negated);
        assert_eq!(s.conditions.len(), 2);
        assert_eq!(s.conditions[0].values, ["a*", "1", "true"]);
        assert_eq!(s.conditions[0].operator.base, Operator::StringLike);
        assert!(s.conditions[0].operator.if_exists);
        assert_eq!(s.conditions[1].operator.base, Operator::Null);
    }

    #[test]
    fn version_is_optional() {
        let doc =
            parse(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#).unwrap();
        assert_eq!(doc.version, None);
        assert_eq!(doc.effective_version(), Version::V2008_10_17);
    }

    #[test]
    fn grammar_errors_use_aws_texts() {
        let ty = PolicyType::Identity;
        assert_eq!(message("{", ty), "Syntax errors in policy.");
        assert_eq!(
            message("{", PolicyType::Trust),
            "This policy contains invalid Json"
        );
        assert_eq!(message("[]", ty), "Syntax errors in policy.");
        assert_eq!(
            message(r#"{"Version":"2012-10-18","Statement":[]}"#, ty),
            "Syntax errors in policy."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Foo":1}}"#,
                ty
            ),
            "Syntax errors in policy."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principals":{}}}"#,
                PolicyType::Trust
            ),
            "Unknown field Principals"
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#,
                ty
            ),
            "The policy failed legacy parsing"
        );
        assert_eq!(
            message(r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#, ty),
            "Policy statement must contain actions."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}"#,
                ty
            ),
            "Policy statement must contain actions."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":[]}}"#,
                ty
            ),
            "Policy statement must contain resources."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Action":"sts:AssumeRole","Principal":"*"}}"#,
                PolicyType::Trust
            ),
            "Missing required field Effect"
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqual":{"a:b":"c"}}}}"#,
                ty
            ),
            "Syntax errors in policy."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a:b":null}}}}"#,
                ty
            ),
            "Syntax errors in policy."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Action":"s3:*","Resource":"*"}}"#,
                ty
            ),
            "Syntax errors in policy."
        );
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*","Resource":"*"}}"#,
                ty
            ),
            "Syntax errors in policy."
        );
    }

    #[test]
    fn errors_carry_locations() {
        let err = parse_document("{\n \"Statement\": {\n  \"Effect\": \"Allow\",\n  \"Action\": 5,\n  \"Resource\": \"*\"}}", PolicyType::Identity).unwrap_err();
        assert_eq!(err.location(), Some(Location { line: 4, col: 13 }));
        assert_eq!(err.field(), Some("Action"));
    }
}
