//! The regular expressions of botocore's STS and IAM models, as small hand-written checkers
//! (no regex engine on the request path). Each [`Pattern`] renders its source exactly as the
//! model spells it, because AWS quotes it in `ValidationError` messages.
//!
//! AWS validates with Java's `java.util.regex`, full match, so we follow Java semantics:
//! `\w` = `[A-Za-z0-9_]` and `\d` = `[0-9]` (ASCII only: `é` fails `[\w+=,.@-]*` on live STS),
//! `\p{L}`/`\p{Z}`/`\p{N}` are Unicode general categories, and `\uXXXX` takes exactly four hex
//! digits. That last rule is why `\u10000-\u10FFFF` in the ARN class means `U+1000`, the range
//! `'0'..=U+10FF` and `F`, so supplementary characters are *rejected* — observed on live STS
//! (Argmin's oracle: 2,048 emoji in `RoleArn` fail the pattern but not the length).
//!
//! | variant | model pattern | model shapes |
//! |---|---|---|
//! | `Word` / `Word1` | `[\w]*` / `[\w]+` | access key ids, IAM unique ids |
//! | `ArnChars` | `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+` | STS `arnType` |
//! | `RoleSessionName` | `[\w+=,.@-]*` | RoleSessionName, SourceIdentity, STS user name |
//! | `EntityName` | `[\w+=,.@-]+` | IAM role/user/group/policy names |
//! | `AssumedRoleId` | `[\w+=,.@:-]*` | AssumedRoleId |
//! | `FederatedId` | `[\w+=,.@\:-]*` | FederatedUserId |
//! | `ExternalId` | `[\w+=,.@:\/-]*` | ExternalId |
//! | `SerialNumber` / `SerialNumber1` | `[\w+=/:,.@-]*` / `[\w+=/:,.@-]+` | MFA serial (STS / IAM) |
//! | `TokenCode` / `AuthenticationCode` | `[\d]*` / `[\d]+` | MFA codes (STS / IAM) |
//! | `PolicyDocument` | `[\u0009\u000A\u000D\u0020-\u00FF]+` | policy documents, session policies |
//! | `RoleDescription` | `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*` | role description |
//! | `TagKey` / `TagValue` | `[\p{L}\p{Z}\p{N}_.:/=+\-@]+` / `…*` | tags |
//! | `Path` | `(\u002F)\|(\u002F[\u0021-\u007E]+\u002F)` | IAM path |
//! | `PathPrefix` | `\u002F[\u0021-\u007F]*` | ListRoles PathPrefix |
//! | `PolicyPath` | `((/[A-Za-z0-9\.,\+@=_-]+)*)/` | managed policy path |
//! | `PolicyVersionId` | `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?` | policy version id |
//! | `SamlProviderName` | `[\w._-]+` | SAML provider name |
//! | `Marker` | `[\u0020-\u00FF]+` | pagination marker |
//! | `AccountId` | `\d{12}` | account id |

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// A model pattern; see the module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    Word,
    Word1,
    ArnChars,
    RoleSessionName,
    EntityName,
    AssumedRoleId,
    FederatedId,
    ExternalId,
    SerialNumber,
    SerialNumber1,
    TokenCode,
    AuthenticationCode,
    PolicyDocument,
    RoleDescription,
    TagKey,
    TagValue,
    Path,
    PathPrefix,
    PolicyPath,
    PolicyVersionId,
    SamlProviderName,
    Marker,
    AccountId,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Java's parse of the ARN class (see module docs): tab, LF, CR, U+0020..=U+D7FF (the ranges
/// `\u0020-\u007E`, `\u00A0-\uD7FF` and the accidental `0-\u10FF` overlap into one run),
/// U+E000..=U+FFFD. Nothing above the BMP.
fn is_arn_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
}

fn is_tag_char(c: char) -> bool {
    matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Separator
                | GeneralCategoryGroup::Number
        )
}

/// `set*` (`at_least_one == false`) or `set+`, full match.
fn all(value: &str, at_least_one: bool, set: impl Fn(char) -> bool) -> bool {
    (!at_least_one || !value.is_empty()) && value.chars().all(set)
}

