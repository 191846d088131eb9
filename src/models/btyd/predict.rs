//! Predictions of a purchase model for one customer, from a summary at `as_of` (times in days,
//! converted to the model's unit) or from raw `(x, t_x, T)` numbers in the model's unit.

use super::BtydModel;
use crate::models::covariates::{check_customer_parameters, check_lengths};
use crate::pg::args;
use crate::pg::call::check_for_interrupts;
use crate::pg::dates::{day_date, finite_day};
use crate::pg::errors::{raise, raise_with_hint, INVALID_PARAMETER_VALUE};
use crate::summary::CustomerSummary;
use clv_core::models::btyd::{Customer, Model};
use pgrx::datum::{Array, Date};
use pgrx::prelude::*;

/// A customer's transaction and dropout covariate vectors, as SQL passes them.
pub type CovariateArgs<'a> = (Option<Array<'a, f64>>, Option<Array<'a, f64>>);

/// The model a prediction about one customer uses: with the customer's covariate vectors,
/// their own model ([`Model::for_customer`]), the vectors checked against the model's
/// covariates (a model without covariates takes empty ones); without, the model itself,
/// which must then have no covariates.
pub(crate) fn customer_model(model: Model, covariates: Option<CovariateArgs>) -> Model {
    let z = customer_covariates(&model, covariates);
    model.for_customer(&z)
}

/// The customer's covariate vectors, end to end, checked as [`customer_model`] checks them
/// (empty for a model without covariates), and their parameters checked to be finite.
pub(crate) fn customer_covariates(model: &Model, covariates: Option<CovariateArgs>) -> Vec<f64> {
    let Some((trans, life)) = covariates else {
        if model.covariates.is_some() {
            raise_with_hint(
                INVALID_PARAMETER_VALUE,
                format!("this {} model was fitted with covariates: a prediction needs the customer's", model.kind.name()),
                Some("Pass the customer's transaction and dropout covariate vectors after as_of, or the model of clv.for_customer(model, transaction_covariates, dropout_covariates)."),
            );
        }
        return Vec::new();
    };
    let trans = args::covariates(trans, "transaction_covariates");
    let life = args::covariates(life, "dropout_covariates");
    let widths = model.covariates.as_ref().map_or(vec![0, 0], |c| c.spec.widths());
    check_lengths(&widths, &[(&trans, "transaction_covariates"), (&life, "dropout_covariates")]);
    let z = [trans, life].concat();
    check_customer_parameters(model.kind.name(), &model.params_for(&z));
    z
}

/// Raw BTYD quantities, checked (x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0).
pub(super) fn checked_customer(x: f64, t_x: f64, t: f64) -> Customer {
    let c = Customer { x, t_x, t };
    c.check().unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
    c
}

/// The customer at the end of `as_of` in the model's unit; `None` if no order by then.
pub(crate) fn customer_at(model: &Model, summary: &CustomerSummary, as_of: Date) -> Option<Customer> {
    Customer::at(&summary.view(), finite_day(as_of, "as_of"), model.unit)
}

pub(crate) fn checked_horizon(horizon: f64) -> f64 {
    args::time_span(horizon, "horizon")
}

/// A prediction for the customer of a summary at `as_of` (NULL if they had not ordered by
/// then), with the model decoded once per call site.
fn for_summary(
    model: &BtydModel,
    s: &CustomerSummary,
    as_of: Date,
    covariates: Option<CovariateArgs>,
    fcinfo: pg_sys::FunctionCallInfo,
    predict: impl FnOnce(&Model, &Customer) -> f64,
    what: &str,
) -> Option<f64> {
    let m = customer_model(model.cached_value(fcinfo), covariates);
    customer_at(&m, s, as_of).map(|c| args::computed(predict(&m, &c), what))
}

/// A prediction for raw `(x, t_x, T)` in the model's unit.
fn for_raw(
    model: &BtydModel,
    (x, t_x, t): (f64, f64, f64),
    fcinfo: pg_sys::FunctionCallInfo,
    predict: impl FnOnce(&Model, &Customer) -> f64,
    what: &str,
) -> f64 {
    let c = checked_customer(x, t_x, t);
    args::computed(predict(&customer_model(model.cached_value(fcinfo), None), &c), what)
}

/// The continuous discount rate per time unit of `model` of a (checked) effective annual
/// rate: `ln(1 + rate)` a year of 365.25 days.
pub(crate) fn continuous_rate(model: &Model, annual_discount_rate: f64) -> f64 {
    annual_discount_rate.ln_1p() / DAYS_PER_YEAR * model.unit.days()
}

