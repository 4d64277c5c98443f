//! The calendar date type: proleptic Gregorian `Date`, its strict `YYYY-MM-DD` form, day
//! counts since the Unix epoch (both ways), today's date, and month lengths.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::lex::lex_ymd;

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

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(super) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
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
}
