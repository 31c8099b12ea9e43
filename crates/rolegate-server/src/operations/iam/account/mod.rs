//! The account itself: its summary (counts and quotas), its one alias and its credential report.

pub mod create_account_alias;
pub mod credential_report;
pub mod delete_account_alias;
pub mod generate_credential_report;
pub mod get_account_summary;
pub mod get_credential_report;
pub mod list_account_aliases;

use rolegate_protocol::StringRule;

use crate::operation::Input;

/// The model's alias pattern, `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$` (3 to 63 lowercase
/// letters, digits and single hyphens, starting and ending with a letter or digit).
const ALIAS_PATTERN: &str = "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$";

fn is_alias(alias: &str) -> bool {
    let bytes = alias.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&bytes.len())
        && edge(bytes.first())
        && edge(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && !alias.contains("--")
}

/// `AccountAlias`, with the model's length and pattern.
pub fn alias_param(input: &mut Input<'_>) -> String {
    let alias = input.required("AccountAlias", &StringRule::length(3, 63));
    if !alias.is_empty() && (3..=63).contains(&alias.len()) && !is_alias(&alias) {
        let path = input.params.field_path("AccountAlias");
        input.v.push(format!(
            "Value at '{path}' failed to satisfy constraint: Member must satisfy regular \
             expression pattern: {ALIAS_PATTERN}"
        ));
    }
    alias
}

#[cfg(test)]
mod tests {
    #[test]
    fn aliases_follow_the_model_pattern() {
        for good in ["abc", "my-prod-account", "a1b", "123"] {
            assert!(super::is_alias(good), "{good}");
        }
        for bad in ["ab", "-abc", "abc-", "a--b", "Abc", "a_b", &"a".repeat(64)] {
            assert!(!super::is_alias(bad), "{bad}");
        }
    }
}
