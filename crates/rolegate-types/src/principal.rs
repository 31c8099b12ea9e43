//! The principals AWS names in policies and requests, told apart by their text: unique ids,
//! service principals and the web identity providers named by DNS name.

/// Web identity providers named by DNS name rather than by provider ARN.
pub const WEB_IDENTITY_PROVIDERS: [&str; 4] = [
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "www.amazon.com",
    "graph.facebook.com",
];

/// Whether `text` is one of [`WEB_IDENTITY_PROVIDERS`] (case-insensitively, as DNS names are).
pub fn is_web_identity_provider(text: &str) -> bool {
    WEB_IDENTITY_PROVIDERS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(text))
}

/// Whether `text` looks like an IAM unique id (`AIDA…`, `AROA…`, …): upper-case letters and
/// digits, starting with `A`, at least 16 characters.
pub fn is_unique_id(text: &str) -> bool {
    text.len() >= 16
        && text.starts_with('A')
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Whether `text` names an AWS service (`ec2.amazonaws.com`, `….amazonaws.com.cn`), not an
/// ARN and not a web identity provider.
pub fn is_service_principal(text: &str) -> bool {
    !text.starts_with("arn:")
        && (text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn"))
        && !is_web_identity_provider(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_principals_apart() {
        assert!(is_unique_id("AIDAJQABLZS4A3QDU576Q"));
        assert!(!is_unique_id("AIDA"));
        assert!(!is_unique_id("aidajqablzs4a3qdu576q"));
        assert!(is_service_principal("ec2.amazonaws.com"));
        assert!(is_service_principal("ec2.amazonaws.com.cn"));
        assert!(!is_service_principal("cognito-identity.amazonaws.com"));
        assert!(!is_service_principal("arn:aws:iam::1:role/x.amazonaws.com"));
        assert!(is_web_identity_provider("Accounts.Google.com"));
    }
}
