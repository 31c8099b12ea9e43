//! A small span-tracking JSON reader for policy documents.
//!
//! serde_json forgets where things were and silently keeps the last of two duplicate keys; a
//! policy parser needs line:column positions for its errors, must refuse duplicate keys and must
//! bound nesting depth, so it reads documents with this reader instead (policies are a few KB).

use std::fmt;

/// Deepest nesting accepted. Real policies nest four levels (document, statement list,
/// statement, condition block, key); this leaves room while bounding recursion.
pub(crate) const MAX_DEPTH: usize = 32;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A JSON value with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) at: Location,
    pub(crate) value: Value,
}

/// A JSON value. Numbers keep their source text: policies compare them as strings or parse them
/// per operator, and the text must survive a round trip.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in document order; keys are unique (the reader refuses duplicates).
    Object(Vec<(String, Node)>),
}

impl Value {
    /// The JSON type name, for error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub(crate) at: Location,
    pub(crate) reason: JsonErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonErrorKind {
    UnexpectedEnd,
    UnexpectedChar(char),
    TrailingCharacters,
    BadEscape,
    BadNumber,
    ControlCharacterInString,
    DuplicateKey(String),
    TooDeep,
}

impl fmt::Display for JsonErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonErrorKind::UnexpectedEnd => f.write_str("unexpected end of input"),
            JsonErrorKind::UnexpectedChar(c) => write!(f, "unexpected character {c:?}"),
            JsonErrorKind::TrailingCharacters => {
                f.write_str("trailing characters after the document")
            }
            JsonErrorKind::BadEscape => f.write_str("invalid escape sequence"),
            JsonErrorKind::BadNumber => f.write_str("invalid number"),
            JsonErrorKind::ControlCharacterInString => f.write_str("control character in string"),
            JsonErrorKind::DuplicateKey(k) => write!(f, "duplicate key {k:?}"),
            JsonErrorKind::TooDeep => write!(f, "nesting deeper than {MAX_DEPTH} levels"),
        }
    }
}

/// Reads one JSON document (surrounding whitespace allowed, nothing else).
pub(crate) fn parse(text: &str) -> Result<Node, JsonError> {
    let mut reader = Reader {
        chars: text.char_indices().peekable(),
        line: 1,
        col: 1,
    };
    reader.skip_whitespace();
    let node = reader.value(0)?;
    reader.skip_whitespace();
    match reader.peek() {
        None => Ok(node),
        Some(_) => Err(reader.error(JsonErrorKind::TrailingCharacters)),
    }
}

/// Whether a character is JSON whitespace (also what policy sizes do not count).
pub(crate) fn is_json_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: u32,
    col: u32,
}

