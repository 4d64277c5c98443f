//! Scalar values of the spec: dates and timestamps, integers, decimals (with one canonical
//! text per numeric value), boolean words, and the "spreadsheet turned an identifier into
//! scientific notation" heuristic.
//!
//! Everything here is hand-written byte scanning: these functions run once per field of
//! every record, so they avoid regexes and allocate only when they hand back an owned String.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Hint for a date written in a local format (`05/10/2000`, `10.05.2000`, `2023-1-5`).
pub const HINT_LOCAL_DATE: &str =
    "dates must be written YYYY-MM-DD (e.g. 2000-05-10); day/month order is never guessed";
/// Hint for an RFC 3339 timestamp without a zone offset.
pub const HINT_ZONE_REQUIRED: &str =
    "a timestamp needs a zone offset (Z or +HH:MM), e.g. 2020-09-20T10:00:00Z";
/// Hint for a timestamp whose date and time are separated by a space instead of `T`.
pub const HINT_T_SEPARATOR: &str =
    "date and time must be separated by T, e.g. 2020-09-20T10:00:00Z";
/// Hint for a vendor timestamp (`yyyy-MM-dd HH:mm:ss.SSSZ`) without its zone offset.
pub const HINT_VENDOR_ZONE: &str =
    "a timestamp needs a zone offset, e.g. 2022-12-11 12:10:11.000+0200";
/// Hint for a value that should be a timestamp but is something else (e.g. a bare date).
pub const HINT_VENDOR_TIMESTAMP: &str =
    "expected a timestamp such as 2022-12-11 12:10:11.000+0200 or 2022-12-11T12:10:11Z";

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Days between 0000-03-01 and 1970-01-01 in the civil-from-days algorithm.
const EPOCH_SHIFT: i64 = 719_468;
const DAYS_PER_ERA: i64 = 146_097;
/// `from_days_since_epoch` clamps to this many days either side of the epoch (about 1.5
/// billion years) so the computed year always fits an `i32`.
const MAX_EPOCH_DAYS: i64 = 1 << 39;

impl Date {
    /// Strict `YYYY-MM-DD` (exactly 4-digit year 0001-9999, real calendar day, leap years right).
    pub fn parse_plain(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 {
            return None;
        }
        lex_ymd(b)?.validate().ok()
    }

