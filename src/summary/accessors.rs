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

extension_sql_file!(
    "accessors/summary_accessor_comments.sql",
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
