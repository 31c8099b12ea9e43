//! The `rolegate policy check --json` answer: whether AWS would accept a document as a policy of
//! a given type, and if not, AWS's error code and message.

use serde_json::{Value, json};

use crate::policy::{Policy, PolicyType};
use rolegate_types::Partition;

/// `{"valid": true, "size": n}` or `{"valid": false, "code", "message", "line"?, "column"?,
/// "field"?, "detail"?, "size"}`, for an account of the `aws` partition.
pub fn check(text: &str, ty: PolicyType) -> Value {
    check_in(text, ty, Partition::Aws)
}

/// As [`check`], for an account of `partition`.
pub fn check_in(text: &str, ty: PolicyType, partition: Partition) -> Value {
    let size = Policy::size_without_whitespace(text);
    match Policy::parse_in(text, ty, partition) {
        Ok(_) => json!({ "valid": true, "size": size }),
        Err(e) => {
            let mut out = serde_json::Map::new();
            out.insert("valid".into(), json!(false));
            out.insert("code".into(), json!(e.code()));
            out.insert("message".into(), json!(e.message()));
            out.insert("size".into(), json!(size));
            if let Some(at) = e.location() {
                out.insert("line".into(), json!(at.line));
                out.insert("column".into(), json!(at.col));
            }
            if let Some(field) = e.field() {
                out.insert("field".into(), json!(field));
            }
            if let Some(detail) = e.detail() {
                out.insert("detail".into(), json!(detail));
            }
            Value::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        let ok = check(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
            PolicyType::Trust,
        );
        assert_eq!(ok["valid"], true);
        let bad = check(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}"#,
            PolicyType::Trust,
        );
        assert_eq!(bad["valid"], false);
        assert_eq!(bad["code"], "MalformedPolicyDocument");
        assert_eq!(bad["message"], "Has prohibited field Resource");
        assert_eq!(bad["line"], 1);
        let json_err = check("{\n\"Version\": ", PolicyType::Identity);
        assert_eq!(json_err["message"], "Syntax errors in policy.");
        assert_eq!(json_err["line"], 2);
        assert!(
            json_err["detail"]
                .as_str()
                .unwrap()
                .contains("unexpected end")
        );
    }
}
