//! The aggregates that build summaries: `clv.customer_summary(ordered_at, amount)` over orders
//! and `clv.rollup(customer_summary)` over summaries.
//!
//! Both share one internal state: the purchase days seen so far, in arrival order, in the
//! aggregate memory context. Sorting and merging happen once, when the state is serialized for
//! a parallel leader or finalized. The serialized state is the stored summary format itself.
//! `CREATE AGGREGATE` is written by hand because pgrx 0.18's `#[pg_aggregate]` generates a
//! wrong deserialize signature for internal states (pgrx issue #2351).

use super::CustomerSummary;
use crate::pg::aggregate::{existing, parallel_functions, state, AggregateState};
use crate::pg::amounts::{float8_micros, numeric_micros, NumericArg};
use crate::pg::errors::{bad_summary, INVALID_BINARY_REPRESENTATION};
use crate::pg::memory::{context_vec, ContextAllocator, ContextVec};
use clv_core::codec::DecodeError;
use clv_core::summary::{encode, encoded_len, normalize, PurchaseDay, SummaryView};
use pgrx::datum::{Date, Internal, Timestamp, TimestampWithTimeZone};
use pgrx::prelude::*;

/// Purchase days seen so far: one entry per order or per summary day, unsorted, possibly
/// repeating a day.
struct SummaryState {
    days: ContextVec<PurchaseDay>,
}

impl SummaryState {
    fn new(alloc: ContextAllocator) -> Self {
        Self { days: context_vec(alloc) }
    }

    /// Sorts and merges in place; the logical content is unchanged, so finalizing twice (as
    /// PostgreSQL may when aggregates share a state) gives the same result.
    fn normalized(&mut self) -> &[PurchaseDay] {
        let n = normalize(&mut self.days).unwrap_or_else(|e| bad_summary(e, INVALID_BINARY_REPRESENTATION));
        self.days.truncate(n);
        &self.days
    }
}

impl AggregateState for SummaryState {
    fn empty_like(&self, alloc: ContextAllocator) -> Self {
        Self::new(alloc)
    }

    fn merge(&mut self, other: &Self) {
        self.days.extend_from_slice(&other.days);
    }

    /// The partial state is the stored summary format itself.
    fn serialize(&mut self) -> Vec<u8> {
        let days = self.normalized();
        let mut bytes = vec![0; encoded_len(days.len())];
        encode(days, &mut bytes);
        bytes
    }

    fn deserialize(bytes: &[u8], alloc: ContextAllocator) -> Result<Self, DecodeError> {
        let view = SummaryView::validated(bytes)?;
        let mut state = Self::new(alloc);
        state.days.extend(view.iter());
        Ok(state)
    }
}

/// Adds one order (NULL time or amount: skipped).
fn add_order(
    mut internal: Internal,
    day: Option<i32>,
    amount: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let (Some(day), Some(amount)) = (day, amount) {
        // Append only: `normalize` merges days later. Reading the previous entry to merge in
        // place would cost a cache miss per row in large hash aggregations.
        state(&mut internal, fcinfo, SummaryState::new).days.push(PurchaseDay { day, orders: 1, amount });
    }
    internal
}

/// One transition function per (order time type, amount type) pair.
macro_rules! order_transition {
    ($name:ident, $time:ty, $day:path, $amount:ty, $micros:path) => {
        #[pg_extern(immutable, parallel_safe)]
        fn $name(
            state: Internal,
            ordered_at: Option<$time>,
            amount: Option<$amount>,
            fcinfo: pg_sys::FunctionCallInfo,
        ) -> Internal {
            let day = ordered_at.map(|t| $day(t, "order time"));
            add_order(state, day, amount.map($micros), fcinfo)
        }
    };
}

order_transition!(customer_summary_add_date_float8, Date, crate::pg::dates::finite_day, f64, float8_micros);
order_transition!(
    customer_summary_add_date_numeric,
    Date,
    crate::pg::dates::finite_day,
    NumericArg,
    numeric_micros
);
order_transition!(
    customer_summary_add_timestamptz_float8,
    TimestampWithTimeZone,
    crate::pg::dates::timestamptz_day,
    f64,
    float8_micros
);
order_transition!(
    customer_summary_add_timestamptz_numeric,
    TimestampWithTimeZone,
    crate::pg::dates::timestamptz_day,
    NumericArg,
    numeric_micros
);
order_transition!(
    customer_summary_add_timestamp_float8,
    Timestamp,
    crate::pg::dates::timestamp_day,
    f64,
    float8_micros
);
order_transition!(
    customer_summary_add_timestamp_numeric,
    Timestamp,
    crate::pg::dates::timestamp_day,
    NumericArg,
    numeric_micros
);

/// Transition of `clv.rollup`: adds every purchase day of a summary (NULL: skipped).
#[pg_extern(immutable, parallel_safe)]
fn customer_summary_add_summary(
    mut internal: Internal,
    summary: Option<CustomerSummary>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    if let Some(summary) = summary {
        state(&mut internal, fcinfo, SummaryState::new).days.extend(summary.view().iter());
    }
    internal
}

parallel_functions!(SummaryState: customer_summary_combine, customer_summary_serialize, customer_summary_deserialize);

#[pg_extern(immutable, parallel_safe)]
fn customer_summary_final(mut internal: Internal) -> Option<CustomerSummary> {
    let days = existing::<SummaryState>(&mut internal)?.normalized();
    (!days.is_empty()).then(|| CustomerSummary::from_days(days))
}

extension_sql_file!(
    "aggregate/customer_summary_aggregates.sql",
    name = "customer_summary_aggregates",
    requires = [
        "customer_summary_type",
        customer_summary_add_date_float8,
        customer_summary_add_date_numeric,
        customer_summary_add_timestamptz_float8,
        customer_summary_add_timestamptz_numeric,
        customer_summary_add_timestamp_float8,
        customer_summary_add_timestamp_numeric,
        customer_summary_add_summary,
        customer_summary_combine,
        customer_summary_serialize,
        customer_summary_deserialize,
        customer_summary_final,
    ],
);

#[cfg(any(test, feature = "pg_test"))]
#[pg_schema]
mod tests {
    use pgrx::datum::Internal;
    use pgrx::prelude::*;

    /// A parallel worker's state that is not a summary is an ERROR, not a crash.
    #[pg_test(error = "invalid aggregate state: length does not match the number of days")]
    fn corrupt_partial_state_is_an_error() {
        // A header claiming 5 purchase days followed by room for one.
        let mut bytes = vec![0u8; 48];
        bytes[0] = 1;
        bytes[4] = 5;
        super::customer_summary_deserialize(&bytes, Internal::default());
    }

    #[pg_test(error = "invalid aggregate state: format version 9 is not supported")]
    fn unknown_partial_state_version_is_an_error() {
        let mut bytes = vec![0u8; 48];
        bytes[0] = 9;
        super::customer_summary_deserialize(&bytes, Internal::default());
    }

    /// The serialized partial state is the stored format: deserialize, combine and final
    /// give back the summary, and serializing it again gives the same bytes.
    #[pg_test]
    fn partial_state_is_the_stored_format() {
        let stored = Spi::get_one::<Vec<u8>>(
            "SELECT clv.customer_summary_send(clv.customer_summary(d, 2.5))
             FROM (VALUES (DATE '2024-03-01'), ('2024-01-01'), ('2024-03-01')) v(d)",
        )
        .unwrap()
        .unwrap();
        let state = super::customer_summary_deserialize(&stored, Internal::default());
        assert_eq!(super::customer_summary_serialize(state), stored);
    }
}
