//! `clv.summary_merge(a, b)` and the operator `a + b`: two summaries of one customer's orders
//! as one, so that a day of new orders folds into stored summaries
//! (`INSERT ... ON CONFLICT DO UPDATE SET s = summaries.s + EXCLUDED.s`; see docs/refresh.md).

use super::CustomerSummary;
use crate::pg::errors::{bad_summary, DATA_CORRUPTED};
use pgrx::prelude::*;

/// NULL is "no orders": merging with it gives the other summary. Not STRICT for that reason.
#[pg_extern(immutable, parallel_safe)]
fn summary_merge(a: Option<CustomerSummary>, b: Option<CustomerSummary>) -> Option<CustomerSummary> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let days = clv_core::summary::merge(&a.view(), &b.view())
                .unwrap_or_else(|e| bad_summary(e, DATA_CORRUPTED));
            Some(CustomerSummary::from_days(&days))
        }
        (a, b) => a.or(b),
    }
}

extension_sql_file!(
    "merge/summary_merge.sql",
    name = "summary_merge",
    requires = ["customer_summary_type", summary_merge]
);
