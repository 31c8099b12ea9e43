//! SigV4 timestamps: `20150830T123600Z` (ISO 8601 basic format), the form of the string to sign
//! and of AWS's error messages. AWS also accepts the extended form `2015-08-30T12:36:00Z` in the
//! date header, so parsing takes both; output is always basic.

use std::fmt;

use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Parses `YYYYMMDDTHHMMSSZ` or `YYYY-MM-DDTHH:MM:SSZ` (UTC only).
pub(crate) fn parse_iso8601(value: &str) -> Option<OffsetDateTime> {
    let digits: Vec<u8> = match value.len() {
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
fn basic_digits(bytes: &[u8]) -> Option<Vec<u8>> {
    match bytes {
        [date @ .., b'T', _, _, _, _, _, _, b'Z'] if date.len() == 8 => {
            let mut digits = date.to_vec();
            digits.extend_from_slice(bytes.get(9..15)?);
            Some(digits)
        }
        _ => None,
    }
}

/// The 14 digits of `YYYY-MM-DDTHH:MM:SSZ`, if the separators are right.
fn extended_digits(bytes: &[u8]) -> Option<Vec<u8>> {
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
        ] => Some(vec![
            *y1, *y2, *y3, *y4, *m1, *m2, *d1, *d2, *h1, *h2, *n1, *n2, *s1, *s2,
        ]),
        _ => None,
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
