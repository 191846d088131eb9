//! Accessors: plain scalar values of a `clv.customer_summary`, for views and BI tools.
//!
//! Two recencies, never confused: `days_since_last_order` is the marketing recency (RFM's R,
//! from the last order to `as_of`); `t_x` is the BTYD quantity (from the first to the last
//! purchase day).

use super::CustomerSummary;
use crate::pg::dates::{day_date, finite_day, time_unit};
use clv_core::money::micros_to_f64;
use pgrx::datum::Date;
use pgrx::prelude::*;

#[pg_extern(immutable, parallel_safe, strict)]
fn order_count(summary: CustomerSummary) -> i64 {
    summary.view().order_count() as i64
}

#[pg_extern(immutable, parallel_safe, strict)]
fn purchase_days(summary: CustomerSummary) -> i32 {
    summary.view().purchase_days() as i32
}

#[pg_extern(immutable, parallel_safe, strict)]
fn frequency(summary: CustomerSummary) -> i32 {
    summary.view().frequency() as i32
}

#[pg_extern(immutable, parallel_safe, strict)]
fn first_order(summary: CustomerSummary) -> Date {
    day_date(summary.view().first_day())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn last_order(summary: CustomerSummary) -> Date {
    day_date(summary.view().last_day())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn days_since_last_order(summary: CustomerSummary, as_of: Date) -> Option<i32> {
    let as_of = finite_day(as_of, "as_of");
    let seen = summary.view().until(as_of)?;
    Some(as_of - seen.last_day())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn t_x(summary: CustomerSummary, unit: default!(&str, "'days'")) -> f64 {
    time_unit(unit).from_days(summary.view().t_x_days())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn customer_age(summary: CustomerSummary, as_of: Date, unit: default!(&str, "'days'")) -> Option<f64> {
    let unit = time_unit(unit);
    let age = i64::from(finite_day(as_of, "as_of")) - i64::from(summary.view().first_day());
    (age >= 0).then(|| unit.from_days(age))
}

#[pg_extern(immutable, parallel_safe, strict)]
fn total_spend(summary: CustomerSummary) -> f64 {
    micros_to_f64(summary.view().total_spend())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn average_order_value(summary: CustomerSummary) -> f64 {
    summary.view().average_order_value()
}

#[pg_extern(immutable, parallel_safe, strict)]
fn repeat_spend_mean(summary: CustomerSummary) -> Option<f64> {
    summary.view().repeat_spend_mean()
}

#[pg_extern(immutable, parallel_safe, strict)]
fn last_order_amount(summary: CustomerSummary) -> f64 {
    micros_to_f64(summary.view().last_day_spend().into())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn spend_between(summary: CustomerSummary, since: Date, before: Date) -> f64 {
    let (since, before) = (finite_day(since, "since"), finite_day(before, "before"));
    micros_to_f64(summary.view().spend_between(since, before))
}

#[pg_extern(immutable, parallel_safe, strict)]
fn orders_between(summary: CustomerSummary, since: Date, before: Date) -> i64 {
    let (since, before) = (finite_day(since, "since"), finite_day(before, "before"));
    summary.view().orders_between(since, before) as i64
}

#[pg_extern(immutable, parallel_safe, strict)]
fn purchase_days_between(summary: CustomerSummary, since: Date, before: Date) -> i32 {
    let (since, before) = (finite_day(since, "since"), finite_day(before, "before"));
    summary.view().purchase_days_between(since, before) as i32
}

#[pg_extern(immutable, parallel_safe, strict)]
fn summary_until(summary: CustomerSummary, cutoff: Date) -> Option<CustomerSummary> {
    let view = summary.view();
    let cut = view.until(finite_day(cutoff, "cutoff"))?;
    if cut.purchase_days() == view.purchase_days() {
        return Some(summary);
    }
    let days: Vec<_> = cut.iter().collect();
    Some(CustomerSummary::from_days(&days))
}

#[pg_extern(immutable, parallel_safe, strict)]
fn purchase_history(
    summary: CustomerSummary,
) -> TableIterator<'static, (name!(purchase_date, Date), name!(orders, i64), name!(spend, f64))> {
    let rows: Vec<_> = summary
        .view()
        .iter()
        .map(|d| (day_date(d.day), i64::from(d.orders), micros_to_f64(d.amount.into())))
        .collect();
    TableIterator::new(rows)
}

extension_sql!(
    r#"
COMMENT ON FUNCTION order_count(customer_summary) IS 'Number of orders (rows aggregated), not purchase days.';
COMMENT ON FUNCTION purchase_days(customer_summary) IS 'Number of distinct calendar days with at least one order.';
COMMENT ON FUNCTION frequency(customer_summary) IS 'BTYD x: repeat purchase days (purchase days - 1), as lifetimes'' frequency with freq=''D''.';
COMMENT ON FUNCTION first_order(customer_summary) IS 'Date of the first order.';
COMMENT ON FUNCTION last_order(customer_summary) IS 'Date of the last order.';
COMMENT ON FUNCTION days_since_last_order(customer_summary, date) IS 'Marketing recency (RFM''s R): days from the last order on or before as_of to as_of. NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION t_x(customer_summary, text) IS 'BTYD t_x (lifetimes'' recency): time from the first to the last purchase day, in ''days'' (default) or ''weeks''. Not the marketing recency: see days_since_last_order.';
COMMENT ON FUNCTION customer_age(customer_summary, date, text) IS 'BTYD T: time from the first purchase day to as_of, in ''days'' (default) or ''weeks''. NULL if as_of is before the first order.';
COMMENT ON FUNCTION total_spend(customer_summary) IS 'Sum of all order amounts (refunds included as negative amounts).';
COMMENT ON FUNCTION average_order_value(customer_summary) IS 'Total spend divided by the number of orders.';
COMMENT ON FUNCTION repeat_spend_mean(customer_summary) IS 'Mean spend per repeat purchase day (first purchase day excluded): lifetimes'' monetary_value and the Gamma-Gamma input. NULL for one-time buyers (lifetimes reports 0).';
COMMENT ON FUNCTION last_order_amount(customer_summary) IS 'Spend on the last purchase day (all orders of that day).';
COMMENT ON FUNCTION spend_between(customer_summary, date, date) IS 'Spend on days in [since, before): since inclusive, before exclusive. 0 when there is none.';
COMMENT ON FUNCTION orders_between(customer_summary, date, date) IS 'Orders on days in [since, before): since inclusive, before exclusive.';
COMMENT ON FUNCTION purchase_days_between(customer_summary, date, date) IS 'Purchase days in [since, before): the repeat purchases a BTYD model predicts for a holdout period that starts after the first order.';
COMMENT ON FUNCTION summary_until(customer_summary, date) IS 'The summary as of the end of cutoff (orders after cutoff dropped), for calibration/holdout splits. NULL if the customer had not ordered by then.';
COMMENT ON FUNCTION purchase_history(customer_summary) IS 'One row per purchase day: date, number of orders, spend.';
"#,
    name = "summary_accessor_comments",
    requires = [
        order_count,
        purchase_days,
        frequency,
        first_order,
        last_order,
        days_since_last_order,
        t_x,
        customer_age,
        total_spend,
        average_order_value,
        repeat_spend_mean,
        last_order_amount,
        spend_between,
        orders_between,
        purchase_days_between,
        summary_until,
        purchase_history,
    ],
);
