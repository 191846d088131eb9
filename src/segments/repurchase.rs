//! The repurchase cycle of a customer: `clv.repurchase_cycle`, `clv.repurchase_cycle_median`,
//! `clv.next_order_due`, `clv.overdue_ratio`.

use crate::pg::dates::finite_day;
use crate::summary::CustomerSummary;
use clv_core::segments::repurchase;
use pgrx::datum::Date;
use pgrx::prelude::*;

#[pg_extern(immutable, parallel_safe, strict)]
fn repurchase_cycle(summary: CustomerSummary) -> Option<f64> {
    repurchase::mean_cycle_days(&summary.view())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn repurchase_cycle_median(summary: CustomerSummary) -> Option<f64> {
    repurchase::median_cycle_days(&summary.view())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn next_order_due(summary: CustomerSummary) -> Option<Date> {
    let day = repurchase::next_order_due(&summary.view())?;
    // Beyond PostgreSQL's date range only for absurd inputs; NULL rather than an error.
    i32::try_from(day).ok().and_then(|d| Date::try_from(d).ok()).filter(|d| d.is_finite())
}

#[pg_extern(immutable, parallel_safe, strict)]
fn overdue_ratio(summary: CustomerSummary, as_of: Date) -> Option<f64> {
    repurchase::overdue_ratio(&summary.view(), finite_day(as_of, "as_of"))
}

extension_sql_file!(
    "repurchase/repurchase_comments.sql",
    name = "repurchase_comments",
    requires = [repurchase_cycle, repurchase_cycle_median, next_order_due, overdue_ratio],
);
