//! Spec Date values and the vendor's TIMESTAMP: `parse_date` (plain dates, XML dates with a
//! zone, RFC 3339 timestamps with their canonical text) and `check_vendor_timestamp`, each
//! lexed (`lex`) then checked against the calendar (`calendar`).

use super::calendar::Date;
use super::cursor::Cursor;
use super::error::{DateError, HINT_VENDOR_TIMESTAMP, shape_hint};
use super::lex::{Lexed, RawTime, Zone, lex_date, lex_vendor_time, lex_ymd};

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

/// AdditionalValue TIMESTAMP (spec §4): the vendor's `yyyy-MM-dd HH:mm:ss.SSSZ`
/// (`2022-12-11 12:10:11.000+0200`; `Z` is an RFC 822 offset `±HHMM`; the fraction is
/// mandatory and has exactly 3 digits, so `2022-12-11 12:10:11+0200` is refused) or an
/// RFC 3339 timestamp as `parse_date` accepts it (`2022-12-11T12:10:11Z`, as in the vendor's
/// own samples).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::scalar::error::HINT_T_SEPARATOR;
    use crate::rules::scalar::error::{HINT_LOCAL_DATE, HINT_VENDOR_ZONE, HINT_ZONE_REQUIRED};

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
            // No milliseconds: not the vendor's form.
            "2022-12-11 12:10:11+0000",
            "2022-12-11 12:10:11+0200",
            "2022-12-11 12:10:11",
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
            "2022-12-11 12:60:11.000+0200",
            "2022-12-11 12:10:60.000+0200",
            "2022-12-11 12:10:11.000+1500",
            "2022-12-11T25:00Z",
        ] {
            assert_eq!(
                check_vendor_timestamp(s),
                Err(DateError::NotACalendarDate),
                "{s}"
            );
        }
    }
}
