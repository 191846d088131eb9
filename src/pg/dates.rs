//! Order times to PostgreSQL day numbers (days since 2000-01-01), and time-unit arguments.

use crate::pg::errors::{raise_with_hint, DATETIME_FIELD_OVERFLOW, INVALID_PARAMETER_VALUE};
use clv_core::time::calendar::PeriodUnit;
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

/// Parses a calendar period `unit` argument (`'day'`, `'week'`, `'month'`, `'quarter'`, `'year'`).
pub fn period_unit(text: &str) -> PeriodUnit {
    PeriodUnit::parse(text).unwrap_or_else(|| {
        raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("unknown period unit \"{text}\""),
            Some("Use 'day', 'week', 'month', 'quarter' or 'year'."),
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

pub use clv_core::time::civil::IsoDay;

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
#[allow(clippy::unwrap_used)] // test code: a panic is a failed test
mod tests {
    use clv_core::time::civil::{format_iso_day, parse_iso_day};
    use pgrx::prelude::*;

    /// The text forms write days as PostgreSQL writes dates in JSON and read them back.
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
            let json: String =
                Spi::get_one(&format!("SELECT to_json(DATE '{text}') #>> '{{}}'")).unwrap().unwrap();
            assert_eq!(format_iso_day(expected), json, "{text}");
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
