//! The calendar: the [`Date`] type, and every calendar fact the rules use (which dates
//! and times exist, month lengths and leap years, day counts, today) from `jiff`; the
//! spec's own bounds on top: years 0001-9999 (four digits), zone offsets within ±14:00, no
//! leap second.
//!
//! `Date` stays this crate's plain value (year, month, day; ordered chronologically; its
//! `Display` the spec's `YYYY-MM-DD`) so that messages and the callers outside the rules
//! keep one spelling; a `Date` made here is always a real day.

use std::fmt;
use std::time::SystemTime;

use jiff::civil;

use super::error::DateError;
use super::lex::{RawDate, RawTime, Zone, lex_ymd};

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// The day `days_since_epoch` counts from.
const EPOCH: civil::Date = civil::date(1970, 1, 1);
const SECONDS_PER_DAY: i64 = 86_400;

impl Date {
    /// The date `year`-`month`-`day` when it is a real day of years 0001 to 9999.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        let (y, m, d) = (
            year as i16,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        );
        civil::Date::new(y, m, d).ok()?;
        Some(Date { year, month, day })
    }

    /// Strict `YYYY-MM-DD` (exactly 4-digit year 0001-9999, real calendar day, leap years right).
    pub fn parse_plain(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 {
            return None;
        }
        lex_ymd(b)?.validate().ok()
    }

    /// Today's date in UTC from the system clock (a clock beyond years ±9999 gives the
    /// first or last day of that range).
    pub fn today_utc() -> Date {
        let now =
            jiff::Timestamp::try_from(SystemTime::now()).unwrap_or_else(
                |_| match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
                    Ok(_) => jiff::Timestamp::MAX,
                    Err(_) => jiff::Timestamp::MIN,
                },
            );
        Date::of(jiff::tz::Offset::UTC.to_datetime(now).date())
    }

    /// The date `days` after 1970-01-01 (negative: before), within jiff's years -9999 to
    /// 9999 (beyond: the first or last day of that range).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let span = jiff::SignedDuration::from_secs(days.saturating_mul(SECONDS_PER_DAY));
        Date::of(EPOCH.saturating_add(span))
    }

    /// Days since 1970-01-01 (negative before it); the inverse of `from_days_since_epoch`.
    pub fn days_since_epoch(self) -> i64 {
        self.jiff().duration_since(EPOCH).as_secs() / SECONDS_PER_DAY
    }

    fn of(d: civil::Date) -> Date {
        Date {
            year: i32::from(d.year()),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }

    /// The same day as jiff's. Every `Date` made here is one (`new`, `of`); only a literal
    /// written by hand could be no real day, and it counts as 1970-01-01.
    fn jiff(self) -> civil::Date {
        let (y, m, d) = (i16::try_from(self.year), self.month as i8, self.day as i8);
        let day = y.ok().and_then(|y| civil::Date::new(y, m, d).ok());
        debug_assert!(day.is_some(), "{self:?} is no day of the calendar");
        day.unwrap_or(EPOCH)
    }
}

impl Date {
    /// Appends `YYYY-MM-DD` as a JSON string: what `Display` writes, without the formatter
    /// machinery (a lead has several dates and this runs for each).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        if !(0..=9999).contains(&self.year) {
            out.push(b'"');
            out.extend_from_slice(self.to_string().as_bytes());
            out.push(b'"');
            return;
        }
        let y = self.year as u32;
        let d = |n: u32| b'0' + (n % 10) as u8;
        out.extend_from_slice(&[
            b'"',
            d(y / 1000),
            d(y / 100),
            d(y / 10),
            d(y),
            b'-',
            d(self.month as u32 / 10),
            d(self.month as u32),
            b'-',
            d(self.day as u32 / 10),
            d(self.day as u32),
            b'"',
        ]);
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl RawDate {
    /// The date these digits name, when it is a real one.
    pub(super) fn validate(self) -> Result<Date, DateError> {
        Date::new(i32::from(self.year), self.month, self.day).ok_or(DateError::NotACalendarDate)
    }
}

impl RawTime<'_> {
    /// Hours 00-23, minutes and seconds 00-59. Leap seconds (60) are rejected on purpose:
    /// nothing downstream can represent them (and jiff's civil times have none).
    pub(super) fn validate(&self) -> Result<(), DateError> {
        let second = self.second.unwrap_or(0);
        let (h, m, s) = (self.hour as i8, self.minute as i8, second as i8);
        match civil::Time::new(h, m, s, 0) {
            Ok(_) => Ok(()),
            Err(_) => Err(DateError::NotACalendarDate),
        }
    }
}

impl Zone {
    /// Real offsets stay within ±14:00 (XML Schema's bound as well); minutes 00-59.
    pub(super) fn validate(self) -> Result<(), DateError> {
        match self {
            Zone::Utc => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_json_matches_display() {
        for (year, month, day) in [
            (0, 1, 1),
            (7, 2, 9),
            (1999, 12, 31),
            (2026, 11, 23),
            (9999, 9, 30),
            (10000, 1, 1),
            (-1, 3, 4),
        ] {
            let d = Date { year, month, day };
            let mut out = Vec::new();
            d.write_json(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{d}\""));
        }
    }

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
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
    fn from_days_extremes_end_at_the_range() {
        assert_eq!(Date::from_days_since_epoch(i64::MAX), d(9999, 12, 31));
        assert_eq!(Date::from_days_since_epoch(i64::MIN), d(-9999, 1, 1));
        assert_eq!(Date::from_days_since_epoch(2_932_897), d(9999, 12, 31));
    }

    #[test]
    fn today_is_sane() {
        let today = Date::today_utc();
        assert!(today.year >= 2024, "{today}");
        assert_eq!(Date::new(today.year, today.month, today.day), Some(today));
    }

    #[test]
    fn new_knows_month_lengths_and_leap_years() {
        assert_eq!(Date::new(2024, 2, 29), Some(d(2024, 2, 29)));
        assert_eq!(Date::new(2000, 2, 29), Some(d(2000, 2, 29)));
        for (year, month, day) in [
            (2023, 2, 29),
            (1900, 2, 29),
            (2023, 4, 31),
            (2023, 13, 1),
            (2023, 0, 1),
            (2023, 1, 0),
            (0, 1, 1),
            (10_000, 1, 1),
            (2023, 1, 200),
        ] {
            assert_eq!(Date::new(year, month, day), None, "{year}-{month}-{day}");
        }
    }
}
