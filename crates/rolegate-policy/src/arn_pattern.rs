//! ARN matching, one colon-separated segment at a time, as the IAM User Guide describes for the
//! `Resource` element and the `Arn*` condition operators.
//!
//! An ARN has six segments (`arn:partition:service:region:account:resource`); the resource
//! segment is everything after the fifth colon and may itself contain colons. A wildcard matches
//! within its segment only (`arn:aws:s3:*:bucket` does not span segments), except that a pattern
//! with fewer than six segments whose last segment ends in `*` lets that `*` run on across the
//! remaining colons ("If the * wildcard is the last character of a resource ARN segment, it can
//! expand to match beyond the colon boundaries"). A lone `*` matches everything.

use crate::wildcard::{Pattern, Token};

const SEGMENTS: usize = 6;

/// A compiled ARN pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnPattern {
    segments: Vec<Pattern>,
    /// The last segment ends in `*` and there are fewer than six: it absorbs the rest.
    open_ended: bool,
}

impl ArnPattern {
    /// Compiles pattern tokens. Substitution is textual, so a colon in a substituted variable
    /// separates segments like any other colon.
    pub(crate) fn from_tokens(tokens: &[Token]) -> Self {
        let mut segments: Vec<Vec<Token>> = vec![Vec::new()];
        for token in tokens {
            match token {
                Token::Literal(text) => {
                    let mut pieces = text.split(':');
                    if let (Some(first), Some(current)) = (pieces.next(), segments.last_mut()) {
                        current.push(Token::Literal(first.to_owned()));
                    }
                    for piece in pieces {
                        if segments.len() < SEGMENTS {
                            segments.push(vec![Token::Literal(piece.to_owned())]);
                        } else if let Some(current) = segments.last_mut() {
                            // Inside the resource segment, colons are ordinary characters.
                            current.push(Token::Literal(format!(":{piece}")));
                        }
                    }
                }
                other => {
                    if let Some(current) = segments.last_mut() {
                        current.push(other.clone());
                    }
                }
            }
        }
        let open_ended = segments.len() < SEGMENTS
            && segments.last().and_then(|s| s.last()) == Some(&Token::Star);
        ArnPattern {
            segments: segments
                .iter()
                .map(|s| Pattern::from_tokens(s, false))
                .collect(),
            open_ended,
        }
    }

    /// Compiles pattern text.
    pub(crate) fn new(text: &str) -> Self {
        let mut tokens = Vec::new();
        crate::wildcard::tokenize(text, &mut tokens);
        Self::from_tokens(&tokens)
    }

    /// Whether the pattern is a lone `*`.
    #[cfg(test)]
    pub(crate) fn is_everything(&self) -> bool {
        matches!(self.segments.as_slice(), [only] if only.is_everything())
    }

    /// Whether `value` matches.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let n = self.segments.len();
        let mut rest = value;
        for (i, pattern) in self.segments.iter().enumerate() {
            let last = i + 1 == n;
            let segment = if last && (self.open_ended || n == SEGMENTS) {
                // The final pattern segment takes everything left: the resource segment, or the
                // open-ended `*` that runs across colons.
                std::mem::take(&mut rest)
            } else if last {
                if rest.bytes().any(|b| b == b':') {
                    return false;
                }
                std::mem::take(&mut rest)
            } else {
                match crate::principal::split_colon(rest) {
                    Some((segment, tail)) => {
                        rest = tail;
                        segment
                    }
                    None => return false,
                }
            };
            if !pattern.matches(segment) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, value: &str) -> bool {
        ArnPattern::new(pattern).matches(value)
    }

    #[test]
    fn whole_wildcard_matches_everything() {
        assert!(ArnPattern::new("*").is_everything());
        assert!(m("*", "arn:aws:s3:::b/k"));
        assert!(m("*", "*"));
        assert!(m("*", "not-an-arn"));
    }

    #[test]
    fn wildcards_stay_inside_their_segment() {
        assert!(m(
            "arn:aws:ec2:*:123456789012:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        assert!(!m(
            "arn:aws:ec2:*:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        assert!(!m("arn:aws:s3:*:bucket", "arn:aws:s3:x:y:bucket"));
        assert!(m(
            "arn:aws:iam::123456789012:user/*",
            "arn:aws:iam::123456789012:user/a/b"
        ));
        assert!(!m(
            "arn:aws:iam::123456789012:user/*",
            "arn:aws:iam::123456789012:role/a"
        ));
    }

    #[test]
    fn resource_segment_keeps_its_colons() {
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c"));
        assert!(m(
            "arn:aws:lambda:us-east-1:123456789012:function:*",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1"
        ));
        assert!(!m(
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1"
        ));
    }

    #[test]
    fn trailing_star_of_a_short_pattern_crosses_colons() {
        assert!(m("arn:aws:s3:*", "arn:aws:s3:::bucket"));
        assert!(m("arn:*", "arn:aws:iam::1:root"));
        assert!(m("arn:aws:iam::*", "arn:aws:iam::123456789012:role/x"));
        assert!(!m("arn:aws:s3:x*", "arn:aws:s3:::bucket"));
        assert!(!m("arn:aws:s3", "arn:aws:s3:::bucket"));
    }

    #[test]
    fn question_mark_and_case() {
        assert!(m("arn:aws:s3:::b?", "arn:aws:s3:::b1"));
        assert!(!m("arn:aws:s3:::B1", "arn:aws:s3:::b1"));
    }

    #[test]
    fn substituted_colons_in_the_resource_segment() {
        let tokens = vec![
            Token::Literal("arn:aws:s3:::home/".into()),
            Token::Literal("AROA:s".into()),
        ];
        // In the resource segment colons are ordinary characters.
        assert!(ArnPattern::from_tokens(&tokens).matches("arn:aws:s3:::home/AROA:s"));
    }
}
