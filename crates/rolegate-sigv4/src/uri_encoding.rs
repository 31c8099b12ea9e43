//! Percent-encoding exactly as SigV4 defines it: keep `A-Z a-z 0-9 - . _ ~`, encode every other
//! byte as `%XX` with upper-case hex. Decoding follows form rules for queries (`+` is a space),
//! and reports malformed escapes with AWS's wording.

use std::borrow::Cow;

/// A malformed `%` escape in a query string (AWS answers `MalformedQueryString`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EscapeError {
    /// `%` followed by fewer than two characters at the end of the input.
    IncompleteTrailing,
    /// `%` followed by two characters that are not both hex digits (the two characters).
    IllegalHex(String),
}

/// Whether SigV4 keeps each byte as it is: one lookup per byte, since every byte of a presigned
/// URL's query is checked on every request.
#[allow(
    clippy::indexing_slicing,
    reason = "the loop keeps `index` below the table's length"
)]
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut index = 0;
    while index < table.len() {
        let byte = index as u8;
        table[index] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        index += 1;
    }
    table
};

/// True for the bytes SigV4 never encodes.
pub(crate) fn is_unreserved(byte: u8) -> bool {
    UNRESERVED.get(usize::from(byte)).copied().unwrap_or(false)
}

fn upper_hex_digit(nibble: u8) -> char {
    char::from(if nibble < 10 {
        b'0' + nibble
    } else {
        b'A' + (nibble - 10)
    })
}

/// Appends `bytes` to `out`, percent-encoded; `/` is kept when `keep_slash` (paths).
pub(crate) fn encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
    for &byte in bytes {
        if is_unreserved(byte) || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(upper_hex_digit(byte >> 4));
            out.push(upper_hex_digit(byte & 0x0f));
        }
    }
}

/// `bytes` percent-encoded into a new string (`/` encoded too).
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    encode_into(&mut out, bytes, false);
    out
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// The `name=value` pieces of a query string or form body, in order: empty pieces are skipped, and
/// a piece without `=` has an empty value. (`&` and `=` are found with `memchr`: a presigned URL
/// is split twice per request, and `str::split` walked it character by character.)
pub(crate) fn query_pairs(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let end = memchr::memchr(b'&', rest.as_bytes()).unwrap_or(rest.len());
            // `&` and `=` are ASCII, so every cut below is on a character boundary.
            let piece = rest.get(..end).unwrap_or_default();
            rest = rest.get(end + 1..).unwrap_or_default();
            if piece.is_empty() {
                continue;
            }
            return Some(match memchr::memchr(b'=', piece.as_bytes()) {
                Some(eq) => (
                    piece.get(..eq).unwrap_or_default(),
                    piece.get(eq + 1..).unwrap_or_default(),
                ),
                None => (piece, ""),
            });
        }
    })
}

/// The first malformed `%` escape of `input`, if any, in AWS's terms.
pub(crate) fn check_escapes(input: &str) -> Result<(), EscapeError> {
    let mut rest = input.as_bytes();
    while let Some(percent) = memchr::memchr(b'%', rest) {
        rest = rest.get(percent + 1..).unwrap_or_default();
        let (Some(&high), Some(&low)) = (rest.first(), rest.get(1)) else {
            return Err(EscapeError::IncompleteTrailing);
        };
        if hex_value(high).is_none() || hex_value(low).is_none() {
            let pattern = String::from_utf8_lossy(rest.get(..2).unwrap_or(rest));
            return Err(EscapeError::IllegalHex(pattern.into_owned()));
        }
        rest = rest.get(2..).unwrap_or_default();
    }
    Ok(())
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_as_space`). A malformed escape stays
/// literal (so it is re-encoded as `%25..`): [`check_escapes`] is what rejects one, and a request
/// being canonicalised may never have been validated by [`crate::parse`].
pub(crate) fn decode_lenient(input: &str, plus_as_space: bool) -> Cow<'_, [u8]> {
    let bytes = input.as_bytes();
    let escaped = if plus_as_space {
        memchr::memchr2(b'%', b'+', bytes)
    } else {
        memchr::memchr(b'%', bytes)
    };
    if escaped.is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'%' => match (
                rest.first().copied().and_then(hex_value),
                rest.get(1).copied().and_then(hex_value),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h << 4) | l);
                    rest = rest.get(2..).unwrap_or_default();
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_as_space => out.push(b' '),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_split_on_the_first_equals_and_skip_empty_pieces() {
        let pairs: Vec<_> = query_pairs("&a=1&&b&c=x=y&=v&").collect();
        assert_eq!(pairs, [("a", "1"), ("b", ""), ("c", "x=y"), ("", "v")]);
        assert_eq!(query_pairs("").count(), 0);
        assert_eq!(query_pairs("&&").count(), 0);
        let pairs: Vec<_> = query_pairs("k=ሴ&ሴ").collect();
        assert_eq!(pairs, [("k", "ሴ"), ("ሴ", "")]);
    }

    #[test]
    fn unreserved_bytes_are_exactly_sigv4s() {
        let kept: Vec<u8> = (0..=u8::MAX).filter(|&b| is_unreserved(b)).collect();
        let mut expected: Vec<u8> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain(*b"-._~")
            .collect();
        expected.sort_unstable();
        assert_eq!(kept, expected);
    }

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(encode(b"-._~azAZ09"), "-._~azAZ09");
        assert_eq!(encode(b"a b/c+%"), "a%20b%2Fc%2B%25");
        assert_eq!(encode("ሴ".as_bytes()), "%E1%88%B4");
        let mut path = String::new();
        encode_into(&mut path, b"/a b/", true);
        assert_eq!(path, "/a%20b/");
    }

    #[test]
    fn decodes_escapes_and_plus() {
        assert_eq!(decode_lenient("a%20b+c", true).as_ref(), b"a b c");
        assert_eq!(decode_lenient("a+c", false).as_ref(), b"a+c");
        assert_eq!(decode_lenient("%e1%88%B4", true).as_ref(), "ሴ".as_bytes());
        assert!(matches!(decode_lenient("plain", true), Cow::Borrowed(_)));
    }

    #[test]
    fn reports_malformed_escapes_like_aws() {
        assert_eq!(check_escapes("a%20b%7e+"), Ok(()));
        assert_eq!(check_escapes("a%4"), Err(EscapeError::IncompleteTrailing));
        assert_eq!(check_escapes("%"), Err(EscapeError::IncompleteTrailing));
        assert_eq!(
            check_escapes("%zz1"),
            Err(EscapeError::IllegalHex("zz".into()))
        );
        assert_eq!(
            check_escapes("%4g"),
            Err(EscapeError::IllegalHex("4g".into()))
        );
    }

    #[test]
    fn lenient_decoding_keeps_bad_escapes_literal() {
        assert_eq!(decode_lenient("%zz%41%4", true).as_ref(), b"%zzA%4");
        assert_eq!(encode(&decode_lenient("%zz", true)), "%25zz");
    }
}
