//! Dates for the `Date*` operators: the ISO 8601 forms AWS accepts (`2020-01-01`,
//! `2020-01-01T12:00:00Z`, fractions, `+hh:mm` offsets, the basic form `20200101T120000Z`) and
//! epoch seconds (`1577836800`, optionally with a fraction). Parsed to nanoseconds since the
//! epoch; no time zone database, no clock.

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub(crate) fn parse(text: &str) -> Option<i128> {
    let text = text.trim();
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !text.contains('-')
    {
        let looks_like_date = text.len() == 8 && !text.contains('.');
        if !looks_like_date {
            return epoch(text);
        }
    }
    iso8601(text)
}

fn epoch(text: &str) -> Option<i128> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    if secs.is_empty() || secs.len() > 18 {
        return None;
    }
    let secs: i128 = secs.parse().ok()?;
    Some(secs * 1_000_000_000 + fraction(frac)?)
}

/// Digits after the decimal point as nanoseconds (extra digits are ignored).
fn fraction(digits: &str) -> Option<i128> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for i in 0..9 {
        let d = digits.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
        nanos = nanos * 10 + d;
    }
    Some(nanos)
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<i64> {
        let chunk = self.s.get(self.at..self.at + n)?;
        if !chunk.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += n;
        Some(
            chunk
                .iter()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')),
        )
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn done(&self) -> bool {
        self.at >= self.s.len()
    }
}

fn iso8601(text: &str) -> Option<i128> {
    let mut c = Cursor {
        s: text.as_bytes(),
        at: 0,
    };
    let year = c.digits(4)?;
    let extended = c.eat(b'-');
    let month = c.digits(2)?;
    if extended && !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0i128);
    let mut offset_secs = 0i64;
    if c.eat(b'T') || c.eat(b't') || c.eat(b' ') {
        hour = c.digits(2)?;
        if extended && !c.eat(b':') {
            return None;
        }
        minute = c.digits(2)?;
        if (extended && c.eat(b':')) || (!extended && c.peek().is_some_and(|b| b.is_ascii_digit()))
        {
            second = c.digits(2)?;
            if c.eat(b'.') || c.eat(b',') {
                let start = c.at;
                while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                    c.at += 1;
                }
                let digits = std::str::from_utf8(c.s.get(start..c.at)?).ok()?;
                if digits.is_empty() {
                    return None;
                }
                nanos = fraction(digits)?;
            }
        }
        if hour > 24
            || minute > 59
            || second > 60
            || (hour == 24 && (minute, second, nanos) != (0, 0, 0))
        {
            return None;
        }
        match c.peek() {
            Some(b'Z' | b'z') => {
                c.at += 1;
            }
            Some(sign @ (b'+' | b'-')) => {
                c.at += 1;
                let oh = c.digits(2)?;
                c.eat(b':');
                let om = if c.done() { 0 } else { c.digits(2)? };
                if oh > 23 || om > 59 {
                    return None;
                }
                offset_secs = (oh * 3600 + om * 60) * if sign == b'+' { 1 } else { -1 };
            }
            _ => {}
        }
    }
    if !c.done() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse;

    const S: i128 = 1_000_000_000;

    #[test]
    fn iso_forms_agree() {
        let t = 1_577_880_000 * S; // 2020-01-01T12:00:00Z
        for text in [
            "2020-01-01T12:00:00Z",
            "2020-01-01T12:00Z",
            "2020-01-01T12:00:00.000Z",
            "2020-01-01T13:00:00+01:00",
            "2020-01-01T07:00:00-0500",
            "20200101T120000Z",
            "1577880000",
            "2020-01-01T12:00:00",
        ] {
            assert_eq!(parse(text), Some(t), "{text}");
        }
        assert_eq!(parse("2020-01-01"), Some(1_577_836_800 * S));
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2020-01-01T12:00:00.5Z"), Some(t + S / 2));
        assert_eq!(parse("1577880000.25"), Some(t + S / 4));
        assert_eq!(parse("2024-02-29"), Some(1_709_164_800 * S));
    }

    #[test]
    fn refuses_non_dates() {
        for text in [
            "",
            "soon",
            "2020-13-01",
            "2021-02-29",
            "2020-01-01T25:00:00Z",
            "2020-01-01T12:00:00Q",
            "2020-1-1",
            "12:00",
            "1.2.3",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