    /// Today's date in UTC from the system clock.
    pub fn today_utc() -> Date {
        let days = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs() / 86_400).unwrap_or(i64::MAX),
            Err(e) => {
                // A clock before 1970: any fraction of a second back is already the day before.
                let d = e.duration();
                let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
                -i64::try_from(secs.div_ceil(86_400)).unwrap_or(i64::MAX)
            }
        };
        Date::from_days_since_epoch(days)
    }

    /// The date `days` after 1970-01-01 (negative: before). Values beyond about ±1.5 billion
    /// years are clamped so the year fits an `i32`.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days.clamp(-MAX_EPOCH_DAYS, MAX_EPOCH_DAYS) + EPOCH_SHIFT;
        // Work in 400-year eras starting on 1 March so the leap day is the last day of a year.
        let era = z.div_euclid(DAYS_PER_ERA);
        let doe = z - era * DAYS_PER_ERA;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        }
    }

    /// Days since 1970-01-01 (negative before it); the inverse of `from_days_since_epoch`.
    pub fn days_since_epoch(self) -> i64 {
        let m = i64::from(self.month);
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * DAYS_PER_ERA + doe - EPOCH_SHIFT
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A parsed spec Date value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateValue {
    /// `YYYY-MM-DD`, or an XML date with zone (`2020-09-20Z`, `2020-09-20+02:00`): canonical is the plain date.
    Plain(Date),
    /// An ISO-8601 / RFC 3339 timestamp; `canonical` is the normalised RFC 3339 text.
    Timestamp { date: Date, canonical: String },
}

impl DateValue {
    /// The calendar date, whatever the form.
    pub fn date(&self) -> Date {
        match self {
            DateValue::Plain(d) => *d,
            DateValue::Timestamp { date, .. } => *date,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of any accepted shape; `hint` is a helpful extra sentence when the text looks like a
    /// local-format date ([`HINT_LOCAL_DATE`]), a timestamp without zone offset
    /// ([`HINT_ZONE_REQUIRED`], [`HINT_VENDOR_ZONE`]), a timestamp with a space before the time
    /// ([`HINT_T_SEPARATOR`]) or a non-timestamp where a timestamp is required
    /// ([`HINT_VENDOR_TIMESTAMP`]).
    Shape { hint: Option<&'static str> },
    /// Right shape but not a real calendar date/time (2023-02-30, 2021-02-29, 2023-13-01,
    /// 25:00 hours, offset +15:00).
    NotACalendarDate,
}

const SHAPE: DateError = DateError::Shape { hint: None };

const fn shape_hint(hint: &'static str) -> DateError {
    DateError::Shape { hint: Some(hint) }
}

/// Date digits as written, before calendar checks.
#[derive(Clone, Copy)]
struct RawDate {
    year: u16,
    month: u8,
    day: u8,
}

impl RawDate {
    fn validate(self) -> Result<Date, DateError> {
        let year = i32::from(self.year);
        let ok = (1..=9999).contains(&year)
            && (1..=12).contains(&self.month)
            && (1..=days_in_month(year, self.month)).contains(&self.day);
        if ok {
            Ok(Date {
                year,
                month: self.month,
                day: self.day,
            })
        } else {
            Err(DateError::NotACalendarDate)
        }
    }
}

#[derive(Clone, Copy)]
enum Zone {
    Utc,
    Offset {
        negative: bool,
        hours: u8,
        minutes: u8,
    },
}

impl Zone {
    fn validate(self) -> Result<(), DateError> {
        match self {
            Zone::Utc => Ok(()),
            // Real offsets stay within ±14:00 (XML Schema's bound as well).
            Zone::Offset { hours, minutes, .. } => {
                if minutes <= 59 && (hours < 14 || (hours == 14 && minutes == 0)) {
                    Ok(())
                } else {
                    Err(DateError::NotACalendarDate)
                }
            }
        }
    }
}

/// Time-of-day digits as written; `frac` is the fraction digits without the dot.
#[derive(Clone, Copy)]
struct RawTime<'a> {
    hour: u8,
    minute: u8,
    second: Option<u8>,
    frac: &'a str,
}

impl RawTime<'_> {
    fn validate(&self) -> Result<(), DateError> {
        // Leap seconds (60) are rejected on purpose: nothing downstream can represent them.
        if self.hour <= 23 && self.minute <= 59 && self.second.is_none_or(|s| s <= 59) {
            Ok(())
        } else {
            Err(DateError::NotACalendarDate)
        }
    }
}

/// A lexically valid date value, not yet checked against the calendar.
enum Lexed<'a> {
    /// Plain or XML date; the zone of an XML date is kept only to be range-checked.
    Date(RawDate, Option<Zone>),
    Stamp(RawDate, RawTime<'a>, Zone),
}

/// Byte cursor over ASCII input.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly two ASCII digits.
    fn two(&mut self) -> Result<u8, DateError> {
        match self.b.get(self.pos..self.pos + 2) {
            Some(&[a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.pos += 2;
                Ok((a - b'0') * 10 + (b - b'0'))
            }
            _ => Err(SHAPE),
        }
    }

    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn at_end(&self) -> bool {
        self.pos == self.b.len()
    }
}

fn digits_value(b: &[u8]) -> Option<u16> {
    b.iter().try_fold(0u16, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` at the start of `b` (more may follow).
fn lex_ymd(b: &[u8]) -> Option<RawDate> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some(RawDate {
        year: digits_value(&b[0..4])?,
        month: digits_value(&b[5..7])? as u8,
        day: digits_value(&b[8..10])? as u8,
    })
}

/// Three groups of 1-4 digits with one repeated separator, in day-month-year or
/// year-month-day order: someone's local date format. A time after a space or `T` is ignored.
fn looks_local_date(b: &[u8]) -> bool {
    let mut groups = [0usize; 3];
    let mut n = 0;
    let mut len = 0;
    let mut sep = None;
    for &c in b {
        if c.is_ascii_digit() {
            len += 1;
            if len > 4 {
                return false;
            }
        } else if matches!(c, b'/' | b'.' | b'-') {
            if len == 0 || n == 2 || sep.is_some_and(|s| s != c) {
                return false;
            }
            sep = Some(c);
            groups[n] = len;
            n += 1;
            len = 0;
        } else if matches!(c, b' ' | b'T' | b't') && n == 2 && len > 0 {
            break;
        } else {
            return false;
        }
    }
    if n != 2 || len == 0 {
        return false;
    }
    groups[2] = len;
    matches!(groups, [1 | 2, 1 | 2, 2 | 4] | [4, 1 | 2, 1 | 2])
}

/// `HH:MM[:SS[.f{1,9}]]` then a zone, from the cursor to the end of the input.
fn lex_rfc3339_time<'a>(s: &'a str, c: &mut Cursor<'_>) -> Result<(RawTime<'a>, Zone), DateError> {
    let hour = c.two()?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let minute = c.two()?;
    let mut second = None;
    let mut frac = "";
    if c.eat(b':') {
        second = Some(c.two()?);
        if c.eat(b'.') {
            let start = c.pos;
            let n = c.skip_digits();
            if n == 0 || n > 9 {
                return Err(SHAPE);
            }
            frac = &s[start..c.pos];
        }
    }
    let zone = match c.peek() {
        None => return Err(shape_hint(HINT_ZONE_REQUIRED)),
        Some(b'Z' | b'z') => {
            c.pos += 1;
            Zone::Utc
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.two()?;
            c.eat(b':');
            let minutes = c.two()?;
            Zone::Offset {
                negative: sign == b'-',
                hours,
                minutes,
            }
        }
        Some(_) => return Err(SHAPE),
    };
    if !c.at_end() {
        return Err(SHAPE);
    }
    let time = RawTime {
        hour,
        minute,
        second,
        frac,
    };
    Ok((time, zone))
}

/// Lexes every form `parse_date` accepts, without calendar checks, so that a wrong shape is
/// always reported as such even when the numbers are also wrong.
fn lex_date(s: &str) -> Result<Lexed<'_>, DateError> {
    let b = s.as_bytes();
    let Some(date) = lex_ymd(b) else {
        return Err(DateError::Shape {
            hint: looks_local_date(b).then_some(HINT_LOCAL_DATE),
        });
    };
    let mut c = Cursor { b, pos: 10 };
    match c.peek() {
        None => Ok(Lexed::Date(date, None)),
        Some(b'Z') if b.len() == 11 => Ok(Lexed::Date(date, Some(Zone::Utc))),
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.two()?;
            if !c.eat(b':') {
                return Err(SHAPE);
            }
            let minutes = c.two()?;
            if !c.at_end() {
                return Err(SHAPE);
            }
            let zone = Zone::Offset {
                negative: sign == b'-',
                hours,
                minutes,
            };
            Ok(Lexed::Date(date, Some(zone)))
        }
        Some(b'T' | b't') => {
            c.pos += 1;
            let (time, zone) = lex_rfc3339_time(s, &mut c)?;
            Ok(Lexed::Stamp(date, time, zone))
        }
        Some(b' ') => {
            // `2020-09-20 10:00:00Z`: a timestamp with the wrong separator deserves a hint.
            let looks_timed = matches!(b.get(11..14), Some(&[h, m, b':']) if h.is_ascii_digit() && m.is_ascii_digit());
            Err(DateError::Shape {
                hint: looks_timed.then_some(HINT_T_SEPARATOR),
            })
        }
        Some(_) => Err(SHAPE),
    }
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    for i in (0..width).rev() {
        let d = (value / 10u32.pow(i)) % 10;
        out.push(char::from(b'0' + d as u8));
    }
}

/// RFC 3339 text with upper-case `T`/`Z`, `:SS` always present and the offset as `±HH:MM`.
fn canonical_timestamp(date: Date, time: &RawTime<'_>, zone: Zone) -> String {
    let mut out = String::with_capacity(26 + time.frac.len());
    push_digits(&mut out, date.year as u32, 4);
    out.push('-');
    push_digits(&mut out, u32::from(date.month), 2);
    out.push('-');
    push_digits(&mut out, u32::from(date.day), 2);
    out.push('T');
    push_digits(&mut out, u32::from(time.hour), 2);
    out.push(':');
    push_digits(&mut out, u32::from(time.minute), 2);
    out.push(':');
    push_digits(&mut out, u32::from(time.second.unwrap_or(0)), 2);
    if !time.frac.is_empty() {
        out.push('.');
        out.push_str(time.frac);
    }
    match zone {
        Zone::Utc => out.push('Z'),
        Zone::Offset {
            negative,
            hours,
            minutes,
        } => {
            out.push(if negative { '-' } else { '+' });
            push_digits(&mut out, u32::from(hours), 2);
            out.push(':');
            push_digits(&mut out, u32::from(minutes), 2);
        }
    }
    out
}

/// Spec Date (input trimmed by the caller). Accepts `YYYY-MM-DD`, an XML date with zone
/// (`YYYY-MM-DDZ`, `YYYY-MM-DD±HH:MM`) and an RFC 3339 timestamp
/// `YYYY-MM-DD(T|t)HH:MM[:SS[.f{1,9}]](Z|z|±HH:MM|±HHMM)`.
///
/// A timestamp's canonical text has upper-case `T` and `Z`, the offset as `±HH:MM` (`+00:00`
/// stays as written), `:00` seconds when absent and the fraction digits unchanged. Offsets
/// must lie within ±14:00; hours 00-23, minutes and seconds 00-59.
pub fn parse_date(s: &str) -> Result<DateValue, DateError> {
    match lex_date(s)? {
        Lexed::Date(raw, zone) => {
            let date = raw.validate()?;
            if let Some(z) = zone {
                z.validate()?;
            }
            Ok(DateValue::Plain(date))
        }
        Lexed::Stamp(raw, time, zone) => {
            let date = raw.validate()?;
            time.validate()?;
            zone.validate()?;
            Ok(DateValue::Timestamp {
                date,
                canonical: canonical_timestamp(date, &time, zone),
            })
        }
    }
}

/// The vendor form `yyyy-MM-dd HH:mm:ss[.SSS]±HHMM`, lexed from after the date's space.
fn lex_vendor_time(mut c: Cursor<'_>) -> Result<(RawTime<'static>, Zone), DateError> {
    let hour = c.two()?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let minute = c.two()?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let second = c.two()?;
    if c.eat(b'.') && c.skip_digits() != 3 {
        return Err(SHAPE);
    }
    let negative = match c.peek() {
        None => return Err(shape_hint(HINT_VENDOR_ZONE)),
        Some(b'+') => false,
        Some(b'-') => true,
        Some(_) => return Err(SHAPE),
    };
    c.pos += 1;
    let hours = c.two()?;
    let minutes = c.two()?;
    if !c.at_end() {
        return Err(SHAPE);
    }
    let time = RawTime {
        hour,
        minute,
        second: Some(second),
        frac: "",
    };
    Ok((
        time,
        Zone::Offset {
            negative,
            hours,
            minutes,
        },
    ))
}

/// AdditionalValue TIMESTAMP: the vendor's `yyyy-MM-dd HH:mm:ss.SSSZ`
/// (`2022-12-11 12:10:11.000+0200`; `Z` is an RFC 822 offset `±HHMM`; the fraction, when
/// present, has exactly 3 digits) or an RFC 3339 timestamp as `parse_date` accepts it.
pub fn check_vendor_timestamp(s: &str) -> Result<(), DateError> {
    let b = s.as_bytes();
    let (raw, time, zone) = match lex_ymd(b) {
        Some(raw) if b.get(10) == Some(&b' ') => {
            let (time, zone) = lex_vendor_time(Cursor { b, pos: 11 })?;
            (raw, time, zone)
        }
        _ => match lex_date(s)? {
            Lexed::Stamp(raw, time, zone) => (raw, time, zone),
            Lexed::Date(..) => return Err(shape_hint(HINT_VENDOR_TIMESTAMP)),
        },
    };
    raw.validate()?;
    time.validate()?;
    zone.validate()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    OutOfRange,
}

/// Spec Integer: `[+-]?[0-9]+` (leading zeros allowed) that fits an `i64`. Anything else is
/// `NotANumber` (`10.0`, `1e3`, ``, ` 1`, `0x10`); well-formed but too big is `OutOfRange`.
pub fn parse_integer(s: &str) -> Result<i64, NumberError> {
    let b = s.as_bytes();
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NumberError::NotANumber);
    }
    // Accumulate towards the sign so that i64::MIN, whose magnitude exceeds i64::MAX, fits.
    digits.iter().try_fold(0i64, |acc, &c| {
        let d = i64::from(c - b'0');
        acc.checked_mul(10)
            .and_then(|a| {
                if negative {
                    a.checked_sub(d)
                } else {
                    a.checked_add(d)
                }
            })
            .ok_or(NumberError::OutOfRange)
    })
}

/// Exponents of this magnitude or more are `OutOfRange` (`1e400`, `1e-500`).
const MAX_EXPONENT: i64 = 400;
/// Longest canonical decimal text.
const MAX_DECIMAL_CHARS: i64 = 1000;

/// Spec Decimal -> canonical JSON number text.
///
/// Grammar: `[+-]?digits[.digits]?([eE][+-]?digits)?` (with `decimal_comma`, `,` replaces `.`
/// and `.` is `NotANumber`); `.5` and `5.` are `NotANumber`. Canonical text: no `+`, no leading
/// zeros in the integer part (one `0` kept), no trailing fraction zeros (nor a bare dot), the
/// exponent applied by moving the point, `-0` -> `0`. Numerically equal inputs give identical
/// text (`10000.50`, `1.00005e4`, `+010000.500` -> `10000.5`).
///
/// `OutOfRange` when the exponent's magnitude is 400 or more, or the canonical text would be
/// longer than 1000 characters.
pub fn canonical_decimal(s: &str, decimal_comma: bool) -> Result<String, NumberError> {
    let b = s.as_bytes();
    let sep = if decimal_comma { b',' } else { b'.' };
    let mut c = Cursor { b, pos: 0 };
    let negative = c.eat(b'-');
    if !negative {
        c.eat(b'+');
    }
    let int_start = c.pos;
    if c.skip_digits() == 0 {
        return Err(NumberError::NotANumber);
    }
    let int = &b[int_start..c.pos];
    let mut frac: &[u8] = &[];
    if c.eat(sep) {
        let start = c.pos;
        if c.skip_digits() == 0 {
            return Err(NumberError::NotANumber);
        }
        frac = &b[start..c.pos];
    }
    let mut exp: i64 = 0;
    if c.eat(b'e') || c.eat(b'E') {
        let exp_negative = c.eat(b'-');
        if !exp_negative {
            c.eat(b'+');
        }
        let start = c.pos;
        if c.skip_digits() == 0 {
            return Err(NumberError::NotANumber);
        }
        // Saturate: past the limit the exact value no longer matters, and a saturated
        // accumulator cannot overflow however many digits follow.
        for &d in &b[start..c.pos] {
            exp = (exp * 10 + i64::from(d - b'0')).min(MAX_EXPONENT);
        }
        if exp_negative {
            exp = -exp;
        }
    }
    if !c.at_end() {
        return Err(NumberError::NotANumber);
    }
    if exp.abs() >= MAX_EXPONENT {
        return Err(NumberError::OutOfRange);
    }

    // The digits int ++ frac, viewed without copying.
    let n = int.len() + frac.len();
    let digit = |i: usize| {
        if i < int.len() {
            int[i]
        } else {
            frac[i - int.len()]
        }
    };
    let lead = (0..n).take_while(|&i| digit(i) == b'0').count();
    if lead == n {
        return Ok(String::from("0"));
    }
    let trail = (0..n).rev().take_while(|&i| digit(i) == b'0').count();
    let significant = lead..n - trail;
    // Value = significant digits × 10^(point - k): `point` is where the decimal point falls,
    // counted in significant digits from the left.
    let k = significant.len() as i64;
    let point = k + exp - frac.len() as i64 + trail as i64;
    let body_len = if point >= k {
        point
    } else if point > 0 {
        k + 1
    } else {
        2 - point + k
    };
    let total = body_len + i64::from(negative);
    if total > MAX_DECIMAL_CHARS {
        return Err(NumberError::OutOfRange);
    }

    let mut out = String::with_capacity(total as usize);
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
    }
    for (j, i) in significant.enumerate() {
        if point > 0 && j as i64 == point {
            out.push('.');
        }
        out.push(char::from(digit(i)));
    }
    if point > k {
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    }
    Ok(out)
}

/// True when the canonical decimal text is negative (starts with '-').
pub fn is_negative(canonical: &str) -> bool {
    canonical.starts_with('-')
}

/// True when `s` looks like an identifier a spreadsheet turned into a number in scientific
/// notation: `1.23457E+15`, `5.0001E+10`, `1E+15`, `4.5e+11` (digits, optional fraction,
/// `E`/`e`, optional sign, digits). A decimal comma (`1,23457E+15`) counts as well, since
/// spreadsheets in such locales display it that way.
pub fn looks_excel_mangled(s: &str) -> bool {
    let mut c = Cursor {
        b: s.as_bytes(),
        pos: 0,
    };
    if c.skip_digits() == 0 {
        return false;
    }
    if (c.eat(b'.') || c.eat(b',')) && c.skip_digits() == 0 {
        return false;
    }
    if !(c.eat(b'E') || c.eat(b'e')) {
        return false;
    }
    if !c.eat(b'+') {
        c.eat(b'-');
    }
    c.skip_digits() > 0 && c.at_end()
}

/// Boolean words for CSV/XML text: "true"/"false" case-insensitive -> Some(bool); else None.
pub fn parse_bool_word(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    fn stamp(s: &str) -> String {
        match parse_date(s) {
            Ok(DateValue::Timestamp { canonical, .. }) => canonical,
            other => panic!("{s}: expected a timestamp, got {other:?}"),
        }
    }

    fn shape(s: &str) -> Option<&'static str> {
        match parse_date(s) {
            Err(DateError::Shape { hint }) => hint,
            other => panic!("{s}: expected a shape error, got {other:?}"),
        }
    }

    // ---- Date ----

    #[test]
    fn parse_plain_accepts_real_dates() {
        assert_eq!(Date::parse_plain("2023-01-20"), Some(d(2023, 1, 20)));
        assert_eq!(Date::parse_plain("2000-02-29"), Some(d(2000, 2, 29)));
        assert_eq!(Date::parse_plain("2024-02-29"), Some(d(2024, 2, 29)));
        assert_eq!(Date::parse_plain("0001-01-01"), Some(d(1, 1, 1)));
        assert_eq!(Date::parse_plain("9999-12-31"), Some(d(9999, 12, 31)));
        assert_eq!(Date::parse_plain("2023-04-30"), Some(d(2023, 4, 30)));
    }

    #[test]
    fn parse_plain_rejects() {
        for s in [
            "22023-01-20",
            "2023-02-30",
            "2021-02-29",
            "1900-02-29",
            "2023-13-01",
            "2023-00-10",
            "2023-01-00",
            "2023-04-31",
            "0000-01-01",
            "2023-1-5",
            "2023-01-20Z",
            "2023/01/20",
            "",
            "2023-01-2x",
            "+023-01-20",
            "２023-01-20",
        ] {
            assert_eq!(Date::parse_plain(s), None, "{s}");
        }
    }

    #[test]
    fn display_pads() {
        assert_eq!(d(7, 3, 4).to_string(), "0007-03-04");
        assert_eq!(d(2024, 12, 31).to_string(), "2024-12-31");
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(d(2023, 12, 31) < d(2024, 1, 1));
        assert!(d(2024, 1, 31) < d(2024, 2, 1));
        assert!(d(2024, 2, 1) < d(2024, 2, 2));
    }

    #[test]
    fn days_since_epoch_conversions() {
        assert_eq!(Date::from_days_since_epoch(0), d(1970, 1, 1));
        assert_eq!(Date::from_days_since_epoch(19_723), d(2024, 1, 1));
        assert_eq!(Date::from_days_since_epoch(-1), d(1969, 12, 31));
        assert_eq!(Date::from_days_since_epoch(2_932_896), d(9999, 12, 31));
        assert_eq!(Date::from_days_since_epoch(11_016), d(2000, 2, 29));
        assert_eq!(Date::from_days_since_epoch(-719_162), d(1, 1, 1));
        assert_eq!(d(2024, 1, 1).days_since_epoch(), 19_723);
        assert_eq!(d(1, 1, 1).days_since_epoch(), -719_162);
        // Every day of the supported range round-trips and advances by exactly one day.
        let mut prev = Date::from_days_since_epoch(-719_162);
        for days in -719_161..=2_932_896 {
            let date = Date::from_days_since_epoch(days);
            assert!(date > prev, "{days}");
            assert_eq!(date.days_since_epoch(), days);
            prev = date;
        }
    }

    #[test]
    fn from_days_extremes_do_not_panic() {
        let hi = Date::from_days_since_epoch(i64::MAX);
        let lo = Date::from_days_since_epoch(i64::MIN);
        assert!(hi.year > 1_000_000_000);
        assert!(lo.year < -1_000_000_000);
        assert!((1..=12).contains(&hi.month) && (1..=31).contains(&hi.day));
    }

    #[test]
    fn today_is_sane() {
        let today = Date::today_utc();
        assert!(today.year >= 2024, "{today}");
        assert!((1..=days_in_month(today.year, today.month)).contains(&today.day));
    }

    // ---- parse_date ----

    #[test]
    fn plain_and_xml_dates() {
        assert_eq!(
            parse_date("2020-09-20"),
            Ok(DateValue::Plain(d(2020, 9, 20)))
        );
        assert_eq!(
            parse_date("2020-09-20Z"),
            Ok(DateValue::Plain(d(2020, 9, 20)))
        );
        assert_eq!(
            parse_date("2020-09-20+02:00"),
            Ok(DateValue::Plain(d(2020, 9, 20)))
        );
        assert_eq!(
            parse_date("2020-09-20-05:30"),
            Ok(DateValue::Plain(d(2020, 9, 20)))
        );
        assert_eq!(
            parse_date("2020-09-20+14:00"),
            Ok(DateValue::Plain(d(2020, 9, 20)))
        );
        assert_eq!(
            parse_date("2000-02-29"),
            Ok(DateValue::Plain(d(2000, 2, 29)))
        );
        assert_eq!(parse_date("2020-09-20").unwrap().date(), d(2020, 9, 20));
    }

    #[test]
    fn xml_date_zone_rejections() {
        assert_eq!(
            parse_date("2020-09-20+15:00"),
            Err(DateError::NotACalendarDate)
        );
        assert_eq!(
            parse_date("2020-09-20+14:30"),
            Err(DateError::NotACalendarDate)
        );
        assert_eq!(
            parse_date("2020-09-20+02:60"),
            Err(DateError::NotACalendarDate)
        );
        for s in [
            "2020-09-20+0200",
            "2020-09-20z",
            "2020-09-20+2:00",
            "2020-09-20ZZ",
        ] {
            assert_eq!(shape(s), None, "{s}");
        }
    }

    #[test]
    fn timestamps_canonicalise() {
        assert_eq!(stamp("2020-09-20T10:11:12Z"), "2020-09-20T10:11:12Z");
        assert_eq!(stamp("2020-09-20t10:11:12z"), "2020-09-20T10:11:12Z");
        assert_eq!(stamp("2020-09-20T10:11Z"), "2020-09-20T10:11:00Z");
        assert_eq!(
            stamp("2020-09-20T10:11:12+02:00"),
            "2020-09-20T10:11:12+02:00"
        );
        assert_eq!(
            stamp("2020-09-20T10:11:12+0200"),
            "2020-09-20T10:11:12+02:00"
        );
        assert_eq!(
            stamp("2020-09-20T10:11:12-0530"),
            "2020-09-20T10:11:12-05:30"
        );
        assert_eq!(
            stamp("2020-09-20T10:11:12+00:00"),
            "2020-09-20T10:11:12+00:00"
        );
        assert_eq!(stamp("2020-09-20T10:11:12.5Z"), "2020-09-20T10:11:12.5Z");
        assert_eq!(
            stamp("2020-09-20T10:11:12.120Z"),
            "2020-09-20T10:11:12.120Z"
        );
        assert_eq!(
            stamp("2020-09-20T23:59:59.123456789-14:00"),
            "2020-09-20T23:59:59.123456789-14:00"
        );
        assert_eq!(stamp("2020-09-20t00:00+0100"), "2020-09-20T00:00:00+01:00");
        let v = parse_date("2024-02-29T12:00:00Z").unwrap();
        assert_eq!(v.date(), d(2024, 2, 29));
    }

    #[test]
    fn timestamp_value_errors() {
        for s in [
            "2020-09-20T24:00:00Z",
            "2020-09-20T25:00Z",
            "2020-09-20T10:60:00Z",
            "2020-09-20T10:00:60Z",
            "2020-09-20T10:00:00+15:00",
            "2020-09-20T10:00:00+02:61",
            "2023-02-30T10:00:00Z",
            "2023-13-01T10:00Z",
        ] {
            assert_eq!(parse_date(s), Err(DateError::NotACalendarDate), "{s}");
        }
    }

    #[test]
    fn timestamp_shape_errors() {
        for s in [
            "2020-09-20T10Z",
            "2020-09-20T10:0Z",
            "2020-09-20T10:00.5Z",
            "2020-09-20T10:00:00.Z",
            "2020-09-20T10:00:00.1234567890Z",
            "2020-09-20T10:00:00ZZ",
            "2020-09-20T10:00:00+2",
            "2020-09-20T10:00:00+02:0",
            "2020-09-20T10:00:00 Z",
            "2020-09-20T",
            "2020-09-20X10:00:00Z",
        ] {
            assert_eq!(shape(s), None, "{s}");
        }
    }

    #[test]
    fn timestamp_without_zone_hints() {
        assert_eq!(shape("2020-09-20T10:00:00"), Some(HINT_ZONE_REQUIRED));
        assert_eq!(shape("2020-09-20T10:00"), Some(HINT_ZONE_REQUIRED));
        assert_eq!(shape("2020-09-20T10:00:00.250"), Some(HINT_ZONE_REQUIRED));
        assert_eq!(shape("2020-09-20 10:00:00Z"), Some(HINT_T_SEPARATOR));
    }

    #[test]
    fn calendar_errors() {
        for s in [
            "2023-02-30",
            "2021-02-29",
            "1900-02-29",
            "2023-13-01",
            "2023-04-31",
            "0000-05-01",
        ] {
            assert_eq!(parse_date(s), Err(DateError::NotACalendarDate), "{s}");
        }
    }

    #[test]
    fn shape_errors_without_hint() {
        for s in [
            "22023-01-20",
            "",
            "yesterday",
            "2023-01-20 ",
            "20230120",
            "2023-01-20x",
            "1.5",
        ] {
            assert_eq!(shape(s), None, "{s}");
        }
    }

    #[test]
    fn local_formats_get_a_hint() {
        for s in [
            "20/01/2023",
            "05/10/2000",
            "5/10/2000",
            "10.05.2000",
            "2000/05/10",
            "20-01-2023",
            "2023-1-5",
            "1.2.23",
            "05/10/2000 10:00",
        ] {
            assert_eq!(shape(s), Some(HINT_LOCAL_DATE), "{s}");
        }
        for s in [
            "20/01-2023",
            "123/01/2023",
            "20//2023",
            "20/01/",
            "2023.01.20.1",
        ] {
            assert_eq!(shape(s), None, "{s}");
        }
    }

    // ---- check_vendor_timestamp ----

    #[test]
    fn vendor_timestamps_accepted() {
        for s in [
            "2022-12-11 12:10:11.000+0200",
            "2022-12-11 12:10:11.999-1400",
            "2022-12-11 12:10:11+0000",
            "2024-02-29 00:00:00.000+0100",
            "2022-12-11T12:10:11Z",
            "2022-12-11T12:10:11.5+02:00",
            "2022-12-11t12:10z",
        ] {
            assert_eq!(check_vendor_timestamp(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn vendor_timestamps_rejected() {
        let shape_none = Err(DateError::Shape { hint: None });
        for s in [
            "2022-12-11 12:10:11.00+0200",
            "2022-12-11 12:10:11.0000+0200",
            "2022-12-11 12:10:11.+0200",
            "2022-12-11 12:10:11.000+02:00",
            "2022-12-11 12:10:11.000Z",
            "2022-12-11 12:10.000+0200",
            "2022-12-11 12:10:11.000+0200 ",
            "2022-12-11 12:10:11.000+020",
            "",
        ] {
            assert_eq!(check_vendor_timestamp(s), shape_none, "{s}");
        }
        assert_eq!(
            check_vendor_timestamp("2022-12-11 12:10:11.000"),
            Err(DateError::Shape {
                hint: Some(HINT_VENDOR_ZONE)
            })
        );
        assert_eq!(
            check_vendor_timestamp("2022-12-11T12:10:11"),
            Err(DateError::Shape {
                hint: Some(HINT_ZONE_REQUIRED)
            })
        );
        assert_eq!(
            check_vendor_timestamp("2022-12-11"),
            Err(DateError::Shape {
                hint: Some(HINT_VENDOR_TIMESTAMP)
            })
        );
        assert_eq!(
            check_vendor_timestamp("11.12.2022 12:10:11"),
            Err(DateError::Shape {
                hint: Some(HINT_LOCAL_DATE)
            })
        );
        for s in [
            "2022-02-29 12:10:11.000+0200",
            "2022-12-11 24:10:11.000+0200",
            "2022-12-11 12:60:11+0200",
            "2022-12-11 12:10:60+0200",
            "2022-12-11 12:10:11+1500",
            "2022-12-11T25:00Z",
        ] {
            assert_eq!(
                check_vendor_timestamp(s),
                Err(DateError::NotACalendarDate),
                "{s}"
            );
        }
    }

    // ---- integers ----

    #[test]
    fn integers() {
        assert_eq!(parse_integer("0"), Ok(0));
        assert_eq!(parse_integer("42"), Ok(42));
        assert_eq!(parse_integer("+42"), Ok(42));
        assert_eq!(parse_integer("-42"), Ok(-42));
        assert_eq!(parse_integer("-0"), Ok(0));
        assert_eq!(parse_integer("007"), Ok(7));
        assert_eq!(parse_integer("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse_integer("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_integer("0000000000000000000000000001"), Ok(1));
    }

    #[test]
    fn integer_errors() {
        for s in [
            "10.0", "1e3", "", " 1", "1 ", "0x10", "+", "-", "+-1", "--1", "1_000", "١",
        ] {
            assert_eq!(parse_integer(s), Err(NumberError::NotANumber), "{s}");
        }
        assert_eq!(
            parse_integer("9223372036854775808"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_integer("-9223372036854775809"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_integer("99999999999999999999999"),
            Err(NumberError::OutOfRange)
        );
        // A malformed tail wins over the overflow.
        assert_eq!(
            parse_integer("99999999999999999999999x"),
            Err(NumberError::NotANumber)
        );
    }

    // ---- decimals ----

    fn dec(s: &str) -> Result<String, NumberError> {
        canonical_decimal(s, false)
    }

    #[test]
    fn decimal_canonical_forms() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("+0", "0"),
            ("0.000", "0"),
            ("-0.0e5", "0"),
            ("00", "0"),
            ("1", "1"),
            ("+1", "1"),
            ("-1", "-1"),
            ("007", "7"),
            ("10", "10"),
            ("100", "100"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("0.5", "0.5"),
            ("-0.5", "-0.5"),
            ("000.050", "0.05"),
            ("1.5e3", "1500"),
            ("1.5E3", "1500"),
            ("1.5e+3", "1500"),
            ("25E-1", "2.5"),
            ("25e-3", "0.025"),
            ("25e-2", "0.25"),
            ("123.456e1", "1234.56"),
            ("123.456e-5", "0.00123456"),
            ("1e0", "1"),
            ("1e-0", "1"),
            ("1e00000000000000000000000002", "100"),
            ("-1.2e2", "-120"),
            (
                "12345678901234567890.123456789",
                "12345678901234567890.123456789",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(dec(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn equal_values_give_identical_text() {
        for s in [
            "10000.50",
            "10000.5",
            "1.00005e4",
            "+010000.500",
            "1000050e-2",
            "0.0100005E+6",
        ] {
            assert_eq!(dec(s).as_deref(), Ok("10000.5"), "{s}");
        }
    }

    #[test]
    fn decimal_comma_mode() {
        assert_eq!(
            canonical_decimal("10000,50", true).as_deref(),
            Ok("10000.5")
        );
        assert_eq!(canonical_decimal("-0,25", true).as_deref(), Ok("-0.25"));
        assert_eq!(canonical_decimal("1,5e3", true).as_deref(), Ok("1500"));
        assert_eq!(canonical_decimal("42", true).as_deref(), Ok("42"));
        for s in ["10000.50", "1,000,50", "1.000,50", ",5", "5,"] {
            assert_eq!(
                canonical_decimal(s, true),
                Err(NumberError::NotANumber),
                "{s}"
            );
        }
        assert_eq!(dec("1,5"), Err(NumberError::NotANumber));
    }

    #[test]
    fn decimal_grammar_errors() {
        for s in [
            "", ".5", "5.", "-.5", "+", "-", "1.2.3", "1e", "1e+", "e5", "1.5e3.2", " 1", "1 ",
            "1_0", "0x10", "NaN", "inf", "1..2", "++1", "-+1", "1e5x", "١",
        ] {
            assert_eq!(dec(s), Err(NumberError::NotANumber), "{s}");
        }
    }

    #[test]
    fn decimal_range_errors() {
        for s in [
            "1e400",
            "1e-500",
            "1e999999999999",
            "1e-999999999999",
            "1e99999999999999999999999999999999999999",
            "0e400",
            "1e-400",
        ] {
            assert_eq!(dec(s), Err(NumberError::OutOfRange), "{s}");
        }
        // Right under the exponent limit, and inside 1000 characters.
        let big = dec("1e399").unwrap();
        assert_eq!(big.len(), 400);
        assert!(big.starts_with('1') && big[1..].bytes().all(|b| b == b'0'));
        let small = dec("-1e-399").unwrap();
        assert_eq!(small.len(), 402);
        assert!(small.starts_with("-0.000") && small.ends_with("01"));
        // The length limit counts the canonical text, sign included.
        let ok = "9".repeat(1000);
        assert_eq!(dec(&ok).as_deref(), Ok(ok.as_str()));
        assert_eq!(dec(&format!("-{ok}")), Err(NumberError::OutOfRange));
        assert_eq!(dec(&"9".repeat(1001)), Err(NumberError::OutOfRange));
        let padded = format!("{}1.5{}", "0".repeat(5000), "0".repeat(5000));
        assert_eq!(dec(&padded).as_deref(), Ok("1.5"));
        assert_eq!(
            dec(&format!("{}e-1", "1".repeat(999))),
            Ok(format!("{}.1", "1".repeat(998)))
        );
        assert_eq!(
            dec(&format!("{}e-1", "1".repeat(1000))),
            Err(NumberError::OutOfRange)
        );
    }

    #[test]
    fn negativity() {
        assert!(is_negative(&dec("-0.5").unwrap()));
        assert!(!is_negative(&dec("-0").unwrap()));
        assert!(!is_negative(&dec("+3").unwrap()));
        assert!(!is_negative("0"));
    }

    // ---- misc ----

    #[test]
    fn excel_mangling() {
        for s in [
            "1.23457E+15",
            "5.0001E+10",
            "1E+15",
            "4.5e+11",
            "1e15",
            "1.5E-3",
            "1,23457E+15",
        ] {
            assert!(looks_excel_mangled(s), "{s}");
        }
        for s in [
            "",
            "123456789012345",
            "1.5",
            "E+15",
            "1.E+15",
            ".5E+15",
            "1.5E+",
            "1.5E",
            "-1.5E+15",
            "1.5E+15 ",
            "LT1.5E+15",
            "1.5E+1.5",
            "12AB34",
        ] {
            assert!(!looks_excel_mangled(s), "{s}");
        }
    }

    #[test]
    fn bool_words() {
        assert_eq!(parse_bool_word("true"), Some(true));
        assert_eq!(parse_bool_word("TRUE"), Some(true));
        assert_eq!(parse_bool_word("True"), Some(true));
        assert_eq!(parse_bool_word("false"), Some(false));
        assert_eq!(parse_bool_word("FaLsE"), Some(false));
        for s in [
            "", "1", "0", "yes", "no", "t", "f", " true", "true ", "truee",
        ] {
            assert_eq!(parse_bool_word(s), None, "{s}");
        }
    }
}
