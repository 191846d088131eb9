//! Customer lifetime value: expected purchases month by month from a purchase model, times the
//! expected spend per purchase, discounted monthly.

use crate::models::btyd::{Customer, Model};

/// Days in a month for the discounting schedule (as lifetimes' `customer_lifetime_value` with
/// `freq='D'`).
pub const DAYS_PER_MONTH: f64 = 30.0;

/// Months whose expectations are computed together (see [`Model::expected_purchases_at`]).
const MONTHS_AT_ONCE: usize = 12;

/// `Σ_{i=1..months} (E[Y(i·month)] − E[Y((i−1)·month)]) · spend / (1 + rate)^i`, with months of
/// 30 days converted to the model's time unit. NaN if an expectation could not be computed.
/// `check_interrupts` runs once a year of months: up to 1,200 months of series near their
/// limits can take seconds.
pub fn customer_value(
    model: &Model,
    c: &Customer,
    spend_per_purchase: f64,
    months: u32,
    monthly_discount_rate: f64,
    check_interrupts: &dyn Fn(),
) -> f64 {
    let month = DAYS_PER_MONTH / model.unit.days();
    let (mut previous, mut value) = (0.0, 0.0);
    let mut discount = 1.0;
    for first in (1..=months).step_by(MONTHS_AT_ONCE) {
        check_interrupts();
        // A last, partial year repeats its final month; the repeats are not summed.
        let horizons: [f64; MONTHS_AT_ONCE] =
            std::array::from_fn(|j| f64::from((first + j as u32).min(months)) * month);
        let cumulative = model.expected_purchases_at(c, horizons);
        for &expected in cumulative.iter().take((months - first + 1) as usize) {
            let in_month = expected - previous;
            previous = expected;
            discount /= 1.0 + monthly_discount_rate;
            value += in_month * spend_per_purchase * discount;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::btyd::Kind;
    use crate::time::TimeUnit;

    /// The definition, month by month: one expectation per month.
    fn month_by_month(model: &Model, c: &Customer, spend: f64, months: u32, rate: f64) -> f64 {
        let month = DAYS_PER_MONTH / model.unit.days();
        let mut previous = 0.0;
        (1..=months)
            .map(|i| {
                let cumulative = model.expected_purchases(c, f64::from(i) * month);
                let in_month = cumulative - previous;
                previous = cumulative;
                in_month * spend / (1.0 + rate).powi(i as i32)
            })
            .sum()
    }

    /// Computing a year of months at once gives the month-by-month value to 1e-9, for every
    /// model, short and long histories, partial years and long horizons.
    #[test]
    fn months_at_once_equal_month_by_month() {
        let models = [
            (Kind::BgNbd, [0.243, 30.9, 0.793, 2.426], TimeUnit::Days),
            (Kind::BgNbd, [0.243, 4.414, 1.0 + 3e-6, 2.426], TimeUnit::Weeks), // a ≈ 1
            (Kind::MbgNbd, [0.525, 43.3, 0.891, 1.614], TimeUnit::Days),
            (Kind::ParetoNbd, [0.553, 74.0, 0.606, 81.7], TimeUnit::Days),
            (Kind::ParetoNbd, [0.553, 10.6, 1.0, 11.7], TimeUnit::Weeks), // s = 1
        ];
        let mut compared = 0;
        for (kind, params, unit) in models {
            let model =
                Model { kind, params, unit, as_of: None, fit: None, covariates: None, covariance: None };
            for x in [0.0, 1.0, 4.0, 60.0] {
                for t in [0.5, 30.0, 400.0, 3000.0] {
                    let c = Customer { x, t_x: if x > 0.0 { t * 0.7 } else { 0.0 }, t };
                    for months in [0, 1, 11, 12, 13, 30, 240] {
                        let expected = month_by_month(&model, &c, 40.0, months, 0.01);
                        let got = customer_value(&model, &c, 40.0, months, 0.01, &|| {});
                        let tolerance = 1e-9 * expected.abs().max(f64::MIN_POSITIVE);
                        assert!(
                            (got - expected).abs() <= tolerance,
                            "{kind:?} {c:?} {months}: {got} vs {expected}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 5 * 4 * 4 * 7);
    }
}
