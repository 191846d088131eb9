//! Order times to PostgreSQL day numbers (days since 2000-01-01), and time-unit arguments.

use crate::errors::{raise_with_hint, DATETIME_FIELD_OVERFLOW, INVALID_PARAMETER_VALUE};
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

/// A date from a day number.
pub fn day_date(day: i32) -> Date {
    // Day numbers come from finite dates, so they are in range.
    Date::try_from(day).expect("day number of a finite date")
}
