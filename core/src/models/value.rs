//! Customer lifetime value: expected purchases month by month from a purchase model, times the
//! expected spend per purchase, discounted monthly.

use crate::models::btyd::{Customer, Model};

/// Days in a month for the discounting schedule (as lifetimes' `customer_lifetime_value` with
/// `freq='D'`).
pub const DAYS_PER_MONTH: f64 = 30.0;

/// `Σ_{i=1..months} (E[Y(i·month)] − E[Y((i−1)·month)]) · spend / (1 + rate)^i`, with months of
/// 30 days converted to the model's time unit. NaN if an expectation could not be computed.
/// `check_interrupts` runs once a month: up to 1,200 months of series near their limits can
/// take seconds.
pub fn customer_value(
    model: &Model,
    c: &Customer,
    spend_per_purchase: f64,
    months: u32,
    monthly_discount_rate: f64,
    check_interrupts: &dyn Fn(),
) -> f64 {
    let month = DAYS_PER_MONTH / model.unit.days();
    let mut previous = 0.0;
    (1..=months)
        .map(|i| {
            check_interrupts();
            let cumulative = model.expected_purchases(c, f64::from(i) * month);
            let in_month = cumulative - previous;
            previous = cumulative;
            in_month * spend_per_purchase / (1.0 + monthly_discount_rate).powi(i as i32)
        })
        .sum()
}
