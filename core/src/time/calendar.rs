//! Calendar periods (day, ISO week, month, quarter, year) for cohort tables. Days are counted
//! from PostgreSQL's epoch, 2000-01-01 = day 0, as everywhere in pg_clv.

use chrono::{Datelike, Days, NaiveDate};

/// The length of a cohort period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    Day,
    /// ISO weeks, Monday to Sunday (as PostgreSQL's `date_trunc('week', ...)`).
    Week,
    Month,
    Quarter,
    Year,
}

/// PostgreSQL's day 0.
const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");

/// 2000-01-01 was a Saturday: day 2 is the first Monday.
const FIRST_MONDAY: i64 = 2;

fn date_of(day: i32) -> Option<NaiveDate> {
    let offset = Days::new(u64::from(day.unsigned_abs()));
    if day >= 0 {
        EPOCH.checked_add_days(offset)
    } else {
        EPOCH.checked_sub_days(offset)
    }
}

fn day_of(date: NaiveDate) -> Option<i32> {
    i32::try_from(date.signed_duration_since(EPOCH).num_days()).ok()
}

impl PeriodUnit {
    /// Parses `day`, `week`, `month`, `quarter`, `year` (singular or plural, any case).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        let singular = text.strip_suffix('s').unwrap_or(&text);
        match singular {
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    /// Ordinal of the period that contains `day`: consecutive periods have consecutive
    /// ordinals. `None` outside the calendar's range (beyond ±262,000 years).
    pub fn ordinal(self, day: i32) -> Option<i64> {
        let day = i64::from(day);
        match self {
            Self::Day => Some(day),
            Self::Week => Some((day - FIRST_MONDAY).div_euclid(7)),
            Self::Month | Self::Quarter | Self::Year => {
                let date = date_of(day as i32)?;
                let (year, month0) = (i64::from(date.year()), i64::from(date.month0()));
                Some(match self {
                    Self::Month => year * 12 + month0,
                    Self::Quarter => year * 4 + month0 / 3,
                    _ => year,
                })
            }
        }
    }

    /// First day of the period with ordinal `ordinal`; `None` outside the calendar's range.
    pub fn start(self, ordinal: i64) -> Option<i32> {
        let first_of_month = |months: i64| {
            let year = i32::try_from(months.div_euclid(12)).ok()?;
            NaiveDate::from_ymd_opt(year, months.rem_euclid(12) as u32 + 1, 1).and_then(day_of)
        };
        match self {
            Self::Day => i32::try_from(ordinal).ok(),
            Self::Week => i32::try_from(ordinal.checked_mul(7)?.checked_add(FIRST_MONDAY)?).ok(),
            Self::Month => first_of_month(ordinal),
            Self::Quarter => first_of_month(ordinal.checked_mul(3)?),
            Self::Year => first_of_month(ordinal.checked_mul(12)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> i32 {
        day_of(NaiveDate::from_ymd_opt(y, m, d).unwrap()).unwrap()
    }

    #[test]
    fn parses_names() {
        assert_eq!(PeriodUnit::parse("Months"), Some(PeriodUnit::Month));
        assert_eq!(PeriodUnit::parse(" week "), Some(PeriodUnit::Week));
        assert_eq!(PeriodUnit::parse("quarters"), Some(PeriodUnit::Quarter));
        assert_eq!(PeriodUnit::parse("fortnight"), None);
    }

    #[test]
    fn periods_start_where_date_trunc_does() {
        // 1997-01-01 was a Wednesday; its ISO week starts on Monday 1996-12-30.
        let d = day(1997, 1, 1);
        let start = |u: PeriodUnit, d: i32| u.start(u.ordinal(d).unwrap()).unwrap();
        assert_eq!(start(PeriodUnit::Week, d), day(1996, 12, 30));
        assert_eq!(start(PeriodUnit::Month, day(1997, 3, 31)), day(1997, 3, 1));
        assert_eq!(start(PeriodUnit::Quarter, day(1997, 6, 30)), day(1997, 4, 1));
        assert_eq!(start(PeriodUnit::Year, day(1997, 6, 30)), day(1997, 1, 1));
        assert_eq!(start(PeriodUnit::Day, d), d);
        assert_eq!(start(PeriodUnit::Week, day(1999, 12, 26)), day(1999, 12, 20)); // a Sunday
        assert_eq!(start(PeriodUnit::Month, day(1850, 2, 14)), day(1850, 2, 1));
        // before the epoch
    }

    #[test]
    fn ordinals_count_periods() {
        let months =
            |a: i32, b: i32| PeriodUnit::Month.ordinal(b).unwrap() - PeriodUnit::Month.ordinal(a).unwrap();
        assert_eq!(months(day(1997, 1, 31), day(1997, 2, 1)), 1);
        assert_eq!(months(day(1997, 1, 1), day(1998, 6, 30)), 17);
        let weeks =
            |a: i32, b: i32| PeriodUnit::Week.ordinal(b).unwrap() - PeriodUnit::Week.ordinal(a).unwrap();
        assert_eq!(weeks(day(1997, 1, 5), day(1997, 1, 6)), 1); // Sunday to Monday
        assert_eq!(weeks(day(1997, 1, 6), day(1997, 1, 12)), 0);
    }

    #[test]
    fn out_of_range_is_none() {
        // PostgreSQL dates reach year 5874897; chrono's calendar stops near 262143.
        assert_eq!(PeriodUnit::Month.ordinal(i32::MAX - 1), None);
        assert_eq!(PeriodUnit::Year.start(i64::MAX), None);
        assert!(PeriodUnit::Week.ordinal(i32::MAX - 1).is_some());
    }
}
