//! Order times to PostgreSQL day numbers (days since 2000-01-01), and time-unit arguments.

use crate::pg::errors::{raise_with_hint, DATETIME_FIELD_OVERFLOW, INVALID_PARAMETER_VALUE};
use clv_core::time::TimeUnit;
use pgrx::datum::{Date, Timestamp, TimestampWithTimeZone};

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn infinite(what: &str) -> ! {
    raise_with_hint(
        DATETIME_FIELD_OVERFLOW,
        format!("{what} must be finite"),
        Some("'infinity' and '-infinity' have no calendar day; filter them out."),
    )
}

/// Day number of a raw timestamp value (microseconds since 2000-01-01 00:00).
fn timestamp_micros_day(micros: i64, what: &str) -> i32 {
    if micros == i64::MAX || micros == i64::MIN {
        infinite(what);
    }
    // Every finite timestamp's day fits in i32 (PostgreSQL's date range is wider).
    micros.div_euclid(MICROS_PER_DAY) as i32
}

/// UTC calendar day of a `timestamptz`.
pub fn timestamptz_day(ts: TimestampWithTimeZone, what: &str) -> i32 {
    timestamp_micros_day(ts.into_inner(), what)
}

/// Calendar day of a `timestamp` (wall-clock time, no zone conversion), so that
/// `ordered_at AT TIME ZONE 'Asia/Seoul'` gives Seoul days.
pub fn timestamp_day(ts: Timestamp, what: &str) -> i32 {
    timestamp_micros_day(ts.into_inner(), what)
}

/// Parses a `unit` argument (`'days'` or `'weeks'`).
pub fn time_unit(text: &str) -> TimeUnit {
    TimeUnit::parse(text).unwrap_or_else(|| {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("unknown time unit \"{text}\""),
            Some("Use 'days' or 'weeks'."),
        )
    })
}

/// Day number of a `date` (order dates, as_of, cutoffs); ERROR for ±infinity.
pub fn finite_day(date: Date, what: &str) -> i32 {
    if !date.is_finite() {
        infinite(what);
    }
    date.to_pg_epoch_days()
}

/// A date from a day number; ERROR beyond PostgreSQL's date range (a period that starts before
/// 4714 BC, say).
pub fn day_date(day: i32) -> Date {
    Date::try_from(day).unwrap_or_else(|_| {
        raise_with_hint(
            DATETIME_FIELD_OVERFLOW,
            format!("date out of range: day {day} from 2000-01-01"),
            None,
        )
    })
}

/// A day in the text forms of pg_clv's types: written as PostgreSQL writes dates in JSON
/// (`1997-03-25`, `0044-03-15 BC`), read back by our own parser, whatever the session's
/// DateStyle. (pgrx's `Date` parses through `date_in`, which accepts other forms and reports
/// some of its errors as internal errors.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDay(pub i32);

impl serde::Serialize for IsoDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        day_date(self.0).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for IsoDay {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse_iso_day(&text).map(IsoDay).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date \"{text}\" (YYYY-MM-DD or YYYY-MM-DD BC, within PostgreSQL's date range)"
            ))
        })
    }
}

/// The day number of `YYYY-MM-DD` or `YYYY-MM-DD BC` (years of 4 to 7 digits); `None` for any
/// other text or a date outside PostgreSQL's range.
fn parse_iso_day(text: &str) -> Option<i32> {
    let (date, bc) = match text.strip_suffix(" BC") {
        Some(date) => (date, true),
        None => (text, false),
    };
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    let (year, month, day) = (digits(year, 4..=7)?, digits(month, 2..=2)?, digits(day, 2..=2)?);
    if year == 0 {
        return None; // there is no year 0 (1 BC comes before AD 1)
    }
    // Astronomical years: 1 BC is year 0.
    let year = if bc { 1 - year } else { year };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let number = i32::try_from(days_from_civil(year, month, day)).ok()?;
    Date::try_from(number).is_ok().then_some(number)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 2000-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`, in
/// i64 so that it covers PostgreSQL's whole range, which chrono's calendar does not).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 730_425 days from 0000-03-01 to 2000-01-01.
    era * 146_097 + day_of_era - 730_425
}

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
mod tests {
    use super::parse_iso_day;
    use pgrx::prelude::*;

    #[pg_test]
    fn iso_days_read_what_postgres_writes() {
        for text in [
            "2000-01-01",
            "1997-03-25",
            "2024-02-29",
            "0044-03-15 BC",
            "4714-11-24 BC",
            "5874897-12-31",
            "0001-01-01",
        ] {
            let expected: i32 =
                Spi::get_one(&format!("SELECT '{text}'::date - DATE '2000-01-01'")).unwrap().unwrap();
            assert_eq!(parse_iso_day(text), Some(expected), "{text}");
        }
        for text in [
            "-997-07-28",
            "1997-02-29",
            "1997-13-01",
            "0000-01-01",
            "4714-11-23 BC",
            "5874898-01-01",
            "97-01-01",
            "1997-1-01",
            "",
            "1997-01-01 AD",
            "2000-01-01T00",
        ] {
            assert_eq!(parse_iso_day(text), None, "{text}");
        }
    }
}
