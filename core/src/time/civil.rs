//! Calendar dates as PostgreSQL stores them, day numbers from 2000-01-01, over PostgreSQL's
//! whole range (4714 BC to 5874897 AD, beyond chrono's calendar), for the text forms of
//! pg_clv's types: [`IsoDay`] writes a date as PostgreSQL writes dates in JSON (`1997-03-25`,
//! `0044-03-15 BC`) and reads exactly that back, whatever a session's DateStyle.

/// PostgreSQL's first and last dates (4714-11-24 BC and 5874897-12-31) as day numbers.
pub const FIRST_DAY: i32 = -2_451_545;
pub const LAST_DAY: i32 = 2_145_031_948;

/// A day number in a text form: serialized as `YYYY-MM-DD[ BC]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDay(pub i32);

impl serde::Serialize for IsoDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_iso_day(self.0))
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

/// `YYYY-MM-DD`, or `YYYY-MM-DD BC` for years before AD 1, as PostgreSQL writes a date in JSON.
pub fn format_iso_day(day: i32) -> String {
    let (year, month, day) = civil_from_days(i64::from(day));
    if year > 0 {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{:04}-{month:02}-{day:02} BC", 1 - year)
    }
}

/// The day number of `YYYY-MM-DD` or `YYYY-MM-DD BC` (years of 4 to 7 digits); `None` for any
/// other text or a date outside PostgreSQL's range.
pub fn parse_iso_day(text: &str) -> Option<i32> {
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
    let number = days_from_civil(year, month, day);
    (i64::from(FIRST_DAY)..=i64::from(LAST_DAY)).contains(&number).then_some(number as i32)
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

/// Days from 0000-03-01 to 2000-01-01: the shift between Hinnant's epoch and PostgreSQL's.
const EPOCH_SHIFT: i64 = 730_425;

/// Days from 2000-01-01 to a proleptic Gregorian date with astronomical years (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - EPOCH_SHIFT
}

/// The proleptic Gregorian date (astronomical year, month, day) of a day number (Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + EPOCH_SHIFT;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_over_postgres_range() {
        for day in [FIRST_DAY, -730_120, -1, 0, 1, 59, 60, 366, 10_000, 2_932_896, LAST_DAY] {
            let text = format_iso_day(day);
            assert_eq!(parse_iso_day(&text), Some(day), "{text}");
        }
        assert_eq!(format_iso_day(0), "2000-01-01");
        assert_eq!(format_iso_day(-1081), "1997-01-15");
        assert_eq!(format_iso_day(FIRST_DAY), "4714-11-24 BC");
        assert_eq!(format_iso_day(LAST_DAY), "5874897-12-31");
        assert_eq!(parse_iso_day("0001-01-01"), Some(-730_119));
        assert_eq!(parse_iso_day("0001-12-31 BC"), Some(-730_120));
        for text in ["-997-07-28", "1997-02-29", "1997-13-01", "0000-01-01", "4714-11-23 BC", "5874898-01-01"]
        {
            assert_eq!(parse_iso_day(text), None, "{text}");
        }
    }
}