impl Reader<'_> {
    fn here(&self) -> Location {
        Location {
            line: self.line,
            col: self.col,
        }
    }

    fn error(&self, reason: JsonErrorKind) -> JsonError {
        JsonError {
            at: self.here(),
            reason,
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    fn expect(&mut self, wanted: char) -> Result<(), JsonError> {
        match self.peek() {
            Some(c) if c == wanted => {
                self.bump();
                Ok(())
            }
            Some(c) => Err(self.error(JsonErrorKind::UnexpectedChar(c))),
            None => Err(self.error(JsonErrorKind::UnexpectedEnd)),
        }
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_json_whitespace) {
            self.bump();
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        let at = self.here();
        let value = match self.peek() {
            None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"') => Value::String(self.string()?),
            Some('t') => self.literal("true", Value::Bool(true))?,
            Some('f') => self.literal("false", Value::Bool(false))?,
            Some('n') => self.literal("null", Value::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => Value::Number(self.number()?),
            Some(c) => return Err(self.error(JsonErrorKind::UnexpectedChar(c))),
        };
        Ok(Node { at, value })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        for wanted in word.chars() {
            self.expect(wanted)?;
        }
        Ok(value)
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.expect('{')?;
        let mut members: Vec<(String, Node)> = Vec::new();
        // A set, not a scan of `members`: objects with many keys must not cost quadratic time.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        self.skip_whitespace();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            let key_at = self.here();
            if self.peek() != Some('"') {
                return Err(match self.peek() {
                    Some(c) => self.error(JsonErrorKind::UnexpectedChar(c)),
                    None => self.error(JsonErrorKind::UnexpectedEnd),
                });
            }
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return Err(JsonError {
                    at: key_at,
                    reason: JsonErrorKind::DuplicateKey(key),
                });
            }
            self.skip_whitespace();
            self.expect(':')?;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.bump() {
                Some(',') => continue,
                Some('}') => return Ok(Value::Object(members)),
                Some(c) => return Err(self.error(JsonErrorKind::UnexpectedChar(c))),
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.expect('[')?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.bump() {
                Some(',') => continue,
                Some(']') => return Ok(Value::Array(items)),
                Some(c) => return Err(self.error(JsonErrorKind::UnexpectedChar(c))),
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            let at = self.here();
            match self.bump() {
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
                Some('"') => return Ok(out),
                Some('\\') => {
                    let c = match self.bump() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => self.unicode_escape(at)?,
                        _ => {
                            return Err(JsonError {
                                at,
                                reason: JsonErrorKind::BadEscape,
                            });
                        }
                    };
                    out.push(c);
                }
                Some(c) if (c as u32) < 0x20 => {
                    return Err(JsonError {
                        at,
                        reason: JsonErrorKind::ControlCharacterInString,
                    });
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn hex4(&mut self, at: Location) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.bump().and_then(|c| c.to_digit(16)).ok_or(JsonError {
                at,
                reason: JsonErrorKind::BadEscape,
            })?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn unicode_escape(&mut self, at: Location) -> Result<char, JsonError> {
        let bad = JsonError {
            at,
            reason: JsonErrorKind::BadEscape,
        };
        let first = self.hex4(at)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            // A high surrogate must be followed by an escaped low surrogate.
            if self.bump() != Some('\\') || self.bump() != Some('u') {
                return Err(bad);
            }
            let second = self.hex4(at)?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(bad);
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or(bad)
    }

    fn number(&mut self) -> Result<String, JsonError> {
        let at = self.here();
        let bad = JsonError {
            at,
            reason: JsonErrorKind::BadNumber,
        };
        let mut text = String::new();
        if self.peek() == Some('-') {
            text.push('-');
            self.bump();
        }
        // Integer part: 0 or a non-zero digit followed by digits.
        match self.peek() {
            Some('0') => {
                text.push('0');
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => self.digits(&mut text),
            _ => return Err(bad),
        }
        if self.peek() == Some('.') {
            text.push('.');
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(bad);
            }
            self.digits(&mut text);
        }
        if let Some(e @ ('e' | 'E')) = self.peek() {
            text.push(e);
            self.bump();
            if let Some(s @ ('+' | '-')) = self.peek() {
                text.push(s);
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(bad);
            }
            self.digits(&mut text);
        }
        Ok(text)
    }

    fn digits(&mut self, text: &mut String) {
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            text.push(c);
            self.bump();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u32, col: u32) -> Location {
        Location { line, col }
    }

    #[test]
    fn reads_nested_values_with_positions() {
        let node =
            parse("{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"x\\u00e9\\n\"\n}").unwrap();
        assert_eq!(node.at, loc(1, 1));
        let Value::Object(members) = node.value else {
            panic!("object expected")
        };
        assert_eq!(members[0].0, "a");
        assert_eq!(members[0].1.at, loc(2, 8));
        let Value::Array(items) = &members[0].1.value else {
            panic!("array expected")
        };
        assert_eq!(items[1].value, Value::Number("-2.5e3".into()));
        assert_eq!(items[2].value, Value::Bool(true));
        assert_eq!(items[3].value, Value::Null);
        assert_eq!(members[1].1.value, Value::String("xé\n".into()));
        assert_eq!(members[1].1.at, loc(3, 8));
    }

    #[test]
    fn refuses_duplicate_keys_at_the_second_key() {
        let err = parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(err.reason, JsonErrorKind::DuplicateKey("a".into()));
        assert_eq!(err.at, loc(2, 2));
    }

    #[test]
    fn many_keys_stay_linear() {
        let text = format!(
            "{{{}}}",
            (0..50_000)
                .map(|i| format!("\"k{i}\":{i}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let start = std::time::Instant::now();
        assert!(parse(&text).is_ok());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn bounds_depth() {
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert_eq!(parse(&deep).unwrap_err().reason, JsonErrorKind::TooDeep);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn refuses_malformed_input() {
        for bad in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "[1,]",
            "{,}",
            "01",
            "1.",
            "-",
            "1e",
            "\"\\x\"",
            "\"\u{1}\"",
            "tru",
            "{} {}",
            "\"\\ud800\"",
            "\"\\ud800\\u0041\"",
            "{'a':1}",
            "[1 2]",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn decodes_surrogate_pairs() {
        let node = parse("\"\\ud83d\\ude00\"").unwrap();
        assert_eq!(node.value, Value::String("😀".into()));
    }

    #[test]
    fn counts_columns_in_characters() {
        let err = parse("[\"é\", x]").unwrap_err();
        assert_eq!(err.at, loc(1, 7));
        assert_eq!(err.reason, JsonErrorKind::UnexpectedChar('x'));
    }
}
