//! IAM's wire quirk: every `policyDocumentType` member of an IAM response (a role's
//! `AssumeRolePolicyDocument`, `GetRolePolicy.PolicyDocument`, `PolicyVersion.Document`, …) is
//! the JSON text percent-encoded. botocore undoes it with `json.loads(unquote(value))`
//! (`botocore/handlers.py: decode_quoted_jsondoc`); without the encoding the aws CLI shows
//! garbage or fails.
//!
//! AWS's encoding, as seen in real responses: only RFC 3986 unreserved characters stay as they
//! are (`2012-10-17`, `ec2.amazonaws.com`); everything else is `%XX` of its UTF-8 bytes with
//! upper-case hex, including `*` (`%2A`), space (`%20`, never `+`) and newline (`%0A`).
//! This is Python's `urllib.parse.quote(text, safe="")`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters encoded: all but `A-Za-z0-9-._~`.
const POLICY_DOCUMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a policy document for an IAM XML response.
pub fn encode_policy_document(json: &str) -> String {
    utf8_percent_encode(json, POLICY_DOCUMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_aws_responses() {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(
            encode_policy_document(trust),
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
        );
        assert_eq!(
            encode_policy_document("{\n    \"Resource\": \"*\", \"Action\": \"s3:List*\"~"),
            "%7B%0A%20%20%20%20%22Resource%22%3A%20%22%2A%22%2C%20%22Action%22%3A%20%22s3%3AList%2A%22~"
        );
        assert_eq!(encode_policy_document("é"), "%C3%A9");
    }

    #[test]
    fn round_trips_through_percent_decoding() {
        let doc = "{\"a\": [\"ü\", \"+ &=%\"]}\r\n\t";
        let encoded = encode_policy_document(doc);
        let decoded = percent_encoding::percent_decode_str(&encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, doc);
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
        );
    }
}
