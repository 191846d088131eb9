//! Lifecycle stages: where a customer stands at a date, from their purchase days.

use crate::segments::repurchase::mean_cycle_days;
use crate::summary::SummaryView;

/// A customer's stage; the SQL enum `clv.lifecycle` has these labels in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Signed up, no order yet.
    Prospect,
    /// First order recently.
    New,
    Active,
    /// No purchase for a while.
    AtRisk,
    /// No purchase for a long time.
    Dormant,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Self::Prospect => "prospect",
            Self::New => "new",
            Self::Active => "active",
            Self::AtRisk => "at_risk",
            Self::Dormant => "dormant",
        }
    }
}

/// The thresholds, in days unless noted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// New while the first order is fewer than this many days before `as_of`.
    pub new_within: i32,
    /// At risk once this many days have passed without a purchase.
    pub at_risk_after: i32,
    /// Dormant once this many days have passed without a purchase.
    pub dormant_after: i32,
    /// When set, customers with a repurchase cycle are at risk after this many of their own
    /// mean cycles instead of `at_risk_after` days.
    pub at_risk_cycles: Option<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { new_within: 30, at_risk_after: 90, dormant_after: 365, at_risk_cycles: None }
    }
}

impl Thresholds {
    /// Why these thresholds cannot be used, if they cannot.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.new_within < 0 {
            return Err("new_within must not be negative");
        }
        if self.at_risk_after < 1 || self.dormant_after < 1 {
            return Err("at_risk_after and dormant_after must be at least 1 day");
        }
        if let Some(cycles) = self.at_risk_cycles {
            if !(cycles.is_finite() && cycles > 0.0) {
                return Err("at_risk_cycles must be a positive number");
            }
        }
        Ok(())
    }
}

/// The stage at the end of `as_of`, from the orders up to then; `None` if the customer had
/// not ordered by `as_of`. Precedence: dormant, at risk, new, active.
pub fn stage(s: &SummaryView, as_of: i32, t: &Thresholds) -> Option<Stage> {
    let seen = s.until(as_of)?;
    let days_since_last = i64::from(as_of) - i64::from(seen.last_day());
    let age = i64::from(as_of) - i64::from(seen.first_day());
    let at_risk_after = match (t.at_risk_cycles, mean_cycle_days(&seen)) {
        (Some(cycles), Some(cycle)) => cycles * cycle,
        _ => f64::from(t.at_risk_after),
    };
    Some(if days_since_last >= i64::from(t.dormant_after) {
        Stage::Dormant
    } else if days_since_last as f64 >= at_risk_after {
        Stage::AtRisk
    } else if age < i64::from(t.new_within) {
        Stage::New
    } else {
        Stage::Active
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{encode_to_vec, PurchaseDay};

    fn at(days: &[i32], as_of: i32, t: Thresholds) -> Option<Stage> {
        let bytes =
            encode_to_vec(days.iter().map(|&day| PurchaseDay { day, orders: 1, amount: 1 }).collect())
                .unwrap();
        stage(&SummaryView::new(&bytes).unwrap(), as_of, &t)
    }

    #[test]
    fn default_thresholds_and_their_boundaries() {
        let t = Thresholds::default();
        assert_eq!(at(&[100], 99, t), None);
        assert_eq!(at(&[100], 100, t), Some(Stage::New));
        assert_eq!(at(&[100], 129, t), Some(Stage::New));
        assert_eq!(at(&[100], 130, t), Some(Stage::Active));
        assert_eq!(at(&[100], 189, t), Some(Stage::Active));
        assert_eq!(at(&[100], 190, t), Some(Stage::AtRisk));
        assert_eq!(at(&[100], 464, t), Some(Stage::AtRisk));
        assert_eq!(at(&[100], 465, t), Some(Stage::Dormant));
        // A later order is ignored at an earlier as_of.
        assert_eq!(at(&[100, 400], 300, t), Some(Stage::AtRisk));
        assert_eq!(at(&[100, 400], 400, t), Some(Stage::Active));
    }

    #[test]
    fn cycle_scaled_at_risk_threshold() {
        // Buys every 120 days: not at risk after 90 days, at risk after 1.5 cycles (180).
        let t = Thresholds { at_risk_cycles: Some(1.5), ..Thresholds::default() };
        assert_eq!(at(&[0, 120, 240], 340, t), Some(Stage::Active));
        assert_eq!(at(&[0, 120, 240], 420, t), Some(Stage::AtRisk));
        // Buys every 10 days: at risk after 15 days.
        assert_eq!(at(&[0, 10, 20], 35, t), Some(Stage::AtRisk));
        // One purchase day, no cycle: the fixed 90 days apply.
        assert_eq!(at(&[0], 89, t), Some(Stage::Active));
        assert_eq!(at(&[0], 90, t), Some(Stage::AtRisk));
        // Dormant stays absolute even when the cycle is long.
        assert_eq!(at(&[0, 300, 600], 965, t), Some(Stage::Dormant));
    }

    #[test]
    fn bad_thresholds_are_reported() {
        assert!(Thresholds { new_within: -1, ..Thresholds::default() }.check().is_err());
        assert!(Thresholds { at_risk_after: 0, ..Thresholds::default() }.check().is_err());
        assert!(Thresholds { at_risk_cycles: Some(f64::NAN), ..Thresholds::default() }.check().is_err());
        assert!(Thresholds::default().check().is_ok());
    }
}
