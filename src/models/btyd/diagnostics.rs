//! Diagnostics of a purchase model as rows a BI tool charts (docs/models/diagnostics.md): per
//! customer, repeat purchases by calendar period against the model (`clv.purchase_tracking`)
//! and the model's distribution of their repeat purchases (`clv.repeat_purchase_distribution`),
//! calibration against holdout (`clv.holdout_comparison`),
//! summed over customers in SQL; and a (frequency, recency) grid of P(alive) and expected
//! purchases (`clv.prediction_grid`). Fit statistics are `clv.fit_statistics`
//! (`crate::models`); holdout errors the plain SQL aggregate `clv.prediction_errors`
//! (`diagnostics/prediction_errors.sql`).
//!
//! Set-returning functions decode their model per call: PostgreSQL keeps a set-returning
//! function's own state where a call-site cache would go.

use super::predict::customer_model;
use super::BtydModel;
use crate::pg::args::{computed, time_span};
use crate::pg::call::check_for_interrupts;
use crate::pg::dates::{day_date, finite_day, period_unit};
use crate::pg::errors::{bad_periods, raise, INVALID_PARAMETER_VALUE};
use crate::summary::CustomerSummary;
use clv_core::models::btyd::diagnostics::{repeat_purchase_distribution as distribution, tracking};
use clv_core::models::btyd::Customer;
use pgrx::datum::Date;
use pgrx::prelude::*;

/// The most bins of a distribution and rows or columns of a grid: far more than a chart shows.
const MAX_BINS: u32 = 1000;

fn bins(value: i32, argument: &str, from: u32) -> u32 {
    crate::pg::args::integer_between(value, argument, from, MAX_BINS)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 200)]
fn purchase_tracking(
    model: BtydModel,
    s: CustomerSummary,
    until: Date,
    unit: default!(&str, "'week'"),
) -> TableIterator<
    'static,
    (name!(period_start, Date), name!(repeat_purchases, i64), name!(expected_repeat_purchases, f64)),
> {
    let m = customer_model(model.value(), None);
    let rows = tracking(&m, &s.view(), period_unit(unit), finite_day(until, "until"), &check_for_interrupts)
        .unwrap_or_else(|e| bad_periods(e, "purchase_tracking"));
    TableIterator::new(rows.into_iter().map(|r| {
        (day_date(r.period_start), r.actual as i64, computed(r.expected, "expected repeat purchases"))
    }))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 200)]
fn repeat_purchase_distribution(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    max_x: default!(i32, 7),
) -> TableIterator<'static, (name!(repeat_purchases, i32), name!(probability, f64), name!(observed, bool))> {
    let max_x = bins(max_x, "max_x", 1);
    let m = customer_model(model.value(), None);
    let day = finite_day(as_of, "as_of");
    let Some(c) = Customer::at(&s.view(), day, m.unit) else { return TableIterator::new(Vec::new()) };
    let observed = (c.x as u32).min(max_x);
    let rows: Vec<_> = distribution(&m, c.t, max_x)
        .into_iter()
        .enumerate()
        .map(|(x, p)| (x as i32, computed(p, "the probability"), x as u32 == observed))
        .collect();
    TableIterator::new(rows)
}

/// Calibration against holdout for one customer: no row if they had not ordered by
/// `calibration_end`.
#[pg_extern(immutable, parallel_safe, strict, cost = 20)]
fn holdout_comparison(
    model: BtydModel,
    s: CustomerSummary,
    calibration_end: Date,
    holdout_end: Date,
    max_x: default!(i32, 7),
) -> TableIterator<
    'static,
    (
        name!(calibration_purchases, i32),
        name!(holdout_purchases, i64),
        name!(expected_holdout_purchases, f64),
    ),
> {
    let max_x = bins(max_x, "max_x", 1);
    let (from, to) = (finite_day(calibration_end, "calibration_end"), finite_day(holdout_end, "holdout_end"));
    if to < from {
        raise(
            INVALID_PARAMETER_VALUE,
            format!(
                "holdout_end must not be before calibration_end: {holdout_end} is before {calibration_end}"
            ),
        );
    }
    let m = customer_model(model.value(), None);
    let view = s.view();
    let Some(c) = Customer::at(&view, from, m.unit) else { return TableIterator::new(Vec::new()) };
    let repeat_by = |day: i32| view.until(day).map_or(0, |seen| seen.frequency() as i64);
    let expected = computed(
        m.expected_purchases(&c, m.unit.from_days(i64::from(to) - i64::from(from))),
        "expected purchases",
    );
    TableIterator::once(((c.x as u32).min(max_x) as i32, repeat_by(to) - repeat_by(from), expected))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 1000)]
fn prediction_grid(
    model: BtydModel,
    t: f64,
    horizon: f64,
    max_x: default!(i32, 20),
    recency_steps: default!(i32, 20),
) -> TableIterator<
    'static,
    (name!(x, i32), name!(t_x, f64), name!(p_alive, f64), name!(expected_purchases, f64)),
> {
    let (max_x, steps) = (bins(max_x, "max_x", 0), bins(recency_steps, "recency_steps", 1));
    let (t, horizon) = (time_span(t, "t"), time_span(horizon, "horizon"));
    let m = customer_model(model.value(), None);
    let mut rows = Vec::new();
    for x in 0..=max_x {
        check_for_interrupts();
        // A customer without repeat purchases has t_x = 0; the others any recency up to T.
        let recencies: Vec<f64> = if x == 0 {
            vec![0.0]
        } else {
            // A fraction of t, so that a huge t does not overflow on the way.
            (0..=steps).map(|i| t * (f64::from(i) / f64::from(steps))).collect()
        };
        for t_x in recencies {
            let c = Customer { x: f64::from(x), t_x, t };
            rows.push((
                x as i32,
                t_x,
                computed(m.p_alive(&c), "P(alive)"),
                computed(m.expected_purchases(&c, horizon), "expected purchases"),
            ));
        }
    }
    TableIterator::new(rows)
}

extension_sql_file!("diagnostics/prediction_errors.sql", name = "prediction_errors");

extension_sql_file!(
    "diagnostics/btyd_diagnostics_comments.sql",
    name = "btyd_diagnostics_comments",
    requires = [purchase_tracking, repeat_purchase_distribution, holdout_comparison, prediction_grid],
);