const DAYS_PER_YEAR: f64 = 365.25;

// COST is in units of a built-in operator (about 25 ns): with the real cost of a prediction the
// planner sees that scoring a million customers is worth parallel workers.
#[pg_extern(immutable, parallel_safe, strict, cost = 10)]
fn p_alive(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    for_summary(&model, &s, as_of, None, fcinfo, |m, c| m.p_alive(c), "P(alive)")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 10, name = "p_alive")]
fn p_alive_raw(model: BtydModel, x: f64, t_x: f64, t: f64, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    for_raw(&model, (x, t_x, t), fcinfo, |m, c| m.p_alive(c), "P(alive)")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20)]
fn p_alive_ahead(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    assume_no_purchase: default!(bool, false),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let horizon = checked_horizon(horizon);
    for_summary(
        &model,
        &s,
        as_of,
        None,
        fcinfo,
        |m, c| m.p_alive_ahead(c, horizon, assume_no_purchase),
        "P(alive)",
    )
}

/// [`p_alive_ahead`] at a date after `as_of` instead of a horizon.
#[pg_extern(immutable, parallel_safe, strict, cost = 20)]
fn p_alive_at(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    at: Date,
    assume_no_purchase: default!(bool, false),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let (from, to) = (finite_day(as_of, "as_of"), finite_day(at, "at"));
    if to < from {
        raise(INVALID_PARAMETER_VALUE, format!("at must not be before as_of: {at} is before {as_of}"));
    }
    let days = f64::from(to) - f64::from(from);
    for_summary(
        &model,
        &s,
        as_of,
        None,
        fcinfo,
        |m, c| m.p_alive_ahead(c, days / m.unit.days(), assume_no_purchase),
        "P(alive)",
    )
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20, name = "p_alive_ahead")]
fn p_alive_ahead_raw(
    model: BtydModel,
    x: f64,
    t_x: f64,
    t: f64,
    horizon: f64,
    assume_no_purchase: default!(bool, false),
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let horizon = checked_horizon(horizon);
    for_raw(&model, (x, t_x, t), fcinfo, |m, c| m.p_alive_ahead(c, horizon, assume_no_purchase), "P(alive)")
}

#[pg_extern(immutable, parallel_safe, strict, cost = 20)]
fn expected_purchases(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    horizon: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let horizon = checked_horizon(horizon);
    for_summary(
        &model,
        &s,
        as_of,
        None,
        fcinfo,
        |m, c| m.expected_purchases(c, horizon),
        "expected purchases",
    )
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
    let horizon = checked_horizon(horizon);
    for_raw(&model, (x, t_x, t), fcinfo, |m, c| m.expected_purchases(c, horizon), "expected purchases")
}

