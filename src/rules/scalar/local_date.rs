//! `--date-format`: dates written as text in a local order (`31.12.2024`, `31/12/2024`,
//! `12/31/2024`), for CSV and XML exports from systems that cannot write ISO dates.
//!
//! The order is named by the operator, never guessed: `05/10/2000` is the 5th of October
//! under `DD/MM/YYYY` and the 10th of May under `MM/DD/YYYY`, and nothing in the value
//! tells which. With a format, ISO `YYYY-MM-DD` (and every other form `parse_date` takes) is
//! still accepted: an export rarely mixes the two, but ISO is unambiguous, so refusing it
//! would only reject correct records. Day and month take one or two digits (`5.3.2024`, as
//! spreadsheets write without a leading zero), the year four. The canonical output is
//! always `YYYY-MM-DD`.

use super::calendar::Date;
use super::date::{DateValue, parse_date};
use super::error::DateError;

/// A local date order (`--date-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// `DD.MM.YYYY` (Lithuanian, German, ... exports).
    DayDotMonth,
    /// `DD/MM/YYYY` (British, French, ...).
    DaySlashMonth,
    /// `MM/DD/YYYY` (American).
    MonthSlashDay,
}

impl DateFormat {
    /// The formats as `--date-format` names them.
    pub const NAMES: [&'static str; 3] = ["DD.MM.YYYY", "DD/MM/YYYY", "MM/DD/YYYY"];

    /// `--date-format`'s value (case-insensitive: `dd.mm.yyyy` too).
    pub fn parse(s: &str) -> Option<DateFormat> {
        match s.trim().to_ascii_uppercase().as_str() {
            "DD.MM.YYYY" => Some(DateFormat::DayDotMonth),
            "DD/MM/YYYY" => Some(DateFormat::DaySlashMonth),
            "MM/DD/YYYY" => Some(DateFormat::MonthSlashDay),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DateFormat::DayDotMonth => Self::NAMES[0],
            DateFormat::DaySlashMonth => Self::NAMES[1],
            DateFormat::MonthSlashDay => Self::NAMES[2],
        }
    }

    /// The hint of a date in neither this format nor ISO.
    fn hint(self) -> &'static str {
        match self {
            DateFormat::DayDotMonth => {
                "dates must be written DD.MM.YYYY (--date-format) or YYYY-MM-DD, e.g. 10.05.2000"
            }
            DateFormat::DaySlashMonth => {
                "dates must be written DD/MM/YYYY (--date-format) or YYYY-MM-DD, e.g. 10/05/2000"
            }
            DateFormat::MonthSlashDay => {
                "dates must be written MM/DD/YYYY (--date-format) or YYYY-MM-DD, e.g. 05/10/2000"
            }
        }
    }

    fn separator(self) -> u8 {
        match self {
            DateFormat::DayDotMonth => b'.',
            _ => b'/',
        }
    }
}

/// 1 or 2 ASCII digits.
fn small(b: &[u8]) -> Option<u8> {
    match b {
        [a] if a.is_ascii_digit() => Some(a - b'0'),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// The date when `s` has the shape of `format` (any calendar check aside); None otherwise.
fn lex(s: &str, format: DateFormat) -> Option<(u8, u8, i32)> {
    let mut parts = s.as_bytes().split(|&c| c == format.separator());
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || !year.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = year.iter().fold(0, |y, d| y * 10 + i32::from(d - b'0'));
    let (a, b) = (small(a)?, small(b)?);
    Some(match format {
        DateFormat::MonthSlashDay => (b, a, year),
        _ => (a, b, year),
    })
}

/// A spec Date written as text, in `format` when one is given (see the module docs):
/// `parse_date`'s forms are always accepted; a text of the format's shape that is no
/// calendar date (`31.02.2024`) is `NotACalendarDate`; any other shape carries the hint
/// naming the format.
pub fn parse_date_as(s: &str, format: Option<DateFormat>) -> Result<DateValue, DateError> {
    let Some(format) = format else {
        return parse_date(s);
    };
    if let Some((day, month, year)) = lex(s, format) {
        return match Date::new(year, month, day) {
            Some(date) => Ok(DateValue::Plain(date)),
            None => Err(DateError::NotACalendarDate),
        };
    }
    parse_date(s).map_err(|e| match e {
        DateError::Shape { .. } => DateError::Shape {
            hint: Some(format.hint()),
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str, f: DateFormat) -> String {
        match parse_date_as(s, Some(f)) {
            Ok(DateValue::Plain(d)) => d.to_string(),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn each_format_reads_its_order_and_iso_still() {
        use DateFormat::*;
        assert_eq!(plain("31.12.2024", DayDotMonth), "2024-12-31");
        assert_eq!(plain("5.3.2024", DayDotMonth), "2024-03-05");
        assert_eq!(plain("05/10/2000", DaySlashMonth), "2000-10-05");
        assert_eq!(plain("05/10/2000", MonthSlashDay), "2000-05-10");
        assert_eq!(plain("2024-12-31", DayDotMonth), "2024-12-31");
        assert_eq!(plain("29.02.2024", DayDotMonth), "2024-02-29");
        for name in DateFormat::NAMES {
            assert_eq!(DateFormat::parse(name).map(DateFormat::name), Some(name));
        }
        assert_eq!(DateFormat::parse("dd.mm.yyyy"), Some(DayDotMonth));
        assert_eq!(DateFormat::parse("YYYY/MM/DD"), None);
    }

    #[test]
    fn wrong_dates_are_calendar_or_shape_errors_with_the_format_hint() {
        use DateFormat::*;
        for s in [
            "31.02.2024",
            "29.02.2023",
            "00.01.2024",
            "01.13.2024",
            "01.01.0000",
        ] {
            assert_eq!(
                parse_date_as(s, Some(DayDotMonth)),
                Err(DateError::NotACalendarDate),
                "{s}"
            );
        }
        assert_eq!(
            parse_date_as("13/31/2024", Some(MonthSlashDay)),
            Err(DateError::NotACalendarDate)
        );
        for s in [
            "31/12/2024",
            "31.12.24",
            "31.12.2024.",
            "123.1.2024",
            "",
            "2024-02-30x",
        ] {
            assert_eq!(
                parse_date_as(s, Some(DayDotMonth)),
                Err(DateError::Shape {
                    hint: Some(DayDotMonth.hint())
                }),
                "{s}"
            );
        }
        assert_eq!(
            parse_date_as("2024-02-30", Some(DayDotMonth)),
            Err(DateError::NotACalendarDate)
        );
        // Without a format nothing changes.
        assert_eq!(parse_date_as("31.12.2024", None), parse_date("31.12.2024"));
    }
}
