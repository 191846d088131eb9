//! Time in pg_clv: units for BTYD quantities (`t_x`, `T`, horizons, here) and calendar
//! periods for cohort tables ([`calendar`]). Days are PostgreSQL day numbers throughout.

pub mod calendar;
pub mod civil;

/// The unit in which BTYD times are expressed. Days are the default; the CDNOW literature
/// uses weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Days,
    Weeks,
}

impl TimeUnit {
    /// Parses `day`/`days`/`week`/`weeks` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        // Without allocating: fit aggregates parse their unit on every row.
        let text = text.trim();
        let is = |name: &str| {
            text.eq_ignore_ascii_case(name) || text.eq_ignore_ascii_case(&name[..name.len() - 1])
        };
        if is("days") {
            Some(Self::Days)
        } else if is("weeks") {
            Some(Self::Weeks)
        } else {
            None
        }
    }

    /// The canonical name, as printed in models.
    pub fn name(self) -> &'static str {
        match self {
            Self::Days => "days",
            Self::Weeks => "weeks",
        }
    }

    /// The byte that stores this unit.
    pub fn code(self) -> u8 {
        match self {
            Self::Days => 1,
            Self::Weeks => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        [Self::Days, Self::Weeks].into_iter().find(|u| u.code() == code)
    }

    /// Length of one unit in days.
    pub fn days(self) -> f64 {
        match self {
            Self::Days => 1.0,
            Self::Weeks => 7.0,
        }
    }

    /// Converts a number of days into this unit.
    pub fn from_days(self, days: i64) -> f64 {
        days as f64 / self.days()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_singular_and_plural() {
        assert_eq!(TimeUnit::parse("Weeks"), Some(TimeUnit::Weeks));
        assert_eq!(TimeUnit::parse(" day "), Some(TimeUnit::Days));
        assert_eq!(TimeUnit::parse("months"), None);
        assert_eq!(TimeUnit::Weeks.from_days(213), 213.0 / 7.0);
    }
}
