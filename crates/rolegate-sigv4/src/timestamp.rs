//! SigV4 timestamps: `20150830T123600Z` (ISO 8601 basic format), the form of the string to sign
//! and of AWS's error messages. AWS also accepts the extended form `2015-08-30T12:36:00Z` in the
//! date header, so parsing takes both; output is always basic.

use std::fmt;

use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Parses `YYYYMMDDTHHMMSSZ` or `YYYY-MM-DDTHH:MM:SSZ` (UTC only).
pub(crate) fn parse_iso8601(value: &str) -> Option<OffsetDateTime> {
    let digits: [u8; 14] = match value.len() {
        16 => basic_digits(value.as_bytes())?,
        20 => extended_digits(value.as_bytes())?,
        _ => return None,
    };
    let number = |from: usize, to: usize| -> Option<u32> {
        digits.get(from..to)?.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    let month = Month::try_from(u8::try_from(number(4, 6)?).ok()?).ok()?;
    let day = u8::try_from(number(6, 8)?).ok()?;
    let hour = u8::try_from(number(8, 10)?).ok()?;
    let minute = u8::try_from(number(10, 12)?).ok()?;
    let second = u8::try_from(number(12, 14)?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// The 14 digits of `YYYYMMDDTHHMMSSZ`, if the separators are right.
fn basic_digits(bytes: &[u8]) -> Option<[u8; 14]> {
    match bytes {
        [
            y1,
            y2,
            y3,
            y4,
            m1,
            m2,
            d1,
            d2,
            b'T',
            h1,
            h2,
            n1,
            n2,
            s1,
            s2,
            b'Z',
        ] => Some([
            *y1, *y2, *y3, *y4, *m1, *m2, *d1, *d2, *h1, *h2, *n1, *n2, *s1, *s2,
        ]),
        _ => None,
    }
}

/// The 14 digits of `YYYY-MM-DDTHH:MM:SSZ`, if the separators are right.
fn extended_digits(bytes: &[u8]) -> Option<[u8; 14]> {
    match bytes {
        [
            y1,
            y2,
            y3,
            y4,
            b'-',
            m1,
            m2,
            b'-',
            d1,
            d2,
            b'T',
            h1,
            h2,
            b':',
            n1,
            n2,
            b':',
            s1,
            s2,
            b'Z',
        ] => Some([
            *y1, *y2, *y3, *y4, *m1, *m2, *d1, *d2, *h1, *h2, *n1, *n2, *s1, *s2,
        ]),
        _ => None,
    }
}

/// The ASCII digits of `t` in UTC as `YYYYMMDD` and `HHMMSS`, or `None` for a year outside
/// 0..=9999 (which `{:04}` would print differently; only error messages can meet one).
fn basic_digits_of(t: OffsetDateTime) -> Option<([u8; 8], [u8; 6])> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let year = u16::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let two = |n: u8| [b'0' + n / 10 % 10, b'0' + n % 10];
    let [y1, y2] = two(u8::try_from(year / 100).ok()?);
    let [y3, y4] = two(u8::try_from(year % 100).ok()?);
    let [m1, m2] = two(u8::from(t.month()));
    let [d1, d2] = two(t.day());
    let [h1, h2] = two(t.hour());
    let [n1, n2] = two(t.minute());
    let [s1, s2] = two(t.second());
    Some(([y1, y2, y3, y4, m1, m2, d1, d2], [h1, h2, n1, n2, s1, s2]))
}

/// Appends `YYYYMMDDTHHMMSSZ` (the string to sign's form) without going through `fmt`.
pub(crate) fn push_basic(out: &mut String, t: OffsetDateTime) {
    match basic_digits_of(t) {
        Some((date, time)) => {
            out.push_str(std::str::from_utf8(&date).unwrap_or_default());
            out.push('T');
            out.push_str(std::str::from_utf8(&time).unwrap_or_default());
            out.push('Z');
        }
        None => out.push_str(&Basic(t).to_string()),
    }
}

/// Whether `date` is `t`'s UTC date as `YYYYMMDD` (the credential-scope check), without
/// formatting a string.
pub(crate) fn is_scope_date(date: &str, t: OffsetDateTime) -> bool {
    match basic_digits_of(t) {
        Some((digits, _)) => date.as_bytes() == digits,
        None => date == ScopeDate(t).to_string(),
    }
}

/// Displays a timestamp as `YYYYMMDDTHHMMSSZ` (converted to UTC).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Basic(pub(crate) OffsetDateTime);

impl fmt::Display for Basic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0.to_offset(time::UtcOffset::UTC);
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

/// Displays a timestamp's date as `YYYYMMDD` (the credential-scope date).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScopeDate(pub(crate) OffsetDateTime);

impl fmt::Display for ScopeDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0.to_offset(time::UtcOffset::UTC);
        write!(f, "{:04}{:02}{:02}", t.year(), u8::from(t.month()), t.day())
    }
}

