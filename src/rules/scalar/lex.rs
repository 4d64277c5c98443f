//! Lexing date and time text into raw parts (`RawDate`, `RawTime`, `Zone`), before any
//! calendar check, so that a wrong shape is reported as such (with a hint for a near miss)
//! even when the numbers are also wrong; `calendar` then checks the parts.

use super::cursor::Cursor;
use super::error::{
    DateError, HINT_LOCAL_DATE, HINT_T_SEPARATOR, HINT_VENDOR_ZONE, HINT_ZONE_REQUIRED, SHAPE,
    shape_hint,
};

/// Date digits as written, before calendar checks.
#[derive(Clone, Copy)]
pub(super) struct RawDate {
    pub(super) year: u16,
    pub(super) month: u8,
    pub(super) day: u8,
}

/// A zone as written, before range checks.
#[derive(Clone, Copy)]
pub(super) enum Zone {
    Utc,
    Offset {
        negative: bool,
        hours: u8,
        minutes: u8,
    },
}

/// Time-of-day digits as written; `frac` is the fraction digits without the dot.
#[derive(Clone, Copy)]
pub(super) struct RawTime<'a> {
    pub(super) hour: u8,
    pub(super) minute: u8,
    pub(super) second: Option<u8>,
    pub(super) frac: &'a str,
}

/// A lexically valid date value, not yet checked against the calendar.
pub(super) enum Lexed<'a> {
    /// Plain or XML date; the zone of an XML date is kept only to be range-checked.
    Date(RawDate, Option<Zone>),
    Stamp(RawDate, RawTime<'a>, Zone),
}

/// Exactly two ASCII digits at the cursor; else a wrong shape.
fn two(c: &mut Cursor<'_>) -> Result<u8, DateError> {
    c.two().ok_or(SHAPE)
}

fn digits_value(b: &[u8]) -> Option<u16> {
    b.iter().try_fold(0u16, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` at the start of `b` (more may follow).
pub(super) fn lex_ymd(b: &[u8]) -> Option<RawDate> {
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
    let hour = two(c)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let minute = two(c)?;
    let mut second = None;
    let mut frac = "";
    if c.eat(b':') {
        second = Some(two(c)?);
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
            let hours = two(c)?;
            c.eat(b':');
            let minutes = two(c)?;
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
pub(super) fn lex_date(s: &str) -> Result<Lexed<'_>, DateError> {
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
            let hours = two(&mut c)?;
            if !c.eat(b':') {
                return Err(SHAPE);
            }
            let minutes = two(&mut c)?;
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

/// The vendor form `yyyy-MM-dd HH:mm:ss.SSS±HHMM`, lexed from after the date's space. The
/// pattern `SSS` is exactly three fraction digits (milliseconds), never optional: the vendor
/// (`Rest/leads/possibleErrors.md`) names this one format, and a value without them is not
/// in it.
pub(super) fn lex_vendor_time(mut c: Cursor<'_>) -> Result<(RawTime<'static>, Zone), DateError> {
    let hour = two(&mut c)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let minute = two(&mut c)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let second = two(&mut c)?;
    if !c.eat(b'.') || c.skip_digits() != 3 {
        return Err(SHAPE);
    }
    let negative = match c.peek() {
        None => return Err(shape_hint(HINT_VENDOR_ZONE)),
        Some(b'+') => false,
        Some(b'-') => true,
        Some(_) => return Err(SHAPE),
    };
    c.pos += 1;
    let hours = two(&mut c)?;
    let minutes = two(&mut c)?;
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