impl Pattern {
    /// The pattern exactly as botocore's model (and AWS's messages) spell it.
    pub const fn source(self) -> &'static str {
        match self {
            Pattern::Word => r"[\w]*",
            Pattern::Word1 => r"[\w]+",
            Pattern::ArnChars => {
                r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"
            }
            Pattern::RoleSessionName => r"[\w+=,.@-]*",
            Pattern::EntityName => r"[\w+=,.@-]+",
            Pattern::AssumedRoleId => r"[\w+=,.@:-]*",
            Pattern::FederatedId => r"[\w+=,.@\:-]*",
            Pattern::ExternalId => r"[\w+=,.@:\/-]*",
            Pattern::SerialNumber => r"[\w+=/:,.@-]*",
            Pattern::SerialNumber1 => r"[\w+=/:,.@-]+",
            Pattern::TokenCode => r"[\d]*",
            Pattern::AuthenticationCode => r"[\d]+",
            Pattern::PolicyDocument => r"[\u0009\u000A\u000D\u0020-\u00FF]+",
            Pattern::RoleDescription => r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
            Pattern::TagKey => r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+",
            Pattern::TagValue => r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
            Pattern::Path => r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
            Pattern::PathPrefix => r"\u002F[\u0021-\u007F]*",
            Pattern::PolicyPath => r"((/[A-Za-z0-9\.,\+@=_-]+)*)/",
            Pattern::PolicyVersionId => r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
            Pattern::SamlProviderName => r"[\w._-]+",
            Pattern::Marker => r"[\u0020-\u00FF]+",
            Pattern::AccountId => r"\d{12}",
        }
    }

    /// Whether the whole of `value` matches.
    pub fn matches(self, value: &str) -> bool {
        match self {
            Pattern::Word => all(value, false, is_word),
            Pattern::Word1 => all(value, true, is_word),
            Pattern::ArnChars => all(value, true, is_arn_char),
            Pattern::RoleSessionName | Pattern::EntityName => {
                all(value, self == Pattern::EntityName, |c| {
                    is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | '-')
                })
            }
            Pattern::AssumedRoleId | Pattern::FederatedId => all(value, false, |c| {
                is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | ':' | '-')
            }),
            Pattern::ExternalId | Pattern::SerialNumber | Pattern::SerialNumber1 => {
                all(value, self == Pattern::SerialNumber1, |c| {
                    is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | ':' | '/' | '-')
                })
            }
            Pattern::TokenCode => all(value, false, |c| c.is_ascii_digit()),
            Pattern::AuthenticationCode => all(value, true, |c| c.is_ascii_digit()),
            Pattern::PolicyDocument => all(value, true, |c| {
                matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
            }),
            Pattern::RoleDescription => all(
                value,
                false,
                |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}'),
            ),
            Pattern::TagKey => all(value, true, is_tag_char),
            Pattern::TagValue => all(value, false, is_tag_char),
            Pattern::Path => {
                value == "/"
                    || (value.len() >= 3
                        && value.starts_with('/')
                        && value.ends_with('/')
                        && value.chars().all(|c| matches!(c, '\u{21}'..='\u{7E}')))
            }
            Pattern::PathPrefix => match value.strip_prefix('/') {
                Some(rest) => rest.chars().all(|c| matches!(c, '\u{21}'..='\u{7F}')),
                None => false,
            },
            Pattern::PolicyPath => match value.strip_suffix('/') {
                // `((/seg)+)?/`: every segment between slashes is non-empty and from the class.
                Some("") => true,
                Some(body) => match body.strip_prefix('/') {
                    Some(segments) => segments.split('/').all(|segment| {
                        !segment.is_empty()
                            && segment.chars().all(|c| {
                                c.is_ascii_alphanumeric()
                                    || matches!(c, '.' | ',' | '+' | '@' | '=' | '_' | '-')
                            })
                    }),
                    None => false,
                },
                None => false,
            },
            Pattern::PolicyVersionId => {
                let Some(rest) = value.strip_prefix('v') else {
                    return false;
                };
                let (number, suffix) = match rest.split_once('.') {
                    Some((number, suffix)) => (number, Some(suffix)),
                    None => (rest, None),
                };
                let mut digits = number.chars();
                matches!(digits.next(), Some('1'..='9'))
                    && digits.all(|c| c.is_ascii_digit())
                    && suffix
                        .is_none_or(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            }
            Pattern::SamlProviderName => all(value, true, |c| is_word(c) || matches!(c, '.' | '-')),
            Pattern::Marker => all(value, true, |c| matches!(c, '\u{20}'..='\u{FF}')),
            Pattern::AccountId => value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern::*;

    #[test]
    fn session_names_follow_live_sts() {
        assert!(RoleSessionName.matches("azAZ09_+=,.@-"));
        assert!(RoleSessionName.matches(""));
        assert!(!RoleSessionName.matches("bad/name"));
        assert!(!RoleSessionName.matches("Session1:2"));
        assert!(!RoleSessionName.matches("é"));
        assert!(!RoleSessionName.matches("aws:reserved"));
        assert!(!EntityName.matches(""));
        assert!(EntityName.matches("my-role"));
    }

    #[test]
    fn external_id_admits_colon_and_slash() {
        assert!(ExternalId.matches("azAZ09_+=,.@:/-"));
        assert!(!ExternalId.matches("has space"));
    }

    #[test]
    fn arn_chars_reject_supplementary_and_empty() {
        assert!(ArnChars.matches("arn:aws:iam::123456789012:role/x"));
        assert!(ArnChars.matches("é\t"));
        assert!(!ArnChars.matches(""));
        assert!(!ArnChars.matches("😀"));
        assert!(!ArnChars.matches("\u{1}"));
        // Java's accidental `0-\u10FF` range admits C1 controls.
        assert!(ArnChars.matches("\u{85}\u{90}"));
    }

    #[test]
    fn tag_characters_are_unicode_categories() {
        assert!(TagKey.matches("Project"));
        assert!(TagKey.matches("日本 語_.:/=+-@٣"));
        assert!(!TagKey.matches(""));
        assert!(TagValue.matches(""));
        assert!(!TagKey.matches("bad#key"));
        assert!(!TagValue.matches("bad*value"));
        // A combining mark is alphabetic in Rust but not a letter in Java.
        assert!(!TagKey.matches("e\u{301}"));
    }

    #[test]
    fn digits_are_ascii() {
        assert!(TokenCode.matches("123456"));
        assert!(TokenCode.matches(""));
        assert!(!TokenCode.matches("12345a"));
        assert!(!AuthenticationCode.matches(""));
        assert!(!TokenCode.matches("١٢٣"));
    }

    #[test]
    fn iam_paths() {
        for ok in ["/", "/a/", "/a/b/", "/service-role/", "/~!/"] {
            assert!(Path.matches(ok), "{ok}");
        }
        for bad in ["", "a", "/a", "a/", "//", "/a b/", "/é/"] {
            assert!(!Path.matches(bad), "{bad}");
        }
        assert!(PathPrefix.matches("/"));
        assert!(PathPrefix.matches("/a/b"));
        assert!(!PathPrefix.matches("a"));
        for ok in ["/", "/a/", "/a.b,c+d@e=f_g-h/", "/a/b/"] {
            assert!(PolicyPath.matches(ok), "{ok}");
        }
        for bad in ["", "//", "/a", "a/", "/a//b/", "/a~/"] {
            assert!(!PolicyPath.matches(bad), "{bad}");
        }
    }

    #[test]
    fn policy_version_ids() {
        for ok in ["v1", "v12", "v1.", "v3.abc-1"] {
            assert!(PolicyVersionId.matches(ok), "{ok}");
        }
        for bad in ["", "v", "v0", "1", "v1.a_b", "v01"] {
            assert!(!PolicyVersionId.matches(bad), "{bad}");
        }
    }

    #[test]
    fn documents_and_descriptions() {
        assert!(PolicyDocument.matches("{\"Version\":\"2012-10-17\"}\n\tÿ"));
        assert!(!PolicyDocument.matches("Ā"));
        assert!(!PolicyDocument.matches(""));
        assert!(RoleDescription.matches(""));
        assert!(!RoleDescription.matches("\u{A0}"));
        assert!(!RoleDescription.matches("\u{7F}"));
    }

    #[test]
    fn misc() {
        assert!(AccountId.matches("123456789012"));
        assert!(!AccountId.matches("12345678901"));
        assert!(Word.matches("ASIAEXAMPLE_1"));
        assert!(!Word1.matches(""));
        assert!(SamlProviderName.matches("my.idp-1_x"));
        assert!(!SamlProviderName.matches("my idp"));
        assert!(Marker.matches(" ÿ"));
        assert!(FederatedId.matches("123456789012:bob"));
        assert!(AssumedRoleId.matches("AROA123:s1"));
        assert!(SerialNumber.matches("arn:aws:iam::123456789012:mfa/u"));
        assert!(!SerialNumber1.matches(""));
    }
}