#[pg_extern(immutable, parallel_safe, strict, name = "expected_purchases")]
fn expected_purchases_new_customer(model: BtydModel, horizon: f64, fcinfo: pg_sys::FunctionCallInfo) -> f64 {
    args::computed(
        customer_model(model.cached_value(fcinfo), None)
            .expected_purchases_new_customer(checked_horizon(horizon)),
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
    let (n, horizon) = (args::not_negative(n, "number of purchases"), checked_horizon(horizon));
    for_summary(&model, &s, as_of, None, fcinfo, |m, c| m.prob_purchases(c, n, horizon), "the probability")
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
    let (n, horizon) = (args::not_negative(n, "number of purchases"), checked_horizon(horizon));
    for_raw(&model, (x, t_x, t), fcinfo, |m, c| m.prob_purchases(c, n, horizon), "the probability")
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

// DERT integrates over the dropout probability for the BG/NBD family: a few hundred special
// function evaluations.
#[pg_extern(immutable, parallel_safe, strict, cost = 4000)]
fn dert(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    annual_discount_rate: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let annual_discount_rate = args::discount_rate(annual_discount_rate, "annual_discount_rate");
    for_summary(
        &model,
        &s,
        as_of,
        None,
        fcinfo,
        |m, c| m.dert(c, continuous_rate(m, annual_discount_rate), &check_for_interrupts),
        "the discounted expected residual transactions",
    )
}

#[pg_extern(immutable, parallel_safe, strict, cost = 4000, name = "dert")]
fn dert_raw(
    model: BtydModel,
    x: f64,
    t_x: f64,
    t: f64,
    annual_discount_rate: f64,
    fcinfo: pg_sys::FunctionCallInfo,
) -> f64 {
    let annual_discount_rate = args::discount_rate(annual_discount_rate, "annual_discount_rate");
    for_raw(
        &model,
        (x, t_x, t),
        fcinfo,
        |m, c| m.dert(c, continuous_rate(m, annual_discount_rate), &check_for_interrupts),
        "the discounted expected residual transactions",
    )
}

#[pg_extern(immutable, parallel_safe, strict, cost = 2000)]
fn expected_next_order_date(
    model: BtydModel,
    s: CustomerSummary,
    as_of: Date,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Date> {
    let m = customer_model(model.cached_value(fcinfo), None);
    let day = finite_day(as_of, "as_of");
    let c = customer_at(&m, &s, as_of)?;
    let wait_days = (m.median_time_to_next_purchase(&c, &check_for_interrupts)? * m.unit.days()).ceil();
    // Waits beyond PostgreSQL's date range mean "not in any foreseeable future".
    let due = f64::from(day) + wait_days;
    (due < f64::from(i32::MAX / 2)).then(|| day_date(due as i32))
}

// ---- with covariates -------------------------------------------------------------------------
// The same predictions for a model fitted with covariates, given the customer's vectors after
// as_of. Not STRICT: a NULL vector is an ERROR (an unknown covariate is not "no customer"),
// any other NULL argument gives NULL.

/// A customer's own model (see [`customer_model`]), for any prediction and diagnostic.
#[pg_extern(immutable, parallel_safe, cost = 10)]
fn for_customer(
    model: Option<BtydModel>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<BtydModel> {
    let m = customer_model(model?.cached_value(fcinfo), Some((transaction_covariates, dropout_covariates)));
    Some(BtydModel::new(&m))
}

#[pg_extern(immutable, parallel_safe, cost = 10, name = "p_alive")]
fn p_alive_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let covariates = Some((transaction_covariates, dropout_covariates));
    for_summary(&model?, &s?, as_of?, covariates, fcinfo, |m, c| m.p_alive(c), "P(alive)")
}

#[pg_extern(immutable, parallel_safe, cost = 20, name = "p_alive_ahead")]
#[allow(clippy::too_many_arguments)]
fn p_alive_ahead_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    horizon: Option<f64>,
    assume_no_purchase: default!(Option<bool>, false),
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let (horizon, assume_no_purchase) = (checked_horizon(horizon?), assume_no_purchase?);
    let covariates = Some((transaction_covariates, dropout_covariates));
    let predict = |m: &Model, c: &Customer| m.p_alive_ahead(c, horizon, assume_no_purchase);
    for_summary(&model?, &s?, as_of?, covariates, fcinfo, predict, "P(alive)")
}

#[pg_extern(immutable, parallel_safe, cost = 20, name = "expected_purchases")]
fn expected_purchases_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    horizon: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let horizon = checked_horizon(horizon?);
    let covariates = Some((transaction_covariates, dropout_covariates));
    let predict = |m: &Model, c: &Customer| m.expected_purchases(c, horizon);
    for_summary(&model?, &s?, as_of?, covariates, fcinfo, predict, "expected purchases")
}

#[pg_extern(immutable, parallel_safe, cost = 4000, name = "dert")]
fn dert_with_covariates(
    model: Option<BtydModel>,
    s: Option<CustomerSummary>,
    as_of: Option<Date>,
    transaction_covariates: Option<Array<f64>>,
    dropout_covariates: Option<Array<f64>>,
    annual_discount_rate: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<f64> {
    let annual_discount_rate = args::discount_rate(annual_discount_rate?, "annual_discount_rate");
    let covariates = Some((transaction_covariates, dropout_covariates));
    let predict =
        |m: &Model, c: &Customer| m.dert(c, continuous_rate(m, annual_discount_rate), &check_for_interrupts);
    for_summary(
        &model?,
        &s?,
        as_of?,
        covariates,
        fcinfo,
        predict,
        "the discounted expected residual transactions",
    )
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
        p_alive_ahead,
        p_alive_ahead_raw,
        p_alive_at,
        dert,
        dert_raw,
        expected_next_order_date,
        for_customer,
        p_alive_with_covariates,
        p_alive_ahead_with_covariates,
        expected_purchases_with_covariates,
        dert_with_covariates,
    ],
);
