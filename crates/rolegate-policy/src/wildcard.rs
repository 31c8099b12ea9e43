//! The IAM wildcard matcher: `*` (any run of characters, `/` and `:` included) and `?` (exactly
//! one character), no escapes, no classes. Compiled once per policy value into the cheapest form
//! (everything / literal / prefix / suffix / general), then matched without allocating.
//!
//! Actions compare ASCII-case-insensitively; resources, ARNs and `StringLike` values compare
//! case-sensitively. Per-segment ARN matching is built on top of this in [`crate::arn_pattern`].

/// One piece of a pattern. Literal text never contains wildcards: a `*` that came from `${*}` or
/// from a substituted policy variable is literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Literal(String),
    Star,
    Question,
}

/// Splits pattern text into tokens (`*` and `?` active, everything else literal).
pub(crate) fn tokenize(pattern: &str, out: &mut Vec<Token>) {
    let mut literal = String::new();
    for c in pattern.chars() {
        match c {
            '*' | '?' => {
                if !literal.is_empty() {
                    out.push(Token::Literal(std::mem::take(&mut literal)));
                }
                out.push(if c == '*' {
                    Token::Star
                } else {
                    Token::Question
                });
            }
            _ => literal.push(c),
        }
    }
    if !literal.is_empty() {
        out.push(Token::Literal(literal));
    }
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    form: Form,
    case_insensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    /// `*` (or `**`...): matches every string.
    Everything,
    /// No wildcard at all.
    Exact(Box<[u8]>),
    /// `text*`.
    Prefix(Box<[u8]>),
    /// `*text`.
    Suffix(Box<[u8]>),
    /// Anything else; consecutive stars are collapsed, adjacent literals merged.
    General(Box<[Piece]>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(Box<[u8]>),
    Star,
    Question,
}

impl Pattern {
    /// A case-sensitive pattern (resources, ARNs, `StringLike`).
    pub fn new(pattern: &str) -> Self {
        let mut tokens = Vec::new();
        tokenize(pattern, &mut tokens);
        Self::from_tokens(&tokens, false)
    }

    /// An ASCII-case-insensitive pattern (actions).
    pub fn new_case_insensitive(pattern: &str) -> Self {
        let mut tokens = Vec::new();
        tokenize(pattern, &mut tokens);
        Self::from_tokens(&tokens, true)
    }

    /// A pattern that matches exactly `text` (wildcard characters in it are literal).
    pub fn literal(text: &str) -> Self {
        Pattern {
            form: Form::Exact(text.as_bytes().into()),
            case_insensitive: false,
        }
    }

    /// Whether the pattern is a lone `*` (matches everything).
    pub fn is_everything(&self) -> bool {
        matches!(self.form, Form::Everything)
    }

    /// Whether the pattern contains no wildcard.
    pub fn is_literal(&self) -> bool {
        matches!(self.form, Form::Exact(_))
    }

    pub(crate) fn from_tokens(tokens: &[Token], case_insensitive: bool) -> Self {
        let mut pieces: Vec<Piece> = Vec::with_capacity(tokens.len());
        for token in tokens {
            match token {
                Token::Star => {
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                    }
                }
                Token::Question => pieces.push(Piece::Question),
                Token::Literal(text) if text.is_empty() => {}
                Token::Literal(text) => match pieces.last_mut() {
                    Some(Piece::Literal(prev)) => {
                        let mut joined = prev.to_vec();
                        joined.extend_from_slice(text.as_bytes());
                        *prev = joined.into();
                    }
                    _ => pieces.push(Piece::Literal(text.as_bytes().into())),
                },
            }
        }
        let form = match pieces.as_slice() {
            [] => Form::Exact(Box::default()),
            [Piece::Star] => Form::Everything,
            [Piece::Literal(l)] => Form::Exact(l.clone()),
            [Piece::Literal(l), Piece::Star] => Form::Prefix(l.clone()),
            [Piece::Star, Piece::Literal(l)] => Form::Suffix(l.clone()),
            _ => Form::General(pieces.into()),
        };
        Pattern {
            form,
            case_insensitive,
        }
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let s = text.as_bytes();
        let ci = self.case_insensitive;
        match &self.form {
            Form::Everything => true,
            Form::Exact(l) => bytes_eq(s, l, ci),
            Form::Prefix(l) => s.get(..l.len()).is_some_and(|head| bytes_eq(head, l, ci)),
            Form::Suffix(l) => s
                .len()
                .checked_sub(l.len())
                .and_then(|at| s.get(at..))
                .is_some_and(|tail| bytes_eq(tail, l, ci)),
            Form::General(pieces) => general_match(pieces, s, ci),
        }
    }
}

