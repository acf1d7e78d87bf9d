//! Calendar dates (`YYYY-MM-DD`) for validity periods, register memberships and start dates.
//!
//! A small value type of our own: the domain only needs parsing, validation, ordering and the
//! calendar year (funding caps are per calendar year), not time zones or clocks — except "today",
//! which is the day in the Netherlands ([`Date::today`]).

use std::fmt;
use std::str::FromStr;

/// A proleptic Gregorian calendar date. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a valid date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid date (expected YYYY-MM-DD): {reason}")]
pub struct DateError {
    pub text: String,
    pub reason: &'static str,
}

impl Date {
    /// Builds a date, checking the day against the month's length (leap years included).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, &'static str> {
        if !(1000..=9999).contains(&year) {
            return Err("year out of range 1000-9999");
        }
        if !(1..=12).contains(&month) {
            return Err("month out of range 1-12");
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err("day does not exist in that month");
        }
        Ok(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before); lets callers add weeks and compare spans.
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Today in the Netherlands (Europe/Amsterdam): the day an advisor means by "today", so that
    /// between midnight and 01:00/02:00 Dutch time a request is not judged on yesterday (the UTC
    /// day). Every "today" of the service and the CLI comes from here. See [`Date::amsterdam_day`].
    pub fn today() -> Date {
        Date::amsterdam_day(jiff::Timestamp::now().as_second())
    }

    /// The calendar day in Europe/Amsterdam at `unix_seconds`, from the IANA time-zone database
    /// (the system's `/usr/share/zoneinfo`, else the copy bundled with `jiff`), so summer time and
    /// any future change of the Dutch rules are the database's business, not ours.
    pub fn amsterdam_day(unix_seconds: i64) -> Date {
        let instant = jiff::Timestamp::from_second(unix_seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let day = instant.to_zoned_datetime(amsterdam()).date();
        // A jiff date is always a valid Gregorian date; our range check only refuses years
        // outside 1000–9999, which no clock of this service reaches.
        Date::new(i32::from(day.year()), day.month() as u8, day.day() as u8)
            .unwrap_or_else(|_| Date::from_days(unix_seconds.div_euclid(86_400)))
    }

    /// The inverse of [`Date::to_days`].
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

/// The Europe/Amsterdam zone, looked up once. The bundled database always has it; should a broken
/// system database shadow it, Central European Time (UTC+1) is the closest fixed rule.
fn amsterdam() -> jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        jiff::tz::TimeZone::get("Europe/Amsterdam")
            .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(1)))
    })
    .clone()
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        let fail = |reason| DateError { text: text.to_string(), reason };
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(fail("wrong shape"));
        }
        let num = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("not a number"));
            }
            part.parse().map_err(|_| fail("not a number"))
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Date::new(year as i32, month as u8, day as u8).map_err(fail)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A half-open validity period `[from, to)`; `to = None` means open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validity {
    pub from: Date,
    pub to: Option<Date>,
}

impl Validity {
    /// True when `date` falls inside the period.
    pub fn contains(&self, date: Date) -> bool {
        date >= self.from && self.to.is_none_or(|to| date < to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_valid_dates() {
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.year(), 2024);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "24-01-01", "2024/01/01", "2024-01-1x"] {
            assert!(bad.parse::<Date>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        let d: Date = "2024-01-01".parse().unwrap();
        assert_eq!(d.to_days(), 19_723);
        for n in [-1000, 0, 19_723, 30_000] {
            assert_eq!(Date::from_days(n).to_days(), n);
        }
    }

    /// Seconds since the epoch of `date` at `hh:mm:ss` UTC.
    fn utc(date: &str, h: i64, m: i64, sec: i64) -> i64 {
        date.parse::<Date>().unwrap().to_days() * 86_400 + h * 3_600 + m * 60 + sec
    }

    #[test]
    fn today_is_the_dutch_day_around_midnight_utc() {
        let day = |d: &str| d.parse::<Date>().unwrap();
        // Winter (CET, UTC+1): 23:30 UTC is already 00:30 the next day in Amsterdam.
        assert_eq!(Date::amsterdam_day(utc("2026-12-04", 22, 59, 59)), day("2026-12-04"));
        assert_eq!(Date::amsterdam_day(utc("2026-12-04", 23, 0, 0)), day("2026-12-05"));
        assert_eq!(Date::amsterdam_day(utc("2026-12-04", 23, 30, 0)), day("2026-12-05"));
        assert_eq!(Date::amsterdam_day(utc("2026-12-05", 0, 30, 0)), day("2026-12-05"));
        // Summer (CEST, UTC+2): from 22:00 UTC on.
        assert_eq!(Date::amsterdam_day(utc("2026-07-01", 21, 59, 59)), day("2026-07-01"));
        assert_eq!(Date::amsterdam_day(utc("2026-07-01", 22, 0, 0)), day("2026-07-02"));
        // New Year's Eve across the year boundary: the funding year changes at Dutch midnight.
        assert_eq!(Date::amsterdam_day(utc("2026-12-31", 23, 15, 0)), day("2027-01-01"));
        // The days summer time starts (29 March 2026) and ends (25 October 2026).
        assert_eq!(Date::amsterdam_day(utc("2026-03-28", 23, 0, 0)), day("2026-03-29"));
        assert_eq!(Date::amsterdam_day(utc("2026-10-24", 22, 0, 0)), day("2026-10-25"));
        assert_eq!(Date::amsterdam_day(utc("2026-10-25", 22, 59, 59)), day("2026-10-25"));
        assert_eq!(Date::amsterdam_day(utc("2026-10-25", 23, 0, 0)), day("2026-10-26"));
    }

    #[test]
    fn validity_is_half_open() {
        let v = Validity { from: "2022-03-01".parse().unwrap(), to: Some("2024-01-01".parse().unwrap()) };
        assert!(v.contains("2023-12-31".parse().unwrap()));
        assert!(!v.contains("2024-01-01".parse().unwrap()));
        assert!(!v.contains("2022-02-28".parse().unwrap()));
    }
}
