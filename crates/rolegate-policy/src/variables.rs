//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`, `${?}`,
//! `${$}`) in `Resource` and condition values, for `2012-10-17` documents only.
//!
//! A value is parsed once into a [`Template`]; at evaluation the variables are looked up in the
//! request context. Substituted text is literal (a `*` in a tag value is not a wildcard). A
//! variable whose key is absent or multi-valued, with no default, leaves the value unresolved:
//! that `Resource` entry or condition value then matches nothing ("Policy variables with no
//! value", IAM User Guide).

use crate::wildcard::{Token, tokenize};

/// A value with policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Policy text: `*` and `?` are wildcards where the operator has wildcards.
    Text(String),
    /// `${*}`, `${?}`, `${$}`: always literal.
    Literal(char),
    /// `${key}` or `${key, 'default'}`; the key lower-cased (context keys ignore case).
    Variable {
        key: String,
        default: Option<String>,
    },
}

/// Where variable values come from.
pub(crate) trait Lookup {
    /// The values of a context key (given lower-cased), if present.
    fn values(&self, key_lower: &str) -> Option<&[String]>;
}

impl Template {
    /// Parses `text`; `None` if it contains no variable (the common case: compile it statically).
    pub(crate) fn parse(text: &str) -> Option<Template> {
        if !text.contains("${") {
            return None;
        }
        let mut parts = Vec::new();
        let mut rest = text;
        let mut plain = String::new();
        let mut found = false;
        while let Some(start) = rest.find("${") {
            let (before, after) = rest.split_at(start);
            plain.push_str(before);
            let body_and_more = after.get(2..).unwrap_or_default();
            match body_and_more
                .find('}')
                .and_then(|end| Some((parse_variable(body_and_more.get(..end)?)?, end)))
            {
                Some((part, end)) => {
                    if !plain.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut plain)));
                    }
                    parts.push(part);
                    found = true;
                    rest = body_and_more.get(end + 1..).unwrap_or_default();
                }
                None => {
                    // Not a well-formed variable: keep `${` as text and go on after it.
                    plain.push_str("${");
                    rest = body_and_more;
                }
            }
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            parts.push(Part::Text(plain));
        }
        found.then_some(Template { parts })
    }

    /// The lower-cased keys this template reads.
    #[cfg(test)]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// Substitutes every variable into plain text (for operators without wildcards).
    pub(crate) fn resolve_text(&self, env: &dyn Lookup) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Literal(c) => out.push(*c),
                Part::Variable { key, default } => {
                    out.push_str(resolve(key, default.as_deref(), env)?)
                }
            }
        }
        Some(out)
    }

    /// Substitutes every variable into wildcard tokens (for `Resource`, `StringLike`, `ArnLike`).
    pub(crate) fn resolve_tokens(&self, env: &dyn Lookup, out: &mut Vec<Token>) -> Option<()> {
        for part in &self.parts {
            match part {
                Part::Text(t) => tokenize(t, out),
                Part::Literal(c) => out.push(Token::Literal(c.to_string())),
                Part::Variable { key, default } => {
                    out.push(Token::Literal(
                        resolve(key, default.as_deref(), env)?.to_owned(),
                    ));
                }
            }
        }
        Some(())
    }
}

fn resolve<'a>(key: &str, default: Option<&'a str>, env: &'a dyn Lookup) -> Option<&'a str> {
    match env.values(key) {
        Some([one]) => Some(one.as_str()),
        _ => default,
    }
}

/// Reads the inside of `${...}`.
fn parse_variable(body: &str) -> Option<Part> {
    let trimmed = body.trim();
    match trimmed {
        "*" => return Some(Part::Literal('*')),
        "?" => return Some(Part::Literal('?')),
        "$" => return Some(Part::Literal('$')),
        _ => {}
    }
    let (key, default) = match trimmed.split_once(',') {
        Some((key, default)) => (key.trim(), Some(parse_default(default.trim())?)),
        None => (trimmed, None),
    };
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return None;
    }
    Some(Part::Variable {
        key: key.to_lowercase(),
        default,
    })
}

/// `'text'` with `''` standing for one quote.
fn parse_default(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Inside the quotes a quote must be doubled.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Env(Vec<(&'static str, Vec<String>)>);
    impl Lookup for Env {
        fn values(&self, key: &str) -> Option<&[String]> {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_slice())
        }
    }

    fn env() -> Env {
        Env(vec![
            ("aws:username", vec!["alice".into()]),
            ("aws:principaltag/team", vec!["a*b".into()]),
            ("multi", vec!["x".into(), "y".into()]),
        ])
    }

    #[test]
    fn plain_text_is_not_a_template() {
        assert!(Template::parse("arn:aws:s3:::bucket/*").is_none());
        assert!(Template::parse("${unterminated").is_none());
    }

    #[test]
    fn substitutes_case_insensitive_keys() {
        let t = Template::parse("home/${aws:UserName}/*").unwrap();
        assert_eq!(t.resolve_text(&env()).unwrap(), "home/alice/*");
        assert_eq!(t.keys().collect::<Vec<_>>(), ["aws:username"]);
    }

    #[test]
    fn special_characters_and_defaults() {
        let t = Template::parse("${*}${?}${$}-${ aws:userid , 'it''s' }").unwrap();
        assert_eq!(t.resolve_text(&env()).unwrap(), "*?$-it's");
        let t = Template::parse("${multi}").unwrap();
        assert_eq!(
            t.resolve_text(&env()),
            None,
            "multi-valued keys do not substitute"
        );
        let t = Template::parse("${multi, 'd'}").unwrap();
        assert_eq!(t.resolve_text(&env()).unwrap(), "d");
        assert_eq!(
            Template::parse("${missing}x").unwrap().resolve_text(&env()),
            None
        );
    }

    #[test]
    fn substituted_text_is_literal_in_patterns() {
        let t = Template::parse("${aws:PrincipalTag/team}*${*}").unwrap();
        let mut tokens = Vec::new();
        t.resolve_tokens(&env(), &mut tokens).unwrap();
        assert_eq!(
            tokens,
            [
                Token::Literal("a*b".into()),
                Token::Star,
                Token::Literal("*".into())
            ]
        );
    }

    #[test]
    fn malformed_variables_stay_text() {
        let t = Template::parse("${a b}${ok}").unwrap();
        let e = Env(vec![("ok", vec!["v".into()])]);
        assert_eq!(t.resolve_text(&e).unwrap(), "${a b}v");
        assert!(Template::parse("${x, unquoted}").is_none());
    }
}
