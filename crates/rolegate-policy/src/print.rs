//! The canonical JSON form of a policy document: AWS's element order (Version, Id, Statement;
//! Sid, Effect, Principal, Action, Resource, Condition), a single value printed as a string and
//! several as a list, two-space indentation. Parsing the output gives back the same document.

use std::fmt::Write;

use crate::ast::{Condition, PolicyDocument, Principal, Statement};

/// Prints `doc` canonically.
pub(crate) fn to_json(doc: &PolicyDocument) -> String {
    let mut out = String::from("{\n");
    let mut fields: Vec<String> = Vec::new();
    if let Some(version) = doc.version {
        fields.push(format!("  \"Version\": {}", quote(version.as_str())));
    }
    if let Some(id) = &doc.id {
        fields.push(format!("  \"Id\": {}", quote(id)));
    }
    let statements: Vec<String> = doc.statements.iter().map(statement).collect();
    fields.push(format!(
        "  \"Statement\": [\n{}\n  ]",
        statements.join(",\n")
    ));
    out.push_str(&fields.join(",\n"));
    out.push_str("\n}");
    out
}

fn quote(s: &str) -> String {
    // serde_json escapes exactly what JSON requires; it cannot fail on a &str.
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

fn one_or_many(values: &[String]) -> String {
    match values {
        [one] => quote(one),
        _ => format!(
            "[{}]",
            values
                .iter()
                .map(|v| quote(v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn statement(s: &Statement) -> String {
    let mut fields: Vec<String> = Vec::new();
    if let Some(sid) = &s.sid {
        fields.push(format!("\"Sid\": {}", quote(sid)));
    }
    fields.push(format!("\"Effect\": {}", quote(s.effect.as_str())));
    if let Some(p) = &s.principal {
        let name = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match &p.principal {
            Principal::Any => quote("*"),
            Principal::Specified(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|e| format!("{}: {}", quote(e.kind.as_str()), one_or_many(&e.values)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        fields.push(format!("\"{name}\": {value}"));
    }
    let action = if s.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    fields.push(format!("\"{action}\": {}", one_or_many(&s.action.values)));
    if let Some(r) = &s.resource {
        let name = if r.negated { "NotResource" } else { "Resource" };
        fields.push(format!("\"{name}\": {}", one_or_many(&r.values)));
    }
    if !s.conditions.is_empty() {
        fields.push(format!("\"Condition\": {}", conditions(&s.conditions)));
    }
    let mut out = String::from("    {\n");
    let _ = write!(out, "      {}", fields.join(",\n      "));
    out.push_str("\n    }");
    out
}

/// Groups conditions by operator, operators in order of first appearance.
fn conditions(conditions: &[Condition]) -> String {
    let mut operators: Vec<String> = Vec::new();
    for c in conditions {
        let name = c.operator.to_string();
        if !operators.contains(&name) {
            operators.push(name);
        }
    }
    let blocks: Vec<String> = operators
        .iter()
        .map(|op| {
            let keys: Vec<String> = conditions
                .iter()
                .filter(|c| c.operator.to_string() == *op)
                .map(|c| format!("{}: {}", quote(&c.key), one_or_many(&c.values)))
                .collect();
            format!("{}: {{{}}}", quote(op), keys.join(", "))
        })
        .collect();
    format!("{{{}}}", blocks.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyType;
    use crate::parse::parse_document;

    #[test]
    fn prints_canonically_and_round_trips() {
        let text = r#"{"Statement":{"Condition":{"StringEquals":{"aws:A":["x"],"b:c":[]},"ForAnyValue:StringLike":{"aws:TagKeys":["a*","b"]}},
            "Resource":"*","Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Sid":"S1",
            "NotPrincipal":{"AWS":"111122223333","Service":["a.amazonaws.com"]}},"Id":"i\"d","Version":"2012-10-17"}"#;
        let (doc, _) = parse_document(text, PolicyType::Resource).unwrap();
        let printed = to_json(&doc);
        assert_eq!(
            printed,
            r#"{
  "Version": "2012-10-17",
  "Id": "i\"d",
  "Statement": [
    {
      "Sid": "S1",
      "Effect": "Allow",
      "NotPrincipal": {"AWS": "111122223333", "Service": "a.amazonaws.com"},
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:A": "x", "b:c": []}, "ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b"]}}
    }
  ]
}"#
        );
        let (again, _) = parse_document(&printed, PolicyType::Resource).unwrap();
        assert_eq!(again, doc);
    }
}