/// Displays a clock window the way AWS does in its expiry messages: `15 min`, or `90 sec` when
/// the window is not a whole number of minutes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window(pub(crate) Duration);

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.whole_seconds();
        if seconds % 60 == 0 {
            write!(f, "{} min", seconds / 60)
        } else {
            write!(f, "{seconds} sec")
        }
    }
}

#[cfg(test)]
#[allow(clippy::string_slice, reason = "test data is ASCII")]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_basic_and_extended() {
        let expected = datetime!(2015-08-30 12:36:00 UTC);
        assert_eq!(parse_iso8601("20150830T123600Z"), Some(expected));
        assert_eq!(parse_iso8601("2015-08-30T12:36:00Z"), Some(expected));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "20150830T123600",
            "20150830 123600Z",
            "2015083OT123600Z",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T246000Z",
            "2015-08-30 12:36:00Z",
            "Sun, 30 Aug 2015 12:36:00 GMT",
            "+0150830T123600Z",
            "２015083T123600Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn fast_basic_and_scope_date_match_display() {
        let edges = [
            datetime!(0000-01-01 00:00:00 UTC),
            datetime!(0009-09-09 09:09:09 UTC),
            datetime!(0999-12-31 23:59:59.999 UTC),
            datetime!(2015-08-30 12:36:00 UTC),
            datetime!(2015-08-30 14:36:00 +02:00),
            datetime!(2015-08-31 00:30:00 +01:00),
            datetime!(9999-12-31 23:59:59 UTC),
            OffsetDateTime::from_unix_timestamp(-62_167_219_201).unwrap(),
            OffsetDateTime::from_unix_timestamp(-377_705_116_800).unwrap(),
        ];
        for t in edges {
            let mut out = String::from(">");
            push_basic(&mut out, t);
            assert_eq!(out, format!(">{}", Basic(t)), "{t}");
            let date = ScopeDate(t).to_string();
            assert!(is_scope_date(&date, t), "{t}");
            assert!(!is_scope_date(&date[1..], t), "{t}");
            assert!(!is_scope_date("20150829", t), "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_basic_matches_display(seconds in -377_704_944_000i64..=253_402_128_000, offset in -86_399i32..=86_399) {
            let offset = time::UtcOffset::from_whole_seconds(offset).unwrap();
            let t = OffsetDateTime::from_unix_timestamp(seconds).unwrap().to_offset(offset);
            let mut out = String::new();
            push_basic(&mut out, t);
            proptest::prop_assert_eq!(out, Basic(t).to_string());
            proptest::prop_assert!(is_scope_date(&ScopeDate(t).to_string(), t));
        }
    }

    #[test]
    fn formats_basic_scope_date_and_window() {
        let t = datetime!(2015-08-30 12:36:00 UTC);
        assert_eq!(Basic(t).to_string(), "20150830T123600Z");
        assert_eq!(ScopeDate(t).to_string(), "20150830");
        let shifted = datetime!(2015-08-30 14:36:00 +02:00);
        assert_eq!(Basic(shifted).to_string(), "20150830T123600Z");
        assert_eq!(Window(Duration::minutes(15)).to_string(), "15 min");
        assert_eq!(Window(Duration::seconds(90)).to_string(), "90 sec");
    }
}
