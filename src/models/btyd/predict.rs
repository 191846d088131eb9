//! Predictions of a purchase model for one customer, from a summary at `as_of` (times in days,
//! converted to the model's unit) or from raw `(x, t_x, T)` numbers in the model's unit.

use super::BtydModel;
use crate::pg::dates::{day_date, finite_day};
use crate::pg::errors::{
    float8_text, raise, raise_with_hint, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE,
};
use crate::summary::CustomerSummary;
use clv_core::models::btyd::{Customer, Model};
use pgrx::datum::Date;
use pgrx::prelude::*;

/// Raw BTYD quantities, checked (x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0).
pub(super) fn checked_customer(x: f64, t_x: f64, t: f64) -> Customer {
    let c = Customer { x, t_x, t };
    c.check().unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
    c
}

/// The customer at the end of `as_of` in the model's unit; `None` if no order by then.
fn customer_at(model: &Model, summary: &CustomerSummary, as_of: Date) -> Option<Customer> {
    Customer::at(&summary.view(), finite_day(as_of, "as_of"), model.unit)
}

fn checked_horizon(horizon: f64) -> f64 {
    if !(horizon.is_finite() && horizon >= 0.0) {
        raise(
            INVALID_PARAMETER_VALUE,
            format!("horizon must be a finite number of time units, not {}", float8_text(horizon)),
        );
    }
    horizon
}

fn checked_count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or_else(|_| {
        raise(INVALID_PARAMETER_VALUE, format!("number of purchases must not be negative, not {n}"))
    })
}

/// A prediction, or an ERROR when it could not be computed (series that do not converge,
/// which needs extreme parameters): never NaN.
fn computed(value: f64, what: &str) -> f64 {
    if !value.is_finite() {
        raise_with_hint(
            NUMERIC_VALUE_OUT_OF_RANGE,
            format!("could not compute {what} for these inputs"),
            Some("The model's parameters or the customer's history are too extreme for the series to converge."),
        );
    }
    value
}

// COST is in units of a built-in operator (about 25 ns): with the real cost of a prediction the
// planner sees that scoring a million customers is worth parallel workers.
#[pg_extern(immutable, parallel_safe, strict, cost = 10)]
fn p_alive(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let m = model.cached_value(fcinfo);
    customer_at(&m, &s, as_of).map(|c| computed(m.p_alive(&c), "P(alive)"))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 10, name = "p_alive")]
fn p_alive_raw(model: BtydModel, x: f64, t_x: f64, t: f64, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    computed(model.cached_value(fcinfo).p_alive(&checked_customer(x, t_x, t)), "P(alive)")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20)]
fn expected_purchases(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let m = model.cached_value(fcinfo);
    let horizon = checked_horizon(horizon);
    customer_at(&m, &s, as_of).map(|c| computed(m.expected_purchases(&c, horizon), "expected purchases"))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20, name = "expected_purchases")]
fn expected_purchases_raw(
    model: BtydModel,
    x: f64,
    t_x: f64,
    t: f64,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let c = checked_customer(x, t_x, t);
    computed(
        model.cached_value(fcinfo).expected_purchases(&c, checked_horizon(horizon)),
        "expected purchases",
    )
}

#[pg_extern(immutable, parallel_safe, strict, name = "expected_purchases")]
fn expected_purchases_new_customer(model: BtydModel, horizon: f64, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    computed(
        model.cached_value(fcinfo).expected_purchases_new_customer(checked_horizon(horizon)),
        "expected purchases",
    )
}

#[pg_extern(immutable, parallel_safe, strict, cost = 50)]
fn prob_purchases(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    n: i32,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let m = model.cached_value(fcinfo);
    let (n, horizon) = (checked_count(n), checked_horizon(horizon));
    customer_at(&m, &s, as_of).map(|c| computed(m.prob_purchases(&c, n, horizon), "the probability"))
}

#[pg_extern(immutable, parallel_safe, strict, cost = 50, name = "prob_purchases")]
fn prob_purchases_raw(
    model: BtydModel,
    x: f64,
    t_x: f64,
    t: f64,
    n: i32,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let c = checked_customer(x, t_x, t);
    computed(
        model.cached_value(fcinfo).prob_purchases(&c, checked_count(n), checked_horizon(horizon)),
        "the probability",
    )
}

#[pg_extern(immutable, parallel_safe, strict, cost = 50)]
fn prob_no_purchase(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    prob_purchases(model, s, as_of, 0, horizon, fcinfo)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 50, name = "prob_no_purchase")]
fn prob_no_purchase_raw(
    model: BtydModel,
    x: f64,
    t_x: f64,
    t: f64,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    prob_purchases_raw(model, x, t_x, t, 0, horizon, fcinfo)
}

#[pg_extern(immutable, parallel_safe, strict, cost = 2000)]
fn expected_next_order_date(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Date> {
    let m = model.cached_value(fcinfo);
    let day = finite_day(as_of, "as_of");
    let c = customer_at(&m, &s, as_of)?;
    let wait_days =
        (m.median_time_to_next_purchase(&c, &crate::pg::call::check_for_interrupts)? * m.unit.days()).ceil();
    // Waits beyond PostgreSQL's date range mean "not in any foreseeable future".
    let due = f64::from(day) + wait_days;
    (due < f64::from(i32::MAX / 2)).then(|| day_date(due as i32))
}

extension_sql_file!(
    "predict/btyd_prediction_comments.sql",
    name = "btyd_prediction_comments",
    requires = [
        p_alive,
        p_alive_raw,
        expected_purchases,
        expected_purchases_raw,
        expected_purchases_new_customer,
        prob_purchases,
        prob_purchases_raw,
        prob_no_purchase,
        prob_no_purchase_raw,
        expected_next_order_date,
    ],
);