fn bytes_eq(a: &[u8], b: &[u8], case_insensitive: bool) -> bool {
    if case_insensitive {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// Length of the UTF-8 character starting with byte `b`.
fn char_len(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Classic iterative glob matching: on a mismatch, resume after the most recent `*`, which then
/// swallows one more character. Linear in practice, O(n·m) worst case, never exponential.
fn general_match(pieces: &[Piece], s: &[u8], ci: bool) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    // (piece index after the last star, text index that star currently stops at)
    let mut resume: Option<(usize, usize)> = None;
    loop {
        let advanced = match pieces.get(pi) {
            Some(Piece::Star) => {
                resume = Some((pi + 1, si));
                pi += 1;
                continue;
            }
            Some(Piece::Question) => match s.get(si) {
                Some(&b) => {
                    si += char_len(b);
                    pi += 1;
                    true
                }
                None => false,
            },
            Some(Piece::Literal(l)) => {
                if s.get(si..si + l.len())
                    .is_some_and(|chunk| bytes_eq(chunk, l, ci))
                {
                    si += l.len();
                    pi += 1;
                    true
                } else {
                    false
                }
            }
            None => {
                if si >= s.len() {
                    return true;
                }
                false
            }
        };
        if advanced {
            continue;
        }
        match resume {
            Some((after_star, stop)) => match s.get(stop) {
                Some(&b) => {
                    let next = stop + char_len(b);
                    resume = Some((after_star, next));
                    pi = after_star;
                    si = next;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_are_chosen() {
        assert!(Pattern::new("*").is_everything());
        assert!(Pattern::new("**").is_everything());
        assert!(Pattern::new("abc").is_literal());
        assert!(matches!(Pattern::new("ab*").form, Form::Prefix(_)));
        assert!(matches!(Pattern::new("*ab").form, Form::Suffix(_)));
        assert!(matches!(Pattern::new("a*b").form, Form::General(_)));
    }

    #[test]
    fn star_crosses_slashes_and_colons() {
        let p = Pattern::new("arn:aws:s3:::bucket/*");
        assert!(p.matches("arn:aws:s3:::bucket/a/b:c"));
        assert!(p.matches("arn:aws:s3:::bucket/"));
        assert!(!p.matches("arn:aws:s3:::bucket"));
        assert!(Pattern::new("a*z").matches("a:/:z"));
    }

    #[test]
    fn question_mark_is_exactly_one_character() {
        let p = Pattern::new("user/?");
        assert!(p.matches("user/a"));
        assert!(p.matches("user/é"));
        assert!(!p.matches("user/"));
        assert!(!p.matches("user/ab"));
        assert!(Pattern::new("?*?").matches("ab"));
        assert!(!Pattern::new("?*?").matches("a"));
    }

    #[test]
    fn backtracks_over_stars() {
        assert!(Pattern::new("*a*b*c").matches("xxaxxbxxbxxc"));
        assert!(Pattern::new("a*aa").matches("aaaa"));
        assert!(!Pattern::new("a*aa").matches("aa"));
        assert!(Pattern::new("*ab*ab").matches("abab"));
        assert!(!Pattern::new("*abc*").matches("abxabd"));
    }

    #[test]
    fn actions_are_ascii_case_insensitive() {
        let p = Pattern::new_case_insensitive("s3:Get*");
        assert!(p.matches("S3:getobject"));
        assert!(!p.matches("s3:PutObject"));
        assert!(Pattern::new_case_insensitive("sts:AssumeRole").matches("STS:assumerole"));
        assert!(!Pattern::new("s3:Get*").matches("S3:GetObject"));
    }

    #[test]
    fn empty_pattern_matches_only_empty() {
        assert!(Pattern::new("").matches(""));
        assert!(!Pattern::new("").matches("a"));
    }

    #[test]
    fn literal_pattern_ignores_wildcards() {
        assert!(Pattern::literal("a*").matches("a*"));
        assert!(!Pattern::literal("a*").matches("ab"));
    }
}
