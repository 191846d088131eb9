//! What a purchase model expected against what happened, per customer, for the diagnostics a
//! BI tool charts (docs/models/diagnostics.md): repeat purchases by calendar period (the
//! tracking plot) and the distribution of repeat purchases since the first (the frequency
//! histogram). Summed over customers in SQL, they compare a model with the data.

use super::{Customer, Model};
use crate::kpi::{RetentionError, MAX_RETENTION_PERIODS};
use crate::summary::SummaryView;
use crate::time::calendar::PeriodUnit;

/// One calendar period of a customer's repeat purchases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackingPeriod {
    pub period_start: i32,
    /// Purchase days after the first, in the period.
    pub actual: u64,
    /// What the model expects of a new customer in the same days since their first purchase.
    pub expected: f64,
}

/// The customer's repeat purchases per period of `unit` from their first order's period to the
/// one containing `until`: the actual, and the model's expectation for a new customer
/// `E[X(b)] − E[X(a)]`, where the period covers days a to b after the first purchase day (cut
/// at `until`). Empty if the first order is after `until`. Summed over the periods, actual is
/// the customer's repeat purchase days and expected the new-customer expectation at `until`.
pub fn tracking(
    model: &Model,
    s: &SummaryView,
    unit: PeriodUnit,
    until: i32,
    check_interrupts: &dyn Fn(),
) -> Result<Vec<TrackingPeriod>, RetentionError> {
    use RetentionError::OutOfCalendar;
    let Some(seen) = s.until(until) else { return Ok(Vec::new()) };
    let first_day = seen.first_day();
    let (first, last) =
        (unit.ordinal(first_day).ok_or(OutOfCalendar)?, unit.ordinal(until).ok_or(OutOfCalendar)?);
    if last - first + 1 > MAX_RETENTION_PERIODS {
        return Err(RetentionError::TooManyPeriods(last - first + 1));
    }
    // Expected repeat purchases by the end of day `first_day + days`.
    let expected_by = |days: i64| model.expected_purchases_new_customer(model.unit.from_days(days));
    let mut rows = Vec::with_capacity((last - first + 1) as usize);
    let mut before = 0.0;
    for ordinal in first..=last {
        check_interrupts();
        let period_start = unit.start(ordinal).ok_or(OutOfCalendar)?;
        let end = unit.start(ordinal + 1).map_or(until, |next| (next - 1).min(until));
        let cumulative = expected_by(i64::from(end) - i64::from(first_day));
        rows.push(TrackingPeriod {
            period_start,
            actual: seen.purchase_days_between(period_start.max(first_day + 1), end.saturating_add(1)) as u64,
            expected: cumulative - before,
        });
        before = cumulative;
    }
    Ok(rows)
}

/// The probabilities of 0, 1, ..., `max_x − 1` and of `max_x` or more repeat purchases in the
/// first `age` time units after the first purchase: the model's distribution of the frequency
/// of a customer of that age. They sum to 1.
pub fn repeat_purchase_distribution(model: &Model, age: f64, max_x: u32) -> Vec<f64> {
    let new = Customer { x: 0.0, t_x: 0.0, t: 0.0 };
    let mut probabilities: Vec<f64> = (0..max_x).map(|n| model.prob_purchases(&new, n, age)).collect();
    let below: f64 = probabilities.iter().sum();
    probabilities.push((1.0 - below).max(0.0));
    probabilities
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::btyd::Kind;
    use crate::summary::{encode_to_vec, PurchaseDay};
    use crate::time::TimeUnit;

    fn models() -> Vec<Model> {
        [
            (Kind::BgNbd, [0.2426, 4.4136, 0.7929, 2.4259]),
            (Kind::MbgNbd, [0.525, 6.183, 0.891, 1.614]),
            (Kind::ParetoNbd, [0.5532, 10.576, 0.6062, 11.672]),
        ]
        .map(|(kind, params)| Model {
            kind,
            params,
            unit: TimeUnit::Weeks,
            as_of: None,
            fit: None,
            covariates: None,
            covariance: None,
        })
        .to_vec()
    }

    /// Summed over the periods, tracking gives the repeat purchase days and the expectation at
    /// `until`, whatever the period.
    #[test]
    fn tracking_adds_up() {
        let days =
            [10, 10, 40, 41, 300, 301, 700].map(|day| PurchaseDay { day, orders: 1, amount: 1_000_000 });
        let bytes = encode_to_vec(days.to_vec()).unwrap();
        let s = SummaryView::validated(&bytes).unwrap();
        for model in models() {
            for unit in [PeriodUnit::Day, PeriodUnit::Week, PeriodUnit::Month, PeriodUnit::Year] {
                let rows = tracking(&model, &s, unit, 500, &|| {}).unwrap();
                assert_eq!(rows.iter().map(|r| r.actual).sum::<u64>(), 4, "{unit:?}");
                let expected: f64 = rows.iter().map(|r| r.expected).sum();
                let want = model.expected_purchases_new_customer(model.unit.from_days(490));
                assert!((expected - want).abs() < 1e-12 * want.max(1.0), "{unit:?}: {expected} vs {want}");
                assert!(rows.iter().all(|r| r.expected >= 0.0));
            }
            assert!(tracking(&model, &s, PeriodUnit::Week, 5, &|| {}).unwrap().is_empty());
        }
    }

    #[test]
    fn distribution_sums_to_one() {
        for model in models() {
            for age in [0.0, 1.0, 39.0, 500.0] {
                let p = repeat_purchase_distribution(&model, age, 7);
                assert_eq!(p.len(), 8);
                assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{:?} {age}: {p:?}", model.kind);
                assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }
}
