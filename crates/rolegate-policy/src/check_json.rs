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
            let mut out =
                json!({ "valid": false, "code": e.code(), "message": e.message(), "size": size });
            if let Some(at) = e.location() {
                out["line"] = json!(at.line);
                out["column"] = json!(at.col);
            }
            if let Some(field) = e.field() {
                out["field"] = json!(field);
            }
            if let Some(detail) = e.detail() {
                out["detail"] = json!(detail);
            }
            out
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
